package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/securecookie"
	"golang.org/x/net/html"

	"jobboard/internal/explorersim"
	"jobboard/internal/session"
	"jobboard/internal/testenv"
)

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

func TestSignedOutGoesToLoginAndBack(t *testing.T) {
	e := newEnv(t, 0)
	c := e.browser(t)
	wf := e.workflow(t, "demo")
	page := "/workflows/" + wf.ID + "/jobs?page=2&status=failed"
	a := e.get(t, c, page)
	wantLogin := "/login?next=" + url.QueryEscape(page)
	if a.status != http.StatusSeeOther || a.header.Get("Location") != wantLogin {
		t.Fatalf("status %d Location %q, want 303 %q", a.status, a.header.Get("Location"), wantLogin)
	}
	// An htmx request navigates the whole page instead of swapping a form in.
	h := e.get(t, c, page, "HX-Request", "true", "HX-Request-Type", "partial")
	if h.header.Get("HX-Redirect") != wantLogin || h.body != "" {
		t.Errorf("htmx: HX-Redirect %q body %q", h.header.Get("HX-Redirect"), h.body)
	}
	doc := parseHTML(t, e.get(t, c, wantLogin).body)
	if got := inputValue(t, doc, "login-password-next"); got != page {
		t.Fatalf("login form next = %q, want %q", got, page)
	}
	s := e.postForm(t, c, "/login", url.Values{"account": {"demo"}, "password": {"demo"}, "next": {page}})
	if s.status != http.StatusSeeOther || s.header.Get("Location") != page {
		t.Fatalf("after sign-in: %d %q, want 303 %q", s.status, s.header.Get("Location"), page)
	}
	if got := e.get(t, c, page); got.status != http.StatusOK {
		t.Fatalf("signed in page: %d", got.status)
	}
}

func TestExpiredOrRevokedTokenMidSession(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	page := "/workflows/" + wf.ID + "/jobs?status=succeeded"
	if a := e.get(t, c, page); a.status != http.StatusOK {
		t.Fatalf("status %d", a.status)
	}
	e.sim.RevokeTokens("demo") // Explorer now answers ErrUnauthorized
	a := e.get(t, c, page, "HX-Request", "true")
	want := "/login?next=" + url.QueryEscape(page) + "&reason=ended"
	if a.header.Get("HX-Redirect") != want {
		t.Fatalf("HX-Redirect %q, want %q", a.header.Get("HX-Redirect"), want)
	}
	if a := e.get(t, c, page); a.status != http.StatusSeeOther {
		t.Fatalf("the session should be cleared; status %d", a.status)
	}
	s := e.postForm(t, c, "/login", url.Values{"account": {"demo"}, "password": {"demo"}, "next": {page}})
	if s.header.Get("Location") != page {
		t.Fatalf("back to %q, want %q", s.header.Get("Location"), page)
	}
	// The token's validity runs out on the clock.
	e.clock.Advance(73 * 60 * 60 * 1e9)
	if a := e.get(t, c, page); a.status != http.StatusSeeOther || a.header.Get("Location") != want {
		t.Fatalf("after expiry: %d %q", a.status, a.header.Get("Location"))
	}
}

func TestTamperedOrForeignCookieIsSignedOut(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	u, _ := url.Parse(e.app.URL)
	var value string
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == session.PlainCookieName {
			value = ck.Value
		}
	}
	if value == "" {
		t.Fatal("no session cookie")
	}
	foreign := randomKeys(t)
	forged, err := securecookie.EncodeMulti(session.PlainCookieName, map[any]any{"token": "x", "expires": int64(1 << 40)},
		securecookie.New(foreign[0], foreign[1]))
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]string{
		"tampered": value[:len(value)-4] + "AAAA",
		"foreign":  forged,
		"garbage":  "not-a-cookie",
	} {
		req, _ := http.NewRequest(http.MethodGet, e.app.URL+"/", nil)
		req.AddCookie(&http.Cookie{Name: session.PlainCookieName, Value: v})
		a := e.do(t, e.browser(t), req)
		if a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/login") {
			t.Errorf("%s cookie: status %d Location %q, want sign-in", name, a.status, a.header.Get("Location"))
		}
	}
}

func TestTokenNeverLeaks(t *testing.T) {
	e := newEnv(t, 200*1e6)
	tok := testenv.ExplorerToken(t, e.simHS.URL, "demo")
	c := e.browser(t)
	if a := e.postForm(t, c, "/login", url.Values{"token": {tok}}); a.status != http.StatusSeeOther {
		t.Fatalf("sign in with token: %d", a.status)
	}
	wf := e.workflow(t, "demo")
	var answers []answer
	paths := []string{"/", "/workflows/" + wf.ID + "/jobs", "/workflows/" + wf.ID + "/jobs?status=banana", "/workflows/go?id=x", "/login", "/nope", "/workflows/1/jobs"}
	for _, p := range paths {
		answers = append(answers, e.get(t, c, p), e.get(t, c, p, "HX-Request", "true"))
	}
	e.sim.SetFault(explorersim.Fault{Kind: explorersim.FaultHang})
	answers = append(answers, e.get(t, c, paths[1]))
	e.sim.SetFault(explorersim.Fault{})
	e.sim.RevokeTokens("demo")
	answers = append(answers, e.get(t, c, paths[1]))
	for i, a := range answers {
		if strings.Contains(a.body, tok) {
			t.Errorf("answer %d: token in body", i)
		}
		for name, vs := range a.header {
			if name == "Set-Cookie" {
				continue
			}
			for _, v := range vs {
				if strings.Contains(v, tok) {
					t.Errorf("answer %d: token in header %s", i, name)
				}
			}
		}
	}
	if strings.Contains(e.logs.String(), tok) {
		t.Error("token in the logs")
	}
}

func TestTwoAccountsNeverSeeEachOthersJobs(t *testing.T) {
	e := newEnv(t, 0)
	accounts := []string{"demo", "analyst"}
	owned := map[string]map[string]bool{}
	for _, acc := range accounts {
		owned[acc] = map[string]bool{}
		for _, j := range e.sim.Jobs(acc) {
			owned[acc][strconv.FormatInt(j.ID, 10)] = true
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for _, acc := range accounts {
		c := e.signedIn(t, acc)
		wfs := e.sim.Workflows(acc)
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := 0; k < 5; k++ {
					wf := wfs[(i+k)%len(wfs)]
					resp, err := c.Get(e.app.URL + "/workflows/" + wf.ID + "/jobs?page=" + strconv.Itoa(k+2) + "&size=50")
					if err != nil {
						errs <- err.Error()
						return
					}
					doc, err := html.Parse(resp.Body)
					resp.Body.Close()
					if err != nil {
						errs <- err.Error()
						return
					}
					ids := rowIDs(t, doc)
					if len(ids) == 0 {
						errs <- acc + ": no rows"
					}
					for _, id := range ids {
						if !owned[acc][id] {
							errs <- acc + " saw job " + id
						}
					}
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	var all []string
	for e := range errs {
		all = append(all, e)
	}
	slices.Sort(all)
	if len(all) > 0 {
		t.Errorf("%d problems, e.g. %v", len(all), all[:min(5, len(all))])
	}
}
