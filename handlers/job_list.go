package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"jobboard/internal/summarycache"

	"github.com/a-h/templ"
	"github.com/gin-gonic/gin"

	"jobboard/apiclient"
	"jobboard/internal/joblist"
	"jobboard/internal/jobquery"
	"jobboard/internal/session"
	"jobboard/internal/telemetry"
	"jobboard/views"
)

// listState holds what the lists' summary, live refresh and export need.
type listState struct {
	pollInterval time.Duration
	exportCap    int
	summaries    *summarycache.Cache[views.Outcomes]
}

// listSource is where a jobs list comes from: one workflow's jobs, or every
// job of the reader (workflowID 0). It is the only difference between the
// two lists; everything else (filters, sort, pager, URL rules, summary,
// live refresh, export) is shared.
type listSource struct {
	workflowID int64 // 0: every workflow
}

// all reports whether the list spans every workflow.
func (s listSource) all() bool { return s.workflowID == 0 }

// path is the list's URL path: /jobs or /workflows/:id/jobs.
func (s listSource) path() string {
	return views.ListPath(s.workflowID)
}

// list calls the upstream list endpoint of the source.
func (s listSource) list(ctx context.Context, ex Explorer, tok apiclient.Token, q apiclient.ListQuery) (apiclient.JobPage, error) {
	if s.all() {
		return ex.ListJobs(ctx, tok, q)
	}
	return ex.ListWorkflowJobs(ctx, tok, s.workflowID, q)
}

// lister is the source's list endpoint as internal/joblist calls it.
func (s listSource) lister(ex Explorer, tok apiclient.Token) joblist.Lister {
	return joblist.ListerFunc(func(ctx context.Context, q apiclient.ListQuery) (apiclient.JobPage, error) {
		return s.list(ctx, ex, tok, q)
	})
}

// listPage fetches the page q shows: one call for any status or one
// status (as the Query's Upstream says), the merge of one list per status
// for a set of several. A merged page that cannot be told exactly within
// the bound on calls is joblist.ErrTooDeep, with the total.
func (s listSource) listPage(ctx context.Context, ex Explorer, tok apiclient.Token, q jobquery.Query) (apiclient.JobPage, error) {
	p, err := joblist.List(ctx, s.lister(ex, tok), q.Upstream(), q.Status.Statuses())
	return apiclient.JobPage{Items: p.Items, Total: p.Total, Page: q.Page, PageSize: q.Size}, err
}

// listSourceOf reads the source of a list route: routes under
// /workflows/:id/jobs name a workflow, the others (/jobs…) span all.
func listSourceOf(c *gin.Context) (listSource, error) {
	if !strings.HasPrefix(c.FullPath(), "/workflows/") {
		return listSource{}, nil
	}
	raw := c.Param("id")
	id, ok := parseWorkflowID(raw)
	if !ok {
		return listSource{}, &appError{status: http.StatusBadRequest, key: "problem.badWorkflow", args: []any{raw}, back: true}
	}
	return listSource{workflowID: id}, nil
}

// listRequest is what every list route (the page, its summary, its export)
// reads first: the signed-in session, which list, and the list state
// parsed from the URL with its field errors.
type listRequest struct {
	sess      session.Data
	src       listSource
	q         jobquery.Query
	fieldErrs jobquery.FieldErrors
	now       time.Time      // read once: the list, its counts and its file agree on it
	zone      *time.Location // the zone shown (shownZone), read once
	// pastMax is a page number beyond jobquery.MaxPage as asked for (else
	// 0): a page that does not exist like any past the last, not a typo.
	pastMax int
}

// readList reads a list route's request. Its errors (signed out, a
// workflow ID that is not a number) go to the common error path.
func (h *handler) readList(c *gin.Context) (listRequest, error) {
	sess, err := h.requireSession(c)
	if err != nil {
		return listRequest{}, err
	}
	src, err := listSourceOf(c)
	if err != nil {
		return listRequest{}, err
	}
	// Dates without a tz in the URL are read in the zone the reader sees.
	now, zone := h.now(), h.shownZone(c)
	q, fieldErrs := jobquery.Parse(c.Request.URL.Query(), zone, now)
	lr := listRequest{sess: sess, src: src, q: q, fieldErrs: fieldErrs, now: now, zone: zone}
	if e, bad := fieldErrs["page"]; bad && e.Key == "field.page.invalid" {
		if n, err := strconv.Atoi(strings.TrimSpace(e.Value)); err == nil && n > jobquery.MaxPage {
			lr.pastMax, lr.q = n, q.WithPage(jobquery.MaxPage)
			delete(lr.fieldErrs, "page")
			if len(lr.fieldErrs) == 0 {
				lr.fieldErrs = nil
			}
		}
	}
	return lr, nil
}

