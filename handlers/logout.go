package handlers

import (
	"github.com/gin-gonic/gin"
)

// logout serves POST /logout: the session is revoked server-side (a copy
// of the cookie is refused from now on), the cookie is cleared and the
// reader goes to the sign-in page.
func (h *handler) logout(c *gin.Context) error {
	h.endSession(c, "sign-out")
	h.redirect(c, "/login")
	return nil
}
