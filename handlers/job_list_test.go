package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"jobboard/apiclient"
	"jobboard/internal/explorersim"
	"jobboard/internal/i18n"
	"jobboard/internal/testenv"
)

// expected computes, from the simulator's truth, the IDs a page must list.
type filter struct {
	name     string
	status   int // -1 = any
	from, to time.Time
	asc      bool
	page     int
	size     int
}

func expectedPage(jobs []explorersim.JobRecord, f filter) (ids []string, total int) {
	var match []explorersim.JobRecord
	for _, j := range jobs {
		if f.name != "" && !strings.Contains(strings.ToLower(j.Name), strings.ToLower(f.name)) {
			continue
		}
		if f.status >= 0 && j.Status != f.status {
			continue
		}
		if !f.from.IsZero() && j.Created.Before(f.from) {
			continue
		}
		if !f.to.IsZero() && j.Created.After(f.to) {
			continue
		}
		match = append(match, j)
	}
	if f.asc {
		slices.Reverse(match)
	}
	start := (f.page - 1) * f.size
	for i := start; i < len(match) && i < start+f.size; i++ {
		ids = append(ids, strconv.FormatInt(match[i].ID, 10))
	}
	return ids, len(match)
}

func TestJobListRowsMatchSimulator(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	jobs := e.jobsOf("demo", wf.ID)
	if len(jobs) < 250 {
		t.Fatalf("workflow has %d jobs; the test needs several pages of 100", len(jobs))
	}
	// A day in the middle of the workflow's history, read in the default zone.
	mid := jobs[len(jobs)/2].Created.In(e.zone)
	day := mid.Format("2006-01-02")
	dayStart := time.Date(mid.Year(), mid.Month(), mid.Day(), 0, 0, 0, 0, e.zone)
	dayEnd := dayStart.AddDate(0, 0, 1).Add(-time.Millisecond)
	lastPage20 := (len(jobs) + 19) / 20
	nameSub := strings.ToUpper(jobs[3].Name[len(jobs[3].Name)-8:]) // part of one job's timestamp, upper-cased

	cases := []struct {
		query string
		want  filter
	}{
		{"", filter{status: -1, page: 1, size: 20}},
		{"?order=asc", filter{status: -1, asc: true, page: 1, size: 20}},
		{"?status=failed", filter{status: 3, page: 1, size: 20}},
		{"?status=succeeded&order=asc", filter{status: 2, asc: true, page: 1, size: 20}},
		{"?status=cancelled", filter{status: 4, page: 1, size: 20}},
		{"?name=" + url.QueryEscape(nameSub), filter{name: nameSub, status: -1, page: 1, size: 20}},
		{"?from=" + day + "&to=" + day, filter{status: -1, from: dayStart, to: dayEnd, page: 1, size: 20}},
		{"?from=" + day, filter{status: -1, from: dayStart, page: 1, size: 20}},
		{"?page=2", filter{status: -1, page: 2, size: 20}},
		{"?page=" + strconv.Itoa(lastPage20), filter{status: -1, page: lastPage20, size: 20}},
		{"?page=3&order=asc", filter{status: -1, asc: true, page: 3, size: 20}},
		{"?size=10", filter{status: -1, page: 1, size: 10}},
		{"?size=50&page=2", filter{status: -1, page: 2, size: 50}},
		{"?size=100&page=3", filter{status: -1, page: 3, size: 100}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			a := e.get(t, c, "/workflows/"+wf.ID+"/jobs"+tc.query)
			if a.status == http.StatusFound {
				a = e.get(t, c, a.header.Get("Location"))
			}
			if a.status != http.StatusOK {
				t.Fatalf("status %d, want 200; body:\n%s", a.status, a.body)
			}
			doc := parseHTML(t, a.body)
			wantIDs, total := expectedPage(jobs, tc.want)
			if got := rowIDs(t, doc); !slices.Equal(got, wantIDs) {
				t.Errorf("rows\n got %v\nwant %v", got, wantIDs)
			}
			if total == 0 {
				t.Fatalf("test case matches no job; pick another")
			}
			first := (tc.want.page-1)*tc.want.size + 1
			wantSummary := fmt.Sprintf("Showing %s–%s of %s job", commas(first), commas(first+len(wantIDs)-1), commas(total))
			if got := text(byID(doc, "showing")); !strings.HasPrefix(got, wantSummary) {
				t.Errorf("summary %q, want %q…", got, wantSummary)
			}
		})
	}
}

// commas formats like the English Localizer, independently written.
func commas(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func TestAllJobsRowsMatchSimulator(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	jobs := e.sim.Jobs("demo")
	mid := jobs[len(jobs)/2].Created.In(e.zone)
	day := mid.Format("2006-01-02")
	dayStart := time.Date(mid.Year(), mid.Month(), mid.Day(), 0, 0, 0, 0, e.zone)
	dayEnd := dayStart.AddDate(0, 0, 1).Add(-time.Millisecond)
	wfName := e.workflow(t, "demo").Name

	cases := []struct {
		query string
		want  filter
	}{
		{"", filter{status: -1, page: 1, size: 20}},
		{"?order=asc&size=50", filter{status: -1, asc: true, page: 1, size: 50}},
		{"?status=failed&page=3", filter{status: 3, page: 3, size: 20}},
		{"?name=" + url.QueryEscape(strings.ToUpper(wfName)), filter{name: wfName, status: -1, page: 1, size: 20}},
		{"?from=" + day + "&to=" + day, filter{status: -1, from: dayStart, to: dayEnd, page: 1, size: 20}},
		{"?from=" + day + "&status=succeeded&size=100&page=2", filter{status: 2, from: dayStart, page: 2, size: 100}},
	}
	byID := map[string]string{} // job ID → workflow ID, from the simulator
	for _, j := range jobs {
		byID[strconv.FormatInt(j.ID, 10)] = j.WorkflowID
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			a := e.get(t, c, "/jobs"+tc.query)
			if a.status == http.StatusFound {
				a = e.get(t, c, a.header.Get("Location"))
			}
			if a.status != http.StatusOK {
				t.Fatalf("status %d, want 200", a.status)
			}
			doc := parseHTML(t, a.body)
			want, total := expectedPage(jobs, tc.want)
			if total == 0 || len(want) == 0 {
				t.Fatal("test case matches no job; pick another")
			}
			if got := rowIDs(t, doc); !slices.Equal(got, want) {
				t.Errorf("rows\n got %v\nwant %v", got, want)
			}
			for _, tr := range findAll(doc, func(n *html.Node) bool { _, ok := attr(n, "data-job-id"); return ok && n.Data == "tr" }) {
				id, _ := attr(tr, "data-job-id")
				links := byTag(tr, "a")
				var hrefs []string
				for _, l := range links {
					h, _ := attr(l, "href")
					hrefs = append(hrefs, h)
				}
				wantWF := "/workflows/" + byID[id] + "/jobs"
				if !slices.Contains(hrefs, wantWF) {
					t.Errorf("row %s: links %v, want its workflow %s", id, hrefs, wantWF)
				}
				if len(hrefs) == 0 || !strings.HasPrefix(hrefs[0], "/jobs/"+id+"?back=") {
					t.Errorf("row %s: name link %v, want /jobs/%s?back=…", id, hrefs, id)
					continue
				}
				u, err := url.Parse(hrefs[0])
				if err != nil {
					t.Fatal(err)
				}
				if back := u.Query().Get("back"); safeNext(back) != back || !strings.HasPrefix(back, "/jobs") {
					t.Errorf("row %s: back=%q is not this list", id, back)
				}
			}
		})
	}
}

