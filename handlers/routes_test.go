package handlers

import (
	"net/http"
	"strconv"
	"testing"

	"jobboard/internal/explorersim"
	"jobboard/views"
)

// TestDashboardURLsReachTheirPages follows every URL views builds for the
// dashboard and checks each lands on a page or download, so a route changed
// in routes.go without its builder (or the other way round) fails here.
func TestDashboardURLsReachTheirPages(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	done := findJob(t, e, "demo", func(j explorersim.JobRecord) bool {
		return j.Status == explorersim.StatusSuccess && len(j.Tasks) > 0
	})
	running := findJob(t, e, "demo", withStatus(explorersim.StatusRunning))
	wf, err := strconv.ParseInt(done.WorkflowID, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	list := views.ListPath(wf)
	nav := views.JobNav{Back: list, TZ: "Europe/Berlin"}
	task := done.Tasks[0].ID
	for _, u := range []string{
		views.AllJobsPath, list, views.WorkflowJobsPath(done.WorkflowID),
		views.WorkflowOpenPath + "?id=" + done.WorkflowID,
		views.SummaryPath(list), views.SummaryPath(views.AllJobsPath),
		views.ExportPath(list, "csv"), views.ExportPath(list, "json"), views.ExportPath(views.AllJobsPath, "csv"),
		views.JobPath(done.ID), views.JobDetailURL(done.ID, nav), views.JobCancelledURL(running.ID, nav),
		views.JobCancelURL(running.ID, nav), views.JobCancelPath(running.ID),
		views.TaskResultsURL(done.ID, task, 10, nav), views.TaskResultsCSVURL(done.ID, task, 1000),
		views.WorkflowRunURL(done.WorkflowID),
	} {
		a := e.get(t, c, u)
		want := http.StatusOK
		if u == views.WorkflowOpenPath+"?id="+done.WorkflowID {
			want = http.StatusSeeOther
			if loc := a.header.Get("Location"); loc != list {
				t.Errorf("GET %s: Location %q, want %q", u, loc, list)
			}
		}
		if a.status != want {
			t.Errorf("GET %s: status %d, want %d", u, a.status, want)
		}
	}
	if views.ListPath(0) != "/jobs" || list != "/workflows/"+done.WorkflowID+"/jobs" {
		t.Errorf("ListPath: %q, %q", views.ListPath(0), list)
	}
}
