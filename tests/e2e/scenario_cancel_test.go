package e2e

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"jobboard/internal/explorersim"
)

// pollInterval is the live refresh interval of the scenarios that watch a
// page refresh itself: short, so that they do not wait long.
const pollInterval = time.Second

// Scenario 8: cancel a running job through the dialog. "Cancel job" opens
// a modal dialog with the focus inside; Esc and "Keep running" close it and
// give the focus back to the button, and nothing is cancelled; confirming
// shows Stopping and a plain confirmation; when Explorer has stopped the
// job the page shows Cancelled by itself, and stops refreshing.
func TestCancelRunningJob(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{pollInterval: pollInterval})
	b := e.tab
	job := e.findJob("running", func(j explorersim.JobRecord) bool { return j.Status == explorersim.StatusRunning })
	jobPath := fmt.Sprintf("/jobs/%d", job.ID)

	b.open(jobPath)
	b.signIn(account, password)
	onJob := func(v jobView) error {
		if u, err := url.Parse(v.URL); err != nil || u.Path != jobPath {
			return errorf("on %s, not %s", v.URL, jobPath)
		}
		if v.H1 != job.Name {
			return errorf("heading %q, want %q", v.H1, job.Name)
		}
		return nil
	}
	v := b.waitJob("the running job's page", func(v jobView) error {
		if err := onJob(v); err != nil {
			return err
		}
		if !strings.Contains(v.Status, "Running") {
			return errorf("status %q, want Running", v.Status)
		}
		if !v.CancelButton {
			return errorf("no \"Cancel job\"")
		}
		return nil
	})
	if !v.Polling {
		t.Error("the page of a running job does not refresh itself (no data-poll on its region)")
	}
	b.mustEval(`window.__e2e = 1`, nil)

	// Esc and "Keep running" close the dialog, the focus goes back to
	// "Cancel job", and the job keeps running.
	closes := []struct {
		how  string
		step chromedp.Action[chromedp.Void]
	}{
		{"Esc", chromedp.KeyEvent("\u001b")},
		{"Keep running", clickID("cancel-keep")},
	}
	for i, c := range closes {
		b.run("click Cancel job", clickID("cancel-job"))
		v := b.waitJob("the cancel dialog", func(v jobView) error {
			if !v.DialogOpen {
				return errorf("no open dialog")
			}
			if !v.FocusInDialog {
				return errorf("the focus is on %q, outside the dialog", v.Active)
			}
			if !strings.Contains(v.DialogText, job.Name) {
				return errorf("the dialog does not name the job %s", job.Name)
			}
			return nil
		})
		var modal bool
		b.mustEval(`document.querySelector("dialog#cancel-dialog").matches(":modal")`, &modal)
		if !modal {
			t.Errorf("the cancel dialog is not modal: the rest of the page stays reachable (%s)", v)
		}
		if i == 0 {
			b.checkA11y("the job page with the cancel dialog open")
		}
		b.run("close the dialog with "+c.how, c.step)
		b.waitJob("the dialog closed by "+c.how, func(v jobView) error {
			if v.DialogOpen || v.Dialogs > 0 {
				return errorf("the dialog is still there (open %v)", v.DialogOpen)
			}
			if v.Active != "cancel-job" {
				return errorf("the focus is on %q, want back on \"Cancel job\"", v.Active)
			}
			return nil
		})
		if st := e.jobNow(job.ID).Status; st != explorersim.StatusRunning {
			t.Fatalf("after closing the dialog with %s the job is %s in Explorer; nothing should have been cancelled", c.how, statusLabel(st))
		}
	}

	// Confirm: Stopping, and a plain confirmation.
	b.run("click Cancel job", clickID("cancel-job"))
	b.waitJob("the cancel dialog again", func(v jobView) error {
		if !v.DialogOpen {
			return errorf("no open dialog")
		}
		return nil
	})
	b.run("confirm the cancel", clickID("cancel-confirm"))
	v = b.waitJob("the job stopping", func(v jobView) error {
		if err := onJob(v); err != nil {
			return err
		}
		if !strings.Contains(v.Status, "Stopping") {
			return errorf("status %q, want Stopping", v.Status)
		}
		if want := "Cancel requested. The job is stopping."; v.Notice != want {
			return errorf("the confirmation reads %q, want %q", v.Notice, want)
		}
		if v.DialogOpen {
			return errorf("the dialog is still open")
		}
		return nil
	})
	if st := e.jobNow(job.ID).Status; st != explorersim.StatusStopping {
		t.Errorf("after the confirmation the job is %s in Explorer, want Stopping", statusLabel(st))
	}
	if !v.Polling {
		t.Error("the page of a stopping job does not refresh itself")
	}
	if v.CancelButton {
		t.Error("a stopping job still offers \"Cancel job\"")
	}
	b.checkA11y("the job page after a cancel")

	// Explorer finishes stopping it: the page shows Cancelled by itself.
	b.mustEval(`window.__e2e = 1`, nil) // the confirmation was a new page
	e.clock.Advance(explorersim.StopDelay + time.Second)
	if st := e.jobNow(job.ID).Status; st != explorersim.StatusInterrupted {
		t.Fatalf("past the stop delay the job is %s in Explorer, want Cancelled", statusLabel(st))
	}
	start := time.Now()
	v = b.waitJob("the job cancelled, without a reload", func(v jobView) error {
		if !strings.Contains(v.Status, "Cancelled") {
			return errorf("status %q, want Cancelled", v.Status)
		}
		if want := "Cancel requested. The job was cancelled."; v.Notice != want {
			return errorf("the confirmation reads %q, want %q", v.Notice, want)
		}
		return nil
	})
	t.Logf("Cancelled shown %v after Explorer stopped the job (refresh every %v)", time.Since(start).Round(10*time.Millisecond), pollInterval)
	if !v.Marker {
		t.Error("the page was reloaded to show Cancelled; the live refresh should have swapped the job's region")
	}
	if v.Polling {
		t.Error("the page of a cancelled job still carries data-poll")
	}

	// Polling stopped: no request for a few intervals.
	b.settle("the cancelled job's page")
	v, _ = readPage[jobView](b, jobViewJS)
	before := v.Fetches
	time.Sleep(5 * pollInterval / 2)
	v = b.waitJob("the cancelled job's page, quiet", func(jobView) error { return nil })
	if v.Fetches != before {
		t.Errorf("the cancelled job's page made %d requests in %v; polling should have stopped", v.Fetches-before, 5*pollInterval/2)
	}
	b.checkA11y("the cancelled job's page")
}
