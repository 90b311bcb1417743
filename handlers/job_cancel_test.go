package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"jobboard/apiclient"
	"jobboard/internal/explorersim"
	"jobboard/internal/i18n"
)

func TestCancelRunningJob(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	j := findJob(t, e, "demo", withStatus(explorersim.StatusRunning))
	back := "/workflows/" + j.WorkflowID + "/jobs?status=running"
	page := jobPath(j.ID) + "?back=" + url.QueryEscape(back)

	// The button: a link to the confirmation page, fetched by htmx into the
	// dialog slot.
	btn := byID(parseHTML(t, e.get(t, c, page).body), "cancel-job")
	if btn == nil {
		t.Fatal("no #cancel-job")
	}
	confirmURL := jobPath(j.ID) + "/cancel?back=" + url.QueryEscape(back)
	if href, _ := attr(btn, "href"); href != confirmURL {
		t.Errorf("cancel link = %q, want %q", href, confirmURL)
	}
	if got, _ := attr(btn, "hx-target"); got != "#dialog-slot" {
		t.Errorf("hx-target = %q", got)
	}

	// Without JS: a page with a POST form.
	a := e.get(t, c, confirmURL)
	doc := parseHTML(t, a.body)
	form := byID(doc, "cancel-form")
	if a.status != http.StatusOK || form == nil {
		t.Fatalf("confirm page: status %d, form %v", a.status, form != nil)
	}
	if m, _ := attr(form, "method"); m != "post" {
		t.Errorf("form method %q", m)
	}
	if act, _ := attr(form, "action"); act != jobPath(j.ID)+"/cancel" {
		t.Errorf("form action %q", act)
	}
	if href, _ := attr(byID(doc, "cancel-keep"), "href"); href != page {
		t.Errorf("Keep running goes to %q, want %q", href, page)
	}
	// With htmx: the same confirmation as a dialog fragment.
	frag := parseHTML(t, e.get(t, c, confirmURL, "HX-Request", "true", "HX-Request-Type", "partial").body)
	dlg := byTag(frag, "dialog")
	if len(dlg) != 1 || len(byClass(frag, "site-header")) != 0 {
		t.Fatalf("dialog fragment: %d dialogs", len(dlg))
	}
	if _, ok := attr(dlg[0], "data-autoshow"); !ok || byID(dlg[0], "cancel-form") == nil {
		t.Error("the dialog does not open itself or has no form")
	}
	if m, _ := attr(byID(dlg[0], "cancel-keep"), "formmethod"); m != "dialog" {
		t.Error("Keep running does not just close the dialog")
	}
	if simJob(t, e, "demo", j.ID).Status != explorersim.StatusRunning {
		t.Fatal("showing the confirmation cancelled the job")
	}

	// Confirm: 303 to the job page (Post/Redirect/Get); the confirmation
	// rides on a short-lived flash cookie, not in the URL.
	a = e.postForm(t, c, jobPath(j.ID)+"/cancel", url.Values{"back": {back}})
	want := jobPath(j.ID) + "?back=" + url.QueryEscape(back)
	if a.status != http.StatusSeeOther || a.header.Get("Location") != want {
		t.Fatalf("POST cancel: %d to %q, want 303 to %q", a.status, a.header.Get("Location"), want)
	}
	if got := simJob(t, e, "demo", j.ID).Status; got != explorersim.StatusStopping {
		t.Fatalf("simulator status after cancel = %d, want Stopping", got)
	}
	doc = parseHTML(t, e.get(t, c, want).body)
	if got := text(byID(doc, "cancel-notice")); got != "Cancel requested. The job is stopping." {
		t.Errorf("notice = %q", got)
	}
	if got := text(byID(doc, "job-status")); got != "■ Stopping (cancel requested)" {
		t.Errorf("status = %q", got)
	}
	if byID(doc, "cancel-job") != nil {
		t.Error("a stopping job still offers Cancel")
	}
	region := byID(doc, "job-detail")
	if poll, _ := attr(region, "hx-get"); poll != want {
		t.Errorf("a stopping job polls %q, want %q", poll, want)
	}
	if hdr, _ := attr(region, "hx-headers"); hdr != `{"Jobboard-Notice":"cancelled"}` {
		t.Errorf("the page's polls do not keep the notice: hx-headers %q", hdr)
	}
	// The flash is used up: reloading, or a copied link, shows no notice.
	if n := byID(parseHTML(t, e.get(t, c, want).body), "cancel-notice"); n != nil {
		t.Errorf("the notice survived a reload: %q", text(n))
	}

	// The simulator's clock moves past the stop: the job is cancelled and
	// the page's next poll (its region, with its header) stops polling.
	e.clock.Advance(explorersim.StopDelay + time.Second)
	doc = parseHTML(t, e.get(t, c, want, "HX-Request", "true", "HX-Request-Type", "partial", "Jobboard-Notice", "cancelled").body)
	if got := text(byID(doc, "job-status")); got != "⊘ Cancelled" {
		t.Errorf("status after the stop = %q", got)
	}
	if got := text(byID(doc, "cancel-notice")); got != "Cancel requested. The job was cancelled." {
		t.Errorf("notice after the stop = %q", got)
	}
	if _, ok := attr(byID(doc, "job-detail"), "data-poll"); ok {
		t.Error("a cancelled job's page still polls")
	}
}

