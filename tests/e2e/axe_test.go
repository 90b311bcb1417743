package e2e

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// axeTags are the rule sets checked: WCAG 2.0, 2.1 and 2.2 at levels A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// axeSource reads the vendored axe-core once and checks it against the
// sha256 recorded in testdata/VERSION.
var axeSource = sync.OnceValues(func() (string, error) {
	src, err := os.ReadFile("testdata/axe.min.js")
	if err != nil {
		return "", fmt.Errorf("read axe-core: %w", err)
	}
	version, err := os.ReadFile("testdata/VERSION")
	if err != nil {
		return "", fmt.Errorf("read axe-core VERSION: %w", err)
	}
	sum := sha256.Sum256(src)
	got := hex.EncodeToString(sum[:])
	sc := bufio.NewScanner(bytes.NewReader(version))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "sha256" && f[2] == "axe.min.js" {
			if f[1] != got {
				return "", fmt.Errorf("testdata/axe.min.js has sha256 %s, VERSION says %s", got, f[1])
			}
			return string(src), nil
		}
	}
	return "", fmt.Errorf("testdata/VERSION has no sha256 line for axe.min.js")
})

// axeViolation is the part of an axe-core result a fix needs.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  string `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"summary"`
	} `json:"nodes"`
}

// checkA11y runs axe-core on the page as it is now and reports every WCAG A
// and AA violation as a test error (the scenario goes on). The source is
// evaluated through the DevTools protocol, which the page's Content
// Security Policy does not govern.
func (b *tab) checkA11y(state string) {
	b.t.Helper()
	src, err := axeSource()
	if err != nil {
		b.t.Fatal(err)
	}
	var loaded bool
	b.mustEval(`typeof window.axe === "object"`, &loaded)
	if !loaded {
		b.mustEval(src+"\n;true", nil)
	}
	if b.noJS {
		// axe-core needs timers, which do not run while scripts are
		// disabled. Switching them on for the check runs none of the
		// page's own scripts: those were skipped when it loaded.
		b.run("enable scripts for axe-core", setScripts(true))
		defer b.run("disable scripts again", setScripts(false))
	}
	start := time.Now()
	tags := `["` + strings.Join(axeTags, `","`) + `"]`
	var encoded string
	if err := b.eval(`axe.run(document, {runOnly: {type: "tag", values: `+tags+`}, resultTypes: ["violations", "incomplete"]})
		.then((r) => JSON.stringify({passes: r.passes.length, incomplete: r.incomplete.map((v) => v.id),
			violations: r.violations.map((v) => ({
				id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
				nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary})),
			}))}))`, &encoded, chromedp.EvalAwaitPromise); err != nil {
		b.t.Fatalf("axe-core on %s: %v", state, err)
	}
	var res struct {
		Passes     int            `json:"passes"`
		Incomplete []string       `json:"incomplete"`
		Violations []axeViolation `json:"violations"`
	}
	if err := json.Unmarshal([]byte(encoded), &res); err != nil {
		b.t.Fatalf("axe-core result on %s: %v", state, err)
	}
	violations := res.Violations
	if len(violations) == 0 {
		b.t.Logf("axe-core on %s: no violations (%d rules passed in %v; to review by hand: %v)", state, res.Passes, time.Since(start).Round(time.Millisecond), res.Incomplete)
		return
	}
	var msg strings.Builder
	fmt.Fprintf(&msg, "axe-core: %d WCAG A/AA violation(s) on %s (%s):", len(violations), state, b.describeURL())
	for _, v := range violations {
		fmt.Fprintf(&msg, "\n  %s [%s] %s (%s)", v.ID, v.Impact, v.Help, v.URL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&msg, "\n    at %s: %s", n.Target, clip(n.HTML, 160))
			if n.Summary != "" {
				fmt.Fprintf(&msg, "\n      %s", strings.ReplaceAll(clip(n.Summary, 400), "\n", "\n      "))
			}
		}
	}
	b.t.Error(msg.String())
}
