package explorersim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startJob starts a job of wfID and returns its ID.
func (e *env) startJob(t *testing.T, tok, wfID, body string) int64 {
	t.Helper()
	r := e.do(t, http.MethodPost, "/api-open/v1/workflows/"+wfID+"/jobs", tok, body)
	data := decodeData[struct {
		ID json.Number `json:"id"`
	}](t, r)
	if !strings.HasPrefix(string(r.env.Data), `{"id":`) || strings.Contains(string(r.env.Data), `"id":"`) {
		t.Errorf("start data %s: want a numeric id", r.env.Data)
	}
	id, err := strconv.ParseInt(string(data.ID), 10, 64)
	if err != nil {
		t.Fatalf("start id %q: %v", data.ID, err)
	}
	return id
}

func TestStartedJobLifecycle(t *testing.T) {
	e := newEnv(t, Options{JobsPerAccount: 50})
	tok := e.login(t, "demo", "demo")
	wf := e.sim.Workflows("demo")[2]
	outcomes := map[int]int{}
	for _, body := range []string{"", `{"input":{"0f1e2d3c":{"limit":100,"vid":"player100"}}}`, `{}`, "", "", "", "", "", "", ""} {
		id := e.startJob(t, tok, wf.ID, body)
		created := e.clock.Now()
		j := e.jobDetail(t, tok, id)
		wantName := wf.Name + "_" + created.In(time.FixedZone("", 8*3600)).Format("20060102150405")
		if j.Status != StatusPreparing || j.RunBeginTime != 0 || j.RunEndTime != 0 || j.CreateTime != created.UnixMilli() || j.Name != wantName {
			t.Fatalf("new job = %+v, want Preparing %s created %d", j.apiJob, wantName, created.UnixMilli())
		}
		if page := e.list(t, listPath(wf.ID, nil, "&pageSize=1"), tok); len(page.Items) != 1 || page.Items[0].ID != id {
			t.Errorf("newest job of the workflow = %v, want %d", ids(page.Items), id)
		}
		e.clock.Advance(StartPrepareDelay - time.Second)
		if got := e.jobDetail(t, tok, id).Status; got != StatusPreparing {
			t.Errorf("after %v status %d, want Preparing", StartPrepareDelay-time.Second, got)
		}
		e.clock.Advance(2 * time.Second)
		j = e.jobDetail(t, tok, id)
		if j.Status != StatusRunning || j.RunBeginTime == 0 || j.RunEndTime != 0 || j.Tasks[0].Status != StatusRunning {
			t.Errorf("after %v: %+v, want Running", StartPrepareDelay+time.Second, j)
		}
		e.clock.Advance(MaxStartedRun)
		j = e.jobDetail(t, tok, id)
		if (j.Status != StatusSuccess && j.Status != StatusFailed) || j.RunEndTime <= j.RunBeginTime {
			t.Errorf("after the longest run: %+v, want Success or Failed", j.apiJob)
		}
		outcomes[j.Status]++
		for _, rec := range e.sim.Jobs("demo") {
			if rec.ID == id {
				checkTasks(t, rec)
			}
		}
	}
	if outcomes[StatusSuccess] == 0 {
		t.Errorf("outcomes %v: want successes", outcomes)
	}
	wantCode(t, e.do(t, http.MethodPost, "/api-open/v1/workflows/"+wf.ID+"/jobs", tok, `{"input":`), CodeParam, http.StatusBadRequest)
	wantCode(t, e.do(t, http.MethodPost, "/api-open/v1/workflows/"+wf.ID+"/jobs", tok, `{"input":[1]}`), CodeParam, http.StatusBadRequest)
}

func TestCancel(t *testing.T) {
	e := newEnv(t, Options{JobsPerAccount: 50})
	tok := e.login(t, "demo", "demo")
	wf := e.sim.Workflows("demo")[0].ID
	cancel := func(id int64) resp {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPut, e.srv.URL+"/api-open/v1/jobs/"+itoa(id)+"/cancel", nil)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", TokenCookie+"="+tok)
		return e.send(t, req)
	}

	t.Run("running job stops then is interrupted", func(t *testing.T) {
		id := e.startJob(t, tok, wf, "")
		e.clock.Advance(StartPrepareDelay + 2*time.Second)
		began := e.jobDetail(t, tok, id).RunBeginTime
		r := cancel(id)
		wantCode(t, r, 0, http.StatusOK)
		if string(r.env.Data) != `{"success":true}` {
			t.Errorf("cancel data %s", r.env.Data)
		}
		for _, step := range []time.Duration{0, time.Second, time.Second} {
			e.clock.Advance(step)
			j := e.jobDetail(t, tok, id)
			if j.Status != StatusStopping || j.RunBeginTime != began || j.RunEndTime != 0 {
				t.Errorf("after cancel: %+v, want Stopping", j.apiJob)
			}
			if j.Tasks[0].Status != StatusStopping || j.Tasks[0].RunEndTime != "" {
				t.Errorf("running task while stopping: %+v", j.Tasks[0])
			}
		}
		wantCode(t, cancel(id), 0, http.StatusOK) // cancelling a Stopping job again is harmless
		e.clock.Advance(StopDelay)
		j := e.jobDetail(t, tok, id)
		if j.Status != StatusInterrupted || j.RunBeginTime != began || j.RunEndTime <= began {
			t.Errorf("after the stop delay: %+v, want Interrupted with an end time", j.apiJob)
		}
		if j.Tasks[0].Status != StatusInterrupted || j.Tasks[0].RunEndTime == "" || j.Tasks[1].Status != StatusPreparing {
			t.Errorf("tasks of the interrupted job: %+v", j.Tasks)
		}
		r = cancel(id)
		wantCode(t, r, CodeBadRequest, http.StatusBadRequest)
		if r.env.Message != "job is not running" {
			t.Errorf("message %q, want \"job is not running\"", r.env.Message)
		}
	})
	t.Run("preparing job is interrupted without having run", func(t *testing.T) {
		id := e.startJob(t, tok, wf, "")
		wantCode(t, cancel(id), 0, http.StatusOK)
		e.clock.Advance(StartPrepareDelay + StopDelay + time.Second)
		j := e.jobDetail(t, tok, id)
		if j.Status != StatusInterrupted || j.RunBeginTime != 0 || j.RunEndTime == 0 {
			t.Errorf("got %+v, want Interrupted, never begun", j.apiJob)
		}
	})
	t.Run("finished jobs cannot be cancelled", func(t *testing.T) {
		for _, j := range e.sim.Jobs("demo")[10:40] {
			r := cancel(j.ID)
			wantCode(t, r, CodeBadRequest, http.StatusBadRequest)
			if e.jobDetail(t, tok, j.ID).Status != j.Status {
				t.Errorf("job %d changed status after a refused cancel", j.ID)
			}
		}
	})
}

