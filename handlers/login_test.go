package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jobboard/apiclient"
	"jobboard/internal/explorersim"
	"jobboard/internal/i18n"
	"jobboard/internal/middleware"
	"jobboard/internal/session"
	"jobboard/internal/testenv"
)

// loginNotice returns the text of the sign-in page's notice ("" for none).
func loginNotice(t *testing.T, body string) string {
	t.Helper()
	n := byID(parseHTML(t, body), "login-notice")
	if n == nil {
		return ""
	}
	return text(n)
}

func TestSignInPageSaysWhyAfterTheSessionEnded(t *testing.T) {
	e := newEnv(t, 0)
	wf := e.workflow(t, "demo")
	list := "/workflows/" + wf.ID + "/jobs?status=failed"
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		// Signed out elsewhere: browser b holds a copy of a's cookie (one
		// copy per request, since the first answer clears it).
		a := e.signedIn(t, "demo")
		u := mustURL(t, e.app.URL)
		cookies := a.Jar.Cookies(u)
		e.postForm(t, a, "/logout", url.Values{})
		var b *http.Client
		for name, hx := range map[string][]string{"page": nil, "poll": {"HX-Request", "true"}} {
			b = e.browser(t)
			b.Jar.SetCookies(u, cookies)
			got := e.get(t, b, list, append(hx, "Accept-Language", lang.accept)...)
			to := got.header.Get("Location")
			if hx != nil {
				to = got.header.Get("HX-Redirect")
			}
			want := "/login?next=" + url.QueryEscape(list) + "&reason=ended"
			if to != want {
				t.Fatalf("%s %s: sent to %q, want %q", lang.tag, name, to, want)
			}
		}
		page := e.get(t, b, "/login?next="+url.QueryEscape(list)+"&reason=ended", "Accept-Language", lang.accept)
		if got, want := loginNotice(t, page.body), l.T("login.ended"); got != want {
			t.Errorf("%s: notice %q, want %q", lang.tag, got, want)
		}
		if got := inputValue(t, parseHTML(t, page.body), "login-password-next"); got != list {
			t.Errorf("%s: next %q, want %q", lang.tag, got, list)
		}
		// Signing in returns to the list.
		in := e.postForm(t, b, "/login", url.Values{"account": {"demo"}, "password": {"demo"}, "next": {list}})
		if in.status != http.StatusSeeOther || in.header.Get("Location") != list {
			t.Errorf("%s: sign-in answered %d to %q, want 303 to %q", lang.tag, in.status, in.header.Get("Location"), list)
		}
	}
}

func TestSignInPageAfterTokenRefusedAndFirstVisit(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	list := "/workflows/" + wf.ID + "/jobs"
	// A first visit, without any cookie, needs no explanation.
	if to := e.get(t, e.browser(t), list).header.Get("Location"); to != "/login?next="+url.QueryEscape(list) {
		t.Errorf("first visit: sent to %q", to)
	}
	e.sim.RevokeTokens("demo")
	if to := e.get(t, c, list).header.Get("Location"); to != "/login?next="+url.QueryEscape(list)+"&reason=ended" {
		t.Errorf("token refused: sent to %q", to)
	}
}

