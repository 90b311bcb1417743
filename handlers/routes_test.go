package handlers

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jobboard/apiclient"
	"jobboard/internal/explorersim"
	"jobboard/internal/i18n"
	"jobboard/internal/testenv"
	"jobboard/views"
)

// TestDashboardURLsReachTheirPages follows every URL views builds for the
// dashboard and checks each lands on a page or download, so a route changed
// in routes.go without its builder (or the other way round) fails here.
func TestDashboardURLsReachTheirPages(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	done := findJob(t, e, "demo", func(j explorersim.JobRecord) bool {
		return j.Status == explorersim.StatusSuccess && len(j.Tasks) > 0
	})
	running := findJob(t, e, "demo", withStatus(explorersim.StatusRunning))
	wf, err := strconv.ParseInt(done.WorkflowID, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	list := views.ListPath(wf)
	nav := views.JobNav{Back: list, TZ: "Europe/Berlin"}
	task := done.Tasks[0].ID
	for _, u := range []string{
		views.AllJobsPath, list, views.WorkflowJobsPath(done.WorkflowID),
		views.WorkflowOpenPath + "?id=" + done.WorkflowID,
		views.SummaryPath(list), views.SummaryPath(views.AllJobsPath),
		views.ExportPath(list, "csv"), views.ExportPath(list, "json"), views.ExportPath(views.AllJobsPath, "csv"),
		views.JobPath(done.ID), views.JobDetailURL(done.ID, nav),
		views.JobCancelURL(running.ID, nav), views.JobCancelPath(running.ID),
		views.TaskResultsURL(done.ID, task, 10, nav), views.TaskResultsCSVURL(done.ID, task, 1000),
		views.WorkflowRunURL(done.WorkflowID),
	} {
		a := e.get(t, c, u)
		want := http.StatusOK
		if u == views.WorkflowOpenPath+"?id="+done.WorkflowID {
			want = http.StatusSeeOther
			if loc := a.header.Get("Location"); loc != list {
				t.Errorf("GET %s: Location %q, want %q", u, loc, list)
			}
		}
		if a.status != want {
			t.Errorf("GET %s: status %d, want %d", u, a.status, want)
		}
	}
	if views.ListPath(0) != "/jobs" || list != "/workflows/"+done.WorkflowID+"/jobs" {
		t.Errorf("ListPath: %q, %q", views.ListPath(0), list)
	}
}

// Tests of the middleware as routes.go registers it, seen on real pages;
// the middleware's own tests are in internal/middleware.

// rawGet fetches path with the browser's cookies but a transport that
// neither asks for nor decompresses gzip by itself, so the test sees the
// bytes on the wire.
func (e *testEnv) rawGet(t *testing.T, c *http.Client, path, acceptEncoding string, headers ...string) answer {
	t.Helper()
	raw := &http.Client{Jar: c.Jar, Transport: &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if acceptEncoding != "" {
		headers = append(headers, "Accept-Encoding", acceptEncoding)
	}
	return e.get(t, raw, path, headers...)
}

func varies(h http.Header, name string) bool {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), name) {
				return true
			}
		}
	}
	return false
}

