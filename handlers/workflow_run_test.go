package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"jobboard/apiclient"
	"jobboard/internal/explorersim"
	"jobboard/internal/i18n"
	"jobboard/internal/testenv/childproc"
	"jobboard/views"
)

const taskA = "f93dea90fc3a11ecac7e6da0662c195b"
const taskB = "0123456789abcdef0123456789ABCDEF"

// runFormRows returns the task/param/value of every row of the run form.
func runFormRows(t *testing.T, doc *html.Node) [][3]string {
	t.Helper()
	form := byID(doc, "run-form")
	if form == nil {
		t.Fatal("no #run-form")
	}
	var out [][3]string
	for i := 0; ; i++ {
		task := byID(form, "run-task-"+strconv.Itoa(i))
		if task == nil {
			return out
		}
		out = append(out, [3]string{taskValue(t, task), inputValue(t, form, "run-name-"+strconv.Itoa(i)), inputValue(t, form, "run-value-"+strconv.Itoa(i))})
	}
}

// taskValue is what a row's task control sends: the box's value, or the
// chosen option of the list of tasks.
func taskValue(t *testing.T, n *html.Node) string {
	t.Helper()
	if n.Data != "select" {
		v, _ := attr(n, "value")
		return v
	}
	for _, o := range byTag(n, "option") {
		if _, sel := attr(o, "selected"); sel {
			v, _ := attr(o, "value")
			return v
		}
	}
	return ""
}

func rowsForm(action string, rows ...[3]string) url.Values {
	v := url.Values{"action": {action}}
	for _, r := range rows {
		v.Add("task", r[0])
		v.Add("param", r[1])
		v.Add("value", r[2])
	}
	return v
}

func TestRunWorkflowForm(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	path := "/workflows/" + wf.ID + "/run"

	// The list links to the form.
	list := parseHTML(t, e.get(t, c, "/workflows/"+wf.ID+"/jobs").body)
	if href, _ := attr(byID(list, "run-workflow"), "href"); href != path {
		t.Fatalf("Run workflow link = %q", href)
	}
	a := e.get(t, c, path)
	doc := parseHTML(t, a.body)
	if a.status != http.StatusOK || !slices.Equal(runFormRows(t, doc), [][3]string{{}}) {
		t.Fatalf("form: status %d rows %v", a.status, runFormRows(t, doc))
	}
	if !strings.Contains(text(byTag(doc, "h1")[0]), wf.Name) {
		t.Errorf("heading %q does not name the workflow", text(byTag(doc, "h1")[0]))
	}
	// Enter in a field submits "run", not a row's "Remove".
	var first *html.Node
	for _, b := range byTag(byID(doc, "run-form"), "button") {
		if typ, _ := attr(b, "type"); typ == "submit" {
			first = b
			break
		}
	}
	if v, _ := attr(first, "value"); v != "run" {
		t.Errorf("the form's default button is %q", v)
	}

	// Add a row: everything typed is kept and the new row's first field
	// gets the focus.
	one := [3]string{taskA, "damping", "0.85"}
	a = e.postForm(t, c, path, rowsForm("add", one))
	doc = parseHTML(t, a.body)
	if got := runFormRows(t, doc); a.status != http.StatusOK || !slices.Equal(got, [][3]string{one, {}}) {
		t.Fatalf("after add: %d %v", a.status, got)
	}
	if _, ok := attr(byID(doc, "run-task-1"), "autofocus"); !ok {
		t.Error("the new row is not focused")
	}
	// Remove the first of two rows.
	two := [3]string{taskB, "label", "community 7"}
	a = e.postForm(t, c, path, rowsForm("remove-0", one, two))
	if got := runFormRows(t, parseHTML(t, a.body)); !slices.Equal(got, [][3]string{two}) {
		t.Errorf("after remove-0: %v", got)
	}
	// Removing the last row leaves one empty row; a bad index removes nothing.
	if got := runFormRows(t, parseHTML(t, e.postForm(t, c, path, rowsForm("remove-0", two)).body)); !slices.Equal(got, [][3]string{{}}) {
		t.Errorf("after removing the last row: %v", got)
	}
	if got := runFormRows(t, parseHTML(t, e.postForm(t, c, path, rowsForm("remove-9", two)).body)); !slices.Equal(got, [][3]string{two}) {
		t.Errorf("after remove-9: %v", got)
	}
}

