package views

import (
	"jobboard/apiclient"
	"jobboard/internal/jobquery"
)

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

// outcomePart is one link of the summary line.
type outcomePart struct {
	Text, URL, Status string
	Title             string // what following the link does, in words
	Current           bool   // the list shows this: the total when unfiltered, a status in the set
}

// summaryOrder is the order of the counts in the line, after the total.
var summaryOrder = []apiclient.Status{
	apiclient.StatusSuccess, apiclient.StatusFailed, apiclient.StatusInterrupted,
	apiclient.StatusRunning, apiclient.StatusPreparing, apiclient.StatusStopping,
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