func TestCancelWithHTMXRedirects(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	j := findJob(t, e, "demo", withStatus(explorersim.StatusRunning))
	a := e.postForm(t, c, jobPath(j.ID)+"/cancel", url.Values{}, "HX-Request", "true")
	if a.header.Get("HX-Redirect") != jobPath(j.ID) {
		t.Errorf("htmx cancel: %d, HX-Redirect %q", a.status, a.header.Get("HX-Redirect"))
	}
	if simJob(t, e, "demo", j.ID).Status != explorersim.StatusStopping {
		t.Error("the job was not cancelled")
	}
}

func TestCancelFinishedJob(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	const msg = "This job already finished; there was nothing to cancel."
	for _, status := range []int{explorersim.StatusSuccess, explorersim.StatusFailed, explorersim.StatusInterrupted} {
		j := findJob(t, e, "demo", withStatus(status))
		a := e.postForm(t, c, jobPath(j.ID)+"/cancel", url.Values{})
		if a.status != http.StatusConflict {
			t.Errorf("status %d job: POST cancel answered %d, want 409", status, a.status)
		}
		doc := parseHTML(t, a.body)
		if got := text(byID(doc, "cancel-notice")); got != msg {
			t.Errorf("status %d job: notice %q", status, got)
		}
		if byID(doc, "job-detail") == nil {
			t.Errorf("status %d job: the job is not shown with the message", status)
		}
		if got := simJob(t, e, "demo", j.ID).Status; got != status {
			t.Errorf("the job's status changed to %d", got)
		}
		// The confirmation of a finished job says the same, with no form.
		a = e.get(t, c, jobPath(j.ID)+"/cancel")
		doc = parseHTML(t, a.body)
		if a.status != http.StatusConflict || text(byID(doc, "cancel-notice")) != msg || byID(doc, "cancel-form") != nil {
			t.Errorf("status %d job: confirm page %d %q", status, a.status, text(byID(doc, "cancel-notice")))
		}
	}
	// Unknown job: 404 that names it.
	a := e.postForm(t, c, "/jobs/999999999/cancel", url.Values{})
	if a.status != http.StatusNotFound || !strings.Contains(text(parseHTML(t, a.body)), "No job 999999999 in the account you're signed in as (demo).") {
		t.Errorf("unknown job: %d", a.status)
	}
}

