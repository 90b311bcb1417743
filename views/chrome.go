package views

import (
	"context"
	"io"
	"strconv"

	"github.com/a-h/templ"

	"jobboard/internal/jobquery"
)

// The components in this file are the markup around a jobs table that a
// results fragment renders on every request, written in Go rather than
// templ for the same reason as cells.go's rows: templ boxes every dynamic
// attribute value, escapes it into a new string and gives every
// sub-component a context and a closure, where these append to one
// buffer. Their templ form in chrome.templ is the reference:
// FuzzChromeMatchTempl requires the same bytes from both.

// chromeView renders a *JobList as the markup M appends: each component of
// this file is the list's pointer under a type of its own, so rendering
// one allocates nothing (no closure, no boxed value).
type chromeView[M chromeMarkup] JobList

// chromeMarkup appends a component's markup for d to b.
type chromeMarkup interface {
	appendTo(b []byte, d *JobList) []byte
}

// Render writes the markup to w, built in one pooled buffer.
func (v *chromeView[M]) Render(ctx context.Context, w io.Writer) error {
	var m M
	return writeChrome(ctx, w, (*JobList)(v), m.appendTo)
}

// writeChrome writes the markup that appendTo makes of d to w, built in
// one pooled buffer.
func writeChrome(ctx context.Context, w io.Writer, d *JobList, appendTo func([]byte, *JobList) []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	buf := rowBuffers.Get().(*[]byte)
	b := appendTo((*buf)[:0], d)
	_, err := w.Write(b)
	*buf = b[:0]
	rowBuffers.Put(buf)
	return err
}

// pager moves between pages and page sizes with plain links: the page
// window around the current page, first/previous and next/last, and the
// page sizes.
func pager(d *JobList) templ.Component { return (*chromeView[pagerMarkup])(d) }

type pagerMarkup struct{}

func (pagerMarkup) appendTo(b []byte, d *JobList) []byte { return appendPager(b, d) }

// appendPager appends the markup of pager to b.
func appendPager(b []byte, d *JobList) []byte {
	l, q := d.L, d.Query
	last := q.LastPage(d.Total)
	b = append(b, `<nav class="pager" aria-label="`...)
	b = appendEscaped(b, l.T("pager.label"))
	b = append(b, `"><ul class="pages">`...)
	if q.Page > 1 {
		b = append(b, `<li>`...)
		b = appendPageLink(b, d, 1, l.T("pager.first"), "first")
		b = append(b, `</li><li>`...)
		b = appendPageLink(b, d, q.Page-1, l.T("pager.prev"), "prev")
		b = append(b, `</li>`...)
	}
	lo, hi := pageSpan(q.Page, last)
	for p := lo; p <= hi; p++ {
		b = append(b, `<li>`...)
		if p == q.Page {
			b = append(b, `<span class="current" aria-current="page">`...)
			b = appendEscapedCount(b, d, p)
			b = append(b, `</span>`...)
		} else {
			b = appendPageLink(b, d, p, "", "")
		}
		b = append(b, `</li>`...)
	}
	if q.Page < last {
		b = append(b, `<li>`...)
		b = appendPageLink(b, d, q.Page+1, l.T("pager.next"), "next")
		b = append(b, `</li><li>`...)
		b = appendPageLink(b, d, last, l.T("pager.last"), "last")
		b = append(b, `</li>`...)
	}
	b = append(b, `</ul><p class="sizes">`...)
	b = appendEscaped(b, l.T("pager.size"))
	b = append(b, ' ')
	for _, n := range jobquery.Sizes {
		if n == q.Size {
			b = append(b, `<span class="current" aria-current="true">`...)
			b = strconv.AppendInt(b, int64(n), 10)
			b = append(b, `</span>`...)
			continue
		}
		b = appendLinkURLs(b, q.WithSize(n).Stable(), d.Path)
		b = append(b, `" class="size-link">`...)
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, `</a>`...)
	}
	return append(b, `</p></nav>`...)
}

