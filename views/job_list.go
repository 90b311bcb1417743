package views

import (
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"jobboard/apiclient"
	"jobboard/internal/jobquery"
)

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

	// All-jobs list and live refresh.
	All  bool // the list spans every workflow: rows show their workflow
	Poll bool // render only the live region (a poll request)
}

// covered is the Query the summary and the downloads cover: the filters,
// whatever the page or size.
func (d *JobList) covered() jobquery.Query { return d.Query.WithSize(jobquery.DefaultSize) }

// SummaryLink is the URL of the list's outcome summary.
func (d *JobList) SummaryLink() string { return d.covered().URL(SummaryPath(d.Path)) }

// ExportLink is the URL of the download of every job of the list as
// format "csv" or "json".
func (d *JobList) ExportLink(format string) string {
	return d.covered().URL(ExportPath(d.Path, format))
}

// appendSummaryLink appends SummaryLink() to b.
func appendSummaryLink(b []byte, d *JobList) []byte {
	return d.covered().AppendURL(appendSummaryPath(b, d.Path), "")
}

// appendExportLink appends ExportLink(format) to b.
func appendExportLink(b []byte, d *JobList, format string) []byte {
	return d.covered().AppendURL(appendExportPath(b, d.Path, format), "")
}

// dateInputType picks the form control for a from/to value: a date picker
// for dates, a date-time picker for date-times, and plain text for a value
// that did not parse, so the reader sees exactly what they typed.
func dateInputType(value string, invalid bool) string {
	switch {
	case invalid:
		return "text"
	case len(value) > len("2006-01-02"):
		return "datetime-local"
	}
	return "date"
}

// fieldValue is what a form field shows: the value as typed when it was
// invalid, the parsed value otherwise.
func fieldValue(errs jobquery.FieldErrors, field, parsed string) string {
	if e, ok := errs[field]; ok {
		return shown(e.Value)
	}
	return parsed
}

// errorID is the id of the message that explains field's problem: its
// own, or that of the field it is part of (FieldError.Of).
func errorID(errs jobquery.FieldErrors, field string) string {
	if of := errs[field].Of; of != "" {
		return "f-" + of + "-error"
	}
	return "f-" + field + "-error"
}

// pageWindow returns the page numbers shown around the current page
// (pageSpan's, as a list).
func pageWindow(current, last int) []int {
	lo, hi := pageSpan(current, last)
	pages := make([]int, 0, hi-lo+1)
	for p := lo; p <= hi; p++ {
		pages = append(pages, p)
	}
	return pages
}

// pageSpan returns the first and last page number shown around the
// current page. A current page past the last (Explorer's total shrank
// while the page still held rows) counts as the last, so the window still
// leads back.
func pageSpan(current, last int) (lo, hi int) {
	last = max(last, current)
	return max(1, current-2), min(last, current+2)
}

// hasError reports whether field has a problem.
func hasError(errs jobquery.FieldErrors, field string) bool {
	_, ok := errs[field]
	return ok
}

// orderValue and sizeValue fill the hidden order/size inputs that the
// results region lends the filter form, so filtering keeps them.
func orderValue(q jobquery.Query) string {
	if q.Asc {
		return "asc"
	}
	return ""
}

func sizeValue(q jobquery.Query) string {
	if q.Size == jobquery.DefaultSize {
		return ""
	}
	return strconv.Itoa(q.Size)
}

func ariaSort(q jobquery.Query) string {
	if q.Asc {
		return "ascending"
	}
	return "descending"
}

func sortArrow(q jobquery.Query) string {
	if q.Asc {
		return "↑"
	}
	return "↓"
}

// sortHint tells screen readers what the Created link does.
func sortHint(d *JobList) string {
	if d.Query.Asc {
		return d.L.T("jobs.sortNewest")
	}
	return d.L.T("jobs.sortOldest")
}

// summary is "Showing 21–40 of 2,345 jobs".
func summary(d *JobList) string {
	var buf [128]byte
	return string(appendSummary(buf[:0], d))
}

