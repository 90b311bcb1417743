package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"jobboard/apiclient"
	"jobboard/internal/explorersim"
	"jobboard/internal/i18n"
)

// findJob returns the newest of account's jobs (simulator truth) that
// match, or fails the test.
func findJob(t *testing.T, e *testEnv, account string, match func(explorersim.JobRecord) bool) explorersim.JobRecord {
	t.Helper()
	for _, j := range e.sim.Jobs(account) {
		if match(j) {
			return j
		}
	}
	t.Fatalf("the simulator has no such job for %s", account)
	return explorersim.JobRecord{}
}

func withStatus(status int) func(explorersim.JobRecord) bool {
	return func(j explorersim.JobRecord) bool { return j.Status == status }
}

// simJob re-reads one job's truth.
func simJob(t *testing.T, e *testEnv, account string, id int64) explorersim.JobRecord {
	t.Helper()
	return findJob(t, e, account, func(j explorersim.JobRecord) bool { return j.ID == id })
}

func jobPath(id int64) string { return "/jobs/" + strconv.FormatInt(id, 10) }

// checkTime checks that the element with id shows instant in zone.
func checkTime(t *testing.T, doc *html.Node, id string, instant time.Time, zone *time.Location) {
	t.Helper()
	n := byID(doc, id)
	if n == nil {
		t.Fatalf("no #%s", id)
	}
	times := byTag(n, "time")
	if instant.IsZero() {
		if len(times) != 0 || text(n) != "—" {
			t.Errorf("#%s = %q, want —", id, text(n))
		}
		return
	}
	if len(times) != 1 {
		t.Fatalf("#%s has %d <time>", id, len(times))
	}
	if got, _ := attr(times[0], "datetime"); got != instant.UTC().Format(time.RFC3339) {
		t.Errorf("#%s datetime = %q, want %q", id, got, instant.UTC().Format(time.RFC3339))
	}
	if want := instant.In(zone).Format("2006-01-02 15:04"); !strings.HasPrefix(text(times[0]), want) {
		t.Errorf("#%s = %q, want it to start with %q (%s)", id, text(times[0]), want, zone)
	}
}

func TestJobDetailSucceeded(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	j := findJob(t, e, "demo", withStatus(explorersim.StatusSuccess))
	paris, _ := time.LoadLocation("Europe/Paris")

	for _, tc := range []struct {
		query string
		zone  *time.Location
	}{{"", e.zone}, {"?tz=Europe%2FParis", paris}} {
		a := e.get(t, c, jobPath(j.ID)+tc.query)
		if a.status != http.StatusOK {
			t.Fatalf("GET %s: status %d", tc.query, a.status)
		}
		doc := parseHTML(t, a.body)
		if got := text(byID(doc, "job-name")); got != j.Name {
			t.Errorf("name = %q, want %q", got, j.Name)
		}
		wf := byID(doc, "workflow-link")
		if href, _ := attr(wf, "href"); href != "/workflows/"+j.WorkflowID+"/jobs" || text(wf) != j.WorkflowName {
			t.Errorf("workflow link = %q %q", href, text(wf))
		}
		if got := text(byID(doc, "job-status")); got != "✓ Succeeded" {
			t.Errorf("status = %q", got)
		}
		checkTime(t, doc, "job-created", j.Created, tc.zone)
		checkTime(t, doc, "job-started", j.Begin, tc.zone)
		checkTime(t, doc, "job-finished", j.End, tc.zone)
		if got, want := text(byID(doc, "job-duration")), i18n.For("en").Duration(j.End.Sub(j.Begin)); got != want {
			t.Errorf("duration = %q, want %q", got, want)
		}
		if byID(doc, "failure") != nil || byID(doc, "cancel-job") != nil {
			t.Error("a succeeded job shows a failure sentence or a cancel button")
		}
		// Tasks in Explorer's order, each linking to its result.
		rows := findAll(byID(doc, "tasks"), func(n *html.Node) bool { _, ok := attr(n, "data-task-id"); return ok })
		if len(rows) != len(j.Tasks) {
			t.Fatalf("%d task rows, want %d", len(rows), len(j.Tasks))
		}
		for i, tr := range rows {
			want := j.Tasks[i]
			if id, _ := attr(tr, "data-task-id"); id != want.ID {
				t.Errorf("row %d is task %s, want %s", i, id, want.ID)
			}
			cells := byTag(tr, "td")
			if !strings.HasPrefix(text(cells[0]), want.Name) || text(cells[1]) != "✓ Succeeded" {
				t.Errorf("row %d = %q %q", i, text(cells[0]), text(cells[1]))
			}
			if got, want := text(cells[4]), i18n.For("en").Duration(want.End.Sub(want.Begin)); got != want {
				t.Errorf("row %d duration = %q, want %q", i, got, want)
			}
			link := byClass(tr, "task-results")
			wantHref := jobPath(j.ID) + "/tasks/" + want.ID + "/results"
			if tc.query != "" {
				wantHref += "?tz=Europe%2FParis"
			}
			if len(link) != 1 {
				t.Fatalf("row %d has no result link", i)
			}
			if href, _ := attr(link[0], "href"); href != wantHref {
				t.Errorf("row %d result link = %q, want %q", i, href, wantHref)
			}
		}
	}
}

