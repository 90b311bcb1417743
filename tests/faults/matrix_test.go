package faults

import (
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"jobboard/apiclient"
	"jobboard/internal/testenv"
)

// noBreaker is a breaker threshold no test reaches, so that only the
// breaker's own test sees it open.
func noBreaker() apiclient.BreakerConfig { return apiclient.BreakerConfig{Failures: 1_000_000} }

// hugeSize is the size of the huge bodies: far over the client's cap.
const hugeSize = 20 << 20

// table collects the fault matrix for the log: fault → status → time.
type table struct {
	mu   sync.Mutex
	rows []string
}

func (tb *table) add(fault, variant string, status int, elapsed time.Duration, note string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.rows = append(tb.rows, fmt.Sprintf("| %s | %s | %d | %s | %s |", fault, variant, status, elapsed.Round(time.Millisecond), note))
}

func (tb *table) log(t *testing.T, title string) {
	t.Helper()
	tb.mu.Lock()
	defer tb.mu.Unlock()
	t.Logf("%s\n| fault | request | status | time to answer | note |\n|---|---|---|---|---|\n%s", title, strings.Join(tb.rows, "\n"))
}

// variant is one way of asking for the jobs list.
type variant struct {
	name     string
	headers  []string
	fullPage bool
}

// listVariants are the full page and the htmx fragment (the filter form
// swapping #results).
func listVariants() []variant {
	return []variant{
		{name: "full page", fullPage: true},
		{name: "htmx fragment", headers: testenv.HTMX("section#results")},
	}
}

// measured runs fn and returns how many bytes the process allocated
// meanwhile (runtime.MemStats.TotalAlloc) and the live heap growth.
func measured(fn func()) (total, heap int64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return int64(after.TotalAlloc - before.TotalAlloc), int64(after.HeapAlloc) - int64(before.HeapAlloc)
}

