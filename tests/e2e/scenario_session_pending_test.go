package e2e

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"jobboard/internal/explorersim"
)

// Scenario 11: the session expires while a part of the list is loading on
// its own — a live-refresh poll, or the outcome summary that loads after
// the list. The reader is sent to sign in with next = the list in the
// address bar (not the URL of the part), and lands back on that list after
// signing in. The expiry happens while the part's request is held in the
// browser, so that request, and no other, is the first to meet it.
func TestSessionExpiresWhilePartLoads(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{pollInterval: pollInterval})
	b := e.tab

	// A poll is pending when Explorer revokes the token.
	run := e.findJob("running", func(j explorersim.JobRecord) bool { return j.Status == explorersim.StatusRunning })
	live := explorersim.WorkflowRecord{ID: run.WorkflowID, Name: run.WorkflowName}
	e.openJobs(b, live)
	var polling bool
	b.mustEval(`document.querySelector("#results [data-poll]") !== null`, &polling)
	if !polling {
		t.Fatalf("the jobs list of %s, which holds running job %s, does not refresh itself\npage: %s", live.Name, run.Name, b.describe())
	}
	listPath := b.describeURL()
	b.settle("the live list")
	held := b.holdRequest("the next poll",
		func(u *url.URL) bool { return u.Path == "/workflows/"+live.ID+"/jobs" },
		nil,
		func() { e.sim.RevokeTokens(account) })
	expectSignInFor(t, b, "a poll met the revoked token", held, listPath)
	b.signIn(account, password)
	b.waitPath("back on the live list after signing in", listPath)
	e.expectList(b, "the live list after signing in", live.ID, filter{})

	// The outcome summary is loading when the token's validity passes. The
	// list holds no job in flight, so no poll can meet the expiry first.
	wf := e.busiestWorkflow()
	f := e.filterSteps(b, wf, b.zone)[2].f // succeeded, within dates
	listPath = "/workflows/" + wf.ID + "/jobs?" + f.query().Encode()
	held = b.holdRequest("the outcome summary",
		func(u *url.URL) bool { return u.Path == "/workflows/"+wf.ID+"/jobs/summary" },
		func() { b.open(listPath) },
		func() {
			b.mustEval(`document.querySelector("[data-poll]") !== null`, &polling)
			if polling {
				t.Fatalf("the list %s refreshes itself: a poll could meet the expiry before the summary", listPath)
			}
			e.clock.Advance(explorersim.DefaultTokenTTL + time.Minute)
		})
	expectSignInFor(t, b, "the summary met the expired session", held, listPath)
	b.checkA11y("the sign-in page after the summary met the expired session")
	b.signIn(account, password)
	b.waitPath("back on the filtered list after signing in", listPath)
	e.expectState(b, "the filtered list after signing in", wf.ID, f)
}

// expectSignInFor checks that the held request was answered with a
// redirect to sign-in whose next is the list in the address bar, and that
// the tab followed it.
func expectSignInFor(t *testing.T, b *tab, what string, held heldRequest, listPath string) {
	t.Helper()
	if want := "/login?next=" + url.QueryEscape(listPath) + "&reason=ended"; held.HXRedirect != want {
		t.Errorf("%s: the dashboard answered %s with status %d and HX-Redirect %q, want %q",
			what, held.URL.RequestURI(), held.Status, held.HXRedirect, want)
	}
	v := b.waitFor("the sign-in page after "+what, func(v view) error {
		u, err := url.Parse(v.URL)
		if err != nil || u.Path != "/login" {
			return errorf("on %s, not /login", v.path())
		}
		if next := u.Query().Get("next"); next != listPath {
			return errorf("next=%q, want the list in the address bar %q", next, listPath)
		}
		if v.H1 != "Sign in" {
			return errorf("heading %q, want %q", v.H1, "Sign in")
		}
		// The page says why it is shown.
		if want := "Your session ended. Sign in again to go back to the page you were on."; !strings.Contains(v.Main, want) {
			return errorf("the sign-in page does not say %q: %s", want, v.Main)
		}
		return nil
	})
	if len(v.Rows) > 0 || strings.Contains(v.Main, "Showing") {
		t.Errorf("%s: the sign-in page is not shown alone: %s", what, v)
	}
}
