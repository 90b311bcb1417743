package handlers

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/net/html"

	"jobboard/internal/middleware"
	"jobboard/internal/session"

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
		// The plain answer says its length up front (not chunked); the
		// gzipped one never claims the plain length.
		if cl := plain.header.Get("Content-Length"); cl != strconv.Itoa(len(plain.body)) {
			t.Errorf("%s: Content-Length %q for a %d-byte body", tc.name, cl, len(plain.body))
		}
		if cl := zipped.header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(zipped.body)) {
			t.Errorf("%s gzipped: Content-Length %q for a %d-byte body", tc.name, cl, len(zipped.body))
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
			// HEAD of a page is its GET (answered above), so Allow lists it.
			if allow := a.header.Get("Allow"); !strings.Contains(allow, http.MethodGet) || !strings.Contains(allow, http.MethodHead) {
				t.Errorf("%s /jobs: Allow %q, want GET and HEAD listed", m, allow)
			}
			if m == http.MethodPut && !strings.Contains(testenv.Text(parseHTML(t, a.body)), want) {
				t.Errorf("PUT /jobs (%s): page lacks %q", lang, want)
			}
		}
	}
	// An address that answers only POST lists no HEAD.
	req, _ = http.NewRequest(http.MethodPut, e.app.URL+"/lang", nil)
	req.Header.Set("Origin", e.app.URL)
	if a := e.do(t, c, req); a.status != http.StatusMethodNotAllowed || a.header.Get("Allow") != http.MethodPost {
		t.Errorf("PUT /lang: status %d, Allow %q; want 405, POST", a.status, a.header.Get("Allow"))
	}
	// An address that does not exist stays a 404 whatever the method.
	req, _ = http.NewRequest(http.MethodPut, e.app.URL+"/no-such-page", nil)
	req.Header.Set("Origin", e.app.URL)
	if a := e.do(t, c, req); a.status != http.StatusNotFound {
		t.Errorf("PUT /no-such-page: status %d, want 404", a.status)
	}
}

// newEnvWith is newEnv with the simulator's options and a tweak of the
// handler's options (keys, clock and logger are set before tweak runs).
func newEnvWith(t *testing.T, simOpts explorersim.Options, tweak func(*Options)) *testEnv {
	t.Helper()
	clock := explorersim.NewManualClock(time.Now().UTC().Truncate(time.Second))
	simOpts.Clock, simOpts.Seed = clock, 7
	sim := explorersim.New(simOpts)
	simHS := httptest.NewServer(sim)
	t.Cleanup(simHS.Close)
	client, err := apiclient.New(simHS.URL, apiclient.WithTimeout(300*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	logs := &testenv.SyncBuffer{}
	keys := randomKeys(t)
	opts := Options{
		Explorer:      client,
		Logger:        slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		NebulaAddress: "graphd.internal",
		SessionKeys:   keys,
		DefaultZone:   time.UTC,
		Now:           clock.Now,
		Store:         testenv.OpenStore(t, clock.Now),
	}
	if tweak != nil {
		tweak(&opts)
	}
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	app := httptest.NewServer(h)
	t.Cleanup(app.Close)
	return &testEnv{sim: sim, clock: clock, simHS: simHS, app: app, keys: keys, logs: logs, zone: time.UTC, store: opts.Store}
}

// withPanicRoute adds GET /test/panic, which panics.
func withPanicRoute(o *Options) {
	o.testRoutes = func(r *gin.Engine, _ *handler) {
		r.GET("/test/panic", func(*gin.Context) { panic("test panic: boom") })
	}
}

// engineOf returns the Gin engine inside a handler built by New.
func engineOf(t *testing.T, h http.Handler) *gin.Engine {
	t.Helper()
	// The engine is inside the wrappers of the whole handler (security
	// headers, HEAD as GET).
	for {
		if e, ok := h.(*gin.Engine); ok {
			return e
		}
		w, ok := h.(interface{ Unwrap() http.Handler })
		if !ok {
			t.Fatalf("found %T around the engine, want a wrapper with Unwrap", h)
		}
		h = w.Unwrap()
	}
}

// routesOf builds a handler like e's and returns its routes.
func routesOf(t *testing.T, e *testEnv) gin.RoutesInfo {
	t.Helper()
	client, _ := apiclient.New(e.simHS.URL)
	h, err := New(Options{Explorer: client, NebulaAddress: "x", SessionKeys: e.keys, Store: e.store})
	if err != nil {
		t.Fatal(err)
	}
	return engineOf(t, h).Routes()
}

// concrete fills a route's parameters: :id with a workflow ID under
// /workflows and a job ID elsewhere, anything else with "1".
func concrete(path, workflowID, jobID string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		switch {
		case p == ":id" && strings.HasPrefix(path, "/workflows/"):
			parts[i] = workflowID
		case p == ":id":
			parts[i] = jobID
		case strings.HasPrefix(p, ":"), strings.HasPrefix(p, "*"):
			parts[i] = "1"
		}
	}
	return strings.Join(parts, "/")
}

func cookieNamed(h http.Header, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// sessionCookie returns the session cookie in c's jar.
func (e *testEnv) sessionCookie(t *testing.T, c *http.Client) *http.Cookie {
	t.Helper()
	u, _ := url.Parse(e.app.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == session.PlainCookieName {
			return &http.Cookie{Name: ck.Name, Value: ck.Value}
		}
	}
	t.Fatal("no session cookie in the jar")
	return nil
}

// getWithCookie fetches path with only ck as cookie.
func (e *testEnv) getWithCookie(t *testing.T, path string, ck *http.Cookie) answer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.app.URL+path, nil)
	req.AddCookie(ck)
	return e.do(t, e.browser(t), req)
}

