package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jobboard/internal/explorersim"
)

// summaryWords are the summary's words per status code, in its order.
var summaryWords = []struct {
	code int
	word string
}{{2, "succeeded"}, {3, "failed"}, {4, "cancelled"}, {1, "running"}, {0, "preparing"}, {5, "stopping"}}

// wantSummary computes the summary line from the simulator's truth: the
// filter's status is ignored; zero counts are left out.
func wantSummary(jobs []explorersim.JobRecord, f filter) []string {
	f.status, f.page, f.size = -1, 1, len(jobs)+1
	ids, total := expectedPage(jobs, f)
	statusOf := map[string]int{}
	for _, j := range jobs {
		statusOf[strconv.FormatInt(j.ID, 10)] = j.Status
	}
	counts := map[int]int{}
	for _, id := range ids {
		counts[statusOf[id]]++
	}
	noun := "jobs"
	if total == 1 {
		noun = "job"
	}
	out := []string{commas(total) + " " + noun}
	for _, s := range summaryWords {
		if counts[s.code] > 0 {
			out = append(out, commas(counts[s.code])+" "+s.word)
		}
	}
	return out
}

// summaryLinks fetches a summary as htmx does and returns its links' texts
// and hrefs.
func summaryLinks(t *testing.T, e *testEnv, c *http.Client, path string) (texts, hrefs []string) {
	t.Helper()
	a := e.get(t, c, path, "HX-Request", "true", "HX-Target", "div#summary")
	if a.status != http.StatusOK {
		t.Fatalf("%s: status %d\n%s", path, a.status, a.body)
	}
	doc := parseHTML(t, a.body)
	if byID(doc, "filters") != nil {
		t.Fatalf("%s: htmx got a full page", path)
	}
	line := byID(doc, "outcomes")
	if line == nil {
		t.Fatalf("%s: no #outcomes in\n%s", path, a.body)
	}
	for _, l := range byTag(line, "a") {
		h, _ := attr(l, "href")
		texts, hrefs = append(texts, text(l)), append(hrefs, h)
	}
	return texts, hrefs
}

func TestSummaryCountsMatchSimulator(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	jobs := e.sim.Jobs("demo")
	wf := e.workflow(t, "demo")
	wfJobs := e.jobsOf("demo", wf.ID)
	mid := jobs[len(jobs)/3].Created.In(e.zone)
	from := time.Date(mid.Year(), mid.Month(), mid.Day(), 0, 0, 0, 0, e.zone)
	to := from.AddDate(0, 0, 10).Add(-time.Millisecond)
	days := "from=" + from.Format("2006-01-02") + "&to=" + to.Format("2006-01-02")
	other := e.sim.Workflows("demo")[1].Name

	cases := []struct {
		path string
		jobs []explorersim.JobRecord
		f    filter
	}{
		{"/jobs/summary", jobs, filter{}},
		{"/jobs/summary?status=failed&page=4&size=50", jobs, filter{}}, // status, page, size do not change counts
		{"/jobs/summary?name=" + url.QueryEscape(strings.ToUpper(other)), jobs, filter{name: other}},
		{"/jobs/summary?" + days, jobs, filter{from: from, to: to}},
		{"/jobs/summary?" + days + "&name=" + other + "&tz=UTC", jobs, filter{name: other, from: from.In(time.UTC), to: to}},
		{"/workflows/" + wf.ID + "/jobs/summary", wfJobs, filter{}},
		{"/workflows/" + wf.ID + "/jobs/summary?" + days + "&status=succeeded", wfJobs, filter{from: from, to: to}},
	}
	// The tz=UTC case reads its dates in UTC.
	cases[4].f.from = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	cases[4].f.to = cases[4].f.from.AddDate(0, 0, 10).Add(-time.Millisecond)
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			want := wantSummary(tc.jobs, tc.f)
			if len(want) < 3 {
				t.Fatalf("case has too few outcomes to be useful: %v", want)
			}
			got, _ := summaryLinks(t, e, c, tc.path)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("summary\n got %q\nwant %q", got, want)
			}
		})
	}
}

