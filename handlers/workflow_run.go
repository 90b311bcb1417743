package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/a-h/templ"
	"github.com/gin-gonic/gin"

	"jobboard/apiclient"
	"jobboard/internal/download"
	"jobboard/internal/session"
	"jobboard/views"
)

// Limits of the run form.
const (
	maxRunRows     = 50   // parameter rows a form may hold
	maxParamName   = 100  // characters in a parameter name
	maxParamValue  = 1000 // characters in a parameter value
	runActionAdd   = "add"
	runActionDrop  = "remove-"
	runFieldTask   = "task"
	runFieldParam  = "param"
	runFieldValue  = "value"
	runFocusPrefix = "run-"
)

// runForm serves GET /workflows/:id/run: the "Run workflow" form with one
// empty parameter row, offering the tasks of the workflow's most recent
// job by name; from=N ("Run again" on job N's page) offers job N's tasks
// and says a new run starts with the workflow's saved inputs.
//
// Answers: 200; 400 for an ID that is not a number; 404 for an unknown
// workflow; 403 in read-only mode.
func (h *handler) runForm(c *gin.Context) error {
	d, sess, id, err := h.runData(c)
	if err != nil {
		return err
	}
	if err := h.checkWorkflow(c, sess, id, &d); err != nil {
		return err
	}
	d.Rows = []views.RunRow{{}}
	return h.render(c, http.StatusOK, h.runView(c, d))
}

// runSubmit serves POST /workflows/:id/run (same-origin only, refused in
// read-only mode). action=add adds an empty row and action=remove-N
// removes row N (0-based), re-showing the form with everything typed;
// anything else runs the workflow: rows with any field set need a task ID
// (32 hex digits), a parameter name (at most 100 characters) and a value;
// a task may not get the same name twice. Values written as JSON numbers
// are sent as numbers, others as strings. On success the reader goes to
// the new job's page.
//
// Answers: 303 to /jobs/N (HX-Redirect for htmx); 200 after add/remove;
// 400 with per-field messages, or when the form asks for two different
// actions at once or holds more than maxRunRows rows with something typed
// (nothing done, rows kept); 404 unknown workflow; 403 cross-site or
// read-only; 502/504 (form kept) when Explorer fails.
func (h *handler) runSubmit(c *gin.Context) error {
	d, sess, id, err := h.runData(c)
	if err != nil {
		return err
	}
	var over bool
	d.Rows, over = runRows(c)
	action, repeated := postedOne(c, "action")
	switch {
	case repeated.Key != "":
		// Two buttons at once (add and run): none is done, the rows kept.
		d.FormError = views.Msg{Key: "form.repeatedAction", Args: repeated.Args}
		return h.rerunForm(c, sess, id, d, http.StatusBadRequest)
	case over:
		// More rows than a form holds: nothing is done without the rest.
		d.FormError = views.Msg{Key: "run.tooMany", Args: []any{maxRunRows}}
		return h.rerunForm(c, sess, id, d, http.StatusBadRequest)
	case action == runActionAdd:
		if len(d.Rows) >= maxRunRows {
			d.FormError = views.Msg{Key: "run.tooMany", Args: []any{maxRunRows}}
		} else {
			d.Rows = append(d.Rows, views.RunRow{})
			d.Focus = runFieldID(runFieldTask, len(d.Rows)-1)
		}
		return h.rerunForm(c, sess, id, d, http.StatusOK)
	case strings.HasPrefix(action, runActionDrop):
		if i, err := strconv.Atoi(strings.TrimPrefix(action, runActionDrop)); err == nil && i >= 0 && i < len(d.Rows) {
			d.Rows = append(d.Rows[:i], d.Rows[i+1:]...)
		}
		if len(d.Rows) == 0 {
			d.Rows = []views.RunRow{{}}
		}
		d.Focus = "run-add"
		return h.rerunForm(c, sess, id, d, http.StatusOK)
	}
	in, ok := validateRunRows(d.Rows)
	if !ok {
		d.FormError = views.Msg{Key: "run.fixErrors"}
		d.Focus = firstInvalid(d.Rows)
		return h.rerunForm(c, sess, id, d, http.StatusBadRequest)
	}
	jobID, err := h.explorer.StartJob(c.Request.Context(), sess.Token, id, in)
	if err != nil {
		if errors.Is(err, apiclient.ErrNotFound) {
			return notInAccount("Workflow", d.WorkflowID, sess.Account, err)
		}
		if errors.Is(err, apiclient.ErrUnauthorized) {
			return err
		}
		// The one error path, inside the form so that nothing is lost, with
		// the workflow's name and tasks as the form showed them (best effort:
		// Explorer may be failing).
		_ = h.checkWorkflow(c, sess, id, &d)
		return inFrame(startFailure(err), func(p views.Problem) templ.Component {
			d.Problem = &p
			return h.runView(c, d)
		})
	}
	h.redirect(c, views.JobPath(jobID))
	return nil
}

