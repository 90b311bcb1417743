package handlers

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"jobboard/internal/store"
	"jobboard/internal/testenv"
)

func TestSaveViewRefusesBadInput(t *testing.T) {
	e, _ := newViewsEnv(t)
	demo := e.signedIn(t, "demo")
	e.saveView(t, demo, viewFields("Taken", "taken", "private", "/jobs"))
	long := strings.Repeat("n", store.MaxNameLen+1)
	cases := []struct {
		name, field string
		form        url.Values
		want        string
	}{
		{"no name", "name", viewFields("  ", "", "private", "/jobs"), "Give the view a name"},
		{"long name", "name", viewFields(long, "", "private", "/jobs"), "at most 80 characters"},
		{"two-line name", "name", viewFields("a\nb", "", "private", "/jobs"), "one line"},
		{"long description", "description", func() url.Values {
			f := viewFields("Ok", "", "private", "/jobs")
			f.Set("description", strings.Repeat("d", store.MaxDescriptionLen+1))
			return f
		}(), "at most 200 characters"},
		{"bad slug", "slug", viewFields("Ok", "Not_A_Slug", "private", "/jobs"), "lower-case letters"},
		{"taken slug", "slug", viewFields("Ok", "taken", "private", "/jobs"), "“taken-2” is free"},
		{"bad visibility", "visibility", viewFields("Ok", "", "everyone", "/jobs"), "Choose who sees"},
		{"not a list", "path", viewFields("Ok", "", "private", "/jobs/42"), "not the address of a jobboard list"},
		{"another site", "path", viewFields("Ok", "", "private", "https://evil.example/jobs"), "not the address of a jobboard list"},
		{"bad filter", "path", viewFields("Ok", "", "private", "/jobs?status=nope"), "filters in this address have a problem"},
		{"too long", "path", viewFields("Ok", "", "private", "/jobs?name="+strings.Repeat("x", store.MaxPathLen)), "at most 2048 bytes"},
		{"no path", "path", viewFields("Ok", "", "private", ""), "Give the address of a list"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := e.postForm(t, demo, "/views", c.form)
			if a.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", a.status)
			}
			doc := parseHTML(t, a.body)
			msg, _ := fieldErrorOf(t, doc, c.field)
			if c.field == "visibility" {
				msg = text(byID(doc, "v-visibility-error"))
			}
			if !strings.Contains(msg, c.want) {
				t.Errorf("message beside %s = %q, want %q", c.field, msg, c.want)
			}
			if _, v := fieldErrorOf(t, doc, "name"); v != c.form.Get("name") {
				t.Errorf("name kept as %q, typed %q", v, c.form.Get("name"))
			}
			if _, v := fieldErrorOf(t, doc, "path"); v != c.form.Get("path") {
				t.Errorf("list address kept as %q, typed %q", v, c.form.Get("path"))
			}
		})
	}
	if names := e.boardNames(t, demo); len(names) != 1 {
		t.Errorf("after refused saves the board lists %q", names)
	}
}

// TestSavedViewKeepsDatesAndEscapesText: a fixed date range is stored as
// typed, a preset range stays relative, the page and pin are dropped, and
// names and descriptions are text wherever they are shown.
func TestSavedViewKeepsDatesAndEscapesText(t *testing.T) {
	e, _ := newViewsEnv(t)
	demo := e.signedIn(t, "demo")
	for typed, want := range map[string]string{
		"/jobs?from=2026-11-01&to=2026-11-30T18:00&page=4":        "/jobs?from=2026-11-01&to=2026-11-30T18%3A00",
		"/jobs?asof=2026-11-30T05:00:00Z&range=24h&status=failed": "/jobs?range=24h&status=failed",
	} {
		name := "Range " + want
		slug := e.saveView(t, demo, viewFields(name, "", "private", typed))
		if got := e.get(t, demo, "/v/"+slug).header.Get("Location"); got != want {
			t.Errorf("saved %q opens %q, want %q", typed, got, want)
		}
	}
	f := viewFields("<script>alert(1)</script>", "escaped", "shared", "/jobs")
	f.Set("description", `"><img src=x onerror=alert(1)>`)
	e.saveView(t, demo, f)
	board := e.get(t, demo, "/views")
	if strings.Contains(board.body, "<script>alert") || strings.Contains(board.body, "<img src=x") {
		t.Errorf("the board writes a view's name or description as markup")
	}
	if names := e.boardNames(t, demo); !slices.Contains(names, "<script>alert(1)</script>") {
		t.Errorf("the board shows names %q, want the typed name as text", names)
	}
}

