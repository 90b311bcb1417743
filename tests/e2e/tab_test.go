package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// tab is one browser tab and the helpers a scenario drives it with. Every
// helper fails the test with what the page showed when a step does not
// happen in time.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string // the dashboard's URL
	zone string // the browser's time zone
	noJS bool   // page scripts are disabled
}

// run performs chromedp steps with a bound.
func (b *tab) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v\npage: %s", what, err, b.describe())
	}
}

// eval evaluates a JavaScript expression and decodes its value into out
// (nil: ignore it).
func (b *tab) eval(expr string, out any, opts ...chromedp.EvaluateOption) error {
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr, opts...))
	if err != nil || out == nil {
		return err
	}
	return json.Unmarshal(raw, out)
}

// mustEval is eval that fails the test on error.
func (b *tab) mustEval(expr string, out any, opts ...chromedp.EvaluateOption) {
	b.t.Helper()
	if err := b.eval(expr, out, opts...); err != nil {
		b.t.Fatalf("evaluate %s: %v", clip(expr, 120), err)
	}
}

// open loads path (relative to the dashboard) as if typed in the address
// bar, and waits for the load.
func (b *tab) open(path string) {
	b.t.Helper()
	b.run("open "+path, chromedp.Navigate(b.base+path))
}

// view is what the reader sees on the page, read in one go.
type view struct {
	URL     string            `json:"url"`
	Title   string            `json:"title"`
	H1      string            `json:"h1"`
	Rows    [][]string        `json:"rows"`    // the cells' text of each row of the jobs table
	Summary string            `json:"summary"` // "Showing 1–20 of 345 jobs"
	Problem string            `json:"problem"` // the alert panel in the results region
	Alert   string            `json:"alert"`   // any alert outside it (sign-in errors)
	Active  string            `json:"active"`  // id of the focused element
	Marker  bool              `json:"marker"`  // window.__e2e survives (no full page load since it was set)
	Scripts bool              `json:"scripts"` // app.js ran (it marks <html class="js">)
	Form    map[string]string `json:"form"`    // filter form: name, status, from, to
	Main    string            `json:"main"`    // the text of <main>, for failure messages
	Pending int               `json:"pending"` // htmx requests in flight
}

const viewJS = `(() => {
	const q = (s) => document.querySelector(s);
	const text = (el) => (el ? el.innerText.trim() : "");
	const form = {};
	for (const id of ["f-name", "f-from", "f-to"]) {
		const el = document.getElementById(id);
		if (el) form[id.slice(2)] = el.value;
	}
	// The status set: the ticked checkboxes, in their (code) order.
	form.status = Array.from(document.querySelectorAll("#f-status input[type=checkbox]:checked"), (cb) => cb.value).join(",");
	const active = document.activeElement;
	return {
		url: location.href,
		title: document.title,
		h1: text(q("h1")),
		rows: Array.from(document.querySelectorAll("#results table tbody tr"),
			(tr) => Array.from(tr.cells, (td) => td.innerText.replace(/\s+/g, " ").trim())),
		summary: text(Array.from(document.querySelectorAll("#results p")).find((p) => /^(Showing \S+ of .*|[\d,]+ jobs?)$/.test(p.innerText.trim()))),
		problem: text(q("#results [role=alert]")),
		alert: text(q("main > [role=alert]")),
		active: active && active !== document.body ? active.id || active.tagName : "",
		marker: window.__e2e === 1,
		scripts: document.documentElement.classList.contains("js"),
		form: form,
		main: text(q("main")).slice(0, 1500),
		pending: window.__e2ePending || 0,
	};
})()`

// look reads the page once.
func (b *tab) look() (view, error) {
	var v view
	err := b.eval(viewJS, &v)
	return v, err
}

// describe is the page in a few lines, for failure messages.
func (b *tab) describe() string {
	v, err := b.look()
	if err != nil {
		return fmt.Sprintf("(page unreadable: %v)", err)
	}
	return v.String()
}

func (v view) String() string {
	var rows []string
	for i, r := range v.Rows {
		if i == 5 {
			rows = append(rows, fmt.Sprintf("… %d rows in all", len(v.Rows)))
			break
		}
		rows = append(rows, strings.Join(r, " | "))
	}
	return fmt.Sprintf("URL %s\n  h1 %q, summary %q, problem %q, alert %q, focus %q, form %v\n  rows:\n    %s\n  main: %s",
		v.URL, v.H1, v.Summary, v.Problem, v.Alert, v.Active, v.Form, strings.Join(rows, "\n    "), clip(v.Main, 400))
}

// describeURL is the address bar's path and query, for messages.
func (b *tab) describeURL() string {
	var u string
	if err := b.eval("location.href", &u); err != nil {
		return "?"
	}
	return view{URL: u}.path()
}

// path is the address bar's path and query.
func (v view) path() string {
	u, err := url.Parse(v.URL)
	if err != nil {
		return v.URL
	}
	return u.RequestURI()
}

// waitFor reads the page until ok accepts it, and fails the test with the
// last reading (and ok's last complaint) after waitTimeout.
func (b *tab) waitFor(what string, ok func(view) error) view {
	b.t.Helper()
	return waitUntil(b, what, b.look, ok)
}

// waitUntil reads the page with read until ok accepts the reading, and
// fails the test with the last reading (and ok's last complaint) after
// waitTimeout: the one polling loop of every wait in these tests.
func waitUntil[T fmt.Stringer](b *tab, what string, read func() (T, error), ok func(T) error) T {
	b.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	var last T
	var complaint error
	for {
		v, err := read()
		if err == nil {
			last = v
			if complaint = ok(v); complaint == nil {
				return v
			}
		} else {
			complaint = err // e.g. a navigation in progress
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s: not seen within %v: %v\nthe page shows: %s", what, waitTimeout, complaint, last)
		}
		select {
		case <-b.ctx.Done():
			b.t.Fatalf("%s: %v", what, b.ctx.Err())
		case <-time.After(40 * time.Millisecond):
		}
	}
}