func TestJobDetailTasksInPipelineOrder(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	// A failed job whose failed task is neither its first nor its last:
	// tasks ran before it, and some never ran after it.
	j := findJob(t, e, "demo", func(j explorersim.JobRecord) bool {
		if j.Status != explorersim.StatusFailed || len(j.Tasks) < 3 {
			return false
		}
		for i, tk := range j.Tasks {
			if tk.Status == explorersim.StatusFailed {
				return i > 0 && i < len(j.Tasks)-1
			}
		}
		return false
	})
	failedAt := -1
	for i, tk := range j.Tasks {
		if tk.Status == explorersim.StatusFailed {
			failedAt = i
		}
	}
	ft := j.Tasks[failedAt]
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		doc := parseHTML(t, e.get(t, c, jobPath(j.ID), "Accept-Language", lang.accept).body)

		// The summary line says where, and links to the task's row.
		want := l.T("job.failedAt", ft.Name, l.Duration(ft.End.Sub(j.Begin)))
		failure := byID(doc, "failure")
		if got := text(failure); got != want {
			t.Errorf("%s: failure sentence = %q, want %q", lang.tag, got, want)
		}
		links := byTag(failure, "a")
		if len(links) != 1 {
			t.Fatalf("%s: the failure sentence is not a link", lang.tag)
		}
		href, _ := attr(links[0], "href")
		row := byID(doc, strings.TrimPrefix(href, "#"))
		if id, _ := attr(row, "data-task-id"); id != ft.ID || !hasClass(row, "task-failed") {
			t.Errorf("%s: the failure sentence links to %q, not the failed task's marked row", lang.tag, href)
		}

		// Explorer's order, unchanged.
		rows := findAll(byID(doc, "tasks"), func(n *html.Node) bool { _, ok := attr(n, "data-task-id"); return ok })
		if len(rows) != len(j.Tasks) {
			t.Fatalf("%s: %d rows for %d tasks", lang.tag, len(rows), len(j.Tasks))
		}
		for i, tr := range rows {
			tk := j.Tasks[i]
			if id, _ := attr(tr, "data-task-id"); id != tk.ID {
				t.Errorf("%s: row %d is task %s, want %s (Explorer's order)", lang.tag, i, id, tk.ID)
			}
			cells := byTag(tr, "td")
			status, result := text(cells[1]), text(cells[5])
			link := byClass(cells[5], "task-results")
			switch {
			case i < failedAt:
				if !strings.Contains(status, l.T("status.succeeded")) || len(link) != 1 {
					t.Errorf("%s: row %d (ran before the failure) status %q, result %q", lang.tag, i, status, result)
				}
			case i == failedAt:
				if !strings.Contains(status, l.T("status.failed")) || len(link) != 0 || result != l.T("task.noResult") {
					t.Errorf("%s: failed row status %q, result %q", lang.tag, status, result)
				}
			default:
				if !strings.Contains(status, l.T("task.notRun")) || strings.Contains(status, l.T("status.preparing")) {
					t.Errorf("%s: row %d after the failure shows %q, want %q", lang.tag, i, status, l.T("task.notRun"))
				}
				if len(link) != 0 || result != l.T("task.noResult") {
					t.Errorf("%s: row %d after the failure has result %q", lang.tag, i, result)
				}
			}
		}
		if got := text(byID(doc, "job-status")); got != "✕ "+l.T("status.failed") {
			t.Errorf("%s: status = %q", lang.tag, got)
		}
	}
}