func TestLiveSeededJobsAdvance(t *testing.T) {
	e := newEnv(t, Options{})
	before := map[int]int{}
	for _, j := range e.sim.Jobs("demo")[:10] {
		before[j.Status]++
	}
	if before[StatusRunning] == 0 || before[StatusPreparing] == 0 {
		t.Fatalf("newest jobs at start %v: want Preparing and Running", before)
	}
	e.clock.Advance(2 * time.Minute)
	var moved bool
	for _, j := range e.sim.Jobs("demo")[:10] {
		if j.Status == StatusFailed || j.Status == StatusSuccess {
			checkTasks(t, j)
		}
		if j.Status == StatusFailed {
			moved = true
		}
	}
	if !moved {
		t.Errorf("no live job finished within 2 minutes")
	}
	e.clock.Advance(2 * time.Hour)
	for _, j := range e.sim.Jobs("demo") {
		if j.Status != StatusSuccess && j.Status != StatusFailed && j.Status != StatusInterrupted {
			t.Errorf("job %d still in status %d two hours later", j.ID, j.Status)
		}
	}
}

func TestAddJob(t *testing.T) {
	e := newEnv(t, Options{JobsPerAccount: 30})
	tok := e.login(t, "demo", "demo")
	wf := e.sim.Workflows("demo")[1]
	hostile := `<script>alert("x")</script>&"'` + "\u2028"
	created := testStart.Add(-48 * time.Hour)
	rec := e.sim.AddJob("demo", wf.ID, JobRecord{Name: hostile, Status: 9, Created: created})
	if rec.ID == 0 || rec.Name != hostile || rec.Status != 9 || rec.WorkflowID != wf.ID || len(rec.Tasks) < 2 {
		t.Fatalf("AddJob returned %+v", rec)
	}
	e.clock.Advance(time.Hour)
	page := e.list(t, listPath(wf.ID, map[string]any{"name": "<SCRIPT>"}, ""), tok)
	if page.Total != 1 || page.Items[0].Name != hostile || page.Items[0].Status != 9 || page.Items[0].CreateTime != created.UnixMilli() {
		t.Errorf("list of the hostile job = %+v", page)
	}
	raw := e.do(t, http.MethodGet, "/api-open/v1/jobs/"+itoa(rec.ID), tok, "")
	if strings.Contains(string(raw.body), "<script>") {
		t.Errorf("job body has unescaped markup: %s", raw.body)
	}
	// Sorted in among the seeded jobs by creation time.
	all := truth(e.sim.Jobs("demo"), func(JobRecord) bool { return true })
	got := e.list(t, "/api-open/v1/jobs?pageSize=1000", tok)
	if len(got.Items) != len(all) || !containsID(got.Items, rec.ID) {
		t.Errorf("added job missing from the all-jobs list")
	}
	for i := 1; i < len(got.Items); i++ {
		if got.Items[i].CreateTime > got.Items[i-1].CreateTime {
			t.Fatalf("list not in descending creation order at %d", i)
		}
	}
	given := e.sim.AddJob("demo", wf.ID, JobRecord{Status: StatusRunning, Begin: testStart, Tasks: []TaskRecord{{Name: "Louvain", Status: StatusRunning, Begin: testStart}}})
	if len(given.Tasks) != 1 || len(given.Tasks[0].ID) != 32 || given.Tasks[0].Columns != 3 || given.Status != StatusRunning {
		t.Errorf("AddJob with tasks returned %+v", given)
	}
	wantCode(t, e.do(t, http.MethodPut, "/api-open/v1/jobs/"+itoa(given.ID)+"/cancel", tok, ""), 0, http.StatusOK)
	if got := e.jobDetail(t, tok, given.ID).Status; got != StatusStopping {
		t.Errorf("cancelled added job status %d, want Stopping", got)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Errorf("AddJob into another account's workflow did not panic")
			}
		}()
		e.sim.AddJob("analyst", wf.ID, JobRecord{})
	}()
}
