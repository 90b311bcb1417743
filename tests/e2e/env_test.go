package e2e

import (
	"cmp"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"jobboard/apiclient"
	"jobboard/handlers"
	"jobboard/internal/explorersim"
	"jobboard/internal/store"
	"jobboard/internal/testenv"
	"jobboard/internal/testenv/dashboard"
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
	logs       *testenv.SyncBuffer
	tab        *tab
}

type envOptions struct {
	explorerTimeout time.Duration // the dashboard's bound on each Explorer call; 0 → the client's default
	noJS            bool          // the tab runs no page scripts
	pollInterval    time.Duration // the live refresh interval; 0 → the dashboard's default
	serverZone      string        // the dashboard's configured zone; "" → serverZoneName
	browserZone     string        // the tab's zone; "" → browserZoneName
	views           bool          // the dashboard keeps saved views in a SQLite file of the test's own
}

// newEnv starts the simulator, the dashboard and a signed-out tab.
func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	requireBrowser(t)
	var copts []apiclient.Option
	if o.explorerTimeout > 0 {
		copts = append(copts, apiclient.WithTimeout(o.explorerTimeout))
	}
	var st *store.Store
	if o.views {
		var err error
		st, err = store.Open(context.Background(), store.Config{DSN: filepath.Join(t.TempDir(), "views.db"), Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(st.Close)
	}
	r := dashboard.New(t, testenv.Options{
		Sim:           explorersim.Options{Seed: 5},
		Start:         clockStart,
		Zone:          testenv.LoadZone(t, cmp.Or(o.serverZone, serverZoneName)),
		ClientOptions: copts,
	}, func(ho *handlers.Options) {
		ho.NebulaAddress = "graphd.e2e.internal"
		ho.PollInterval = o.pollInterval
		if st != nil {
			ho.Store = st
		}
	})
	e := &env{t: t, clock: r.Clock, sim: r.Sim, simURL: r.SimServer.URL, app: r.App, serverZone: r.Zone, logs: r.Logs}
	e.tab = e.newTab(cmp.Or(o.browserZone, browserZoneName), o.noJS)
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
