package jobquery

import (
	"math/rand"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"jobboard/apiclient"
	"jobboard/internal/testenv"
)

// testNow is the injected clock of these tests: every Query is parsed at it.
var testNow = time.Date(2026, 12, 1, 14, 32, 5, 0, time.UTC)

// randomQuery generates a valid Query evaluated at testNow.
func randomQuery(r *rand.Rand, def *time.Location) Query {
	q := Default(def, testNow)
	names := []string{"", "", "pagerank", "Louvain 2026", "a&b=c?d", "日报", "x%20y", "+plus+"}
	q.Name = names[r.Intn(len(names))]
	if r.Intn(2) == 0 {
		q.Status = StatusSet(r.Intn(64)).Normal() // any set, all six being none
	}
	zones := []string{"", "UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "Asia/Kolkata"}
	q.TZ = zones[r.Intn(len(zones))]
	if q.TZ != "" {
		q.loc, _ = time.LoadLocation(q.TZ)
	}
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.Intn(700))
	switch r.Intn(3) {
	case 1:
		q.From = day.Format(layoutDate)
	case 2:
		q.From = day.Add(time.Duration(r.Intn(1440)) * time.Minute).Format(layoutMinute)
	}
	if r.Intn(2) == 0 {
		end := day.AddDate(0, 0, r.Intn(30))
		if r.Intn(2) == 0 {
			q.To = end.Format(layoutDate)
		} else {
			q.To = end.Add(23*time.Hour + 59*time.Minute).Format(layoutMinute)
		}
	}
	if q.From == "" && q.To == "" && r.Intn(2) == 0 {
		q.Range = Ranges[r.Intn(len(Ranges))]
	}
	if r.Intn(2) == 0 {
		q.AsOf = testNow.Add(-time.Duration(r.Intn(90*24*3600)) * time.Second)
	}
	q.Asc = r.Intn(2) == 0
	q.Page = 1 + r.Intn(50)
	q.Size = Sizes[r.Intn(len(Sizes))]
	return q
}

func TestCanonicalRoundTrip(t *testing.T) {
	def := testenv.LoadZone(t, "Asia/Shanghai")
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 2000; i++ {
		q := randomQuery(r, def)
		u, err := url.Parse(q.URL("/workflows/1/jobs"))
		if err != nil {
			t.Fatal(err)
		}
		got, errs := Parse(u.Query(), def, testNow)
		if errs != nil {
			t.Fatalf("%s: unexpected errors %v", u, errs)
		}
		if diff := cmp.Diff(q, got, cmpopts.IgnoreUnexported(Query{})); diff != "" {
			t.Fatalf("%s: round trip (-want +got):\n%s", u, diff)
		}
		if got.Location().String() != q.Location().String() {
			t.Fatalf("%s: zone %s, want %s", u, got.Location(), q.Location())
		}
		if again := got.URL("/workflows/1/jobs"); again != u.String() {
			t.Fatalf("not canonical: %s then %s", u, again)
		}
	}
}

func TestDefaultsLeftOut(t *testing.T) {
	q, errs := Parse(url.Values{"page": {"1"}, "size": {"20"}, "order": {"desc"}, "name": {"  "}, "status": {""}}, time.UTC, testNow)
	if errs != nil {
		t.Fatal(errs)
	}
	if got := q.URL("/p"); got != "/p" {
		t.Errorf("URL %q, want /p", got)
	}
}