func TestSummaryLinksSetStatusFilter(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	base := "/workflows/" + wf.ID + "/jobs"
	texts, hrefs := summaryLinks(t, e, c, base+"/summary?name=_2&order=asc&status=running&page=3")
	if len(hrefs) < 3 {
		t.Fatalf("links %v", texts)
	}
	if hrefs[0] != base+"?name=_2&order=asc" {
		t.Errorf("total links to %q, want the list without status", hrefs[0])
	}
	// Each count toggles its status in the list's set: running (in it) is
	// removed, the others are added, in code order.
	for i, h := range hrefs[1:] {
		word := strings.Fields(texts[i+1])[1]
		want := base + "?name=_2&order=asc&status=running," + word
		switch word {
		case "running":
			want = base + "?name=_2&order=asc"
		case "preparing":
			want = base + "?name=_2&order=asc&status=preparing,running"
		}
		if h != want {
			t.Errorf("%q links to %q, want %q", texts[i+1], h, want)
		}
	}
	// On an unfiltered list a count picks its status alone.
	texts, hrefs = summaryLinks(t, e, c, base+"/summary?name=_2")
	for i, h := range hrefs[1:] {
		word := strings.Fields(texts[i+1])[1]
		if want := base + "?name=_2&status=" + word; h != want {
			t.Errorf("unfiltered: %q links to %q, want %q", texts[i+1], h, want)
		}
	}
	// Without JavaScript: the list links to the summary page, a full page.
	list := parseHTML(t, e.get(t, c, base+"?status=failed").body)
	link := byID(list, "summary-link")
	if link == nil {
		t.Fatal("no #summary-link")
	}
	href, _ := attr(link, "href")
	if href != base+"/summary?status=failed" {
		t.Errorf("#summary-link href %q", href)
	}
	page := parseHTML(t, e.get(t, c, href).body)
	if byID(page, "outcomes") == nil || byID(page, "summary-back") == nil {
		t.Error("summary page lacks the line or the way back")
	}
}

func TestSummaryCacheIsPerSession(t *testing.T) {
	e := newEnv(t, 0)
	demo, analyst := e.signedIn(t, "demo"), e.signedIn(t, "analyst")
	q := "/jobs/summary?status=failed"
	d1, _ := summaryLinks(t, e, demo, q)
	a1, _ := summaryLinks(t, e, analyst, q) // same query, within the TTL
	if fmt.Sprint(d1) == fmt.Sprint(a1) {
		t.Fatalf("two accounts got the same counts %v; the seeds should differ", d1)
	}
	if want := wantSummary(e.sim.Jobs("analyst"), filter{}); fmt.Sprint(a1) != fmt.Sprint(want) {
		t.Errorf("analyst got %v, want their own %v", a1, want)
	}
	if want := wantSummary(e.sim.Jobs("demo"), filter{}); fmt.Sprint(d1) != fmt.Sprint(want) {
		t.Errorf("demo got %v, want %v", d1, want)
	}
}

func TestSummarySingleFlightAndTTL(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	// Slow answers make the requests overlap.
	e.sim.SetFault(explorersim.Fault{Latency: 60 * time.Millisecond})
	t.Cleanup(func() { e.sim.SetFault(explorersim.Fault{}) })
	const n = 12
	before := e.sim.Calls()
	start := time.Now()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			summaryLinks(t, e, c, "/jobs/summary?name=pagerank")
		})
	}
	wg.Wait()
	cold := time.Since(start)
	if got := e.sim.Calls() - before; got != 6 {
		t.Errorf("%d concurrent identical summaries made %d upstream calls, want 6 (one per status; the total is their sum)", n, got)
	}
	// Within the TTL: from the cache.
	before = e.sim.Calls()
	start = time.Now()
	summaryLinks(t, e, c, "/jobs/summary?name=pagerank&status=failed")
	warm := time.Since(start)
	if got := e.sim.Calls() - before; got != 0 {
		t.Errorf("a repeat within the TTL made %d upstream calls, want 0", got)
	}
	// After the TTL (5 s on the dashboard's clock): counted again.
	e.clock.Advance(5 * time.Second)
	before = e.sim.Calls()
	summaryLinks(t, e, c, "/jobs/summary?name=pagerank")
	if got := e.sim.Calls() - before; got != 6 {
		t.Errorf("after the TTL: %d upstream calls, want 6", got)
	}
	t.Logf("summary with 60 ms upstream latency: %d concurrent cold requests %v; cached %v", n, cold, warm)
}