func TestAllJobsHeadingColumnAndLinks(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	a := e.get(t, c, "/jobs?status=failed")
	doc := parseHTML(t, a.body)
	if h1 := text(byTag(doc, "h1")[0]); h1 != "All jobs" {
		t.Errorf("h1 %q, want All jobs", h1)
	}
	var heads []string
	for _, th := range byTag(byID(doc, "jobs"), "th") {
		heads = append(heads, text(th))
	}
	if len(heads) < 3 || heads[1] != "Workflow" {
		t.Errorf("column heads %v, want Workflow second", heads)
	}
	// Name links carry the canonical URL of this list.
	first := byTag(byTag(byID(doc, "jobs"), "tbody")[0], "a")[0]
	href, _ := attr(first, "href")
	u, _ := url.Parse(href)
	if got := u.Query().Get("back"); got != "/jobs?status=failed" {
		t.Errorf("back=%q, want /jobs?status=failed", got)
	}
	// A workflow's list has no Workflow column and its name links come back to it.
	wf := e.workflow(t, "demo")
	doc = parseHTML(t, e.get(t, c, "/workflows/"+wf.ID+"/jobs?order=asc").body)
	for _, th := range byTag(byID(doc, "jobs"), "th") {
		if text(th) == "Workflow" {
			t.Error("a workflow's list shows a Workflow column")
		}
	}
	first = byTag(byTag(byID(doc, "jobs"), "tbody")[0], "a")[0]
	href, _ = attr(first, "href")
	u, _ = url.Parse(href)
	if got := u.Query().Get("back"); got != "/workflows/"+wf.ID+"/jobs?order=asc" {
		t.Errorf("back=%q on the workflow list", got)
	}
	// Navigation and home page lead to /jobs.
	if n := byID(doc, "nav-all-jobs"); n == nil {
		t.Error("layout has no #nav-all-jobs")
	} else if h, _ := attr(n, "href"); h != "/jobs" {
		t.Errorf("#nav-all-jobs links to %q", h)
	}
	home := parseHTML(t, e.get(t, c, "/").body)
	if n := byID(home, "home-all-jobs"); n == nil {
		t.Error("home page has no #home-all-jobs")
	} else if h, _ := attr(n, "href"); h != "/jobs" {
		t.Errorf("#home-all-jobs links to %q", h)
	}
}

func TestAllJobsSignedOutGoesToSignIn(t *testing.T) {
	e := newEnv(t, 0)
	for _, p := range []string{"/jobs?status=failed", "/jobs/summary", "/jobs/export.csv"} {
		a := e.get(t, e.browser(t), p)
		if a.status != http.StatusSeeOther || a.header.Get("Location") != "/login?next="+url.QueryEscape(p) {
			t.Errorf("%s signed out: %d → %q", p, a.status, a.header.Get("Location"))
		}
	}
}

// liveRegion returns the list's live region of a page or fragment.
func liveRegion(t *testing.T, body string) *html.Node {
	t.Helper()
	n := byID(parseHTML(t, body), "list-live")
	if n == nil {
		t.Fatalf("no #list-live in:\n%s", body)
	}
	return n
}

func TestPollingMarkupOnlyWhileJobsInFlight(t *testing.T) {
	e := newEnv(t, 0, func(_ *testEnv, o *Options) { o.PollInterval = 7 * time.Second })
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")

	// Fresh simulator: its newest jobs are Preparing/Running/Stopping.
	inFlight := 0
	for _, j := range e.sim.Jobs("demo")[:20] {
		if j.Status == 0 || j.Status == 1 || j.Status == 5 {
			inFlight++
		}
	}
	if inFlight == 0 {
		t.Fatal("the simulator's newest jobs are all finished; the test needs live ones")
	}
	a := e.get(t, c, "/jobs")
	doc := parseHTML(t, a.body)
	live := liveRegion(t, a.body)
	if _, ok := attr(live, "data-poll"); !ok {
		t.Error("a list with jobs in flight has no data-poll")
	}
	for name, want := range map[string]string{
		"hx-get": "/jobs", "hx-trigger": "jobboard:poll", "hx-swap": "outerMorph", "hx-push-url": "false", "hx-target": "this",
	} {
		if got, _ := attr(live, name); got != want {
			t.Errorf("live region %s=%q, want %q", name, got, want)
		}
	}
	meta := findAll(doc, func(n *html.Node) bool { v, _ := attr(n, "name"); return n.Data == "meta" && v == "jobboard-poll" })
	if len(meta) != 1 {
		t.Fatal("no <meta name=jobboard-poll>")
	}
	if v, _ := attr(meta[0], "content"); v != "7" {
		t.Errorf("poll interval meta %q, want 7", v)
	}
	if n := byID(doc, "updated"); n == nil {
		t.Error("no #updated")
	} else if at, _ := attr(n, "data-updated-at"); at != e.clock.Now().UTC().Format(time.RFC3339) {
		t.Errorf("data-updated-at %q, want the clock's reading", at)
	}

	// A poll gets the live region alone, and no history entry.
	p := e.get(t, c, "/jobs", "HX-Request", "true", "HX-Target", "div#list-live")
	if p.status != http.StatusOK || p.header.Get("HX-Push-Url") != "" {
		t.Errorf("poll: status %d, HX-Push-Url %q; want 200 and none", p.status, p.header.Get("HX-Push-Url"))
	}
	pdoc := parseHTML(t, p.body)
	if byID(pdoc, "filters") != nil || byID(pdoc, "summary") != nil || byID(pdoc, "list-live") == nil {
		t.Error("poll answer is not just the live region")
	}
	// A filter change gets the results region and pushes the canonical URL.
	f := e.get(t, c, "/jobs?name=&status=failed", "HX-Request", "true", "HX-Target", "section#results")
	if got := f.header.Get("HX-Push-Url"); got != "/jobs?status=failed" {
		t.Errorf("filter swap HX-Push-Url %q", got)
	}
	// Only finished jobs listed: no polling.
	if _, ok := attr(liveRegion(t, f.body), "data-poll"); ok {
		t.Error("a list of failed jobs polls")
	}

	// Later every seeded job has finished: polling stops, on both lists.
	e.clock.Advance(2 * time.Hour)
	for _, path := range []string{"/jobs", "/workflows/" + wf.ID + "/jobs"} {
		if _, ok := attr(liveRegion(t, e.get(t, c, path).body), "data-poll"); ok {
			t.Errorf("%s still polls with nothing in flight", path)
		}
	}
	// A job added in flight starts it again on its workflow's list.
	e.sim.AddJob("demo", wf.ID, jobRecordRunning(e.clock.Now()))
	p = e.get(t, c, "/workflows/"+wf.ID+"/jobs", "HX-Request", "true", "HX-Target", "div#list-live")
	if _, ok := attr(liveRegion(t, p.body), "data-poll"); !ok {
		t.Error("a poll that lists a running job does not keep polling")
	}
}

// jobRecordRunning is a job created a minute ago that is still running.
func jobRecordRunning(now time.Time) explorersim.JobRecord {
	return explorersim.JobRecord{Status: 1, Created: now.Add(-time.Minute), Begin: now.Add(-50 * time.Second)}
}

func TestJobListPastLastPageShowsLastPage(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	jobs := e.jobsOf("demo", wf.ID)
	last := (len(jobs) + 49) / 50
	a := e.get(t, c, "/workflows/"+wf.ID+"/jobs?page=999&size=50")
	if a.status != http.StatusOK {
		t.Fatalf("status %d, want 200", a.status)
	}
	doc := parseHTML(t, a.body)
	want, _ := expectedPage(jobs, filter{status: -1, page: last, size: 50})
	if got := rowIDs(t, doc); !slices.Equal(got, want) {
		t.Errorf("rows %v, want last page %v", got, want)
	}
	if note := text(byID(doc, "past-end")); !strings.Contains(note, "no page 999") {
		t.Errorf("note %q does not say the page does not exist", note)
	}
}

func TestJobListInvalidInput(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	jobs := e.jobsOf("demo", wf.ID)
	failed, _ := expectedPage(jobs, filter{status: 3, page: 1, size: 20})
	cases := []struct {
		name, query, errID, fieldID, keptValue, message string
		rows                                            []string // nil: not checked
	}{
		{"negative page", "?page=-3&status=failed", "f-page-error", "", "", "whole number", failed},
		{"unknown status", "?status=banana", "f-status-error", "", "", "“banana” is not a status", nil},
		{"to before from", "?from=2026-11-10&to=2026-11-01&status=failed", "f-to-error", "f-to", "2026-11-01", "before the start", nil},
		{"size 7", "?size=7&status=failed", "f-size-error", "", "", "10, 20, 50 or 100", failed},
		{"bad date", "?from=yesterday&status=failed", "f-from-error", "f-from", "yesterday", "Use a date like", failed},
		{"bad zone", "?tz=Mars%2FOlympus&status=failed", "f-tz-error", "f-tz", "Mars/Olympus", "not a known time zone", failed},
		{"bad order", "?order=up&status=failed", "f-order-error", "", "", "asc or desc", failed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := e.get(t, c, "/workflows/"+wf.ID+"/jobs"+tc.query)
			if a.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", a.status)
			}
			doc := parseHTML(t, a.body)
			if msg := text(byID(doc, tc.errID)); !strings.Contains(msg, tc.message) {
				t.Errorf("#%s says %q, want it to contain %q", tc.errID, msg, tc.message)
			}
			if tc.fieldID != "" {
				if got := inputValue(t, doc, tc.fieldID); got != tc.keptValue {
					t.Errorf("field %s keeps %q, want %q", tc.fieldID, got, tc.keptValue)
				}
			}
			if tc.rows != nil {
				if got := rowIDs(t, doc); !slices.Equal(got, tc.rows) {
					t.Errorf("other filters not applied: rows %v, want %v", got, tc.rows)
				}
			}
		})
	}
}

