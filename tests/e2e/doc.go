// Package e2e holds jobboard's end-to-end tests: they drive Debian's
// Chromium (through chromedp) against a dashboard and an Explorer simulator
// started on loopback ports of their own, and assert what a reader sees —
// rendered text, the address bar, focus — in a reader's main scenarios, with
// an axe-core accessibility check of every state they reach. The package has
// no code outside its tests.
//
// Run them with `go test -race ./e2e/`. They need /usr/bin/chromium
// (`apt-get install -y chromium`): without it they skip on a developer
// machine and fail when CI is set.
package e2e