// TestCompressedPages checks pages and fragments are gzipped for clients
// that accept it, carry the same document, and say they vary.
func TestCompressedPages(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	for _, tc := range []struct {
		name    string
		headers []string
	}{
		{"page", nil},
		{"fragment", []string{"HX-Request", "true", "HX-Request-Type", "partial"}},
	} {
		path := "/workflows/" + wf.ID + "/jobs"
		plain := e.rawGet(t, c, path, "", tc.headers...)
		zipped := e.rawGet(t, c, path, "gzip, deflate, br", tc.headers...)
		if plain.status != http.StatusOK || zipped.status != http.StatusOK {
			t.Fatalf("%s: status %d / %d", tc.name, plain.status, zipped.status)
		}
		if ce := plain.header.Get("Content-Encoding"); ce != "" {
			t.Errorf("%s without Accept-Encoding: Content-Encoding %q", tc.name, ce)
		}
		if ce := zipped.header.Get("Content-Encoding"); ce != "gzip" {
			t.Fatalf("%s with Accept-Encoding gzip: Content-Encoding %q, want gzip", tc.name, ce)
		}
		if !varies(plain.header, "Accept-Encoding") || !varies(zipped.header, "Accept-Encoding") || !varies(zipped.header, "HX-Request") {
			t.Errorf("%s: Vary %q / %q, want Accept-Encoding and the htmx headers", tc.name, plain.header.Values("Vary"), zipped.header.Values("Vary"))
		}
		unzipped := testenv.Gunzip(t, zipped.body)
		if len(zipped.body) >= len(unzipped)/3 {
			t.Errorf("%s: %d bytes gzipped of %d", tc.name, len(zipped.body), len(unzipped))
		}
		got, want := rowIDs(t, parseHTML(t, unzipped)), rowIDs(t, parseHTML(t, plain.body))
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s: rows %v gzipped, %v plain", tc.name, got, want)
		}
	}
}

// TestSmallAndEncodedAnswersNotRecompressed checks a redirect's tiny body
// goes out plain and a precompressed asset is not compressed twice.
func TestSmallAndEncodedAnswersNotRecompressed(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	a := e.rawGet(t, c, "/workflows/"+wf.ID+"/jobs?page=1", "gzip")
	if a.status != http.StatusFound || a.header.Get("Content-Encoding") != "" {
		t.Errorf("redirect: status %d, Content-Encoding %q; want 302 plain", a.status, a.header.Get("Content-Encoding"))
	}
	page := e.get(t, c, "/workflows/"+wf.ID+"/jobs")
	css := ""
	for _, n := range byTag(parseHTML(t, page.body), "link") {
		if v, _ := attr(n, "rel"); v == "stylesheet" {
			css, _ = attr(n, "href")
		}
	}
	if css == "" {
		t.Fatal("no stylesheet link in the page")
	}
	zipped, plain := e.rawGet(t, c, css, "gzip"), e.rawGet(t, c, css, "")
	if zipped.header.Get("Content-Encoding") != "gzip" || testenv.Gunzip(t, zipped.body) != plain.body || plain.body == "" {
		t.Errorf("stylesheet: Content-Encoding %q; decompressed once it must equal the plain file", zipped.header.Get("Content-Encoding"))
	}
}

// heldExplorer holds every list call until release is closed, telling
// held when the first one arrives.
type heldExplorer struct {
	Explorer
	held    chan struct{}
	release chan struct{}
	once    *sync.Once
}

func (x heldExplorer) ListWorkflowJobs(ctx context.Context, tok apiclient.Token, id int64, q apiclient.ListQuery) (apiclient.JobPage, error) {
	x.once.Do(func() { close(x.held) })
	<-x.release
	return x.Explorer.ListWorkflowJobs(ctx, tok, id, q)
}

