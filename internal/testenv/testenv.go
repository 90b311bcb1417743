// Package testenv is the one test rig of the repository: the Explorer
// simulator served over real HTTP on loopback, an apiclient.Client talking
// to it, a place to serve the dashboard, browser-like HTTP clients (cookie
// jar, sign-in, htmx requests, no redirect following), a log buffer safe for
// concurrent writers, and helpers that read HTML as parsed structure.
//
// It does not import handlers, so that handlers' own in-package tests can
// use it; internal/testenv/dashboard adds the dashboard built by
// handlers.New for every other test package. It imports internal/telemetry
// (its client is wired as the binary's), so the in-package tests of
// telemetry and of the packages telemetry imports (apiclient, middleware)
// cannot use it.
package testenv

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"jobboard/apiclient"
	"jobboard/internal/explorersim"
	"jobboard/internal/store"
	"jobboard/internal/telemetry"
)

// NebulaAddress and NebulaPort are the graph database address the rig's
// dashboards and direct connects name (the simulator accepts any).
const (
	NebulaAddress = "graphd.internal"
	NebulaPort    = 9669
)

// Options says how to build an Env; the zero value is a simulator with the
// demo accounts on a manual clock reading the current second.
type Options struct {
	// Sim configures the simulator. When Sim.Clock is nil the rig gives it
	// a manual clock (Env.Clock) starting at Start, unless RealClock is set.
	Sim explorersim.Options
	// Start is the manual clock's first reading; zero means now, truncated
	// to the second.
	Start time.Time
	// RealClock leaves the simulator (and the dashboard) on the wall clock;
	// Env.Clock is then nil.
	RealClock bool
	// Zone is the dashboard's default time zone (Env.Zone); nil leaves the
	// dashboard's own default.
	Zone *time.Location
	// ClientOptions configure the apiclient.Client (Env.Client).
	ClientOptions []apiclient.Option
	// Front, when set, puts something between the client and the simulator
	// (a fault-injecting proxy, a canned upstream): it gets the simulator
	// and its loopback URL and returns the base URL the client should use.
	Front func(tb testing.TB, sim *explorersim.Sim, simURL string) string
	// DiscardLogs makes Logger format records at info level, as
	// production does, and drop them, instead of keeping debug records in
	// Logs (a load test's or benchmark's lines are of no use and would
	// cost a lock each).
	DiscardLogs bool
}

// Env is one test's world: the simulator on loopback, a client for it, the
// session keys and logger a dashboard needs, and (after Serve) the
// dashboard's loopback server.
type Env struct {
	Sim   *explorersim.Sim
	Clock *explorersim.ManualClock // nil with Options.RealClock
	// SimServer serves the simulator; SimServer.URL is its own base URL.
	SimServer *httptest.Server
	Client    *apiclient.Client // talks to SimServer, or to Options.Front's URL; observed like the binary's (Client)
	Keys      [][]byte          // a fresh session hash and block key
	Logs      *SyncBuffer       // what Logger wrote
	Logger    *slog.Logger      // debug level, into Logs
	Zone      *time.Location    // Options.Zone
	App       *httptest.Server  // the dashboard, once Serve ran

	storeOnce sync.Once
	store     *store.Store
}

// Store returns e's store (live sessions, saved views): a SQLite file of
// its own in a temp dir on e's clock, opened at the first call, so every
// dashboard of e shares its sessions as replicas do.
func (e *Env) Store(tb testing.TB) *store.Store {
	tb.Helper()
	e.storeOnce.Do(func() { e.store = OpenStore(tb, e.Now()) })
	return e.store
}

// New starts the simulator and its client; they stop when the test ends.
func New(tb testing.TB, o Options) *Env {
	tb.Helper()
	e := &Env{Keys: SessionKeys(tb), Logs: &SyncBuffer{}, Zone: o.Zone}
	simOpts := o.Sim
	if simOpts.Clock == nil && !o.RealClock {
		start := o.Start
		if start.IsZero() {
			start = time.Now().UTC().Truncate(time.Second)
		}
		e.Clock = explorersim.NewManualClock(start)
		simOpts.Clock = e.Clock
	} else if mc, ok := simOpts.Clock.(*explorersim.ManualClock); ok {
		e.Clock = mc
	}
	e.Sim = explorersim.New(simOpts)
	simHS := httptest.NewServer(e.Sim)
	tb.Cleanup(simHS.Close)
	e.SimServer = simHS
	base := simHS.URL
	if o.Front != nil {
		base = o.Front(tb, e.Sim, simHS.URL)
	}
	e.Client = Client(tb, base, o.ClientOptions...)
	if o.DiscardLogs {
		e.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	} else {
		e.Logger = Logger(e.Logs)
	}
	return e
}

