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
func printOrder(d *JobList) string {
	l := d.L
	order := l.T("print.desc")
	if d.Query.Asc {
		order = l.T("print.asc")
	}
	parts := []string{order}
	if d.Total > 0 {
		parts = append(parts, l.T("print.page", l.Count(d.Query.Page), l.Count(d.Query.LastPage(d.Total)), l.Count(d.Query.Size)))
	}
	parts = append(parts, l.T("print.zone", d.ShownIn().String()))
	return strings.Join(parts, l.T("print.sep"))
}
