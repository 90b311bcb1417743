package handlers

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/securecookie"
	"golang.org/x/net/html"

	"jobboard/apiclient"
	"jobboard/internal/explorersim"
	"jobboard/internal/session"
	"jobboard/internal/testenv"
)

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
	e := newEnv(t, 0)
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
	// Explorer hangs: a dashboard of the same sessions and log whose calls
	// give up soon answers with its timeout page. Only that dashboard has
	// the short deadline, so a loaded machine's slow sign-in above never
	// meets it.
	hung := e.withOptions(t, func(o *Options) {
		o.Explorer = testenv.Client(t, e.simHS.URL, apiclient.WithoutBreaker(), apiclient.WithTimeout(200*time.Millisecond))
	})
	e.sim.SetFault(explorersim.Fault{Kind: explorersim.FaultHang})
	a := hung.get(t, c, paths[1])
	if a.status != http.StatusGatewayTimeout {
		t.Errorf("Explorer hanging: status %d, want 504", a.status)
	}
	answers = append(answers, a)
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
