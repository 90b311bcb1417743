package jobquery

import (
	"math/rand"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

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
		"name=a&name=b&status=failed", "page=2&page=3", "page=2&page=2", "range=24h&from=2026-11-01&from=2026-11-02",
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

// TestZone checks the zone of a tz value read alone (the tz cookie): the
// name Parse accepts, spaces around it ignored; nothing for a blank,
// unknown or refused name.
func TestZone(t *testing.T) {
	if loc, ok := Zone(" Europe/Paris "); !ok || loc.String() != "Europe/Paris" {
		t.Errorf("Zone(\" Europe/Paris \") = %v, %v; want Europe/Paris", loc, ok)
	}
	for _, name := range []string{"", "  ", "Local", "Mars/Olympus", "../../etc/passwd"} {
		if loc, ok := Zone(name); ok || loc != nil {
			t.Errorf("Zone(%q) = %v, %v; want none", name, loc, ok)
		}
	}
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

func TestRangeAndAsOfParseCanonically(t *testing.T) {
	cases := []struct {
		in        url.Values
		wantRange string
		wantAsOf  time.Time
		wantURL   string
	}{
		{url.Values{"range": {"24h"}}, "24h", time.Time{}, "/jobs?range=24h"},
		{url.Values{"range": {" 7D "}}, "7d", time.Time{}, "/jobs?range=7d"},
		{url.Values{"range": {"24h"}, "from": {""}, "to": {" "}}, "24h", time.Time{}, "/jobs?range=24h"},
		{url.Values{"asof": {"2026-12-01T14:30:00Z"}}, "", time.Date(2026, 12, 1, 14, 30, 0, 0, time.UTC), "/jobs?asof=2026-12-01T14%3A30%3A00Z"},
		{url.Values{"asof": {"2026-12-01T15:30:00+01:00"}}, "", time.Date(2026, 12, 1, 14, 30, 0, 0, time.UTC), "/jobs?asof=2026-12-01T14%3A30%3A00Z"},
		{url.Values{"asof": {"2026-12-01T15:30:00 01:00"}}, "", time.Date(2026, 12, 1, 14, 30, 0, 0, time.UTC), "/jobs?asof=2026-12-01T14%3A30%3A00Z"},
		{url.Values{"asof": {"2026-12-01T14:30:00.999Z"}, "range": {"1h"}, "page": {"2"}}, "1h", time.Date(2026, 12, 1, 14, 30, 0, 0, time.UTC),
			"/jobs?asof=2026-12-01T14%3A30%3A00Z&page=2&range=1h"},
		// A pin a few seconds ahead (another replica's clock) is accepted.
		{url.Values{"asof": {testNow.Add(MaxAsOfSkew).Format(time.RFC3339)}}, "", testNow.Add(MaxAsOfSkew), "/jobs?asof=2026-12-01T14%3A32%3A10Z"},
	}
	for _, tc := range cases {
		q, errs := Parse(tc.in, time.UTC, testNow)
		if errs != nil {
			t.Errorf("%v: errors %v", tc.in, errs)
			continue
		}
		if q.Range != tc.wantRange || !q.AsOf.Equal(tc.wantAsOf) || q.Pinned() == tc.wantAsOf.IsZero() {
			t.Errorf("%v: range %q asof %v, want %q %v", tc.in, q.Range, q.AsOf, tc.wantRange, tc.wantAsOf)
		}
		if got := q.URL("/jobs"); got != tc.wantURL {
			t.Errorf("%v: URL %s, want %s", tc.in, got, tc.wantURL)
		}
		if q.Range != "" && !q.Filtered() {
			t.Errorf("%v: a preset range is a filter", tc.in)
		}
	}
}

func TestRangeAndAsOfInvalid(t *testing.T) {
	cases := []struct {
		values url.Values
		field  string
		key    string
	}{
		{url.Values{"range": {"2h"}}, "range", "field.range.invalid"},
		{url.Values{"range": {"24"}}, "range", "field.range.invalid"},
		{url.Values{"asof": {"yesterday"}}, "asof", "field.asof.invalid"},
		{url.Values{"asof": {"2026-12-01"}}, "asof", "field.asof.invalid"},
		{url.Values{"asof": {"2026-12-01T14:32"}}, "asof", "field.asof.invalid"},
		{url.Values{"asof": {"1969-12-31T23:59:59Z"}}, "asof", "field.asof.invalid"},
		{url.Values{"asof": {testNow.Add(MaxAsOfSkew + time.Second).Format(time.RFC3339)}}, "asof", "field.asof.future"},
		{url.Values{"asof": {"2027-01-01T00:00:00Z"}}, "asof", "field.asof.future"},
	}
	for _, tc := range cases {
		q, errs := Parse(tc.values, time.UTC, testNow)
		e, ok := errs[tc.field]
		if !ok || e.Key != tc.key || e.Value != tc.values.Get(tc.field) {
			t.Errorf("%v: error %+v, want %s with the typed value", tc.values, e, tc.key)
		}
		if q.Range != "" || q.Pinned() {
			t.Errorf("%v: invalid value applied: %+v", tc.values, q)
		}
	}
}

func TestRangeWithDatesIsAnErrorOnBoth(t *testing.T) {
	v := url.Values{"range": {"24h"}, "from": {"2026-11-01"}, "to": {"2026-11-30"}, "status": {"failed"}, "name": {"rank"}}
	q, errs := Parse(v, time.UTC, testNow)
	if e := errs["range"]; e.Key != "field.range.conflict" || e.Value != "24h" {
		t.Errorf("range error %+v", e)
	}
	for _, f := range []string{"from", "to"} {
		if e := errs[f]; e.Key != "" || e.Of != "range" || e.Value != v.Get(f) {
			t.Errorf("%s error %+v, want a part of range's problem keeping %q", f, e, v.Get(f))
		}
	}
	if len(errs) != 3 {
		t.Errorf("errors %v", errs)
	}
	// Neither the preset nor the dates apply; the other filters do.
	up := q.Upstream()
	if q.Range != "" || q.From != "" || q.To != "" || !up.From.IsZero() || !up.To.IsZero() {
		t.Errorf("conflicting bounds applied: %+v, upstream %+v", q, up)
	}
	if q.Status != SetOf(apiclient.StatusFailed) || q.Name != "rank" {
		t.Errorf("other filters dropped: %+v", q)
	}
	// A date with its own problem keeps its own message.
	_, errs = Parse(url.Values{"range": {"1h"}, "from": {"soon"}}, time.UTC, testNow)
	if errs["from"].Key != "field.date.invalid" || errs["range"].Key != "field.range.conflict" {
		t.Errorf("errors %v", errs)
	}
}

func TestUpstreamOfRangeAndPin(t *testing.T) {
	ms := time.Millisecond
	at := testNow.Add(300 * ms) // the request's clock has milliseconds
	parse := func(v url.Values) apiclient.ListQuery {
		t.Helper()
		q, errs := Parse(v, time.UTC, at)
		if errs != nil {
			t.Fatalf("%v: %v", v, errs)
		}
		return q.Upstream()
	}
	pin := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		v        url.Values
		from, to time.Time
	}{
		// Live: the range ends at the request's second.
		{url.Values{"range": {"24h"}}, testNow.Add(-24 * time.Hour), time.Time{}},
		{url.Values{"range": {"1h"}}, testNow.Add(-time.Hour), time.Time{}},
		{url.Values{"range": {"30d"}}, testNow.AddDate(0, 0, -30), time.Time{}},
		// Pinned: the range ends at the pin, which covers its whole second.
		{url.Values{"range": {"7d"}, "asof": {"2026-11-30T09:00:00Z"}}, pin.Add(-7 * 24 * time.Hour), pin.Add(999 * ms)},
		{url.Values{"asof": {"2026-11-30T09:00:00Z"}}, time.Time{}, pin.Add(999 * ms)},
		// toCreateTime is the earlier of to and the pin.
		{url.Values{"asof": {"2026-11-30T09:00:00Z"}, "to": {"2026-11-29"}}, time.Time{}, pin.Add(-9*time.Hour - ms)},
		{url.Values{"asof": {"2026-11-30T09:00:00Z"}, "to": {"2026-11-30"}}, time.Time{}, pin.Add(999 * ms)},
		{url.Values{"asof": {"2026-11-30T09:00:00Z"}, "from": {"2026-11-01"}}, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), pin.Add(999 * ms)},
	}
	for _, tc := range cases {
		up := parse(tc.v)
		if !up.From.Equal(tc.from) || !up.To.Equal(tc.to) {
			t.Errorf("%v: window %v – %v, want %v – %v", tc.v, up.From, up.To, tc.from, tc.to)
		}
	}
}

