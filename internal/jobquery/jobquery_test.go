package jobquery

import (
	"math/rand"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"jobboard/apiclient"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// testNow is the injected clock of these tests: every Query is parsed at it.
var testNow = time.Date(2026, 12, 1, 14, 32, 5, 0, time.UTC)

// randomQuery generates a valid Query evaluated at testNow.
func randomQuery(r *rand.Rand, def *time.Location) Query {
	q := Default(def, testNow)
	names := []string{"", "", "pagerank", "Louvain 2026", "a&b=c?d", "日报", "x%20y", "+plus+"}
	q.Name = names[r.Intn(len(names))]
	if r.Intn(2) == 0 {
		q.HasStatus, q.Status = true, apiclient.Statuses[r.Intn(len(apiclient.Statuses))]
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
	def := mustZone(t, "Asia/Shanghai")
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
		if errs != nil || !q.HasStatus || q.Status != want {
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
	if len(errs) != 2 || !q.HasStatus || q.From != "2026-11-10" || q.To != "" {
		t.Errorf("partial: %+v %v", q, errs)
	}
}

func TestUpstream(t *testing.T) {
	paris := mustZone(t, "Europe/Paris")
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
