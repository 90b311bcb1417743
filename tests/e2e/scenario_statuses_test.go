package e2e

import (
	"fmt"
	"testing"
)

// Several statuses at once: tick Failed and Cancelled, page to 3 of the
// merged list (newest first across both), then Back and Forward restore
// each state, rows and ticked boxes included.
func TestStatusSetPagesAndHistory(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	b := e.tab
	wf := e.busiestWorkflow()
	e.openJobs(b, wf)
	tz := b.zone
	failed := filter{Status: "failed", TZ: tz}
	both := filter{Status: "failed,cancelled", TZ: tz}
	page2, page3 := both, both
	page2.Page, page3.Page = 2, 3
	page2.Pinned, page3.Pinned = true, true // past page 1 the links carry asof, so pages never shift
	if n := e.truth(wf.ID, both).total; n < 41 {
		t.Fatalf("seed data: %d failed or cancelled jobs in %s; page 3 needs more than 40", n, wf.Name)
	}
	b.mustEval(`window.__e2e = 1`, nil)
	steps := []step{
		{"tick Failed", func() { b.choose("f-status", "failed") }, failed},
		{"tick Cancelled too", func() { b.choose("f-status", "failed,cancelled") }, both},
		{"move to page 2", func() { b.clickText("#results nav a", "2") }, page2},
		{"move to page 3", func() { b.clickText("#results nav a", "3") }, page3},
	}
	states := []filter{{}}
	for _, s := range steps {
		s.do()
		v := e.expectState(b, s.what, wf.ID, s.f)
		if !v.Marker {
			t.Errorf("%s: the page was fully reloaded; htmx should have swapped the results only", s.what)
		}
		states = append(states, s.f)
	}
	b.checkA11y("page 3 of failed or cancelled jobs")
	for i := len(states) - 2; i >= 0; i-- {
		b.historyStep(-1)
		e.expectState(b, fmt.Sprintf("Back to state %d (%s)", i, describeFilter(states[i])), wf.ID, states[i])
	}
	for i := 1; i < len(states); i++ {
		b.historyStep(+1)
		e.expectState(b, fmt.Sprintf("Forward to state %d (%s)", i, describeFilter(states[i])), wf.ID, states[i])
	}
}
