package e2e

import (
	"fmt"
	"testing"

	"jobboard/internal/explorersim"
)

// step is one state the reader puts the list in, with how they get there.
type step struct {
	what string
	do   func()
	f    filter
}

// filterSteps are scenario 3's steps from the unfiltered list: choose a
// status, set a date range, toggle the order, move to page 3, change the
// page size. The dates are read from the data so that the range holds
// several pages.
func (e *env) filterSteps(b *tab, wf explorersim.WorkflowRecord, zone string) []step {
	e.t.Helper()
	succeeded := e.truth(wf.ID, filter{Status: "succeeded", Size: 1000}).rows // newest first
	if len(succeeded) < 150 {
		e.t.Fatalf("seed data: %d succeeded jobs in %s; the scenario needs 150", len(succeeded), wf.Name)
	}
	to := dayIn(succeeded[10].Created, zone)
	from := dayIn(succeeded[110].Created, zone)

	tz := ""
	if !b.noJS {
		tz = zone // app.js fills the form's zone from the browser
	}
	s1 := filter{Status: "succeeded", TZ: tz}
	s2 := s1
	s2.From = from
	s3 := s2
	s3.To = to
	s4 := s3
	s4.Asc = true
	s5 := s4
	s5.Page = 3
	s5.Pinned = true // past page 1 the links carry asof, so pages never shift
	s6 := s5
	s6.Page, s6.Size = 1, 50 // a new page size starts again at page 1, still pinned
	if n := e.truth(wf.ID, s3).total; n < 61 {
		e.t.Fatalf("seed data: the range %s–%s holds %d succeeded jobs; page 3 needs more than 60", from, to, n)
	}
	return []step{
		{"choose status Succeeded", func() { b.choose("f-status", "succeeded") }, s1},
		{"set Created from " + from, func() { b.choose("f-from", from) }, s2},
		{"set Created to " + to, func() { b.choose("f-to", to) }, s3},
		{"toggle the order to oldest first", func() { b.run("click Created", clickID("sort-created")) }, s4},
		{"move to page 3", func() { b.clickText("#results nav a", "3") }, s5},
		{"change the page size to 50", func() { b.clickText("#results nav a", "50") }, s6},
	}
}

// formOf is what the filter form must show for f.
func formOf(f filter) map[string]string {
	return map[string]string{"name": f.Name, "status": f.Status, "from": f.From, "to": f.To}
}

// checkForm compares the filter form with f.
func checkForm(v view, f filter) error {
	for k, want := range formOf(f) {
		if got := v.Form[k]; got != want {
			return fmt.Errorf("the %s field shows %q, want %q", k, got, want)
		}
	}
	return nil
}

// expectState waits for the rows, summary, URL and form of f.
func (e *env) expectState(b *tab, what, workflowID string, f filter) view {
	b.t.Helper()
	x := e.truthFor(workflowID, f, e.readerZone(b))
	return b.waitFor(what, func(v view) error {
		if err := x.check(v, workflowID, f); err != nil {
			return err
		}
		return checkForm(v, f)
	})
}

// Scenario 3: status, date range, order, page and page size each update
// the rows, the summary and the URL, without a full page load.
func TestFilterSortAndPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	b := e.tab
	wf := e.busiestWorkflow()
	e.openJobs(b, wf)
	b.mustEval(`window.__e2e = 1`, nil)
	for i, s := range e.filterSteps(b, wf, b.zone) {
		s.do()
		v := e.expectState(b, s.what, wf.ID, s.f)
		if !v.Marker {
			t.Errorf("%s: the page was fully reloaded; htmx should have swapped the results only", s.what)
		}
		if i == 0 || i == 4 {
			b.checkA11y("the jobs page after: " + s.what)
		}
	}
}

// Scenario 4: Back and Forward step through the states of scenario 3,
// restoring rows and form values, and a reload keeps the state.
func TestBackForwardAndReload(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	b := e.tab
	wf := e.busiestWorkflow()
	e.openJobs(b, wf)
	steps := e.filterSteps(b, wf, b.zone)
	states := []filter{{}} // the page as first loaded
	for _, s := range steps {
		s.do()
		e.expectState(b, s.what, wf.ID, s.f)
		states = append(states, s.f)
	}
	last := len(states) - 1
	for i := last - 1; i >= 0; i-- {
		b.historyStep(-1)
		e.expectState(b, fmt.Sprintf("Back to state %d (%s)", i, describeFilter(states[i])), wf.ID, states[i])
	}
	for i := 1; i <= 2; i++ {
		b.historyStep(+1)
		e.expectState(b, fmt.Sprintf("Forward to state %d (%s)", i, describeFilter(states[i])), wf.ID, states[i])
	}
	b.checkA11y("the jobs page restored by Forward")
	b.reload()
	e.expectState(b, "the same state after a reload", wf.ID, states[2])
}

// describeFilter names a state in failure messages.
func describeFilter(f filter) string {
	if q := f.query().Encode(); q != "" {
		return q
	}
	return "unfiltered"
}