func TestNextSurvivesEverySignInState(t *testing.T) {
	e := newEnv(t, 0)
	next := "/jobs?status=failed"
	loginWithNext := "/login?next=" + url.QueryEscape(next)
	states := map[string]func(c *http.Client) answer{
		"GET": func(c *http.Client) answer { return e.get(t, c, loginWithNext) },
		"wrong password": func(c *http.Client) answer {
			return e.postForm(t, c, "/login", url.Values{"account": {"demo"}, "password": {"nope"}, "next": {next}})
		},
		"bad token": func(c *http.Client) answer {
			return e.postForm(t, c, "/login", url.Values{"token": {"not-a-token"}, "next": {next}})
		},
		"missing fields": func(c *http.Client) answer {
			return e.postForm(t, c, "/login", url.Values{"account": {"demo"}, "next": {next}})
		},
	}
	for name, state := range states {
		c := e.browser(t)
		doc := parseHTML(t, state(c).body)
		for _, id := range []string{"login-password-next", "login-token-next"} {
			if got := inputValue(t, doc, id); got != next {
				t.Errorf("%s: #%s = %q, want %q", name, id, got, next)
			}
		}
		// The language switch (without JavaScript: the rendered value;
		// with it: data-keep stops app.js from using the address bar's
		// /login) returns to the sign-in page with next.
		lang := byID(doc, "lang-next")
		if got, _ := attr(lang, "value"); got != loginWithNext {
			t.Errorf("%s: language switch returns to %q, want %q", name, got, loginWithNext)
		}
		if _, keep := attr(lang, "data-keep"); !keep {
			t.Errorf("%s: the language switch's next is not marked data-keep", name)
		}
		sw := e.postForm(t, c, "/lang", url.Values{"lang": {"zh-CN"}, "next": {loginWithNext}})
		if sw.header.Get("Location") != loginWithNext {
			t.Fatalf("%s: switch went to %q", name, sw.header.Get("Location"))
		}
		doc = parseHTML(t, e.get(t, c, loginWithNext).body)
		if got := inputValue(t, doc, "login-password-next"); got != next {
			t.Errorf("%s then 简体中文: next %q, want %q", name, got, next)
		}
		in := e.postForm(t, c, "/login", url.Values{"account": {"demo"}, "password": {"demo"}, "next": {inputValue(t, doc, "login-password-next")}})
		if in.header.Get("Location") != next {
			t.Errorf("%s: signing in went to %q, want %q", name, in.header.Get("Location"), next)
		}
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	e := newEnv(t, 0)
	a := e.postForm(t, e.browser(t), "/login", url.Values{"account": {"demo"}, "password": {"demo"}})
	resp := http.Response{Header: a.header}
	var ck *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == session.PlainCookieName {
			ck = c
		}
	}
	if ck == nil {
		t.Fatal("no session cookie set")
	}
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.MaxAge <= 0 || ck.MaxAge > 72*3600 {
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/, 0 < MaxAge ≤ 72 h", ck)
	}
}

func TestLoginFailures(t *testing.T) {
	e := newEnv(t, 0)
	c := e.browser(t)
	a := e.postForm(t, c, "/login", url.Values{"account": {"demo"}, "password": {"wrong-pass-123"}})
	if a.status != http.StatusUnauthorized {
		t.Fatalf("wrong password: status %d", a.status)
	}
	doc := parseHTML(t, a.body)
	if !strings.Contains(text(byID(doc, "login-error")), "Wrong account or password") {
		t.Errorf("message %q", text(byID(doc, "login-error")))
	}
	if got := inputValue(t, doc, "account"); got != "demo" {
		t.Errorf("account not kept: %q", got)
	}
	if strings.Contains(a.body, "wrong-pass-123") {
		t.Error("password echoed in the page")
	}
	a = e.postForm(t, c, "/login", url.Values{"token": {"deadbeefdeadbeef"}})
	if a.status != http.StatusUnauthorized || !strings.Contains(a.body, "token was not accepted") {
		t.Errorf("bad token: status %d", a.status)
	}
	a = e.postForm(t, c, "/login", url.Values{})
	if a.status != http.StatusBadRequest {
		t.Errorf("empty form: status %d", a.status)
	}
	// Cross-site form posts are refused.
	a = e.postForm(t, c, "/login", url.Values{"account": {"demo"}, "password": {"demo"}}, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site")
	if a.status != http.StatusForbidden {
		t.Errorf("cross-site sign-in: status %d, want 403", a.status)
	}
	a = e.postForm(t, c, "/logout", url.Values{}, "Sec-Fetch-Site", "cross-site")
	if a.status != http.StatusForbidden {
		t.Errorf("cross-site sign-out: status %d, want 403", a.status)
	}
}

func TestPastedTokenAndLogout(t *testing.T) {
	e := newEnv(t, 0)
	tok := testenv.ExplorerToken(t, e.simHS.URL, "analyst")
	c := e.browser(t)
	a := e.postForm(t, c, "/login", url.Values{"token": {tok}, "next": {"/"}})
	if a.status != http.StatusSeeOther {
		t.Fatalf("token sign-in: status %d", a.status)
	}
	home := e.get(t, c, "/")
	if home.status != http.StatusOK || !strings.Contains(home.body, "Signed in with a token") {
		t.Fatalf("home after token sign-in: %d", home.status)
	}
	if out := e.postForm(t, c, "/logout", url.Values{}); out.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", out.status)
	}
	if a := e.get(t, c, "/"); a.status != http.StatusSeeOther {
		t.Fatalf("after logout: %d, want sign-in redirect", a.status)
	}
}

