package handlers

import (
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestListPrintHeaderAndPhoneMarkup: the list carries what the print and
// phone stylesheets need: a print-only header with the filters in words and
// the render time, filters in a <details> open only when some are set, and
// every cell labelled with its column's header (stacked rows on phones).
func TestListPrintHeaderAndPhoneMarkup(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	jobs := e.jobsOf("demo", wf.ID)
	if len(jobs) == 0 || len(jobs[0].Name) < 3 {
		t.Fatal("the workflow has no named job")
	}
	part := jobs[0].Name[:3]
	for _, tc := range []struct {
		lang, query   string
		open          bool
		filters       []string
		headerPrinted string
	}{
		{"en", "", false, []string{"Filters: none"}, "Printed"},
		{"en", "?name=" + part, true, []string{"name contains “" + part + "”", "newest first", "page 1 of"}, "Printed"},
		{"zh-CN", "?order=asc&status=succeeded", true, []string{"状态为成功", "最早在前"}, "打印时间"},
	} {
		a := e.get(t, c, "/workflows/"+wf.ID+"/jobs"+tc.query, "Accept-Language", tc.lang)
		if a.status != http.StatusOK {
			t.Fatalf("%s%s: status %d", tc.lang, tc.query, a.status)
		}
		doc := parseHTML(t, a.body)
		ph := byID(doc, "print-header")
		if ph == nil || !hasClass(ph, "print-only") {
			t.Fatalf("%s%s: no print-only header", tc.lang, tc.query)
		}
		words := text(ph)
		for _, want := range append(tc.filters, tc.headerPrinted) {
			if !strings.Contains(words, want) {
				t.Errorf("%s%s: print header %q lacks %q", tc.lang, tc.query, words, want)
			}
		}
		if times := byTag(ph, "time"); len(times) != 1 {
			t.Errorf("%s%s: print header has %d <time>", tc.lang, tc.query, len(times))
		} else if dt, _ := attr(times[0], "datetime"); dt == "" {
			t.Errorf("%s%s: print time has no datetime", tc.lang, tc.query)
		}

		panel := byID(doc, "filter-panel")
		if panel == nil || panel.Data != "details" || byID(panel, "filters") == nil {
			t.Fatalf("%s%s: the filter form is not inside a <details>", tc.lang, tc.query)
		}
		if _, open := attr(panel, "open"); open != tc.open {
			t.Errorf("%s%s: filter panel open=%v, want %v", tc.lang, tc.query, open, tc.open)
		}
		if s := byTag(panel, "summary"); len(s) != 1 || strings.TrimSpace(text(s[0])) == "" {
			t.Errorf("%s%s: filter panel has no summary to open it", tc.lang, tc.query)
		}

		table := byID(doc, "jobs")
		if table == nil {
			t.Fatalf("%s%s: no jobs table", tc.lang, tc.query)
		}
		heads := byTag(table, "th")
		rows := findAll(table, func(n *html.Node) bool {
			return n.Type == html.ElementNode && n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody"
		})
		if len(rows) == 0 {
			t.Fatalf("%s%s: no rows", tc.lang, tc.query)
		}
		for _, row := range rows {
			cells := byTag(row, "td")
			if len(cells) != len(heads) {
				t.Fatalf("%s%s: %d cells under %d headers", tc.lang, tc.query, len(cells), len(heads))
			}
			for i, cell := range cells {
				label, _ := attr(cell, "data-label")
				if label == "" || !strings.HasPrefix(strings.TrimSpace(text(heads[i])), label) {
					t.Errorf("%s%s: cell %d labelled %q under header %q", tc.lang, tc.query, i, label, text(heads[i]))
				}
			}
		}
	}
}