// appendPageLink appends the link to page p of the same list, labelled
// label (or the page's number when label is ""), with data-rel when rel
// is set.
func appendPageLink(b []byte, d *JobList, p int, label, rel string) []byte {
	b = appendLinkURLs(b, d.Query.WithPage(p).Stable(), d.Path)
	b = append(b, `" class="page-link" data-page="`...)
	b = strconv.AppendInt(b, int64(p), 10)
	if rel != "" {
		b = append(b, `" data-rel="`...)
		b = append(b, rel...)
	}
	b = append(b, `">`...)
	if label == "" {
		return append(appendEscapedCount(b, d, p), `</a>`...)
	}
	b = appendEscaped(b, label)
	return append(b, `</a>`...)
}

// appendEscapedCount appends the page number n in words (l.Count),
// escaped.
func appendEscapedCount(b []byte, d *JobList, n int) []byte {
	var c [32]byte
	return appendEscapedBytes(b, d.L.AppendCount(c[:0], n))
}

// appendLinkURLs appends the start of a link to q's list at path that
// htmx follows too: `<a href="URL" hx-get="URL`, the URL escaped once and
// copied.
func appendLinkURLs(b []byte, q jobquery.Query, path string) []byte {
	var raw [256]byte
	b = append(b, `<a href="`...)
	start := len(b)
	b = appendEscapedBytes(b, q.AppendURL(raw[:0], path))
	end := len(b)
	b = append(b, `" hx-get="`...)
	return append(b, b[start:end]...)
}

// shareControl offers the list's live and exact links, each as selectable
// text with a Copy button (shown by static/app.js where the Clipboard API
// is available), which says "Copied" in the live region below them.
func shareControl(d *JobList) templ.Component { return (*chromeView[shareMarkup])(d) }

type shareMarkup struct{}

func (shareMarkup) appendTo(b []byte, d *JobList) []byte { return appendShare(b, d) }

// appendShare appends the markup of shareControl to b.
func appendShare(b []byte, d *JobList) []byte {
	l := d.L
	b = append(b, `<details class="share" id="share"><summary>`...)
	b = appendEscaped(b, l.T("share.toggle"))
	b = append(b, `</summary><div class="share-body" role="group" aria-label="`...)
	b = appendEscaped(b, l.T("share.label"))
	b = append(b, `">`...)
	b = appendShareLink(b, d, "share-live", l.T("share.live"), l.T("share.liveHint"), l.T("share.copyLive"), d.Query.Live())
	b = appendShareLink(b, d, "share-exact", l.T("share.exact"), l.T("share.exactHint"), l.T("share.copyExact"), d.Query.Exact())
	b = append(b, `<p class="copy-status" id="share-status" role="status" aria-live="polite" data-text-copied="`...)
	b = appendEscaped(b, l.T("share.copied"))
	b = append(b, `" data-text-failed="`...)
	b = appendEscaped(b, l.T("share.copyFailed"))
	return append(b, `"></p></div></details>`...)
}

// appendShareLink appends one link of the Share control: the link to q's
// list named and explained, and its Copy button.
func appendShareLink(b []byte, d *JobList, id, name, hint, copyLabel string, q jobquery.Query) []byte {
	b = append(b, `<div class="share-link"><p><strong id="`...)
	b = append(b, id...)
	b = append(b, `-name">`...)
	b = appendEscaped(b, name)
	b = append(b, `</strong> <span id="`...)
	b = append(b, id...)
	b = append(b, `-hint">`...)
	b = appendEscaped(b, hint)
	b = append(b, `</span></p><p class="share-row"><a id="`...)
	b = append(b, id...)
	b = append(b, `" class="share-url" href="`...)
	var raw [256]byte
	start := len(b)
	b = appendEscapedBytes(b, q.AppendURL(raw[:0], d.Path))
	end := len(b)
	b = append(b, `" aria-describedby="`...)
	b = append(b, id...)
	b = append(b, `-hint">`...)
	b = append(b, b[start:end]...)
	b = append(b, `</a><button type="button" class="copy-button button-secondary" data-copy="`...)
	b = append(b, id...)
	b = append(b, `" data-copy-status="share-status"`...)
	if copyLabel != "" {
		b = append(b, ` aria-label="`...)
		b = appendEscaped(b, copyLabel)
		b = append(b, '"')
	}
	b = append(b, ` hidden>`...)
	b = appendEscaped(b, d.L.T("share.copy"))
	return append(b, `</button></p></div>`...)
}

