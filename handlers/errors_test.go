package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"jobboard/apiclient"
	"jobboard/internal/explorersim"
	"jobboard/internal/i18n"
)

// pageTitle returns the <h1> of a page.
func pageTitle(t *testing.T, body string) string {
	t.Helper()
	h1 := byTag(parseHTML(t, body), "h1")
	if len(h1) == 0 {
		t.Fatal("the page has no <h1>")
	}
	return text(h1[0])
}

// hasHeader reports whether the page's header shows the signed-in reader
// (navigation and the Sign out button).
func hasHeader(t *testing.T, body string) bool {
	t.Helper()
	doc := parseHTML(t, body)
	return len(byClass(doc, "signout")) == 1 && byID(doc, "nav-all-jobs") != nil
}

func TestErrorPagesKeepTheHeaderAndSayWhatHappened(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	job := findJob(t, e, "demo", withStatus(explorersim.StatusSuccess))
	cases := []struct {
		name, path string
		status     int
		title      string
		fault      *explorersim.Fault
	}{
		{"no route", "/no/such/page", http.StatusNotFound, "problem.title.notFound", nil},
		{"no asset", "/static/nope.css", http.StatusNotFound, "problem.title.notFound", nil},
		{"an asset's name without its hash", "/static/app.css", http.StatusNotFound, "problem.title.notFound", nil},
		{"unknown workflow", "/workflows/9999999999/jobs", http.StatusNotFound, "problem.title.workflow", nil},
		{"unknown job", "/jobs/999999999", http.StatusNotFound, "problem.title.job", nil},
		{"bad job ID", "/jobs/abc", http.StatusBadRequest, "problem.title.address", nil},
		{"Explorer down", jobPath(job.ID), http.StatusBadGateway, "problem.title.explorer",
			&explorersim.Fault{Kind: explorersim.FaultHTML502, PathPrefix: "/api-open/v1/jobs"}},
		{"run form of an unknown workflow", "/workflows/9999999999/run", http.StatusNotFound, "problem.title.workflow", nil},
		{"export with a bad filter", "/jobs/export.csv?status=bogus", http.StatusBadRequest, "problem.title.address", nil},
	}
	for _, tc := range cases {
		for _, lang := range langs {
			l := i18n.For(lang.tag)
			if tc.fault != nil {
				e.sim.SetFault(*tc.fault)
			}
			a := e.get(t, c, tc.path, "Accept-Language", lang.accept)
			e.sim.SetFault(explorersim.Fault{})
			if a.status != tc.status {
				t.Errorf("%s %s: status %d, want %d", tc.name, lang.tag, a.status, tc.status)
				continue
			}
			if got, want := pageTitle(t, a.body), l.T(tc.title); got != want {
				t.Errorf("%s %s: title %q, want %q", tc.name, lang.tag, got, want)
			}
			if !hasHeader(t, a.body) {
				t.Errorf("%s %s: the error page dropped the header", tc.name, lang.tag)
			}
			if tc.path == "/workflows/"+wf.ID+"/jobs" {
				t.Fatal("test case names a real workflow")
			}
		}
	}
	// Signed out, a missing page has no header to keep.
	for _, p := range []string{"/no/such/page", "/static/nope.css"} {
		a := e.get(t, e.browser(t), p)
		if a.status != http.StatusNotFound || hasHeader(t, a.body) || pageTitle(t, a.body) != "Page not found" {
			t.Errorf("signed out 404 of %s: %d, header %v, title %q", p, a.status, hasHeader(t, a.body), pageTitle(t, a.body))
		}
	}
}

func TestAnotherAccountsWorkflowOrJob(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "analyst")
	theirs := e.workflow(t, "demo")
	theirJob := e.sim.Jobs("demo")[0]
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		for _, tc := range []struct{ path, key, id string }{
			{"/workflows/" + theirs.ID + "/jobs?status=failed", "problem.otherWorkflow", theirs.ID},
			{jobPath(theirJob.ID), "problem.otherJob", strconv.FormatInt(theirJob.ID, 10)},
		} {
			a := e.get(t, c, tc.path, "Accept-Language", lang.accept)
			doc := parseHTML(t, a.body)
			if a.status != http.StatusNotFound {
				t.Fatalf("%s %s: status %d", lang.tag, tc.path, a.status)
			}
			msg := byClass(doc, "problem-message")
			if want := l.T(tc.key, tc.id, "analyst"); len(msg) != 1 || text(msg[0]) != want {
				t.Errorf("%s %s: message %q, want %q", lang.tag, tc.path, text(doc), want)
			}
			sw := byID(doc, "switch-account")
			if sw == nil {
				t.Fatalf("%s %s: no sign-in-as-someone-else link", lang.tag, tc.path)
			}
			if href, _ := attr(sw, "href"); href != "/login?next="+url.QueryEscape(tc.path) {
				t.Errorf("%s %s: switch link %q", lang.tag, tc.path, href)
			}
			if text(sw) != l.T("problem.signInOther") {
				t.Errorf("%s: link text %q", lang.tag, text(sw))
			}
			if strings.Contains(a.body, theirs.Name) {
				t.Error("another account's workflow name leaked")
			}
		}
	}
	// Signing in as the other account from that link lands on the page.
	path := "/workflows/" + theirs.ID + "/jobs?status=failed"
	in := e.postForm(t, c, "/login", url.Values{"account": {"demo"}, "password": {"demo"}, "next": {path}})
	if in.header.Get("Location") != path {
		t.Fatalf("sign in as demo went to %q", in.header.Get("Location"))
	}
	if a := e.get(t, c, path); a.status != http.StatusOK {
		t.Errorf("as demo: %s answered %d", path, a.status)
	}
}

