package htmlcheck

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"jobboard/apiclient"
	"jobboard/handlers"
	"jobboard/internal/explorersim"
	"jobboard/internal/i18n"
	"jobboard/internal/store"
	"jobboard/internal/testenv"
	"jobboard/internal/testenv/dashboard"
)

// newEnv starts the rig: the simulator and the dashboard on loopback.
func newEnv(t *testing.T) *testenv.Env {
	t.Helper()
	st, err := store.Open(context.Background(), store.Config{
		DSN: filepath.Join(t.TempDir(), "views.db"), Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	// Saved views the pages show: demo's own (ID 1) and analyst's shared
	// one (ID 2).
	for _, v := range []store.View{
		{Slug: "nightly-failures", Name: "Nightly failures", Description: "Failed runs <b>overnight</b>", Owner: "demo", Path: "/jobs?status=failed"},
		{Slug: "team-running", Name: "Team: running now", Owner: "analyst", Shared: true, Path: "/jobs?status=running"},
	} {
		if _, err := st.CreateView(context.Background(), v); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.PinView(context.Background(), "demo", 1); err != nil {
		t.Fatal(err)
	}
	return dashboard.New(t, testenv.Options{
		Sim:           explorersim.Options{Seed: 7},
		Zone:          testenv.LoadZone(t, "Asia/Shanghai"),
		ClientOptions: []apiclient.Option{apiclient.WithoutBreaker()},
		DiscardLogs:   true,
	}, func(o *handlers.Options) { o.Store = st })
}

// request is one page or fragment to check.
type request struct {
	name     string     // file name stem
	route    string     // the route pattern it exercises (routes.go)
	method   string     // GET when ""
	path     string     // path and query
	form     url.Values // POST body
	headers  []string   // name, value pairs
	fragment bool       // an htmx fragment: wrapped before checking
}

// fetch performs r as lang with browser b and returns the status, content
// type and body.
func fetch(t *testing.T, b *testenv.Browser, r request, lang string) (int, string, string) {
	t.Helper()
	method := r.method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if r.form != nil {
		body = strings.NewReader(r.form.Encode())
	}
	req := b.Request(t, method, r.path, body, r.headers...)
	if r.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept-Language", lang)
	a := b.Do(t, req)
	ct, _, _ := mime.ParseMediaType(a.Header.Get("Content-Type"))
	return a.Status, ct, a.Body
}

// routePattern finds the routes registered in handlers/*.go.
var routePattern = regexp.MustCompile(`\br\.(GET|POST)\("(/[^"]*)"`)

// registeredRoutes returns "METHOD /pattern" for every route of handlers.
func registeredRoutes(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("../../handlers/*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range routePattern.FindAllStringSubmatch(string(src), -1) {
			seen[m[1]+" "+m[2]] = true
		}
	}
	var out []string
	for r := range seen {
		out = append(out, r)
	}
	sort.Strings(out)
	if len(out) < 10 {
		t.Fatalf("found only %d routes in handlers/: is the scan broken?", len(out))
	}
	return out
}

// notHTML are the routes that never answer with HTML a reader sees as a
// page (downloads, probes, redirects); every other route must be checked.
var notHTML = map[string]string{
	"GET /healthz":                            "probe",
	"GET /readyz":                             "probe",
	"GET /metrics":                            "Prometheus text",
	"GET /jobs/export.csv":                    "download",
	"GET /jobs/export.json":                   "download",
	"GET /workflows/:id/jobs/export.csv":      "download",
	"GET /workflows/:id/jobs/export.json":     "download",
	"GET /jobs/:id/tasks/:taskID/results.csv": "download",
	"POST /logout":                            "redirect",
	"POST /views/:id/delete":                  "redirect, or the confirmation's region (checked via GET /views/:id/delete)",
	"POST /jobs/:id/cancel":                   "redirect, or the job page's markup (checked via GET /jobs/:id)",
}

// pages lists what to fetch, signed in, for the simulator's demo account.
func pages(t *testing.T, e *testenv.Env) []request {
	t.Helper()
	wfs := e.Sim.Workflows("demo")
	if len(wfs) == 0 {
		t.Fatal("simulator has no workflow for demo")
	}
	wf := wfs[0].ID
	var failed, running, succeeded explorersim.JobRecord
	for _, j := range e.Sim.Jobs("demo") {
		switch apiclient.Status(j.Status) {
		case apiclient.StatusFailed:
			if failed.ID == 0 {
				failed = j
			}
		case apiclient.StatusRunning:
			if running.ID == 0 {
				running = j
			}
		case apiclient.StatusSuccess:
			if succeeded.ID == 0 && len(j.Tasks) > 0 {
				succeeded = j
			}
		}
	}
	if failed.ID == 0 || running.ID == 0 || succeeded.ID == 0 {
		t.Fatal("simulator lacks a failed, a running or a succeeded job for demo")
	}
	job := func(j explorersim.JobRecord) string { return "/jobs/" + fmt.Sprint(j.ID) }
	list := "/workflows/" + wf + "/jobs"
	back := "?back=" + url.QueryEscape(list+"?status=failed")
	task := succeeded.Tasks[0].ID
	// Canonical list URLs (sorted keys), so that none is redirected.
	filtered := "?" + url.Values{"name": {"a"}, "status": {"succeeded"}, "from": {"2020-01-01"}, "to": {"2030-12-31T23:59"},
		"order": {"asc"}, "page": {"2"}, "size": {"10"}, "tz": {"Asia/Shanghai"}}.Encode()
	return []request{
		{name: "home", route: "GET /", path: "/"},
		{name: "home-bad-id", route: "GET /workflows/go", path: "/workflows/go?id=abc"},
		{name: "list", route: "GET /workflows/:id/jobs", path: list},
		{name: "list-filtered", route: "GET /workflows/:id/jobs", path: list + filtered},
		{name: "list-invalid", route: "GET /workflows/:id/jobs", path: list + "?status=nope&from=yesterday&to=x&page=0&size=7&order=up&tz=Mars%2FBase"},
		{name: "list-empty", route: "GET /workflows/:id/jobs", path: list + "?name=zzzzzzzzzz"},
		{name: "list-past-end", route: "GET /workflows/:id/jobs", path: list + "?page=9999"},
		{name: "list-unknown-workflow", route: "GET /workflows/:id/jobs", path: "/workflows/1/jobs"},
		{name: "list-results", route: "GET /workflows/:id/jobs", path: list + filtered, headers: testenv.HTMX("section#results"), fragment: true},
		{name: "list-poll", route: "GET /workflows/:id/jobs", path: list + "?status=running", headers: testenv.HTMX("div#list-live"), fragment: true},
		{name: "all", route: "GET /jobs", path: "/jobs"},
		{name: "all-running", route: "GET /jobs", path: "/jobs?size=50&status=running"},
		{name: "all-results", route: "GET /jobs", path: "/jobs?status=failed", headers: testenv.HTMX("section#results"), fragment: true},
		{name: "summary", route: "GET /jobs/summary", path: "/jobs/summary?status=failed"},
		{name: "summary-fragment", route: "GET /jobs/summary", path: "/jobs/summary", headers: testenv.HTMX("div#outcomes"), fragment: true},
		{name: "wf-summary", route: "GET /workflows/:id/jobs/summary", path: list + "/summary"},
		{name: "wf-summary-fragment", route: "GET /workflows/:id/jobs/summary", path: list + "/summary?name=a", headers: testenv.HTMX("div#outcomes"), fragment: true},
		{name: "job-failed", route: "GET /jobs/:id", path: job(failed) + back},
		{name: "job-running", route: "GET /jobs/:id", path: job(running)},
		{name: "job-succeeded", route: "GET /jobs/:id", path: job(succeeded)},
		{name: "job-poll", route: "GET /jobs/:id", path: job(running), headers: testenv.HTMX("section#job-detail"), fragment: true},
		{name: "job-bad-id", route: "GET /jobs/:id", path: "/jobs/abc"},
		{name: "job-unknown", route: "GET /jobs/:id", path: "/jobs/1"},
		{name: "task-results", route: "GET /jobs/:id/tasks/:taskID/results", path: job(succeeded) + "/tasks/" + task + "/results?limit=10"},
		{name: "task-results-bad-limit", route: "GET /jobs/:id/tasks/:taskID/results", path: job(succeeded) + "/tasks/" + task + "/results?limit=7"},
		{name: "task-failed-results", route: "GET /jobs/:id/tasks/:taskID/results", path: job(failed) + "/tasks/" + failed.Tasks[len(failed.Tasks)-1].ID + "/results"},
		{name: "cancel-confirm", route: "GET /jobs/:id/cancel", path: job(running) + "/cancel" + back},
		{name: "cancel-dialog", route: "GET /jobs/:id/cancel", path: job(running) + "/cancel", headers: testenv.HTMX("div#dialog-slot"), fragment: true},
		{name: "cancel-finished", route: "GET /jobs/:id/cancel", path: job(succeeded) + "/cancel"},
		{name: "run-form", route: "GET /workflows/:id/run", path: "/workflows/" + wf + "/run"},
		{name: "run-add-row", route: "POST /workflows/:id/run", method: http.MethodPost, path: "/workflows/" + wf + "/run",
			form: url.Values{"task": {""}, "param": {""}, "value": {""}, "action": {"add"}}},
		{name: "run-invalid", route: "POST /workflows/:id/run", method: http.MethodPost, path: "/workflows/" + wf + "/run",
			form: url.Values{"task": {"nothex", "f93dea90fc3a11ecac7e6da0662c195b"}, "param": {"", "x"}, "value": {"1", ""}}},
		{name: "views", route: "GET /views", path: "/views?saved=nightly-failures"},
		{name: "views-counts", route: "GET /jobs/summary", path: "/jobs/summary?status=failed", headers: testenv.HTMX("div#counts-1"), fragment: true},
		{name: "view-new", route: "GET /views/new", path: "/views/new?path=" + url.QueryEscape("/jobs?name=a&status=failed")},
		{name: "view-new-invalid", route: "POST /views", method: http.MethodPost, path: "/views",
			form: url.Values{"name": {""}, "slug": {"Bad_Slug"}, "description": {"x"}, "visibility": {"nobody"}, "path": {"/jobs/1"}}},
		{name: "view-new-invalid-fragment", route: "POST /views", method: http.MethodPost, path: "/views",
			form:    url.Values{"name": {"Nightly failures"}, "slug": {"nightly-failures"}, "visibility": {"private"}, "path": {"/jobs"}},
			headers: testenv.HTMX("div#view-form-region"), fragment: true},
		{name: "view-edit", route: "GET /views/:id/edit", path: "/views/1/edit?path=" + url.QueryEscape("/jobs?range=7d")},
		{name: "view-conflict", route: "POST /views/:id", method: http.MethodPost, path: "/views/1",
			form: url.Values{"name": {"Renamed"}, "slug": {"nightly-failures"}, "visibility": {"shared"}, "path": {"/jobs"}, "version": {"0"}}},
		{name: "view-delete", route: "GET /views/:id/delete", path: "/views/1/delete"},
		{name: "view-forbidden", route: "GET /views/:id/delete", path: "/views/2/delete"},
		{name: "view-pin", route: "POST /views/:id/pin", method: http.MethodPost, path: "/views/2/pin",
			form: url.Values{"pin": {"1"}, "next": {"/views"}}, headers: testenv.HTMX("form"), fragment: true},
		{name: "view-unknown", route: "GET /v/:slug", path: "/v/no-such-view"},
		{name: "not-found", route: "", path: "/no/such/page"},
		{name: "logout-page", route: "GET /logout", path: "/logout"},
	}
}

// signedOutPages need no session.
func signedOutPages() []request {
	return []request{
		{name: "login", route: "GET /login", path: "/login?next=%2Fjobs%3Fstatus%3Dfailed"},
		{name: "login-session-ended", route: "GET /login", path: "/login?next=%2Fjobs&reason=ended"},
		{name: "logout-signed-out", route: "GET /logout", path: "/logout"},
		{name: "login-failed", route: "POST /login", method: http.MethodPost, path: "/login",
			form: url.Values{"account": {"demo"}, "password": {"wrong"}, "next": {"/"}}},
		{name: "login-missing", route: "POST /login", method: http.MethodPost, path: "/login", form: url.Values{"next": {"/"}}},
		{name: "lang-invalid", route: "POST /lang", method: http.MethodPost, path: "/lang", form: url.Values{"lang": {"xx"}, "next": {"/"}}},
	}
}

// upstreamDownPages are fetched while the simulator answers every call
// with a 502: the problem panels with Retry.
func upstreamDownPages(wf string) []request {
	list := "/workflows/" + wf + "/jobs"
	return []request{
		{name: "down-list", route: "GET /workflows/:id/jobs", path: list + "?status=failed"},
		{name: "down-list-results", route: "GET /workflows/:id/jobs", path: list + "?status=failed", headers: testenv.HTMX("section#results"), fragment: true},
		{name: "down-summary", route: "GET /jobs/summary", path: "/jobs/summary", headers: testenv.HTMX("div#outcomes"), fragment: true},
		{name: "down-home", route: "GET /", path: "/"},
	}
}

// TestPagesAreValidHTML fetches every page and fragment in both languages,
// writes them to a temporary directory and checks them with one vnu run:
// zero errors allowed. Fragments are wrapped in a minimal document
// (WrapFragment). It also fails when a route of handlers/routes.go is
// neither fetched here nor listed in notHTML.
func TestPagesAreValidHTML(t *testing.T) {
	jar, err := FindJar()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("vnu.jar is required in CI: %v; install it with: %s", err, InstallHint)
		}
		t.Skipf("vnu.jar not found (%v); install it with: %s", err, InstallHint)
	}
	if _, err := exec.LookPath("java"); err != nil {
		t.Fatalf("java is needed to run vnu.jar: %v", err)
	}

	e := newEnv(t)
	dir := t.TempDir()
	var files []string
	covered := map[string]bool{}
	save := func(r request, lang string, status int, ctype, body string) {
		if status >= 300 && status < 400 {
			t.Errorf("%s (%s %s, %s): redirected (%d); list its final URL instead", r.name, r.method, r.path, lang, status)
			return
		}
		if ctype != "text/html" || strings.TrimSpace(body) == "" {
			t.Errorf("%s (%s %s, %s): got %d %q with %d bytes, want an HTML page", r.name, r.method, r.path, lang, status, ctype, len(body))
			return
		}
		if status >= 500 && !strings.HasPrefix(r.name, "down-") {
			t.Errorf("%s (%s, %s): status %d", r.name, r.path, lang, status)
		}
		if r.fragment {
			if strings.Contains(strings.ToLower(body), "<html") {
				t.Errorf("%s (%s): a fragment request got a whole page", r.name, lang)
			}
			body = WrapFragment(lang, body, "filters")
		}
		f := filepath.Join(dir, r.name+"."+lang+".html")
		if err := os.WriteFile(f, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
		covered[r.route] = true
	}

	for _, lang := range i18n.Supported() {
		anon := e.Browser(t, testenv.WithTimeout(15*time.Second))
		for _, r := range signedOutPages() {
			status, ct, body := fetch(t, anon, r, lang)
			save(r, lang, status, ct, body)
		}
		c := e.Browser(t, testenv.WithTimeout(15*time.Second))
		status, _, body := fetch(t, c, request{method: http.MethodPost, path: "/login",
			form: url.Values{"account": {"demo"}, "password": {"demo"}, "next": {"/"}}}, lang)
		if status != http.StatusSeeOther {
			t.Fatalf("sign in: status %d: %s", status, body)
		}
		for _, r := range pages(t, e) {
			status, ct, body := fetch(t, c, r, lang)
			save(r, lang, status, ct, body)
		}
		e.Sim.SetFault(explorersim.Fault{Kind: explorersim.FaultHTML502})
		for _, r := range upstreamDownPages(e.Sim.Workflows("demo")[0].ID) {
			status, ct, body := fetch(t, c, r, lang)
			save(r, lang, status, ct, body)
		}
		e.Sim.SetFault(explorersim.Fault{})
	}

	for _, route := range registeredRoutes(t) {
		if _, skip := notHTML[route]; !skip && !covered[route] {
			t.Errorf("route %s is not checked: add a request for it to htmlcheck's lists (or to notHTML if it never answers HTML)", route)
		}
	}

	// Canaries in the same run (one JVM start) prove the checker: a broken
	// document must yield errors with its line, an htmx attribute alone
	// must not.
	canary := filepath.Join(dir, "canary-broken.html")
	htmxOnly := filepath.Join(dir, "canary-htmx.html")
	if err := os.WriteFile(canary, []byte("<!DOCTYPE html>\n<html lang=\"en\"><head><title>x</title></head><body>\n<p><div>block in p</div></p>\n</body></html>\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(htmxOnly, []byte(WrapFragment("en", `<a href="/x" hx-get="/x" hx-target:inherited="#r">x</a>`)), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res, err := Check(ctx, jar, append(files, canary, htmxOnly))
	if err != nil {
		t.Fatal(err)
	}
	canaryErrors := 0
	for _, m := range res.Errors {
		if m.File == canary && m.Line >= 3 {
			canaryErrors++
			continue
		}
		t.Errorf("%s", m)
	}
	if canaryErrors == 0 || res.IgnoredHTMX < 2 {
		t.Errorf("the checker is broken: %d errors in the broken canary, %d htmx complaints ignored", canaryErrors, res.IgnoredHTMX)
	}
	t.Logf("vnu %s checked %d documents: %d errors (%d complaints about htmx attributes allowed)", VNUVersion, len(files), len(res.Errors)-canaryErrors, res.IgnoredHTMX)
}

// TestCIInstallsThisVersion keeps .ci/run's vnu-jar version and
// VNUVersion (the install hint) the same.
func TestCIInstallsThisVersion(t *testing.T) {
	ci, err := os.ReadFile("../../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ci), "VNU_VERSION="+VNUVersion+"\n") {
		t.Errorf(".ci/run does not install vnu-jar %s", VNUVersion)
	}
}