func TestSafeNext(t *testing.T) {
	cases := []struct{ in, want string }{
		{"/workflows/1/jobs?status=failed&page=2", "/workflows/1/jobs?status=failed&page=2"},
		{"/", "/"},
		{"/workflows/1/jobs?name=a%2Fb", "/workflows/1/jobs?name=a%2Fb"},
		{"", "/"},
		{"//evil.example", "/"},
		{"//evil.example/path", "/"},
		{"https://evil.example", "/"},
		{"http:/evil.example", "/"},
		{"/\\evil", "/"},
		{"\\\\evil", "/"},
		{"/a\\b", "/"},
		{"javascript:alert(1)", "/"},
		{"JavaScript:alert(1)", "/"},
		{"/%2F%2Fevil", "/"},
		{"/%2f%5cevil", "/"},
		{"/jobs\r\nSet-Cookie: x=1", "/"},
		{"/jobs\x00", "/"},
		{"/jobs\tx", "/"},
		{"relative/path", "/"},
		{"?page=2", "/"},
	}
	for _, tc := range cases {
		if got := safeNext(tc.in); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestSignInReturnsToTheAddressBarPage: a signed-out htmx request for a
// piece of a page (the lazy summary, the cancel dialog) sends the reader to
// sign-in and back to the page in the address bar, not to the piece; a
// filter change (same path, new query) returns to the new state; a foreign
// HX-Current-URL is ignored.
func TestSignInReturnsToTheAddressBarPage(t *testing.T) {
	e := newEnv(t, 0)
	c := e.browser(t)
	list := "/workflows/1234567890/jobs?status=failed"
	host := strings.TrimPrefix(e.app.URL, "http://")
	cases := []struct{ path, current, want string }{
		{"/workflows/1234567890/jobs/summary?status=failed", "http://" + host + list, list},
		{"/workflows/1234567890/jobs?name=x&status=failed", "http://" + host + list, "/workflows/1234567890/jobs?name=x&status=failed"},
		{"/workflows/1234567890/jobs/summary", "http://evil.example" + list, "/workflows/1234567890/jobs/summary"},
		{"/jobs/5/cancel", "http://" + host + "//evil.example/jobs", "/jobs/5/cancel"},
	}
	for _, tc := range cases {
		resp := e.get(t, c, tc.path, "HX-Request", "true", "HX-Current-URL", tc.current)
		loc, err := url.Parse(resp.header.Get("HX-Redirect"))
		if err != nil || loc.Path != "/login" {
			t.Errorf("GET %s (current %s): HX-Redirect = %q, want /login?next=…", tc.path, tc.current, resp.header.Get("HX-Redirect"))
			continue
		}
		if got := loc.Query().Get("next"); got != tc.want {
			t.Errorf("GET %s (current %s): next = %q, want %q", tc.path, tc.current, got, tc.want)
		}
	}
}

// FuzzSafeNext checks the next/back validator: whatever it accepts is a
// local path (a single leading "/", no "//" or "\" that a browser would
// read as another host, no control characters) that parses as a URL
// without scheme or host; anything else becomes "/".
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{
		"/", "/workflows/1/jobs?status=failed&page=2", "//evil.example", "/\\evil", "https://evil.example/",
		"javascript:alert(1)", "/%2F%2Fevil", "/a\tb", "\\\\evil", "/ok#frag", "/%5cevil", "http:/evil",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got != next && got != "/" {
			t.Fatalf("safeNext(%q) = %q: neither the input nor /", next, got)
		}
		if got == "/" {
			return
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.Contains(got, "\\") {
			t.Fatalf("accepted %q", got)
		}
		for _, r := range got {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("accepted %q with a control character", got)
			}
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
			t.Fatalf("accepted %q: parses as %+v (%v)", got, u, err)
		}
		// What the browser follows after decoding must still be one path.
		if strings.HasPrefix(u.Path, "//") || strings.HasPrefix(u.Path, "/\\") {
			t.Fatalf("accepted %q: path %q", got, u.Path)
		}
		// Resolved against our origin, it stays on our origin.
		base, _ := url.Parse("https://jobboard.example/x/y")
		if r := base.ResolveReference(u); r.Host != "jobboard.example" || r.Scheme != "https" {
			t.Fatalf("accepted %q resolves to %s", got, r)
		}
	})
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

// TestAccountBackoffBehindTrustedProxy checks the per-account limit: after
// the free failures every further one doubles the wait, which a new
// address does not skip; the wait is never a lock; another account from
// that address is not held back.
func TestAccountBackoffBehindTrustedProxy(t *testing.T) {
	e := newEnvWith(t, explorersim.Options{}, func(o *Options) { o.TrustedProxies = []string{"127.0.0.1"} })
	c := e.browser(t)
	wrong := url.Values{"account": {"demo"}, "password": {"x"}}
	right := url.Values{"account": {"demo"}, "password": {"demo"}}
	for i := range middleware.FreeFailures {
		if a := e.postForm(t, c, "/login", wrong, "X-Forwarded-For", "10.0.0."+strconv.Itoa(i)); a.status != http.StatusUnauthorized {
			t.Fatalf("free failure %d: %d", i+1, a.status)
		}
	}
	a := e.postForm(t, c, "/login", right, "X-Forwarded-For", "10.1.1.1")
	if a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") != "1" {
		t.Fatalf("after %d failures, from a new IP: %d Retry-After %q, want 429 for 1 s", middleware.FreeFailures, a.status, a.header.Get("Retry-After"))
	}
	if got := text(byID(parseHTML(t, a.body), "login-error")); !strings.Contains(got, "the wait doubles") {
		t.Errorf("back-off message %q", got)
	}
	// Each failure doubles the wait: 1, 2, 4, 8 s.
	for i, wait := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
		e.clock.Advance(wait)
		if a := e.postForm(t, c, "/login", wrong, "X-Forwarded-For", "10.0.1."+strconv.Itoa(i)); a.status != http.StatusUnauthorized {
			t.Fatalf("failure after waiting %v: %d, want judged (401)", wait, a.status)
		}
	}
	a = e.postForm(t, c, "/login", right, "X-Forwarded-For", "10.1.1.1")
	if ra := a.header.Get("Retry-After"); a.status != http.StatusTooManyRequests || ra != "16" {
		t.Errorf("after 9 failures: %d Retry-After %q, want 429 for 16 s", a.status, ra)
	}
	// …another account from that address signs in, and its IP is the forwarded one.
	if a := e.postForm(t, c, "/login", url.Values{"account": {"analyst"}, "password": {"analyst"}}, "X-Forwarded-For", "10.1.1.1"); a.status != http.StatusSeeOther {
		t.Errorf("other account: %d, want 303", a.status)
	}
	if !strings.Contains(e.logs.String(), "client_ip=10.1.1.1") {
		t.Error("the trusted proxy's X-Forwarded-For was not used")
	}
	e.clock.Advance(16 * time.Second)
	if a := e.postForm(t, c, "/login", right, "X-Forwarded-For", "10.1.1.1"); a.status != http.StatusSeeOther {
		t.Errorf("after the wait: %d, want signed in", a.status)
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

// behindProxy is a dashboard that believes X-Forwarded-For from loopback,
// so tests can sign in from many addresses.
func behindProxy(t *testing.T, edit func(*Options)) *testEnv {
	t.Helper()
	return newEnvWith(t, explorersim.Options{}, func(o *Options) {
		o.TrustedProxies = []string{"127.0.0.1"}
		if edit != nil {
			edit(o)
		}
	})
}

// signInFrom posts account and password from the address ip.
func (e *testEnv) signInFrom(t *testing.T, ip, account, password string) answer {
	t.Helper()
	return e.postForm(t, e.browser(t), "/login", url.Values{"account": {account}, "password": {password}}, "X-Forwarded-For", ip)
}

// TestFailuresElsewhereDoNotLockOutAKnownAddress is the lock-out attack:
// guesses against demo from many addresses. demo still signs in at once
// from the address it signed in from before; from a new address it waits
// the back-off (never more than 15 minutes), then signs in.
func TestFailuresElsewhereDoNotLockOutAKnownAddress(t *testing.T) {
	e := behindProxy(t, nil)
	if a := e.signInFrom(t, "192.0.2.10", "demo", "demo"); a.status != http.StatusSeeOther {
		t.Fatalf("first sign-in: %d", a.status)
	}
	judged := 0
	for i := range 200 {
		e.clock.Advance(30 * time.Second)
		if a := e.signInFrom(t, fmt.Sprintf("10.%d.%d.1", i/250, i%250), "demo", "guess"); a.status == http.StatusUnauthorized {
			judged++
		}
	}
	if judged > 30 {
		t.Errorf("%d of 200 guesses over 100 minutes judged, want the back-off to hold them to ~20", judged)
	}
	if a := e.signInFrom(t, "192.0.2.10", "demo", "demo"); a.status != http.StatusSeeOther {
		t.Errorf("the known address after the attack: %d, want signed in", a.status)
	}
	a := e.signInFrom(t, "198.51.100.1", "demo", "demo")
	wait, err := strconv.Atoi(a.header.Get("Retry-After"))
	if a.status != http.StatusTooManyRequests || err != nil || wait < 1 || wait > int(middleware.BackoffMax/time.Second) {
		t.Fatalf("a new address during the attack: %d Retry-After %q, want 429 within 15 minutes", a.status, a.header.Get("Retry-After"))
	}
	e.clock.Advance(time.Duration(wait) * time.Second)
	if a := e.signInFrom(t, "198.51.100.1", "demo", "demo"); a.status != http.StatusSeeOther {
		t.Errorf("the new address after Retry-After: %d, want signed in", a.status)
	}
}

// TestAccountLimitIsNotEvicted floods the in-memory limits (4 keys in
// this test) with made-up accounts from many addresses: the real
// account's back-off, kept in the store, still holds.
func TestAccountLimitIsNotEvicted(t *testing.T) {
	e := behindProxy(t, func(o *Options) { o.limiterKeys = 4 })
	for i := range middleware.FreeFailures {
		if a := e.signInFrom(t, fmt.Sprintf("10.0.0.%d", i), "demo", "guess"); a.status != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, a.status)
		}
	}
	for i := range 300 {
		e.signInFrom(t, fmt.Sprintf("10.1.%d.%d", i/250, i%250), fmt.Sprintf("made-up-%d", i), "x")
	}
	if a := e.signInFrom(t, "10.2.0.1", "demo", "guess"); a.status != http.StatusTooManyRequests {
		t.Errorf("a guess on demo after 300 made-up accounts: %d, want 429 (back-off kept)", a.status)
	}
}

