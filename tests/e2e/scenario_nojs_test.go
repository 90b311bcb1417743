package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Scenario 6: with JavaScript disabled the same filtering, sorting and
// paging work through full page loads.
func TestWithoutJavaScript(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{noJS: true})
	b := e.tab
	wf := e.busiestWorkflow()
	v := e.openJobs(b, wf)
	if v.Scripts {
		t.Fatal("app.js ran although scripts are disabled: this scenario would not test the plain-HTML path")
	}
	b.checkA11y("the jobs page without JavaScript")

	// The form is a plain GET form: fill it and press the button.
	steps := e.filterSteps(b, wf, serverZoneName) // no script fills tz: the dashboard's zone applies
	f := steps[2].f                               // status and both dates
	f.Name = strings.ToUpper(wf.Name[:len(wf.Name)/2])
	b.run("fill the filter form",
		chromedp.SendKeys(chromedp.ID("f-name"), f.Name),
		chromedp.Click(chromedp.CSS("#f-status-"+f.Status)), // a checkbox of the status set
		chromedp.SetValue(chromedp.ID("f-from"), f.From),
		chromedp.SetValue(chromedp.ID("f-to"), f.To),
	)
	b.mustEval(`window.__e2e = 1`, nil)
	b.clickText("#filters button", "Apply filters")
	v = e.expectState(b, "the filtered list after submitting the form", wf.ID, f)
	if v.Marker {
		t.Error("the filter form did not load a new page")
	}

	// Sorting, paging and the page size are plain links.
	f.Asc = true
	b.run("click Created", clickID("sort-created"))
	e.expectState(b, "oldest first", wf.ID, f)
	f.Page, f.Pinned = 3, true
	b.clickText("#results nav a", "3")
	e.expectState(b, "page 3", wf.ID, f)
	b.checkA11y("page 3 without JavaScript")
	f.Page, f.Size = 1, 50
	b.clickText("#results nav a", "50")
	e.expectState(b, "50 a page", wf.ID, f)
	f.Page = 2
	b.clickText("#results nav a", "Next ›")
	e.expectState(b, "the next page", wf.ID, f)

	// Clear filters keeps the order and page size, and goes live again.
	b.clickText("#filters a", "Clear filters")
	e.expectState(b, "filters cleared", wf.ID, filter{Asc: true, Size: 50})

	// The preset ranges are plain links.
	b.clickText("#range-presets a", "Last 30 days")
	e.expectState(b, "the last 30 days", wf.ID, filter{Asc: true, Size: 50, Range: "30d"})
	b.clickText("#range-presets a", "Any time")
	e.expectState(b, "any time again", wf.ID, filter{Asc: true, Size: 50})
}
