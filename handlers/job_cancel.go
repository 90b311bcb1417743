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
	job, err := h.explorer.GetJob(c.Request.Context(), sess.Token, id)
	if err != nil {
		return h.jobFailure(c, &sess, err, id, nav)
	}
	d := views.JobCancel{Page: h.page(c, &sess), Job: job.Job, Nav: nav}
	d.Title = d.L.T("cancel.title")
	status := http.StatusOK
	switch {
	case job.Status == apiclient.StatusStopping:
		d.NoticeKey, status = "cancel.alreadyStopping", http.StatusConflict
	case !job.Status.Cancellable():
		d.NoticeKey, status = "cancel.nothing", http.StatusConflict
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
// Stopping. A job that already finished (Explorer
// answers a bad request, and the job re-read is finished) is not an error:
// the job's page is shown with "there was nothing to cancel", status 409.
//
// Answers: 303 (HX-Redirect for htmx); 409 nothing to cancel; 400/404 as
// the job page; 403 cross-site or read-only; 502/504 when Explorer fails.
func (h *handler) cancelSubmit(c *gin.Context) error {
	jr, err := h.readJob(c)
	if err != nil {
		return err
	}
	sess, id, nav, zone := jr.sess, jr.id, jr.nav, jr.zone
	ctx := c.Request.Context()
	cancelErr := h.explorer.CancelJob(ctx, sess.Token, id)
	if cancelErr == nil {
		h.setCancelFlash(c, id)
		h.redirect(c, views.JobDetailURL(id, nav))
		return nil
	}
	if !errors.Is(cancelErr, apiclient.ErrBadParam) {
		return h.jobFailure(c, &sess, cancelErr, id, nav)
	}
	job, err := h.explorer.GetJob(ctx, sess.Token, id)
	if err != nil {
		return h.jobFailure(c, &sess, err, id, nav)
	}
	if !job.Status.Terminal() {
		// Explorer refused the cancel of a job still in flight: its answer
		// is the error.
		return h.jobFailure(c, &sess, cancelErr, id, nav)
	}
	d := h.jobDetailData(c, &sess, job, nav, zone)
	d.NoticeKey = "cancel.nothing"
	return h.render(c, http.StatusConflict, views.JobDetailPage(d))
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