func TestJobListWorkflowErrors(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	cases := []struct {
		path    string
		status  int
		message string
	}{
		{"/workflows/abc/jobs", http.StatusBadRequest, "“abc” is not a workflow ID"},
		{"/workflows/9999999999/jobs", http.StatusNotFound, "No workflow 9999999999 in the account"},
	}
	// Another account's workflow is as unknown as a missing one.
	other := e.workflow(t, "analyst")
	cases = append(cases, struct {
		path    string
		status  int
		message string
	}{"/workflows/" + other.ID + "/jobs", http.StatusNotFound, "No workflow " + other.ID + " in the account you're signed in as (demo). It may belong to another account."})
	for _, tc := range cases {
		a := e.get(t, c, tc.path)
		if a.status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.path, a.status, tc.status)
			continue
		}
		doc := parseHTML(t, a.body)
		panel := byClass(doc, "problem")
		if len(panel) != 1 || !strings.Contains(text(panel[0]), tc.message) {
			t.Errorf("%s: panel %q, want %q", tc.path, text(doc), tc.message)
		}
		back := findAll(panel[0], func(n *html.Node) bool { h, _ := attr(n, "href"); return n.Data == "a" && h == "/" })
		if len(back) == 0 {
			t.Errorf("%s: no way back home", tc.path)
		}
	}
}

func TestJobListFragmentOrFullPage(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	path := "/workflows/" + wf.ID + "/jobs?status=failed"
	cases := []struct {
		name     string
		headers  []string
		fragment bool
	}{
		{"plain", nil, false},
		{"htmx partial", []string{"HX-Request", "true", "HX-Request-Type", "partial"}, true},
		{"htmx full", []string{"HX-Request", "true", "HX-Request-Type", "full"}, false},
		{"history restore", []string{"HX-Request", "true", "HX-Request-Type", "full", "HX-History-Restore-Request", "true"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := e.get(t, c, path, tc.headers...)
			if a.status != http.StatusOK {
				t.Fatalf("status %d", a.status)
			}
			if !strings.Contains(a.header.Get("Vary"), "HX-Request") {
				t.Errorf("Vary %q lacks HX-Request", a.header.Get("Vary"))
			}
			doc := parseHTML(t, a.body)
			isFull := byID(doc, "filters") != nil && strings.Contains(strings.ToLower(a.body), "<!doctype html>")
			if isFull == tc.fragment {
				t.Errorf("full page = %v, want %v", isFull, !tc.fragment)
			}
			if byID(doc, "showing") == nil || len(rowIDs(t, doc)) == 0 {
				t.Errorf("results missing")
			}
			if tc.fragment && a.header.Get("HX-Push-Url") != path {
				t.Errorf("HX-Push-Url %q, want %q", a.header.Get("HX-Push-Url"), path)
			}
		})
	}
}

func TestJobListNonCanonicalURLRedirects(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	a := e.get(t, c, "/workflows/"+wf.ID+"/jobs?name=&status=FAILED&from=&to=&tz=&size=20&order=desc&page=1")
	want := "/workflows/" + wf.ID + "/jobs?status=failed"
	if a.status != http.StatusFound || a.header.Get("Location") != want {
		t.Fatalf("status %d Location %q, want 302 %q", a.status, a.header.Get("Location"), want)
	}
}

func TestJobListUpstreamFaults(t *testing.T) {
	e := newEnv(t, 300*time.Millisecond)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	cases := []struct {
		name    string
		fault   explorersim.Fault
		status  int
		message string
	}{
		{"hang", explorersim.Fault{Kind: explorersim.FaultHang}, http.StatusGatewayTimeout, "Explorer did not answer in time. Try again."},
		{"html 502", explorersim.Fault{Kind: explorersim.FaultHTML502}, http.StatusBadGateway, "could not be reached"},
		{"truncated", explorersim.Fault{Kind: explorersim.FaultTruncatedJSON}, http.StatusBadGateway, "could not be reached"},
		{"internal", explorersim.Fault{Kind: explorersim.FaultErrorEnvelope, Code: 50004000, Message: "secret-db-host:5432 down"}, http.StatusBadGateway, "an error of its own"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.sim.SetFault(tc.fault)
			defer e.sim.SetFault(explorersim.Fault{})
			path := "/workflows/" + wf.ID + "/jobs?name=daily&status=failed"
			for _, fragment := range []bool{false, true} {
				var headers []string
				if fragment {
					headers = []string{"HX-Request", "true", "HX-Request-Type", "partial"}
				}
				a := e.get(t, c, path, headers...)
				if a.status != tc.status {
					t.Fatalf("fragment=%v: status %d, want %d", fragment, a.status, tc.status)
				}
				doc := parseHTML(t, a.body)
				panel := byClass(doc, "problem")
				if len(panel) != 1 || !strings.Contains(text(panel[0]), tc.message) {
					t.Fatalf("fragment=%v: panel %q", fragment, text(doc))
				}
				if strings.Contains(a.body, "secret-db-host") {
					t.Errorf("upstream text shown to the reader")
				}
				retry := findAll(panel[0], func(n *html.Node) bool { h, _ := attr(n, "href"); return n.Data == "a" && h == path })
				if len(retry) != 1 || text(retry[0]) != "Retry" {
					t.Errorf("fragment=%v: no Retry link to %s", fragment, path)
				}
				if !fragment {
					if v := inputValue(t, doc, "f-name"); v != "daily" {
						t.Errorf("name filter not kept: %q", v)
					}
				}
				if id := a.header.Get("X-Request-ID"); id == "" || !strings.Contains(e.logs.String(), id) {
					t.Errorf("request ID %q not logged", id)
				}
			}
		})
	}
	// Explorer back: the same URL works again.
	a := e.get(t, c, "/workflows/"+wf.ID+"/jobs?name=daily&status=failed")
	if a.status != http.StatusOK {
		t.Fatalf("after the fault: status %d", a.status)
	}
}

// TestCreatedHeaderTogglesOrder follows the sort link and the pager links
// as a browser without JavaScript would.
func TestCreatedHeaderAndPagerLinks(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	base := "/workflows/" + wf.ID + "/jobs"
	doc := parseHTML(t, e.get(t, c, base+"?status=succeeded").body)
	sort := byID(doc, "sort-created")
	th := sort.Parent
	if v, _ := attr(th, "aria-sort"); v != "descending" {
		t.Errorf("aria-sort %q, want descending", v)
	}
	href, _ := attr(sort, "href")
	if href != base+"?order=asc&status=succeeded" {
		t.Errorf("sort link %q", href)
	}
	doc = parseHTML(t, e.get(t, c, href).body)
	if v, _ := attr(byID(doc, "sort-created").Parent, "aria-sort"); v != "ascending" {
		t.Errorf("after toggle aria-sort %q, want ascending", v)
	}
	var next string
	for _, a := range byClass(doc, "page-link") {
		if rel, _ := attr(a, "data-rel"); rel == "next" {
			next, _ = attr(a, "href")
		}
	}
	// Page 2 continues page 1 as it was served: pinned at the clock's second.
	asof := url.QueryEscape(e.clock.Now().UTC().Format(time.RFC3339))
	if next != base+"?asof="+asof+"&order=asc&page=2&status=succeeded" {
		t.Errorf("next link %q", next)
	}
	if v, _ := url.Parse(next); v == nil {
		t.Fatal("bad next link")
	}
}