func TestPagingLinksPinAndLiveLinksDont(t *testing.T) {
	q, _ := Parse(url.Values{"range": {"24h"}, "status": {"running"}}, time.UTC, testNow.Add(400*time.Millisecond))
	if q.Stable().Pinned() || q.WithSize(50).Stable().Pinned() || q.WithOrderToggled().Stable().Pinned() {
		t.Error("links to the first page of a live list are pinned")
	}
	p2 := q.WithPage(2).Stable()
	if !p2.AsOf.Equal(testNow) || p2.URL("/jobs") != "/jobs?asof=2026-12-01T14%3A32%3A05Z&page=2&range=24h&status=running" {
		t.Errorf("page 2 link %s", p2.URL("/jobs"))
	}
	// Once pinned, every link keeps the pin, back to page 1 too.
	for _, l := range []Query{p2.WithPage(1), p2.WithSize(50), p2.WithOrderToggled(), p2.WithPage(3)} {
		if !l.Stable().AsOf.Equal(testNow) {
			t.Errorf("%s lost the pin", l.URL("/jobs"))
		}
	}
	live := p2.Live()
	if live.URL("/jobs") != "/jobs?range=24h&status=running" {
		t.Errorf("live link %s", live.URL("/jobs"))
	}
	if got := p2.WithRange("7d").URL("/jobs"); got != "/jobs?range=7d&status=running" {
		t.Errorf("choosing a preset: %s", got)
	}
	dated, _ := Parse(url.Values{"from": {"2026-11-01"}, "asof": {"2026-11-30T09:00:00Z"}, "page": {"4"}}, time.UTC, testNow)
	if got := dated.WithRange("1h").URL("/jobs"); got != "/jobs?range=1h" {
		t.Errorf("choosing a preset over dates: %s", got)
	}
	if got := dated.Cleared().URL("/jobs"); got != "/jobs" {
		t.Errorf("clearing a pinned list: %s", got)
	}
}

