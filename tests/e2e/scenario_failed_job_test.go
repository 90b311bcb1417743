package e2e

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jobboard/internal/download"
	"jobboard/internal/explorersim"
)

// noRowsSentence is what the results page of a task without rows says.
const noRowsSentence = "This task has no result rows. Only a task that succeeded has a result."

// failedJobOf picks, among jobs, the first failed one that has a succeeded
// task before the one it failed at, so that the scenario can show both a
// task without rows and one with rows of the same job.
func failedJobOf(jobs []explorersim.JobRecord) (job explorersim.JobRecord, failed, succeeded explorersim.TaskRecord, ok bool) {
	for _, j := range jobs {
		if j.Status != explorersim.StatusFailed {
			continue
		}
		fi := slices.IndexFunc(j.Tasks, func(t explorersim.TaskRecord) bool { return t.Status == explorersim.StatusFailed })
		si := slices.IndexFunc(j.Tasks, func(t explorersim.TaskRecord) bool { return t.Status == explorersim.StatusSuccess })
		if fi >= 0 && si >= 0 {
			return j, j.Tasks[fi], j.Tasks[si], true
		}
	}
	return job, failed, succeeded, false
}

// Scenario 7: open a failed job from the list, see its tasks in Explorer's
// (pipeline) order with the failed one marked, and the sentence saying
// where it failed; the failed task offers no result, and its result page
// says plainly that there are none; a succeeded task's results show the
// simulator's rows, at another row limit too, and "Download CSV" saves
// exactly those rows. The way back leads to the list the reader came from.
func TestFailedJobResultsAndCSV(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	b := e.tab
	wf := e.busiestWorkflow()
	e.openJobs(b, wf)

	f := filter{Status: "failed", TZ: b.zone}
	b.choose("f-status", "failed")
	list := e.expectState(b, "the failed jobs of "+wf.Name, wf.ID, f)
	job, failed, succeeded, ok := failedJobOf(e.truth(wf.ID, f).rows)
	if !ok {
		t.Fatalf("seed data: no failed job on the first page of %s has a succeeded task", wf.Name)
	}

	// The job's page: the tasks in Explorer's order, the failed one
	// marked, and where it failed in words.
	b.clickText("#jobs td a", job.Name)
	jobPath := fmt.Sprintf("/jobs/%d", job.ID)
	want := fmt.Sprintf("Failed at task %s after %s — see below", failed.Name, englishDuration(failed.End.Sub(job.Begin)))
	var order []string // Explorer's order
	for _, task := range job.Tasks {
		order = append(order, task.ID)
	}
	v := b.waitJob("the failed job's page", func(v jobView) error {
		u, err := url.Parse(v.URL)
		if err != nil || u.Path != jobPath {
			return errorf("on %s, not %s", v.URL, jobPath)
		}
		if back := u.Query().Get("back"); back != list.path() {
			return errorf("the job's URL carries back=%q, want the list %q", back, list.path())
		}
		if v.H1 != job.Name {
			return errorf("heading %q, want the job's name %q", v.H1, job.Name)
		}
		if !strings.Contains(v.Status, "Failed") {
			return errorf("status %q, want Failed", v.Status)
		}
		if v.Failure != want {
			return errorf("the failure sentence reads %q, want %q", v.Failure, want)
		}
		if len(v.Tasks) != len(job.Tasks) {
			return errorf("%d tasks listed, want %d", len(v.Tasks), len(job.Tasks))
		}
		var got []string
		for _, r := range v.Tasks {
			got = append(got, r.ID)
		}
		if !slices.Equal(got, order) {
			return errorf("the tasks are not in Explorer's order")
		}
		at := slices.IndexFunc(v.Tasks, func(r taskRow) bool { return r.ID == failed.ID })
		marked := v.Tasks[at]
		if len(marked.Cells) < 6 {
			return errorf("the failed task's row has cells %q", marked.Cells)
		}
		if !strings.HasPrefix(marked.Cells[0], failed.Name) || !strings.Contains(marked.Cells[0], "failed here") {
			return errorf("the failed task's name cell reads %q, want %q marked \"failed here\"", marked.Cells[0], failed.Name)
		}
		if !strings.Contains(marked.Cells[1], "Failed") {
			return errorf("the failed task's status reads %q", marked.Cells[1])
		}
		if want := "No result (the task did not finish)"; marked.Cells[5] != want {
			return errorf("the failed task's result cell reads %q, want %q", marked.Cells[5], want)
		}
		return nil
	})
	if v.Polling {
		t.Error("the page of a failed (finished) job still refreshes itself")
	}
	if v.CancelButton {
		t.Error("a failed job offers \"Cancel job\"")
	}
	b.checkA11y("the failed job's page")

	// The failed task has no rows: its result page, opened by its address
	// (the job page offers no link), says so plainly.
	b.open(fmt.Sprintf("/jobs/%d/tasks/%s/results?back=%s", job.ID, failed.ID, url.QueryEscape(list.path())))
	if rows := e.sampleRows(job.ID, failed.ID, 100); len(rows) != 0 {
		t.Fatalf("the simulator has %d rows for the failed task; the scenario expects none", len(rows))
	}
	rv := b.waitResults("the failed task's result page", func(v resultsView) error {
		if err := resultsAt(v, job.ID, failed.ID, 100); err != nil {
			return err
		}
		if want := "Result of task " + failed.Name; v.H1 != want {
			return errorf("heading %q, want %q", v.H1, want)
		}
		if v.NoRows != noRowsSentence {
			return errorf("the page says %q about rows, want %q", v.NoRows, noRowsSentence)
		}
		return nil
	})
	if len(rv.Rows) > 0 || rv.Download != "" {
		t.Errorf("a task without rows shows %d rows or a download link (%q)", len(rv.Rows), rv.Download)
	}
	b.checkA11y("the result page of a task without rows")

	// Back to the job, and to a succeeded task's rows.
	b.run("back to the job", clickID("back-link"))
	b.waitJob("the job's page again", func(v jobView) error {
		if v.H1 != job.Name || len(v.Tasks) != len(job.Tasks) {
			return errorf("not the page of job %s", job.Name)
		}
		return nil
	})
	b.run("open the succeeded task's result", clickTaskResults(succeeded.ID))
	truth := e.sampleRows(job.ID, succeeded.ID, 100)
	if len(truth) != 100 {
		t.Fatalf("the simulator has %d rows for the succeeded task at limit 100; want 100", len(truth))
	}
	rv = b.waitResults("the succeeded task's rows", func(v resultsView) error {
		if err := resultsAt(v, job.ID, succeeded.ID, 100); err != nil {
			return err
		}
		return sameRows(v, truth, "First 100 rows of the result")
	})
	if want := resultHeaders(succeeded.Columns); !slices.Equal(rv.Header, want) {
		t.Errorf("result columns %q, want %q", rv.Header, want)
	}
	if rv.NumAlign != "right" {
		t.Errorf("numbers are aligned %q, want right", rv.NumAlign)
	}
	b.checkA11y("a task's result rows")

	// Ten rows, then the CSV of those ten.
	b.run("choose 10 rows", chromedp.SetValue(chromedp.ID("limit"), "10"))
	b.clickText("#limit-form button", "Show")
	ten := e.sampleRows(job.ID, succeeded.ID, 10)
	b.waitResults("ten rows", func(v resultsView) error {
		if err := resultsAt(v, job.ID, succeeded.ID, 10); err != nil {
			return err
		}
		return sameRows(v, ten, "First 10 rows of the result")
	})
	name, body := b.download("Download CSV", clickID("download-csv"))
	if !strings.HasPrefix(name, job.Name+"-") || !strings.HasSuffix(name, "-10-rows.csv") {
		t.Errorf("the CSV is saved as %q; want a name saying job %s and 10 rows", name, job.Name)
	}
	body, bom := bytes.CutPrefix(body, []byte(download.BOM))
	if !bom {
		t.Errorf("the downloaded CSV starts %q, not with the byte-order mark spreadsheets need for UTF-8", clip(string(body), 8))
	}
	records, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("the downloaded CSV does not parse: %v\n%s", err, clip(string(body), 400))
	}
	wantCSV := append([][]string{resultHeaders(succeeded.Columns)}, ten...)
	if !slices.EqualFunc(records, wantCSV, slices.Equal) {
		t.Errorf("the downloaded CSV holds\n%q\nwant the header and the simulator's 10 rows\n%q", records, wantCSV)
	}

	// The way back: the job, then the list the reader came from.
	b.run("back to the job", clickID("back-link"))
	b.waitJob("the job's page from the results", func(v jobView) error {
		if v.H1 != job.Name {
			return errorf("not the page of job %s", job.Name)
		}
		return nil
	})
	b.run("back to the list", clickID("back-link"))
	e.expectState(b, "the failed jobs list again", wf.ID, f)
}