// startFailure is the error of a run Explorer did not confirm, offering no
// Retry (a write is never repeated for the reader). An answer that came too
// late, could not be read, or was cut off with the connection after the
// request had gone may well follow a job that started, so it says so
// instead of "could not be reached", which invites a second run; only a
// call that never left (no connection, circuit open) says that.
func startFailure(err error) error {
	e := *classify(err)
	e.retry = false
	if errors.Is(err, apiclient.ErrTimeout) || errors.Is(err, apiclient.ErrBadResponse) ||
		(errors.Is(err, apiclient.ErrUnreachable) && !apiclient.NotSent(err)) {
		e.key = "run.unconfirmed"
	}
	return &e
}

// runData reads what both run routes need: the session and the workflow ID.
func (h *handler) runData(c *gin.Context) (views.WorkflowRun, *session.Data, int64, error) {
	sess, err := h.requireSession(c)
	if err != nil {
		return views.WorkflowRun{}, nil, 0, err
	}
	raw := c.Param("id")
	id, ok := parseWorkflowID(raw)
	if !ok {
		return views.WorkflowRun{}, nil, 0, &appError{status: http.StatusBadRequest, key: "problem.badWorkflow", args: []any{raw}, back: true}
	}
	d := views.WorkflowRun{Page: h.page(c, &sess), WorkflowID: strconv.FormatInt(id, 10)}
	return d, &sess, id, nil
}

// checkWorkflow asks Explorer for one job of the workflow: an unknown
// workflow is a 404, and a job tells the workflow's name and, with its
// task list, the tasks the form offers (runTasks).
func (h *handler) checkWorkflow(c *gin.Context, sess *session.Data, id int64, d *views.WorkflowRun) error {
	one, err := h.explorer.ListWorkflowJobs(c.Request.Context(), sess.Token, id, apiclient.ListQuery{PageSize: 1})
	switch {
	case errors.Is(err, apiclient.ErrNotFound):
		return notInAccount("Workflow", d.WorkflowID, sess.Account, err)
	case err != nil:
		if c.Request.Method != http.MethodGet {
			err = classifyNoRetry(err)
		}
		return err
	}
	if len(one.Items) > 0 {
		d.WorkflowName = one.Items[0].WorkflowName
		h.runTasks(c, sess, d, one.Items[0].ID)
	}
	return nil
}

// runTasks fills the tasks the form offers from the task list of job
// from= (the query, or the form for a POST) when it is a job of this
// workflow, else of the workflow's newest job. A failure leaves the list
// empty: the form then asks for task IDs, which still works.
func (h *handler) runTasks(c *gin.Context, sess *session.Data, d *views.WorkflowRun, newest int64) {
	from := queryOne(c, "from")
	if c.Request.Method == http.MethodPost {
		from = formOne(c, "from")
	}
	ids := []int64{newest}
	if id, ok := parseWorkflowID(from); ok && id != newest { // job IDs have the same grammar
		ids = []int64{id, newest}
	}
	for _, id := range ids {
		job, err := h.getJob(c.Request.Context(), sess.Token, id)
		if err != nil || job.WorkflowID != d.WorkflowID || len(job.Tasks) == 0 {
			continue
		}
		d.TasksFrom, d.Again = id, from != "" && strconv.FormatInt(id, 10) == from
		d.Tasks = make([]views.RunTask, len(job.Tasks))
		for i, t := range job.Tasks {
			d.Tasks[i] = views.RunTask{ID: t.ID, Name: t.Name}
		}
		return
	}
}

// rerunForm re-shows the form after add, remove or invalid input. The
// workflow's name is looked up again; if that fails the form is still
// shown, under the workflow's ID.
func (h *handler) rerunForm(c *gin.Context, sess *session.Data, id int64, d views.WorkflowRun, status int) error {
	if err := h.checkWorkflow(c, sess, id, &d); err != nil {
		var ae *appError
		if errors.As(err, &ae) && ae.status == http.StatusNotFound {
			return err
		}
		if errors.Is(err, apiclient.ErrUnauthorized) {
			return err
		}
	}
	return h.render(c, status, h.runView(c, d))
}

