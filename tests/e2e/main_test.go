package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is where Debian's chromium package installs the browser.
const chromiumPath = "/usr/bin/chromium"

// installHint tells how to get the browser.
const installHint = "chromium not installed: apt-get install -y chromium"

// browserCtx is the one browser every test of the package opens its tabs in;
// it is set once by TestMain before any test runs and only read afterwards
// (nil when Chromium is missing).
var browserCtx context.Context

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m *testing.M) int {
	if _, err := os.Stat(chromiumPath); err != nil {
		return m.Run() // each test skips (or fails in CI) with the install hint
	}
	profile, err := os.MkdirTemp("", "jobboard-e2e-profile-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: profile dir:", err)
		return 1
	}
	defer os.RemoveAll(profile)

	// The machine's network is closed: without the switches that stop
	// Chromium's background connections it can hang at start.
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()

	// The first Do starts the browser and binds it to ctx, so it cannot
	// carry a deadline itself: bound it from outside.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			fmt.Fprintln(os.Stderr, "e2e: start chromium:", err)
			return 1
		}
	case <-time.After(60 * time.Second):
		fmt.Fprintln(os.Stderr, "e2e: chromium did not start within 60 s")
		return 1
	}
	browserCtx = ctx //nolint:fatcontext // the package's one browser, shared by every test; set once before m.Run
	return m.Run()
}

// requireBrowser skips the test on a machine without Chromium, and fails it
// in CI, where a missing browser is a broken setup.
func requireBrowser(t *testing.T) {
	t.Helper()
	if browserCtx != nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatal(installHint)
	}
	t.Skip(installHint)
}
