package jobquery

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzParseQuery parses arbitrary query strings: Parse never panics, the
// canonical values parse back to the same Query with no errors, Upstream
// never panics and agrees with the Query, and the canonical URL is always a
// local path.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"", "status=failed&page=2", "name=pagerank&from=2026-11-01&to=2026-11-30&tz=Europe%2FParis&size=50",
		"from=2026-11-30T08:00&order=asc", "status=9&page=-1&size=7", "tz=Local", "name=%00", "from=2026-11-30&to=2026-11-01",
		"page=1000001", "status=Success&order=DESC&name=++x++", "tz=../../etc/passwd", "from=2026-02-30",
		"range=24h&page=2", "range=7D&from=2026-11-01", "asof=2026-12-01T14:32:05Z&range=1h&tz=Asia%2FKolkata",
		"asof=2026-12-01T15:32:05%2B01:00", "asof=2027-01-01T00:00:00Z", "asof=2026-11-01T00:00:00Z&to=2026-11-30",
	} {
		f.Add(s)
	}
	zone := time.FixedZone("CST", 8*3600)
	fuzzNow := time.Date(2026, 12, 1, 14, 32, 5, 0, time.UTC)
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, _ := Parse(v, zone, fuzzNow)
		canon := q.Values()
		q2, errs := Parse(canon, zone, fuzzNow)
		if errs != nil {
			t.Fatalf("canonical %q has errors %v (from %q)", canon.Encode(), errs, raw)
		}
		if q2.Values().Encode() != canon.Encode() || q2.Location().String() != q.Location().String() {
			t.Fatalf("not a fixed point: %q → %q → %q", raw, canon.Encode(), q2.Values().Encode())
		}
		if q2.Name != q.Name || q2.HasStatus != q.HasStatus || q2.Status != q.Status || q2.From != q.From ||
			q2.To != q.To || q2.TZ != q.TZ || q2.Asc != q.Asc || q2.Page != q.Page || q2.Size != q.Size ||
			q2.Range != q.Range || !q2.AsOf.Equal(q.AsOf) {
			t.Fatalf("round trip changed the query: %+v → %+v", q, q2)
		}
		up := q.Upstream()
		if up.Page != q.Page || up.PageSize != q.Size || up.Name != q.Name || (up.Status != nil) != q.HasStatus {
			t.Fatalf("upstream %+v disagrees with %+v", up, q)
		}
		if !q.Pinned() && !up.From.IsZero() && !up.To.IsZero() && up.To.Before(up.From) {
			t.Fatalf("upstream window ends before it starts: %+v", up)
		}
		if q.Pinned() && (up.To.IsZero() || up.To.After(q.AsOf.Add(time.Second))) {
			t.Fatalf("pinned at %v but the window ends at %v", q.AsOf, up.To)
		}
		if nq, ok := q.Newer(); ok && (!nq.From.After(up.To) || nq.PageSize != 1) {
			t.Fatalf("newer-jobs call %+v overlaps the pinned window ending %v", nq, up.To)
		}
		u := q.URL("/workflows/1/jobs")
		if want := "/workflows/1/jobs?" + canon.Encode(); u != strings.TrimSuffix(want, "?") {
			t.Fatalf("URL %q, want the canonical values %q", u, want)
		}
		if !strings.HasPrefix(u, "/workflows/1/jobs") || strings.HasPrefix(u, "//") {
			t.Fatalf("URL %q", u)
		}
		p, err := url.Parse(u)
		if err != nil || p.Scheme != "" || p.Host != "" || p.Path != "/workflows/1/jobs" {
			t.Fatalf("URL %q parses as %+v (%v)", u, p, err)
		}
	})
}