func TestSaveViewLimitPerAccount(t *testing.T) {
	st, err := store.Open(context.Background(), store.Config{DSN: filepath.Join(t.TempDir(), "v.db"), MaxViewsPerAccount: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	e := newEnv(t, 0, withViews(st))
	demo := e.signedIn(t, "demo")
	e.saveView(t, demo, viewFields("One", "", "private", "/jobs"))
	e.saveView(t, demo, viewFields("Two", "", "private", "/jobs"))
	a := e.postForm(t, demo, "/views", viewFields("Three", "", "private", "/jobs"))
	if a.status != http.StatusBadRequest || !strings.Contains(text(byID(parseHTML(t, a.body), "view-form-error")), "already have 2 saved views") {
		t.Errorf("third view: status %d, body %.400s", a.status, a.body)
	}
}

// viewIDOf returns the id of the board entry named name, as c sees it.
func (e *testEnv) viewIDOf(t *testing.T, c *http.Client, name string) string {
	t.Helper()
	for _, n := range byClass(parseHTML(t, e.get(t, c, "/views").body), "saved-view") {
		if text(byClass(n, "view-name")[0]) == name {
			return strings.TrimPrefix(attrOf(n, "id"), "view-")
		}
	}
	t.Fatalf("no view %q on the board", name)
	return ""
}

func TestEditViewConflictAndDelete(t *testing.T) {
	e, _ := newViewsEnv(t)
	demo := e.signedIn(t, "demo")
	e.saveView(t, demo, viewFields("Failures", "failures", "private", "/jobs?status=failed"))
	id := e.viewIDOf(t, demo, "Failures")

	// Two tabs open the edit form of version 1; the first saves.
	form := parseHTML(t, e.get(t, demo, "/views/"+id+"/edit?path="+url.QueryEscape("/jobs?range=7d&status=failed")).body)
	if got := inputValue(t, form, "v-path"); got != "/jobs?range=7d&status=failed" {
		t.Fatalf("edit form from a list carries %q", got)
	}
	first := viewFields("Failures this week", "failures", "shared", "/jobs?range=7d&status=failed")
	first.Set("version", "1")
	if a := e.postForm(t, demo, "/views/"+id, first); a.status != http.StatusSeeOther {
		t.Fatalf("first save: status %d, body %.400s", a.status, a.body)
	}
	second := viewFields("Failures renamed", "failures", "private", "/jobs?status=failed")
	second.Set("version", "1")
	a := e.postForm(t, demo, "/views/"+id, second)
	if a.status != http.StatusConflict {
		t.Fatalf("second save: status %d, want 409", a.status)
	}
	doc := parseHTML(t, a.body)
	if !strings.Contains(text(byID(doc, "view-conflict")), "changed since you opened it") ||
		text(byID(doc, "conflict-name")) != "Failures this week" {
		t.Errorf("conflict panel: %q", text(byID(doc, "view-conflict")))
	}
	if _, v := fieldErrorOf(t, doc, "name"); v != "Failures renamed" {
		t.Errorf("the form keeps %q, want the second editor's name", v)
	}
	if got := inputValue(t, doc, "v-path"); got != "/jobs?status=failed" {
		t.Errorf("the form keeps path %q", got)
	}
	if e.get(t, demo, "/v/failures").header.Get("Location") != "/jobs?range=7d&status=failed" {
		t.Errorf("the second save overwrote the first")
	}

	// Delete, confirmed; with htmx only the region answers.
	confirm := e.get(t, demo, "/views/"+id+"/delete")
	if confirm.status != http.StatusOK || byID(parseHTML(t, confirm.body), "view-delete-confirm") == nil {
		t.Fatalf("delete confirmation: status %d", confirm.status)
	}
	del := e.postForm(t, demo, "/views/"+id+"/delete", nil, "HX-Request", "true", "HX-Target", "div#view-delete-region")
	ddoc := parseHTML(t, del.body)
	if del.status != http.StatusOK || !strings.Contains(text(byID(ddoc, "view-delete-status")), "Deleted the view") || byTag(ddoc, "header") != nil {
		t.Fatalf("htmx delete: status %d, body %.300s", del.status, del.body)
	}
	if a := e.get(t, demo, "/v/failures"); a.status != http.StatusNotFound {
		t.Errorf("deleted view's short link: status %d, want 404", a.status)
	}
}

func TestSaveViewInReadOnlyModeAndWithHTMX(t *testing.T) {
	st := openViewStore(t, filepath.Join(t.TempDir(), "v.db"))
	e := newEnv(t, 0, withViews(st), func(_ *testEnv, o *Options) { o.ReadOnly = true })
	demo := e.signedIn(t, "demo")
	a := e.postForm(t, demo, "/views", viewFields("Read-only", "", "private", "/jobs"), "HX-Request", "true", "HX-Target", "div#view-form-region")
	doc := parseHTML(t, a.body)
	if a.status != http.StatusOK || !strings.Contains(text(byID(doc, "view-form-status")), "/v/read-only") {
		t.Fatalf("htmx save in read-only mode: status %d, body %.400s", a.status, a.body)
	}
	if byTag(doc, "header") != nil {
		t.Errorf("htmx save answered a whole page, want the form's region")
	}
}

func TestPastedTokenSessionCannotOwnViews(t *testing.T) {
	e, _ := newViewsEnv(t)
	b := e.on(e.browser(t))
	tok := testenv.ExplorerToken(t, e.simHS.URL, "demo")
	b.PostForm(t, "/login", url.Values{"token": {tok}, "next": {"/"}})
	a := e.postForm(t, b.Client, "/views", viewFields("Mine", "", "private", "/jobs"))
	if a.status != http.StatusForbidden || !strings.Contains(text(byID(parseHTML(t, a.body), "views-cannot-own")), "pasted token") {
		t.Errorf("token session saving a view: status %d, body %.300s", a.status, a.body)
	}
}

func TestStoreDownShowsPanelWhileListsWork(t *testing.T) {
	st := openViewStore(t, filepath.Join(t.TempDir(), "v.db"))
	st.Close() // every query now fails
	e := newEnv(t, 0, withViews(st))
	demo := e.signedIn(t, "demo")
	for _, path := range []string{"/views", "/v/anything", "/views/new?path=%2Fjobs"} {
		a := e.get(t, demo, path)
		if a.status != http.StatusServiceUnavailable || !strings.Contains(text(parseHTML(t, a.body)), "Saved views are unavailable right now") {
			t.Errorf("%s with the store down: status %d", path, a.status)
		}
	}
	if a := e.postForm(t, demo, "/views", viewFields("x", "", "private", "/jobs")); a.status != http.StatusServiceUnavailable {
		t.Errorf("save with the store down: status %d", a.status)
	}
	if a := e.get(t, demo, "/jobs"); a.status != http.StatusOK || len(rowIDs(t, parseHTML(t, a.body))) == 0 {
		t.Errorf("the list with the store down: status %d", a.status)
	}
	home := e.get(t, demo, "/")
	if home.status != http.StatusOK || !strings.Contains(text(byID(parseHTML(t, home.body), "pinned-views")), "unavailable right now") {
		t.Errorf("Home with the store down: status %d", home.status)
	}
}