// settle waits until the page has no request in flight (htmx loads some
// parts, like the outcome summary, after the list) and nothing starts for a
// moment.
func (b *tab) settle(what string) {
	b.t.Helper()
	quietSince := time.Time{}
	b.waitFor(what+" (settled)", func(v view) error {
		if v.Pending > 0 {
			quietSince = time.Time{}
			return errorf("%d requests in flight", v.Pending)
		}
		if quietSince.IsZero() {
			quietSince = time.Now()
		}
		if time.Since(quietSince) < 150*time.Millisecond {
			return errorf("quiet for less than 150 ms")
		}
		return nil
	})
}

// waitPath waits until the address bar shows path (and query) p.
func (b *tab) waitPath(what, p string) view {
	b.t.Helper()
	return b.waitFor(what, func(v view) error {
		if got := v.path(); got != p {
			return fmt.Errorf("address bar shows %s, want %s", got, p)
		}
		return nil
	})
}

// signIn fills the account form of the sign-in page the tab shows and
// submits it.
func (b *tab) signIn(acct, pass string) {
	b.t.Helper()
	b.waitFor("the sign-in page", func(v view) error {
		if u, _ := url.Parse(v.URL); u == nil || u.Path != "/login" {
			return fmt.Errorf("not on /login")
		}
		if v.H1 != "Sign in" {
			return fmt.Errorf("heading %q, want %q", v.H1, "Sign in")
		}
		return nil
	})
	b.run("sign in", signInSteps(acct, pass)...)
	b.waitFor("leaving the sign-in page", func(v view) error {
		if u, _ := url.Parse(v.URL); u == nil || u.Path == "/login" {
			return fmt.Errorf("still on the sign-in page")
		}
		return nil
	})
}

// signInSteps fill the account form of the sign-in page and submit it.
func signInSteps(acct, pass string) []chromedp.Action[chromedp.Void] {
	return []chromedp.Action[chromedp.Void]{
		chromedp.Clear(chromedp.ID("account")), // kept after a failed attempt
		chromedp.SendKeys(chromedp.ID("account"), acct),
		chromedp.SendKeys(chromedp.ID("password"), pass),
		chromedp.Click(chromedp.CSS("#login-password button[type=submit]")),
	}
}

// clickText clicks the first element matching css whose visible text is
// exactly label, as a reader picks a link by what it says.
func (b *tab) clickText(css, label string) {
	b.t.Helper()
	sel := chromedp.JSPath(fmt.Sprintf(`Array.from(document.querySelectorAll(%s)).find((e) => e.innerText.replace(/\s+/g, " ").trim() === %s)`,
		jsString(css), jsString(label)))
	b.run(fmt.Sprintf("click %q", label), chromedp.Click(sel))
}

// clickID clicks the element with the id.
func clickID(id string) chromedp.Action[chromedp.Void] {
	return chromedp.Click(chromedp.ID(id))
}

// choose sets a form control's value as the reader does by picking or
// typing it, with the input and change events a browser fires.
//
// For the status set (id f-status) value is the comma-separated statuses
// to tick; the others are unticked, and only the checkboxes that change
// get the events, as when a reader clicks them.
func (b *tab) choose(id, value string) {
	b.t.Helper()
	b.mustEval(fmt.Sprintf(`(() => {
		const el = document.getElementById(%s);
		const fire = (x) => {
			x.dispatchEvent(new Event("input", {bubbles: true}));
			x.dispatchEvent(new Event("change", {bubbles: true}));
		};
		if (el.tagName === "FIELDSET") {
			const want = %s.split(",").filter((w) => w);
			for (const cb of el.querySelectorAll("input[type=checkbox]")) {
				if (cb.checked !== want.includes(cb.value)) {
					cb.focus();
					cb.checked = !cb.checked;
					fire(cb);
				}
			}
			return true;
		}
		el.focus();
		el.value = %s;
		fire(el);
		return true;
	})()`, jsString(id), jsString(value), jsString(value)), nil)
}

// typeKeys types text into whatever has the focus, key by key.
func (b *tab) typeKeys(text string) {
	b.t.Helper()
	b.run(fmt.Sprintf("type %q", text), chromedp.KeyEvent(text))
}

// historyStep moves through the tab's session history like the Back (-1)
// and Forward (+1) buttons, without waiting for a load: htmx restores
// pushed entries in the same document.
func (b *tab) historyStep(delta int) {
	b.t.Helper()
	b.run(fmt.Sprintf("history step %+d", delta), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		h, err := cdp.Call(ctx, t, page.GetNavigationHistory, cdp.Empty{})
		if err != nil {
			return err
		}
		i := int(h.CurrentIndex) + delta
		if i < 0 || i >= len(h.Entries) {
			return fmt.Errorf("no history entry %d (current %d of %d)", i, h.CurrentIndex, len(h.Entries))
		}
		_, err = cdp.Call(ctx, t, page.NavigateToHistoryEntry, page.NavigateToHistoryEntryParams{EntryID: h.Entries[i].ID})
		return err
	}))
}

// reload reloads the page and waits for the load.
func (b *tab) reload() {
	b.t.Helper()
	b.run("reload", chromedp.Reload())
}

// errorf is fmt.Errorf for wait conditions.
func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