// upstreamError maps a list call's failure: an unknown workflow is a 404
// naming it and the reader's account (it may be another account's);
// everything else goes to the common error path.
func (s listSource) upstreamError(err error, sess session.Data) error {
	if errors.Is(err, apiclient.ErrNotFound) && !s.all() {
		return notInAccount("Workflow", strconv.FormatInt(s.workflowID, 10), sess.Account, err)
	}
	return err
}

// isPoll reports whether the request is a live-refresh poll: htmx
// re-fetching the list's live region (see views.JobListLive).
func isPoll(r *http.Request) bool {
	return isFragment(r) && header(r, hdrHXTarget) == "div#"+views.LiveRegionID
}

// jobList serves GET /workflows/:id/jobs (a workflow's jobs) and GET /jobs
// (every job, with a Workflow column): filtered, sorted and paged as the
// URL says (see jobquery.Query for the grammar). htmx partial requests get
// only the results region; live-refresh polls only the live region.
//
// Answers: 200 for a valid URL (a page past the last shows the last page
// with a note); 400 when a parameter is invalid, with its message next to
// the field and the other filters still applied; 400 for a workflow ID that
// is not a number and 404 for an unknown workflow; 502/504 with a Retry
// panel in the results region when Explorer fails.
func (h *handler) jobList(c *gin.Context) error {
	lr, err := h.readList(c)
	if err != nil {
		return err
	}
	sess, src, q, fieldErrs := lr.sess, lr.src, lr.q, lr.fieldErrs
	path := src.path()

	// A full page load of a valid but non-canonical URL (e.g. a plain form
	// submission with empty fields) moves to the canonical URL, so the
	// address bar always shows a short, shareable link.
	if !isHTMX(c.Request) && fieldErrs == nil && lr.pastMax == 0 && q.URL(path) != c.Request.URL.RequestURI() {
		c.Redirect(http.StatusFound, q.URL(path))
		return nil
	}

	d := views.JobList{
		Page:   h.page(c, &sess),
		Path:   path,
		Query:  q,
		Zone:   lr.zone,
		Errors: fieldErrs,
		Now:    lr.now,
		All:    src.all(),
		Poll:   isPoll(c.Request),
	}
	if !src.all() {
		d.WorkflowID = strconv.FormatInt(src.workflowID, 10)
	}
	if d.Poll {
		telemetry.MarkPoll(c, sess.ID) // counts active polling clients
	}
	ctx := c.Request.Context()
	var newer func() (int, bool)
	if !d.Poll { // a poll refreshes the rows only; the notice stays as it was
		newer = h.countNewer(ctx, sess.Token, src, q)
	}
	list, err := src.listPage(ctx, h.explorer, sess.Token, q)
	if errors.Is(err, joblist.ErrTooDeep) {
		d.TooDeep, err = true, nil
	}
	if err == nil && !d.TooDeep && len(list.Items) == 0 && q.Page > 1 {
		// Past the last page: show the last one and say so.
		d.RequestedPage = q.Page
		if lr.pastMax > 0 {
			d.RequestedPage = lr.pastMax
		}
		d.Query = q.WithPage(q.LastPage(list.Total))
		if list.Total > 0 {
			list, err = src.listPage(ctx, h.explorer, sess.Token, d.Query)
			if errors.Is(err, joblist.ErrTooDeep) {
				d.TooDeep, err = true, nil
			}
		}
	}
	if err == nil && len(list.Items) == 0 && q.Filtered() && !src.all() {
		// Nothing matches: one unfiltered row still tells the workflow's name.
		if one, nameErr := src.list(ctx, h.explorer, sess.Token, apiclient.ListQuery{PageSize: 1}); nameErr == nil && len(one.Items) > 0 {
			d.WorkflowName = one.Items[0].WorkflowName
		}
	}
	if err != nil {
		err = src.upstreamError(err, sess)
		var ae *appError
		if errors.Is(err, apiclient.ErrUnauthorized) || errors.As(err, &ae) {
			return err
		}
		// The closure gets its own copy of the page: one that captured d
		// would move d to the heap on every request, failed or not.
		failed := d
		return inFrame(err, func(p views.Problem) templ.Component {
			failed.Problem = &p
			return h.jobListView(c, failed)
		})
	}
	d.Jobs, d.Total = list.Items, list.Total
	if newer != nil {
		d.Newer, d.NewerCounted = newer()
	}
	if len(list.Items) > 0 && !src.all() {
		d.WorkflowName = list.Items[0].WorkflowName
	}
	// Summary and download links are the list's own (views.JobList.SummaryLink,
	// ExportLink), built as the page is written.

	status := http.StatusOK
	if fieldErrs != nil {
		status = http.StatusBadRequest
	} else if isFragment(c.Request) && !d.Poll {
		// The form sends empty fields; the history gets the canonical URL.
		// Polls never touch the history.
		c.Writer.Header()["Hx-Push-Url"] = []string{d.Query.URL(path)} // HX-Push-Url, canonical
	}
	return h.render(c, status, h.jobListView(c, d))
}

