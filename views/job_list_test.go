package views

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"jobboard/apiclient"
	"jobboard/internal/i18n"
	"jobboard/internal/jobquery"
	"jobboard/internal/testenv"
)

// benchList is a workflow's jobs list of n rows as the handler builds it:
// every status, finished and running jobs, a page in the middle of a long
// list.
func benchList(n int) JobList {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	jobs := make([]apiclient.Job, n)
	for i := range jobs {
		created := now.Add(-time.Duration(i+1) * 7 * time.Minute)
		j := apiclient.Job{
			ID:           int64(1000 + i),
			Name:         fmt.Sprintf("workflow_q745a_20261130%06d", i),
			WorkflowID:   "4216617528",
			WorkflowName: "workflow_q745a",
			Status:       apiclient.Statuses[i%len(apiclient.Statuses)],
			Created:      created,
			RunBegin:     created.Add(3 * time.Second),
		}
		if j.Status.Terminal() {
			j.RunEnd = j.RunBegin.Add(time.Duration(i+1) * 65 * time.Second)
		}
		jobs[i] = j
	}
	q, _ := jobquery.Parse(map[string][]string{"page": {"2"}, "size": {fmt.Sprint(n)}}, time.UTC, now)
	return JobList{
		Page:       Page{L: i18n.For(i18n.English), Asset: func(n string) string { return "/static/" + n }, SignedIn: true},
		WorkflowID: "4216617528", WorkflowName: "workflow_q745a",
		Path: "/workflows/4216617528/jobs", Query: q, Jobs: jobs, Total: 2345, Now: now,
	}
}

// BenchmarkJobListResults renders the results fragment (what an htmx
// filter, sort or page request gets) into a reused buffer, as the handler
// does with its pooled buffers.
func BenchmarkJobListResults(b *testing.B) {
	for _, n := range []int{20, 100} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			d := benchList(n)
			var buf bytes.Buffer
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := JobListResults(d).Render(ctx, &buf); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "bytes/fragment")
		})
	}
}

// BenchmarkGzipLevels compresses a 20-row results fragment at a few gzip
// levels and reports the compressed size next to the time: the choice of
// internal/middleware's DefaultCompressLevel.
func BenchmarkGzipLevels(b *testing.B) {
	var page bytes.Buffer
	if err := JobListResults(benchList(20)).Render(context.Background(), &page); err != nil {
		b.Fatal(err)
	}
	for _, level := range []int{1, 5, 6} {
		b.Run(fmt.Sprintf("level=%d", level), func(b *testing.B) {
			var out bytes.Buffer
			gz, err := gzip.NewWriterLevel(&out, level)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(page.Len()))
			b.ReportAllocs()
			for b.Loop() {
				out.Reset()
				gz.Reset(&out)
				_, _ = gz.Write(page.Bytes())
				_ = gz.Close()
			}
			b.ReportMetric(float64(out.Len()), "gzip-bytes")
		})
	}
}

// TestTooDeepSaysSo: a page of several statuses the merge could not place
// says so in words, in both languages, with the total and the pager.
func TestTooDeepSaysSo(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	q, errs := jobquery.Parse(url.Values{"status": {"failed,cancelled"}, "page": {"90"}}, time.UTC, now)
	if errs != nil {
		t.Fatal(errs)
	}
	for lang, want := range map[string]string{i18n.English: "too far in", i18n.Chinese: "太靠后"} {
		d := JobList{Page: Page{L: i18n.For(lang)}, Path: "/jobs", Query: q, Now: now, All: true, Total: 3000, TooDeep: true}
		doc := testenv.Parse(t, string(renderTo(t, JobListResults(d))))
		note := testenv.ByID(doc, "too-deep")
		if note == nil || !strings.Contains(testenv.Text(note), want) || !strings.Contains(testenv.Text(note), "90") {
			t.Errorf("%s: no note in words naming page 90", lang)
		}
		if len(testenv.ByTag(doc, "nav")) == 0 || len(testenv.ByTag(doc, "tr")) != 0 {
			t.Errorf("%s: want the pager and no rows", lang)
		}
	}
}

// TestPagerPastTheLastPage: a results fragment whose page lies past the
// list's end (the list shrank after the page was chosen) renders with a
// pager that leads back, rather than failing.
func TestPagerPastTheLastPage(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	q, errs := jobquery.Parse(url.Values{"page": {"9"}}, time.UTC, now)
	if errs != nil {
		t.Fatal(errs)
	}
	// Explorer's total fell to 20 while its page 9 still held rows.
	d := benchList(5)
	d.Query, d.Total = q, 20
	page := string(renderTo(t, JobListResults(d)))
	doc := testenv.Parse(t, page)
	var back bool
	for _, nav := range testenv.ByTag(doc, "nav") {
		for _, a := range testenv.ByTag(nav, "a") {
			if strings.Contains(testenv.AttrValue(a, "href"), "page=8") {
				back = true
			}
		}
	}
	if !back {
		t.Errorf("page 9 of a one-page list: no pager link back to page 8 in %s", page)
	}
}