// TestOverloadIsShedWith503 bounds the dashboard to one request in flight,
// holds one jobs list on Explorer, and checks that another page request
// past the wait is answered 503 with Retry-After and says why in words,
// in English and Chinese, while health checks and assets still answer;
// once Explorer answers, pages are served again.
func TestOverloadIsShedWith503(t *testing.T) {
	x := heldExplorer{held: make(chan struct{}), release: make(chan struct{}), once: &sync.Once{}}
	e := newEnv(t, 0, func(_ *testEnv, o *Options) {
		x.Explorer = o.Explorer
		o.Explorer, o.MaxInFlight, o.InFlightWait = x, 1, 100*time.Millisecond
	})
	var releaseOnce sync.Once
	release := func() { releaseOnce.Do(func() { close(x.release) }) }
	t.Cleanup(release) // before the servers close, so a failure does not hang on the held call
	c := e.signedIn(t, "demo")
	list := "/workflows/" + e.workflow(t, "demo").ID + "/jobs"
	first := make(chan answer, 1)
	go func() { first <- e.get(t, c, list) }()
	<-x.held
	for _, lang := range langs {
		a := e.get(t, c, "/", "Accept-Language", lang.accept)
		if a.status != http.StatusServiceUnavailable {
			t.Fatalf("%s: a page while the one slot is held: status %d, want 503", lang.tag, a.status)
		}
		if got := a.header.Get("Retry-After"); got != "1" {
			t.Errorf("%s: Retry-After %q, want \"1\"", lang.tag, got)
		}
		l := i18n.For(lang.tag)
		if got, want := pageTitle(t, a.body), l.T("problem.title.busy"); got != want {
			t.Errorf("%s: title %q, want %q", lang.tag, got, want)
		}
		if !strings.Contains(text(parseHTML(t, a.body)), l.T("problem.overloaded")) {
			t.Errorf("%s: the 503 page does not say the dashboard is busy", lang.tag)
		}
	}
	if a := e.get(t, c, "/healthz"); a.status != http.StatusOK {
		t.Errorf("health check while busy: status %d, want 200", a.status)
	}
	release()
	if a := <-first; a.status != http.StatusOK {
		t.Errorf("the held list: status %d, want 200", a.status)
	}
	if a := e.get(t, c, "/"); a.status != http.StatusOK {
		t.Errorf("a page after the load passed: status %d, want 200", a.status)
	}
}

// TestHeadAndOtherMethodsOnPages: HEAD of a page answers as its GET with no
// body; a method an address does not serve answers 405 with Allow and a
// message in the reader's language, never a 404 that says the page does
// not exist.
func TestHeadAndOtherMethodsOnPages(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	for _, path := range []string{"/", "/jobs", "/login", "/healthz"} {
		get := e.get(t, c, path)
		req, _ := http.NewRequest(http.MethodHead, e.app.URL+path, nil)
		head := e.do(t, c, req)
		if head.status != get.status || head.status != http.StatusOK {
			t.Errorf("HEAD %s: status %d, GET %d; want both 200", path, head.status, get.status)
		}
		if head.body != "" {
			t.Errorf("HEAD %s: body of %d bytes", path, len(head.body))
		}
		if got, want := head.header.Get("Content-Type"), get.header.Get("Content-Type"); got != want {
			t.Errorf("HEAD %s: Content-Type %q, GET %q", path, got, want)
		}
	}
	req, _ := http.NewRequest(http.MethodHead, e.app.URL+"/jobs", nil)
	if a := e.do(t, e.browser(t), req); a.status != http.StatusSeeOther {
		t.Errorf("HEAD /jobs signed out: status %d, want 303 to sign-in", a.status)
	}
	for _, lang := range []string{"en", "zh-CN"} {
		want := i18n.For(lang).T("problem.method", "PUT")
		for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodOptions, http.MethodPatch} {
			req, _ := http.NewRequest(m, e.app.URL+"/jobs", nil)
			req.Header.Set("Origin", e.app.URL)
			req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
			a := e.do(t, c, req)
			if a.status != http.StatusMethodNotAllowed {
				t.Errorf("%s /jobs (%s): status %d, want 405", m, lang, a.status)
			}
			if allow := a.header.Get("Allow"); !strings.Contains(allow, http.MethodGet) {
				t.Errorf("%s /jobs: Allow %q, want GET listed", m, allow)
			}
			if m == http.MethodPut && !strings.Contains(testenv.Text(parseHTML(t, a.body)), want) {
				t.Errorf("PUT /jobs (%s): page lacks %q", lang, want)
			}
		}
	}
	// An address that does not exist stays a 404 whatever the method.
	req, _ = http.NewRequest(http.MethodPut, e.app.URL+"/no-such-page", nil)
	req.Header.Set("Origin", e.app.URL)
	if a := e.do(t, c, req); a.status != http.StatusNotFound {
		t.Errorf("PUT /no-such-page: status %d, want 404", a.status)
	}
}
