package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"jobboard/apiclient"
	"jobboard/handlers"
	"jobboard/internal/explorersim"
)

// The demo account every scenario signs in with.
const (
	account  = "demo"
	password = "demo"
)

// Zones: the dashboard's configured zone (used without JavaScript and when
// the URL has no tz) differs from the browser's, so a mix-up shows.
const (
	serverZoneName  = "Europe/Berlin"
	browserZoneName = "Asia/Shanghai"
)

// clockStart is the simulator's "now" at start: a fixed instant, so the
// seeded data, and any failure, are the same on every run.
var clockStart = time.Date(2026, time.November, 30, 6, 0, 0, 0, time.UTC)

// Bounds of the waits. Generous for -race on two cores; a passing run
// never waits for them.
const (
	actionTimeout = 20 * time.Second // one chromedp step (a navigation included)
	waitTimeout   = 15 * time.Second // a condition on what the page shows
	tabTimeout    = 3 * time.Minute  // everything a tab does in one test
)

// env is one scenario's world: an Explorer simulator on a manual clock and
// a dashboard talking to it, each on a loopback port of its own, and a tab
// in a fresh browser context.
type env struct {
	t          *testing.T
	clock      *explorersim.ManualClock
	sim        *explorersim.Sim
	simURL     string // the simulator's base URL, for truth the records do not hold (sample rows)
	app        *httptest.Server
	serverZone *time.Location
	logs       *syncBuffer
	tab        *tab
}

type envOptions struct {
	explorerTimeout time.Duration // the dashboard's bound on each Explorer call; 0 → the client's default
	noJS            bool          // the tab runs no page scripts
	pollInterval    time.Duration // the live refresh interval; 0 → the dashboard's default
}

// newEnv starts the simulator, the dashboard and a signed-out tab.
func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	requireBrowser(t)
	serverZone, err := time.LoadLocation(serverZoneName)
	if err != nil {
		t.Fatalf("load zone: %v", err)
	}
	clock := explorersim.NewManualClock(clockStart)
	sim := explorersim.New(explorersim.Options{Clock: clock, Seed: 5})
	simHS := httptest.NewServer(sim)
	t.Cleanup(simHS.Close)

	var copts []apiclient.Option
	if o.explorerTimeout > 0 {
		copts = append(copts, apiclient.WithTimeout(o.explorerTimeout))
	}
	client, err := apiclient.New(simHS.URL, copts...)
	if err != nil {
		t.Fatalf("apiclient: %v", err)
	}
	logs := &syncBuffer{}
	h, err := handlers.New(handlers.Options{
		Explorer:      client,
		Logger:        slog.New(slog.NewTextHandler(logs, nil)),
		NebulaAddress: "graphd.e2e.internal",
		SessionKeys:   sessionKeys(t),
		DefaultZone:   serverZone,
		Now:           clock.Now,
		PollInterval:  o.pollInterval,
	})
	if err != nil {
		t.Fatalf("handlers.New: %v", err)
	}
	app := httptest.NewServer(h)
	t.Cleanup(app.Close)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("dashboard log:\n%s", logs.String())
		}
	})
	e := &env{t: t, clock: clock, sim: sim, simURL: simHS.URL, app: app, serverZone: serverZone, logs: logs}
	e.tab = e.newTab(browserZoneName, o.noJS)
	return e
}

// newTab opens a tab in a new browser context (no cookies, no history, like
// an incognito window) whose clock reads zone. The tab closes when the test
// ends.
func (e *env) newTab(zone string, noJS bool) *tab {
	t := e.t
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // creates the target
		t.Fatalf("open tab: %v", err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone}); err != nil {
		t.Fatalf("set tab time zone: %v", err)
	}
	if noJS {
		if err := chromedp.Do(ctx, setScripts(false)); err != nil {
			t.Fatalf("disable scripts: %v", err)
		}
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: countFetches}); err != nil {
		t.Fatalf("install the request counter: %v", err)
	}
	tctx, tcancel := context.WithTimeout(ctx, tabTimeout)
	t.Cleanup(tcancel)
	return &tab{t: t, ctx: tctx, base: e.app.URL, zone: zone, noJS: noJS}
}

// countFetches runs before any script of each document the tab loads: it
// counts the requests in flight that htmx makes (with fetch), so that a
// test can wait until the page has settled — e.g. the outcome summary that
// loads after the list — before it changes the world under it, and all the
// requests the document made, so that a test can tell that polling stopped.
const countFetches = `(() => {
	const fetch = window.fetch;
	let pending = 0, sent = 0;
	Object.defineProperty(window, "__e2ePending", {get: () => pending});
	Object.defineProperty(window, "__e2eFetches", {get: () => sent});
	window.fetch = function (...args) {
		pending++;
		sent++;
		return fetch.apply(this, args).finally(() => { pending--; });
	};
})();`

// setScripts lets the page run scripts (true) or not (false), like the
// browser's JavaScript setting.
func setScripts(on bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
		return err
	})
}

// sessionKeys returns a fresh hash and block key pair.
func sessionKeys(t *testing.T) [][]byte {
	t.Helper()
	hash, block := make([]byte, 32), make([]byte, 32)
	if _, err := rand.Read(hash); err != nil {
		t.Fatal(err)
	}
	if _, err := rand.Read(block); err != nil {
		t.Fatal(err)
	}
	return [][]byte{hash, block}
}

// syncBuffer collects the dashboard's log lines from its request goroutines.
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

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // a Go string always marshals
	}
	return string(b)
}

// clip shortens long page text in failure messages.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
