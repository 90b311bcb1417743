package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/a-h/templ"
	"github.com/gin-gonic/gin"

	"jobboard/apiclient"
	"jobboard/jobquery"
	"jobboard/views"
)

// jobList serves GET /workflows/:id/jobs: a workflow's jobs, filtered,
// sorted and paged as the URL says (see jobquery.Query for the grammar).
// htmx partial requests get only the results region.
//
// Answers: 200 for a valid URL (a page past the last shows the last page
// with a note); 400 when a parameter is invalid, with its message next to
// the field and the other filters still applied; 400 for a workflow ID that
// is not a number and 404 for an unknown workflow; 502/504 with a Retry
// panel in the results region when Explorer fails.
func (h *handler) jobList(c *gin.Context) error {
	sess, err := h.requireSession(c)
	if err != nil {
		return err
	}
	rawID := c.Param("id")
	id, ok := parseWorkflowID(rawID)
	if !ok {
		return &appError{status: http.StatusBadRequest, key: "problem.badWorkflow", args: []any{rawID}, back: true}
	}
	path := "/workflows/" + strconv.FormatInt(id, 10) + "/jobs"
	q, fieldErrs := jobquery.Parse(c.Request.URL.Query(), h.zone)

	// A full page load of a valid but non-canonical URL (e.g. a plain form
	// submission with empty fields) moves to the canonical URL, so the
	// address bar always shows a short, shareable link.
	if !isHTMX(c.Request) && fieldErrs == nil && q.URL(path) != c.Request.URL.RequestURI() {
		c.Redirect(http.StatusFound, q.URL(path))
		return nil
	}

	d := views.JobList{
		Page:       h.page(c, &sess),
		WorkflowID: strconv.FormatInt(id, 10),
		Path:       path,
		Query:      q,
		Errors:     fieldErrs,
		Now:        h.now(),
	}
	ctx := c.Request.Context()
	list, err := h.explorer.ListWorkflowJobs(ctx, sess.Token, id, q.Upstream())
	if err == nil && len(list.Items) == 0 && q.Page > 1 {
		// Past the last page: show the last one and say so.
		d.RequestedPage = q.Page
		d.Query = q.WithPage(q.LastPage(list.Total))
		if list.Total > 0 {
			list, err = h.explorer.ListWorkflowJobs(ctx, sess.Token, id, d.Query.Upstream())
		}
	}
	if err == nil && len(list.Items) == 0 && q.Filtered() {
		// Nothing matches: one unfiltered row still tells the workflow's name.
		if one, nameErr := h.explorer.ListWorkflowJobs(ctx, sess.Token, id, apiclient.ListQuery{PageSize: 1}); nameErr == nil && len(one.Items) > 0 {
			d.WorkflowName = one.Items[0].WorkflowName
		}
	}
	switch {
	case errors.Is(err, apiclient.ErrNotFound):
		return &appError{status: http.StatusNotFound, key: "problem.noWorkflow", args: []any{d.WorkflowID}, cause: err, back: true}
	case errors.Is(err, apiclient.ErrUnauthorized):
		return err
	case err != nil:
		return inFrame(err, func(p views.Problem) templ.Component {
			d.Problem = &p
			return h.jobListView(c, d)
		})
	}
	d.Jobs, d.Total = list.Items, list.Total
	if len(list.Items) > 0 {
		d.WorkflowName = list.Items[0].WorkflowName
	}
	status := http.StatusOK
	if fieldErrs != nil {
		status = http.StatusBadRequest
	} else if isFragment(c.Request) {
		// The form sends empty fields; the history gets the canonical URL.
		c.Header("HX-Push-Url", d.Query.URL(path))
	}
	return h.render(c, status, h.jobListView(c, d))
}

// jobListView is the full page, or only the results region for an htmx
// partial request.
func (h *handler) jobListView(c *gin.Context, d views.JobList) templ.Component {
	if d.WorkflowName != "" {
		d.Title = d.L.T("jobs.title", d.WorkflowName)
	} else {
		d.Title = d.L.T("jobs.workflowFallback") + " " + d.WorkflowID
	}
	if isFragment(c.Request) {
		return views.JobListResults(d)
	}
	return views.JobListPage(d)
}
