package handlers

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"jobboard/internal/jobquery"
	"jobboard/internal/session"
	"jobboard/internal/store"
	"jobboard/views"
)

// viewNew serves GET /views/new?path=<list URL>: the save form of the
// list the reader came from, with the views they own that it could be
// saved into instead.
func (h *handler) viewNew(c *gin.Context) error {
	sess, err := h.requireSession(c)
	if err != nil {
		return err
	}
	f := h.viewForm(c, &sess)
	f.Title = f.L.T("views.newTitle")
	f.Path = queryOne(c, "path")
	f.Visibility = views.VisibilityPrivate
	if canon, ok := h.listPathOf(f.Path); ok {
		f.Path = canon
		_, rawQuery, _ := strings.Cut(canon, "?")
		q, _ := url.ParseQuery(rawQuery)
		f.Name = suggestedName(q)
	}
	if f.CannotOwn {
		return h.render(c, http.StatusOK, views.ViewFormPage(f))
	}
	st, err := h.viewStore()
	if err == nil {
		var owned []store.View
		owned, err = st.ViewsVisibleTo(c.Request.Context(), sess.Account)
		for _, v := range owned {
			if v.Owner == sess.Account {
				f.Owned = append(f.Owned, savedView(v, sess.Account, false))
			}
		}
	}
	if err != nil {
		return h.renderViewProblem(c, &sess, err)
	}
	return h.render(c, http.StatusOK, views.ViewFormPage(f))
}

// suggestedName is a starting name for a view of these filters: the
// name searched for, else empty.
func suggestedName(q url.Values) string {
	return strings.TrimSpace(q.Get("name"))
}

// viewForm is the form's common data for sess.
func (h *handler) viewForm(c *gin.Context, sess *session.Data) views.ViewForm {
	return views.ViewForm{Page: h.page(c, sess), CannotOwn: sess.Account == ""}
}

// viewCreate serves POST /views: checks every field first (a 400 with
// each problem beside its field and the values kept), then saves the
// view; the reader goes to the board, or with htmx the form's region
// says where the view is.
func (h *handler) viewCreate(c *gin.Context) error {
	sess, err := h.requireSession(c)
	if err != nil {
		return err
	}
	f := h.viewForm(c, &sess)
	f.Title = f.L.T("views.newTitle")
	readViewForm(c, &f)
	if f.CannotOwn {
		return h.renderViewForm(c, http.StatusForbidden, f)
	}
	st, err := h.viewStore()
	if err != nil {
		return h.renderViewProblem(c, &sess, err)
	}
	v, ok := h.checkViewForm(&f)
	if !ok {
		return h.renderViewForm(c, http.StatusBadRequest, f)
	}
	ctx := c.Request.Context()
	n, err := st.CountViewsOwnedBy(ctx, sess.Account)
	if err != nil {
		return h.renderViewProblem(c, &sess, err)
	}
	if n >= st.MaxViewsPerAccount() {
		f.Errors = map[string]views.FormError{"form": {Key: "views.err.limit", Args: []any{st.MaxViewsPerAccount()}}}
		return h.renderViewForm(c, http.StatusBadRequest, f)
	}
	v.Owner = sess.Account
	var saved store.View
	if v.Slug == "" {
		saved, err = st.CreateViewUniqueSlug(ctx, v)
	} else {
		saved, err = st.CreateView(ctx, v)
	}
	if err != nil {
		return h.viewWriteError(c, &sess, f, err)
	}
	return h.viewSaved(c, f, saved, sess.Account)
}

// viewSaved answers a successful save: the board (with a notice), or
// for htmx the form's region saying where the view is.
func (h *handler) viewSaved(c *gin.Context, f views.ViewForm, saved store.View, account string) error {
	if isFragment(c.Request) {
		sv := savedView(saved, account, false)
		f.Saved = &sv
		return h.render(c, http.StatusOK, views.ViewFormRegion(f))
	}
	h.redirect(c, views.ViewsPath+"?saved="+url.QueryEscape(saved.Slug))
	return nil
}

// viewWriteError answers a refused write: the limits the store checks
// again (a taken slug, too many views) beside their field, a changed
// view as a conflict, anything else as the store's panel.
func (h *handler) viewWriteError(c *gin.Context, sess *session.Data, f views.ViewForm, err error) error {
	var taken *store.SlugTakenError
	var conflict *store.ConflictError
	switch {
	case errors.As(err, &taken):
		f.Errors = map[string]views.FormError{"slug": {Key: "views.err.slugTaken", Args: []any{taken.Slug, taken.Suggestion}}}
		return h.renderViewForm(c, http.StatusBadRequest, f)
	case errors.Is(err, store.ErrLimit):
		f.Errors = map[string]views.FormError{"form": {Key: "views.err.limit", Args: []any{store.DefaultMaxViewsPerAccount}}}
		if h.views != nil {
			f.Errors["form"] = views.FormError{Key: "views.err.limit", Args: []any{h.views.MaxViewsPerAccount()}}
		}
		return h.renderViewForm(c, http.StatusBadRequest, f)
	case errors.As(err, &conflict):
		cur := savedView(conflict.Current, sess.Account, false)
		f.Conflict, f.Version = &cur, conflict.Current.Version
		return h.renderViewForm(c, http.StatusConflict, f)
	case errors.Is(err, store.ErrInvalid):
		f.Errors = map[string]views.FormError{"form": {Key: "views.err.invalid"}}
		return h.renderViewForm(c, http.StatusBadRequest, f)
	}
	return h.renderViewProblem(c, sess, err)
}