const crossOriginText = "sent from another site"

func TestCSRFMatrixOnEveryPOSTRoute(t *testing.T) {
	e := newEnv(t, 0)
	wf := e.workflow(t, "demo")
	job := strconv.FormatInt(e.jobsOf("demo", wf.ID)[0].ID, 10)
	var posts []string
	for _, r := range routesOf(t, e) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
		default:
			posts = append(posts, r.Method+" "+concrete(r.Path, wf.ID, job))
		}
	}
	for _, want := range []string{"POST /login", "POST /logout"} {
		if !strings.Contains(strings.Join(posts, ","), want) {
			t.Fatalf("routes %v lack %s", posts, want)
		}
	}
	u, _ := url.Parse(e.app.URL)
	refused := map[string][]string{
		"cross-site Origin":        {"Origin", "https://evil.example"},
		"Sec-Fetch-Site cross":     {"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"},
		"Sec-Fetch-Site same-site": {"Sec-Fetch-Site", "same-site", "Origin", "http://sub." + u.Host},
		"null Origin":              {"Origin", "null"},
		"other port":               {"Origin", "http://" + u.Hostname() + ":1"},
	}
	for _, route := range posts {
		// Eight sign-ins per route: a new window of successful sign-ins.
		e.clock.Advance(middleware.LoginWindow)
		method, path, _ := strings.Cut(route, " ")
		send := func(c *http.Client, headers []string) answer {
			req, _ := http.NewRequest(method, e.app.URL+path, strings.NewReader("account=demo&password=demo"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for i := 0; i+1 < len(headers); i += 2 {
				req.Header.Set(headers[i], headers[i+1])
			}
			return e.do(t, c, req)
		}
		for name, headers := range refused {
			c := e.signedIn(t, "demo")
			calls := e.sim.Calls()
			a := send(c, headers)
			if a.status != http.StatusForbidden || !strings.Contains(a.body, crossOriginText) {
				t.Errorf("%s with %s: status %d, want 403 refusal", route, name, a.status)
			}
			if n := e.sim.Calls() - calls; n != 0 {
				t.Errorf("%s with %s: %d Explorer calls made", route, name, n)
			}
			if a.header.Get("Set-Cookie") != "" {
				t.Errorf("%s with %s: a cookie was set", route, name)
			}
		}
		for name, headers := range map[string][]string{
			"same-origin":    {"Sec-Fetch-Site", "same-origin", "Origin", e.app.URL},
			"Origin only":    {"Origin", e.app.URL},
			"no browser hdr": nil,
		} {
			if a := send(e.signedIn(t, "demo"), headers); strings.Contains(a.body, crossOriginText) || a.status == http.StatusForbidden && method == http.MethodPost && path == "/login" {
				t.Errorf("%s %s: refused as cross-origin (status %d)", route, name, a.status)
			}
		}
	}
	// A refused cross-site sign-out leaves the reader signed in, and GET
	// on a POST route changes nothing (GET /logout only offers the button).
	c := e.signedIn(t, "demo")
	e.postForm(t, c, "/logout", url.Values{}, "Sec-Fetch-Site", "cross-site")
	if a := e.get(t, c, "/logout"); a.status != http.StatusOK || byID(parseHTML(t, a.body), "logout-form") == nil {
		t.Errorf("GET /logout: %d, want 200 with a Sign out button", a.status)
	}
	if a := e.get(t, c, "/"); a.status != http.StatusOK {
		t.Errorf("after cross-site and GET sign-out attempts: %d, want still signed in", a.status)
	}
}

// checkSecurityHeaders asserts the browser defences on one answer.
func checkSecurityHeaders(t *testing.T, name string, a answer, hsts bool) {
	checkHeaders(t, name, a, hsts, false)
}

// checkHeaders is checkSecurityHeaders; immutable expects a cacheable
// static asset instead of no-store.
func checkHeaders(t *testing.T, name string, a answer, hsts, immutable bool) {
	t.Helper()
	want := map[string]string{
		"Content-Security-Policy":    middleware.ContentSecurityPolicy,
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "same-origin",
		"X-Frame-Options":            "DENY",
		"Cross-Origin-Opener-Policy": "same-origin",
	}
	for k, v := range want {
		if got := a.header.Get(k); got != v {
			t.Errorf("%s (%d): %s = %q, want %q", name, a.status, k, got, v)
		}
	}
	csp := a.header.Get("Content-Security-Policy")
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*"} {
		if strings.Contains(csp, bad) {
			t.Errorf("%s: CSP allows %s", name, bad)
		}
	}
	if got := a.header.Get("Strict-Transport-Security"); (got != "") != hsts || hsts && got != "max-age=31536000" {
		t.Errorf("%s (%d): HSTS %q, want present=%v", name, a.status, got, hsts)
	}
	cc := a.header.Get("Cache-Control")
	if immutable {
		if !strings.Contains(cc, "immutable") {
			t.Errorf("%s: Cache-Control %q, want immutable", name, cc)
		}
	} else if cc != "no-store" {
		t.Errorf("%s (%d): Cache-Control %q, want no-store", name, a.status, cc)
	}
	// Gin's own trailing-slash redirects do not depend on htmx headers.
	if strings.HasPrefix(a.header.Get("Content-Type"), "text/html") && a.status != http.StatusMovedPermanently &&
		!strings.Contains(strings.Join(a.header.Values("Vary"), ","), "HX-Request") {
		t.Errorf("%s (%d): HTML without Vary: HX-Request (%q)", name, a.status, a.header.Values("Vary"))
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	e := newEnvWith(t, explorersim.Options{}, withPanicRoute)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	list := "/workflows/" + wf.ID + "/jobs"
	js := ""
	for _, s := range byTag(parseHTML(t, e.get(t, c, "/").body), "script") {
		js, _ = attr(s, "src")
	}
	big := url.Values{"account": {"demo"}, "password": {strings.Repeat("x", 100<<10)}}
	cases := []struct {
		name   string
		status int
		get    func() answer
	}{
		{"home page", 200, func() answer { return e.get(t, c, "/") }},
		{"list page", 200, func() answer { return e.get(t, c, list) }},
		{"htmx fragment", 200, func() answer {
			return e.get(t, c, list+"?status=failed", "HX-Request", "true", "HX-Request-Type", "partial")
		}},
		{"sign-in page", 200, func() answer { return e.get(t, e.browser(t), "/login") }},
		{"static asset", 200, func() answer { return e.get(t, e.browser(t), js) }},
		{"redirect to sign-in", 303, func() answer { return e.get(t, e.browser(t), list) }},
		{"htmx redirect", 204, func() answer { return e.get(t, e.browser(t), list, "HX-Request", "true") }},
		{"gin trailing-slash redirect", 301, func() answer { return e.get(t, c, list+"/") }},
		{"bad workflow ID", 400, func() answer { return e.get(t, c, "/workflows/abc/jobs") }},
		{"bad ID fragment", 400, func() answer { return e.get(t, c, "/workflows/abc/jobs", "HX-Request", "true") }},
		{"wrong password", 401, func() answer {
			return e.postForm(t, e.browser(t), "/login", url.Values{"account": {"analyst"}, "password": {"nope"}})
		}},
		{"cross-origin POST", 403, func() answer {
			return e.postForm(t, c, "/logout", url.Values{}, "Origin", "https://evil.example")
		}},
		{"not found", 404, func() answer { return e.get(t, c, "/nope") }},
		{"static asset not found", 404, func() answer { return e.get(t, c, "/static/nope.js") }},
		{"too large", 413, func() answer { return e.postForm(t, e.browser(t), "/login", big) }},
		{"panic", 500, func() answer { return e.get(t, c, "/test/panic") }},
		{"upstream 502", 502, func() answer {
			e.sim.SetFault(explorersim.Fault{Kind: explorersim.FaultHTML502})
			defer e.sim.SetFault(explorersim.Fault{})
			return e.get(t, c, list)
		}},
		{"upstream 502 fragment", 502, func() answer {
			e.sim.SetFault(explorersim.Fault{Kind: explorersim.FaultTruncatedJSON})
			defer e.sim.SetFault(explorersim.Fault{})
			return e.get(t, c, list, "HX-Request", "true")
		}},
	}
	if js == "" {
		t.Fatal("no script in the home page")
	}
	for _, tc := range cases {
		a := tc.get()
		if a.status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, a.status, tc.status)
		}
		checkHeaders(t, tc.name, a, false, tc.name == "static asset")
	}
	// HEAD too.
	req, _ := http.NewRequest(http.MethodHead, e.app.URL+"/login", nil)
	checkSecurityHeaders(t, "HEAD", e.do(t, e.browser(t), req), false)
}

