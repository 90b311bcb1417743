package views

import (
	"fmt"
	"strings"
	"time"

	"github.com/a-h/templ"

	"jobboard/apiclient"
	"jobboard/internal/i18n"
)

// Result row limits a reader may choose on a task's result page.
const (
	// DefaultResultLimit is the number of sample rows shown when the URL
	// has no limit; it is left out of URLs.
	DefaultResultLimit = 100
)

// ResultLimits lists the accepted sample row limits, in display order.
var ResultLimits = []int{10, 100, 1000}

// JobDetail is the data of a job's page.
type JobDetail struct {
	Page
	Job    apiclient.JobDetail
	Tasks  []apiclient.Task // in Explorer's (pipeline) order
	Failed *apiclient.Task  // the task a failed job failed at (nil if none)
	Nav    JobNav
	Zone   *time.Location // zone times are shown in
	Now    time.Time
	// Cancelled: this reader has just asked for a cancel (a flash cookie
	// after the POST, then the page's own polls say so in a header).
	Cancelled bool
	NoticeKey string // a message about a cancel that had nothing to do ("" = none)
}

// BackURL is where the page's back link goes.
func (d JobDetail) BackURL() string {
	if d.Nav.Back != "" {
		return d.Nav.Back
	}
	return WorkflowJobsPath(d.Job.WorkflowID)
}

// SelfURL is the canonical URL of the page's current state, which the
// live refresh re-fetches.
func (d JobDetail) SelfURL() string { return JobDetailURL(d.Job.ID, d.Nav) }

// NoticeHeader is the request header with which the live refresh of a
// page showing the cancel notice asks to keep showing it. It lives in the
// page, never in its URL, so a copied link does not carry it.
const NoticeHeader = "Jobboard-Notice"

// NoticeCancelled is NoticeHeader's value for the cancel notice.
const NoticeCancelled = "cancelled"

// pollHeaders is the hx-headers of the live refresh: the notice to keep.
func (d JobDetail) pollHeaders() string {
	if !d.Cancelled {
		return ""
	}
	return `{"` + NoticeHeader + `":"` + NoticeCancelled + `"}`
}

// notRun reports whether task t never ran and never will: its job
// finished while it was still waiting (Explorer leaves it Preparing).
func (d JobDetail) notRun(t apiclient.Task) bool {
	return d.Job.Status.Terminal() && t.RunBegin.IsZero() && !t.Status.Terminal()
}

// hasResult reports whether task t has a sample result: only a task that
// succeeded does.
func hasResult(t apiclient.Task) bool { return t.Status == apiclient.StatusSuccess }

// noResultKey says why task t has no result: not finished yet (the job is
// still moving) or did not finish.
func (d JobDetail) noResultKey() string {
	if d.Job.Status.InFlight() {
		return "task.noResultYet"
	}
	return "task.noResult"
}

// taskAnchor is the id of a task's row, which the failure sentence links to.
func taskAnchor(t apiclient.Task) string { return "task-" + t.ID }

// Polling reports whether the page refreshes itself: only while the job is
// in flight (Preparing, Running or Stopping).
func (d JobDetail) Polling() bool { return d.Job.Status.InFlight() }

// CanCancel reports whether the page offers "Cancel job".
func (d JobDetail) CanCancel() bool { return !d.ReadOnly && d.Job.Status.Cancellable() }

// TaskResults is the data of a task's sample result page.
type TaskResults struct {
	Page
	Job        apiclient.Job
	Task       apiclient.Task
	Nav        JobNav
	Limit      int    // the limit in use
	LimitError string // the invalid limit as typed ("" = valid)
	Rows       [][]string
	Columns    int // the widest row's number of cells
}

// JobCancel is the data of a cancel confirmation (page or dialog).
type JobCancel struct {
	Page
	Job       apiclient.Job
	Nav       JobNav
	NoticeKey string // the job cannot be cancelled: why ("" = it can)
}

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

// taskDuration says how long a task ran, like the jobs table does for jobs.
func taskDuration(l i18n.Localizer, t apiclient.Task, now time.Time) string {
	return duration(l, apiclient.Job{Status: t.Status, RunBegin: t.RunBegin, RunEnd: t.RunEnd}, now)
}

