package handlers

import (
	"net/http"
	"net/url"
	"testing"

	"jobboard/internal/i18n"
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

func TestSignOutIsConfirmed(t *testing.T) {
	e := newEnv(t, 0)
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		c := e.signedIn(t, "demo")
		out := e.postForm(t, c, "/logout", url.Values{}, "Accept-Language", lang.accept)
		if out.status != http.StatusSeeOther || out.header.Get("Location") != "/login?reason=signedout" {
			t.Fatalf("%s: sign-out answered %d to %q", lang.tag, out.status, out.header.Get("Location"))
		}
		page := e.get(t, c, out.header.Get("Location"), "Accept-Language", lang.accept)
		if got, want := loginNotice(t, page.body), l.T("login.signedOut"); got != want {
			t.Errorf("%s: notice %q, want %q", lang.tag, got, want)
		}
		// An unknown reason says nothing.
		if got := loginNotice(t, e.get(t, c, "/login?reason=hacked", "Accept-Language", lang.accept).body); got != "" {
			t.Errorf("%s: unknown reason shows %q", lang.tag, got)
		}
	}
}

func TestGetLogoutOffersTheButton(t *testing.T) {
	e := newEnv(t, 0)
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		c := e.signedIn(t, "demo")
		a := e.get(t, c, "/logout", "Accept-Language", lang.accept)
		doc := parseHTML(t, a.body)
		form := byID(doc, "logout-form")
		if a.status != http.StatusOK || form == nil {
			t.Fatalf("%s: GET /logout %d, form %v", lang.tag, a.status, form != nil)
		}
		if m, _ := attr(form, "method"); m != "post" {
			t.Errorf("%s: form method %q", lang.tag, m)
		}
		if got := text(byID(doc, "logout-submit")); got != l.T("nav.signOut") {
			t.Errorf("%s: button %q", lang.tag, got)
		}
		// GET signs nobody out.
		if a := e.get(t, c, "/"); a.status != http.StatusOK {
			t.Errorf("%s: GET /logout signed the reader out (%d)", lang.tag, a.status)
		}
		a = e.get(t, e.browser(t), "/logout", "Accept-Language", lang.accept)
		if got := text(byID(parseHTML(t, a.body), "logout-notice")); a.status != http.StatusOK || got != l.T("logout.notSignedIn") {
			t.Errorf("%s: signed out GET /logout %d %q", lang.tag, a.status, got)
		}
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
