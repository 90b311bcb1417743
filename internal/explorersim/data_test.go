package explorersim

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSeededDataRealism(t *testing.T) {
	e := newEnv(t, Options{})
	jobs := e.sim.Jobs("demo")
	if len(jobs) < 2000 {
		t.Fatalf("demo has %d jobs, want thousands", len(jobs))
	}
	wfs := e.sim.Workflows("demo")
	if len(wfs) < 3 {
		t.Fatalf("demo has %d workflows, want several", len(wfs))
	}
	wfName := map[string]string{}
	for _, w := range wfs {
		if !regexp.MustCompile(`^[1-9][0-9]{9}$`).MatchString(w.ID) || !regexp.MustCompile(`^[a-z][a-z0-9_]+$`).MatchString(w.Name) {
			t.Errorf("workflow %q %q: want a 10-digit ID and a snake_case name", w.ID, w.Name)
		}
		wfName[w.ID] = w.Name
	}
	cst := time.FixedZone("", 8*3600)
	now := e.clock.Now()
	oldest, newest := jobs[len(jobs)-1].Created, jobs[0].Created
	if now.Sub(oldest) < 90*24*time.Hour || newest.After(now) {
		t.Errorf("jobs span %v to %v, want months before %v", oldest, newest, now)
	}
	statuses := map[int]int{}
	taskIDs := map[string]bool{}
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	for i, j := range jobs {
		statuses[j.Status]++
		if i > 0 && j.Created.After(jobs[i-1].Created) {
			t.Fatalf("Jobs() not newest first at %d", i)
		}
		if wfName[j.WorkflowID] != j.WorkflowName {
			t.Errorf("job %d: workflow %s %s is not demo's", j.ID, j.WorkflowID, j.WorkflowName)
		}
		m := regexp.MustCompile(`^` + regexp.QuoteMeta(j.WorkflowName) + `_(\d{14})$`).FindStringSubmatch(j.Name)
		if len(m) != 2 || m[1] != j.Created.In(cst).Format("20060102150405") {
			t.Errorf("job %d name %q: want %s_<creation time in +08:00 %s>", j.ID, j.Name, j.WorkflowName, j.Created.In(cst).Format("20060102150405"))
		}
		if n := len(j.Tasks); n < 2 || n > 5 {
			t.Errorf("job %d has %d tasks, want 2 to 5", j.ID, n)
		}
		for _, tk := range j.Tasks {
			if !hex32.MatchString(tk.ID) || taskIDs[tk.ID] {
				t.Errorf("task ID %q: want unique 32 lower-case hex", tk.ID)
			}
			taskIDs[tk.ID] = true
			if tk.Columns != 2 && tk.Columns != 3 {
				t.Errorf("task %s has %d columns", tk.Name, tk.Columns)
			}
		}
		checkTasks(t, j)
		checkTimes(t, j, now)
	}
	for st := StatusPreparing; st <= StatusStopping; st++ {
		if statuses[st] == 0 {
			t.Errorf("no job with status %d at start (counts %v)", st, statuses)
		}
	}
	if statuses[StatusSuccess] < len(jobs)/2 || statuses[StatusFailed] == 0 || statuses[StatusInterrupted] == 0 {
		t.Errorf("status mix %v: want mostly Success, some Failed and Interrupted", statuses)
	}

	// A cancel through the API makes a Stopping job too.
	tok := e.login(t, "demo", "demo")
	var running JobRecord
	for _, j := range jobs {
		if j.Status == StatusRunning {
			running = j
			break
		}
	}
	wantCode(t, e.do(t, http.MethodPut, "/api-open/v1/jobs/"+itoa(running.ID)+"/cancel", tok, ""), 0, http.StatusOK)
	page := e.list(t, listPath("", map[string]any{"status": StatusStopping}, "&pageSize=100"), tok)
	if !containsID(page.Items, running.ID) {
		t.Errorf("cancelled job %d not listed as Stopping: %v", running.ID, ids(page.Items))
	}
}

func containsID(items []apiJob, id int64) bool {
	for _, it := range items {
		if it.ID == id {
			return true
		}
	}
	return false
}