func TestCancelCrossSiteRefused(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	j := findJob(t, e, "demo", withStatus(explorersim.StatusRunning))
	for _, hdr := range [][]string{
		{"Origin", "https://evil.example"},
		{"Sec-Fetch-Site", "cross-site"},
	} {
		a := e.postForm(t, c, jobPath(j.ID)+"/cancel", url.Values{}, hdr...)
		if a.status != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", hdr[0], a.status)
		}
		if got := simJob(t, e, "demo", j.ID).Status; got != explorersim.StatusRunning {
			t.Fatalf("%s: the cross-site POST cancelled the job (status %d)", hdr[0], got)
		}
	}
	// The same POST from the dashboard's own origin works.
	a := e.postForm(t, c, jobPath(j.ID)+"/cancel", url.Values{}, "Origin", e.app.URL, "Sec-Fetch-Site", "same-origin")
	if a.status != http.StatusSeeOther {
		t.Errorf("same-origin POST: status %d", a.status)
	}
}

func TestReadOnlyMode(t *testing.T) {
	base := newEnv(t, 0)
	e := base.withOptions(t, func(o *Options) { o.ReadOnly = true })
	c := e.signedIn(t, "demo")
	j := findJob(t, e, "demo", withStatus(explorersim.StatusRunning))
	wf := e.workflow(t, "demo")
	before := len(e.sim.Jobs("demo"))

	if byID(parseHTML(t, e.get(t, c, jobPath(j.ID)).body), "cancel-job") != nil {
		t.Error("read-only: the job page offers Cancel")
	}
	if byID(parseHTML(t, e.get(t, c, "/workflows/"+wf.ID+"/jobs").body), "run-workflow") != nil {
		t.Error("read-only: the list offers Run workflow")
	}
	// The writable dashboard shows both, so the checks above mean something.
	bc := base.signedIn(t, "demo")
	if byID(parseHTML(t, base.get(t, bc, jobPath(j.ID)).body), "cancel-job") == nil ||
		byID(parseHTML(t, base.get(t, bc, "/workflows/"+wf.ID+"/jobs").body), "run-workflow") == nil {
		t.Fatal("the writable dashboard shows no Cancel or Run")
	}

	check := func(what string, a answer) {
		t.Helper()
		if a.status != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", what, a.status)
		}
		if !strings.Contains(text(parseHTML(t, a.body)), "This dashboard is read-only") {
			t.Errorf("%s: no plain read-only message", what)
		}
	}
	check("GET cancel", e.get(t, c, jobPath(j.ID)+"/cancel"))
	check("POST cancel", e.postForm(t, c, jobPath(j.ID)+"/cancel", url.Values{}))
	check("GET run", e.get(t, c, "/workflows/"+wf.ID+"/run"))
	check("POST run", e.postForm(t, c, "/workflows/"+wf.ID+"/run", url.Values{"action": {"run"}}))
	if got := simJob(t, e, "demo", j.ID).Status; got != explorersim.StatusRunning {
		t.Errorf("read-only: the job was cancelled (status %d)", got)
	}
	if after := len(e.sim.Jobs("demo")); after != before {
		t.Errorf("read-only: %d jobs were started", after-before)
	}
}

// A link that still carries the old ?cancelled=1 (copied from the address
// bar before Post/Redirect/Get) tells nobody anything about a cancel, and
// never says "nothing to cancel" to a reader who pressed nothing.
func TestCopiedCancelledLinkSaysNothing(t *testing.T) {
	e := newEnv(t, 0)
	for _, lang := range langs {
		c := e.signedIn(t, "demo")
		for _, status := range []int{explorersim.StatusSuccess, explorersim.StatusRunning} {
			j := findJob(t, e, "demo", withStatus(status))
			doc := parseHTML(t, e.get(t, c, jobPath(j.ID)+"?cancelled=1", "Accept-Language", lang.accept).body)
			if n := byID(doc, "cancel-notice"); n != nil {
				t.Errorf("%s status %d: a copied link shows %q", lang.tag, status, text(n))
			}
			if strings.Contains(text(doc), i18n.For(lang.tag).T("cancel.nothing")) {
				t.Errorf("%s status %d: says there was nothing to cancel", lang.tag, status)
			}
		}
	}
}