// TestIPv6ClientsAreLimitedBy64 spreads failures over the interface IDs
// of one /64: they count together, and the next /64 is a new address.
func TestIPv6ClientsAreLimitedBy64(t *testing.T) {
	e := behindProxy(t, nil)
	for i := range middleware.LoginLimit {
		if a := e.signInFrom(t, fmt.Sprintf("2001:db8:1:2::%x", i+1), fmt.Sprintf("u%d", i), "x"); a.status != http.StatusUnauthorized {
			t.Fatalf("try %d: %d", i+1, a.status)
		}
	}
	if a := e.signInFrom(t, "2001:db8:1:2:ffff:ffff:ffff:ffff", "demo", "demo"); a.status != http.StatusTooManyRequests {
		t.Errorf("another interface of the same /64: %d, want 429", a.status)
	}
	if a := e.signInFrom(t, "2001:db8:1:3::1", "demo", "demo"); a.status != http.StatusSeeOther {
		t.Errorf("the next /64: %d, want signed in", a.status)
	}
}

// TestParallelCorrectSignInsAreNotRefused signs demo in 16 times at once
// from one address: every one succeeds (attempts in flight wait their
// turn instead of counting against the limit).
func TestParallelCorrectSignInsAreNotRefused(t *testing.T) {
	e := newEnv(t, 0)
	statuses := make([]int, 16)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() {
			statuses[i] = e.postForm(t, e.browser(t), "/login", url.Values{"account": {"demo"}, "password": {"demo"}}).status
		})
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusSeeOther {
			t.Errorf("parallel sign-in %d: %d, want 303", i+1, s)
		}
	}
}