// checkTasks asserts the task invariants of a job's status.
func checkTasks(t *testing.T, j JobRecord) {
	t.Helper()
	count := map[int]int{}
	for _, tk := range j.Tasks {
		count[tk.Status]++
	}
	switch j.Status {
	case StatusSuccess:
		for i, tk := range j.Tasks {
			if tk.Status != StatusSuccess || tk.Begin.IsZero() || tk.End.Before(tk.Begin) {
				t.Errorf("job %d Success: task %d %+v", j.ID, i, tk)
			}
			if i > 0 && !tk.Begin.Equal(j.Tasks[i-1].End) {
				t.Errorf("job %d: task %d begins %v, previous ended %v", j.ID, i, tk.Begin, j.Tasks[i-1].End)
			}
		}
		if first, last := j.Tasks[0], j.Tasks[len(j.Tasks)-1]; !first.Begin.Equal(j.Begin.Truncate(time.Second)) || !last.End.Equal(j.End.Truncate(time.Second)) {
			t.Errorf("job %d: tasks run %v–%v, job %v–%v", j.ID, first.Begin, last.End, j.Begin, j.End)
		}
	case StatusFailed:
		if count[StatusFailed] != 1 {
			t.Errorf("job %d Failed has %d failed tasks, want 1", j.ID, count[StatusFailed])
		}
		after := false
		for _, tk := range j.Tasks {
			if after && (tk.Status != StatusPreparing || !tk.Begin.IsZero() || !tk.End.IsZero()) {
				t.Errorf("job %d: task after the failure %+v, want not started", j.ID, tk)
			}
			if !after && tk.Status != StatusSuccess && tk.Status != StatusFailed {
				t.Errorf("job %d: task before the failure %+v", j.ID, tk)
			}
			after = after || tk.Status == StatusFailed
		}
	case StatusRunning:
		if count[StatusRunning] != 1 {
			t.Errorf("job %d Running has %d running tasks, want 1", j.ID, count[StatusRunning])
		}
	case StatusPreparing:
		if count[StatusPreparing] != len(j.Tasks) {
			t.Errorf("job %d Preparing has started tasks: %+v", j.ID, j.Tasks)
		}
	case StatusInterrupted:
		if count[StatusSuccess]+count[StatusInterrupted]+count[StatusPreparing] != len(j.Tasks) || count[StatusInterrupted] > 1 {
			t.Errorf("job %d Interrupted: tasks %+v", j.ID, j.Tasks)
		}
	case StatusStopping:
		if count[StatusSuccess]+count[StatusStopping]+count[StatusPreparing] != len(j.Tasks) || count[StatusStopping] > 1 {
			t.Errorf("job %d Stopping: tasks %+v", j.ID, j.Tasks)
		}
	}
}

// checkTimes asserts that a job's run times match its status.
func checkTimes(t *testing.T, j JobRecord, now time.Time) {
	t.Helper()
	switch j.Status {
	case StatusPreparing:
		if !j.Begin.IsZero() || !j.End.IsZero() {
			t.Errorf("job %d Preparing has times %v %v", j.ID, j.Begin, j.End)
		}
	case StatusRunning, StatusStopping:
		if !j.End.IsZero() || (j.Status == StatusRunning && (j.Begin.IsZero() || j.Begin.After(now))) {
			t.Errorf("job %d status %d has times %v %v", j.ID, j.Status, j.Begin, j.End)
		}
	case StatusSuccess, StatusFailed:
		if j.Begin.IsZero() || j.End.Before(j.Begin) || j.Begin.Before(j.Created) || j.End.After(now) {
			t.Errorf("job %d status %d: created %v, ran %v–%v", j.ID, j.Status, j.Created, j.Begin, j.End)
		}
	case StatusInterrupted:
		if j.End.IsZero() || j.End.After(now) {
			t.Errorf("job %d Interrupted ends %v", j.ID, j.End)
		}
	}
}

