package views

import (
	"strconv"
	"strings"
)

// CountsIDPrefix starts the id of a saved view's outcome counts on the
// board and on Home ("counts-12"); the summary handler sees it in
// HX-Target and leaves out the list's own ids, which would repeat.
const CountsIDPrefix = "counts-"

// SavedView is a saved view as the board, Home and the forms show it.
type SavedView struct {
	ID          int64
	Slug        string
	Name        string
	Description string
	Owner       string
	Shared      bool
	Path        string // the list's canonical path and query
	Version     int64
	Mine        bool // the reader owns it: edit and delete are offered
	Pinned      bool // the reader pinned it
}

// ShortURL is the view's short link.
func (v SavedView) ShortURL() string { return ViewShortPath(v.Slug) }

// CountsURL is the outcome summary of the view's list: the list's own
// summary route, so the board shares its cache.
func (v SavedView) CountsURL() string {
	path, query, _ := strings.Cut(v.Path, "?")
	if query == "" {
		return SummaryPath(path)
	}
	return SummaryPath(path) + "?" + query
}

// CountsID is the id of the view's counts element.
func (v SavedView) CountsID() string { return CountsIDPrefix + strconv.FormatInt(v.ID, 10) }

// idSuffix makes per-view element ids unique on a page.
func (v SavedView) idSuffix(prefix string) string { return prefix + strconv.FormatInt(v.ID, 10) }

// ViewBoard is the data of GET /views: the reader's views and the shared
// ones.
type ViewBoard struct {
	Page
	Views []SavedView
	// NoticeKey announces what just happened (saved, deleted); "" for none.
	NoticeKey  string
	NoticeArgs []any
	// CannotOwn: the session was opened with a pasted token, which has
	// no account name to own or pin views.
	CannotOwn bool
	Problem   *Problem // the store could not be read
}

// PinnedViews is Home's block of the reader's pinned views.
type PinnedViews struct {
	Views   []SavedView
	Problem *Problem
}