// TestFaultMatrix switches the upstream into each fault in turn and checks
// the jobs list, as a full page and as an htmx fragment: the status, the
// time to answer, a plain panel with Retry and the filter kept, nothing of
// the upstream's answer shown, and a normal page again once the upstream
// behaves.
func TestFaultMatrix(t *testing.T) {
	e := newEnv(t, noBreaker())
	other := newOtherHost(t)
	b := e.signedIn(t)
	name := e.workflow.Name
	list := e.listURL(t, b, name)
	tb := &table{}
	defer tb.log(t, "fault matrix (jobs list "+list+", upstream deadline "+callTimeout.String()+")")

	type matrixCase struct {
		fault      string
		install    func() (restore func(*testing.T))
		status     int
		key        string        // the panel's message
		within     time.Duration // 0: no bound beyond the client's timeout
		maxAlloc   int64         // 0: not measured against a bound
		afterCheck func(t *testing.T)
	}
	setFault := func(f *fault) func() func(*testing.T) {
		return func() func(*testing.T) { e.up.set(f); return func(*testing.T) { e.up.set(nil) } }
	}
	cases := []matrixCase{
		{fault: "hang past deadline", install: setFault(&fault{match: isList, serve: hang(e.up)}),
			// The hang lasts until the dashboard gives up; the bound proves
			// the per-call deadline cut it, with room for a loaded machine
			// running the race detector (seen: 615 ms for a 500 ms deadline).
			status: http.StatusGatewayTimeout, key: "problem.timeout", within: 4 * callTimeout},
		{fault: "connection refused (upstream stopped)", install: func() func(*testing.T) {
			e.up.stop()
			return e.up.restart
		}, status: http.StatusBadGateway, key: "problem.unavailable"},
		{fault: "connection reset (RST)", install: setFault(&fault{match: isList, serve: reset}),
			status: http.StatusBadGateway, key: "problem.unavailable"},
		{fault: "malformed JSON", install: setFault(&fault{match: isList, serve: malformedJSON}),
			status: http.StatusBadGateway, key: "problem.unavailable"},
		{fault: "truncated JSON", install: setFault(&fault{match: isList, serve: e.up.truncatedJSON}),
			status: http.StatusBadGateway, key: "problem.unavailable"},
		{fault: "truncated JSON (connection cut mid-body)", install: setFault(&fault{match: isList, serve: e.up.cutConnection}),
			status: http.StatusBadGateway, key: "problem.unavailable"},
		{fault: "500 with HTML body holding a secret", install: setFault(&fault{match: isList, serve: html500}),
			status: http.StatusBadGateway, key: "problem.unavailable"},
		{fault: "302 to another host", install: setFault(&fault{match: isList, serve: redirectTo(other.srv.URL)}),
			status: http.StatusBadGateway, key: "problem.unavailable",
			afterCheck: func(t *testing.T) {
				if n := other.requests.Load(); n != 0 {
					t.Errorf("the redirect was followed: the other host got %d requests (and the token)", n)
				}
			}},
		{fault: "huge body, 20 MB announced", install: setFault(&fault{match: isList, serve: hugeBody(hugeSize, true)}),
			status: http.StatusBadGateway, key: "problem.unavailable", maxAlloc: hugeSize / 2},
		{fault: "huge body, 20 MB streamed", install: setFault(&fault{match: isList, serve: hugeBody(hugeSize, false)}),
			status: http.StatusBadGateway, key: "problem.unavailable", maxAlloc: hugeSize / 2},
		{fault: "gzip bomb (1 MiB → 1 GiB)", install: setFault(&fault{match: isList, serve: e.up.gzipBomb}),
			status: http.StatusBadGateway, key: "problem.unavailable", maxAlloc: hugeSize / 2,
			afterCheck: func(t *testing.T) {
				if !e.up.gzipAccepted.Load() {
					t.Log("note: the client did not ask for gzip, so the bomb was not inflated")
				}
			}},
	}
	for _, tc := range cases {
		for _, v := range listVariants() {
			t.Run(tc.fault+"/"+v.name, func(t *testing.T) {
				restore := tc.install()
				var a testenv.Answer
				total, heap := measured(func() { a = b.Get(t, list, v.headers...) })
				restore(t)

				note := fmt.Sprintf("allocated %.1f MB", float64(total)/(1<<20))
				tb.add(tc.fault, v.name, a.Status, a.Elapsed, note)
				t.Logf("%s: status %d in %s, allocated %d B, heap %+d B", v.name, a.Status, a.Elapsed, total, heap)

				checkProblemAnswer(t, e, a, tc.status, tc.key, list, true)
				if tc.within > 0 && a.Elapsed > tc.within {
					t.Errorf("answered in %s, want within %s", a.Elapsed, tc.within)
				}
				if tc.maxAlloc > 0 && total > tc.maxAlloc {
					t.Errorf("the request allocated %d bytes, want under %d (the body is %d bytes or more)", total, tc.maxAlloc, hugeSize)
				}
				if v.fullPage {
					checkFilterKept(t, a, name)
				}
				if tc.afterCheck != nil {
					tc.afterCheck(t)
				}
				checkRecovered(t, e, b, list)
			})
		}
	}
	if !strings.Contains(e.Logs.String(), "request failed") {
		t.Error("no failure was logged")
	}
	if strings.Contains(e.Logs.String(), secret) {
		t.Error("the upstream's error body reached the log")
	}
}

// checkProblemAnswer asserts a plain error panel: status, HTML, the
// message of key, a Retry of retryURL when retry (none otherwise), and
// nothing of the upstream's answer or address.
func checkProblemAnswer(t *testing.T, e *env, a testenv.Answer, status int, key, retryURL string, retry bool) {
	t.Helper()
	if a.Status != status {
		t.Errorf("status %d, want %d; body %.400s", a.Status, status, a.Body)
	}
	if ct := a.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type %q, want text/html", ct)
	}
	for _, leak := range []string{secret, e.up.addr, "apiclient", "explorer_token", "deadline exceeded", "Workflow.java", "goroutine "} {
		if strings.Contains(a.Body, leak) {
			t.Errorf("the answer shows %q", leak)
		}
		for k, vs := range a.Header {
			if strings.Contains(strings.Join(vs, " "), leak) {
				t.Errorf("header %s shows %q", k, leak)
			}
		}
	}
	doc := testenv.Parse(t, a.Body)
	panels := testenv.ByClass(doc, "problem")
	if len(panels) != 1 {
		t.Fatalf("want one .problem panel, found %d in %.400s", len(panels), a.Body)
	}
	if got, want := testenv.Text(testenv.ByClass(panels[0], "problem-message")[0]), msg(key); got != want {
		t.Errorf("panel says %q, want %q", got, want)
	}
	var retries []*html.Node
	for _, l := range testenv.FindAll(panels[0], func(n *html.Node) bool { return n.Data == "a" }) {
		if testenv.Text(l) == msg("problem.retry") {
			retries = append(retries, l)
		}
	}
	switch {
	case !retry && len(retries) > 0:
		t.Errorf("a Retry is offered for a request that must not be repeated")
	case retry && len(retries) != 1:
		t.Errorf("want one Retry control, found %d", len(retries))
	case retry:
		href, _ := testenv.Attr(retries[0], "href")
		hx, _ := testenv.Attr(retries[0], "hx-get")
		if href != retryURL || hx != retryURL {
			t.Errorf("Retry goes to href=%q hx-get=%q, want %q", href, hx, retryURL)
		}
	}
	if rows := testenv.RowIDs(doc); len(rows) != 0 {
		t.Errorf("an error answer lists %d jobs", len(rows))
	}
}