func TestNewerCountsOnlyAfterThePin(t *testing.T) {
	q, _ := Parse(url.Values{"range": {"24h"}, "status": {"failed"}, "name": {"x"}, "asof": {"2026-12-01T10:00:00Z"}, "page": {"3"}, "size": {"50"}, "order": {"asc"}},
		time.UTC, testNow)
	nq, ok := q.Newer()
	if !ok || !nq.From.Equal(time.Date(2026, 12, 1, 10, 0, 1, 0, time.UTC)) || !nq.To.IsZero() ||
		nq.Page != 1 || nq.PageSize != 1 || nq.Name != "x" || nq.Status == nil || *nq.Status != apiclient.StatusFailed {
		t.Errorf("newer call %+v %v", nq, ok)
	}
	if !nq.From.After(q.Upstream().To) {
		t.Errorf("newer call %v overlaps the pinned window ending %v", nq.From, q.Upstream().To)
	}
	if _, ok := q.Live().Newer(); ok {
		t.Error("a live list has a newer-jobs call")
	}
	ended, _ := Parse(url.Values{"to": {"2026-11-30"}, "asof": {"2026-12-01T10:00:00Z"}}, time.UTC, testNow)
	if nq, ok := ended.Newer(); ok {
		t.Errorf("no job after the pin can be created by the end date, but newer is %+v", nq)
	}
	// A live range longer ago than the pin counts from the live window.
	old, _ := Parse(url.Values{"range": {"1h"}, "asof": {"2026-11-01T00:00:00Z"}}, time.UTC, testNow)
	if nq, _ := old.Newer(); !nq.From.Equal(testNow.Add(-time.Hour)) {
		t.Errorf("newer from %v, want the live hour", nq.From)
	}
}

// The exact link of any list, opened later by anyone, asks Explorer for
// exactly the rows its sender saw.
func TestExactLinkReproducesTheWindow(t *testing.T) {
	def := testenv.LoadZone(t, "Asia/Shanghai")
	r := rand.New(rand.NewSource(2))
	later := testNow.Add(50 * time.Hour)
	for i := 0; i < 2000; i++ {
		q := randomQuery(r, def)
		exact := q.Exact()
		if !exact.Pinned() || exact.Range != "" || exact.TZ == "" || exact.Page != q.Page {
			t.Fatalf("exact %s of %s", exact.URL("/jobs"), q.URL("/jobs"))
		}
		u, err := url.Parse(exact.URL("/jobs"))
		if err != nil {
			t.Fatal(err)
		}
		// Read later, in another default zone.
		got, errs := Parse(u.Query(), time.UTC, later)
		if errs != nil {
			t.Fatalf("%s: %v", u, errs)
		}
		want, up := q.Pin().Upstream(), got.Upstream()
		if !up.From.Equal(want.From) || !up.To.Equal(want.To) || up.Page != want.Page || up.PageSize != want.PageSize ||
			up.Order != want.Order || up.Name != want.Name || (up.Status == nil) != (want.Status == nil) {
			t.Fatalf("%s reads %+v, the sender's list was %+v (from %s)", u, up, want, q.URL("/jobs"))
		}
	}
}