// TestSuccessfulSignInsAreLimited checks that an account's successful
// sign-ins are bounded too (each starts a session), for a window.
func TestSuccessfulSignInsAreLimited(t *testing.T) {
	e := newEnv(t, 0)
	for i := range middleware.SuccessLimit {
		if a := e.postForm(t, e.browser(t), "/login", url.Values{"account": {"demo"}, "password": {"demo"}}); a.status != http.StatusSeeOther {
			t.Fatalf("sign-in %d: %d", i+1, a.status)
		}
	}
	if a := e.postForm(t, e.browser(t), "/login", url.Values{"account": {"demo"}, "password": {"demo"}}); a.status != http.StatusTooManyRequests {
		t.Errorf("sign-in %d within the window: %d, want 429", middleware.SuccessLimit+1, a.status)
	}
	if a := e.postForm(t, e.browser(t), "/login", url.Values{"account": {"analyst"}, "password": {"analyst"}}); a.status != http.StatusSeeOther {
		t.Errorf("another account: %d, want 303", a.status)
	}
	e.clock.Advance(middleware.LoginWindow)
	if a := e.postForm(t, e.browser(t), "/login", url.Values{"account": {"demo"}, "password": {"demo"}}); a.status != http.StatusSeeOther {
		t.Errorf("after the window: %d, want 303", a.status)
	}
}

