package handlers

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"golang.org/x/net/html"

	"jobboard/apiclient"
	"jobboard/internal/explorersim"
	"jobboard/internal/store"
	"jobboard/internal/testenv"
)

// testEnv is the rig (internal/testenv) as handlers' tests use it: a
// simulator and a dashboard built by New on loopback, sharing one clock.
// The rig itself cannot build the dashboard here (testenv importing
// handlers would be an import cycle for these in-package tests), so
// newEnv does, and the methods below speak the rig's browser with the
// short names these tests use.
type testEnv struct {
	sim   *explorersim.Sim
	clock *explorersim.ManualClock
	simHS *httptest.Server
	app   *httptest.Server
	keys  [][]byte
	logs  *testenv.SyncBuffer
	zone  *time.Location
	store *store.Store // live sessions, shared by every dashboard of e
}

func randomKeys(t *testing.T) [][]byte { t.Helper(); return testenv.SessionKeys(t) }

// options are the Options every handlers test dashboard of e starts from,
// talking to Explorer through client.
func (e *testEnv) options(client Explorer) Options {
	return Options{
		Explorer:      client,
		Logger:        testenv.Logger(e.logs),
		NebulaAddress: testenv.NebulaAddress,
		SessionKeys:   e.keys,
		DefaultZone:   e.zone,
		Now:           e.clock.Now,
		Store:         e.store,
	}
}

// newEnv starts the simulator and the dashboard. timeout bounds each
// upstream call (0 → the client's default). Each option may adjust the
// dashboard's Options before New (the simulator is already in e.sim).
func newEnv(t *testing.T, timeout time.Duration, options ...func(e *testEnv, o *Options)) *testEnv {
	t.Helper()
	// The circuit breaker is proven in apiclient and tests/faults; here it
	// would turn a test's deliberate run of faults into fast failures.
	copts := []apiclient.Option{apiclient.WithoutBreaker()}
	if timeout > 0 {
		copts = append(copts, apiclient.WithTimeout(timeout))
	}
	env := testenv.New(t, testenv.Options{
		Sim:           explorersim.Options{Seed: 7},
		Zone:          testenv.LoadZone(t, "Asia/Shanghai"),
		ClientOptions: copts,
	})
	e := &testEnv{sim: env.Sim, clock: env.Clock, simHS: env.SimServer, keys: env.Keys, logs: env.Logs, zone: env.Zone,
		store: testenv.OpenStore(t, env.Clock.Now)}
	opts := e.options(env.Client)
	for _, o := range options {
		o(e, &opts)
	}
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	env.Serve(t, h)
	e.app = env.App
	return e
}

// browser is an HTTP client with its own cookie jar that does not follow
// redirects, so tests see each answer.
func (e *testEnv) browser(t *testing.T) *http.Client {
	t.Helper()
	return testenv.NewBrowser(t, e.app.URL).Client
}

// signedIn returns a browser signed in as account (password = account for
// the demo accounts).
func (e *testEnv) signedIn(t *testing.T, account string) *http.Client {
	t.Helper()
	b := testenv.NewBrowser(t, e.app.URL)
	b.SignIn(t, account, account)
	return b.Client
}

// answer is testenv.Answer under the names these tests use.
type answer struct {
	status int
	header http.Header
	body   string
}

func answerOf(a testenv.Answer) answer {
	return answer{status: a.Status, header: a.Header, body: a.Body}
}

// on is c as the rig's browser of e's dashboard.
func (e *testEnv) on(c *http.Client) *testenv.Browser {
	return &testenv.Browser{Client: c, Base: e.app.URL}
}

func (e *testEnv) do(t *testing.T, c *http.Client, req *http.Request) answer {
	t.Helper()
	return answerOf(e.on(c).Do(t, req))
}

// get fetches path; headers come in name, value pairs.
func (e *testEnv) get(t *testing.T, c *http.Client, path string, headers ...string) answer {
	t.Helper()
	return answerOf(e.on(c).Get(t, path, headers...))
}

func (e *testEnv) postForm(t *testing.T, c *http.Client, path string, form url.Values, headers ...string) answer {
	t.Helper()
	return answerOf(e.on(c).PostForm(t, path, form, headers...))
}

// workflow returns the first workflow of account.
func (e *testEnv) workflow(t *testing.T, account string) explorersim.WorkflowRecord {
	t.Helper()
	return testenv.FirstWorkflow(t, e.sim, account)
}

// jobsOf returns the simulator's jobs of one workflow, newest first.
func (e *testEnv) jobsOf(account, workflowID string) []explorersim.JobRecord {
	return testenv.JobsOf(e.sim, account, workflowID)
}

// --- parsed HTML (internal/testenv) ---

var (
	attr     = testenv.Attr
	hasClass = testenv.HasClass
	findAll  = testenv.FindAll
	byID     = testenv.ByID
	byTag    = testenv.ByTag
	byClass  = testenv.ByClass
	text     = testenv.Text
)

func parseHTML(t *testing.T, body string) *html.Node {
	t.Helper()
	return testenv.Parse(t, body)
}

// rowIDs returns the job IDs of the table rows, in order.
func rowIDs(t *testing.T, doc *html.Node) []string {
	t.Helper()
	return testenv.RowIDs(doc)
}

// inputValue returns the value attribute of the element with id.
func inputValue(t *testing.T, doc *html.Node, id string) string {
	t.Helper()
	return testenv.InputValue(t, doc, id)
}

// withOptions returns a copy of e whose dashboard is a second server on the
// same simulator, clock and session keys, built like newEnv's and then
// changed by edit (e.g. ReadOnly, or a wrapped Explorer).
func (e *testEnv) withOptions(t *testing.T, edit func(*Options)) *testEnv {
	t.Helper()
	opts := e.options(testenv.Client(t, e.simHS.URL))
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