func TestRunWorkflowStartsJob(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	known := map[int64]bool{}
	for _, j := range e.sim.Jobs("demo") {
		known[j.ID] = true
	}
	a := e.postForm(t, c, "/workflows/"+wf.ID+"/run", rowsForm("run",
		[3]string{taskA, "damping", "0.85"}, [3]string{"", "", ""}, [3]string{" " + taskB + " ", "label", "abc"}))
	if a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/jobs/") {
		t.Fatalf("run: %d to %q: %s", a.status, a.header.Get("Location"), a.body)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(a.header.Get("Location"), "/jobs/"), 10, 64)
	if err != nil || known[id] {
		t.Fatalf("redirected to %q, not a new job", a.header.Get("Location"))
	}
	j := simJob(t, e, "demo", id)
	if j.WorkflowID != wf.ID || j.Status != explorersim.StatusPreparing {
		t.Errorf("new job: workflow %s status %d", j.WorkflowID, j.Status)
	}
	doc := parseHTML(t, e.get(t, c, a.header.Get("Location")).body)
	if text(byID(doc, "job-name")) != j.Name || text(byID(doc, "job-status")) != "◷ Preparing" {
		t.Errorf("new job's page: %q %q", text(byID(doc, "job-name")), text(byID(doc, "job-status")))
	}
	if !slices.Contains(rowIDs(t, parseHTML(t, e.get(t, c, "/workflows/"+wf.ID+"/jobs").body)), strconv.FormatInt(id, 10)) {
		t.Error("the new job is not in the workflow's list")
	}
	// No parameters at all is a valid run too.
	if a := e.postForm(t, c, "/workflows/"+wf.ID+"/run", rowsForm("run", [3]string{})); a.status != http.StatusSeeOther {
		t.Errorf("run without parameters: %d", a.status)
	}
}

func TestRunWorkflowInvalidInputKept(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	before := len(e.sim.Jobs("demo"))
	rows := [][3]string{
		{"xyz", "", "5"},                           // bad task, no name
		{taskA, "damping", ""},                     // no value
		{taskA, strings.Repeat("n", 101), "1"},     // name too long
		{taskB, "label", "a"},                      // fine
		{strings.ToLower(taskB), "label", "b"},     // duplicate of row 4
		{"", "", ""},                               // empty: ignored
		{"", "<script>alert(1)</script>", "\"x\""}, // no task; hostile text kept, escaped
	}
	a := e.postForm(t, c, "/workflows/"+wf.ID+"/run", rowsForm("run", rows...))
	if a.status != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", a.status)
	}
	doc := parseHTML(t, a.body)
	if got := runFormRows(t, doc); !slices.Equal(got, rows) {
		t.Errorf("values not kept:\n%q\nwant\n%q", got, rows)
	}
	if strings.Contains(a.body, "<script>alert") {
		t.Error("typed markup is not escaped")
	}
	wantErrs := map[string]string{
		"run-task-0-error":  "A task ID is 32 hexadecimal characters",
		"run-name-0-error":  "Enter the parameter's name.",
		"run-value-1-error": "Enter a value.",
		"run-name-2-error":  "at most 100 characters",
		"run-name-4-error":  "Parameter 4 already sets label",
		"run-task-6-error":  "Enter the ID of the task",
	}
	for id, want := range wantErrs {
		if got := text(byID(doc, id)); !strings.Contains(got, want) {
			t.Errorf("#%s = %q, want %q", id, got, want)
		}
		field := byID(doc, strings.TrimSuffix(id, "-error"))
		if inv, _ := attr(field, "aria-invalid"); inv != "true" {
			t.Errorf("%s is not marked invalid", id)
		}
	}
	all := findAll(doc, func(n *html.Node) bool { return hasClass(n, "field-error") })
	if len(all) != len(wantErrs) {
		t.Errorf("%d messages, want %d", len(all), len(wantErrs))
	}
	if _, ok := attr(byID(doc, "run-task-0"), "autofocus"); !ok {
		t.Error("the first invalid field is not focused")
	}
	if byID(doc, "run-error") == nil {
		t.Error("no summary of the problem")
	}
	if after := len(e.sim.Jobs("demo")); after != before {
		t.Error("an invalid form started a job")
	}
	// Bad workflow IDs.
	if a := e.get(t, c, "/workflows/abc/run"); a.status != http.StatusBadRequest {
		t.Errorf("non-numeric workflow: %d", a.status)
	}
	if a := e.get(t, c, "/workflows/123/run"); a.status != http.StatusNotFound {
		t.Errorf("unknown workflow: %d", a.status)
	}
	if a := e.postForm(t, c, "/workflows/123/run", rowsForm("run", [3]string{})); a.status != http.StatusNotFound {
		t.Errorf("run of unknown workflow: %d", a.status)
	}
}