// Client is a client of the Explorer at base, wired as the binary wires
// its own (telemetry.NewExplorerClient: the request log counts its calls);
// it is closed when the test ends.
func Client(tb testing.TB, base string, opts ...apiclient.Option) *apiclient.Client {
	tb.Helper()
	client, err := telemetry.NewExplorerClient(base, nil, opts...)
	if err != nil {
		tb.Fatalf("apiclient for %s: %v", base, err)
	}
	tb.Cleanup(client.Close)
	return client
}

// Logger is the dashboard logger tests read: text records at debug level
// into w.
func Logger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Now is the clock the dashboard should read: the manual clock's, or nil
// (the wall clock) with Options.RealClock.
func (e *Env) Now() func() time.Time {
	if e.Clock == nil {
		return nil
	}
	return e.Clock.Now
}

// Serve starts h, the dashboard, on loopback as e.App; it stops when the
// test ends, and a failed test prints the dashboard's log.
func (e *Env) Serve(tb testing.TB, h http.Handler) {
	tb.Helper()
	e.App = httptest.NewServer(h)
	tb.Cleanup(e.App.Close)
	tb.Cleanup(func() {
		if tb.Failed() && e.Logs.Len() > 0 {
			tb.Logf("dashboard log:\n%s", e.Logs.String())
		}
	})
}

// Browser returns a browser for the dashboard (e.App) with its own cookie
// jar.
func (e *Env) Browser(tb testing.TB, opts ...BrowserOption) *Browser {
	tb.Helper()
	return NewBrowser(tb, e.App.URL, opts...)
}

// SignedIn returns a browser signed in as account, whose password is its
// name (the simulator's demo accounts).
func (e *Env) SignedIn(tb testing.TB, account string, opts ...BrowserOption) *Browser {
	tb.Helper()
	b := e.Browser(tb, opts...)
	b.SignIn(tb, account, account)
	return b
}

// Workflow returns the first workflow of account, failing the test when
// there is none.
func (e *Env) Workflow(tb testing.TB, account string) explorersim.WorkflowRecord {
	tb.Helper()
	return FirstWorkflow(tb, e.Sim, account)
}

// FirstWorkflow returns the first workflow of account in sim, failing the
// test when there is none.
func FirstWorkflow(tb testing.TB, sim *explorersim.Sim, account string) explorersim.WorkflowRecord {
	tb.Helper()
	wfs := sim.Workflows(account)
	if len(wfs) == 0 {
		tb.Fatalf("simulator has no workflow for %s", account)
	}
	return wfs[0]
}

// JobsOf returns sim's jobs of one workflow of account, newest first.
func JobsOf(sim *explorersim.Sim, account, workflowID string) []explorersim.JobRecord {
	var out []explorersim.JobRecord
	for _, j := range sim.Jobs(account) {
		if j.WorkflowID == workflowID {
			out = append(out, j)
		}
	}
	return out
}

// ExplorerToken connects to the simulator directly as account (password =
// name) and returns the raw token, for tests that speak to Explorer
// themselves or sign in with a token.
func ExplorerToken(tb testing.TB, simURL, account string) string {
	tb.Helper()
	client, err := apiclient.New(simURL)
	if err != nil {
		tb.Fatal(err)
	}
	defer client.Close()
	creds, err := client.Connect(context.Background(), account, account, NebulaAddress, NebulaPort)
	if err != nil {
		tb.Fatalf("connect as %s: %v", account, err)
	}
	return creds.Token.Reveal()
}

// SessionKeys returns a fresh session hash and block key pair.
func SessionKeys(tb testing.TB) [][]byte {
	tb.Helper()
	hash, block := make([]byte, 32), make([]byte, 32)
	if _, err := rand.Read(hash); err != nil {
		tb.Fatal(err)
	}
	if _, err := rand.Read(block); err != nil {
		tb.Fatal(err)
	}
	return [][]byte{hash, block}
}

// LoadZone loads a time zone by name, failing the test when it cannot.
func LoadZone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	z, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatalf("load zone %s: %v", name, err)
	}
	return z
}

// SyncBuffer is a bytes.Buffer that a logger on server goroutines and the
// test can share.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Len returns the number of bytes written so far.
func (s *SyncBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}
