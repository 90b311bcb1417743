package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jobboard/internal/explorersim"
)

// busiestWorkflow is the account's workflow with the most jobs, so that
// every filter combination of the scenarios still has several pages.
func (e *env) busiestWorkflow() explorersim.WorkflowRecord {
	e.t.Helper()
	count := map[string]int{}
	for _, j := range e.sim.Jobs(account) {
		count[j.WorkflowID]++
	}
	var best explorersim.WorkflowRecord
	for _, w := range e.sim.Workflows(account) {
		if count[w.ID] > count[best.ID] {
			best = w
		}
	}
	if count[best.ID] < 200 {
		e.t.Fatalf("seed data: the busiest workflow has %d jobs; the scenarios need at least 200", count[best.ID])
	}
	return best
}

// openJobs signs in through the sign-in page that the jobs page of wf sends
// a signed-out reader to, and waits for the unfiltered list.
func (e *env) openJobs(b *tab, wf explorersim.WorkflowRecord) view {
	b.t.Helper()
	path := "/workflows/" + wf.ID + "/jobs"
	b.open(path)
	b.signIn(account, password)
	return e.expectList(b, "the unfiltered jobs list", wf.ID, filter{})
}

// Scenario 1: sign in with a demo account; open a workflow from the home page.
func TestSignInAndOpenWorkflowFromHome(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	b := e.tab

	b.open("/")
	v := b.waitPath("a signed-out reader is sent to sign in", "/login?next=%2F")
	if !strings.HasPrefix(v.Title, "Sign in") {
		t.Errorf("sign-in page title %q, want it to start with %q", v.Title, "Sign in")
	}
	b.checkA11y("the sign-in page")

	// A wrong password keeps the account name and says what went wrong.
	b.run("submit a wrong password", signInSteps("demo", "wrong")...)
	b.waitFor("the wrong-password message", func(v view) error {
		if !strings.Contains(v.Alert, "Wrong account or password") {
			return fmt.Errorf("no wrong-password alert")
		}
		return nil
	})
	var kept struct{ Account, Password string }
	b.mustEval(`({Account: document.getElementById("account").value, Password: document.getElementById("password").value})`, &kept)
	if kept.Account != "demo" || kept.Password != "" {
		t.Errorf("after a wrong password the form holds account %q and password %q; want the account kept and the password empty", kept.Account, kept.Password)
	}
	b.checkA11y("the sign-in page with an error")

	b.signIn(account, password)
	v = b.waitPath("signed in, back on the home page", "/")
	if v.H1 != "Workflows" {
		t.Errorf("home heading %q, want %q", v.H1, "Workflows")
	}
	var header string
	b.mustEval(`document.querySelector("header") ? document.querySelector("header").innerText : ""`, &header)
	if !strings.Contains(header, "Signed in as demo") {
		t.Errorf("the page does not say who is signed in; header: %q", header)
	}
	b.checkA11y("the home page")

	// The newest job's workflow is listed with how its last run went.
	newest := e.sim.Jobs(account)[0]
	var item string
	b.mustEval(fmt.Sprintf(`(() => {
		const a = Array.from(document.querySelectorAll("main a")).find((a) => a.innerText.trim() === %s);
		return a ? a.closest("li").innerText.replace(/\s+/g, " ").trim() : "";
	})()`, jsString(newest.WorkflowName)), &item)
	if item == "" {
		t.Fatalf("the home page has no link named %q (the workflow of the newest job)\npage: %s", newest.WorkflowName, b.describe())
	}
	if label := statusLabels[newest.Status]; !strings.Contains(item, label) || !strings.Contains(item, "Last run") {
		t.Errorf("home entry of %s reads %q; want its last run's status %q in words", newest.WorkflowName, item, label)
	}

	b.clickText("main a", newest.WorkflowName)
	wf := explorersim.WorkflowRecord{ID: newest.WorkflowID, Name: newest.WorkflowName}
	v = e.expectList(b, "the workflow's jobs after clicking it on the home page", wf.ID, filter{})
	if !strings.Contains(v.H1, wf.Name) || !strings.Contains(v.H1, wf.ID) {
		t.Errorf("jobs page heading %q, want the workflow name %q and ID %s", v.H1, wf.Name, wf.ID)
	}
	b.checkA11y("the jobs page")

	// Opening by ID from the home page reaches the same list.
	b.open("/")
	b.run("open a workflow by ID",
		chromedp.SendKeys(chromedp.ID("open-id"), wf.ID),
		chromedp.Click(chromedp.CSS("#open-workflow button[type=submit]")),
	)
	e.expectList(b, "the jobs page opened by ID", wf.ID, filter{})
}
