package handlers

import (
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