func TestNeverRunTaskOfAFinishedJob(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	now := e.clock.Now()
	j := e.sim.AddJob("demo", wf.ID, explorersim.JobRecord{
		Status: explorersim.StatusInterrupted, Created: now.Add(-10 * time.Minute),
		Begin: now.Add(-9 * time.Minute), End: now.Add(-5 * time.Minute),
		Tasks: []explorersim.TaskRecord{
			{Name: "BFS", Status: explorersim.StatusSuccess, Begin: now.Add(-9 * time.Minute), End: now.Add(-8 * time.Minute)},
			{Name: "PageRank", Status: explorersim.StatusInterrupted, Begin: now.Add(-8 * time.Minute), End: now.Add(-5 * time.Minute)},
			{Name: "LPA", Status: explorersim.StatusPreparing},
		},
	})
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		doc := parseHTML(t, e.get(t, c, jobPath(j.ID), "Accept-Language", lang.accept).body)
		rows := findAll(byID(doc, "tasks"), func(n *html.Node) bool { _, ok := attr(n, "data-task-id"); return ok })
		if len(rows) != 3 {
			t.Fatalf("%s: %d rows", lang.tag, len(rows))
		}
		last := byTag(rows[2], "td")
		if got := text(last[1]); !strings.Contains(got, l.T("task.notRun")) || strings.Contains(got, l.T("status.preparing")) {
			t.Errorf("%s: never-run task shows %q, want %q", lang.tag, got, l.T("task.notRun"))
		}
		if got := text(last[5]); got != l.T("task.noResult") {
			t.Errorf("%s: never-run task result %q", lang.tag, got)
		}
		if got := text(byTag(rows[1], "td")[5]); got != l.T("task.noResult") {
			t.Errorf("%s: interrupted task result %q", lang.tag, got)
		}
		if len(byClass(rows[0], "task-results")) != 1 {
			t.Errorf("%s: the task that succeeded has no Sample result link", lang.tag)
		}
	}
}

func TestStoppingJobSaysCancelRequested(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	now := e.clock.Now()
	j := e.sim.AddJob("demo", wf.ID, explorersim.JobRecord{
		Status: explorersim.StatusStopping, Created: now.Add(-8 * time.Minute), Begin: now.Add(-7 * time.Minute),
		Tasks: []explorersim.TaskRecord{
			{Name: "BFS", Status: explorersim.StatusSuccess, Begin: now.Add(-7 * time.Minute), End: now.Add(-6 * time.Minute)},
			{Name: "PageRank", Status: explorersim.StatusStopping, Begin: now.Add(-6 * time.Minute)},
		},
	})
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		doc := parseHTML(t, e.get(t, c, jobPath(j.ID), "Accept-Language", lang.accept).body)
		if got := text(byID(doc, "job-status")); !strings.Contains(got, l.T("status.stoppingLong")) {
			t.Errorf("%s: status %q, want %q", lang.tag, got, l.T("status.stoppingLong"))
		}
		if got := text(byID(doc, "job-duration")); got != l.T("job.stopping") || strings.Contains(got, "7") {
			t.Errorf("%s: duration %q, want %q", lang.tag, got, l.T("job.stopping"))
		}
		rows := findAll(byID(doc, "tasks"), func(n *html.Node) bool { _, ok := attr(n, "data-task-id"); return ok })
		if got := text(byTag(rows[1], "td")[5]); got != l.T("task.noResultYet") {
			t.Errorf("%s: stopping task result %q", lang.tag, got)
		}
		// The list says the same in its Duration column.
		list := parseHTML(t, e.get(t, c, "/workflows/"+wf.ID+"/jobs", "Accept-Language", lang.accept).body)
		row := findAll(list, func(n *html.Node) bool {
			id, _ := attr(n, "data-job-id")
			return n.Data == "tr" && id == strconv.FormatInt(j.ID, 10)
		})
		if len(row) != 1 {
			t.Fatalf("%s: the stopping job is not on the list", lang.tag)
		}
		cells := byTag(row[0], "td")
		if got := text(cells[len(cells)-1]); got != l.T("job.stopping") {
			t.Errorf("%s: list duration %q, want %q", lang.tag, got, l.T("job.stopping"))
		}
	}
}

