package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"jobboard/internal/explorersim"
)

// names are the job names of a view's rows (what any reader sees in the
// same way, whatever their zone).
func names(v view) []string {
	out := make([]string, 0, len(v.Rows))
	for _, r := range v.Rows {
		if len(r) > 0 {
			out = append(out, r[0])
		}
	}
	return out
}

// allowClipboard lets the tab's pages write and read the clipboard, as a
// reader who accepted the browser's prompt.
func (b *tab) allowClipboard() {
	b.t.Helper()
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.CallBrowser(b.ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission:       &browser.PermissionDescriptor{Name: name, AllowWithoutSanitization: true},
			Setting:          browser.PermissionSettingGranted,
			Origin:           b.base,
			BrowserContextID: chromedp.FromContext(b.ctx).BrowserContextID,
		}); err != nil {
			b.t.Fatalf("grant %s: %v", name, err)
		}
	}
}

// presetShown is the text of the preset range the form marks as current.
func (b *tab) presetShown() string {
	var s string
	b.mustEval(`(document.querySelector("#range-presets a[aria-current]") || {innerText: ""}).innerText.trim()`, &s)
	return s
}

// Scenario: choose "Last 24 hours", go to page 2, copy the exact link;
// a day and fifty new jobs later a colleague opens it in a fresh signed-in
// browser on exactly the same rows, told as of when. Back and Forward step
// through preset changes.
func TestExactLinkOfLast24Hours(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	a := e.tab
	wf := e.busiestWorkflow()
	// Enough jobs in the last day for two pages.
	for i := range 30 {
		at := e.clock.Now().Add(-time.Duration(i+1) * 40 * time.Minute)
		e.sim.AddJob(account, wf.ID, explorersim.JobRecord{Status: explorersim.StatusSuccess, Created: at, Begin: at, End: at.Add(time.Minute)})
	}
	e.openJobs(a, wf)

	a.clickText("#range-presets a", "Last 24 hours")
	// With scripts the preset is applied through the form, which carries
	// the browser's zone.
	day := filter{Range: "24h", TZ: a.zone}
	e.expectState(a, "the last 24 hours", wf.ID, day)
	if got := a.presetShown(); got != "Last 24 hours" {
		t.Errorf("the form marks %q as the preset", got)
	}
	a.clickText("#results nav a", "2")
	page2 := filter{Range: "24h", TZ: a.zone, Page: 2, Pinned: true}
	sender := e.expectState(a, "page 2 of the last 24 hours", wf.ID, page2)

	// Copy the exact link with its button; the live region says so.
	a.allowClipboard()
	a.run("open Share", chromedp.Click(chromedp.CSS("#share > summary")))
	a.run("copy the exact link", chromedp.Click(chromedp.CSS(`button[data-copy="share-exact"]`)))
	a.waitFor("Copied", func(view) error {
		var s string
		if err := a.eval(`document.getElementById("share-status").innerText.trim()`, &s); err != nil {
			return err
		}
		if s != "Copied" {
			return fmt.Errorf("share status %q", s)
		}
		return nil
	})
	var copied, shown string
	a.mustEval(`navigator.clipboard.readText()`, &copied, chromedp.EvalAwaitPromise)
	a.mustEval(`document.getElementById("share-exact").innerText.trim()`, &shown)
	if copied != shown || !strings.HasPrefix(copied, a.base+"/workflows/"+wf.ID+"/jobs?") {
		t.Fatalf("copied %q; the link shows %q", copied, shown)
	}
	a.checkA11y("the Share control, open, after copying")
	link := strings.TrimPrefix(copied, a.base)
	for _, want := range []string{"asof=", "from=", "to=", "tz=", "page=2"} {
		if !strings.Contains(link, want) {
			t.Errorf("exact link %s lacks %s", link, want)
		}
	}

	// Presets keep the other filters, also those chosen since the page
	// loaded; Back and Forward step through the changes.
	a.choose("f-status", "succeeded")
	dayOK := filter{Range: "24h", Status: "succeeded", TZ: a.zone}
	e.expectState(a, "succeeded in the last 24 hours", wf.ID, dayOK)
	hourOK := filter{Range: "1h", Status: "succeeded", TZ: a.zone}
	a.clickText("#range-presets a", "Last hour")
	e.expectState(a, "succeeded in the last hour", wf.ID, hourOK)
	a.clickText("#range-presets a", "Last 7 days")
	e.expectState(a, "succeeded in the last 7 days", wf.ID, filter{Range: "7d", Status: "succeeded", TZ: a.zone})
	a.historyStep(-1)
	e.expectState(a, "back to the last hour", wf.ID, hourOK)
	if got := a.presetShown(); got != "Last hour" {
		t.Errorf("after Back the form marks %q", got)
	}
	a.historyStep(-1)
	e.expectState(a, "back to the last 24 hours", wf.ID, dayOK)
	a.historyStep(+1)
	e.expectState(a, "forward to the last hour", wf.ID, hourOK)
	if got := a.presetShown(); got != "Last hour" {
		t.Errorf("after Forward the form marks %q", got)
	}

	// A day and fifty jobs later, a colleague opens the link.
	e.clock.Advance(24 * time.Hour)
	for i := range 50 {
		at := e.clock.Now().Add(-time.Duration(i+1) * time.Minute)
		e.sim.AddJob(account, wf.ID, explorersim.JobRecord{Status: explorersim.StatusFailed, Created: at, Begin: at, End: at})
	}
	b := e.newTab("America/New_York", false)
	b.open(link)
	b.signIn(account, password)
	b.waitPath("back on the exact link after signing in", link)
	reader := b.waitFor("the exact rows", func(v view) error {
		if !slices.Equal(names(v), names(sender)) || v.Summary != sender.Summary {
			return fmt.Errorf("rows %v (%q), the sender saw %v (%q)", names(v), v.Summary, names(sender), sender.Summary)
		}
		return nil
	})
	var notice string
	b.mustEval(`(document.getElementById("asof-notice") || {innerText: ""}).innerText.trim()`, &notice)
	if !strings.HasPrefix(notice, "As of ") || !strings.Contains(notice, "Statuses are as they are now.") {
		t.Errorf("the exact link's page says %q, want the as-of notice", notice)
	}
	if len(reader.Rows) == 0 {
		t.Error("no rows")
	}
	b.checkA11y("an exact link with its as-of notice")
}