// TestTLSGetsHostCookieAndHSTS serves over TLS: the session cookie is the
// Secure __Host- one and HSTS is sent; configured SecureCookie on plain
// HTTP does the same.
func TestTLSGetsHostCookieAndHSTS(t *testing.T) {
	e := newEnv(t, 0)
	client, _ := apiclient.New(e.simHS.URL)
	h, err := New(Options{Explorer: client, NebulaAddress: "graphd", SessionKeys: e.keys, Now: e.clock.Now, Store: e.store})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(h)
	defer srv.Close()
	c := srv.Client()
	c.Jar, _ = cookiejar.New(nil)
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"account": {"demo"}, "password": {"demo"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	a := answer{status: resp.StatusCode, header: resp.Header}
	checkSecurityHeaders(t, "TLS sign-in", a, true)
	ck := cookieNamed(resp.Header, session.CookieName)
	if ck == nil || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Domain != "" {
		t.Fatalf("TLS cookie %+v, want a Secure __Host- cookie", ck)
	}
	home, err := c.Get(srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	home.Body.Close()
	if home.StatusCode != http.StatusOK {
		t.Errorf("signed-in home over TLS: %d", home.StatusCode)
	}

	s := newEnvWith(t, explorersim.Options{}, func(o *Options) { o.SecureCookie = true })
	a = s.postForm(t, s.browser(t), "/login", url.Values{"account": {"demo"}, "password": {"demo"}})
	checkSecurityHeaders(t, "SecureCookie sign-in", a, true)
	if ck := cookieNamed(a.header, session.CookieName); ck == nil || !ck.Secure {
		t.Errorf("SecureCookie: cookie %+v, want Secure __Host-", ck)
	}
}

func TestRequestBodyCapped(t *testing.T) {
	e := newEnv(t, 0)
	big := url.Values{"account": {"demo"}, "password": {strings.Repeat("x", 100<<10)}}
	a := e.postForm(t, e.browser(t), "/login", big)
	if a.status != http.StatusRequestEntityTooLarge || !strings.Contains(text(parseHTML(t, a.body)), "too large") {
		t.Fatalf("100 KiB sign-in: status %d", a.status)
	}
	// Without a Content-Length (chunked), the cap applies while reading.
	body := strings.NewReader(big.Encode())
	req, _ := http.NewRequest(http.MethodPost, e.app.URL+"/login", io.NopCloser(body))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if a := e.do(t, e.browser(t), req); a.status != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked 100 KiB sign-in: status %d, want 413", a.status)
	}
	// A form under the cap goes through.
	ok := url.Values{"account": {"demo"}, "password": {"demo"}, "next": {"/" + strings.Repeat("a", 60<<10)}}
	if a := e.postForm(t, e.browser(t), "/login", ok); a.status != http.StatusSeeOther {
		t.Errorf("60 KiB sign-in: status %d, want 303", a.status)
	}
	// A form that cannot be parsed is a 400, not an empty form.
	req, _ = http.NewRequest(http.MethodPost, e.app.URL+"/login", strings.NewReader("account=%zz"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if a := e.do(t, e.browser(t), req); a.status != http.StatusBadRequest {
		t.Errorf("malformed form: status %d, want 400", a.status)
	}
}

func TestPanicIsLoggedWithRequestIDAndAnsweredPlainly(t *testing.T) {
	e := newEnvWith(t, explorersim.Options{}, withPanicRoute)
	req, _ := http.NewRequest(http.MethodGet, e.app.URL+"/test/panic", nil)
	req.Header.Set("Authorization", "Bearer header-secret-123")
	req.AddCookie(&http.Cookie{Name: "other", Value: "cookie-secret-456"})
	a := e.do(t, e.browser(t), req)
	if a.status != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", a.status)
	}
	id := a.header.Get("X-Request-ID")
	doc := parseHTML(t, a.body)
	if !strings.Contains(text(doc), id) || strings.Contains(a.body, "boom") || strings.Contains(a.body, "goroutine") {
		t.Errorf("500 page: want the request ID and no panic details: %q", text(doc))
	}
	logs := e.logs.String()
	var line string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, "msg=panic") {
			line = l
		}
	}
	if !strings.Contains(line, "request_id="+id) || !strings.Contains(line, "boom") {
		t.Errorf("panic log line %q: want the request ID and the panic", line)
	}
	if strings.Contains(logs, "header-secret-123") || strings.Contains(logs, "cookie-secret-456") {
		t.Error("headers or cookies dumped in the logs")
	}
	// The server keeps serving.
	if a := e.get(t, e.browser(t), "/login"); a.status != http.StatusOK {
		t.Errorf("after the panic: %d", a.status)
	}
}

