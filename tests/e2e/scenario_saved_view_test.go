package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// waitTrue waits until the JavaScript expression js is true on the page.
func (b *tab) waitTrue(what, js string) {
	b.t.Helper()
	b.waitFor(what, func(view) error {
		var ok bool
		if err := b.eval(js, &ok); err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("not yet: %s", clip(js, 100))
		}
		return nil
	})
}

// Scenario: save a view from a filtered list; its short link, opened in a
// fresh context, asks to sign in and lands on the list; the board shows
// its counts; its owner deletes it and the short link is gone.
func TestSavedViewShortLinkBoardAndDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{views: true})
	a := e.tab
	wf := e.busiestWorkflow()
	e.openJobs(a, wf)
	list := "/workflows/" + wf.ID + "/jobs?status=failed"
	a.open(list)
	a.waitPath("the failed jobs", list)
	a.settle("the failed jobs")

	a.run("choose Save view", clickID("save-view"))
	a.waitFor("the save form", func(v view) error {
		if v.H1 != "Save view" {
			return fmt.Errorf("heading %q", v.H1)
		}
		return nil
	})
	var path string
	a.mustEval(`document.getElementById("v-path").value`, &path)
	if path != list {
		t.Errorf("the form saves %q, want the list %q", path, list)
	}
	a.checkA11y("the save form")
	a.choose("v-name", "Nightly failures")
	a.run("share it and save", chromedp.Click(chromedp.CSS(`input[name=visibility][value=shared]`)), clickID("view-submit"))
	a.waitTrue("the saved notice", `(document.getElementById("view-form-status")?.textContent || "").includes("/v/nightly-failures")`)
	var link string
	a.mustEval(`document.getElementById("view-saved-link").getAttribute("href")`, &link)
	if link != "/v/nightly-failures" {
		t.Fatalf("the saved view's link is %q", link)
	}
	a.checkA11y("the saved notice")

	// A colleague's fresh browser: sign in, then the list of the view.
	b := e.newTab("America/New_York", false)
	b.open(link)
	b.signIn(account, password)
	b.waitPath("the view's list after signing in", list)

	// The board loads the view's counts, each a link into the view.
	a.open("/views")
	a.waitTrue("the view's counts", `!!document.querySelector(".view-counts a.outcome[data-status=failed]")`)
	var counts string
	a.mustEval(`document.querySelector(".view-counts").innerText`, &counts)
	if !strings.Contains(counts, "failed") {
		t.Errorf("the board's counts read %q", counts)
	}
	a.checkA11y("the board of saved views")

	a.run("choose Delete", chromedp.Click(chromedp.CSS(".view-delete")))
	a.waitTrue("the delete confirmation", `!!document.getElementById("view-delete-confirm")`)
	a.checkA11y("the delete confirmation")
	a.run("confirm", clickID("view-delete-confirm"))
	a.waitTrue("the deleted notice", `(document.getElementById("view-delete-status")?.textContent || "").includes("Deleted the view")`)
	a.open(link)
	a.waitTrue("the short link is gone", `document.querySelector("main").innerText.includes("There is no saved view at this address")`)
}
