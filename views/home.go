package views

import (
	"time"

	"jobboard/apiclient"
	"jobboard/internal/i18n"
)

// Home is the data of the home page.
type Home struct {
	Page
	OpenID    string // the value typed in the open-by-ID box
	OpenError string // message key, "" for none
	// OpenErrorArgs are the arguments of OpenError's message.
	OpenErrorArgs []any
	Recent        []RecentWorkflow
	// Pinned are the reader's pinned saved views (nil: no block, e.g.
	// without a store or for a pasted-token session).
	Pinned  *PinnedViews
	Now     time.Time
	Problem *Problem
}

// RecentWorkflow is a workflow seen in the reader's recent jobs, with its
// newest job.
type RecentWorkflow struct {
	ID   string
	Name string
	Last apiclient.Job
}

// lastRun says in words how a workflow's newest job went.
func lastRun(l i18n.Localizer, j apiclient.Job, now time.Time) string {
	when := j.Created
	if !j.RunEnd.IsZero() {
		when = j.RunEnd
	}
	if !j.Status.Known() {
		return l.T("home.lastrun.unknown", int(j.Status), l.Ago(when, now))
	}
	return l.T("home.lastrun."+statusName(j.Status), l.Ago(when, now))
}