// TestSecretsNeverLeak signs in with a password and with a token, browses
// every GET route, forces errors and a panic, and searches every answer
// and the logs for the token and the passwords.
func TestSecretsNeverLeak(t *testing.T) {
	const password = "pw-Zq8-unique-7781"
	const wrongPassword = "pw-wrong-secret-9912"
	const badToken = "tok-invalid-secret-4242"
	const upstreamSecret = "upstream-secret-5150"
	e := newEnvWith(t, explorersim.Options{Accounts: []explorersim.Account{{Name: "demo", Password: password}}}, withPanicRoute)
	client, _ := apiclient.New(e.simHS.URL)
	creds, err := client.Connect(t.Context(), "demo", password, "graphd.internal", DefaultNebulaPort)
	if err != nil {
		t.Fatal(err)
	}
	tok := creds.Token.Reveal()

	var answers []answer
	record := func(a answer) { answers = append(answers, a) }
	pw := e.browser(t)
	record(e.postForm(t, pw, "/login", url.Values{"account": {"demo"}, "password": {wrongPassword}}))
	record(e.postForm(t, pw, "/login", url.Values{"token": {badToken}}))
	record(e.postForm(t, pw, "/login", url.Values{"account": {"demo"}, "password": {password}}))
	tk := e.browser(t)
	record(e.postForm(t, tk, "/login", url.Values{"token": {tok}}))

	wf := e.workflow(t, "demo")
	job := strconv.FormatInt(e.jobsOf("demo", wf.ID)[0].ID, 10)
	var paths []string
	for _, r := range routesOf(t, e) {
		if r.Method == http.MethodGet && !strings.HasPrefix(r.Path, "/static/") {
			paths = append(paths, concrete(r.Path, wf.ID, job))
		}
	}
	paths = append(paths, "/nope", "/workflows/abc/jobs", "/test/panic", "/jobs/"+job+"?back=javascript:x")
	for _, c := range []*http.Client{pw, tk} {
		for _, p := range paths {
			record(e.get(t, c, p))
			record(e.get(t, c, p, "HX-Request", "true"))
		}
		for _, f := range []explorersim.Fault{{Kind: explorersim.FaultHTML502}, {Kind: explorersim.FaultHang}, {Kind: explorersim.FaultErrorEnvelope, Message: "db password=" + upstreamSecret}} {
			e.sim.SetFault(f)
			record(e.get(t, c, "/workflows/"+wf.ID+"/jobs"))
			record(e.get(t, c, "/jobs/"+job))
		}
		e.sim.SetFault(explorersim.Fault{})
	}
	e.sim.RevokeTokens("demo")
	record(e.get(t, pw, "/"))
	record(e.get(t, tk, "/workflows/"+wf.ID+"/jobs", "HX-Request", "true"))
	record(e.postForm(t, pw, "/logout", url.Values{}))

	secrets := map[string]string{"token": tok, "password": password, "wrong password": wrongPassword, "pasted bad token": badToken}
	for i, a := range answers {
		if strings.Contains(a.body, upstreamSecret) {
			t.Errorf("answer %d (%d): Explorer's error message shown", i, a.status)
		}
	}
	for i, a := range answers {
		for what, s := range secrets {
			if strings.Contains(a.body, s) {
				t.Errorf("answer %d (%d): %s in the body", i, a.status, what)
			}
			for name, vs := range a.header {
				for _, v := range vs {
					if strings.Contains(v, s) {
						t.Errorf("answer %d: %s in header %s", i, what, name)
					}
				}
			}
		}
	}
	for what, s := range secrets {
		if strings.Contains(e.logs.String(), s) {
			t.Errorf("%s in the logs", what)
		}
	}
	if len(answers) < 40 {
		t.Errorf("only %d answers checked", len(answers))
	}
}

