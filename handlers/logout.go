package handlers

import (
	"github.com/gin-gonic/gin"
)

// logout serves POST /logout: the session cookie is cleared and the reader
// goes to the sign-in page.
func (h *handler) logout(c *gin.Context) error {
	h.sessions.Clear(c.Writer, c.Request)
	h.redirect(c, "/login")
	return nil
}