// printHeader is shown only on paper (static/app.css, @media print): what
// the printed list is (its title), its filters in words and when it was
// printed. It sits inside the live region, so every filter change and
// every refresh renders it anew; static/app.js sets the time to the moment
// of printing.
func printHeader(d *JobList) templ.Component { return (*chromeView[printHeaderMarkup])(d) }

type printHeaderMarkup struct{}

func (printHeaderMarkup) appendTo(b []byte, d *JobList) []byte { return appendPrintHeader(b, d) }

// appendPrintHeader appends the markup of printHeader to b.
func appendPrintHeader(b []byte, d *JobList) []byte {
	l := d.L
	b = append(b, `<div class="print-only print-header" id="print-header"><p class="print-filters">`...)
	b = appendEscaped(b, printFilters(d))
	b = append(b, `</p><p class="print-order">`...)
	var text [256]byte
	b = appendEscapedBytes(b, appendPrintOrder(text[:0], d))
	b = append(b, `</p><p class="print-time">`...)
	b = appendEscaped(b, l.T("print.heading"))
	b = append(b, ` <time datetime="`...)
	b = appendRFC3339UTC(b, d.Now)
	b = append(b, `" data-print-time>`...)
	b = appendEscapedBytes(b, appendLocalDateTime(text[:0], d.Now.In(d.ShownIn()), l.T("format.datetime")))
	return append(b, `</time></p></div>`...)
}

// jobTable lists the jobs of the current page: the head, with the
// Created column's sort link, the rows (jobRows) and the notes on the
// times shown under it.
func jobTable(d *JobList) templ.Component { return (*jobTableView)(d) }

type jobTableView JobList

func (v *jobTableView) Render(ctx context.Context, w io.Writer) error {
	d := (*JobList)(v)
	if err := writeChrome(ctx, w, d, appendTableHead); err != nil {
		return err
	}
	if err := jobRows(d).Render(ctx, w); err != nil {
		return err
	}
	return writeChrome(ctx, w, d, appendTableFoot)
}

// appendTableHead appends the markup of jobTable up to its rows.
func appendTableHead(b []byte, d *JobList) []byte {
	l := d.L
	b = append(b, `<div class="table-wrap"><table class="jobs stack" id="jobs"><caption class="visually-hidden">`...)
	if d.All {
		b = appendEscaped(b, l.T("all.caption"))
	} else {
		b = appendEscaped(b, l.T("jobs.caption"))
	}
	b = append(b, `</caption> <thead><tr>`...)
	b = appendColumnHead(b, l.T("col.name"))
	if d.All {
		b = appendColumnHead(b, l.T("all.colWorkflow"))
	}
	b = appendColumnHead(b, l.T("col.status"))
	b = append(b, `<th scope="col" aria-sort="`...)
	b = append(b, ariaSort(d.Query)...)
	b = append(b, `" class="sortable">`...)
	b = appendLinkURLs(b, d.Query.WithOrderToggled().Stable(), d.Path)
	b = append(b, `" id="sort-created">`...)
	b = appendEscaped(b, l.T("col.created"))
	b = append(b, ` <span aria-hidden="true">`...)
	b = append(b, sortArrow(d.Query)...)
	b = append(b, `</span> <span class="visually-hidden">`...)
	b = appendEscaped(b, sortHint(d))
	b = append(b, `</span></a></th>`...)
	b = appendColumnHead(b, l.T("col.started"))
	b = appendColumnHead(b, l.T("col.finished"))
	b = appendColumnHead(b, l.T("col.duration"))
	return append(b, `</tr></thead> <tbody>`...)
}

// appendColumnHead appends a column's head cell.
func appendColumnHead(b []byte, name string) []byte {
	b = append(b, `<th scope="col">`...)
	b = appendEscaped(b, name)
	return append(b, `</th>`...)
}

// appendTableFoot appends the markup of jobTable after its rows.
func appendTableFoot(b []byte, d *JobList) []byte {
	var text [256]byte
	b = append(b, `</tbody></table></div><p class="zone-note" id="zone-note">`...)
	b = appendEscapedBytes(b, appendZoneNote(text[:0], d.L, d.ShownIn(), d.Query))
	b = append(b, `</p>`...)
	if hint := appendListStampHint(text[:0], d); len(hint) > 0 {
		b = append(b, `<p class="zone-note" id="stamp-note">`...)
		b = appendEscapedBytes(b, hint)
		b = append(b, `</p>`...)
	}
	return b
}

