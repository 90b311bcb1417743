package faults

import (
	"bytes"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"jobboard/apiclient"
	"jobboard/handlers"
	"jobboard/internal/explorersim"
	"jobboard/internal/htmltest"
	"jobboard/internal/i18n"
)

// callTimeout is the deadline of every upstream call in these tests.
const callTimeout = 500 * time.Millisecond

// account signs in to the simulator (DemoAccounts: demo/demo).
const account = "demo"

// env is a simulator behind the fake upstream, a real apiclient.Client and
// the dashboard on loopback.
type env struct {
	sim    *explorersim.Sim
	up     *upstream
	client *apiclient.Client
	app    *httptest.Server
	logs   *syncBuffer
	tr     *http.Transport // shared by the test's browsers

	workflow explorersim.WorkflowRecord
	jobs     map[string]bool // IDs of the workflow's jobs (truth)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newEnv starts everything; breaker configures the client's breaker.
func newEnv(t *testing.T, breaker apiclient.BreakerConfig) *env {
	t.Helper()
	sim := explorersim.New(explorersim.Options{Seed: 11, JobsPerAccount: 200})
	e := &env{sim: sim, up: newUpstream(t, sim), logs: &syncBuffer{}}
	client, err := apiclient.New(e.up.URL(), apiclient.WithTimeout(callTimeout), apiclient.WithBreaker(breaker))
	if err != nil {
		t.Fatal(err)
	}
	e.client = client
	t.Cleanup(client.Close)
	hash, block := make([]byte, 32), make([]byte, 32)
	_, _ = rand.Read(hash)
	_, _ = rand.Read(block)
	h, err := handlers.New(handlers.Options{
		Explorer:      client,
		Logger:        slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		NebulaAddress: "graphd.internal",
		SessionKeys:   [][]byte{hash, block},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.app = httptest.NewServer(h)
	t.Cleanup(e.app.Close)
	e.tr = &http.Transport{MaxIdleConnsPerHost: 8}
	t.Cleanup(e.tr.CloseIdleConnections)

	wfs := sim.Workflows(account)
	if len(wfs) == 0 {
		t.Fatal("the simulator has no workflow for " + account)
	}
	e.workflow = wfs[0]
	e.jobs = map[string]bool{}
	for _, j := range sim.Jobs(account) {
		if j.WorkflowID == e.workflow.ID {
			e.jobs[itoa(j.ID)] = true
		}
	}
	if len(e.jobs) == 0 {
		t.Fatalf("workflow %s has no jobs", e.workflow.ID)
	}
	return e
}

// browser is a client with its own cookie jar that does not follow
// redirects, so that every answer is seen.
type browser struct {
	e   *env
	hc  *http.Client
	jar *cookiejar.Jar
}

func (e *env) browser(t *testing.T) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{e: e, jar: jar, hc: &http.Client{
		Transport:     e.tr,
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// signedIn returns a browser signed in as account.
func (e *env) signedIn(t *testing.T) *browser {
	t.Helper()
	b := e.browser(t)
	a := b.post(t, "/login", url.Values{"account": {account}, "password": {account}, "next": {"/"}})
	if a.status != http.StatusSeeOther {
		t.Fatalf("sign in: status %d, body %.300s", a.status, a.body)
	}
	if len(b.cookies()) == 0 {
		t.Fatal("sign in set no cookie")
	}
	return b
}

// cookies returns the browser's cookies for the dashboard.
func (b *browser) cookies() []*http.Cookie {
	u, _ := url.Parse(b.e.app.URL)
	return b.jar.Cookies(u)
}

// answer is a response as the browser saw it.
type answer struct {
	status  int
	header  http.Header
	body    string
	elapsed time.Duration // request sent → last body byte
}

// htmxFragment are the headers of an htmx partial request (the filter form
// swapping #results).
func htmxFragment() []string {
	return []string{"HX-Request", "true", "HX-Request-Type", "partial", "HX-Target", "section#results"}
}

func (b *browser) do(t *testing.T, req *http.Request) answer {
	t.Helper()
	start := time.Now()
	resp, err := b.hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(body), elapsed: time.Since(start)}
}

// get fetches path; headers come in name, value pairs.
func (b *browser) get(t *testing.T, path string, headers ...string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.e.app.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return b.do(t, req)
}

// post sends a same-origin form, as a browser would.
func (b *browser) post(t *testing.T, path string, form url.Values) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.e.app.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.e.app.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(t, req)
}

// getWithCookies fetches path with exactly these cookies and no jar (a
// copied cookie replayed).
func (e *env) getWithCookies(t *testing.T, path string, cookies []*http.Cookie) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.app.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cookies {
		req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
	}
	b := &browser{e: e, hc: &http.Client{
		Transport:     e.tr,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	return b.do(t, req)
}

// listURL is the canonical URL of the workflow's jobs filtered by name (a
// non-canonical full-page URL would be redirected before any upstream
// call).
func (e *env) listURL(t *testing.T, b *browser, name string) string {
	t.Helper()
	raw := "/workflows/" + e.workflow.ID + "/jobs?" + url.Values{"name": {name}}.Encode()
	a := b.get(t, raw)
	switch a.status {
	case http.StatusOK:
		return raw
	case http.StatusFound:
		loc := a.header.Get("Location")
		if a2 := b.get(t, loc); a2.status != http.StatusOK {
			t.Fatalf("GET %s (canonical of %s): status %d", loc, raw, a2.status)
		}
		return loc
	}
	t.Fatalf("GET %s: status %d, body %.300s", raw, a.status, a.body)
	return ""
}

// --- parsed HTML (jobboard/internal/htmltest) ---

var (
	attr    = htmltest.Attr
	findAll = htmltest.FindAll
	byID    = htmltest.ByID
	byClass = htmltest.ByClass
	text    = htmltest.Text
)

func parseHTML(t *testing.T, body string) *html.Node {
	t.Helper()
	return htmltest.Parse(t, body)
}

// rowIDs returns the job IDs of the table rows.
func rowIDs(doc *html.Node) []string {
	var ids []string
	for _, tr := range findAll(doc, func(n *html.Node) bool { _, ok := attr(n, "data-job-id"); return ok && n.Data == "tr" }) {
		id, _ := attr(tr, "data-job-id")
		ids = append(ids, id)
	}
	return ids
}

// msg is the English text of a message key, as the pages show it.
func msg(key string, args ...any) string { return i18n.For(i18n.DefaultLang).T(key, args...) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
