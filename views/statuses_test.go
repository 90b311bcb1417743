package views_test

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"jobboard/internal/i18n"
	"jobboard/internal/jobquery"
	"jobboard/internal/testenv"
	"jobboard/views"
)

// TestTooDeepSaysSo: a page of several statuses the merge could not place
// says so in words, in both languages, with the total and the pager.
func TestTooDeepSaysSo(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	q, errs := jobquery.Parse(url.Values{"status": {"failed,cancelled"}, "page": {"90"}}, time.UTC, now)
	if errs != nil {
		t.Fatal(errs)
	}
	for lang, want := range map[string]string{i18n.English: "too far in", i18n.Chinese: "太靠后"} {
		var buf bytes.Buffer
		d := views.JobList{Page: views.Page{L: i18n.For(lang)}, Path: "/jobs", Query: q, Now: now, All: true, Total: 3000, TooDeep: true}
		if err := views.JobListResults(d).Render(context.Background(), &buf); err != nil {
			t.Fatal(err)
		}
		doc := testenv.Parse(t, buf.String())
		note := testenv.ByID(doc, "too-deep")
		if note == nil || !strings.Contains(testenv.Text(note), want) || !strings.Contains(testenv.Text(note), "90") {
			t.Errorf("%s: no note in words naming page 90", lang)
		}
		if len(testenv.ByTag(doc, "nav")) == 0 || len(testenv.ByTag(doc, "tr")) != 0 {
			t.Errorf("%s: want the pager and no rows", lang)
		}
	}
}
