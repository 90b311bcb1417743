package views

import (
	"jobboard/apiclient"
	"jobboard/internal/i18n"
)

// TaskResults is the data of a task's sample result page.
type TaskResults struct {
	Page
	Job        apiclient.Job
	Task       apiclient.Task
	Nav        JobNav
	Limit      int    // the limit in use
	LimitError string // the invalid limit as typed, or its copies ("" = valid)
	// LimitErrorKey is the message of LimitError: a limit that is not a
	// choice, or one given several times.
	LimitErrorKey string
	Rows          [][]string
	Columns       int // the widest row's number of cells
}

// Result row limits a reader may choose on a task's result page.
const (
	// DefaultResultLimit is the number of sample rows shown when the URL
	// has no limit; it is left out of URLs.
	DefaultResultLimit = 100
)

// ResultLimits lists the accepted sample row limits, in display order.
var ResultLimits = []int{10, 100, 1000}

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
