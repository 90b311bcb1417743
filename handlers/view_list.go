package handlers

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"jobboard/internal/store"
	"jobboard/views"
)

// viewList serves GET /views: the reader's views and everyone's shared
// ones, each with its short link, owner, description and outcome counts
// (loaded lazily through the list's own summary route and its cache).
// ?saved=<slug> and ?deleted=1 announce what just happened. A store that
// does not answer is a 503 panel; the lists keep working.
func (h *handler) viewList(c *gin.Context) error {
	sess, err := h.requireSession(c)
	if err != nil {
		return err
	}
	d := views.ViewBoard{Page: h.page(c, &sess), CannotOwn: sess.Account == ""}
	d.Title = d.L.T("views.title")
	list, err := h.visibleViews(c.Request.Context(), sess.Account)
	if err != nil {
		p := viewProblem(err)
		p.RequestID, p.RetryURL = reqID(c), c.Request.URL.RequestURI()
		h.log.ErrorContext(c.Request.Context(), "saved views unavailable", "request_id", reqID(c), "error", err.Error())
		d.Problem = &p
		return h.render(c, p.Status, views.ViewBoardPage(d))
	}
	d.Views = list
	if slug := queryOne(c, "saved"); slug != "" {
		for _, v := range list {
			if v.Slug == slug {
				d.NoticeKey, d.NoticeArgs = "views.savedAs", []any{v.Name, v.ShortURL()}
			}
		}
	}
	if queryOne(c, "deleted") != "" {
		d.NoticeKey = "views.deletedOne"
	}
	return h.render(c, http.StatusOK, views.ViewBoardPage(d))
}

// visibleViews returns the views account may see, marked with its pins.
func (h *handler) visibleViews(ctx context.Context, account string) ([]views.SavedView, error) {
	st, err := h.viewStore()
	if err != nil {
		return nil, err
	}
	all, err := st.ViewsVisibleTo(ctx, account)
	if err != nil {
		return nil, err
	}
	pinned := map[int64]bool{}
	if account != "" {
		pins, err := st.PinnedViews(ctx, account)
		if err != nil {
			return nil, err
		}
		for _, v := range pins {
			pinned[v.ID] = true
		}
	}
	out := make([]views.SavedView, 0, len(all))
	for _, v := range all {
		out = append(out, savedView(v, account, pinned[v.ID]))
	}
	return out, nil
}

// pinnedViews is Home's block of the reader's pinned views: nil (no
// block) without a store or an account; a store that does not answer is
// a panel in the block, and the rest of Home stays.
func (h *handler) pinnedViews(ctx context.Context, account string) *views.PinnedViews {
	if h.views == nil || account == "" {
		return nil
	}
	pins, err := h.views.PinnedViews(ctx, account)
	if err != nil {
		p := viewProblem(err)
		h.log.ErrorContext(ctx, "saved views unavailable", "path", "/", "error", err.Error())
		return &views.PinnedViews{Problem: &p}
	}
	out := &views.PinnedViews{}
	for _, v := range pins {
		out.Views = append(out.Views, savedView(v, account, true))
	}
	return out
}

// viewOpen serves GET /v/:slug, a view's short link: the view's list,
// read with the reader's own session (signing in first comes back
// here). A slug that is unknown, deleted or another account's private
// view is a 404 linking to the board.
func (h *handler) viewOpen(c *gin.Context) error {
	sess, err := h.requireSession(c)
	if err != nil {
		return err
	}
	st, err := h.viewStore()
	if err != nil {
		return h.renderViewProblem(c, &sess, err)
	}
	slug := c.Param("slug")
	if !store.ValidSlug(slug) {
		return h.renderViewProblem(c, &sess, store.ErrNotFound)
	}
	v, err := st.ViewBySlug(c.Request.Context(), sess.Account, slug)
	if err != nil {
		return h.renderViewProblem(c, &sess, err)
	}
	h.redirect(c, v.Path)
	return nil
}
