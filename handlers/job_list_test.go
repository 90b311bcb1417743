package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"jobboard/internal/explorersim"
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
		{"internal", explorersim.Fault{Kind: explorersim.FaultErrorEnvelope, Code: 50004000, Message: "secret-db-host:5432 down"}, http.StatusBadGateway, "could not be reached"},
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
	if next != base+"?order=asc&page=2&status=succeeded" {
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
