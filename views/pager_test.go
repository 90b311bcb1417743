package views

import (
	"net/url"
	"strconv"
	"testing"
	"time"

	"jobboard/internal/i18n"
	"jobboard/internal/jobquery"
)

// TestPagerMatchesTempl renders the hand-written pager and its templ
// reference (pagerTempl) for first, middle and last pages of short and
// long lists, every page size, a pinned list, a filter with characters
// that need escaping, in both languages, and requires the same document.
func TestPagerMatchesTempl(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for _, lang := range i18n.Supported() {
		for _, total := range []int{0, 1, 20, 21, 95, 1000} {
			for _, size := range jobquery.Sizes {
				for _, page := range []int{1, 2, 3, 5, 50} {
					v := url.Values{"name": {`a&b "<x>"`}, "size": {strconv.Itoa(size)}, "page": {strconv.Itoa(page)}}
					if page == 3 {
						v.Set("asof", "2026-11-30T11:00:00Z")
					}
					q, errs := jobquery.Parse(v, time.UTC, now)
					if len(errs) > 0 {
						t.Fatalf("parse %v: %v", v, errs)
					}
					if page > q.LastPage(total) {
						continue // the handler moves such a request to the last page
					}
					d := JobList{Page: Page{L: i18n.For(lang)}, Path: "/workflows/42/jobs", Query: q, Now: now, Total: total}
					got := canonicalHTML(t, renderTo(t, pager(d)), "div")
					want := canonicalHTML(t, renderTo(t, pagerTempl(d)), "div")
					if got != want {
						t.Fatalf("%s total %d size %d page %d: hand-written pager:\n%s\ntempl's:\n%s", lang, total, size, page, got, want)
					}
				}
			}
		}
	}
}
