package views

import (
	"context"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/a-h/templ"

	"jobboard/apiclient"
	"jobboard/internal/i18n"
	"jobboard/internal/jobquery"
)

// The components in this file are written in Go rather than templ: a jobs
// table renders them several times per row, and templ pays for contexts,
// class lists, attribute resolution and a fmt.Sprint per expression on
// every call, where these append to one buffer (measured on a 20-row
// fragment: 29% more CPU and 64 more allocations a row with templ). Their
// templ form in cells.templ is the reference: FuzzJobRowsMatchTempl holds
// this markup, its escaping and its URLs against templ's on random jobs.

// StatusBadge shows a status as icon, word and colour (never colour alone):
// <span class="status status-failed"><span aria-hidden="true">✕</span> Failed</span>.
func StatusBadge(l i18n.Localizer, s apiclient.Status) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		_, err := w.Write(appendStatus(make([]byte, 0, 128), l, s))
		return err
	})
}

// appendStatus appends the markup of StatusBadge to b.
func appendStatus(b []byte, l i18n.Localizer, s apiclient.Status) []byte {
	return appendBadge(b, statusName(s), statusIcon(s), statusLabel(l, s))
}

// appendBadge appends a status-like badge: class suffix, icon, words.
func appendBadge(b []byte, name, icon, label string) []byte {
	b = append(b, `<span class="status status-`...)
	b = append(b, name...)
	b = append(b, `"><span aria-hidden="true">`...)
	b = append(b, icon...)
	b = append(b, `</span> `...)
	b = appendEscaped(b, label)
	return append(b, `</span>`...)
}

// badge is appendBadge as a component.
func badge(name, icon, label string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		_, err := w.Write(appendBadge(make([]byte, 0, 128), name, icon, label))
		return err
	})
}

// Time shows an instant in zone, absolute with a relative hint, inside a
// <time> element carrying the UTC instant; "—" for the zero time:
// <time datetime="2026-11-30T13:32:00Z">2026-11-30 14:32 <span class="ago">3 min ago</span></time>.
func Time(l i18n.Localizer, t time.Time, zone *time.Location, now time.Time) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		_, err := w.Write(appendTime(make([]byte, 0, 160), l, l.T("format.datetime"), t, zone, now))
		return err
	})
}

// appendTime appends the markup of Time to b; layout is the Localizer's
// format.datetime message (what l.DateTime formats with), looked up once
// per table by the callers that render many.
func appendTime(b []byte, l i18n.Localizer, layout string, t time.Time, zone *time.Location, now time.Time) []byte {
	if t.IsZero() {
		return append(b, `<span class="none">—</span>`...)
	}
	if zone == nil {
		zone = time.UTC
	}
	b = append(b, `<time datetime="`...)
	b = appendRFC3339UTC(b, t)
	b = append(b, `">`...)
	var scratch [64]byte
	b = appendEscapedBytes(b, appendLocalDateTime(scratch[:0], t.In(zone), layout))
	b = append(b, ` <span class="ago">`...)
	b = appendEscapedBytes(b, l.AppendAgo(scratch[:0], t, now))
	return append(b, `</span></time>`...)
}

// dateTimeLayout is the layout appendLocalDateTime formats without
// time.AppendFormat's layout parsing; every language uses it today.
const dateTimeLayout = "2006-01-02 15:04"

// appendRFC3339UTC appends t in UTC as time.RFC3339 does ("2026-11-30T13:32:00Z"),
// writing the fixed layout directly; years outside 0..9999 go through
// AppendFormat.
func appendRFC3339UTC(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, time.RFC3339)
	}
	hour, minute, sec := t.Clock()
	b = appendDate(b, year, month, day)
	b = append(b, 'T')
	b = append2(b, hour)
	b = append(b, ':')
	b = append2(b, minute)
	b = append(b, ':')
	b = append2(b, sec)
	return append(b, 'Z')
}

// appendLocalDateTime appends t formatted with layout; the common layout
// dateTimeLayout ("2026-11-30 14:32") is written directly, any other one
// goes through AppendFormat.
func appendLocalDateTime(b []byte, t time.Time, layout string) []byte {
	year, month, day := t.Date()
	if layout != dateTimeLayout || year < 0 || year > 9999 {
		return t.AppendFormat(b, layout)
	}
	hour, minute, _ := t.Clock()
	b = appendDate(b, year, month, day)
	b = append(b, ' ')
	b = append2(b, hour)
	b = append(b, ':')
	return append2(b, minute)
}