func TestJobDetailRunningPollsFinishedDoesNot(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	running := findJob(t, e, "demo", withStatus(explorersim.StatusRunning))
	done := findJob(t, e, "demo", withStatus(explorersim.StatusSuccess))
	back := "/workflows/" + running.WorkflowID + "/jobs?status=running"
	self := jobPath(running.ID) + "?back=" + url.QueryEscape(back)

	doc := parseHTML(t, e.get(t, c, self).body)
	region := byID(doc, "job-detail")
	if _, ok := attr(region, "data-poll"); !ok {
		t.Fatal("a running job's region has no data-poll")
	}
	for name, want := range map[string]string{"hx-get": self, "hx-trigger": "jobboard:poll", "hx-swap": "outerMorph"} {
		if got, _ := attr(region, name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if _, ok := attr(region, "hx-push-url"); ok {
		t.Error("the poll pushes history")
	}
	if got := text(byID(doc, "job-status")); got != "▶ Running" {
		t.Errorf("status = %q", got)
	}
	if !strings.HasPrefix(text(byID(doc, "job-duration")), "running for") {
		t.Errorf("duration = %q", text(byID(doc, "job-duration")))
	}
	if byID(doc, "cancel-job") == nil {
		t.Error("a running job has no Cancel button")
	}

	// The poll request gets only the region.
	frag := e.get(t, c, self, "HX-Request", "true", "HX-Request-Type", "partial")
	fdoc := parseHTML(t, frag.body)
	if frag.status != http.StatusOK || byID(fdoc, "job-detail") == nil || len(byClass(fdoc, "site-header")) != 0 {
		t.Errorf("poll answer: status %d, region %v, full page %v", frag.status, byID(fdoc, "job-detail") != nil, len(byClass(fdoc, "site-header")) != 0)
	}
	// A history restore gets the full page.
	full := parseHTML(t, e.get(t, c, self, "HX-Request", "true", "HX-History-Restore-Request", "true").body)
	if len(byClass(full, "site-header")) != 1 {
		t.Error("a history restore did not get the full page")
	}

	doc = parseHTML(t, e.get(t, c, jobPath(done.ID)).body)
	region = byID(doc, "job-detail")
	for _, name := range []string{"data-poll", "hx-get", "hx-trigger"} {
		if _, ok := attr(region, name); ok {
			t.Errorf("a finished job's region has %s", name)
		}
	}
}

func TestJobDetailBackLink(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	j := findJob(t, e, "demo", withStatus(explorersim.StatusFailed))
	wfList := "/workflows/" + j.WorkflowID + "/jobs"
	cases := map[string]string{
		"":                                  wfList,
		wfList + "?page=2&status=failed":    wfList + "?page=2&status=failed",
		"/jobs?status=running":              "/jobs?status=running",
		"https://evil.example/x":            wfList,
		"//evil.example":                    wfList,
		"/\\evil.example":                   wfList,
		"javascript:alert(1)":               wfList,
		"/%2F%2Fevil.example":               wfList,
		"/workflows/1/jobs\r\nSet-Cookie:x": wfList,
		// "Back to the jobs list" leads to a jobs list, never to another
		// local page under that name.
		"/login":                    wfList,
		"/logout":                   wfList,
		"/views/new?path=%2Fjobs":   wfList,
		"/jobs/5":                   wfList,
		"/jobs/export.csv":          wfList,
		"/workflows/abc/jobs":       wfList,
		"/workflows/1/jobs/summary": wfList,
	}
	for back, want := range cases {
		q := ""
		if back != "" {
			q = "?back=" + url.QueryEscape(back)
		}
		a := e.get(t, c, jobPath(j.ID)+q)
		if a.status != http.StatusOK {
			t.Errorf("back %q: status %d", back, a.status)
			continue
		}
		if got, _ := attr(byID(parseHTML(t, a.body), "back-link"), "href"); got != want {
			t.Errorf("back %q: link = %q, want %q", back, got, want)
		}
	}

	// From the list: a filtered list links to the job carrying itself, and
	// the job page leads back to exactly that list.
	list := wfList + "?status=failed&tz=Europe%2FParis"
	ldoc := parseHTML(t, e.get(t, c, list).body)
	links := findAll(byID(ldoc, "jobs"), func(n *html.Node) bool {
		href, _ := attr(n, "href")
		return n.Data == "a" && strings.HasPrefix(href, "/jobs/")
	})
	if len(links) == 0 {
		t.Fatal("the list links to no job")
	}
	href, _ := attr(links[0], "href")
	doc := parseHTML(t, e.get(t, c, href).body)
	if got, _ := attr(byID(doc, "back-link"), "href"); got != list {
		t.Errorf("back from %s = %q, want %q", href, got, list)
	}
	if got := text(byID(doc, "job-detail")); !strings.Contains(got, "Times are shown in Europe/Paris") {
		t.Errorf("the list's zone is not used: %q", got)
	}
}

func TestJobDetailNotFoundAndBadID(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	foreign := e.sim.Jobs("analyst")[0]
	for _, id := range []int64{999_999_999, foreign.ID} {
		a := e.get(t, c, jobPath(id))
		if a.status != http.StatusNotFound {
			t.Errorf("job %d: status %d, want 404", id, a.status)
			continue
		}
		doc := parseHTML(t, a.body)
		p := byClass(doc, "problem")
		if len(p) != 1 || !strings.Contains(text(p[0]), "No job "+strconv.FormatInt(id, 10)+" in the account you're signed in as (demo). It may belong to another account.") {
			t.Errorf("job %d: message %q", id, text(doc))
		}
		if len(byTag(byClass(doc, "problem-actions")[0], "a")) == 0 {
			t.Errorf("job %d: no way back", id)
		}
		if strings.Contains(a.body, foreign.Name) {
			t.Error("another account's job name leaked")
		}
	}
	// The way back of a 404 is the list the reader came from.
	a := e.get(t, c, jobPath(999_999_999)+"?back="+url.QueryEscape("/jobs?status=failed"))
	links := byTag(byClass(parseHTML(t, a.body), "problem-actions")[0], "a")
	if href, _ := attr(links[0], "href"); href != "/jobs?status=failed" {
		t.Errorf("404 way back = %q", href)
	}
	for _, raw := range []string{"abc", "-1", "0", "1e3", "99999999999999999999"} {
		if a := e.get(t, c, "/jobs/"+raw); a.status != http.StatusBadRequest {
			t.Errorf("/jobs/%s: status %d, want 400", raw, a.status)
		}
	}
	// Signed out: to sign-in and back.
	a = e.get(t, e.browser(t), jobPath(foreign.ID))
	if a.status != http.StatusSeeOther || !strings.HasPrefix(a.header.Get("Location"), "/login?next=") {
		t.Errorf("signed out: %d %s", a.status, a.header.Get("Location"))
	}
}

// The list to go back to and the zone a job page carries are read as one
// value each: two different ones count as none (the job's workflow list,
// the default zone), never the first copy.
func TestJobDetailRepeatedBackOrZonePicksNoCopy(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	j := findJob(t, e, "demo", withStatus(explorersim.StatusFailed))
	wfList := "/workflows/" + j.WorkflowID + "/jobs"
	two := "?back=" + url.QueryEscape("/jobs?status=running") + "&back=" + url.QueryEscape("/jobs?status=failed")
	for _, p := range []string{jobPath(j.ID) + two, jobPath(j.ID) + "/cancel" + two} {
		doc := parseHTML(t, e.get(t, c, p).body)
		if got, _ := attr(byID(doc, "back-link"), "href"); strings.Contains(got, "status=") {
			t.Errorf("%s: the way back is %q, one of the copies", p, got)
		}
	}
	doc := parseHTML(t, e.get(t, c, jobPath(j.ID)+two).body)
	if got, _ := attr(byID(doc, "back-link"), "href"); got != wfList {
		t.Errorf("two backs: link %q, want the workflow's list %q", got, wfList)
	}
	doc = parseHTML(t, e.get(t, c, jobPath(j.ID)+"?tz=Europe%2FParis&tz=Asia%2FKolkata").body)
	if got := text(byID(doc, "job-detail")); strings.Contains(got, "Europe/Paris") || strings.Contains(got, "Asia/Kolkata") {
		t.Errorf("two zones: one of them is used: %q", got)
	}
	// The same list twice is that list.
	same := "?back=" + url.QueryEscape("/jobs?status=running") + "&back=" + url.QueryEscape("/jobs?status=running")
	if got, _ := attr(byID(parseHTML(t, e.get(t, c, jobPath(j.ID)+same).body), "back-link"), "href"); got != "/jobs?status=running" {
		t.Errorf("the same back twice: link %q", got)
	}
	// Sign-in's way on, the same way.
	doc = parseHTML(t, e.get(t, e.browser(t), "/login?next=%2Fviews&next=%2Fjobs").body)
	if got := inputValue(t, doc, "login-password-next"); got == "/views" || got == "/jobs" {
		t.Errorf("two nexts: sign-in goes on to %q, one of the copies", got)
	}
}

// unnamedTasks is an Explorer whose jobs list their tasks without names.
type unnamedTasks struct{ Explorer }

func (u unnamedTasks) GetJob(ctx context.Context, tok apiclient.Token, id int64) (apiclient.JobDetail, error) {
	j, err := u.Explorer.GetJob(ctx, tok, id)
	for i := range j.Tasks {
		j.Tasks[i].Name = ""
	}
	return j, err
}

// TestTaskWithoutANameIsShownByItsID: a task Explorer sends without a name
// is named by its ID on the job page, its result page and the run form,
// never a blank cell, heading or choice.
func TestTaskWithoutANameIsShownByItsID(t *testing.T) {
	e := newEnv(t, 0, func(_ *testEnv, o *Options) { o.Explorer = unnamedTasks{o.Explorer} })
	c := e.signedIn(t, "demo")
	j := findJob(t, e, "demo", withStatus(explorersim.StatusSuccess))
	rec := simJob(t, e, "demo", j.ID)
	if len(rec.Tasks) == 0 {
		t.Fatal("the job has no tasks")
	}
	task := rec.Tasks[0].ID
	doc := parseHTML(t, e.get(t, c, jobPath(j.ID)).body)
	row := byID(doc, "task-"+task)
	if row == nil {
		t.Fatalf("no row for task %s", task)
	}
	if cells := byClass(row, "task-name"); len(cells) != 1 || !strings.Contains(text(cells[0]), task) {
		t.Errorf("the task's name cell does not name it by its ID %s", task)
	}
	res := parseHTML(t, e.get(t, c, jobPath(j.ID)+"/tasks/"+task+"/results").body)
	if h1 := byTag(res, "h1"); len(h1) == 0 || !strings.Contains(text(h1[0]), task) {
		t.Errorf("the result page's heading does not name the task by its ID %s", task)
	}
	run := parseHTML(t, e.get(t, c, "/workflows/"+j.WorkflowID+"/run?from="+strconv.FormatInt(j.ID, 10)).body)
	for _, o := range findAll(run, func(n *html.Node) bool { v, _ := attr(n, "value"); return n.Data == "option" && v == task }) {
		if !strings.Contains(text(o), task[:8]) {
			t.Errorf("the run form offers task %s as %q", task, text(o))
		}
	}
}
