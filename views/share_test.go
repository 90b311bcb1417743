package views

import (
	"net/url"
	"testing"
	"time"

	"jobboard/internal/i18n"
	"jobboard/internal/jobquery"
)

// TestShareControlMatchesTempl renders the hand-written Share control and
// its templ reference (shareControlTempl) for live, pinned, preset-range
// and filtered lists with characters that need escaping, in both
// languages, and requires the same document.
func TestShareControlMatchesTempl(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for _, lang := range i18n.Supported() {
		for _, v := range []url.Values{
			{},
			{"name": {`a&b "<x>" '`}, "page": {"2"}, "tz": {"Asia/Shanghai"}},
			{"range": {"24h"}, "status": {"failed,running"}},
			{"asof": {"2026-11-30T11:00:00Z"}, "from": {"2026-11-01"}, "order": {"asc"}, "size": {"50"}},
		} {
			q, errs := jobquery.Parse(v, time.UTC, now)
			if len(errs) > 0 {
				t.Fatalf("parse %v: %v", v, errs)
			}
			d := JobList{Page: Page{L: i18n.For(lang)}, Path: "/workflows/42/jobs", Query: q, Now: now}
			got := canonicalHTML(t, renderTo(t, shareControl(d)), "div")
			want := canonicalHTML(t, renderTo(t, shareControlTempl(d)), "div")
			if got != want {
				t.Fatalf("%s %v: hand-written Share control:\n%s\ntempl's:\n%s", lang, v, got, want)
			}
		}
	}
}
