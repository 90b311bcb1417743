package jobquery

import (
	"math/rand"
	"net/url"
	"testing"
	"time"

	"jobboard/apiclient"
	"jobboard/internal/testenv"
)

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
