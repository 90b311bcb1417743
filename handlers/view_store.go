package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"jobboard/internal/session"
	"jobboard/internal/store"
	"jobboard/views"
)

// ViewStore is the part of internal/store the saved-view pages use; a
// *store.Store satisfies it. It decides who may see and change what: the
// handlers pass the acting account.
type ViewStore interface {
	CreateView(ctx context.Context, v store.View) (store.View, error)
	CreateViewUniqueSlug(ctx context.Context, v store.View) (store.View, error)
	ViewBySlug(ctx context.Context, account, slug string) (store.View, error)
	ViewByID(ctx context.Context, account string, id int64) (store.View, error)
	ViewsVisibleTo(ctx context.Context, account string) ([]store.View, error)
	CountViewsOwnedBy(ctx context.Context, account string) (int, error)
	MaxViewsPerAccount() int
	UpdateView(ctx context.Context, account string, v store.View, expectedVersion int64) (store.View, error)
	DeleteView(ctx context.Context, account string, id int64) error
	PinView(ctx context.Context, account string, id int64) error
	UnpinView(ctx context.Context, account string, id int64) error
	PinnedViews(ctx context.Context, account string) ([]store.View, error)
}

var _ ViewStore = (*store.Store)(nil)

// viewStoreOf is the store the saved-view pages use: Options.Views, else
// Options.Store, else none (every saved-view page then says the views are
// unavailable; the lists work as ever).
func viewStoreOf(opts Options) ViewStore {
	if opts.Views != nil {
		return opts.Views
	}
	if opts.Store != nil {
		return opts.Store
	}
	return nil
}

// errNoViewStore stands for a dashboard started without a store.
var errNoViewStore = errors.New("handlers: no store for saved views")

// savedView is v as the pages show it to account.
func savedView(v store.View, account string, pinned bool) views.SavedView {
	return views.SavedView{
		ID: v.ID, Slug: v.Slug, Name: v.Name, Description: v.Description, Owner: v.Owner,
		Shared: v.Shared, Path: v.Path, Version: v.Version, Mine: account != "" && v.Owner == account, Pinned: pinned,
	}
}

// viewProblem is the panel of a store answer that is not a view: the
// store down (503), a view that is not there or not the reader's to see
// (404, never saying whether it exists), or not the reader's to change
// (403). It links to the board.
func viewProblem(err error) views.Problem {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return views.Problem{Status: http.StatusNotFound, Key: "views.notFound", BackURL: views.ViewsPath, BackKey: "views.backToBoard"}
	case errors.Is(err, store.ErrForbidden):
		return views.Problem{Status: http.StatusForbidden, Key: "views.forbidden", BackURL: views.ViewsPath, BackKey: "views.backToBoard"}
	}
	return views.Problem{Status: http.StatusServiceUnavailable, Key: "views.unavailable", BackURL: "/", BackKey: "problem.backHome"}
}

// renderViewProblem answers with the panel of err (viewProblem): the
// panel alone for htmx, else a page. Unavailable stores are logged.
func (h *handler) renderViewProblem(c *gin.Context, sess *session.Data, err error) error {
	p := viewProblem(err)
	if p.Status >= 500 {
		p.RequestID = reqID(c)
		h.log.ErrorContext(c.Request.Context(), "saved views unavailable",
			"request_id", reqID(c), "path", c.Request.URL.Path, "error", err.Error())
		if c.Request.Method == http.MethodGet {
			p.RetryURL = c.Request.URL.RequestURI()
		}
	}
	if isFragment(c.Request) {
		return h.render(c, p.Status, views.ProblemPanel(h.localizer(c), p))
	}
	return h.render(c, p.Status, h.errorPage(c, sess, p))
}

// viewIDParam reads the :id of a view route; anything but a positive
// number is a view that is not there.
func viewIDParam(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("view id %q: %w", c.Param("id"), store.ErrNotFound)
	}
	return id, nil
}

// viewStore returns the store, or errNoViewStore.
func (h *handler) viewStore() (ViewStore, error) {
	if h.views == nil {
		return nil, errNoViewStore
	}
	return h.views, nil
}
