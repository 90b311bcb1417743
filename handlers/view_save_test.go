package handlers

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"jobboard/internal/store"
)

// openViewStore opens (or reopens) the SQLite store at path, closed when
// the test ends.
func openViewStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{DSN: path, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return st
}

// withViews gives the dashboard the store st.
func withViews(st ViewStore) func(*testEnv, *Options) {
	return func(_ *testEnv, o *Options) { o.Views = st }
}

// newViewsEnv is a dashboard with a fresh SQLite store; it returns the
// file's path too, for a restart.
func newViewsEnv(t *testing.T) (*testEnv, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "views.db")
	return newEnv(t, 0, withViews(openViewStore(t, path))), path
}

// viewFields is a save form as a browser posts it.
func viewFields(name, slug, visibility, path string) url.Values {
	return url.Values{"name": {name}, "slug": {slug}, "description": {"nightly check"}, "visibility": {visibility}, "path": {path}}
}

// saveView saves a view as c and returns its slug (from the board's
// notice redirect).
func (e *testEnv) saveView(t *testing.T, c *http.Client, form url.Values) string {
	t.Helper()
	a := e.postForm(t, c, "/views", form)
	if a.status != http.StatusSeeOther {
		t.Fatalf("save view: status %d, body %.600s", a.status, a.body)
	}
	loc, err := url.Parse(a.header.Get("Location"))
	if err != nil || loc.Path != "/views" || loc.Query().Get("saved") == "" {
		t.Fatalf("save view went to %q, want /views?saved=<slug>", a.header.Get("Location"))
	}
	return loc.Query().Get("saved")
}

// boardNames returns the names of the views on the board as c sees it.
func (e *testEnv) boardNames(t *testing.T, c *http.Client) []string {
	t.Helper()
	a := e.get(t, c, "/views")
	if a.status != http.StatusOK {
		t.Fatalf("GET /views: status %d", a.status)
	}
	var names []string
	for _, n := range byClass(parseHTML(t, a.body), "view-name") {
		names = append(names, text(n))
	}
	return names
}

// attrOf is the attribute key of n ("" when absent).
func attrOf(n *html.Node, key string) string {
	v, _ := attr(n, key)
	return v
}

// fieldErrorOf returns the text of a form field's message ("" for none)
// and the field's value as re-shown.
func fieldErrorOf(t *testing.T, doc *html.Node, field string) (msg, value string) {
	t.Helper()
	if n := byID(doc, "v-"+field+"-error"); n != nil {
		msg = text(n)
	}
	if in := byID(doc, "v-"+field); in != nil {
		value = attrOf(in, "value")
	}
	return msg, value
}

