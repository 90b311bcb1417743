package views

import (
	"time"

	"github.com/a-h/templ"

	"jobboard/apiclient"
	"jobboard/internal/i18n"
)

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
