// Package views holds jobboard's templ components: the layout, one file per
// page (matching the handler of the same name) and shared pieces. Views only
// format what handlers give them; every user-facing string comes from the
// page's i18n.Localizer.
package views

import (
	"time"

	"jobboard/apiclient"
	"jobboard/internal/i18n"
	"jobboard/internal/jobquery"
)

// Page is what every full page needs: the reader's language, the asset URLs
// and who is signed in.
type Page struct {
	L        i18n.Localizer
	Asset    func(name string) string // content-hashed URL of a static asset
	Title    string                   // already localised
	SignedIn bool
	Account  string // "" when signed in with a pasted token
	ReadOnly bool   // the dashboard is read-only: no cancel or run controls
	// PollSeconds is the live-refresh interval written into the layout's
	// <meta name="jobboard-poll"> for static/app.js (0 → no meta).
	PollSeconds int
	// URL is the request's path and query: the page the language switch
	// returns to (static/app.js keeps it current after htmx navigation).
	URL string
	// Version is the build's version shown in the footer ("" → no footer).
	Version string
	// KeepURL tells static/app.js to leave the language switch's return
	// URL as rendered (the sign-in page after a POST, whose address is
	// /login without the page to return to).
	KeepURL bool
}

// Problem is a plain-language error shown in a panel: a message key with
// its arguments, and optionally a Retry or a way back.
type Problem struct {
	Status    int
	Key       string
	Args      []any
	RequestID string
	RetryURL  string // "" = no Retry button
	BackURL   string // "" = no way back
	BackKey   string
	SwitchURL string // sign in as someone else and come back ("" = not offered)
}

// JobList is the data of a workflow's jobs page.
type JobList struct {
	Page
	WorkflowID    string
	WorkflowName  string // "" when no job told us
	Path          string // the list's path, e.g. /workflows/1/jobs
	Query         jobquery.Query
	Zone          *time.Location // zone times are shown in: the reader's (nil → the Query's)
	Errors        jobquery.FieldErrors
	Jobs          []apiclient.Job
	Total         int
	RequestedPage int // the page asked for when it was past the last (else 0)
	// TooDeep: the page of a several-status list could not be merged
	// exactly within the bound on upstream calls; Jobs is empty, Total set.
	TooDeep bool
	Now     time.Time
	// Newer is how many jobs matching the filters came after the pin
	// (Query.AsOf), when NewerCounted; a pinned list says so.
	Newer        int
	NewerCounted bool
	Problem      *Problem // upstream failure shown instead of the results

	// All-jobs list, summary, live refresh and export (see list.go).
	All        bool   // the list spans every workflow: rows show their workflow
	Poll       bool   // render only the live region (a poll request)
	SummaryURL string // lazy outcome summary of these filters
	ExportCSV  string // download of every matching job
	ExportJSON string
}

// Login is the data of the sign-in page.
type Login struct {
	Page
	Next     string // validated local path to return to
	Account  string // kept after a failed attempt; never the password
	ErrorKey string // message key, "" for none
	// NoticeKey says why the page is shown (the session ended, the reader
	// signed out); "" for none.
	NoticeKey string
	Problem   *Problem
}

// Home is the data of the home page.
type Home struct {
	Page
	OpenID    string // the value typed in the open-by-ID box
	OpenError string // message key, "" for none
	Recent    []RecentWorkflow
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
