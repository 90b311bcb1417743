package e2e

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"jobboard/internal/explorersim"
)

// Scenario 9: the session expires while browsing; the next filter change
// lands on the sign-in page, and signing in leads back to the same
// filtered list. Once by the clock (the token outlives its validity), once
// by Explorer revoking the token.
func TestSessionExpiresWhileBrowsing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	b := e.tab
	wf := e.busiestWorkflow()
	e.openJobs(b, wf)
	steps := e.filterSteps(b, wf, b.zone)
	steps[0].do()
	e.expectState(b, steps[0].what, wf.ID, steps[0].f)

	expire := []struct {
		how string
		do  func()
	}{
		{"the token's validity passes", func() { e.clock.Advance(explorersim.DefaultTokenTTL + time.Minute) }},
		{"Explorer revokes the token", func() { e.sim.RevokeTokens(account) }},
	}
	for i, x := range expire {
		// Expire the session once the page is idle, so that the filter
		// change below, not a late request of the previous state, meets it.
		b.settle("the list before " + x.how)
		x.do()
		s := steps[1+i] // the next filter change: a date
		s.do()
		b.waitFor("the sign-in page after "+x.how, func(v view) error {
			u, err := url.Parse(v.URL)
			if err != nil || u.Path != "/login" {
				return errorf("on %s, not /login", v.path())
			}
			next, err := url.Parse(u.Query().Get("next"))
			if err != nil || next.Path != "/workflows/"+wf.ID+"/jobs" {
				return errorf("next=%q, want the jobs page", u.Query().Get("next"))
			}
			for k, want := range s.f.query() {
				if got := next.Query().Get(k); got != want[0] {
					return errorf("next=%q has %s=%q, want %q", next, k, got, want[0])
				}
			}
			return nil
		})
		if v, _ := b.look(); len(v.Rows) > 0 || strings.Contains(v.Main, "Showing") {
			t.Errorf("after %s the sign-in page shows the jobs table inside it: %s", x.how, v)
		}
		b.checkA11y("the sign-in page after " + x.how)
		b.signIn(account, password)
		e.expectState(b, "back on the filtered list after signing in ("+x.how+")", wf.ID, s.f)
	}
}