// updatedLine is the live region's "Updated at 14:32:05", with the
// texts static/app.js turns it into ("Updated 3 s ago") as it ages.
func updatedLine(d *JobList) templ.Component { return (*chromeView[updatedLineMarkup])(d) }

type updatedLineMarkup struct{}

func (updatedLineMarkup) appendTo(b []byte, d *JobList) []byte { return appendUpdatedLine(b, d) }

// appendUpdatedLine appends the markup of updatedLine to b.
func appendUpdatedLine(b []byte, d *JobList) []byte {
	l := d.L
	var text [128]byte
	n := []byte("{n}")
	b = append(b, `<p class="updated" id="updated" data-updated-at="`...)
	b = appendRFC3339UTC(b, d.Now)
	b = append(b, `" data-text-now="`...)
	b = appendEscaped(b, l.T("poll.updatedNow"))
	b = append(b, `" data-text-seconds="`...)
	b = appendEscapedBytes(b, l.AppendTexts(text[:0], "poll.updatedSeconds", n))
	b = append(b, `" data-text-minutes="`...)
	b = appendEscapedBytes(b, l.AppendTexts(text[:0], "poll.updatedMinutes", n))
	b = append(b, `">`...)
	b = appendEscapedBytes(b, appendUpdatedText(text[:0], l, d.Now, d.ShownIn()))
	return append(b, `</p>`...)
}

// summaryPlaceholder is where the outcome summary of a list goes. With
// htmx it loads itself right after the list is shown (its own request, so
// the table never waits for the counts); without JavaScript it is a link
// to the summary page.
func summaryPlaceholder(d *JobList) templ.Component {
	return (*chromeView[summaryPlaceholderMarkup])(d)
}

type summaryPlaceholderMarkup struct{}

func (summaryPlaceholderMarkup) appendTo(b []byte, d *JobList) []byte {
	return appendSummaryPlaceholder(b, d)
}

// appendSummaryPlaceholder appends the markup of summaryPlaceholder to b.
func appendSummaryPlaceholder(b []byte, d *JobList) []byte {
	b = append(b, `<div id="summary" class="outcomes" role="group" aria-label="`...)
	b = appendEscaped(b, d.L.T("summary.label"))
	var raw [256]byte
	b = append(b, `" hx-get="`...)
	start := len(b)
	b = appendEscapedBytes(b, appendSummaryLink(raw[:0], d))
	end := len(b)
	b = append(b, `" hx-trigger="load" hx-target="this" hx-swap="innerHTML" hx-push-url="false" hx-sync="this:replace" hx-indicator="this"><a id="summary-link" href="`...)
	b = append(b, b[start:end]...)
	b = append(b, `">`...)
	b = appendEscaped(b, d.L.T("summary.show"))
	return append(b, `</a></div>`...)
}

// exportLinks download every job of the list as it is filtered.
func exportLinks(d *JobList) templ.Component { return (*chromeView[exportLinksMarkup])(d) }

type exportLinksMarkup struct{}

func (exportLinksMarkup) appendTo(b []byte, d *JobList) []byte { return appendExportLinks(b, d) }

// appendExportLinks appends the markup of exportLinks to b.
func appendExportLinks(b []byte, d *JobList) []byte {
	b = append(b, `<p class="export" role="group" aria-label="`...)
	b = appendEscaped(b, d.L.T("export.label"))
	var raw [256]byte
	b = append(b, `"><a id="export-csv" href="`...)
	b = appendEscapedBytes(b, appendExportLink(raw[:0], d, "csv"))
	b = append(b, `" download>`...)
	b = appendEscaped(b, d.L.T("export.csv"))
	b = append(b, `</a> <a id="export-json" href="`...)
	b = appendEscapedBytes(b, appendExportLink(raw[:0], d, "json"))
	b = append(b, `" download>`...)
	b = appendEscaped(b, d.L.T("export.json"))
	return append(b, `</a></p>`...)
}

// saveViewLink opens the save form for the list's live form (a saved
// view is its filters, never a pin or a page).
func saveViewLink(d *JobList) templ.Component { return (*chromeView[saveViewMarkup])(d) }

