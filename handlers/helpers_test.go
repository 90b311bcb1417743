package handlers

import (
	"bytes"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"jobboard/apiclient"
	"jobboard/internal/explorersim"
	"jobboard/internal/htmltest"
)

// testEnv is a simulator and a dashboard on loopback, sharing one clock.
type testEnv struct {
	sim   *explorersim.Sim
	clock *explorersim.ManualClock
	simHS *httptest.Server
	app   *httptest.Server
	keys  [][]byte
	logs  *syncBuffer
	zone  *time.Location
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

func randomKeys(t *testing.T) [][]byte {
	t.Helper()
	hash, block := make([]byte, 32), make([]byte, 32)
	_, _ = rand.Read(hash)
	_, _ = rand.Read(block)
	return [][]byte{hash, block}
}

// newEnv starts the simulator and the dashboard. timeout bounds each
// upstream call (0 → the client's default). Each option may adjust the
// dashboard's Options before New (the simulator is already in e.sim).
func newEnv(t *testing.T, timeout time.Duration, options ...func(e *testEnv, o *Options)) *testEnv {
	t.Helper()
	zone, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	clock := explorersim.NewManualClock(time.Now().UTC().Truncate(time.Second))
	sim := explorersim.New(explorersim.Options{Clock: clock, Seed: 7})
	simHS := httptest.NewServer(sim)
	t.Cleanup(simHS.Close)
	// The circuit breaker is proven in apiclient and faulttest; here it
	// would turn a test's deliberate run of faults into fast failures.
	copts := []apiclient.Option{apiclient.WithoutBreaker()}
	if timeout > 0 {
		copts = append(copts, apiclient.WithTimeout(timeout))
	}
	client, err := apiclient.New(simHS.URL, copts...)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	keys := randomKeys(t)
	e := &testEnv{sim: sim, clock: clock, simHS: simHS, keys: keys, logs: logs, zone: zone}
	opts := Options{
		Explorer:      client,
		Logger:        slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		NebulaAddress: "graphd.internal",
		SessionKeys:   keys,
		DefaultZone:   zone,
		Now:           clock.Now,
	}
	for _, o := range options {
		o(e, &opts)
	}
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	e.app = httptest.NewServer(h)
	t.Cleanup(e.app.Close)
	return e
}

// browser is an HTTP client with its own cookie jar that does not follow
// redirects, so tests see each answer.
func (e *testEnv) browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// signedIn returns a browser signed in as account (password = account for
// the demo accounts).
func (e *testEnv) signedIn(t *testing.T, account string) *http.Client {
	t.Helper()
	c := e.browser(t)
	resp := e.postForm(t, c, "/login", url.Values{"account": {account}, "password": {account}, "next": {"/"}})
	if resp.status != http.StatusSeeOther {
		t.Fatalf("sign in as %s: status %d, body %s", account, resp.status, resp.body)
	}
	return c
}

type answer struct {
	status int
	header http.Header
	body   string
}

func (e *testEnv) do(t *testing.T, c *http.Client, req *http.Request) answer {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// get fetches path; headers come in name, value pairs.
func (e *testEnv) get(t *testing.T, c *http.Client, path string, headers ...string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.app.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.do(t, c, req)
}

func (e *testEnv) postForm(t *testing.T, c *http.Client, path string, form url.Values, headers ...string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.app.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return e.do(t, c, req)
}

// workflow returns the first workflow of account.
func (e *testEnv) workflow(t *testing.T, account string) explorersim.WorkflowRecord {
	t.Helper()
	wfs := e.sim.Workflows(account)
	if len(wfs) == 0 {
		t.Fatalf("simulator has no workflow for %s", account)
	}
	return wfs[0]
}

// jobsOf returns the simulator's jobs of one workflow, newest first.
func (e *testEnv) jobsOf(account, workflowID string) []explorersim.JobRecord {
	var out []explorersim.JobRecord
	for _, j := range e.sim.Jobs(account) {
		if j.WorkflowID == workflowID {
			out = append(out, j)
		}
	}
	return out
}

// --- parsed HTML (jobboard/internal/htmltest) ---

var (
	attr     = htmltest.Attr
	hasClass = htmltest.HasClass
	findAll  = htmltest.FindAll
	byID     = htmltest.ByID
	byTag    = htmltest.ByTag
	byClass  = htmltest.ByClass
	text     = htmltest.Text
)

func parseHTML(t *testing.T, body string) *html.Node {
	t.Helper()
	return htmltest.Parse(t, body)
}

// rowIDs returns the job IDs of the table rows, in order.
func rowIDs(t *testing.T, doc *html.Node) []string {
	t.Helper()
	var ids []string
	for _, tr := range findAll(doc, func(n *html.Node) bool { _, ok := attr(n, "data-job-id"); return ok && n.Data == "tr" }) {
		id, _ := attr(tr, "data-job-id")
		ids = append(ids, id)
	}
	return ids
}

// inputValue returns the value attribute of the element with id.
func inputValue(t *testing.T, doc *html.Node, id string) string {
	t.Helper()
	n := byID(doc, id)
	if n == nil {
		t.Fatalf("no element #%s", id)
	}
	v, _ := attr(n, "value")
	return v
}

// --- issue 4a (job pages) helpers ---

// withOptions returns a copy of e whose dashboard is a second server on the
// same simulator, clock and session keys, built like newEnv's and then
// changed by edit (e.g. ReadOnly, or a wrapped Explorer).
func (e *testEnv) withOptions(t *testing.T, edit func(*Options)) *testEnv {
	t.Helper()
	client, err := apiclient.New(e.simHS.URL)
	if err != nil {
		t.Fatal(err)
	}
	opts := Options{
		Explorer:      client,
		Logger:        slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		NebulaAddress: "graphd.internal",
		SessionKeys:   e.keys,
		DefaultZone:   e.zone,
		Now:           e.clock.Now,
	}
	edit(&opts)
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	app := httptest.NewServer(h)
	t.Cleanup(app.Close)
	cp := *e
	cp.app = app
	return &cp
}
