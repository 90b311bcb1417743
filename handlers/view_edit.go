package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"jobboard/internal/session"
	"jobboard/internal/store"
	"jobboard/views"
)

// ownedView returns the view of the route's :id if the reader owns it;
// otherwise the store's answer (ErrForbidden for another's shared view,
// ErrNotFound for a private one or none).
func (h *handler) ownedView(c *gin.Context, sess session.Data) (store.View, error) {
	st, err := h.viewStore()
	if err != nil {
		return store.View{}, err
	}
	id, err := viewIDParam(c)
	if err != nil {
		return store.View{}, err
	}
	v, err := st.ViewByID(c.Request.Context(), sess.Account, id)
	if err != nil {
		return store.View{}, err
	}
	if v.Owner != sess.Account || sess.Account == "" {
		return store.View{}, store.ErrForbidden
	}
	return v, nil
}

// ownerAction is an action on a view its owner asked for.
type ownerAction func(c *gin.Context, sess session.Data, v store.View) error

// asOwner runs action for the reader who owns the route's view; anyone
// else gets the store's refusal (403 for another's shared view, 404 for
// a private one or none), and a store that does not answer a 503 panel.
func (h *handler) asOwner(action ownerAction) func(*gin.Context) error {
	return func(c *gin.Context) error {
		sess, err := h.requireSession(c)
		if err != nil {
			return err
		}
		v, err := h.ownedView(c, sess)
		if err != nil {
			return h.renderViewProblem(c, &sess, err)
		}
		return action(c, sess, v)
	}
}

// viewEdit serves GET /views/:id/edit[?path=<list URL>]: the owner's
// form of a view, with the stored values, or with the current list in
// place of the stored one ("Save changes to this view").
func (h *handler) viewEdit(c *gin.Context, sess session.Data, v store.View) error {
	f := h.viewForm(c, &sess)
	fillViewForm(&f, v)
	if p := queryOne(c, "path"); p != "" {
		if canon, ok := h.listPathOf(p); ok && canon != v.Path {
			f.Path, f.PathChanged = canon, true
		}
	}
	return h.render(c, http.StatusOK, views.ViewFormPage(f))
}

// fillViewForm sets f to the stored view v.
func fillViewForm(f *views.ViewForm, v store.View) {
	f.Title = f.L.T("views.editTitle", v.Name)
	f.ID, f.Version = v.ID, v.Version
	f.Name, f.Slug, f.Description, f.Path = v.Name, v.Slug, v.Description, v.Path
	f.Visibility = views.VisibilityPrivate
	if v.Shared {
		f.Visibility = views.VisibilityShared
	}
}

// viewUpdate serves POST /views/:id: the owner's changes, checked like a
// new view's, saved only over the version the form was opened with; a
// view changed since is a 409 showing both versions.
func (h *handler) viewUpdate(c *gin.Context, sess session.Data, cur store.View) error {
	f := h.viewForm(c, &sess)
	f.Title = f.L.T("views.editTitle", cur.Name)
	f.ID = cur.ID
	readViewForm(c, &f)
	v, ok := h.checkViewForm(&f)
	if !ok {
		return h.renderViewForm(c, http.StatusBadRequest, f)
	}
	if v.Slug == "" {
		v.Slug = cur.Slug // an emptied slug keeps the short link
	}
	saved, err := h.views.UpdateView(c.Request.Context(), sess.Account, v, f.Version)
	if err != nil {
		return h.viewWriteError(c, &sess, f, err)
	}
	return h.viewSaved(c, f, saved, sess.Account)
}