type saveViewMarkup struct{}

func (saveViewMarkup) appendTo(b []byte, d *JobList) []byte { return appendSaveViewLink(b, d) }

// appendSaveViewLink appends the markup of saveViewLink to b: ViewNewURL
// of the live list, appended in place (query escaping leaves nothing for
// HTML escaping to change).
func appendSaveViewLink(b []byte, d *JobList) []byte {
	var list [256]byte
	b = append(b, `<p class="save-view"><a id="save-view" href="`...)
	b = append(b, ViewNewPath+"?path="...)
	b = jobquery.AppendQueryEscaped(b, d.Query.Live().AppendURL(list[:0], d.Path))
	b = append(b, `">`...)
	b = appendEscaped(b, d.L.T("views.saveThis"))
	return append(b, `</a></p>`...)
}

// jobListLive is JobListLive on the caller's data: the region that
// refreshes itself while it lists jobs in flight (see JobListLive).
func jobListLive(d *JobList) templ.Component { return (*liveView)(d) }

type liveView JobList

// Render writes the region: the markup before the table and after it
// each built in one pooled buffer, the table and a problem panel by their
// own components.
func (v *liveView) Render(ctx context.Context, w io.Writer) error {
	d := (*JobList)(v)
	if err := writeChrome(ctx, w, d, appendLiveHead); err != nil {
		return err
	}
	var body templ.Component
	switch {
	case d.Problem != nil:
		body = ProblemPanel(d.L, *d.Problem) //nolint:contextcheck // ProblemPanel only builds the component; its Render below gets ctx
	case !d.TooDeep && len(d.Jobs) > 0:
		body = jobTable(d)
	}
	if body != nil {
		if err := body.Render(ctx, w); err != nil {
			return err
		}
	}
	return writeChrome(ctx, w, d, appendLiveTail)
}

// appendLiveHead appends the live region up to its table or problem
// panel: the region's element, the print header, the count and, when
// there is no table, what stands in its place.
func appendLiveHead(b []byte, d *JobList) []byte {
	l := d.L
	var text [256]byte
	b = append(b, `<div id="`+LiveRegionID+`" class="live" hx-get="`...)
	b = appendEscapedBytes(b, d.Query.AppendURL(text[:0], d.Path))
	b = append(b, `" hx-trigger="jobboard:poll" hx-target="this" hx-swap="outerMorph" hx-push-url="false" hx-sync="this:drop" hx-indicator="this"`...)
	if d.InFlight() {
		b = append(b, ` data-poll`...)
	}
	b = append(b, '>')
	b = appendPrintHeader(b, d)
	if d.Problem != nil {
		return b
	}
	b = append(b, `<p class="summary" id="showing">`...)
	b = appendEscapedBytes(b, appendSummary(text[:0], d))
	b = append(b, `</p>`...)
	switch {
	case d.TooDeep:
		var page, statuses [32]byte
		b = append(b, `<p class="note" id="too-deep">`...)
		b = appendEscapedBytes(b, l.AppendTexts(text[:0], "jobs.tooDeep", l.AppendCount(page[:0], d.Query.Page), l.AppendCount(statuses[:0], d.Query.Status.Len())))
		b = append(b, `</p>`...)
		b = appendPager(b, d)
	case len(d.Jobs) > 0:
	case d.Total > 0:
		// Explorer counted jobs but sent none for this page (they went
		// between its count and its page): "no jobs" would contradict the
		// count above.
		b = append(b, `<p class="empty" id="empty-page">`...)
		b = appendEscaped(b, l.T("jobs.emptyPage"))
		b = append(b, ' ')
		b = appendLinkURLs(b, d.Query.Live(), d.Path)
		b = append(b, `">`...)
		b = appendEscaped(b, l.T("asof.latest"))
		b = append(b, `</a></p>`...)
	case d.Query.Filtered():
		b = append(b, `<p class="empty">`...)
		b = appendEscaped(b, l.T("jobs.emptyFiltered"))
		b = append(b, ' ')
		b = appendLinkURLs(b, d.Query.Cleared(), d.Path)
		b = append(b, `">`...)
		b = appendEscaped(b, l.T("filter.clear"))
		b = append(b, `</a></p>`...)
	case d.All:
		b = append(b, `<p class="empty">`...)
		b = appendEscaped(b, l.T("all.empty"))
		b = append(b, `</p>`...)
	default:
		b = append(b, `<p class="empty">`...)
		b = appendEscaped(b, l.T("jobs.empty"))
		b = append(b, `</p>`...)
	}
	return b
}