func TestRunInputValues(t *testing.T) {
	rows := []views.RunRow{
		{Task: taskA, Name: "damping", Value: "0.85"},
		{Task: taskA, Name: "iterations", Value: " 20 "},
		{Task: taskA, Name: "id", Value: "007"},
		{Task: taskA, Name: "big", Value: "12345678901234567890"},
		{Task: taskB, Name: "label", Value: "abc"},
		{Task: taskB, Name: "plus", Value: "+5"},
		{Task: taskB, Name: "exp", Value: "-1e-3"},
	}
	in, ok := validateRunRows(rows)
	if !ok {
		t.Fatalf("valid rows refused: %+v", rows)
	}
	body, err := json.Marshal(map[string]apiclient.Input{"input": in})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"input":{"0123456789abcdef0123456789ABCDEF":{"exp":-1e-3,"label":"abc","plus":"+5"},` +
		`"f93dea90fc3a11ecac7e6da0662c195b":{"big":12345678901234567890,"damping":0.85,"id":"007","iterations":20}}}`
	if string(body) != want {
		t.Errorf("body = %s\nwant   %s", body, want)
	}
	if in, ok := validateRunRows([]views.RunRow{{}, {Task: " "}}); !ok || in != nil {
		t.Errorf("empty rows: %v %v", in, ok)
	}
}

func TestRunFormOffersTheTasksByName(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	newest := e.jobsOf("demo", wf.ID)[0]
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		doc := parseHTML(t, e.get(t, c, views.WorkflowRunURL(wf.ID), "Accept-Language", lang.accept).body)
		sel := byID(doc, "run-task-0")
		if sel == nil || sel.Data != "select" {
			t.Fatalf("%s: the task is not chosen from a list", lang.tag)
		}
		if got := text(findAll(doc, func(n *html.Node) bool { f, _ := attr(n, "for"); return n.Data == "label" && f == "run-task-0" })[0]); got != l.T("run.task") {
			t.Errorf("%s: task label %q", lang.tag, got)
		}
		opts := byTag(sel, "option")
		if len(opts) != len(newest.Tasks)+1 || text(opts[0]) != l.T("run.taskChoose") {
			t.Fatalf("%s: %d options for %d tasks", lang.tag, len(opts), len(newest.Tasks))
		}
		for i, task := range newest.Tasks {
			if v, _ := attr(opts[i+1], "value"); v != task.ID || !strings.HasPrefix(text(opts[i+1]), task.Name) {
				t.Errorf("%s: option %d = %q (%s), want %q (%s)", lang.tag, i+1, text(opts[i+1]), v, task.Name, task.ID)
			}
		}
		// Each task's ID in small print, for those who need it.
		ids := byClass(byID(doc, "run-tasks"), "task-id")
		if len(ids) != len(newest.Tasks) || text(ids[0]) != l.T("run.taskIDSmall", newest.Tasks[0].ID) {
			t.Errorf("%s: task IDs in small print: %d", lang.tag, len(ids))
		}
	}
	// Choosing a task by name runs the workflow with its ID.
	task := newest.Tasks[0]
	a := e.postForm(t, c, views.WorkflowRunURL(wf.ID), rowsForm("run", [3]string{task.ID, "damping", "0.85"}))
	if a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/jobs/") {
		t.Fatalf("run: %d to %q", a.status, a.header.Get("Location"))
	}
}

func TestRunFormWithoutATaskListAsksForIDs(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	// The one-job endpoint fails: no task list to offer.
	e.sim.SetFault(explorersim.Fault{Kind: explorersim.FaultHTML502, PathPrefix: "/api-open/v1/jobs/"})
	defer e.sim.SetFault(explorersim.Fault{})
	for _, lang := range langs {
		doc := parseHTML(t, e.get(t, c, views.WorkflowRunURL(wf.ID), "Accept-Language", lang.accept).body)
		if box := byID(doc, "run-task-0"); box == nil || box.Data != "input" {
			t.Fatalf("%s: no task ID box", lang.tag)
		}
		if got := text(byID(doc, "run-no-tasks")); got != i18n.For(lang.tag).T("run.noTasksKnown") {
			t.Errorf("%s: hint %q", lang.tag, got)
		}
	}
}

func TestRunAgainFromAJobPage(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	job := findJob(t, e, "demo", withStatus(explorersim.StatusFailed))
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		doc := parseHTML(t, e.get(t, c, jobPath(job.ID), "Accept-Language", lang.accept).body)
		again := byID(doc, "run-again")
		if again == nil || text(again) != l.T("run.again") {
			t.Fatalf("%s: no Run again on the job page", lang.tag)
		}
		href, _ := attr(again, "href")
		if href != views.RunAgainURL(job.WorkflowID, job.ID) {
			t.Errorf("%s: Run again links to %q", lang.tag, href)
		}
		form := parseHTML(t, e.get(t, c, href, "Accept-Language", lang.accept).body)
		if got := text(byID(form, "run-again-hint")); got != l.T("run.againHint") {
			t.Errorf("%s: the form does not say which inputs a new run gets: %q", lang.tag, got)
		}
		opts := byTag(byID(form, "run-task-0"), "option")
		if len(opts) != len(job.Tasks)+1 {
			t.Errorf("%s: %d options, want the %d tasks of job %d", lang.tag, len(opts)-1, len(job.Tasks), job.ID)
		}
		if got := inputValue(t, form, "run-from"); got != strconv.FormatInt(job.ID, 10) {
			t.Errorf("%s: the form does not keep the job it runs again: %q", lang.tag, got)
		}
	}
	// Read-only: no Run again.
	ro := e.withOptions(t, func(o *Options) { o.ReadOnly = true })
	if byID(parseHTML(t, ro.get(t, ro.signedIn(t, "demo"), jobPath(job.ID)).body), "run-again") != nil {
		t.Error("a read-only dashboard offers Run again")
	}
}

func TestRunFormNotAgainUnlessAsked(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	for _, a := range []answer{
		e.get(t, c, views.WorkflowRunURL(wf.ID)),
		e.postForm(t, c, views.WorkflowRunURL(wf.ID), rowsForm("add", [3]string{"", "", ""})),
	} {
		doc := parseHTML(t, a.body)
		if byID(doc, "run-again-hint") != nil || byID(doc, "run-from") != nil {
			t.Errorf("status %d: a plain run form says it runs a job again", a.status)
		}
	}
}

// lostStartAnswer is an Explorer whose StartJob reaches Explorer (the job
// starts) but whose answer is lost: it came too late or could not be read.
type lostStartAnswer struct {
	Explorer
	err error
}

func (l lostStartAnswer) StartJob(ctx context.Context, tok apiclient.Token, workflowID int64, in apiclient.Input) (int64, error) {
	if _, err := l.Explorer.StartJob(ctx, tok, workflowID, in); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("start job: %w", l.err)
}

// TestRunWithItsAnswerLostSaysTheJobMayHaveStarted: when Explorer's answer
// to a run is lost (a timeout, an unreadable body, the connection cut once
// the request was written) the job may well have
// started, so the form, kept as typed, says so and sends the reader to the
// jobs list instead of saying Explorer could not be reached (which invites
// a second run); in English and Chinese; no Retry.
func TestRunWithItsAnswerLostSaysTheJobMayHaveStarted(t *testing.T) {
	losses := map[string]error{
		"timeout": apiclient.ErrTimeout, "unreadable answer": apiclient.ErrBadResponse,
		"connection cut after the request": startThrough(t, cuttingExplorer(t)),
	}
	for name, lost := range losses {
		e := newEnv(t, 0, func(_ *testEnv, o *Options) { o.Explorer = lostStartAnswer{Explorer: o.Explorer, err: lost} })
		c := e.signedIn(t, "demo")
		wf := e.workflow(t, "demo")
		for _, lang := range langs {
			l := i18n.For(lang.tag)
			before := len(e.jobsOf("demo", wf.ID))
			a := e.postForm(t, c, "/workflows/"+wf.ID+"/run", rowsForm("run", [3]string{taskA, "damping", "0.85"}), "Accept-Language", lang.accept)
			if a.status < 500 {
				t.Errorf("%s (%s): status %d, want 5xx", name, lang.tag, a.status)
			}
			if after := len(e.jobsOf("demo", wf.ID)); after != before+1 {
				t.Fatalf("%s (%s): %d jobs after the run, want %d (the stand-in starts the job)", name, lang.tag, after, before+1)
			}
			doc := parseHTML(t, a.body)
			page := text(doc)
			if want := l.T("run.unconfirmed"); !strings.Contains(page, want) {
				t.Errorf("%s (%s): page lacks %q: %s", name, lang.tag, want, page)
			}
			for _, wrong := range []string{l.T("problem.unavailable"), l.T("problem.timeout")} {
				if strings.Contains(page, wrong) {
					t.Errorf("%s (%s): page says %q of a run that started", name, lang.tag, wrong)
				}
			}
			// The form is the one the reader ran: the workflow's name and
			// its tasks, not a note that no job lists any.
			if h1 := byTag(doc, "h1"); len(h1) == 0 || !strings.Contains(text(h1[0]), wf.Name) {
				t.Errorf("%s (%s): heading does not name the workflow %q", name, lang.tag, wf.Name)
			}
			if strings.Contains(page, l.T("run.noTasksKnown")) {
				t.Errorf("%s (%s): page says no job lists the tasks of a workflow whose jobs do", name, lang.tag)
			}
			if got := inputValue(t, doc, "run-name-0"); got != "damping" {
				t.Errorf("%s (%s): parameter name %q, want the typed one kept", name, lang.tag, got)
			}
			jobs := "/workflows/" + wf.ID + "/jobs"
			if len(findAll(doc, func(n *html.Node) bool { h, _ := attr(n, "href"); return n.Data == "a" && h == jobs })) == 0 {
				t.Errorf("%s (%s): no link to the workflow's jobs %s", name, lang.tag, jobs)
			}
			if len(findAll(doc, func(n *html.Node) bool { return n.Data == "a" && text(n) == l.T("problem.retry") })) != 0 {
				t.Errorf("%s (%s): a Retry is offered for a run that may have started", name, lang.tag)
			}
		}
	}
}

// cuttingExplorer is an Explorer that reads each request whole and then
// closes the connection without answering.
func cuttingExplorer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			_ = conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// startThrough is the error a real client's StartJob meets at base.
func startThrough(t *testing.T, base string) error {
	t.Helper()
	c, err := apiclient.New(base, apiclient.WithoutBreaker())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.StartJob(t.Context(), "a-token", 1, nil)
	if err == nil {
		t.Fatalf("StartJob at %s: no error", base)
	}
	return err
}

// failedStart is an Explorer whose StartJob fails with err without
// starting anything.
type failedStart struct {
	Explorer
	err error
}

func (f failedStart) StartJob(context.Context, apiclient.Token, int64, apiclient.Input) (int64, error) {
	return 0, fmt.Errorf("start job: %w", f.err)
}

// TestRunThatNeverLeftSaysExplorerCouldNotBeReached: a run whose call could
// not connect never reached Explorer, so the form says Explorer could not
// be reached, not that the job may have started.
func TestRunThatNeverLeftSaysExplorerCouldNotBeReached(t *testing.T) {
	port, err := childproc.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	never := startThrough(t, "http://127.0.0.1:"+strconv.Itoa(port))
	e := newEnv(t, 0, func(_ *testEnv, o *Options) { o.Explorer = failedStart{Explorer: o.Explorer, err: never} })
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		a := e.postForm(t, c, "/workflows/"+wf.ID+"/run", rowsForm("run", [3]string{taskA, "damping", "0.85"}), "Accept-Language", lang.accept)
		page := text(parseHTML(t, a.body))
		if a.status < 500 {
			t.Errorf("%s: status %d, want 5xx", lang.tag, a.status)
		}
		if want := l.T("problem.unavailable"); !strings.Contains(page, want) {
			t.Errorf("%s: page lacks %q: %s", lang.tag, want, page)
		}
		if strings.Contains(page, l.T("run.unconfirmed")) {
			t.Errorf("%s: page says the job may have started, though the call never left", lang.tag)
		}
	}
}