func TestSavedViewOpensTheSameRows(t *testing.T) {
	e, _ := newViewsEnv(t)
	demo := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	list := "/workflows/" + wf.ID + "/jobs?status=succeeded,failed"

	// The list offers "Save view" with its live URL (no page, no pin).
	a := e.get(t, demo, "/workflows/"+wf.ID+"/jobs?page=2&status=succeeded,failed")
	save := byID(parseHTML(t, a.body), "save-view")
	if save == nil {
		t.Fatalf("list has no Save view link")
	}
	form := e.get(t, demo, attrOf(save, "href"))
	if form.status != http.StatusOK {
		t.Fatalf("save form: status %d", form.status)
	}
	if got := inputValue(t, parseHTML(t, form.body), "v-path"); got != list {
		t.Fatalf("save form's list address = %q, want %q (page dropped)", got, list)
	}

	slug := e.saveView(t, demo, viewFields("Nightly PageRank failures", "", "private", list+"&page=3&asof=2020-01-01T00:00:00Z"))
	if slug != "nightly-pagerank-failures" {
		t.Fatalf("slug = %q, want one made from the name", slug)
	}
	board := e.get(t, demo, "/views?saved="+slug)
	doc := parseHTML(t, board.body)
	if got := text(byID(doc, "views-status")); !strings.Contains(got, "/v/"+slug) {
		t.Errorf("board's notice = %q, want it to name the short link", got)
	}
	if names := e.boardNames(t, demo); !slices.Equal(names, []string{"Nightly PageRank failures"}) {
		t.Fatalf("board lists %q", names)
	}
	// The counts load through the list's own summary route.
	counts := byClass(doc, "view-counts")
	if len(counts) != 1 || attrOf(counts[0], "hx-get") != "/workflows/"+wf.ID+"/jobs/summary?status=succeeded,failed" {
		t.Fatalf("counts placeholder = %v", counts)
	}
	line := e.get(t, demo, attrOf(counts[0], "hx-get"), "HX-Request", "true", "HX-Target", "div#"+attrOf(counts[0], "id"))
	ldoc := parseHTML(t, line.body)
	if byID(ldoc, "outcomes") != nil {
		t.Errorf("a board's count line repeats the list's id outcomes")
	}
	var failedLink string
	for _, n := range byClass(ldoc, "outcome") {
		if attrOf(n, "data-status") == "failed" {
			failedLink = attrOf(n, "href")
		}
	}
	if want := "/workflows/" + wf.ID + "/jobs?status=failed"; failedLink != want {
		t.Errorf("the failed count links to %q, want %q", failedLink, want)
	}

	// The short link opens the stored list (live, no page), with the
	// same rows as the original URL.
	open := e.get(t, demo, "/v/"+slug)
	if open.status != http.StatusSeeOther || open.header.Get("Location") != list {
		t.Fatalf("/v/%s: status %d to %q, want 303 to %q", slug, open.status, open.header.Get("Location"), list)
	}
	want := rowIDs(t, parseHTML(t, e.get(t, demo, list).body))
	got := rowIDs(t, parseHTML(t, e.get(t, demo, open.header.Get("Location")).body))
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("the view shows rows %v, the list %v", got, want)
	}
}

func TestSavedViewShortLinkAfterSignIn(t *testing.T) {
	e, _ := newViewsEnv(t)
	demo := e.signedIn(t, "demo")
	slug := e.saveView(t, demo, viewFields("Everything", "everything", "shared", "/jobs?range=24h"))

	fresh := e.browser(t)
	a := e.get(t, fresh, "/v/"+slug)
	if a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/login?next=%2Fv%2F"+slug) {
		t.Fatalf("signed out /v/%s: status %d to %q, want sign-in returning here", slug, a.status, a.header.Get("Location"))
	}
	signIn := e.postForm(t, fresh, "/login", url.Values{"account": {"analyst"}, "password": {"analyst"}, "next": {"/v/" + slug}})
	if signIn.header.Get("Location") != "/v/"+slug {
		t.Fatalf("after sign-in went to %q", signIn.header.Get("Location"))
	}
	if got := e.get(t, fresh, "/v/"+slug).header.Get("Location"); got != "/jobs?range=24h" {
		t.Errorf("the shared view opens %q for analyst", got)
	}

	for _, slug := range []string{"no-such-view", "Bad_Slug"} {
		a := e.get(t, demo, "/v/"+slug)
		doc := parseHTML(t, a.body)
		if a.status != http.StatusNotFound || !strings.Contains(text(doc), "no saved view at this address") {
			t.Errorf("/v/%s: status %d, want 404 saying so", slug, a.status)
		}
		var toBoard bool
		for _, l := range byTag(doc, "a") {
			toBoard = toBoard || attrOf(l, "href") == "/views"
		}
		if !toBoard {
			t.Errorf("/v/%s 404 has no link to /views", slug)
		}
	}
}