// TestUntrustedTextIsEscaped renders jobs with hostile names in every page
// that shows them and checks the parsed pages for injected markup.
func TestUntrustedTextIsEscaped(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	names := []string{`<script>alert(1)</script>`, `" hx-get="/logout`, `javascript:alert(1)`, `<img src=x onerror=alert(1)>`}
	var jobPaths []string
	for _, n := range names {
		j := e.sim.AddJob("demo", wf.ID, explorersim.JobRecord{Name: n, Status: int(apiclient.StatusFailed)})
		jobPaths = append(jobPaths, "/jobs/"+strconv.FormatInt(j.ID, 10))
	}
	pages := append([]string{"/", "/workflows/" + wf.ID + "/jobs", "/jobs", "/workflows/" + wf.ID + "/jobs?name=" + url.QueryEscape("<script>")}, jobPaths...)
	for _, p := range pages {
		for _, fragment := range []bool{false, true} {
			var hdr []string
			if fragment {
				hdr = []string{"HX-Request", "true", "HX-Request-Type", "partial"}
			}
			a := e.get(t, c, p, hdr...)
			if a.status != http.StatusOK {
				t.Errorf("%s: status %d", p, a.status)
				continue
			}
			doc := parseHTML(t, a.body)
			assertNoInjection(t, p, doc)
			if p == "/" {
				continue // the home page lists workflows, not job names
			}
			body := text(doc)
			for i, n := range names {
				if strings.HasPrefix(p, "/jobs/") && jobPaths[i] != p {
					continue
				}
				if strings.Contains(p, "name=") && i != 0 {
					continue
				}
				if !strings.Contains(body, n) {
					t.Errorf("%s (fragment=%v): the name %q is not shown as text", p, fragment, n)
				}
			}
		}
	}
}