// TestListPrintHeaderAndPhoneMarkup: the list carries what the print and
// phone stylesheets need: a print-only header with the filters in words and
// the render time, filters in a <details> open only when some are set, and
// every cell labelled with its column's header (stacked rows on phones).
func TestListPrintHeaderAndPhoneMarkup(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	jobs := e.jobsOf("demo", wf.ID)
	if len(jobs) == 0 || len(jobs[0].Name) < 3 {
		t.Fatal("the workflow has no named job")
	}
	part := jobs[0].Name[:3]
	for _, tc := range []struct {
		lang, query   string
		open          bool
		filters       []string
		headerPrinted string
	}{
		{"en", "", false, []string{"Filters: none"}, "Printed"},
		{"en", "?name=" + part, true, []string{"name contains “" + part + "”", "newest first", "page 1 of"}, "Printed"},
		{"zh-CN", "?order=asc&status=succeeded", true, []string{"状态为成功", "最早在前"}, "打印时间"},
	} {
		a := e.get(t, c, "/workflows/"+wf.ID+"/jobs"+tc.query, "Accept-Language", tc.lang)
		if a.status != http.StatusOK {
			t.Fatalf("%s%s: status %d", tc.lang, tc.query, a.status)
		}
		doc := parseHTML(t, a.body)
		ph := byID(doc, "print-header")
		if ph == nil || !hasClass(ph, "print-only") {
			t.Fatalf("%s%s: no print-only header", tc.lang, tc.query)
		}
		words := text(ph)
		for _, want := range append(tc.filters, tc.headerPrinted) {
			if !strings.Contains(words, want) {
				t.Errorf("%s%s: print header %q lacks %q", tc.lang, tc.query, words, want)
			}
		}
		if times := byTag(ph, "time"); len(times) != 1 {
			t.Errorf("%s%s: print header has %d <time>", tc.lang, tc.query, len(times))
		} else if dt, _ := attr(times[0], "datetime"); dt == "" {
			t.Errorf("%s%s: print time has no datetime", tc.lang, tc.query)
		}

		panel := byID(doc, "filter-panel")
		if panel == nil || panel.Data != "details" || byID(panel, "filters") == nil {
			t.Fatalf("%s%s: the filter form is not inside a <details>", tc.lang, tc.query)
		}
		if _, open := attr(panel, "open"); open != tc.open {
			t.Errorf("%s%s: filter panel open=%v, want %v", tc.lang, tc.query, open, tc.open)
		}
		if s := byTag(panel, "summary"); len(s) != 1 || strings.TrimSpace(text(s[0])) == "" {
			t.Errorf("%s%s: filter panel has no summary to open it", tc.lang, tc.query)
		}

		table := byID(doc, "jobs")
		if table == nil {
			t.Fatalf("%s%s: no jobs table", tc.lang, tc.query)
		}
		heads := byTag(table, "th")
		rows := findAll(table, func(n *html.Node) bool {
			return n.Type == html.ElementNode && n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody"
		})
		if len(rows) == 0 {
			t.Fatalf("%s%s: no rows", tc.lang, tc.query)
		}
		for _, row := range rows {
			cells := byTag(row, "td")
			if len(cells) != len(heads) {
				t.Fatalf("%s%s: %d cells under %d headers", tc.lang, tc.query, len(cells), len(heads))
			}
			for i, cell := range cells {
				label, _ := attr(cell, "data-label")
				if label == "" || !strings.HasPrefix(strings.TrimSpace(text(heads[i])), label) {
					t.Errorf("%s%s: cell %d labelled %q under header %q", tc.lang, tc.query, i, label, text(heads[i]))
				}
			}
		}
	}
}

// --- preset ranges, the as-of pin and the Share control ---

// listCalls records the filter of every list call the dashboard makes to
// the simulator.
type listCalls struct {
	mu      sync.Mutex
	filters []map[string]any
}

func (lc *listCalls) add(r *http.Request) {
	f := r.URL.Query().Get("filter")
	if !strings.HasSuffix(r.URL.Path, "/jobs") && f == "" {
		return
	}
	m := map[string]any{}
	if f != "" {
		_ = json.Unmarshal([]byte(f), &m)
	}
	m["pageSize"] = r.URL.Query().Get("pageSize")
	lc.mu.Lock()
	defer lc.mu.Unlock()
	lc.filters = append(lc.filters, m)
}

// take returns the calls recorded so far and forgets them.
func (lc *listCalls) take() []map[string]any {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	out := lc.filters
	lc.filters = nil
	return out
}

// recordingCalls is a newEnv option: the dashboard reaches the simulator
// through a recorder of its list calls.
func recordingCalls(lc *listCalls) func(*testEnv, *Options) {
	return func(e *testEnv, o *Options) {
		rec := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			lc.add(r)
			e.sim.ServeHTTP(w, r)
		}))
		e.simHS.Config.RegisterOnShutdown(rec.Close)
		client, err := apiclient.New(rec.URL, apiclient.WithoutBreaker())
		if err != nil {
			panic(err)
		}
		o.Explorer = client
	}
}

// addJobs adds n finished jobs of status to the workflow, created one
// second apart from the simulator's clock on.
func addJobs(e *testEnv, wf string, n, status int) {
	for i := range n {
		created := e.clock.Now().Add(time.Duration(i) * time.Second)
		e.sim.AddJob("demo", wf, explorersim.JobRecord{Status: status, Created: created, Begin: created, End: created})
	}
}

func hrefOf(t *testing.T, doc *html.Node, id string) string {
	t.Helper()
	return testenv.AttrOfID(t, doc, id, "href")
}

func pageLinkHref(doc *html.Node, rel string) string {
	for _, a := range byClass(doc, "page-link") {
		if r, _ := attr(a, "data-rel"); r == rel {
			href, _ := attr(a, "href")
			return href
		}
	}
	return ""
}

func asofParam(t time.Time) string {
	return url.QueryEscape(t.UTC().Truncate(time.Second).Format(time.RFC3339))
}

// Page 2 continues page 1 exactly: its link carries the moment page 1 was
// served, and jobs created since change neither its rows nor its total.
// The notice on it counts exactly the newer jobs that match.
func TestPagingPinsAtPageOneAndNewerJobsAreCounted(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	base := "/workflows/" + wf.ID + "/jobs"
	served := e.clock.Now()

	doc := parseHTML(t, e.get(t, c, base+"?status=failed").body)
	page1 := rowIDs(t, doc)
	next := pageLinkHref(doc, "next")
	want := base + "?asof=" + asofParam(served) + "&page=2&status=failed"
	if next != want {
		t.Fatalf("next link %q, want %q", next, want)
	}
	if byID(doc, "asof-notice") != nil {
		t.Error("page 1 of a live list says it is pinned")
	}
	if poll, _ := attr(byID(doc, "list-live"), "hx-get"); strings.Contains(poll, "asof") {
		t.Errorf("page 1's live refresh %q is pinned", poll)
	}

	first := e.get(t, c, next)
	if first.status != http.StatusOK {
		t.Fatalf("page 2: status %d", first.status)
	}
	d1 := parseHTML(t, first.body)
	rows1, showing1 := rowIDs(t, d1), text(byID(d1, "showing"))
	wantRows, _ := expectedPage(e.jobsOf("demo", wf.ID), filter{status: 3, page: 2, size: 20})
	if !slices.Equal(rows1, wantRows) || len(rows1) == 0 {
		t.Fatalf("page 2 rows %v, want %v", rows1, wantRows)
	}
	for _, id := range rows1 {
		if slices.Contains(page1, id) {
			t.Errorf("page 2 repeats job %s of page 1", id)
		}
	}

	// Three failed and two succeeded jobs arrive later.
	e.clock.Advance(90 * time.Second)
	addJobs(e, wf.ID, 3, explorersim.StatusFailed)
	addJobs(e, wf.ID, 2, explorersim.StatusSuccess)

	again := parseHTML(t, e.get(t, c, next).body)
	if rows := rowIDs(t, again); !slices.Equal(rows, rows1) {
		t.Errorf("page 2 shifted after new jobs:\nbefore %v\nafter  %v", rows1, rows)
	}
	if s := text(byID(again, "showing")); s != showing1 {
		t.Errorf("page 2 says %q, before %q", s, showing1)
	}
	notice := byID(again, "asof-notice")
	if notice == nil {
		t.Fatal("a pinned page has no as-of notice")
	}
	asofShown := served.In(e.zone).Format("2006-01-02 15:04")
	if got := text(notice); !strings.Contains(got, "As of "+asofShown+" (Asia/Shanghai).") ||
		!strings.Contains(got, "Statuses are as they are now.") {
		t.Errorf("notice %q", got)
	}
	if got := text(byID(again, "asof-newer")); got != "3 newer jobs match these filters —" {
		t.Errorf("newer count %q, want the 3 failed jobs", got)
	}
	if got := hrefOf(t, again, "show-latest"); got != base+"?status=failed" {
		t.Errorf("Show the latest goes to %q", got)
	}
	// Once pinned, the pager keeps the pin (back to page 1 too).
	if p1 := pageLinkHref(again, "first"); p1 != base+"?asof="+asofParam(served)+"&status=failed" {
		t.Errorf("first-page link %q", p1)
	}
	// The latest list has them on top.
	latest := rowIDs(t, parseHTML(t, e.get(t, c, base+"?status=failed").body))
	if len(latest) < 3 || slices.Contains(page1, latest[0]) {
		t.Errorf("the live list %v does not start with the new jobs", latest)
	}
}

