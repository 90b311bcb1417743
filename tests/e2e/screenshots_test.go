package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// screenshotDir is the git-ignored folder the pictures go to (relative to
// this package's directory, where go test runs).
const screenshotDir = "../../screenshots"

// looks are the ways a page is photographed: light and dark, desktop and a
// 375 px phone.
var looks = []struct {
	name   string
	scheme string
	width  int64
	height int64
	mobile bool
}{
	{"light-1280", "light", 1280, 900, false},
	{"dark-1280", "dark", 1280, 900, false},
	{"light-375", "light", 375, 812, true},
	{"dark-375", "dark", 375, 812, true},
}

// screenshots saves full-page PNGs of the page as it is now, named
// <name>-<look>.png, and checks each look with axe-core (the contrast
// rules differ between the themes; the layout between the widths).
func (b *tab) screenshots(name string) {
	b.t.Helper()
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		b.t.Fatalf("screenshots folder: %v", err)
	}
	defer b.run("reset the emulation", emulate("", 0, 0, false))
	for _, l := range looks {
		b.run("emulate "+l.name, emulate(l.scheme, l.width, l.height, l.mobile))
		var applied bool
		b.mustEval(`matchMedia("(prefers-color-scheme: `+l.scheme+`)").matches`, &applied)
		if !applied {
			b.t.Fatalf("the %s emulation did not take effect", l.name)
		}
		if l.mobile {
			b.checkPhoneLayout(name, int(l.width))
		}
		ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		cancel()
		if err != nil {
			b.t.Fatalf("screenshot %s %s: %v", name, l.name, err)
		}
		file := filepath.Join(screenshotDir, fmt.Sprintf("%s-%s.png", name, l.name))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			b.t.Fatalf("write %s: %v", file, err)
		}
		b.checkA11y(fmt.Sprintf("%s (%s)", name, l.name))
	}
}

// checkPhoneLayout checks what a reader on a 375 px phone needs: no
// sideways scrolling of the whole page (a wide table scrolls in its own
// region), job names readable on at most two lines, task names with no
// word broken across lines, and tap targets of at least 24 px (WCAG 2.5.8).
func (b *tab) checkPhoneLayout(page string, width int) {
	b.t.Helper()
	var got struct {
		PageWidth, ViewWidth int
		NameLines            []int
		Names                []string
		SmallTargets         []string
		BrokenWords          []string
	}
	b.mustEval(`(() => {
		const lines = (el) => { const r = document.createRange(); r.selectNodeContents(el); return new Set(Array.from(r.getClientRects(), (x) => Math.round(x.top))).size; };
		const cells = Array.from(document.querySelectorAll("#results table tbody tr")).slice(0, 3).map((tr) => tr.cells[0]);
		const small = [];
		for (const el of document.querySelectorAll("a[href], button, input:not([type=hidden]), select")) {
			const r = el.getBoundingClientRect();
			if (r.width === 0 || r.height === 0) continue;
			if (el.closest("p") && el.tagName === "A" && getComputedStyle(el).display === "inline") continue; // inline links in a sentence are exempt
			if (r.width < 24 || r.height < 24) small.push(el.tagName.toLowerCase() + " " + JSON.stringify(el.innerText.trim() || el.id || el.name) + " " + Math.round(r.width) + "×" + Math.round(r.height));
		}
		// Words of task names (short ones: a long identifier may have to
		// wrap) that the layout breaks across lines.
		const broken = [];
		for (const td of document.querySelectorAll("#tasks tbody td:first-child")) {
			const walk = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
			for (let n = walk.nextNode(); n; n = walk.nextNode()) {
				for (const m of n.data.matchAll(/\S{2,20}/g)) {
					const r = document.createRange();
					r.setStart(n, m.index);
					r.setEnd(n, m.index + m[0].length);
					const rects = Array.from(r.getClientRects()).filter((x) => x.width > 0);
					if (new Set(rects.map((x) => Math.round(x.top))).size > 1) broken.push(m[0]);
				}
			}
		}
		return {PageWidth: document.documentElement.scrollWidth, ViewWidth: innerWidth,
			NameLines: cells.map(lines), Names: cells.map((c) => c.innerText), SmallTargets: small, BrokenWords: broken};
	})()`, &got)
	if got.PageWidth > width || got.ViewWidth > width {
		b.t.Errorf("%s at %d px: the whole page is wider than the phone (%d px of content, %d px layout viewport)", page, width, got.PageWidth, got.ViewWidth)
	}
	for i, n := range got.NameLines {
		if n > 2 {
			b.t.Errorf("%s at %d px: job name %q is broken over %d lines", page, width, got.Names[i], n)
		}
	}
	if len(got.BrokenWords) > 0 {
		b.t.Errorf("%s at %d px: task names are broken inside words: %q", page, width, got.BrokenWords)
	}
	if len(got.SmallTargets) > 0 {
		b.t.Errorf("%s at %d px: tap targets smaller than 24×24 px: %s", page, width, strings.Join(got.SmallTargets, "; "))
	}
}

// emulate sets the colour scheme and the viewport; an empty scheme and a
// zero width clear both.
func emulate(scheme string, width, height int64, mobile bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		media := emulation.SetEmulatedMediaParams{}
		if scheme != "" {
			media.Features = []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}
		}
		if _, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, media); err != nil {
			return err
		}
		if width == 0 {
			_, err := cdp.Call(ctx, t, emulation.ClearDeviceMetricsOverride, cdp.Empty{})
			return err
		}
		_, err := cdp.Call(ctx, t, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: width, Height: height, DeviceScaleFactor: 1, Mobile: mobile,
		})
		return err
	})
}

// TestScreenshots photographs the sign-in, home and jobs pages and the page
// of a failed job in every look, and checks each with axe-core.
func TestScreenshots(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	b := e.tab
	wf := e.busiestWorkflow()

	b.open("/")
	b.waitPath("the sign-in page", "/login?next=%2F")
	b.screenshots("login")

	b.signIn(account, password)
	b.waitPath("the home page", "/")
	b.screenshots("home")

	b.open("/workflows/" + wf.ID + "/jobs")
	e.expectState(b, "the jobs page", wf.ID, filter{})
	steps := e.filterSteps(b, wf, b.zone)
	steps[0].do()
	e.expectState(b, steps[0].what, wf.ID, steps[0].f)
	b.screenshots("jobs")

	job, failed, _, ok := failedJobOf(e.truth(wf.ID, filter{Status: "failed"}).rows)
	if !ok {
		t.Fatalf("seed data: no failed job on the first page of %s has a succeeded task", wf.Name)
	}
	b.open(fmt.Sprintf("/jobs/%d", job.ID))
	b.waitJob("the failed job's page", func(v jobView) error {
		if v.H1 != job.Name || len(v.Tasks) != len(job.Tasks) || !strings.Contains(v.Failure, failed.Name) {
			return errorf("not the page of job %s failed at %s", job.Name, failed.Name)
		}
		return nil
	})
	b.screenshots("job-failed")

	// The run form: tasks by name, rows aligned, nothing wider than a phone.
	b.open("/workflows/" + wf.ID + "/run")
	b.waitFor("the run form", func(v view) error {
		if !strings.HasPrefix(v.H1, "Run ") {
			return errorf("heading %q, want the run form", v.H1)
		}
		return nil
	})
	b.screenshots("run")
}