// appendSummary appends the text of summary to b.
func appendSummary(b []byte, d *JobList) []byte {
	var total [32]byte
	t := d.L.AppendCount(total[:0], d.Total)
	if d.Total == 0 || len(d.Jobs) == 0 {
		return d.L.AppendN(b, "jobs.total", d.Total, t)
	}
	first := (d.Query.Page-1)*d.Query.Size + 1
	last := first + len(d.Jobs) - 1
	var from, to [32]byte
	return d.L.AppendN(b, "jobs.showing", d.Total, d.L.AppendCount(from[:0], first), d.L.AppendCount(to[:0], last), t)
}

// JobListResults is the results region: outcome summary, downloads and the
// live region. It is the fragment served to htmx partial requests. Its
// components share the one copy of d it holds.
func JobListResults(d JobList) templ.Component { return jobListResults(&d) }

// JobListLive is the region that refreshes itself (static/app.js polls
// it) while it lists Preparing, Running or Stopping jobs: the count, the
// table, the pager and when it was updated. It is the fragment served to
// poll requests. It never pushes history and keeps its own request apart
// from the filter form's.
func JobListLive(d JobList) templ.Component { return jobListLive(&d) }

// LiveRegionID is the id of a jobs list's self-refreshing region: a poll
// request targets it (HX-Target: div#<LiveRegionID>) and gets only it back.
const LiveRegionID = "list-live"

// InFlight reports whether any listed job is still moving (Preparing,
// Running or Stopping): only then does the list refresh itself.
func (d JobList) InFlight() bool {
	for _, j := range d.Jobs {
		if j.Status.InFlight() {
			return true
		}
	}
	return false
}

// ListURL is the canonical URL of the list as shown.
func (d JobList) ListURL() string { return d.Query.URL(d.Path) }

// RowBackURL is the way back that a row's job link carries: this list,
// pinned past page 1 (as of the moment it was served when live), so the
// reader, or anyone the job's link is shared with, returns to these rows.
func (d JobList) RowBackURL() string { return d.Query.Stable().URL(d.Path) }

// workflowLabel is a row's workflow in words: its name, else its ID.
func workflowLabel(j apiclient.Job) string {
	if j.WorkflowName != "" {
		return j.WorkflowName
	}
	return j.WorkflowID
}

// ShownIn is the zone the list shows times in: the reader's. The URL's tz
// only says how the dates in its filters are read.
func (d JobList) ShownIn() *time.Location {
	if d.Zone != nil {
		return d.Zone
	}
	return d.Query.Location()
}

// presetCurrent reports whether the preset range r ("" = any time) is the
// list's: the one in the URL, as typed when it was refused.
func presetCurrent(d *JobList, r string) bool {
	shown := d.Query.Range
	if e, bad := d.Errors["range"]; bad {
		shown = strings.ToLower(strings.TrimSpace(e.Value))
	}
	if r != "" {
		return shown == r
	}
	return shown == "" && d.Query.From == "" && d.Query.To == "" && !hasError(d.Errors, "from") && !hasError(d.Errors, "to")
}

// asofText is "As of 2026-12-01 14:32 (Europe/Berlin)." of a pinned list.
func asofText(d *JobList) string {
	zone := d.ShownIn()
	return d.L.T("asof.notice", d.L.DateTime(d.Query.AsOf.In(zone)), zone.String())
}

// newerText says how many newer jobs match the filters of a pinned list.
func newerText(d *JobList) string {
	switch {
	case !d.NewerCounted:
		return d.L.T("asof.unknown")
	case d.Newer == 0:
		return d.L.T("asof.none")
	}
	return d.L.N("asof.newer", d.Newer, d.L.Count(d.Newer)) + " —"
}

// listStampHint says, under a list whose job names end with Explorer's
// time stamps on another clock than the times shown, which clock that is
// (read from the first row that has one); "" when there is nothing to say.
func listStampHint(d *JobList) string {
	var buf [256]byte
	return string(appendListStampHint(buf[:0], d))
}

// appendListStampHint appends the text of listStampHint to b.
func appendListStampHint(b []byte, d *JobList) []byte {
	zone := d.ShownIn()
	for _, j := range d.Jobs {
		if _, off, ok := nameStamp(j.Name, j.Created, zone); ok {
			var o [16]byte
			return d.L.AppendTexts(b, "jobs.stampHint", appendUTCOffset(o[:0], off))
		}
	}
	return b
}