// The notice of a pinned list of several statuses counts the newer jobs of
// each of them, and only those.
func TestNewerCountOfAStatusSet(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	u := "/workflows/" + wf.ID + "/jobs?asof=" + asofParam(e.clock.Now()) + "&status=failed,cancelled"
	if a := e.get(t, c, u); a.status == http.StatusFound {
		u = a.header.Get("Location") // the canonical form of the set
	}
	e.clock.Advance(time.Minute)
	addJobs(e, wf.ID, 2, explorersim.StatusFailed)
	addJobs(e, wf.ID, 1, explorersim.StatusInterrupted)
	addJobs(e, wf.ID, 4, explorersim.StatusSuccess)
	a := e.get(t, c, u)
	if a.status != http.StatusOK {
		t.Fatalf("%s: status %d", u, a.status)
	}
	if got := text(byID(parseHTML(t, a.body), "asof-newer")); got != "3 newer jobs match these filters —" {
		t.Errorf("%s: newer count %q, want the 2 failed and 1 cancelled", u, got)
	}
}

// A live-refresh poll of a pinned list updates the rows it shows and never
// adds one; the poll of a live first page does.
func TestPollOfPinnedListNeverAddsRows(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	base := "/workflows/" + wf.ID + "/jobs"
	pinned := base + "?asof=" + asofParam(e.clock.Now())
	before := rowIDs(t, parseHTML(t, e.get(t, c, pinned).body))
	e.clock.Advance(time.Minute)
	addJobs(e, wf.ID, 2, explorersim.StatusRunning)

	poll := func(u string) *html.Node {
		a := e.get(t, c, u, "HX-Request", "true", "HX-Target", "div#list-live")
		if a.status != http.StatusOK {
			t.Fatalf("poll %s: status %d", u, a.status)
		}
		return parseHTML(t, a.body)
	}
	pd := poll(pinned)
	if rows := rowIDs(t, pd); !slices.Equal(rows, before) {
		t.Errorf("poll of the pinned list: rows %v, before %v", rows, before)
	}
	if byID(pd, "asof-notice") != nil || byID(pd, "share") != nil {
		t.Error("a poll answers more than the live region")
	}
	if live := rowIDs(t, poll(base)); len(live) == 0 || slices.Contains(before, live[0]) {
		t.Errorf("poll of the live list %v lacks the new jobs", live)
	}
}

// The exact link of a "Last 24 hours" page 2 opens, a day and fifty jobs
// later, on the same rows, saying as of when.
func TestExactLinkReproducesRowsLater(t *testing.T) {
	e := newEnv(t, 0)
	wf := e.workflow(t, "demo")
	e.clock.Advance(-time.Hour)
	addJobs(e, wf.ID, 30, explorersim.StatusSuccess) // enough for two pages in the last day
	e.clock.Advance(time.Hour)
	c := e.signedIn(t, "demo")

	doc := parseHTML(t, e.get(t, c, "/jobs?range=24h&size=10").body)
	next := pageLinkHref(doc, "next")
	if !strings.Contains(next, "asof=") || !strings.Contains(next, "range=24h") {
		t.Fatalf("next link %q", next)
	}
	sender := parseHTML(t, e.get(t, c, next).body)
	rows := rowIDs(t, sender)
	exact := hrefOf(t, sender, "share-exact")
	u, err := url.Parse(exact)
	if err != nil {
		t.Fatal(err)
	}
	v := u.Query()
	if v.Get("range") != "" || v.Get("from") == "" || v.Get("to") == "" || v.Get("tz") != "Asia/Shanghai" ||
		v.Get("page") != "2" || v.Get("asof") == "" || v.Get("size") != "10" {
		t.Errorf("exact link %q: want absolute from/to, tz, asof, the page and size", exact)
	}
	live := hrefOf(t, sender, "share-live")
	if live != "/jobs?range=24h&size=10" {
		t.Errorf("live link %q", live)
	}
	if text(byID(sender, "share-exact")) != exact {
		t.Errorf("the exact link is not shown as text: %q", text(byID(sender, "share-exact")))
	}
	for _, id := range []string{"share-live", "share-exact"} {
		b := findAll(byID(sender, "share"), func(n *html.Node) bool { v, _ := attr(n, "data-copy"); return v == id })
		if len(b) != 1 || b[0].Data != "button" {
			t.Fatalf("no Copy button for #%s", id)
		}
		if _, hidden := attr(b[0], "hidden"); !hidden {
			t.Errorf("the Copy button of #%s shows without JavaScript", id)
		}
		if label, _ := attr(b[0], "aria-label"); !strings.HasPrefix(label, "Copy ") {
			t.Errorf("Copy button of #%s labelled %q", id, label)
		}
	}
	if st := byID(sender, "share-status"); st == nil {
		t.Error("no live region for Copied")
	} else if live, _ := attr(st, "aria-live"); live != "polite" {
		t.Errorf("share status aria-live=%q", live)
	}

	// A day and fifty jobs later, a colleague opens it.
	e.clock.Advance(24 * time.Hour)
	addJobs(e, wf.ID, 50, explorersim.StatusFailed)
	reader := parseHTML(t, e.get(t, e.signedIn(t, "demo"), exact).body)
	if got := rowIDs(t, reader); !slices.Equal(got, rows) || len(rows) == 0 {
		t.Errorf("the exact link shows other rows:\nsender %v\nreader %v", rows, got)
	}
	if text(byID(reader, "showing")) != text(byID(sender, "showing")) {
		t.Errorf("reader %q, sender %q", text(byID(reader, "showing")), text(byID(sender, "showing")))
	}
	if byID(reader, "asof-notice") == nil {
		t.Error("the exact link does not say as of when")
	}
	// The live link shows the last 24 hours of now: the fifty new jobs.
	latest := parseHTML(t, e.get(t, e.signedIn(t, "demo"), live).body)
	if got := text(byID(latest, "showing")); got != "Showing 1–10 of 50 jobs" {
		t.Errorf("live link now shows %q", got)
	}
}

// range=24h asks Explorer for jobs created from 24 hours before the
// request's one instant, in every call of the request, however long it
// takes.
func TestRangeSendsFromCreateTimeOfOneInstant(t *testing.T) {
	lc := &listCalls{}
	var mu sync.Mutex
	var ticks int
	var start time.Time
	e := newEnv(t, 0, recordingCalls(lc), func(e *testEnv, o *Options) {
		start = e.clock.Now()
		// A clock that moves a second each time it is read.
		o.Now = func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			ticks++
			return start.Add(time.Duration(ticks) * time.Second)
		}
	})
	c := e.signedIn(t, "demo")
	lc.take()

	for _, path := range []string{"/jobs?asof=" + asofParam(start) + "&range=24h", "/jobs/export.csv?range=30d"} {
		a := e.get(t, c, path)
		if a.status != http.StatusOK {
			t.Fatalf("%s: status %d", path, a.status)
		}
		calls := lc.take()
		if len(calls) < 2 {
			t.Fatalf("%s: %d list calls, want the list and more", path, len(calls))
		}
		// The notice's count (one job a page) runs beside the list call:
		// the list's call is the other one.
		slices.SortStableFunc(calls, func(x, y map[string]any) int {
			return strings.Compare(fmt.Sprint(y["pageSize"] != "1"), fmt.Sprint(x["pageSize"] != "1"))
		})
		var froms []int64
		for _, f := range calls {
			from, _ := f["fromCreateTime"].(float64)
			froms = append(froms, int64(from))
		}
		span := 24 * time.Hour
		if strings.Contains(path, "30d") {
			span = 30 * span
		}
		if strings.Contains(path, "asof=") {
			// The list counts back from the pin; the newer-jobs call starts after it.
			if froms[0] != start.Truncate(time.Second).Add(-span).UnixMilli() {
				t.Errorf("%s: fromCreateTime %d, want the pin − 24 h", path, froms[0])
			}
			to, _ := calls[0]["toCreateTime"].(float64)
			if int64(to) != start.Truncate(time.Second).UnixMilli()+999 {
				t.Errorf("%s: toCreateTime %d, want the end of the pin's second", path, int64(to))
			}
			continue
		}
		for _, f := range froms {
			if f != froms[0] || time.UnixMilli(f).After(start.Add(time.Minute).Add(-span)) || time.UnixMilli(f).Before(start.Add(-span)) {
				t.Errorf("%s: fromCreateTime %v, want one instant ≈ now − %v", path, froms, span)
				break
			}
			if _, ok := calls[0]["toCreateTime"]; ok {
				t.Errorf("%s: a live range sends toCreateTime", path)
			}
		}
	}

	// With the plain clock: exactly its reading − 24 h, in whole seconds.
	lc2 := &listCalls{}
	e2 := newEnv(t, 0, recordingCalls(lc2))
	e2.clock.Advance(700 * time.Millisecond)
	c2 := e2.signedIn(t, "demo")
	lc2.take()
	e2.get(t, c2, "/jobs?range=24h")
	calls := lc2.take()
	if len(calls) == 0 {
		t.Fatal("no list call")
	}
	wantFrom := e2.clock.Now().Truncate(time.Second).Add(-24 * time.Hour).UnixMilli()
	if from, _ := calls[0]["fromCreateTime"].(float64); int64(from) != wantFrom {
		t.Errorf("fromCreateTime %d, want %d", int64(from), wantFrom)
	}
	// The notice's one call: one job a page, from the second after the pin.
	e.get(t, c, "/jobs?asof="+asofParam(start)+"&status=failed")
	calls = lc.take()
	var newer []map[string]any
	for _, f := range calls {
		if f["pageSize"] == "1" {
			newer = append(newer, f)
		}
	}
	if len(newer) != 1 {
		t.Fatalf("%d one-job calls for the notice, want 1 (calls %v)", len(newer), calls)
	}
	if from, _ := newer[0]["fromCreateTime"].(float64); int64(from) != start.Truncate(time.Second).Add(time.Second).UnixMilli() {
		t.Errorf("newer-jobs call from %d", int64(from))
	}
	if st, _ := newer[0]["status"].(float64); st != 3 {
		t.Errorf("newer-jobs call lost the status filter: %v", newer[0])
	}
}

