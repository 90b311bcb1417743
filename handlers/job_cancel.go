package handlers

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"jobboard/apiclient"
	"jobboard/views"
)

// cancelConfirm serves GET /jobs/:id/cancel: the confirmation step of
// "Cancel job", as a page with a POST form, or for an htmx partial request
// as a <dialog> fragment that app.js opens as a modal. A job that cannot be
// cancelled any more (it finished, or is already stopping) gets the reason
// instead of the form, with 409.
//
// Answers: 200; 409 nothing to cancel; 400/404 as the job page; 403 in
// read-only mode (see writable).
func (h *handler) cancelConfirm(c *gin.Context) error {
	jr, err := h.readJob(c)
	if err != nil {
		return err
	}
	sess, id, nav := jr.sess, jr.id, jr.nav
	job, err := h.getJob(c.Request.Context(), sess.Token, id)
	if err != nil {
		return h.jobFailure(c, &sess, err, id, nav)
	}
	d := views.JobCancel{Page: h.page(c, &sess), Job: job.Job, Nav: nav}
	d.Title = d.L.T("cancel.title")
	status := http.StatusOK
	if d.NoticeKey = nothingToCancel(job.Status); d.NoticeKey != "" {
		status = http.StatusConflict
	}
	if isFragment(c.Request) {
		return h.render(c, status, views.JobCancelDialog(d))
	}
	return h.render(c, status, views.JobCancelPage(d))
}

// cancelSubmit serves POST /jobs/:id/cancel (same-origin only, refused in
// read-only mode): asks Explorer to cancel the job, then sends the reader
// to the job's page (Post/Redirect/Get, with a flash cookie and no
// parameter), where a plain message confirms it and the job shows
// Stopping. The job is read first: a job already stopping (a second tab,
// a double submit) or finished is not cancelled again and not an error,
// and Explorer answers a cancel of a stopping job with success, so only
// that read can tell the reader their cancel did nothing. The job's page
// (its region for htmx) is shown with why, status 409. A cancel Explorer
// refuses because the job moved on meanwhile is told the same way.
//
// Answers: 303 (HX-Redirect for htmx); 409 already stopping or nothing to
// cancel; 400/404 as the job page; 403 cross-site or read-only; 502/504
// when Explorer fails.
func (h *handler) cancelSubmit(c *gin.Context) error {
	jr, err := h.readJob(c)
	if err != nil {
		return err
	}
	sess, id, nav, zone := jr.sess, jr.id, jr.nav, jr.zone
	ctx := c.Request.Context()
	job, err := h.getJob(ctx, sess.Token, id)
	if err != nil {
		return h.jobFailure(c, &sess, err, id, nav)
	}
	if nothingToCancel(job.Status) == "" {
		cancelErr := h.explorer.CancelJob(ctx, sess.Token, id)
		if cancelErr == nil {
			h.setCancelFlash(c, id)
			h.redirect(c, views.JobDetailURL(id, nav))
			return nil
		}
		if !errors.Is(cancelErr, apiclient.ErrBadParam) {
			return h.jobFailure(c, &sess, cancelErr, id, nav)
		}
		if job, err = h.getJob(ctx, sess.Token, id); err != nil {
			return h.jobFailure(c, &sess, err, id, nav)
		}
		if nothingToCancel(job.Status) == "" {
			// Explorer refused the cancel of a job still cancellable: its
			// answer is the error.
			return h.jobFailure(c, &sess, cancelErr, id, nav)
		}
	}
	d := h.jobDetailData(c, &sess, job, nav, zone)
	d.NoticeKey = nothingToCancel(job.Status)
	return h.render(c, http.StatusConflict, h.jobDetailView(c, d))
}

// nothingToCancel is the message key saying why a job in status st cannot
// be cancelled (a cancel was already requested, or it finished), or ""
// when it can be.
func nothingToCancel(st apiclient.Status) string {
	switch {
	case st == apiclient.StatusStopping:
		return "cancel.alreadyStopping"
	case !st.Cancellable():
		return "cancel.nothing"
	}
	return ""
}

// writable refuses the routes that change jobs (cancel, run) in read-only
// mode with a plain 403 page.
func (h *handler) writable(c *gin.Context) {
	if h.readOnly {
		h.handleError(c, &appError{status: http.StatusForbidden, key: "readonly.refused", back: true})
		c.Abort()
		return
	}
	c.Next()
}

// cancelFlash is the cookie that tells the job page, once, right after
// the redirect, that this reader asked for the job's cancel. It is scoped
// to the job's path and lives a minute at most.
const (
	cancelFlash       = "flash"
	cancelFlashMaxAge = 60 // seconds
)

// setCancelFlash remembers for the next GET of job id's page that the
// reader asked for its cancel.
func (h *handler) setCancelFlash(c *gin.Context, id int64) {
	http.SetCookie(c.Writer, h.cancelFlashCookie(c, id, views.NoticeCancelled, cancelFlashMaxAge))
}

// takeCancelFlash reports whether the request carries the cancel flash of
// job id, and clears it: the notice is shown on one page load.
func (h *handler) takeCancelFlash(c *gin.Context, id int64) bool {
	ck, err := c.Request.Cookie(cancelFlash)
	if err != nil || ck.Value != views.NoticeCancelled {
		return false
	}
	http.SetCookie(c.Writer, h.cancelFlashCookie(c, id, "", -1))
	return true
}

// cancelFlashCookie is the flash cookie of job id (maxAge -1 clears it).
func (h *handler) cancelFlashCookie(c *gin.Context, id int64, value string, maxAge int) *http.Cookie {
	return &http.Cookie{ //nolint:gosec // G124: HttpOnly and SameSite are set; Secure follows the deployment (SecureCookie or TLS) like the session cookie
		Name:     cancelFlash,
		Value:    value,
		Path:     views.JobPath(id),
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   h.sec.hsts || c.Request.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	}
}
