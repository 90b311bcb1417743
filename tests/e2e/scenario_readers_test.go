package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"jobboard/internal/explorersim"
)

// The reader's own times, named, from the first paint: the dashboard runs
// in UTC, the browser in New York.
const (
	readerZoneName = "America/New_York"
	utcZoneName    = "UTC"
)

// Scenario 13a: a job page opened by its address (no tz, no list behind
// it) shows New York times and says so; the list shows the same times
// before and after the first filter change (which puts the browser's zone
// into the URL).
func TestReaderZoneFromTheFirstPaint(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{serverZone: utcZoneName, browserZone: readerZoneName})
	b := e.tab
	ny, err := time.LoadLocation(readerZoneName)
	if err != nil {
		t.Fatal(err)
	}
	wf := e.busiestWorkflow()
	job := e.truth(wf.ID, filter{Status: "succeeded"}).rows[0]

	jobPath := fmt.Sprintf("/jobs/%d", job.ID)
	b.open(jobPath)
	b.signIn(account, password)
	b.waitPath("the job page after signing in", jobPath)
	want := job.Created.In(ny).Format("2006-01-02 15:04")
	var created, note string
	b.waitJob("the job page by direct link", func(v jobView) error {
		if err := b.eval(`document.querySelector("#job-created time").firstChild.textContent.trim()`, &created); err != nil {
			return err
		}
		if err := b.eval(`document.querySelector("#job-detail .zone-note").textContent`, &note); err != nil {
			return err
		}
		if created != want {
			return errorf("Created reads %q, want %q (New York)", created, want)
		}
		if note != "Times are shown in America/New_York." {
			return errorf("the zone note reads %q", note)
		}
		return nil
	})

	// The list: the same times before and after the first filter change.
	e.openList(b, wf)
	before := e.expectList(b, "the unfiltered list in New York times", wf.ID, filter{})
	createdOf := func(v view) map[string]string {
		out := map[string]string{}
		for _, r := range v.Rows {
			out[r[0]] = strings.Fields(r[2])[0] + " " + strings.Fields(r[2])[1]
		}
		return out
	}
	b.choose("f-status", "succeeded")
	after := e.expectState(b, "the first filter change", wf.ID, filter{Status: "succeeded", TZ: readerZoneName})
	was := createdOf(before)
	for name, now := range createdOf(after) {
		if old, ok := was[name]; ok && old != now {
			t.Errorf("job %s was created at %s before the filter change and %s after it", name, old, now)
		}
	}
	b.mustEval(`document.getElementById("zone-note").textContent`, &note)
	if note != "Times are shown in America/New_York." {
		t.Errorf("after the filter change the zone note reads %q", note)
	}
}

// openList opens a workflow's jobs in a tab that is already signed in.
func (e *env) openList(b *tab, wf explorersim.WorkflowRecord) {
	b.t.Helper()
	b.open("/workflows/" + wf.ID + "/jobs")
	b.waitFor("the jobs list", func(v view) error {
		if u, err := url.Parse(v.URL); err != nil || u.Path != "/workflows/"+wf.ID+"/jobs" {
			return errorf("on %s", v.path())
		}
		return nil
	})
}

// Scenario 13b: the dashboard goes away mid-session (a restart, a deploy);
// the next filter change says so over the results, marks them stale and
// keeps what was typed.
func TestDashboardUnreachableSaysSo(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	b := e.tab
	wf := e.busiestWorkflow()
	e.openJobs(b, wf)
	b.settle("the list before the dashboard stops")

	e.app.CloseClientConnections()
	e.app.Close()
	b.run("click in the name box", clickID("f-name"))
	b.typeKeys("zzz")
	v := b.waitFor("the couldn't-reach message", func(v view) error {
		if want := "Couldn't reach jobboard. Your filters are kept;"; !strings.HasPrefix(v.Alert, want) {
			return errorf("the alert reads %q, want it to start with %q", v.Alert, want)
		}
		return nil
	})
	if v.Form["name"] != "zzz" {
		t.Errorf("the name box holds %q, want what was typed, %q", v.Form["name"], "zzz")
	}
	var stale, retry bool
	b.mustEval(`document.getElementById("results").classList.contains("stale")`, &stale)
	b.mustEval(`(document.getElementById("offline-retry") || {}).textContent === "Retry"`, &retry)
	if !stale {
		t.Error("the old results are not marked stale")
	}
	if !retry {
		t.Error("no Retry button next to the message")
	}
	if len(v.Rows) == 0 {
		t.Error("the old results were removed; they should stay, marked stale")
	}
}

