package e2e

import (
	"strings"
	"testing"
)

// Scenario 2: typing in the name box narrows the table without a full page
// load; the URL follows, the focus stays in the box, the text is intact.
func TestTypingNarrowsWithoutPageLoad(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	b := e.tab
	wf := e.busiestWorkflow()
	e.openJobs(b, wf)

	// A name part that narrows the list in two steps: the month of a job
	// some weeks back (a few dozen jobs), then its day (a few). Typed in
	// capitals: the match ignores case.
	all := e.truth(wf.ID, filter{Size: 1000}).rows
	target := all[len(all)/3].Name // "<workflow>_<yyyymmddHHMMSS>"
	stamp := target[len(wf.Name)+1:]
	first := strings.ToUpper(wf.Name) + "_" + stamp[:6]
	second := stamp[6:8]

	b.mustEval(`window.__e2e = 1`, nil)
	b.run("click in the name box", clickID("f-name"))
	b.typeKeys(first)
	e.expectList(b, "the list narrowed to "+first, wf.ID, filter{Name: first, TZ: b.zone})
	assertTyping(t, b, first)

	// Keep typing after the swap: nothing was lost.
	b.typeKeys(second)
	v := e.expectList(b, "the list narrowed to "+first+second, wf.ID, filter{Name: first + second, TZ: b.zone})
	assertTyping(t, b, first+second)
	if len(v.Rows) == 0 {
		t.Errorf("the typed name %q matches no job; the test meant to narrow, not empty, the list", first+second)
	}
	b.checkA11y("the jobs page filtered by name (htmx)")
}

// assertTyping checks what the reader typing into the name box must keep:
// the same document (the marker set before typing survives), the focus in
// the box, and every character typed.
func assertTyping(t *testing.T, b *tab, typed string) {
	t.Helper()
	v, err := b.look()
	if err != nil {
		t.Fatal(err)
	}
	if !v.Marker {
		t.Errorf("window.__e2e is gone after typing %q: the page was fully reloaded", typed)
	}
	if v.Active != "f-name" {
		t.Errorf("after typing %q the focus is on %q, want the name box (f-name)", typed, v.Active)
	}
	if v.Form["name"] != typed {
		t.Errorf("the name box holds %q, want %q", v.Form["name"], typed)
	}
}
