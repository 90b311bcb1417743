package faults

import (
	"net/http"
	"net/url"
	"testing"

	"jobboard/internal/explorersim"
	"jobboard/internal/testenv"
)

// TestFaultWritesNotRetried: cancel and run change state in Explorer, so a
// failure (503, or the connection reset after the request was sent) is
// answered after exactly one upstream call, with a plain error page that
// offers no Retry; a run whose answer could not be read says the job may
// have started.
func TestFaultWritesNotRetried(t *testing.T) {
	e := newEnv(t, noBreaker())
	b := e.signedIn(t)
	list := e.listURL(t, b, e.workflow.Name)
	// A job Explorer can still cancel: the dashboard sends no cancel for
	// one that finished or is already stopping.
	var jobID string
	for _, j := range testenv.JobsOf(e.Sim, account, e.workflow.ID) {
		if j.Status == explorersim.StatusRunning || j.Status == explorersim.StatusPreparing {
			jobID = itoa(j.ID)
			break
		}
	}
	if jobID == "" {
		t.Fatalf("workflow %s has no job in flight", e.workflow.ID)
	}
	tb := &table{}
	defer tb.log(t, "cancel and run")

	routes := []struct {
		name     string
		path     string
		form     url.Values
		upstream func(method, path string) bool
		// lost is the panel's key when Explorer got the request and its
		// answer was lost (unreadable, or the connection cut): a run that
		// may have started says so.
		lost string
	}{
		{name: "cancel", path: "/jobs/" + jobID + "/cancel", form: url.Values{}, upstream: isCancel, lost: "problem.unavailable"},
		{name: "run", path: "/workflows/" + e.workflow.ID + "/run", form: url.Values{}, upstream: isStart, lost: "run.unconfirmed"},
	}
	faults := []struct {
		name  string
		serve func(http.ResponseWriter, *http.Request)
		lost  bool // Explorer got the request; its answer was lost
	}{
		{"503 with HTML body", unavailable503, true},
		{"connection reset (RST)", reset, true},
	}
	for _, rt := range routes {
		for _, f := range faults {
			t.Run(rt.name+"/"+f.name, func(t *testing.T) {
				before := e.up.callCount(rt.upstream)
				e.up.set(&fault{match: rt.upstream, serve: f.serve})
				a := e.post(t, b, rt.path, rt.form)
				e.up.set(nil)
				calls := e.up.callCount(rt.upstream) - before
				tb.add(rt.name+": "+f.name, "POST "+rt.path, a.Status, a.Elapsed, "upstream calls: "+itoa(int64(calls)))

				if calls != 1 {
					t.Errorf("Explorer was called %d times, want exactly 1 (no retry of a write)", calls)
				}
				key := "problem.unavailable"
				if f.lost {
					key = rt.lost
				}
				checkProblemAnswer(t, e, a, http.StatusBadGateway, key, "", false)
				checkRecovered(t, e, b, list)
			})
		}
	}
}