// Scenario 13c: Explorer revokes the session while a list refreshes
// itself; the next poll lands on a sign-in page that says why, and
// signing in returns to the list.
func TestSessionRevokedWhilePolling(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{pollInterval: 500 * time.Millisecond})
	b := e.tab
	run := e.findJob("running", func(j explorersim.JobRecord) bool { return j.Status == explorersim.StatusRunning })
	wf := explorersim.WorkflowRecord{ID: run.WorkflowID, Name: run.WorkflowName}
	e.openJobs(b, wf)
	f := filter{}
	var polling bool
	b.mustEval(`document.querySelector("#results [data-poll]") !== null`, &polling)
	if !polling {
		t.Fatalf("the list of %s, which holds running job %s, does not refresh itself", wf.Name, run.Name)
	}
	list := "/workflows/" + wf.ID + "/jobs"
	b.settle("the live list")

	e.sim.RevokeTokens(account)
	b.waitFor("the sign-in page after the poll met the revoked session", func(v view) error {
		u, err := url.Parse(v.URL)
		if err != nil || u.Path != "/login" {
			return errorf("on %s, not /login", v.path())
		}
		if next := u.Query().Get("next"); next != list {
			return errorf("next=%q, want the list %q", next, list)
		}
		if want := "Your session ended. Sign in again to go back to the page you were on."; !strings.Contains(v.Main, want) {
			return errorf("the sign-in page does not say why: %s", v.Main)
		}
		return nil
	})
	b.checkA11y("the sign-in page after the session ended")
	b.signIn(account, password)
	b.waitPath("back on the list after signing in", list)
	e.expectState(b, "the running jobs after signing in", wf.ID, f)
}

// Scenario 13d: typing a name in pauses narrows the list each time, but
// leaves one history entry: Back returns to the list before the name.
func TestBackAfterTypingANameUndoesTheName(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	b := e.tab
	wf := e.busiestWorkflow()
	e.openJobs(b, wf)
	b.choose("f-status", "succeeded")
	before := filter{Status: "succeeded", TZ: b.zone}
	e.expectState(b, "the list before the name", wf.ID, before)

	// The pauses below wait for each answer, which on a loaded machine can
	// take longer than the box's 1.5 s pause that ends a burst of typing;
	// a minute keeps them inside one burst.
	b.mustEval(`document.getElementById("f-name").setAttribute("data-settle-ms", "60000")`, nil)
	b.run("click in the name box", clickID("f-name"))
	name := ""
	for _, part := range []string{wf.Name[:3], wf.Name[3:5], wf.Name[5:7]} {
		name += part
		b.typeKeys(part)
		// Long enough for the filter to apply, short of settling.
		e.expectState(b, "the list narrowed to "+name, wf.ID, filter{Name: name, Status: "succeeded", TZ: b.zone})
		time.Sleep(400 * time.Millisecond)
	}
	var kept bool
	b.mustEval(`document.getElementById("f-name").getAttribute("data-settle-ms") === "60000"`, &kept)
	if !kept {
		t.Fatal("the name box was replaced while typing: the pause set on it is gone")
	}
	b.historyStep(-1)
	e.expectState(b, "Back: the list before the name", wf.ID, before)
}