func TestParseAcceptsAliases(t *testing.T) {
	for in, want := range map[string]apiclient.Status{
		"failed": apiclient.StatusFailed, "FAILED": apiclient.StatusFailed, "3": apiclient.StatusFailed,
		"success": apiclient.StatusSuccess, "succeeded": apiclient.StatusSuccess,
		"interrupted": apiclient.StatusInterrupted, "canceled": apiclient.StatusInterrupted, "cancelled": apiclient.StatusInterrupted,
		"0": apiclient.StatusPreparing, "stopping": apiclient.StatusStopping,
	} {
		q, errs := Parse(url.Values{"status": {in}}, time.UTC, testNow)
		if got, ok := q.Status.Single(); errs != nil || !ok || got != want {
			t.Errorf("status=%s: got %v %v, want %v", in, q.Status, errs, want)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	cases := []struct {
		values url.Values
		field  string
	}{
		{url.Values{"page": {"-3"}}, "page"},
		{url.Values{"page": {"0"}}, "page"},
		{url.Values{"page": {"abc"}}, "page"},
		{url.Values{"page": {"99999999999999999999"}}, "page"},
		{url.Values{"status": {"banana"}}, "status"},
		{url.Values{"status": {"6"}}, "status"},
		{url.Values{"status": {"03"}}, "status"},
		{url.Values{"size": {"7"}}, "size"},
		{url.Values{"size": {"1000"}}, "size"},
		{url.Values{"order": {"up"}}, "order"},
		{url.Values{"from": {"2026-13-01"}}, "from"},
		{url.Values{"to": {"tomorrow"}}, "to"},
		{url.Values{"from": {"2026-11-10"}, "to": {"2026-11-01"}}, "to"},
		{url.Values{"tz": {"Mars/Olympus"}}, "tz"},
		{url.Values{"tz": {"Local"}}, "tz"},
		{url.Values{"tz": {"../../etc/passwd"}}, "tz"},
		{url.Values{"name": {"a\x00b"}}, "name"},
	}
	for _, tc := range cases {
		q, errs := Parse(tc.values, time.UTC, testNow)
		e, ok := errs[tc.field]
		if !ok || e.Key == "" {
			t.Errorf("%v: no error for %s (errors %v)", tc.values, tc.field, errs)
			continue
		}
		if e.Value != tc.values.Get(tc.field) {
			t.Errorf("%v: kept value %q", tc.values, e.Value)
		}
		if q.Page != 1 && tc.field == "page" || q.Size != DefaultSize && tc.field == "size" {
			t.Errorf("%v: invalid value not reset: %+v", tc.values, q)
		}
	}
	// The other filters still apply.
	q, errs := Parse(url.Values{"status": {"failed"}, "size": {"7"}, "from": {"2026-11-10"}, "to": {"2026-11-01"}}, time.UTC, testNow)
	if len(errs) != 2 || q.Status != SetOf(apiclient.StatusFailed) || q.From != "2026-11-10" || q.To != "" {
		t.Errorf("partial: %+v %v", q, errs)
	}
}

func TestUpstream(t *testing.T) {
	paris := testenv.LoadZone(t, "Europe/Paris")
	q, errs := Parse(url.Values{"name": {"rank"}, "status": {"failed"}, "from": {"2026-03-29"}, "to": {"2026-03-29"},
		"tz": {"Europe/Paris"}, "order": {"asc"}, "page": {"3"}, "size": {"50"}}, time.UTC, testNow)
	if errs != nil {
		t.Fatal(errs)
	}
	st := apiclient.StatusFailed
	want := apiclient.ListQuery{
		Name: "rank", Status: &st,
		From:  time.Date(2026, 3, 29, 0, 0, 0, 0, paris),
		To:    time.Date(2026, 3, 30, 0, 0, 0, 0, paris).Add(-time.Millisecond), // a 23-hour day (DST)
		Order: apiclient.OrderAsc, Page: 3, PageSize: 50,
	}
	got := q.Upstream()
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("Upstream (-want +got):\n%s", diff)
	}
	if d := got.To.Sub(got.From); d != 23*time.Hour-time.Millisecond {
		t.Errorf("DST day spans %v", d)
	}
	// A date-time bound covers its whole minute.
	q, _ = Parse(url.Values{"from": {"2026-11-30T14:30"}, "to": {"2026-11-30T14:30"}}, time.UTC, testNow)
	up := q.Upstream()
	if !up.From.Equal(time.Date(2026, 11, 30, 14, 30, 0, 0, time.UTC)) || !up.To.Equal(time.Date(2026, 11, 30, 14, 30, 59, 999e6, time.UTC)) {
		t.Errorf("minute bounds %v – %v", up.From, up.To)
	}
}

func TestLastPage(t *testing.T) {
	q := Default(time.UTC, testNow)
	for total, want := range map[int]int{0: 1, 1: 1, 20: 1, 21: 2, 2345: 118} {
		if got := q.LastPage(total); got != want {
			t.Errorf("LastPage(%d) = %d, want %d", total, got, want)
		}
	}
}

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
		if q2.Name != q.Name || q2.Status != q.Status || q2.From != q.From ||
			q2.To != q.To || q2.TZ != q.TZ || q2.Asc != q.Asc || q2.Page != q.Page || q2.Size != q.Size ||
			q2.Range != q.Range || !q2.AsOf.Equal(q.AsOf) {
			t.Fatalf("round trip changed the query: %+v → %+v", q, q2)
		}
		up := q.Upstream()
		if up.Page != q.Page || up.PageSize != q.Size || up.Name != q.Name || (up.Status != nil) != (q.Status.Len() == 1) {
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
		// The same values as Encode, in its order; the status set keeps its
		// commas readable.
		want := canon.Encode()
		if st := canon.Get("status"); st != "" {
			want = strings.Replace(want, "status="+url.QueryEscape(st), "status="+st, 1)
		}
		if want = "/workflows/1/jobs?" + want; u != strings.TrimSuffix(want, "?") {
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

// TestZoneCacheSameAnswer checks that Parse answers a zone the same way
// the first time and when it is cached, from many goroutines at once, and
// that a refused zone stays refused.
func TestZoneCacheSameAnswer(t *testing.T) {
	names := []string{"Europe/Paris", "Asia/Shanghai", "America/New_York", "UTC", "Asia/Kolkata"}
	instant := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				for _, name := range names {
					want, err := time.LoadLocation(name)
					if err != nil {
						t.Errorf("load %s: %v", name, err)
						return
					}
					q, errs := Parse(url.Values{"tz": {name}}, time.UTC, testNow)
					if errs != nil {
						t.Errorf("tz=%s: %v", name, errs)
						return
					}
					if got := q.Location(); got.String() != name || instant.In(got).Format(time.RFC3339) != instant.In(want).Format(time.RFC3339) {
						t.Errorf("tz=%s: zone %s gives %s, want %s", name, got, instant.In(got).Format(time.RFC3339), instant.In(want).Format(time.RFC3339))
					}
				}
				if _, errs := Parse(url.Values{"tz": {"Mars/Olympus"}}, time.UTC, testNow); errs == nil {
					t.Error("tz=Mars/Olympus accepted")
				}
			}
		})
	}
	wg.Wait()
}

// TestZoneCacheBounded checks that the cache never holds more than
// maxCachedZones names and that zones keep loading once it is full.
func TestZoneCacheBounded(t *testing.T) {
	if zoneCacheSize.Load() > maxCachedZones {
		t.Fatalf("cache holds %d zones, bound %d", zoneCacheSize.Load(), maxCachedZones)
	}
	saved := zoneCacheSize.Load()
	zoneCacheSize.Store(maxCachedZones) // as if full
	defer zoneCacheSize.Store(saved)
	loc, ok := loadZone("Pacific/Auckland")
	if !ok || loc.String() != "Pacific/Auckland" {
		t.Fatalf("full cache: Pacific/Auckland gives %v, %v", loc, ok)
	}
	if _, cached := zoneCache.Load("Pacific/Auckland"); cached {
		t.Fatal("a full cache stored another zone")
	}
	if zoneCacheSize.Load() != maxCachedZones {
		t.Fatalf("size %d after loading into a full cache", zoneCacheSize.Load())
	}
}