// oddCredentials is Explorer answering connect with a token jobboard cannot
// keep (longer than the cookie holds) or one about to expire.
type oddCredentials struct {
	Explorer
	token  apiclient.Token
	maxAge time.Duration
}

func (o oddCredentials) Connect(ctx context.Context, account, password, address string, port int) (apiclient.Credentials, error) {
	creds, err := o.Explorer.Connect(ctx, account, password, address, port)
	if err != nil {
		return creds, err
	}
	if o.token != "" {
		creds.Token = o.token
	}
	if o.maxAge > 0 {
		creds.MaxAge, creds.Expires = o.maxAge, time.Time{}
	}
	return creds, nil
}

// TestSignInWithATokenNoSessionCanHold: a connect answer whose token is too
// long for the cookie or expires within the second is Explorer's failure:
// 502 beside the sign-in form, in the reader's language, the account kept,
// no session started — never a 500.
func TestSignInWithATokenNoSessionCanHold(t *testing.T) {
	for name, odd := range map[string]oddCredentials{
		"token too long":         {token: apiclient.Token(strings.Repeat("T", session.MaxTokenLen+1))},
		"Max-Age under a second": {maxAge: 500 * time.Millisecond},
	} {
		e := newEnv(t, 0, func(_ *testEnv, o *Options) {
			odd.Explorer = o.Explorer
			o.Explorer = odd
		})
		for _, lang := range langs {
			c := e.browser(t)
			a := e.postForm(t, c, "/login", url.Values{"account": {"demo"}, "password": {"demo"}, "next": {"/jobs"}},
				"Accept-Language", lang.accept)
			if a.status != http.StatusBadGateway {
				t.Errorf("%s (%s): status %d, want 502", name, lang.tag, a.status)
			}
			doc := parseHTML(t, a.body)
			if got := inputValue(t, doc, "account"); got != "demo" {
				t.Errorf("%s (%s): account field %q, want demo kept", name, lang.tag, got)
			}
			if want := i18n.For(lang.tag).T("problem.unavailable"); !strings.Contains(text(doc), want) {
				t.Errorf("%s (%s): page lacks %q", name, lang.tag, want)
			}
			if got := e.get(t, c, "/jobs"); got.status != http.StatusSeeOther {
				t.Errorf("%s (%s): /jobs after the failed sign-in: status %d, want 303 to sign-in", name, lang.tag, got.status)
			}
		}
	}
}

