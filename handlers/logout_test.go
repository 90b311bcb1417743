package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jobboard/internal/i18n"
	"jobboard/internal/session"
	"jobboard/internal/testenv"
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

// signedOutCookie signs account in on a fresh browser, signs it out, and
// returns the cookie the browser held before: a copy an attacker kept.
func (e *testEnv) signedOutCookie(t *testing.T, account string) *http.Cookie {
	t.Helper()
	c := e.signedIn(t, account)
	ck := e.sessionCookie(t, c)
	if out := e.postForm(t, c, "/logout", url.Values{}); out.status != http.StatusSeeOther {
		t.Fatalf("sign-out of %s answered %d", account, out.status)
	}
	return ck
}

// refused checks that a request carrying only ck is sent to sign-in.
func (e *testEnv) refused(t *testing.T, what string, ck *http.Cookie) {
	t.Helper()
	a := e.getWithCookie(t, "/jobs", ck)
	if a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/login") {
		t.Errorf("%s: GET /jobs answered %d (Location %q), want 303 to sign-in", what, a.status, a.header.Get("Location"))
	}
}

// TestSignOutHoldsAfterManyChainedSignIns is the eviction attack in
// miniature: a victim signs out, then another account signs in again and
// again while holding its cookie (each sign-in ending the previous
// session) with a cap of 3 sessions per account. The victim's copied
// cookie stays refused, the victim's other browser stays signed in, and
// the attacker's sessions never exceed the cap.
func TestSignOutHoldsAfterManyChainedSignIns(t *testing.T) {
	e := newEnv(t, 0, func(_ *testEnv, o *Options) { o.MaxSessionsPerAccount = 3 })
	victim := e.signedOutCookie(t, "demo")
	other := e.signedIn(t, "demo")
	attacker := e.signedIn(t, "analyst")
	for i := range 25 { // 50 sign-ins, within the successes allowed per account
		e.clock.Advance(time.Second)
		b := e.on(attacker)
		b.SignIn(t, "analyst", "analyst")
		if i%5 == 0 {
			e.refused(t, fmt.Sprintf("after %d chained sign-ins", i+1), victim)
		}
		// Fresh browsers too: sessions that are not ended by the next sign-in.
		e.signedIn(t, "analyst")
	}
	e.refused(t, "after 25 chained sign-ins", victim)
	if a := e.get(t, other, "/jobs"); a.status != http.StatusOK {
		t.Errorf("the victim's other browser: GET /jobs %d, want 200", a.status)
	}
	live, err := e.store.AccountSessions(t.Context(), "analyst")
	if err != nil {
		t.Fatal(err)
	}
	if len(live) > 3 {
		t.Errorf("analyst has %d live sessions, want at most the cap of 3", len(live))
	}
}

// TestSignOutSurvivesARestart signs out, stops the dashboard, starts a
// new one on the same SQLite file (the default store) and replays the
// signed-out cookie: refused, while a session that was not signed out
// carries on.
func TestSignOutSurvivesARestart(t *testing.T) {
	e := newEnv(t, 0)
	path := filepath.Join(t.TempDir(), "jobboard.db")
	first := testenv.OpenStoreAt(t, path, e.clock.Now)
	before := e.withOptions(t, func(o *Options) { o.Store = first })
	out := before.signedOutCookie(t, "demo")
	kept := before.sessionCookie(t, before.signedIn(t, "demo"))
	before.app.Close()
	first.Close()

	after := e.withOptions(t, func(o *Options) { o.Store = testenv.OpenStoreAt(t, path, e.clock.Now) })
	after.refused(t, "signed-out cookie after a restart", out)
	if a := after.getWithCookie(t, "/jobs", kept); a.status != http.StatusOK {
		t.Errorf("live session after a restart: GET /jobs %d, want 200", a.status)
	}
}

// TestSignOutWithTheStoreDownSaysSo checks that a sign-out the store
// cannot record is answered 503 "We couldn't sign you out; try again" (in
// both languages), logged, and never confirmed; pages answer 503 too.
// Once the store is back the sign-out goes through and the cookie is
// refused from then on.
func TestSignOutWithTheStoreDownSaysSo(t *testing.T) {
	e := newEnv(t, 0)
	flaky := testenv.NewFlakyStore(e.store)
	e = e.withOptions(t, func(o *Options) { o.liveSessions = flaky })
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		c := e.signedIn(t, "demo")
		ck := e.sessionCookie(t, c)
		flaky.SetDown(true)
		if a := e.get(t, c, "/jobs"); a.status != http.StatusServiceUnavailable {
			t.Errorf("%s: GET /jobs with the store down: %d, want 503", lang.tag, a.status)
		}
		out := e.postForm(t, c, "/logout", url.Values{}, "Accept-Language", lang.accept)
		if out.status != http.StatusServiceUnavailable {
			t.Fatalf("%s: sign-out with the store down answered %d (Location %q), want 503", lang.tag, out.status, out.header.Get("Location"))
		}
		msg := byClass(parseHTML(t, out.body), "problem-message")
		if len(msg) != 1 || text(msg[0]) != l.T("logout.failed") {
			t.Errorf("%s: sign-out problem %v, want %q", lang.tag, msg, l.T("logout.failed"))
		}
		if cleared := cookieNamed(out.header, session.PlainCookieName); cleared != nil {
			t.Errorf("%s: the failed sign-out cleared the cookie (%v), as if it had worked", lang.tag, cleared)
		}
		if !strings.Contains(e.logs.String(), "sign-out not recorded") {
			t.Errorf("%s: the failed sign-out is not logged", lang.tag)
		}
		flaky.SetDown(false)
		if out := e.postForm(t, c, "/logout", url.Values{}); out.status != http.StatusSeeOther {
			t.Fatalf("%s: sign-out once the store is back answered %d", lang.tag, out.status)
		}
		e.refused(t, lang.tag+": cookie after the sign-out went through", ck)
	}
}