// appendLiveTail appends the live region after its table or problem
// panel: the pager under a table, the reload hint while jobs are in
// flight, the updated line and the region's end.
func appendLiveTail(b []byte, d *JobList) []byte {
	if d.Problem == nil && !d.TooDeep && len(d.Jobs) > 0 {
		b = appendPager(b, d)
	}
	if d.InFlight() {
		b = append(b, `<noscript><p class="hint" id="reload-hint">`...)
		b = appendEscaped(b, d.L.T("poll.reloadHint"))
		b = append(b, `</p></noscript>`...)
	}
	b = appendUpdatedLine(b, d)
	return append(b, `</div>`...)
}

// jobListResults is JobListResults on the caller's data: the fields the
// results region lends the filter form, its problems, and the list with
// its Share control, save, summary and download links around the live
// region.
func jobListResults(d *JobList) templ.Component { return (*resultsView)(d) }

type resultsView JobList

// resultsFields are the parameters whose problems the results region
// shows (the form shows the others beside their fields).
var resultsFields = [...]string{"asof", "order", "page", "size"}

// Render writes the region: its own markup built in pooled buffers, the
// field errors, problem panel, pin notice and live region by their own
// components.
func (v *resultsView) Render(ctx context.Context, w io.Writer) error {
	d := (*JobList)(v)
	if err := writeChrome(ctx, w, d, appendResultsInputs); err != nil {
		return err
	}
	var parts [len(resultsFields) + 2]templ.Component
	n := 0
	for _, field := range resultsFields {
		if e, bad := d.Errors[field]; bad {
			parts[n] = fieldError(d.L, "f-"+field+"-error", e.Key, e.Args) //nolint:contextcheck // fieldError only builds the component; its Render below gets ctx
			n++
		}
	}
	switch {
	case d.Problem != nil:
		parts[n] = ProblemPanel(d.L, *d.Problem) //nolint:contextcheck // as fieldError above
		n++
	case d.Query.Pinned():
		parts[n] = asofNotice(d) //nolint:contextcheck // as fieldError above
		n++
	}
	for _, c := range parts[:n] {
		if err := c.Render(ctx, w); err != nil {
			return err
		}
	}
	if d.Problem != nil {
		return nil
	}
	if err := writeChrome(ctx, w, d, appendResultsHead); err != nil {
		return err
	}
	return jobListLive(d).Render(ctx, w)
}

// appendResultsInputs appends the hidden order and size fields the
// results region lends the filter form, so filtering keeps them.
func appendResultsInputs(b []byte, d *JobList) []byte {
	b = append(b, `<input type="hidden" name="order" form="filters" value="`...)
	b = append(b, orderValue(d.Query)...)
	b = append(b, `"> <input type="hidden" name="size" form="filters" value="`...)
	var size [20]byte
	if d.Query.Size != jobquery.DefaultSize {
		b = append(b, strconv.AppendInt(size[:0], int64(d.Query.Size), 10)...)
	}
	return append(b, `"> `...)
}

// appendResultsHead appends the results region between its notices and
// its live region: the Share control, the save-view link, the note on a
// page past the end, and the summary placeholder and download links of a
// list that has jobs.
func appendResultsHead(b []byte, d *JobList) []byte {
	b = append(b, ' ')
	b = appendShare(b, d)
	b = appendSaveViewLink(b, d)
	if d.RequestedPage > 0 {
		var text [256]byte
		var asked, shown [32]byte
		l := d.L
		b = append(b, `<p class="note" id="past-end">`...)
		b = appendEscapedBytes(b, l.AppendTexts(text[:0], "jobs.pastEnd", l.AppendCount(asked[:0], d.RequestedPage), l.AppendCount(shown[:0], d.Query.Page)))
		b = append(b, `</p>`...)
	}
	b = append(b, ' ')
	if d.Total > 0 {
		b = appendSummaryPlaceholder(b, d)
		b = appendExportLinks(b, d)
	}
	return append(b, ' ')
}