// A second Cancel of a job that is already stopping (a second tab, a
// double submit, a page left open) says so in words, with 409, and never
// claims that this request asked for the cancel.
func TestCancelAgainWhileStopping(t *testing.T) {
	e := newEnv(t, 0)
	j := findJob(t, e, "demo", withStatus(explorersim.StatusRunning))
	first := e.signedIn(t, "demo")
	if a := e.postForm(t, first, jobPath(j.ID)+"/cancel", url.Values{}); a.status != http.StatusSeeOther {
		t.Fatalf("first cancel: %d", a.status)
	}
	for _, lang := range langs {
		want := i18n.For(lang.tag).T("cancel.alreadyStopping")
		c := e.signedIn(t, "demo")
		for _, mode := range []struct {
			name    string
			headers []string
			region  bool // only the job's region, not the whole page
		}{
			{"plain", []string{"Accept-Language", lang.accept}, false},
			{"htmx", []string{"Accept-Language", lang.accept, "HX-Request", "true", "HX-Request-Type", "partial"}, true},
		} {
			a := e.postForm(t, c, jobPath(j.ID)+"/cancel", url.Values{}, mode.headers...)
			if a.status != http.StatusConflict {
				t.Errorf("%s %s: second cancel answered %d (Location %q, HX-Redirect %q), want 409",
					lang.tag, mode.name, a.status, a.header.Get("Location"), a.header.Get("HX-Redirect"))
			}
			if ck := a.header.Get("Set-Cookie"); strings.Contains(ck, cancelFlash+"="+"cancelled") {
				t.Errorf("%s %s: the second cancel set the cancel-requested flash: %q", lang.tag, mode.name, ck)
			}
			doc := parseHTML(t, a.body)
			if got := text(byID(doc, "cancel-notice")); got != want {
				t.Errorf("%s %s: notice %q, want %q", lang.tag, mode.name, got, want)
			}
			if byID(doc, "job-detail") == nil {
				t.Errorf("%s %s: the job is not shown with the message", lang.tag, mode.name)
			}
			if header := len(byClass(doc, "site-header")) > 0; header == mode.region {
				t.Errorf("%s %s: whole page %v, want %v", lang.tag, mode.name, header, !mode.region)
			}
		}
	}
	if got := simJob(t, e, "demo", j.ID).Status; got != explorersim.StatusStopping {
		t.Errorf("the job's status changed to %d", got)
	}
}

// cancelRace is an Explorer whose job was cancelled by someone else
// between the reader's read of it and their cancel, and which, as
// Explorer may, refuses the cancel of a job that is already stopping.
type cancelRace struct{ Explorer }

func (r cancelRace) CancelJob(ctx context.Context, tok apiclient.Token, id int64) error {
	if err := r.Explorer.CancelJob(ctx, tok, id); err != nil {
		return err
	}
	return fmt.Errorf("cancel job %d: job is not running: %w", id, apiclient.ErrBadParam)
}

func TestCancelRefusedBecauseAlreadyStopping(t *testing.T) {
	base := newEnv(t, 0)
	e := base.withOptions(t, func(o *Options) { o.Explorer = cancelRace{o.Explorer} })
	c := e.signedIn(t, "demo")
	j := findJob(t, e, "demo", withStatus(explorersim.StatusRunning))
	a := e.postForm(t, c, jobPath(j.ID)+"/cancel", url.Values{})
	if a.status != http.StatusConflict {
		t.Errorf("refused cancel of a job now stopping: %d, want 409", a.status)
	}
	if got, want := text(byID(parseHTML(t, a.body), "cancel-notice")), i18n.For(i18n.English).T("cancel.alreadyStopping"); got != want {
		t.Errorf("notice %q, want %q", got, want)
	}
}