// connectDenied is an Explorer that denies every sign-in (40304000), with
// an account and password or with a pasted token.
type connectDenied struct{ Explorer }

func (connectDenied) Connect(context.Context, string, string, string, int) (apiclient.Credentials, error) {
	return apiclient.Credentials{}, &apiclient.APIError{Endpoint: "connect", HTTPStatus: http.StatusForbidden, Code: apiclient.CodeForbidden}
}

func (connectDenied) ListJobs(context.Context, apiclient.Token, apiclient.ListQuery) (apiclient.JobPage, error) {
	return apiclient.JobPage{}, &apiclient.APIError{Endpoint: "list jobs", HTTPStatus: http.StatusForbidden, Code: apiclient.CodeForbidden}
}

// TestSignInDeniedSaysSo: Explorer denying a sign-in is a 403 beside the
// form saying the account may not sign in (en, zh), the account kept; not
// "may not see this" with a way back to pages a signed-out reader cannot
// open.
func TestSignInDeniedSaysSo(t *testing.T) {
	e := newEnv(t, 0, func(_ *testEnv, o *Options) { o.Explorer = connectDenied{o.Explorer} })
	for _, form := range []url.Values{
		{"account": {"demo"}, "password": {"demo"}, "next": {"/jobs"}},
		{"token": {"some-token-value"}, "next": {"/jobs"}},
	} {
		for _, lang := range langs {
			l := i18n.For(lang.tag)
			a := e.postForm(t, e.browser(t), "/login", form, "Accept-Language", lang.accept)
			if a.status != http.StatusForbidden {
				t.Errorf("%v (%s): status %d, want 403", form, lang.tag, a.status)
			}
			doc := parseHTML(t, a.body)
			page := text(doc)
			if want := l.T("login.denied"); !strings.Contains(page, want) {
				t.Errorf("%v (%s): page lacks %q: %s", form, lang.tag, want, page)
			}
			if wrong := l.T("problem.forbidden"); strings.Contains(page, wrong) {
				t.Errorf("%v (%s): page says %q on the sign-in form", form, lang.tag, wrong)
			}
			if back := l.T("problem.backHome"); strings.Contains(page, back) {
				t.Errorf("%v (%s): sign-in page offers %q to a signed-out reader", form, lang.tag, back)
			}
			if form.Has("account") {
				if got := inputValue(t, doc, "account"); got != "demo" {
					t.Errorf("%s: account %q, want demo kept", lang.tag, got)
				}
			}
		}
	}
}
