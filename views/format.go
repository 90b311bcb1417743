package views

import (
	"strconv"
	"time"

	"jobboard/apiclient"
	"jobboard/internal/i18n"
	"jobboard/internal/jobquery"
)

// statusName returns the i18n key suffix and CSS name of a status.
func statusName(s apiclient.Status) string { return s.Name() }

// statusLabel is the status in words: "Succeeded", "Unknown (7)".
func statusLabel(l i18n.Localizer, s apiclient.Status) string {
	if !s.Known() {
		return l.T(s.MessageKey(), int(s))
	}
	return l.T(s.MessageKey())
}

// statusKeys are the message keys of the documented statuses by code, as
// apiclient's status table gives them (read-only).
var statusKeys = func() (keys [6]string) {
	for _, s := range apiclient.Statuses {
		keys[s] = s.MessageKey()
	}
	return keys
}()

// statusIcon is a glyph shown next to the word (never instead of it).
func statusIcon(s apiclient.Status) string { return s.Icon() }

// utc is the machine-readable instant of a <time> element.
func utc(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// duration describes how long a job ran: "2 min 5 s", "running for 3 min",
// or "—" when it has not started.
func duration(l i18n.Localizer, j apiclient.Job, now time.Time) string {
	switch {
	case j.RunBegin.IsZero():
		return "—"
	case j.RunEnd.IsZero():
		if j.Status == apiclient.StatusStopping {
			return l.T("job.stopping")
		}
		if j.Status.InFlight() {
			return l.T("job.runningFor", l.Duration(now.Sub(j.RunBegin)))
		}
		return "—"
	}
	return l.T("job.duration", l.Duration(j.RunEnd.Sub(j.RunBegin)))
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

// itoa formats an int for attributes and URLs (no separators).
func itoa(n int) string { return strconv.Itoa(n) }

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
		return e.Value
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

// pageWindow returns the page numbers shown around the current page.
func pageWindow(current, last int) []int {
	lo, hi := max(1, current-2), min(last, current+2)
	pages := make([]int, 0, hi-lo+1)
	for p := lo; p <= hi; p++ {
		pages = append(pages, p)
	}
	return pages
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
func sortHint(d JobList) string {
	if d.Query.Asc {
		return d.L.T("jobs.sortNewest")
	}
	return d.L.T("jobs.sortOldest")
}

// summary is "Showing 21–40 of 2,345 jobs".
func summary(d JobList) string {
	if d.Total == 0 || len(d.Jobs) == 0 {
		return d.L.N("jobs.total", d.Total, d.L.Count(d.Total))
	}
	first := (d.Query.Page-1)*d.Query.Size + 1
	last := first + len(d.Jobs) - 1
	return d.L.N("jobs.showing", d.Total, d.L.Count(first), d.L.Count(last), d.L.Count(d.Total))
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