func TestSavedViewsPrivateAndShared(t *testing.T) {
	e, _ := newViewsEnv(t)
	demo, analyst := e.signedIn(t, "demo"), e.signedIn(t, "analyst")
	e.saveView(t, demo, viewFields("Demo secret", "demo-secret", "private", "/jobs?status=failed"))
	e.saveView(t, demo, viewFields("Team failures", "team-failures", "shared", "/jobs?status=failed"))

	if names := e.boardNames(t, analyst); !slices.Equal(names, []string{"Team failures"}) {
		t.Fatalf("analyst's board lists %q, want only the shared view", names)
	}
	board := e.get(t, analyst, "/views")
	doc := parseHTML(t, board.body)
	if len(byClass(doc, "view-edit")) != 0 || len(byClass(doc, "view-delete")) != 0 {
		t.Errorf("analyst is offered edit or delete of demo's shared view")
	}
	if strings.Contains(board.body, "Demo secret") {
		t.Errorf("analyst's board names demo's private view")
	}
	ids := map[string]string{}
	for _, n := range byClass(parseHTML(t, e.get(t, demo, "/views").body), "saved-view") {
		ids[text(byClass(n, "view-name")[0])] = strings.TrimPrefix(attrOf(n, "id"), "view-")
	}
	secret, shared := ids["Demo secret"], ids["Team failures"]
	if secret == "" || shared == "" {
		t.Fatalf("demo's board ids: %v", ids)
	}

	if a := e.get(t, analyst, "/v/demo-secret"); a.status != http.StatusNotFound {
		t.Errorf("analyst opening demo's private view: status %d, want 404", a.status)
	}
	edit := url.Values{"name": {"Hijacked"}, "slug": {"x"}, "visibility": {"shared"}, "path": {"/jobs"}, "version": {"1"}}
	for _, c := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/views/" + secret + "/edit", http.StatusNotFound},
		{"POST", "/views/" + secret, http.StatusNotFound},
		{"GET", "/views/" + secret + "/delete", http.StatusNotFound},
		{"POST", "/views/" + secret + "/delete", http.StatusNotFound},
		{"POST", "/views/" + secret + "/pin", http.StatusNotFound},
		{"GET", "/views/" + shared + "/edit", http.StatusForbidden},
		{"POST", "/views/" + shared, http.StatusForbidden},
		{"GET", "/views/" + shared + "/delete", http.StatusForbidden},
		{"POST", "/views/" + shared + "/delete", http.StatusForbidden},
	} {
		var a answer
		if c.method == "GET" {
			a = e.get(t, analyst, c.path)
		} else {
			a = e.postForm(t, analyst, c.path, edit)
		}
		if a.status != c.want {
			t.Errorf("analyst %s %s: status %d, want %d", c.method, c.path, a.status, c.want)
		}
		if strings.Contains(a.body, "Demo secret") {
			t.Errorf("analyst %s %s reveals the private view's name", c.method, c.path)
		}
	}
	if names := e.boardNames(t, demo); !slices.Equal(names, []string{"Demo secret", "Team failures"}) {
		t.Errorf("after analyst's attempts demo's board lists %q", names)
	}

	// Anyone who sees a view may pin it; Home shows it with its counts.
	if a := e.postForm(t, analyst, "/views/"+shared+"/pin", url.Values{"pin": {"1"}, "next": {"/"}}); a.status != http.StatusSeeOther || a.header.Get("Location") != "/" {
		t.Fatalf("pin: status %d to %q", a.status, a.header.Get("Location"))
	}
	home := parseHTML(t, e.get(t, analyst, "/").body)
	pinned := byID(home, "pinned-views")
	if pinned == nil || len(byClass(pinned, "view-counts")) != 1 || text(byClass(pinned, "view-name")[0]) != "Team failures" {
		t.Fatalf("Home's pinned views: %v", pinned)
	}
	if a := e.postForm(t, analyst, "/views/"+shared+"/pin", url.Values{"pin": {"0"}, "next": {"/"}}, "HX-Request", "true", "HX-Target", "form"); a.status != http.StatusOK || !strings.Contains(a.body, "Unpinned Team failures") {
		t.Errorf("htmx unpin: status %d, body %.300s", a.status, a.body)
	}
	if len(byClass(byID(parseHTML(t, e.get(t, analyst, "/").body), "pinned-views"), "view-name")) != 0 {
		t.Errorf("Home still shows the unpinned view")
	}
}

func TestSavedViewsSurviveARestart(t *testing.T) {
	e, path := newViewsEnv(t)
	demo := e.signedIn(t, "demo")
	for _, name := range []string{"One", "Two", "Three"} {
		e.saveView(t, demo, viewFields(name, "", "private", "/jobs?name="+name))
	}
	// A new dashboard on the same file, as after a restart.
	again := e.withOptions(t, func(o *Options) { o.Views = openViewStore(t, path) })
	if names := again.boardNames(t, again.signedIn(t, "demo")); !slices.Equal(names, []string{"One", "Three", "Two"}) {
		t.Errorf("after a restart the board lists %q", names)
	}
}
