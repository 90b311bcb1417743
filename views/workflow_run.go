package views

import (
	"strings"
)

// Msg is a message key with its arguments; the zero Msg is no message.
type Msg struct {
	Key  string
	Args []any
}

// RunRow is one input parameter row of the run form, as typed, with the
// problems of its fields.
type RunRow struct {
	Task, Name, Value          string
	TaskErr, NameErr, ValueErr Msg
}

// RunTask is a task the run form offers: its name as the reader knows it
// and the ID Explorer wants.
type RunTask struct {
	ID, Name string
}

// WorkflowRun is the data of the "Run workflow" form.
type WorkflowRun struct {
	Page
	WorkflowID   string
	WorkflowName string // "" when no job told us
	// Tasks are the workflow's tasks, from the task list of TasksFrom (its
	// most recent job, or the job "Run again" was pressed on); empty when
	// no job lists them, and the form asks for task IDs.
	Tasks     []RunTask
	TasksFrom int64
	Again     bool // opened by "Run again" on the page of job TasksFrom
	Rows      []RunRow
	FormError Msg      // a problem with the form as a whole
	Focus     string   // id of the control to focus on load ("" = none)
	Problem   *Problem // Explorer refused or failed
}

// taskLabel is how task t is offered: by name, with the start of its ID
// when another task of the workflow has the same name.
func (d WorkflowRun) taskLabel(t RunTask) string {
	for _, o := range d.Tasks {
		if o.ID != t.ID && o.Name == t.Name {
			return t.Name + " · " + t.ID[:min(8, len(t.ID))]
		}
	}
	return t.Name
}

// knownTask reports whether id (as typed or posted) is one of the offered
// tasks.
func (d WorkflowRun) knownTask(id string) bool {
	for _, t := range d.Tasks {
		if strings.EqualFold(t.ID, id) {
			return true
		}
	}
	return false
}

// sameTask compares task IDs as Explorer does: hex digits in any case.
func sameTask(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), b) }
