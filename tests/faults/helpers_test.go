package faults

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"jobboard/apiclient"
	"jobboard/internal/explorersim"
	"jobboard/internal/i18n"
	"jobboard/internal/testenv"
	"jobboard/internal/testenv/dashboard"
)

// callTimeout is the deadline of every upstream call in these tests.
const callTimeout = 500 * time.Millisecond

// account signs in to the simulator (DemoAccounts: demo/demo).
const account = "demo"

// env is the rig (internal/testenv): the simulator behind the fake
// upstream, a real apiclient.Client and the dashboard on loopback.
type env struct {
	*testenv.Env
	up *upstream
	tr *http.Transport // shared by the test's browsers

	workflow explorersim.WorkflowRecord
	jobs     map[string]bool // IDs of the workflow's jobs (truth)
}

// newEnv starts everything; breaker configures the client's breaker.
func newEnv(t *testing.T, breaker apiclient.BreakerConfig) *env {
	t.Helper()
	e := &env{}
	e.Env = dashboard.New(t, testenv.Options{
		Sim:           explorersim.Options{Seed: 11, JobsPerAccount: 200},
		RealClock:     true,
		ClientOptions: []apiclient.Option{apiclient.WithTimeout(callTimeout), apiclient.WithBreaker(breaker)},
		Front: func(tb testing.TB, sim *explorersim.Sim, _ string) string {
			e.up = newUpstream(t, sim)
			return e.up.URL()
		},
	}, nil)
	e.tr = &http.Transport{MaxIdleConnsPerHost: 8}
	t.Cleanup(e.tr.CloseIdleConnections)

	e.workflow = e.Workflow(t, account)
	e.jobs = map[string]bool{}
	for _, j := range testenv.JobsOf(e.Sim, account, e.workflow.ID) {
		e.jobs[itoa(j.ID)] = true
	}
	if len(e.jobs) == 0 {
		t.Fatalf("workflow %s has no jobs", e.workflow.ID)
	}
	return e
}

// signedIn returns a browser signed in as account.
func (e *env) signedIn(t *testing.T) *testenv.Browser {
	t.Helper()
	return e.SignedIn(t, account, testenv.WithTransport(e.tr))
}

// post sends a same-origin form, as a browser would.
func (e *env) post(t *testing.T, b *testenv.Browser, path string, form url.Values) testenv.Answer {
	t.Helper()
	return b.PostForm(t, path, form, testenv.SameOrigin(e.App.URL)...)
}

// getWithCookies fetches path with exactly these cookies and no jar (a
// copied cookie replayed).
func (e *env) getWithCookies(t *testing.T, path string, cookies []*http.Cookie) testenv.Answer {
	t.Helper()
	b := e.Browser(t, testenv.WithTransport(e.tr), testenv.WithoutJar())
	req := b.Request(t, http.MethodGet, path, nil)
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	return b.Do(t, req)
}

// listURL is the canonical URL of the workflow's jobs filtered by name (a
// non-canonical full-page URL would be redirected before any upstream
// call).
func (e *env) listURL(t *testing.T, b *testenv.Browser, name string) string {
	t.Helper()
	raw := "/workflows/" + e.workflow.ID + "/jobs?" + url.Values{"name": {name}}.Encode()
	a := b.Get(t, raw)
	switch a.Status {
	case http.StatusOK:
		return raw
	case http.StatusFound:
		loc := a.Header.Get("Location")
		if a2 := b.Get(t, loc); a2.Status != http.StatusOK {
			t.Fatalf("GET %s (canonical of %s): status %d", loc, raw, a2.Status)
		}
		return loc
	}
	t.Fatalf("GET %s: status %d, body %.300s", raw, a.Status, a.Body)
	return ""
}

// msg is the English text of a message key, as the pages show it.
func msg(key string, args ...any) string { return i18n.For(i18n.DefaultLang).T(key, args...) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
