package handlers

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/net/html"

	"jobboard/apiclient"
	"jobboard/internal/explorersim"
	"jobboard/internal/middleware"
	"jobboard/internal/session"
	"jobboard/internal/testenv"
)

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

func TestCopiedCookieRefusedAfterSignOut(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	copied := e.sessionCookie(t, c)
	if a := e.getWithCookie(t, "/", copied); a.status != http.StatusOK {
		t.Fatalf("copied cookie before sign-out: %d", a.status)
	}
	if a := e.postForm(t, c, "/logout", url.Values{}); a.status != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", a.status)
	}
	calls := e.sim.Calls()
	if a := e.getWithCookie(t, "/", copied); a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/login") {
		t.Errorf("copied cookie after sign-out: %d %q, want sign-in", a.status, a.header.Get("Location"))
	}
	if e.sim.Calls() != calls {
		t.Error("a revoked session still reached Explorer")
	}
	// A new sign-in gets a new session ID: the old copy stays refused.
	c2 := e.signedIn(t, "demo")
	if e.sessionCookie(t, c2).Value == copied.Value {
		t.Error("same cookie after a new sign-in")
	}
	if a := e.getWithCookie(t, "/", copied); a.status != http.StatusSeeOther {
		t.Errorf("old copy after a new sign-in: %d", a.status)
	}
}

func TestUnauthorizedUpstreamRevokesSession(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	copied := e.sessionCookie(t, c)
	e.sim.RevokeTokens("demo")
	if a := e.get(t, c, "/"); a.status != http.StatusSeeOther {
		t.Fatalf("after Explorer refused the token: %d", a.status)
	}
	calls := e.sim.Calls()
	if a := e.getWithCookie(t, "/", copied); a.status != http.StatusSeeOther {
		t.Errorf("copied cookie after ErrUnauthorized: %d, want sign-in", a.status)
	}
	if e.sim.Calls() != calls {
		t.Error("the revoked session was tried on Explorer again")
	}
}

func TestIdleTimeout(t *testing.T) {
	e := newEnvWith(t, explorersim.Options{}, func(o *Options) { o.SessionIdleTimeout = 30 * time.Minute })
	c := e.signedIn(t, "demo")
	for range 3 { // used every 25 minutes: stays signed in past the timeout
		e.clock.Advance(25 * time.Minute)
		if a := e.get(t, c, "/"); a.status != http.StatusOK {
			t.Fatalf("used within the idle timeout: %d", a.status)
		}
	}
	e.clock.Advance(31 * time.Minute)
	if a := e.get(t, c, "/"); a.status != http.StatusSeeOther {
		t.Errorf("idle for 31 minutes: %d, want sign-in", a.status)
	}
}

// TestSessionRefreshedEveryQuarterHour checks that with the default idle
// timeout (12 h) a reader's cookie is re-issued once its last-seen time is
// 15 minutes old, and not before: not on every request of a client that
// drops Set-Cookie.
func TestSessionRefreshedEveryQuarterHour(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	e.clock.Advance(10 * time.Second)
	if a := e.get(t, c, "/"); cookieNamed(a.header, session.PlainCookieName) != nil {
		t.Error("cookie re-issued 10 s after sign-in")
	}
	e.clock.Advance(5 * time.Minute)
	if a := e.get(t, c, "/"); cookieNamed(a.header, session.PlainCookieName) != nil {
		t.Error("cookie re-issued 5 min after sign-in")
	}
	e.clock.Advance(10 * time.Minute)
	if a := e.get(t, c, "/"); cookieNamed(a.header, session.PlainCookieName) == nil {
		t.Error("cookie not refreshed a quarter of an hour after sign-in")
	}
}

func TestKeyRotationAcrossInstances(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	ck := e.sessionCookie(t, c)
	client, _ := apiclient.New(e.simHS.URL)
	newKeys := randomKeys(t)
	serve := func(keys [][]byte) *testEnv {
		h, err := New(Options{Explorer: client, NebulaAddress: "graphd", SessionKeys: keys, Now: e.clock.Now, Store: e.store})
		if err != nil {
			t.Fatal(err)
		}
		app := httptest.NewServer(h)
		t.Cleanup(app.Close)
		return &testEnv{app: app}
	}
	rotated := serve(append(append([][]byte{}, newKeys...), e.keys...))
	if a := rotated.getWithCookie(t, "/", ck); a.status != http.StatusOK {
		t.Errorf("old-key cookie while the old key is listed second: %d, want 200", a.status)
	}
	removed := serve(newKeys)
	if a := removed.getWithCookie(t, "/", ck); a.status != http.StatusSeeOther {
		t.Errorf("old-key cookie once the old key is removed: %d, want sign-in", a.status)
	}
}