// appendDate appends "YYYY-MM-DD" for a year in 0..9999.
func appendDate(b []byte, year int, month time.Month, day int) []byte {
	b = append2(b, year/100)
	b = append2(b, year%100)
	b = append(b, '-')
	b = append2(b, int(month))
	b = append(b, '-')
	return append2(b, day)
}

// append2 appends n (0..99) as two digits.
func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}

// appendDuration appends the text of duration(l, j, now), HTML-escaped,
// to b, building it in place.
func appendDuration(b []byte, l i18n.Localizer, j apiclient.Job, now time.Time) []byte {
	var d time.Duration
	key := "job.duration"
	switch {
	case j.RunBegin.IsZero():
		return append(b, "—"...)
	case j.RunEnd.IsZero():
		if !j.Status.InFlight() {
			return append(b, "—"...)
		}
		if j.Status == apiclient.StatusStopping {
			return appendEscaped(b, l.T("job.stopping"))
		}
		key, d = "job.runningFor", now.Sub(j.RunBegin)
	default:
		d = j.RunEnd.Sub(j.RunBegin)
	}
	var text, msg [128]byte
	return appendEscapedBytes(b, l.AppendT(msg[:0], key, l.AppendDuration(text[:0], d)))
}

// appendEscaped appends s to b, HTML-escaped as templ.EscapeString does.
func appendEscaped(b []byte, s string) []byte { return appendEscapedText(b, s) }

// appendEscapedBytes is appendEscaped for a byte slice.
func appendEscapedBytes(b, s []byte) []byte { return appendEscapedText(b, s) }

// appendEscapedText appends s escaped, copying the runs between the bytes
// that need escaping in one piece.
func appendEscapedText[T string | []byte](b []byte, s T) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		if needsEscape[s[i]] {
			b = append(b, s[start:i]...)
			b = appendEscapedByte(b, s[i])
			start = i + 1
		}
	}
	return append(b, s[start:]...)
}

// needsEscape marks the bytes appendEscapedByte replaces.
var needsEscape = [256]bool{'<': true, '>': true, '&': true, '"': true, '\'': true}

func appendEscapedByte(b []byte, c byte) []byte {
	switch c {
	case '<':
		return append(b, "&lt;"...)
	case '>':
		return append(b, "&gt;"...)
	case '&':
		return append(b, "&amp;"...)
	case '"':
		return append(b, "&#34;"...)
	case '\'':
		return append(b, "&#39;"...)
	}
	return append(b, c)
}

// rowBuffers hold one table row while jobRows builds it: a row is written
// whole, so one buffer serves every row of a table, and the next table's.
var rowBuffers = sync.Pool{New: func() any {
	b := make([]byte, 0, 2048)
	return &b
}}

// cellLabels are the attribute tails of a jobs table's cells, data-label
// (the column's name, which the stacked phone layout shows) escaped and
// closed: `" data-label="Job">`.
type cellLabels struct {
	name, workflow, status, created, started, finished, duration string
	// badges are the status badges (appendStatus) of the documented
	// statuses, by code.
	badges [len(statusKeys)]string
}

// newCellLabels builds the cell labels of l's language.
func newCellLabels(l i18n.Localizer) *cellLabels {
	label := func(key string) string { return `" data-label="` + templ.EscapeString(l.T(key)) + `">` }
	lb := &cellLabels{
		name: label("col.name"), workflow: label("all.colWorkflow"), status: label("col.status"),
		created: label("col.created"), started: label("col.started"), finished: label("col.finished"),
		duration: label("col.duration"),
	}
	for _, st := range apiclient.Statuses {
		lb.badges[st] = string(appendStatus(nil, l, st))
	}
	return lb
}

// appendBadgeOf appends the status badge of st, built once per language
// for the documented statuses.
func (lb *cellLabels) appendBadgeOf(b []byte, l i18n.Localizer, st apiclient.Status) []byte {
	if st.Known() {
		return append(b, lb.badges[st]...)
	}
	return appendStatus(b, l, st)
}