// checkFilterKept asserts the filter form still holds the name filter.
func checkFilterKept(t *testing.T, a testenv.Answer, name string) {
	t.Helper()
	in := testenv.ByID(testenv.Parse(t, a.Body), "f-name")
	if in == nil {
		t.Errorf("the error page has no name filter (#f-name)")
		return
	}
	if v, _ := testenv.Attr(in, "value"); v != name {
		t.Errorf("name filter holds %q on the error page, want %q", v, name)
	}
}

// checkRecovered asserts that, the upstream behaving again, the list
// answers 200 with the workflow's jobs.
func checkRecovered(t *testing.T, e *env, b *testenv.Browser, list string) {
	t.Helper()
	a := b.Get(t, list)
	if a.Status != http.StatusOK {
		t.Fatalf("after the fault: status %d, want 200; body %.400s", a.Status, a.Body)
	}
	ids := testenv.RowIDs(testenv.Parse(t, a.Body))
	if len(ids) == 0 {
		t.Fatalf("after the fault: no rows")
	}
	for _, id := range ids {
		if !e.jobs[id] {
			t.Errorf("after the fault: row %s is not a job of workflow %s", id, e.workflow.ID)
		}
	}
}

// TestFaultSessionRefused: Explorer refusing the token (expired session
// 40104001, unauthorized 40104000) sends the reader to sign in with the
// way back, and revokes the dashboard session: the copied cookie stays
// refused after Explorer recovers.
func TestFaultSessionRefused(t *testing.T) {
	e := newEnv(t, noBreaker())
	tb := &table{}
	defer tb.log(t, "token refused by Explorer")
	for _, code := range []struct {
		name string
		code int
	}{{"ErrSession 40104001", apiclient.CodeSession}, {"ErrUnauthorized 40104000", apiclient.CodeUnauthorized}} {
		for _, v := range listVariants() {
			t.Run(code.name+"/"+v.name, func(t *testing.T) {
				b := e.signedIn(t)
				list := e.listURL(t, b, e.workflow.Name)
				copied := b.Cookies()

				e.up.set(&fault{match: isList, serve: envelope(code.code, "session expired")})
				a := b.Get(t, list, v.headers...)
				e.up.set(nil)
				tb.add(code.name, v.name, a.Status, a.Elapsed, "")

				// The sign-in page says why it is shown: the session ended.
				want := "/login?next=" + url.QueryEscape(list) + "&reason=ended"
				if v.fullPage {
					if a.Status != http.StatusSeeOther || a.Header.Get("Location") != want {
						t.Errorf("got %d Location %q, want 303 to %q", a.Status, a.Header.Get("Location"), want)
					}
				} else {
					if a.Header.Get("HX-Redirect") != want || (a.Status != http.StatusOK && a.Status != http.StatusNoContent) {
						t.Errorf("got %d HX-Redirect %q, want 200/204 with HX-Redirect %q", a.Status, a.Header.Get("HX-Redirect"), want)
					}
				}

				// Explorer works again, but the session it refused is gone.
				r := e.getWithCookies(t, list, copied)
				if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
					t.Errorf("the copied cookie still works after the token was refused: status %d, Location %q", r.Status, r.Header.Get("Location"))
				}
				r = b.Get(t, list)
				if r.Status != http.StatusSeeOther {
					t.Errorf("the browser is still signed in: status %d", r.Status)
				}
				// Signing in again gives a working session.
				b2 := e.signedIn(t)
				checkRecovered(t, e, b2, list)
			})
		}
	}
}