// countNewer starts counting, beside the list call, the jobs that match a
// pinned list's filters but came after its pin (one call of one job a
// page, per status of a set of several);
// the returned func waits for the count and says whether it was read. A
// failed count leaves the list as it is: the notice says it is unknown.
func (h *handler) countNewer(ctx context.Context, tok apiclient.Token, src listSource, q jobquery.Query) func() (int, bool) {
	if !q.Pinned() {
		return nil
	}
	nq, ok := q.Newer()
	if !ok { // the dates end before the pin: nothing can be newer
		return func() (int, bool) { return 0, true }
	}
	type count struct {
		n  int
		ok bool
	}
	done := make(chan count, 1)
	// The goroutine takes the statuses, not q: a q it captured would be
	// moved to the heap on every list request, pinned or not.
	statuses := q.Status.Statuses()
	go func() {
		// A set of several statuses is one such call per status.
		page, err := joblist.List(ctx, src.lister(h.explorer, tok), nq, statuses)
		done <- count{page.Total, err == nil}
	}()
	return func() (int, bool) {
		c := <-done
		return c.n, c.ok
	}
}

// jobListView is the full page, only the results region for an htmx
// partial request, or only the live region for a poll.
func (h *handler) jobListView(c *gin.Context, d views.JobList) templ.Component {
	switch {
	case d.Poll:
		return views.JobListLive(d)
	case isFragment(c.Request):
		return views.JobListResults(d) // no <title> in a region
	}
	switch {
	case d.All:
		d.Title = d.L.T("all.title")
	case d.WorkflowName != "":
		d.Title = d.L.T("jobs.title", d.WorkflowName)
	default:
		d.Title = d.L.T("jobs.workflowFallback") + " " + d.WorkflowID
	}
	return views.JobListPage(d)
}

// initLists applies the list options and their defaults. It reads h.now
// lazily, so it may run before New has defaulted it.
func (h *handler) initLists(opts Options) {
	h.lists = listState{pollInterval: opts.PollInterval, exportCap: opts.ExportCap}
	if h.lists.pollInterval <= 0 {
		h.lists.pollInterval = DefaultPollInterval
	}
	if h.lists.exportCap <= 0 {
		h.lists.exportCap = DefaultExportCap
	}
	ttl := opts.SummaryTTL
	if ttl <= 0 {
		ttl = DefaultSummaryTTL
	}
	h.lists.summaries = summarycache.New[views.Outcomes](summarycache.Options{
		TTL: ttl,
		Now: func() time.Time { return h.now() },
	})
}

// pollSeconds is the live-refresh interval in whole seconds (at least 1),
// for the layout's <meta name="jobboard-poll">.
func (h *handler) pollSeconds() int {
	return max(1, int((h.lists.pollInterval+time.Second/2)/time.Second))
}