// assertNoInjection fails when doc holds markup that only an injection
// could have put there.
func assertNoInjection(t *testing.T, page string, doc *html.Node) {
	t.Helper()
	for _, n := range findAll(doc, func(*html.Node) bool { return true }) {
		switch n.Data {
		case "script":
			src, _ := attr(n, "src")
			if !strings.HasPrefix(src, "/static/") || n.FirstChild != nil {
				t.Errorf("%s: injected <script> (src %q)", page, src)
			}
		case "img", "iframe", "object", "embed", "base":
			t.Errorf("%s: injected <%s>", page, n.Data)
		}
		for _, a := range n.Attr {
			v := strings.ToLower(strings.TrimSpace(a.Val))
			switch {
			case strings.HasPrefix(a.Key, "on"):
				t.Errorf("%s: event handler attribute %s=%q on <%s>", page, a.Key, a.Val, n.Data)
			case a.Key == "hx-get" && v == "/logout":
				t.Errorf("%s: injected hx-get=/logout on <%s>", page, n.Data)
			case strings.HasPrefix(v, "javascript:") && (a.Key == "href" || a.Key == "src" || a.Key == "action" || a.Key == "formaction" || strings.HasPrefix(a.Key, "hx-")):
				t.Errorf("%s: %s=%q on <%s>", page, a.Key, a.Val, n.Data)
			case strings.ContainsAny(a.Key, `"'<>/=`):
				t.Errorf("%s: malformed attribute %q on <%s>", page, a.Key, n.Data)
			}
		}
	}
}

