package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"jobboard/views"
)

// logout serves POST /logout: the session leaves the live set (a copy of
// the cookie is refused from now on), the cookie is cleared and the reader
// goes to the sign-in page, which confirms it. When the live set cannot
// record it, the answer is 503 "We couldn't sign you out; try again",
// never a confirmation of a sign-out that did not happen.
func (h *handler) logout(c *gin.Context) error {
	if err := h.endSession(c, "sign-out"); err != nil {
		return &appError{status: http.StatusServiceUnavailable, key: "logout.failed", cause: err}
	}
	h.redirect(c, views.LoginURL("", views.LoginSignedOut))
	return nil
}

// logoutPage serves GET /logout (a bookmark, a typed address): signing out
// changes state, so it is not done on a GET; the page offers the Sign out
// button instead, or says the reader is not signed in.
func (h *handler) logoutPage(c *gin.Context) error {
	var p views.Page
	if sess, err := h.sessions.Load(c.Request, h.now()); err == nil {
		p = h.page(c, &sess)
	} else {
		p = h.page(c, nil)
	}
	p.Title = p.L.T("logout.title")
	return h.render(c, http.StatusOK, views.LogoutPage(p))
}