// failure says in words where a failed job failed: "Failed at task
// PageRank after 2 min 5 s — see below" (time from the job's start to the
// task's end); the page links it to the task's row.
func failure(d JobDetail) string {
	l := d.L
	if d.Failed == nil {
		return l.T("job.failedNoTask")
	}
	end := d.Failed.RunEnd
	if end.IsZero() {
		end = d.Job.RunEnd
	}
	if d.Job.RunBegin.IsZero() || end.IsZero() {
		return l.T("job.failedAtTask", d.Failed.Name)
	}
	return l.T("job.failedAt", d.Failed.Name, l.Duration(end.Sub(d.Job.RunBegin)))
}

// cancelNotice is the message shown after the reader asked for a cancel,
// worded after what the job did since.
func cancelNotice(d JobDetail) string {
	switch d.Job.Status {
	case apiclient.StatusInterrupted:
		return d.L.T("job.cancelDone")
	case apiclient.StatusSuccess, apiclient.StatusFailed:
		return d.L.T("cancel.nothing")
	}
	return d.L.T("job.cancelRequested")
}

// resultHeader is the heading of column i (0-based) of sample result rows,
// in the reader's language.
func resultHeader(l i18n.Localizer, i int) string {
	switch i {
	case 0:
		return l.T("task.col.vertex")
	case 1:
		return l.T("task.col.value")
	case 2:
		return l.T("task.col.group")
	}
	return l.T("task.col.n", i+1)
}

// cell returns cell i of row, "" past its end (rows may be ragged).
func cell(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

// columns returns 0..n-1, for ranging over result columns.
func columns(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// stampLayout is the time stamp Explorer ends job names with
// (workflow_q745a_20220715163650), written on Explorer's clock.
const stampLayout = "20060102150405"

// nameStamp reads the time stamp at the end of a job's name and the
// offset from UTC of the clock it was written on. ok is false when the
// name has no stamp of its creation, or when it reads the same as the
// Created time shown in zone (nothing to explain).
func nameStamp(name string, created time.Time, zone *time.Location) (stamp time.Time, offset time.Duration, ok bool) {
	i := strings.LastIndexByte(name, '_')
	if i < 0 || len(name)-i-1 != len(stampLayout) || created.IsZero() {
		return time.Time{}, 0, false
	}
	raw := name[i+1:]
	stamp, err := time.ParseInLocation(stampLayout, raw, time.UTC)
	if err != nil {
		return time.Time{}, 0, false
	}
	if zone == nil {
		zone = time.UTC
	}
	if created.In(zone).Format(stampLayout) == raw {
		return time.Time{}, 0, false
	}
	// The stamp is the creation time on a clock some whole quarter hours
	// away from UTC; anything else is not a creation stamp.
	off := stamp.Sub(created.Truncate(time.Second))
	quarter := off.Round(15 * time.Minute)
	if drift := off - quarter; drift < -time.Minute || drift > time.Minute || quarter.Abs() > 14*time.Hour {
		return time.Time{}, 0, false
	}
	return stamp, quarter, true
}

// stampHint says which clock the time stamp at the end of the job's name
// is on, when it reads differently from the Created time as shown (another
// zone); "" when the name has no stamp of its creation or it matches.
func stampHint(d JobDetail) string {
	stamp, off, ok := nameStamp(d.Job.Name, d.Job.Created, d.Zone)
	if !ok {
		return ""
	}
	return d.L.T("job.stampHint", stamp.Format(d.L.T("format.datetime")), utcOffset(off))
}

// utcOffset writes an offset from UTC as "+08:00" ("" for none).
func utcOffset(off time.Duration) string {
	if off == 0 {
		return ""
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	h, m := int(off/time.Hour), int(off%time.Hour/time.Minute)
	return fmt.Sprintf("%s%02d:%02d", sign, h, m)
}

// taskBadge is a task's status, or "Not run" for a task its finished job
// never started.
func taskBadge(d JobDetail, t apiclient.Task) templ.Component {
	if d.notRun(t) {
		return badge("notrun", "–", d.L.T("task.notRun"))
	}
	return StatusBadge(d.L, t.Status)
}

// jobBadge is the job's status; a Stopping job says a cancel was asked
// for, which is all "Stopping" means.
func jobBadge(d JobDetail) templ.Component {
	if d.Job.Status == apiclient.StatusStopping {
		return badge("stopping", statusIcon(apiclient.StatusStopping), d.L.T("status.stoppingLong"))
	}
	return StatusBadge(d.L, d.Job.Status)
}

// taskStatusName is the data-status of a task's row ("notrun" for a task
// that never ran).
func taskStatusName(d JobDetail, t apiclient.Task) string {
	if d.notRun(t) {
		return "notrun"
	}
	return statusName(t.Status)
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
