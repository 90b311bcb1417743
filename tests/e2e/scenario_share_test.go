package e2e

import (
	"net/url"
	"slices"
	"testing"
)

// Scenario 5: a URL pasted into a new incognito-like context (no cookies,
// another time zone) asks to sign in, then shows exactly the same rows.
func TestSharedURLShowsSameRows(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	a := e.tab
	wf := e.busiestWorkflow()
	e.openJobs(a, wf)
	steps := e.filterSteps(a, wf, a.zone)
	var shared view
	for _, s := range steps[:5] { // up to page 3 of a filtered, sorted list
		s.do()
		shared = e.expectState(a, s.what, wf.ID, s.f)
	}
	link := shared.path()

	// The colleague's browser: a fresh context in another zone.
	b := e.newTab("America/New_York", false)
	b.open(link)
	v := b.waitFor("the sign-in page for the shared link", func(v view) error {
		u, err := url.Parse(v.URL)
		if err != nil || u.Path != "/login" {
			return errorf("on %s, not /login", v.path())
		}
		if next := u.Query().Get("next"); next != link {
			return errorf("next=%q, want the shared link %q", next, link)
		}
		return nil
	})
	if v.H1 != "Sign in" {
		t.Errorf("the shared link shows %q, want the sign-in page", v.H1)
	}
	b.checkA11y("the sign-in page reached from a shared link")
	b.signIn(account, password)
	b.waitPath("back on the shared link after signing in", link)
	got := e.expectState(b, "the shared list", wf.ID, steps[4].f)
	// The same jobs; their times read in each reader's own zone.
	if !slices.Equal(names(got), names(shared)) || got.Summary != shared.Summary {
		t.Errorf("the shared link shows other rows than the sender's:\nsender: %s\nreader: %s", shared, got)
	}
	// The page names both zones: the reader's, and the link's, in which
	// its dates are read.
	var note string
	b.mustEval(`document.getElementById("zone-note").textContent`, &note)
	if want := "Times are shown in America/New_York; this link reads its dates in " + a.zone + "."; note != want {
		t.Errorf("the shared list says %q, want %q", note, want)
	}
}
