package jobquery

import (
	"net/url"
	"testing"
	"time"
)

// BenchmarkParseListURL parses a list URL with every parameter set, as a
// jobs list request does, and renders its canonical URL back.
func BenchmarkParseListURL(b *testing.B) {
	const raw = "/workflows/4216617528/jobs?from=2026-11-01&name=pagerank&order=asc&page=3&size=50&status=failed&to=2026-11-30T18%3A00&tz=Europe%2FParis"
	b.ReportAllocs()
	for b.Loop() {
		u, err := url.ParseRequestURI(raw)
		if err != nil {
			b.Fatal(err)
		}
		q, errs := Parse(u.Query(), time.UTC, benchNow)
		if errs != nil || q.Page != 3 {
			b.Fatalf("parse: %+v %v", q, errs)
		}
		if got := q.URL(u.Path); got != raw {
			b.Fatalf("canonical URL %q, want %q", got, raw)
		}
	}
}

// BenchmarkParseDefault parses the plain list URL (no parameters).
func BenchmarkParseDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		q, errs := Parse(url.Values{}, time.UTC, benchNow)
		if errs != nil || q.URL("/jobs") != "/jobs" {
			b.Fatal("default query is not canonical")
		}
	}
}

// benchNow is the fixed instant the benchmarks parse at.
var benchNow = time.Date(2026, 12, 1, 14, 32, 5, 0, time.UTC)
