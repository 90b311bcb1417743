package handlers

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/securecookie"
	"golang.org/x/net/html"

	"jobboard/apiclient"
	"jobboard/internal/explorersim"
	"jobboard/internal/session"
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
	tok := e.tokenFor(t, "analyst")
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

// tokenFor connects to the simulator directly and returns a raw token.
func (e *testEnv) tokenFor(t *testing.T, account string) string {
	t.Helper()
	client, err := apiclient.New(e.simHS.URL)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := client.Connect(context.Background(), account, account, "graphd.internal", DefaultNebulaPort)
	if err != nil {
		t.Fatal(err)
	}
	return creds.Token.Reveal()
}

func TestTokenNeverLeaks(t *testing.T) {
	e := newEnv(t, 200*1e6)
	tok := e.tokenFor(t, "demo")
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
