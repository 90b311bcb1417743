package handlers

import (
	"net/http"
	"net/url"
	"testing"

	"jobboard/internal/i18n"
)

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