func TestSummaryUpstreamFailure(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	e.sim.SetFault(explorersim.Fault{Kind: explorersim.FaultHTML502, PathPrefix: "/api-open/v1/jobs"})
	a := e.get(t, c, "/jobs/summary?name=x", "HX-Request", "true", "HX-Target", "div#summary")
	e.sim.SetFault(explorersim.Fault{})
	if a.status != http.StatusBadGateway {
		t.Errorf("status %d, want 502", a.status)
	}
	doc := parseHTML(t, a.body)
	if !strings.Contains(text(doc), "not available") || byID(doc, "filters") != nil {
		t.Errorf("want a short not-available line, got\n%s", a.body)
	}
	// The failure is not cached: the next request counts.
	if texts, _ := summaryLinks(t, e, c, "/jobs/summary?name=x"); len(texts) == 0 {
		t.Error("no counts after Explorer recovered")
	}
}

// TestSummaryLatency measures a summary without and with the cache (no
// injected latency: the simulator on loopback) and checks the cache
// answers without calling Explorer.
func TestSummaryLatency(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	const n = 40
	var cold, warm time.Duration
	for i := range n {
		e.clock.Advance(6 * time.Second) // past the TTL: a miss
		before := e.sim.Calls()
		start := time.Now()
		summaryLinks(t, e, c, "/jobs/summary?name=_2")
		cold += time.Since(start)
		if got := e.sim.Calls() - before; got != 6 {
			t.Fatalf("miss %d: %d upstream calls, want 6", i, got)
		}
		start = time.Now()
		summaryLinks(t, e, c, "/jobs/summary?name=_2&order=asc")
		warm += time.Since(start)
		if got := e.sim.Calls() - before; got != 6 {
			t.Fatalf("hit %d: %d more upstream calls, want 0", i, got-6)
		}
	}
	t.Logf("summary (3,000 jobs, name filter): without cache %v, with cache %v (mean of %d)", cold/n, warm/n, n)
}

// The counts of a preset range or a pinned list are those of the rows it
// lists.
func TestSummaryOfRangeAndPin(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	base := "/workflows/" + wf.ID + "/jobs/summary?"
	e.clock.Advance(-2 * time.Hour)
	addJobs(e, wf.ID, 4, explorersim.StatusFailed) // inside the last 24 hours, older than the last hour
	e.clock.Advance(2 * time.Hour)
	day := wantSummary(e.jobsOf("demo", wf.ID), filter{from: e.clock.Now().Truncate(time.Second).Add(-24 * time.Hour)})
	if got, _ := summaryLinks(t, e, c, base+"range=24h"); fmt.Sprint(got) != fmt.Sprint(day) {
		t.Errorf("last 24 hours: %q, want %q", got, day)
	}
	pin := e.clock.Now()
	pinned := base + "asof=" + url.QueryEscape(pin.UTC().Format(time.RFC3339))
	want, _ := summaryLinks(t, e, c, pinned)
	e.clock.Advance(time.Minute)
	addJobs(e, wf.ID, 2, explorersim.StatusFailed)
	if got, _ := summaryLinks(t, e, c, pinned); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("pinned counts moved with newer jobs: %q, before %q", got, want)
	}
}