func (h *handler) runView(c *gin.Context, d views.WorkflowRun) templ.Component {
	name := d.WorkflowName
	if name == "" {
		name = d.L.T("jobs.workflowFallback") + " " + d.WorkflowID
	}
	d.Title = d.L.T("run.title", name)
	return views.WorkflowRunPage(d)
}

// runRows reads the posted rows: the task, param and value fields, in
// order, at most maxRunRows. over reports rows past those with anything
// typed in them: they are not shown, so the form must not run without
// them as if they had not been sent.
func runRows(c *gin.Context) (rows []views.RunRow, over bool) {
	tasks, names, values := c.PostFormArray(runFieldTask), c.PostFormArray(runFieldParam), c.PostFormArray(runFieldValue)
	at := func(s []string, i int) string {
		if i < len(s) {
			return s[i]
		}
		return ""
	}
	all := max(len(tasks), len(names), len(values))
	rows = make([]views.RunRow, min(all, maxRunRows))
	for i := range rows {
		rows[i] = views.RunRow{Task: at(tasks, i), Name: at(names, i), Value: at(values, i)}
	}
	for i := len(rows); i < all && !over; i++ {
		over = strings.TrimSpace(at(tasks, i)+at(names, i)+at(values, i)) != ""
	}
	if len(rows) == 0 {
		rows = []views.RunRow{{}}
	}
	return rows, over
}

// validateRunRows checks the rows in place, setting their messages, and
// returns the input to send (nil when every row is empty).
func validateRunRows(rows []views.RunRow) (apiclient.Input, bool) {
	var in apiclient.Input
	ok := true
	type key struct{ task, name string }
	seen := map[key]int{}
	for i := range rows {
		r := &rows[i]
		task, name, value := strings.TrimSpace(r.Task), strings.TrimSpace(r.Name), strings.TrimSpace(r.Value)
		if task == "" && name == "" && value == "" {
			continue
		}
		switch {
		case task == "":
			r.TaskErr = views.Msg{Key: "run.taskMissing"}
		case !isTaskID(task):
			r.TaskErr = views.Msg{Key: "run.taskInvalid"}
		}
		switch {
		case name == "":
			r.NameErr = views.Msg{Key: "run.nameMissing"}
		case utf8.RuneCountInString(name) > maxParamName:
			r.NameErr = views.Msg{Key: "run.nameLong", Args: []any{maxParamName}}
		}
		switch {
		case value == "":
			r.ValueErr = views.Msg{Key: "run.valueMissing"}
		case utf8.RuneCountInString(value) > maxParamValue:
			r.ValueErr = views.Msg{Key: "run.valueLong", Args: []any{maxParamValue}}
		}
		if r.TaskErr.Key == "" && r.NameErr.Key == "" {
			k := key{strings.ToLower(task), name}
			if j, dup := seen[k]; dup {
				r.NameErr = views.Msg{Key: "run.duplicate", Args: []any{j + 1, name}}
			} else {
				seen[k] = i
			}
		}
		if r.TaskErr.Key != "" || r.NameErr.Key != "" || r.ValueErr.Key != "" {
			ok = false
			continue
		}
		if in == nil {
			in = apiclient.Input{}
		}
		if in[task] == nil {
			in[task] = map[string]any{}
		}
		in[task][name] = paramValue(value)
	}
	if !ok {
		return nil, false
	}
	return in, true
}

// paramValue sends a value written as a JSON number as a number (exactly
// as written, so large integers keep their digits) and anything else, such
// as "007" or "1e", as a string.
func paramValue(s string) any {
	if json.Valid([]byte(s)) && download.IsNumber(s) && s[0] != '+' {
		return json.Number(s)
	}
	return s
}

// firstInvalid is the id of the first field with a message.
func firstInvalid(rows []views.RunRow) string {
	for i, r := range rows {
		switch {
		case r.TaskErr.Key != "":
			return runFieldID(runFieldTask, i)
		case r.NameErr.Key != "":
			return runFieldID("name", i)
		case r.ValueErr.Key != "":
			return runFieldID(runFieldValue, i)
		}
	}
	return ""
}

// runFieldID is the id of a row's field in the form ("run-task-0").
func runFieldID(field string, i int) string {
	return runFocusPrefix + field + "-" + strconv.Itoa(i)
}
