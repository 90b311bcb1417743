package views

import "strings"

// printFilters describes the list's active filters, order and page in
// words for the print-only header: "Filters: status is Failed; created
// from 2026-11-01; newest first; page 2 of 5, 20 a page."
func printFilters(d *JobList) string {
	l := d.L
	var parts []string
	if d.Query.Name != "" {
		parts = append(parts, l.T("print.name", d.Query.Name))
	}
	if d.Query.Status != 0 {
		var names []string
		for _, s := range d.Query.Status.Statuses() {
			names = append(names, statusLabel(l, s))
		}
		parts = append(parts, l.T("print.status", strings.Join(names, l.T("print.or"))))
	}
	if d.Query.From != "" {
		parts = append(parts, l.T("print.from", strings.Replace(d.Query.From, "T", " ", 1)))
	}
	if d.Query.To != "" {
		parts = append(parts, l.T("print.to", strings.Replace(d.Query.To, "T", " ", 1)))
	}
	if d.Query.Range != "" {
		parts = append(parts, l.T("print.range."+d.Query.Range))
	}
	if d.Query.Pinned() {
		parts = append(parts, l.T("print.asof", l.DateTime(d.Query.AsOf.In(d.ShownIn()))))
	}
	if len(parts) == 0 {
		return l.T("print.noFilters")
	}
	return l.T("print.filters", strings.Join(parts, l.T("print.sep")))
}

// printOrder describes the order, page and zone of the printed rows.
func printOrder(d *JobList) string { return string(appendPrintOrder(nil, d)) }

// appendPrintOrder appends the text of printOrder to b.
func appendPrintOrder(b []byte, d *JobList) []byte {
	l := d.L
	if d.Query.Asc {
		b = append(b, l.T("print.asc")...)
	} else {
		b = append(b, l.T("print.desc")...)
	}
	sep := l.T("print.sep")
	if d.Total > 0 {
		var page, last, size [32]byte
		b = append(b, sep...)
		b = l.AppendTexts(b, "print.page", l.AppendCount(page[:0], d.Query.Page),
			l.AppendCount(last[:0], d.Query.LastPage(d.Total)), l.AppendCount(size[:0], d.Query.Size))
	}
	b = append(b, sep...)
	var zone [64]byte
	return l.AppendTexts(b, "print.zone", append(zone[:0], d.ShownIn().String()...))
}
