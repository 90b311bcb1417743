package views

import (
	"strings"
	"time"

	"jobboard/apiclient"
	"jobboard/internal/i18n"
	"jobboard/internal/jobquery"
)

// LiveRegionID is the id of a jobs list's self-refreshing region: a poll
// request targets it (HX-Target: div#<LiveRegionID>) and gets only it back.
const LiveRegionID = "list-live"

// Outcomes are the counts of an outcome summary: all matching jobs and,
// per documented status, how many of them are in it.
type Outcomes struct {
	Total    int
	ByStatus map[apiclient.Status]int
}

// Summary is the data of the outcome summary of a jobs list: the line
// itself (an htmx fragment) or, without JavaScript, a small page.
type Summary struct {
	Page
	Outcomes
	Path    string         // the list's path, e.g. /jobs or /workflows/1/jobs
	Query   jobquery.Query // the list's filters; each count link sets its status
	Problem *Problem       // counts could not be read
	// Board: the line is one of many on the views board or Home, so it
	// has no id of its own and each count lists that status alone.
	Board bool
}

// summaryOrder is the order of the counts in the line, after the total.
var summaryOrder = []apiclient.Status{
	apiclient.StatusSuccess, apiclient.StatusFailed, apiclient.StatusInterrupted,
	apiclient.StatusRunning, apiclient.StatusPreparing, apiclient.StatusStopping,
}

// outcomePart is one link of the summary line.
type outcomePart struct {
	Text, URL, Status string
	Title             string // what following the link does, in words
	Current           bool   // the list shows this: the total when unfiltered, a status in the set
}

// outcomeParts returns the total and the non-zero counts, in words. The
// total links to the list without a status filter; each count toggles its
// status in the list's set (on an unfiltered list it picks that status
// alone), so the reader can build "failed or cancelled" from the line.
func outcomeParts(d Summary) []outcomePart {
	all := d.Query.WithStatus(0)
	parts := []outcomePart{{
		Text: d.L.N("summary.jobs", d.Total, d.L.Count(d.Total)), URL: all.URL(d.Path),
		Status: "all", Current: d.Query.Status == 0, Title: d.L.T("summary.showAll"),
	}}
	for _, s := range summaryOrder {
		n := d.ByStatus[s]
		if n == 0 {
			continue
		}
		word := s.Word()
		in := d.Query.Status.Has(s)
		title := d.L.T("summary.add", statusLabel(d.L, s))
		switch {
		case d.Query.Status == 0:
			title = d.L.T("summary.only", statusLabel(d.L, s))
		case in:
			title = d.L.T("summary.remove", statusLabel(d.L, s))
		}
		next := d.Query.Status.Toggled(s)
		if d.Board {
			next, title = jobquery.SetOf(s), d.L.T("summary.only", statusLabel(d.L, s))
		}
		parts = append(parts, outcomePart{
			Text: d.L.N("summary."+word, n, d.L.Count(n)), URL: d.Query.WithStatus(next).URL(d.Path),
			Status: word, Current: in, Title: title,
		})
	}
	return parts
}

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

// updatedText is the server-rendered "Updated at 14:32:05" of a live
// region; static/app.js turns it into "Updated 3 s ago".
func updatedText(l i18n.Localizer, now time.Time, zone *time.Location) string {
	return l.T("poll.updatedAt", now.In(zone).Format("15:04:05"))
}

// ShownIn is the zone the list shows times in: the reader's. The URL's tz
// only says how the dates in its filters are read.
func (d JobList) ShownIn() *time.Location {
	if d.Zone != nil {
		return d.Zone
	}
	return d.Query.Location()
}

// zoneNote names the zone times are shown in and, when a link's dates are
// read in another zone, that one too, in one sentence.
func zoneNote(l i18n.Localizer, shown *time.Location, q jobquery.Query) string {
	if q.TZ != "" && q.TZ != shown.String() {
		return l.T("jobs.zoneNoteTwo", shown.String(), q.TZ)
	}
	return l.T("jobs.zoneNote", shown.String())
}

// presetCurrent reports whether the preset range r ("" = any time) is the
// list's: the one in the URL, as typed when it was refused.
func presetCurrent(d JobList, r string) bool {
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
func asofText(d JobList) string {
	zone := d.ShownIn()
	return d.L.T("asof.notice", d.L.DateTime(d.Query.AsOf.In(zone)), zone.String())
}

// newerText says how many newer jobs match the filters of a pinned list.
func newerText(d JobList) string {
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
func listStampHint(d JobList) string {
	for _, j := range d.Jobs {
		if _, off, ok := nameStamp(j.Name, j.Created, d.ShownIn()); ok {
			return d.L.T("jobs.stampHint", utcOffset(off))
		}
	}
	return ""
}