// Both kinds of bad input answer 400 with the message where it belongs,
// the typed values kept and the other filters applied.
func TestBadRangeAndAsOfAnswer400(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	base := "/workflows/" + wf.ID + "/jobs"

	a := e.get(t, c, base+"?range=24h&from=2026-11-01&to=2026-11-30&status=failed&name=daily")
	if a.status != http.StatusBadRequest {
		t.Fatalf("range with dates: status %d", a.status)
	}
	doc := parseHTML(t, a.body)
	msg := byID(doc, "f-range-error")
	if msg == nil || text(msg) != "Choose a preset range or dates, not both; neither was applied." {
		t.Fatalf("message %v", msg)
	}
	if msg.Parent == nil || msg.Parent.Data != "fieldset" || byID(msg.Parent, "f-from") == nil {
		t.Error("the message is not beside the date fields")
	}
	for field, typed := range map[string]string{"f-from": "2026-11-01", "f-to": "2026-11-30", "f-name": "daily"} {
		if got := inputValue(t, doc, field); got != typed {
			t.Errorf("#%s shows %q, want %q as typed", field, got, typed)
		}
	}
	for _, field := range []string{"f-from", "f-to"} {
		n := byID(doc, field)
		if inv, _ := attr(n, "aria-invalid"); inv != "true" {
			t.Errorf("#%s not marked invalid", field)
		}
		if by, _ := attr(n, "aria-describedby"); by != "f-range-error" {
			t.Errorf("#%s described by %q", field, by)
		}
	}
	if cur := findAll(byID(doc, "range-presets"), func(n *html.Node) bool { _, ok := attr(n, "aria-current"); return ok }); len(cur) != 1 || text(cur[0]) != "Last 24 hours" {
		t.Errorf("the typed preset is not shown as chosen")
	}
	// Neither bound applies; status and name do.
	rows, total := expectedPage(e.jobsOf("demo", wf.ID), filter{name: "daily", status: 3, page: 1, size: 20})
	if got := rowIDs(t, doc); !slices.Equal(got, rows) || !strings.Contains(text(byID(doc, "showing")), strconv.Itoa(total)) {
		t.Errorf("rows %v (%q), want %v of %d", got, text(byID(doc, "showing")), rows, total)
	}

	for _, tc := range []struct{ query, id, msg string }{
		{"?range=2h&name=daily", "f-range-error", "Choose a preset range: the last hour, 24 hours, 7 days or 30 days; this filter was ignored."},
		{"?asof=yesterday&name=daily", "f-asof-error", "“As of” must be a time like 2026-12-01T14:32:05Z; the latest jobs are shown."},
		{"?asof=" + asofParam(e.clock.Now().Add(time.Hour)) + "&name=daily", "f-asof-error", "“As of” is in the future; the latest jobs are shown."},
	} {
		a := e.get(t, c, base+tc.query)
		if a.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tc.query, a.status)
			continue
		}
		doc := parseHTML(t, a.body)
		if got := text(byID(doc, tc.id)); got != tc.msg {
			t.Errorf("%s: message %q", tc.query, got)
		}
		if got := inputValue(t, doc, "f-name"); got != "daily" {
			t.Errorf("%s: name box %q", tc.query, got)
		}
		if byID(doc, "asof-notice") != nil {
			t.Errorf("%s: a refused pin is shown as applied", tc.query)
		}
	}
	zh := e.get(t, c, base+"?range=1h&from=2026-11-01", "Accept-Language", "zh-CN")
	if got := text(byID(parseHTML(t, zh.body), "f-range-error")); zh.status != http.StatusBadRequest || got != "请选择预设时间范围或日期，不能同时选择；两者均未应用。" {
		t.Errorf("zh: %d %q", zh.status, got)
	}
}

// The presets are plain links to the live list of each range, the current
// one marked; a job link from a pinned list keeps the way back to it, and
// the job page offers its own link to copy.
func TestPresetLinksAndTheWayBack(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	base := "/workflows/" + wf.ID + "/jobs"
	pinned := base + "?asof=" + asofParam(e.clock.Now()) + "&page=2&range=30d&status=succeeded"
	doc := parseHTML(t, e.get(t, c, pinned).body)
	want := map[string]string{
		"Any time":      base + "?status=succeeded",
		"Last hour":     base + "?range=1h&status=succeeded",
		"Last 24 hours": base + "?range=24h&status=succeeded",
		"Last 7 days":   base + "?range=7d&status=succeeded",
		"Last 30 days":  base + "?range=30d&status=succeeded",
	}
	links := byTag(byID(doc, "range-presets"), "a")
	if len(links) != len(want) {
		t.Fatalf("%d presets", len(links))
	}
	for _, a := range links {
		href, _ := attr(a, "href")
		if want[text(a)] != href {
			t.Errorf("preset %q links to %q", text(a), href)
		}
		if _, cur := attr(a, "aria-current"); cur != (text(a) == "Last 30 days") {
			t.Errorf("preset %q aria-current=%v", text(a), cur)
		}
	}
	if v := inputValue(t, doc, "f-range"); v != "30d" {
		t.Errorf("the form sends range=%q", v)
	}
	// On paper too, the list says what it is.
	printed := text(byClass(byID(doc, "print-header"), "print-filters")[0])
	if want := "as of " + e.clock.Now().In(e.zone).Format("2006-01-02 15:04"); !strings.Contains(printed, "created in the last 30 days") || !strings.Contains(printed, want) {
		t.Errorf("print header %q, want the range and %q", printed, want)
	}

	rows := findAll(doc, func(n *html.Node) bool { _, ok := attr(n, "data-job-id"); return ok && n.Data == "tr" })
	if len(rows) == 0 {
		t.Fatal("no rows")
	}
	jobURL, _ := attr(byTag(rows[0], "a")[0], "href")
	ju, _ := url.Parse(jobURL)
	if back := ju.Query().Get("back"); back != pinned {
		t.Errorf("job link's way back %q, want the pinned list %q", back, pinned)
	}
	job := parseHTML(t, e.get(t, c, jobURL).body)
	if got := hrefOf(t, job, "back-link"); got != pinned {
		t.Errorf("job page goes back to %q", got)
	}
	if got := hrefOf(t, job, "job-link"); got != jobURL {
		t.Errorf("job page's own link %q, want %q", got, jobURL)
	}
	b := findAll(job, func(n *html.Node) bool { v, _ := attr(n, "data-copy"); return v == "job-link" })
	if len(b) != 1 || text(b[0]) != "Copy link" {
		t.Error("no Copy link button on the job page")
	}
}

// mergedTruth is the simulator's jobs of a workflow with one of the
// statuses, newest first (creation time, then ID).
func mergedTruth(e *testEnv, workflowID string, statuses ...int) []explorersim.JobRecord {
	var out []explorersim.JobRecord
	for _, j := range e.jobsOf("demo", workflowID) {
		if slices.Contains(statuses, j.Status) {
			out = append(out, j)
		}
	}
	return out
}