func TestLoginRateLimitPerIPAndAccount(t *testing.T) {
	e := newEnv(t, 0)
	c := e.browser(t)
	// Unknown account and wrong password read the same.
	unknown := e.postForm(t, c, "/login", url.Values{"account": {"nobody"}, "password": {"x"}})
	wrong := e.postForm(t, c, "/login", url.Values{"account": {"demo"}, "password": {"x"}})
	if unknown.status != wrong.status || text(byID(parseHTML(t, unknown.body), "login-error")) != text(byID(parseHTML(t, wrong.body), "login-error")) {
		t.Errorf("unknown account (%d) and wrong password (%d) answered differently", unknown.status, wrong.status)
	}
	// 10 tries per IP in 5 minutes, whatever X-Forwarded-For claims.
	for i := 2; i < middleware.LoginLimit; i++ {
		a := e.postForm(t, c, "/login", url.Values{"account": {"u" + strconv.Itoa(i)}, "password": {"x"}}, "X-Forwarded-For", "10.0.0."+strconv.Itoa(i))
		if a.status != http.StatusUnauthorized {
			t.Fatalf("try %d: %d", i+1, a.status)
		}
	}
	a := e.postForm(t, c, "/login", url.Values{"account": {"demo"}, "password": {"demo"}}, "X-Forwarded-For", "10.9.9.9")
	if a.status != http.StatusTooManyRequests {
		t.Fatalf("11th try from one IP: %d, want 429", a.status)
	}
	if ra, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || ra < 1 || ra > 300 {
		t.Errorf("Retry-After %q, want 1..300 seconds", a.header.Get("Retry-After"))
	}
	doc := parseHTML(t, a.body)
	if !strings.Contains(text(byID(doc, "login-error")), "Too many sign-in attempts") || inputValue(t, doc, "account") != "demo" {
		t.Errorf("429 page: message %q, account %q", text(byID(doc, "login-error")), inputValue(t, doc, "account"))
	}
	e.clock.Advance(middleware.LoginWindow)
	if a := e.postForm(t, c, "/login", url.Values{"account": {"demo"}, "password": {"demo"}}); a.status != http.StatusSeeOther {
		t.Errorf("after the window: %d, want signed in", a.status)
	}
	logs := e.logs.String()
	for _, want := range []string{"outcome=rejected", "outcome=rate-limited", "outcome=ok", "account=demo", "client_ip=127.0.0.1", "request_id="} {
		if !strings.Contains(logs, want) {
			t.Errorf("sign-in log lacks %q", want)
		}
	}
}

func TestLoginRateLimitPerAccountBehindTrustedProxy(t *testing.T) {
	e := newEnvWith(t, explorersim.Options{}, func(o *Options) { o.TrustedProxies = []string{"127.0.0.1"} })
	c := e.browser(t)
	for i := range middleware.LoginLimit {
		a := e.postForm(t, c, "/login", url.Values{"account": {"demo"}, "password": {"x"}}, "X-Forwarded-For", "10.0.0."+strconv.Itoa(i))
		if a.status != http.StatusUnauthorized {
			t.Fatalf("try %d: %d", i+1, a.status)
		}
	}
	// A new IP does not help against the account's limit…
	if a := e.postForm(t, c, "/login", url.Values{"account": {"demo"}, "password": {"demo"}}, "X-Forwarded-For", "10.1.1.1"); a.status != http.StatusTooManyRequests {
		t.Errorf("account limit from a new IP: %d, want 429", a.status)
	}
	// …but another account from that IP signs in, and its IP is the forwarded one.
	if a := e.postForm(t, c, "/login", url.Values{"account": {"analyst"}, "password": {"analyst"}}, "X-Forwarded-For", "10.1.1.1"); a.status != http.StatusSeeOther {
		t.Errorf("other account: %d, want 303", a.status)
	}
	if !strings.Contains(e.logs.String(), "client_ip=10.1.1.1") {
		t.Error("the trusted proxy's X-Forwarded-For was not used")
	}
}

func TestSuccessfulSignInsDoNotCount(t *testing.T) {
	e := newEnv(t, 0)
	for i := range middleware.LoginLimit + 5 {
		if a := e.postForm(t, e.browser(t), "/login", url.Values{"account": {"demo"}, "password": {"demo"}}); a.status != http.StatusSeeOther {
			t.Fatalf("sign-in %d: %d", i+1, a.status)
		}
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