// renderViewForm answers with the form: its region alone for htmx.
func (h *handler) renderViewForm(c *gin.Context, status int, f views.ViewForm) error {
	if isFragment(c.Request) {
		return h.render(c, status, views.ViewFormRegion(f))
	}
	return h.render(c, status, views.ViewFormPage(f))
}

// readViewForm copies the posted fields into f, as typed. A field given
// several times with different values keeps its first copy in its box and
// gets the message saying so in f.Errors (checkViewForm keeps it). Two
// different versions are none, like one that is not a number: an edit
// then meets the stored version as a conflict, both shown.
func readViewForm(c *gin.Context, f *views.ViewForm) {
	for _, field := range [...]struct {
		name string
		to   *string
	}{{"name", &f.Name}, {"slug", &f.Slug}, {"description", &f.Description}, {"visibility", &f.Visibility}, {"path", &f.Path}} {
		var repeated views.Msg
		if *field.to, repeated = postedOne(c, field.name); repeated.Key == "" {
			continue
		}
		if field.name == "visibility" {
			repeated = views.Msg{Key: "form.repeatedVisibility"}
		}
		if f.Errors == nil {
			f.Errors = map[string]views.FormError{}
		}
		f.Errors[field.name] = views.FormError(repeated)
	}
	if v, err := strconv.ParseInt(formOne(c, "version"), 10, 64); err == nil {
		f.Version = v
	}
}

// checkViewForm checks f's fields against the limits of a view, setting
// f.Errors, and returns the view to store (its path canonical: live, no
// page).
func (h *handler) checkViewForm(f *views.ViewForm) (store.View, bool) {
	errs := map[string]views.FormError{}
	name := strings.TrimSpace(f.Name)
	desc := strings.TrimSpace(f.Description)
	slug := strings.TrimSpace(f.Slug)
	switch {
	case name == "":
		errs["name"] = views.FormError{Key: "views.err.nameRequired"}
	case utf8.RuneCountInString(name) > store.MaxNameLen:
		errs["name"] = views.FormError{Key: "views.err.nameLong", Args: []any{store.MaxNameLen, utf8.RuneCountInString(name)}}
	case !oneLine(name):
		errs["name"] = views.FormError{Key: "views.err.oneLine"}
	}
	switch {
	case utf8.RuneCountInString(desc) > store.MaxDescriptionLen:
		errs["description"] = views.FormError{Key: "views.err.descriptionLong", Args: []any{store.MaxDescriptionLen, utf8.RuneCountInString(desc)}}
	case !oneLine(desc):
		errs["description"] = views.FormError{Key: "views.err.oneLine"}
	}
	if slug != "" && !store.ValidSlug(slug) {
		errs["slug"] = views.FormError{Key: "views.err.slugSyntax", Args: []any{store.MaxSlugLen}}
	}
	if f.Visibility != views.VisibilityPrivate && f.Visibility != views.VisibilityShared {
		errs["visibility"] = views.FormError{Key: "views.err.visibility"}
	}
	path, perr := h.checkListPath(f.Path)
	if perr != "" {
		errs["path"] = views.FormError{Key: perr}
		if perr == "views.err.pathLong" {
			errs["path"] = views.FormError{Key: perr, Args: []any{store.MaxPathLen}}
		}
	}
	// A field given twice says so rather than what its first copy lacks.
	maps.Copy(errs, f.Errors)
	if len(errs) > 0 {
		f.Errors = errs
		return store.View{}, false
	}
	return store.View{ID: f.ID, Slug: slug, Name: name, Description: desc, Shared: f.Visibility == views.VisibilityShared, Path: path}, true
}

// oneLine reports whether s has no line break or other control character.
func oneLine(s string) bool {
	return !strings.ContainsFunc(s, unicode.IsControl) && utf8.ValidString(s)
}

// checkListPath returns raw as a view stores it, or the message key of
// its problem: it must be a jobboard list (/jobs or /workflows/N/jobs)
// whose query parses without errors, at most store.MaxPathLen bytes. The
// stored form is canonical and live: no page, no pin; a preset range
// stays relative and fixed dates stay as typed.
func (h *handler) checkListPath(raw string) (string, string) {
	raw = strings.TrimSpace(raw)
	switch {
	case raw == "":
		return "", "views.err.pathRequired"
	case len(raw) > store.MaxPathLen:
		return "", "views.err.pathLong"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Fragment != "" {
		return "", "views.err.pathNotList"
	}
	if !isListPath(u.Path) {
		return "", "views.err.pathNotList"
	}
	vals, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", "views.err.pathQuery"
	}
	q, fieldErrs := jobquery.Parse(vals, h.zone, h.now())
	if len(fieldErrs) > 0 {
		return "", "views.err.pathQuery"
	}
	canon := q.Live().URL(u.Path)
	if len(canon) > store.MaxPathLen {
		return "", "views.err.pathLong"
	}
	return canon, ""
}

// listPathOf is checkListPath for prefilling the form: the canonical
// list URL and whether raw was one.
func (h *handler) listPathOf(raw string) (string, bool) {
	canon, problem := h.checkListPath(raw)
	return canon, problem == ""
}

// isListPath reports whether p is the path of a jobboard list.
func isListPath(p string) bool {
	if p == views.AllJobsPath {
		return true
	}
	rest, ok := strings.CutPrefix(p, "/workflows/")
	if !ok {
		return false
	}
	id, ok := strings.CutSuffix(rest, "/jobs")
	if !ok {
		return false
	}
	_, ok = parseWorkflowID(id)
	return ok
}