func TestDeterminism(t *testing.T) {
	mk := func(seed int64) *Sim { return New(Options{Clock: NewManualClock(testStart), Seed: seed}) }
	a, b := mk(7), mk(7)
	// Generate in a different account order: data must not depend on it.
	_ = b.Jobs("analyst")
	for _, acc := range []string{"demo", "analyst"} {
		if !reflect.DeepEqual(a.Jobs(acc), b.Jobs(acc)) || !reflect.DeepEqual(a.Workflows(acc), b.Workflows(acc)) {
			t.Errorf("%s: two sims with seed 7 differ", acc)
		}
	}
	if reflect.DeepEqual(a.Jobs("demo"), mk(8).Jobs("demo")) {
		t.Errorf("seeds 7 and 8 gave identical data")
	}
	if !reflect.DeepEqual(New(Options{Clock: NewManualClock(testStart)}).Jobs("demo"), mk(1).Jobs("demo")) {
		t.Errorf("seed 0 is not seed 1")
	}
}

func TestJobEndpoint(t *testing.T) {
	e := newEnv(t, Options{JobsPerAccount: 400})
	tok := e.login(t, "demo", "demo")
	rfc := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$`)
	seen := map[int]bool{}
	for _, j := range e.sim.Jobs("demo") {
		if seen[j.Status] && j.Status == StatusSuccess {
			continue
		}
		seen[j.Status] = true
		r := e.do(t, http.MethodGet, "/api-open/v1/jobs/"+itoa(j.ID), tok, "")
		if !strings.Contains(string(r.env.Data), `"tasks":[{"id":"`) {
			t.Errorf("job data %s: want tasks", r.env.Data)
		}
		d := decodeData[apiJobDetail](t, r)
		want := apiJob{ID: j.ID, Name: j.Name, WorkflowID: j.WorkflowID, WorkflowName: j.WorkflowName, Status: j.Status,
			RunBeginTime: ms(j.Begin), RunEndTime: ms(j.End), CreateTime: j.Created.UnixMilli()}
		if d.apiJob != want {
			t.Errorf("job = %+v, want %+v", d.apiJob, want)
		}
		if len(d.Tasks) != len(j.Tasks) {
			t.Fatalf("job %d: %d tasks, want %d", j.ID, len(d.Tasks), len(j.Tasks))
		}
		for i, tk := range d.Tasks {
			rec := j.Tasks[i]
			for _, s := range []struct {
				got  string
				want time.Time
			}{{tk.RunBeginTime, rec.Begin}, {tk.RunEndTime, rec.End}} {
				if s.want.IsZero() {
					if s.got != "" {
						t.Errorf("task %s time %q, want empty", tk.ID, s.got)
					}
					continue
				}
				parsed, err := time.Parse(time.RFC3339, s.got)
				if !rfc.MatchString(s.got) || err != nil || !parsed.Equal(s.want) {
					t.Errorf("task %s time %q, want %v in RFC 3339 at +08:00", tk.ID, s.got, s.want)
				}
			}
			if tk.ID != rec.ID || tk.Name != rec.Name || tk.Status != rec.Status {
				t.Errorf("task %+v, want %+v", tk, rec)
			}
		}
	}
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func TestManyAccountsAreCheap(t *testing.T) {
	accts := make([]Account, 200)
	for i := range accts {
		accts[i] = Account{Name: "load" + strconv.Itoa(i), Password: "pw" + strconv.Itoa(i)}
	}
	s := New(Options{Clock: NewManualClock(testStart), Accounts: accts})
	began := time.Now()
	seen := map[int64]bool{}
	wfs := map[string]bool{}
	for _, a := range accts[:20] {
		for _, j := range s.Jobs(a.Name) {
			if seen[j.ID] {
				t.Fatalf("job ID %d in two accounts", j.ID)
			}
			seen[j.ID] = true
		}
		for _, w := range s.Workflows(a.Name) {
			if wfs[w.ID] {
				t.Fatalf("workflow ID %s in two accounts", w.ID)
			}
			wfs[w.ID] = true
		}
	}
	if len(seen) != 20*DefaultJobsPerAccount {
		t.Errorf("%d jobs over 20 accounts, want %d", len(seen), 20*DefaultJobsPerAccount)
	}
	t.Logf("20 accounts generated and snapshotted in %v", time.Since(began))
}

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
