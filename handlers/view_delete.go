package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"jobboard/internal/session"
	"jobboard/internal/store"
	"jobboard/views"
)

// viewDeleteConfirm serves GET /views/:id/delete: the owner confirms.
func (h *handler) viewDeleteConfirm(c *gin.Context, sess session.Data, v store.View) error {
	d := views.ViewDelete{Page: h.page(c, &sess), View: savedView(v, sess.Account, false)}
	d.Title = d.L.T("views.deleteTitle", v.Name)
	return h.render(c, http.StatusOK, views.ViewDeletePage(d))
}

// viewDelete serves POST /views/:id/delete: the owner's view and its
// pins are gone; the reader goes to the board, or with htmx the
// confirmation's region says so.
func (h *handler) viewDelete(c *gin.Context, sess session.Data, v store.View) error {
	if err := h.views.DeleteView(c.Request.Context(), sess.Account, v.ID); err != nil {
		return h.renderViewProblem(c, &sess, err)
	}
	if isFragment(c.Request) {
		d := views.ViewDelete{Page: h.page(c, &sess), View: savedView(v, sess.Account, false), Deleted: true}
		return h.render(c, http.StatusOK, views.ViewDeleteRegion(d))
	}
	h.redirect(c, views.ViewsPath+"?deleted=1")
	return nil
}
