package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/gin-gonic/gin"

	"jobboard/apiclient"
	"jobboard/internal/jobquery"
	"jobboard/internal/session"
	"jobboard/internal/telemetry"
	"jobboard/views"
)

// jobDetail serves GET /jobs/:id: the job's header and its tasks in
// Explorer's order (a failed job's failed task marked, with the sentence
// saying where it failed linking to it). The URL may carry back (the list
// the reader came from, a local path checked like sign-in's next; anything
// else falls back to the job's workflow list) and tz (the zone of the list
// the reader came from). Right after the reader asked for a cancel (the
// flash cookie of cancelSubmit, then the page's own polls) a plain
// confirmation is shown; nothing in the URL says so, so a copied link
// never does. htmx partial requests, the live refresh among them, get
// only the job's region.
//
// Answers: 200; 400 for an ID that is not a number; 404 for a job that
// does not exist or belongs to another account; 502/504 with a Retry when
// Explorer fails.
func (h *handler) jobDetail(c *gin.Context) error {
	jr, err := h.readJob(c)
	if err != nil {
		return err
	}
	sess, id, nav, zone := jr.sess, jr.id, jr.nav, jr.zone
	if isJobPoll(c.Request) {
		telemetry.MarkPoll(c, sess.ID) // counts active polling clients
	}
	job, err := h.getJob(c.Request.Context(), sess.Token, id)
	if err != nil {
		return h.jobFailure(c, &sess, err, id, nav)
	}
	d := h.jobDetailData(c, &sess, job, nav, zone)
	d.Cancelled = h.takeCancelFlash(c, id) ||
		isFragment(c.Request) && c.GetHeader(views.NoticeHeader) == views.NoticeCancelled
	return h.render(c, http.StatusOK, h.jobDetailView(c, d))
}

// isJobPoll reports whether the request is the job page's live refresh:
// htmx re-fetching the job's region (views.JobDetailRegion).
func isJobPoll(r *http.Request) bool {
	return isFragment(r) && header(r, hdrHXTarget) == "section#job-detail"
}

// jobDetailData assembles a job page's data: the tasks and the task a
// failed job failed at.
func (h *handler) jobDetailData(c *gin.Context, sess *session.Data, job apiclient.JobDetail, nav views.JobNav, zone *time.Location) views.JobDetail {
	d := views.JobDetail{Page: h.page(c, sess), Job: job, Nav: nav, Zone: zone, Now: h.now()}
	d.Title = d.L.T("job.title", job.Name)
	// Tasks stay in Explorer's order, the pipeline's: the failed one is
	// marked where it ran, not moved.
	d.Tasks = job.Tasks
	if job.Status == apiclient.StatusFailed {
		for _, t := range job.Tasks {
			if t.Status == apiclient.StatusFailed {
				failed := t
				d.Failed = &failed
				break
			}
		}
	}
	return d
}

// jobDetailView is the full page, or only the job's region for an htmx
// partial request.
func (h *handler) jobDetailView(c *gin.Context, d views.JobDetail) templ.Component {
	if isFragment(c.Request) {
		return views.JobDetailRegion(d)
	}
	return views.JobDetailPage(d)
}

// jobNav validates the back and tz parameters the job pages carry along,
// and returns the zone times are shown in. A refused back means the job's
// workflow list. Times are in the reader's zone (the tz cookie) when the
// browser told it; else in tz, else in the zone of the back list, else in
// the server's zone (an unknown zone counts as none, by the same rules as
// the lists' tz).
func (h *handler) jobNav(c *gin.Context, back, tz string) (views.JobNav, *time.Location) {
	var nav views.JobNav
	if back != "" && safeNext(back) == back && isListPath(listOf(back)) {
		// Only a jobs list: the link says "Back to the jobs list".
		nav.Back = back
		if tz == "" {
			// Links from a list carry its tz inside back.
			if u, err := url.Parse(back); err == nil {
				tz, _ = jobquery.One(u.Query()["tz"])
			}
		}
	}
	q, errs := jobquery.Parse(url.Values{"tz": {tz}}, h.zone, h.now())
	if errs == nil {
		nav.TZ = q.TZ
	}
	if z := h.readerZone(c); z != nil {
		return nav, z
	}
	return nav, q.Location()
}

// jobRequest is what every /jobs/:id route reads first: the signed-in
// session, the job's ID, the list to go back to and the reader's zone.
type jobRequest struct {
	sess session.Data
	id   int64
	nav  views.JobNav
	zone *time.Location
}

// getJob is Explorer's job with its tasks, every page's one way to read it:
// a task Explorer sends without a name is named by its ID, so no cell,
// heading, file name or choice of a task is ever blank.
func (h *handler) getJob(ctx context.Context, tok apiclient.Token, id int64) (apiclient.JobDetail, error) {
	job, err := h.explorer.GetJob(ctx, tok, id)
	for i := range job.Tasks {
		if strings.TrimSpace(job.Tasks[i].Name) == "" {
			job.Tasks[i].Name = job.Tasks[i].ID
		}
	}
	return job, err
}

// listOf is the path of a local URL, without its query.
func listOf(u string) string {
	p, _, _ := strings.Cut(u, "?")
	return p
}

// readJob reads a job route's request; back and tz come from the query, or
// from the form for a POST, each as one value (two different copies count
// as none: queryOne). Its errors (signed out, an ID that is not a
// number) go to the common error path.
func (h *handler) readJob(c *gin.Context) (jobRequest, error) {
	sess, err := h.requireSession(c)
	if err != nil {
		return jobRequest{}, err
	}
	param := func(key string) string { return queryOne(c, key) }
	if c.Request.Method == http.MethodPost {
		param = func(key string) string { return formOne(c, key) }
	}
	nav, zone := h.jobNav(c, param("back"), param("tz"))
	id, err := jobIDParam(c)
	if err != nil {
		return jobRequest{}, err
	}
	return jobRequest{sess: sess, id: id, nav: nav, zone: zone}, nil
}

// jobIDParam reads the :id of a job route: a positive decimal number, else
// a 400 that says so.
func jobIDParam(c *gin.Context) (int64, error) {
	raw := c.Param("id")
	id, ok := parseWorkflowID(raw) // job IDs have the same grammar
	if !ok {
		return 0, &appError{status: http.StatusBadRequest, key: "job.badID", args: []any{raw}, back: true}
	}
	return id, nil
}

// jobFailure turns a failed upstream call about job id into the error
// path: an unknown (or another account's) job is a 404 that names it; the
// panel's way back goes to the list the reader came from.
func (h *handler) jobFailure(c *gin.Context, sess *session.Data, err error, id int64, nav views.JobNav) error {
	if errors.Is(err, apiclient.ErrUnauthorized) {
		return err
	}
	if errors.Is(err, apiclient.ErrNotFound) {
		err = notInAccount("Job", strconv.FormatInt(id, 10), sess.Account, err)
	}
	if c.Request.Method != http.MethodGet {
		err = classifyNoRetry(err)
	}
	return h.jobFramed(c, sess, err, nav.Back)
}

// jobFramed renders err's panel in a page (or alone for an htmx partial
// request) whose way back is back, when set, instead of the home page.
func (h *handler) jobFramed(c *gin.Context, sess *session.Data, err error, back string) error {
	return inFrame(err, func(p views.Problem) templ.Component {
		if p.BackURL != "" && back != "" {
			p.BackURL, p.BackKey = back, "job.back"
		}
		if isFragment(c.Request) {
			return views.ProblemPanel(h.localizer(c), p)
		}
		return h.errorPage(c, sess, p)
	})
}