func ids(jobs []explorersim.JobRecord) []string {
	var out []string
	for _, j := range jobs {
		out = append(out, strconv.FormatInt(j.ID, 10))
	}
	return out
}

// TestStatusSetCanonicalURLs: every way of naming a set lands on one URL.
func TestStatusSetCanonicalURLs(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	base := "/workflows/" + e.workflow(t, "demo").ID + "/jobs"
	for in, want := range map[string]string{
		"?status=problems":                           "?status=failed,cancelled",
		"?status=cancelled&status=failed":            "?status=failed,cancelled", // the plain GET form
		"?status=Cancelled%2Cfailed%2C3":             "?status=failed,cancelled",
		"?status=inprogress":                         "?status=preparing,running,stopping",
		"?status=problems,inprogress,succeeded":      "",
		"?status=failed&status=":                     "?status=failed",
		"?name=&status=running&status=preparing&to=": "?status=preparing,running",
	} {
		resp := e.get(t, c, base+in)
		if resp.status != http.StatusFound || resp.header.Get("Location") != base+want {
			t.Errorf("%s: %d to %q, want 302 to %q", in, resp.status, resp.header.Get("Location"), base+want)
		}
	}
	// The canonical URL is served as it is.
	if resp := e.get(t, c, base+"?status=failed,cancelled"); resp.status != http.StatusOK {
		t.Errorf("canonical set URL: status %d", resp.status)
	}
	// A bad word: 400, the message next to the field, the typed value kept.
	resp := e.get(t, c, base+"?status=failed,bogus&name=rank")
	doc := parseHTML(t, resp.body)
	msg := byID(doc, "f-status-error")
	if resp.status != http.StatusBadRequest || msg == nil || !strings.Contains(text(msg), "failed,bogus") {
		t.Errorf("bad status: %d, message %v", resp.status, msg)
	}
	if v := inputValue(t, doc, "f-name"); v != "rank" {
		t.Errorf("bad status: name field %q, want the other filters kept", v)
	}
}

// TestStatusSetForm: one checkbox per status in a fieldset with a legend,
// the set's boxes ticked, and the shortcuts linking to their sets.
func TestStatusSetForm(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	base := "/workflows/" + e.workflow(t, "demo").ID + "/jobs"
	doc := parseHTML(t, e.get(t, c, base+"?name=x&status=failed,cancelled").body)
	fs := byID(doc, "f-status")
	if fs == nil || fs.Data != "fieldset" || len(byTag(fs, "legend")) != 1 || text(byTag(fs, "legend")[0]) != "Status" {
		t.Fatalf("#f-status is not a fieldset with the legend Status")
	}
	var ticked, all []string
	for _, in := range byTag(fs, "input") {
		if typ, _ := attr(in, "type"); typ != "checkbox" {
			continue
		}
		if name, _ := attr(in, "name"); name != "status" {
			t.Errorf("checkbox named %q, want status", name)
		}
		v, _ := attr(in, "value")
		all = append(all, v)
		if _, on := attr(in, "checked"); on {
			ticked = append(ticked, v)
		}
	}
	if strings.Join(all, ",") != "preparing,running,succeeded,failed,cancelled,stopping" || strings.Join(ticked, ",") != "failed,cancelled" {
		t.Errorf("checkboxes %v, ticked %v", all, ticked)
	}
	for id, want := range map[string]string{
		"f-status-problems":   base + "?name=x&status=failed,cancelled",
		"f-status-inprogress": base + "?name=x&status=preparing,running,stopping",
	} {
		a := checkHref(t, doc, id, want)
		if a == nil {
			continue
		}
		_, current := attr(a, "aria-current")
		if current != (id == "f-status-problems") {
			t.Errorf("#%s aria-current %v", id, current)
		}
	}
	// Chinese labels.
	zc := e.browser(t)
	e.postForm(t, zc, "/login", url.Values{"account": {"demo"}, "password": {"demo"}, "next": {"/"}}, "Accept-Language", "zh-CN")
	zh := parseHTML(t, e.get(t, zc, base+"?status=failed", "Accept-Language", "zh-CN").body)
	if a := byID(zh, "f-status-problems"); a == nil || !strings.Contains(text(a), "问题") {
		t.Errorf("Chinese shortcut label missing")
	}
}

// TestStatusSetMergedPages: page 1 and page 3 of failed or cancelled are
// the newest-first merge of both statuses, with the summed total, at k
// and at most 4·k upstream calls; one status stays one call.
func TestStatusSetMergedPages(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	base := "/workflows/" + wf.ID + "/jobs"
	truth := mergedTruth(e, wf.ID, explorersim.StatusFailed, explorersim.StatusInterrupted)
	if len(truth) < 45 {
		t.Fatalf("seed data: %d failed or cancelled jobs, need 45", len(truth))
	}
	for _, tc := range []struct {
		query    string
		page     int
		maxCalls int64
	}{
		{"?status=failed,cancelled", 1, 2},
		{"?page=3&status=failed,cancelled", 3, 8},
		{"?page=3&size=10&status=failed,cancelled", 3, 2}, // positions 20–29: within the first 100
	} {
		before := e.sim.Calls()
		resp := e.get(t, c, base+tc.query, "HX-Request", "true", "HX-Target", "results")
		calls := e.sim.Calls() - before
		if resp.status != http.StatusOK {
			t.Fatalf("%s: status %d", tc.query, resp.status)
		}
		size := 20
		if strings.Contains(tc.query, "size=10") {
			size = 10
		}
		lo := (tc.page - 1) * size
		want := ids(truth[lo:min(len(truth), lo+size)])
		doc := parseHTML(t, resp.body)
		if got := rowIDs(t, doc); !slices.Equal(got, want) {
			t.Errorf("%s: rows %v, want %v", tc.query, got, want)
		}
		if s := byID(doc, "showing"); s == nil || !strings.Contains(text(s), "of "+strconv.Itoa(len(truth))+" jobs") {
			t.Errorf("%s: summary %q, want the total %d", tc.query, text(s), len(truth))
		}
		if calls > tc.maxCalls {
			t.Errorf("%s: %d upstream calls, want at most %d", tc.query, calls, tc.maxCalls)
		}
	}
	before := e.sim.Calls()
	e.get(t, c, base+"?page=3&status=failed", "HX-Request", "true", "HX-Target", "results")
	if calls := e.sim.Calls() - before; calls != 1 {
		t.Errorf("one status: %d upstream calls, want 1", calls)
	}
}

// checkHref reports unless the element with id exists and links to want;
// it returns the element (nil when missing).
func checkHref(t *testing.T, doc *html.Node, id, want string) *html.Node {
	t.Helper()
	n := byID(doc, id)
	if n == nil {
		t.Errorf("no #%s", id)
		return nil
	}
	if got, _ := attr(n, "href"); got != want {
		t.Errorf("#%s href %q, want %q", id, got, want)
	}
	return n
}

// TestStatusSetPoll: the live refresh of a list of several statuses
// re-reads the merged page (only the live region) and still lists the
// set's jobs in merged order.
func TestStatusSetPoll(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	truth := mergedTruth(e, wf.ID, explorersim.StatusPreparing, explorersim.StatusRunning, explorersim.StatusSuccess)
	p := e.get(t, c, "/workflows/"+wf.ID+"/jobs?status=preparing,running,succeeded", "HX-Request", "true", "HX-Target", "div#list-live")
	doc := parseHTML(t, p.body)
	if p.status != http.StatusOK || byID(doc, "filters") != nil || byID(doc, "list-live") == nil {
		t.Fatalf("poll: status %d; want the live region alone", p.status)
	}
	if got, want := rowIDs(t, doc), ids(truth[:min(20, len(truth))]); !slices.Equal(got, want) {
		t.Errorf("poll rows %v, want %v", got, want)
	}
}

func TestPageBeyondTheBoundShowsTheLastPage(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		for _, n := range []int{1000000, 1000001, 99999999999} {
			page := strconv.Itoa(n)
			a := e.get(t, c, "/workflows/"+wf.ID+"/jobs?page="+page, "Accept-Language", lang.accept)
			if a.status != http.StatusOK {
				t.Errorf("%s page=%s: status %d, want 200", lang.tag, page, a.status)
				continue
			}
			doc := parseHTML(t, a.body)
			if byID(doc, "f-page-error") != nil {
				t.Errorf("%s page=%s: called an invalid number: %q", lang.tag, page, text(byID(doc, "f-page-error")))
			}
			note := text(byID(doc, "past-end"))
			if !strings.HasPrefix(note, strings.SplitN(l.T("jobs.pastEnd", "\x00", "\x00"), "\x00", 2)[0]) || !strings.Contains(note, testenv.Thousands(n)) {
				t.Errorf("%s page=%s: note %q", lang.tag, page, note)
			}
			if len(rowIDs(t, doc)) == 0 {
				t.Errorf("%s page=%s: the last page shows no rows", lang.tag, page)
			}
		}
	}
}