// A parameter that holds one value, given several times with different
// values, is refused: the URL does not say which one it means, and taking
// one of them would show the reader a list other than the one the URL
// describes. Its copies are named in the message, the first is kept for
// the form and the other filters still apply. The same value repeated
// says one thing and is accepted; status is a set, and its copies merge.
func TestRepeatedParameterIsRefused(t *testing.T) {
	two := map[string][2]string{
		"name":  {"pagerank", "louvain"},
		"tz":    {"Europe/Paris", "Asia/Kolkata"},
		"from":  {"2026-11-01", "2026-11-02"},
		"to":    {"2026-11-20", "2026-11-21"},
		"range": {"24h", "7d"},
		"asof":  {"2026-12-01T10:00:00Z", "2026-12-01T11:00:00Z"},
		"order": {"asc", "desc"},
		"page":  {"2", "3"},
		"size":  {"50", "100"},
	}
	for field, vals := range two {
		v := url.Values{field: {vals[0], vals[1]}, "status": {"failed"}}
		q, errs := Parse(v, time.UTC, testNow)
		e, ok := errs[field]
		if !ok || e.Key != "field."+field+".repeated" {
			t.Errorf("%s=%s&%s=%s: error %+v, want field.%s.repeated (all errors %v)", field, vals[0], field, vals[1], e, field, errs)
			continue
		}
		if len(errs) != 1 {
			t.Errorf("%s repeated: errors on other fields too: %v", field, errs)
		}
		if e.Value != vals[0] {
			t.Errorf("%s repeated: the form keeps %q, want the first copy %q", field, e.Value, vals[0])
		}
		if len(e.Args) != 1 || e.Args[0] != "“"+vals[0]+"”, “"+vals[1]+"”" {
			t.Errorf("%s repeated: message args %q, want both copies", field, e.Args)
		}
		d := Default(time.UTC, testNow)
		if q.Name != d.Name || q.TZ != d.TZ || q.From != d.From || q.To != d.To || q.Range != d.Range ||
			!q.AsOf.Equal(d.AsOf) || q.Asc != d.Asc || q.Page != d.Page || q.Size != d.Size {
			t.Errorf("%s repeated: one of its copies was applied: %+v", field, q)
		}
		if q.Status != SetOf(apiclient.StatusFailed) {
			t.Errorf("%s repeated: the status filter was dropped: %v", field, q.Status)
		}
	}

	// Dates given twice next to a preset range: still both a preset and
	// dates, so neither applies.
	_, errs := Parse(url.Values{"range": {"24h"}, "from": {"2026-11-01", "2026-11-02"}}, time.UTC, testNow)
	if errs["range"].Key != "field.range.conflict" || errs["from"].Key != "field.from.repeated" {
		t.Errorf("range with a repeated from: %v", errs)
	}

	// The same value twice says one thing.
	q, errs := Parse(url.Values{"page": {"2", " 2"}, "name": {"x", "x"}}, time.UTC, testNow)
	if errs != nil || q.Page != 2 || q.Name != "x" {
		t.Errorf("the same value twice: %+v %v", q, errs)
	}
	// Statuses given several times are one set.
	q, errs = Parse(url.Values{"status": {"failed", "cancelled"}}, time.UTC, testNow)
	if errs != nil || q.Status != SetOf(apiclient.StatusFailed, apiclient.StatusInterrupted) {
		t.Errorf("status twice: %v %v", q.Status, errs)
	}
	// Many copies: the message names a few, never the whole URL.
	many := make([]string, 50)
	for i := range many {
		many[i] = strings.Repeat(string(rune('a'+i%26)), 100) + strconv.Itoa(i)
	}
	_, errs = Parse(url.Values{"name": many}, time.UTC, testNow)
	if len(errs["name"].Args) != 1 {
		t.Fatalf("50 names: %v", errs)
	}
	if msg := errs["name"].Args[0].(string); utf8.RuneCountInString(msg) > 200 || !strings.HasSuffix(msg, "…") {
		t.Errorf("50 long names: message argument of %d characters: %q", utf8.RuneCountInString(msg), msg)
	}
}

// TestAppendQueryEscapedMatchesQueryEscape checks the in-place escaping
// against url.QueryEscape on every byte and on mixed text.
func TestAppendQueryEscapedMatchesQueryEscape(t *testing.T) {
	cases := []string{"", "a b+c", "/workflows/1/jobs?name=x&tz=Europe%2FBerlin", "名前 <\"'>&", "\x00\xff~-._"}
	for c := 0; c < 256; c++ {
		cases = append(cases, string([]byte{byte(c)}))
	}
	for _, s := range cases {
		if got, want := string(AppendQueryEscaped([]byte("p="), s)), "p="+url.QueryEscape(s); got != want {
			t.Errorf("AppendQueryEscaped(%q) = %q, want %q", s, got, want)
		}
	}
}