func TestAnotherAccountsWorkflowWithAToken(t *testing.T) {
	e := newEnv(t, 0)
	client, err := apiclient.New(e.simHS.URL)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := client.Connect(context.Background(), "analyst", "analyst", "graphd.internal", 9669)
	if err != nil {
		t.Fatal(err)
	}
	c := e.browser(t)
	if a := e.postForm(t, c, "/login", url.Values{"token": {string(creds.Token)}}); a.status != http.StatusSeeOther {
		t.Fatalf("token sign-in: %d", a.status)
	}
	theirs := e.workflow(t, "demo")
	for _, lang := range langs {
		a := e.get(t, c, "/workflows/"+theirs.ID+"/jobs", "Accept-Language", lang.accept)
		msg := byClass(parseHTML(t, a.body), "problem-message")
		if want := i18n.For(lang.tag).T("problem.otherWorkflowT", theirs.ID); len(msg) != 1 || text(msg[0]) != want {
			t.Errorf("%s: message %q, want %q", lang.tag, text(parseHTML(t, a.body)), want)
		}
		if strings.Contains(a.body, string(creds.Token)) {
			t.Error("the token is in the page")
		}
	}
}

// The "couldn't reach jobboard" message is shown by static/app.js when a
// request gets no answer; its words come with the page, in the reader's
// language: the list's over the results, the page's elsewhere.
func TestOfflineMessagesComeWithThePage(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		doc := parseHTML(t, e.get(t, c, "/workflows/"+wf.ID+"/jobs", "Accept-Language", lang.accept).body)
		if got, _ := attr(byID(doc, "results"), "data-offline-text"); got != l.T("offline.list") {
			t.Errorf("%s: results offline text %q", lang.tag, got)
		}
		main := byID(doc, "main")
		if got, _ := attr(main, "data-offline-text"); got != l.T("offline.page") {
			t.Errorf("%s: page offline text %q", lang.tag, got)
		}
		if got, _ := attr(main, "data-offline-retry"); got != l.T("offline.retry") {
			t.Errorf("%s: retry text %q", lang.tag, got)
		}
		job := parseHTML(t, e.get(t, c, jobPath(e.jobsOf("demo", wf.ID)[0].ID), "Accept-Language", lang.accept).body)
		if got, _ := attr(byID(job, "job-detail"), "data-offline-text"); got != l.T("offline.page") {
			t.Errorf("%s: job region offline text %q", lang.tag, got)
		}
	}
}

// TestExplorerNotFoundWithoutAnIDIsExplorersFailure: Explorer's not-found
// for a call that names no ID (the list of every job, the home page's
// recent runs) is Explorer failing, a 502 saying so with a Retry; the page
// itself exists.
func TestExplorerNotFoundWithoutAnIDIsExplorersFailure(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	e.sim.SetFault(explorersim.Fault{Kind: explorersim.FaultErrorEnvelope, Code: 40404000, HTTPStatus: http.StatusNotFound, PathPrefix: "/api-open/v1/jobs"})
	defer e.sim.SetFault(explorersim.Fault{})
	for _, path := range []string{"/jobs", "/"} {
		for _, lang := range langs {
			a := e.get(t, c, path, "Accept-Language", lang.accept)
			if a.status != http.StatusBadGateway {
				t.Errorf("%s (%s): status %d, want 502", path, lang.tag, a.status)
			}
			if want := i18n.For(lang.tag).T("problem.missing"); !strings.Contains(text(parseHTML(t, a.body)), want) {
				t.Errorf("%s (%s): page lacks %q", path, lang.tag, want)
			}
		}
	}
}

// TestExplorersOwnErrorIsNotCalledUnreachable: an envelope with one of
// Explorer's internal error codes (5000400x, 90004000, any unknown code) is
// an answer that was read; the page says Explorer reported an error, in
// the reader's language, never that it could not be reached or read.
func TestExplorersOwnErrorIsNotCalledUnreachable(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	job := findJob(t, e, "demo", withStatus(explorersim.StatusSuccess))
	for _, code := range []int{apiclient.CodeInternalServer, apiclient.CodeInternalDatabase, apiclient.CodeInternalController,
		apiclient.CodeInternalLicense, apiclient.CodeUnknown, 12345678} {
		for _, path := range []string{"/jobs", jobPath(job.ID)} {
			for _, lang := range langs {
				l := i18n.For(lang.tag)
				e.sim.SetFault(explorersim.Fault{Kind: explorersim.FaultErrorEnvelope, Code: code, HTTPStatus: http.StatusOK, PathPrefix: "/api-open/v1/jobs"})
				a := e.get(t, c, path, "Accept-Language", lang.accept)
				e.sim.SetFault(explorersim.Fault{})
				if a.status != http.StatusBadGateway {
					t.Errorf("code %d %s (%s): status %d, want 502", code, path, lang.tag, a.status)
					continue
				}
				page := text(parseHTML(t, a.body))
				if want := l.T("problem.explorerError"); !strings.Contains(page, want) {
					t.Errorf("code %d %s (%s): page lacks %q: %s", code, path, lang.tag, want, page)
				}
				if wrong := l.T("problem.unavailable"); strings.Contains(page, wrong) {
					t.Errorf("code %d %s (%s): page says %q of an answer it read", code, path, lang.tag, wrong)
				}
				if got, want := pageTitle(t, a.body), l.T("problem.title.explorerError"); path != "/jobs" && got != want {
					t.Errorf("code %d %s (%s): title %q, want %q", code, path, lang.tag, got, want)
				}
			}
		}
	}
}