// noscriptText returns the text of the <noscript> with the reload hint
// ("" when there is none). Parsers that run scripts read its content as
// text, so the hint is looked for in it.
func noscriptText(t *testing.T, body string) string {
	t.Helper()
	for _, n := range byTag(parseHTML(t, body), "noscript") {
		if s := text(n); strings.Contains(s, "reload-hint") || strings.Contains(s, "hint") {
			return s
		}
	}
	return ""
}

func TestWithoutScriptsARunningPageSaysReloadUpdatesIt(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	running := findJob(t, e, "demo", withStatus(explorersim.StatusRunning))
	done := findJob(t, e, "demo", withStatus(explorersim.StatusSuccess))
	for _, lang := range langs {
		hint := i18n.For(lang.tag).T("poll.reloadHint")
		for path, want := range map[string]bool{
			jobPath(running.ID):      true,
			jobPath(done.ID):         false,
			"/jobs?status=running":   true,
			"/jobs?status=succeeded": false,
		} {
			got := strings.Contains(noscriptText(t, e.get(t, c, path, "Accept-Language", lang.accept).body), hint)
			if got != want {
				t.Errorf("%s %s: reload hint shown %v, want %v", lang.tag, path, got, want)
			}
		}
	}
}

func TestRowsPerPageLabel(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	for _, lang := range langs {
		doc := parseHTML(t, e.get(t, c, "/jobs", "Accept-Language", lang.accept).body)
		sizes := byClass(doc, "sizes")
		if len(sizes) != 1 || !strings.HasPrefix(text(sizes[0]), i18n.For(lang.tag).T("pager.size")) {
			t.Errorf("%s: page size control reads %q", lang.tag, text(sizes[0]))
		}
	}
	if i18n.For(i18n.English).T("pager.size") != "Rows per page" {
		t.Error(`the page size control is not labelled "Rows per page"`)
	}
}

// A parameter given twice with different values (name=a&name=b,
// page=2&page=3, ...) is refused like any bad value: 400, the message
// beside its field naming both copies, in English and Chinese, the first
// copy kept in the form and the other filters applied; never one copy
// silently chosen. The list's fragment, summary and downloads answer the
// same way.
func TestRepeatedParametersAnswer400(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	base := "/workflows/" + wf.ID + "/jobs"
	failed, _ := expectedPage(e.jobsOf("demo", wf.ID), filter{status: 3, page: 1, size: 20})
	cases := []struct {
		query, key, copies, errID, fieldID, kept string
	}{
		{"?name=daily&name=weekly&status=failed", "field.name.repeated", "“daily”, “weekly”", "f-name-error", "f-name", "daily"},
		{"?page=2&page=3&status=failed", "field.page.repeated", "“2”, “3”", "f-page-error", "", ""},
		{"?page=2000000&page=3&status=failed", "field.page.repeated", "“2000000”, “3”", "f-page-error", "", ""},
		{"?order=asc&order=desc&status=failed", "field.order.repeated", "“asc”, “desc”", "f-order-error", "", ""},
		{"?size=50&size=100&status=failed", "field.size.repeated", "“50”, “100”", "f-size-error", "", ""},
		{"?from=2025-11-01&from=2025-11-02&status=failed", "field.from.repeated", "“2025-11-01”, “2025-11-02”", "f-from-error", "f-from", "2025-11-01"},
		{"?status=failed&tz=Europe%2FParis&tz=Asia%2FKolkata", "field.tz.repeated", "“Europe/Paris”, “Asia/Kolkata”", "f-tz-error", "f-tz", "Europe/Paris"},
		{"?range=24h&range=7d&status=failed", "field.range.repeated", "“24h”, “7d”", "f-range-error", "", ""},
	}
	for _, tc := range cases {
		for _, lang := range langs {
			a := e.get(t, c, base+tc.query, "Accept-Language", lang.accept)
			if a.status != http.StatusBadRequest {
				t.Errorf("%s %s: status %d, want 400", tc.query, lang.tag, a.status)
				continue
			}
			doc := parseHTML(t, a.body)
			if got, want := text(byID(doc, tc.errID)), i18n.For(lang.tag).T(tc.key, tc.copies); got != want {
				t.Errorf("%s %s: #%s says %q, want %q", tc.query, lang.tag, tc.errID, got, want)
			}
			if tc.fieldID != "" {
				if got := inputValue(t, doc, tc.fieldID); got != tc.kept {
					t.Errorf("%s: #%s keeps %q, want %q", tc.query, tc.fieldID, got, tc.kept)
				}
			}
			if got := rowIDs(t, doc); !slices.Equal(got, failed) {
				t.Errorf("%s: rows %v, want the failed jobs' first page %v (status applied, no copy of the repeated one)", tc.query, got, failed)
			}
		}
	}
	// The results fragment says it too.
	a := e.get(t, c, base+"?page=2&page=3&status=failed", "HX-Request", "true", "HX-Request-Type", "partial")
	if a.status != http.StatusBadRequest || text(byID(parseHTML(t, a.body), "f-page-error")) != i18n.For(i18n.English).T("field.page.repeated", "“2”, “3”") {
		t.Errorf("fragment: %d %q", a.status, text(byID(parseHTML(t, a.body), "f-page-error")))
	}
	// Summary and downloads of a list URL that does not say what it means.
	for _, p := range []string{
		base + "/summary?name=daily&name=weekly",
		base + "/export.csv?name=daily&name=weekly",
		"/jobs/export.json?status=failed&tz=UTC&tz=Asia%2FKolkata",
	} {
		if a := e.get(t, c, p); a.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", p, a.status)
		}
	}
	// The same value twice says one thing: the canonical URL.
	a = e.get(t, c, base+"?status=failed&page=1&page=1&name=daily&name=daily")
	if a.status != http.StatusFound || a.header.Get("Location") != base+"?name=daily&status=failed" {
		t.Errorf("same value twice: %d to %q", a.status, a.header.Get("Location"))
	}
}

// rowsLost is an Explorer whose list answers keep their total but lose
// their rows, as when jobs are deleted between Explorer's count and its
// page: the documented "empty items, total still given".
type rowsLost struct{ Explorer }

func (r rowsLost) ListJobs(ctx context.Context, tok apiclient.Token, q apiclient.ListQuery) (apiclient.JobPage, error) {
	p, err := r.Explorer.ListJobs(ctx, tok, q)
	p.Items = p.Items[:0]
	return p, err
}

func (r rowsLost) ListWorkflowJobs(ctx context.Context, tok apiclient.Token, id int64, q apiclient.ListQuery) (apiclient.JobPage, error) {
	p, err := r.Explorer.ListWorkflowJobs(ctx, tok, id, q)
	p.Items = p.Items[:0]
	return p, err
}

// TestListWithATotalButNoRowsSaysSo: a page Explorer counts jobs for but
// sends none of never says there are no jobs (or none match) beside that
// count: it says the list changed and links to its first page, in English
// and Chinese, full page and fragment.
func TestListWithATotalButNoRowsSaysSo(t *testing.T) {
	e := newEnv(t, 0, func(_ *testEnv, o *Options) { o.Explorer = rowsLost{o.Explorer} })
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	for _, path := range []string{"/jobs", "/workflows/" + wf.ID + "/jobs", "/jobs?status=succeeded"} {
		for _, lang := range langs {
			l := i18n.For(lang.tag)
			for _, fragment := range []bool{false, true} {
				headers := []string{"Accept-Language", lang.accept}
				if fragment {
					headers = append(headers, "HX-Request", "true", "HX-Request-Type", "partial")
				}
				a := e.get(t, c, path, headers...)
				if a.status != http.StatusOK {
					t.Fatalf("%s (%s, fragment %v): status %d", path, lang.tag, fragment, a.status)
				}
				doc := parseHTML(t, a.body)
				page := text(doc)
				for _, wrong := range []string{"all.empty", "jobs.empty", "jobs.emptyFiltered"} {
					if strings.Contains(page, l.T(wrong)) {
						t.Errorf("%s (%s, fragment %v): says %q beside a count of jobs", path, lang.tag, fragment, l.T(wrong))
					}
				}
				if want := l.T("jobs.emptyPage"); !strings.Contains(page, want) {
					t.Errorf("%s (%s, fragment %v): page lacks %q: %s", path, lang.tag, fragment, want, page)
				}
			}
		}
	}
}