// clickTaskResults clicks the "Sample result" link of a task on its job's
// page.
func clickTaskResults(taskID string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.CSS(`#tasks tr[data-task-id="` + taskID + `"] a.task-results`))
}

// resultsAt checks the address bar of a results page: the task's results
// at the row limit.
func resultsAt(v resultsView, jobID int64, taskID string, limit int) error {
	u, err := url.Parse(v.URL)
	if err != nil {
		return err
	}
	if want := fmt.Sprintf("/jobs/%d/tasks/%s/results", jobID, taskID); u.Path != want {
		return errorf("on %s, want %s", u.Path, want)
	}
	// The default limit (100) may be left out, as defaults are in the
	// lists' canonical URLs.
	if got := u.Query().Get("limit"); got != strconv.Itoa(limit) && (got != "" || limit != 100) {
		return errorf("the URL's limit is %q, want %d", got, limit)
	}
	if v.Limit != strconv.Itoa(limit) {
		return errorf("\"Rows to show\" shows %q, want %d", v.Limit, limit)
	}
	return nil
}

// sameRows compares the results table with the simulator's rows.
func sameRows(v resultsView, truth [][]string, count string) error {
	if v.RowCount != count {
		return errorf("the page says %q, want %q", v.RowCount, count)
	}
	if len(v.Rows) != len(truth) {
		return errorf("%d rows shown, want %d", len(v.Rows), len(truth))
	}
	for i := range truth {
		if !slices.Equal(v.Rows[i], truth[i]) {
			return errorf("row %d reads %q, want %q", i+1, v.Rows[i], truth[i])
		}
	}
	if v.Download == "" {
		return errorf("no Download CSV link")
	}
	return nil
}

// resultHeaders are the column headings of a result with n columns.
func resultHeaders(n int) []string { return []string{"Vertex ID", "Value", "Group"}[:n] }