// cellLabelsByLang are the cell labels of every language, built once: they
// depend on nothing else.
var cellLabelsByLang = func() map[string]*cellLabels {
	m := map[string]*cellLabels{}
	for _, lang := range i18n.Supported() {
		l := i18n.For(lang)
		m[l.Lang()] = newCellLabels(l)
	}
	return m
}()

// cellLabelsOf returns the cell labels of l's language.
func cellLabelsOf(l i18n.Localizer) *cellLabels {
	if lb, ok := cellLabelsByLang[l.Lang()]; ok {
		return lb
	}
	return newCellLabels(l)
}

// jobRows renders the <tr> of every job of a jobs table (see jobTable for
// the head). Each row carries data-job-id and data-status (static/app.js
// flashes a status that changed), each cell its column's name in
// data-label (the stacked phone layout shows it), and the job link the
// list to come back to:
//
//	<tr data-job-id="115" data-status="failed">
//	<td class="job-name" data-label="Job"><a href="/jobs/115?back=…">name</a></td>
//	[<td class="workflow" data-label="Workflow"><a href="/workflows/1/jobs">wf</a></td>]
//	<td class="status-cell" data-label="Status"><span class="status status-failed">…</span></td>
//	<td data-label="Created"><time …>…</time></td> … Started, Finished
//	<td class="duration" data-label="Duration">2 min 5 s</td></tr>
func jobRows(d *JobList) templ.Component { return (*jobRowsView)(d) }

type jobRowsView JobList

func (v *jobRowsView) Render(ctx context.Context, w io.Writer) error {
	d := (*JobList)(v)
	if err := ctx.Err(); err != nil {
		return err
	}
	l, zone := d.L, d.ShownIn()
	layout := l.T("format.datetime")
	lb := cellLabelsOf(l)
	nameLabel, wfLabel, statusLabel := lb.name, lb.workflow, lb.status
	createdLabel, startedLabel, finishedLabel := lb.created, lb.started, lb.finished
	durationLabel := lb.duration
	// RowBackURL as a query value, appended in place; query escaping
	// leaves nothing for HTML escaping to change.
	var backURL, backBuf [512]byte
	back := jobquery.AppendQueryEscaped(backBuf[:0], d.Query.Stable().AppendURL(backURL[:0], d.Path))

	buf := rowBuffers.Get().(*[]byte)
	defer rowBuffers.Put(buf)
	b := *buf
	defer func() { *buf = b[:0] }()
	for _, j := range d.Jobs {
		b = append(b[:0], `<tr data-job-id="`...)
		b = strconv.AppendInt(b, j.ID, 10)
		b = append(b, `" data-status="`...)
		b = append(b, statusName(j.Status)...)
		b = append(b, `"><td class="job-name`...)
		b = append(b, nameLabel...)
		b = append(b, `<a href="`...)
		b = AppendJobPath(b, j.ID)
		b = append(b, `?back=`...)
		b = append(b, back...)
		b = append(b, `">`...)
		b = appendEscaped(b, j.Name)
		b = append(b, `</a></td>`...)
		if d.All {
			b = append(b, `<td class="workflow`...)
			b = append(b, wfLabel...)
			if u := workflowListURL(j.WorkflowID); u != "" {
				b = append(b, `<a href="`...)
				b = appendEscaped(b, u)
				b = append(b, `">`...)
				b = appendEscaped(b, workflowLabel(j))
				b = append(b, `</a>`...)
			} else {
				b = appendEscaped(b, workflowLabel(j))
			}
			b = append(b, `</td>`...)
		}
		b = append(b, `<td class="status-cell`...)
		b = append(b, statusLabel...)
		b = lb.appendBadgeOf(b, l, j.Status)
		b = append(b, `</td><td`...)
		b = append(b, createdLabel[1:]...)
		b = appendTime(b, l, layout, j.Created, zone, d.Now)
		b = append(b, `</td><td`...)
		b = append(b, startedLabel[1:]...)
		b = appendTime(b, l, layout, j.RunBegin, zone, d.Now)
		b = append(b, `</td><td`...)
		b = append(b, finishedLabel[1:]...)
		b = appendTime(b, l, layout, j.RunEnd, zone, d.Now)
		b = append(b, `</td><td class="duration`...)
		b = append(b, durationLabel...)
		b = appendDuration(b, l, j, d.Now)
		b = append(b, `</td></tr>`...)
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}