// TestAssetsSayVaryOnce: a static asset served through the whole chain
// names Accept-Encoding once among its Vary values, with or without gzip
// and for HEAD, as every other response does.
func TestAssetsSayVaryOnce(t *testing.T) {
	e := newEnv(t, 0)
	c := e.browser(t)
	doc := parseHTML(t, e.get(t, c, "/login").body)
	var assets []string
	for _, n := range findAll(doc, func(n *html.Node) bool { return n.Data == "link" || n.Data == "script" }) {
		for _, k := range []string{"href", "src"} {
			if v, ok := attr(n, k); ok && strings.HasPrefix(v, "/static/") {
				assets = append(assets, v)
			}
		}
	}
	if len(assets) == 0 {
		t.Fatal("the sign-in page links no asset")
	}
	for _, a := range assets {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			for _, enc := range []string{"", "gzip"} {
				req, err := http.NewRequest(method, e.app.URL+a, nil)
				if err != nil {
					t.Fatal(err)
				}
				if enc != "" {
					req.Header.Set("Accept-Encoding", enc)
				}
				res := e.do(t, c, req)
				if res.status != http.StatusOK {
					t.Errorf("%s %s (%q): status %d", method, a, enc, res.status)
					continue
				}
				n := 0
				for _, v := range res.header.Values("Vary") {
					for _, f := range strings.Split(v, ",") {
						if strings.EqualFold(strings.TrimSpace(f), "Accept-Encoding") {
							n++
						}
					}
				}
				if n != 1 {
					t.Errorf("%s %s (Accept-Encoding %q): Vary names Accept-Encoding %d times: %q", method, a, enc, n, res.header.Values("Vary"))
				}
			}
		}
	}
}
