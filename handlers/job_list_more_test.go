package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"jobboard/internal/explorersim"
)

func TestJobListPastLastPageShowsLastPage(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	jobs := e.jobsOf("demo", wf.ID)
	last := (len(jobs) + 49) / 50
	a := e.get(t, c, "/workflows/"+wf.ID+"/jobs?page=999&size=50")
	if a.status != http.StatusOK {
		t.Fatalf("status %d, want 200", a.status)
	}
	doc := parseHTML(t, a.body)
	want, _ := expectedPage(jobs, filter{status: -1, page: last, size: 50})
	if got := rowIDs(t, doc); !slices.Equal(got, want) {
		t.Errorf("rows %v, want last page %v", got, want)
	}
	if note := text(byID(doc, "past-end")); !strings.Contains(note, "no page 999") {
		t.Errorf("note %q does not say the page does not exist", note)
	}
}

func TestJobListInvalidInput(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	jobs := e.jobsOf("demo", wf.ID)
	failed, _ := expectedPage(jobs, filter{status: 3, page: 1, size: 20})
	cases := []struct {
		name, query, errID, fieldID, keptValue, message string
		rows                                            []string // nil: not checked
	}{
		{"negative page", "?page=-3&status=failed", "f-page-error", "", "", "whole number", failed},
		{"unknown status", "?status=banana", "f-status-error", "", "", "“banana” is not a status", nil},
		{"to before from", "?from=2026-11-10&to=2026-11-01&status=failed", "f-to-error", "f-to", "2026-11-01", "before the start", nil},
		{"size 7", "?size=7&status=failed", "f-size-error", "", "", "10, 20, 50 or 100", failed},
		{"bad date", "?from=yesterday&status=failed", "f-from-error", "f-from", "yesterday", "Use a date like", failed},
		{"bad zone", "?tz=Mars%2FOlympus&status=failed", "f-tz-error", "f-tz", "Mars/Olympus", "not a known time zone", failed},
		{"bad order", "?order=up&status=failed", "f-order-error", "", "", "asc or desc", failed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := e.get(t, c, "/workflows/"+wf.ID+"/jobs"+tc.query)
			if a.status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400", a.status)
			}
			doc := parseHTML(t, a.body)
			if msg := text(byID(doc, tc.errID)); !strings.Contains(msg, tc.message) {
				t.Errorf("#%s says %q, want it to contain %q", tc.errID, msg, tc.message)
			}
			if tc.fieldID != "" {
				if got := inputValue(t, doc, tc.fieldID); got != tc.keptValue {
					t.Errorf("field %s keeps %q, want %q", tc.fieldID, got, tc.keptValue)
				}
			}
			if tc.rows != nil {
				if got := rowIDs(t, doc); !slices.Equal(got, tc.rows) {
					t.Errorf("other filters not applied: rows %v, want %v", got, tc.rows)
				}
			}
		})
	}
}

func TestJobListWorkflowErrors(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	cases := []struct {
		path    string
		status  int
		message string
	}{
		{"/workflows/abc/jobs", http.StatusBadRequest, "“abc” is not a workflow ID"},
		{"/workflows/9999999999/jobs", http.StatusNotFound, "No workflow 9999999999 in the account"},
	}
	// Another account's workflow is as unknown as a missing one.
	other := e.workflow(t, "analyst")
	cases = append(cases, struct {
		path    string
		status  int
		message string
	}{"/workflows/" + other.ID + "/jobs", http.StatusNotFound, "No workflow " + other.ID + " in the account you're signed in as (demo). It may belong to another account."})
	for _, tc := range cases {
		a := e.get(t, c, tc.path)
		if a.status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.path, a.status, tc.status)
			continue
		}
		doc := parseHTML(t, a.body)
		panel := byClass(doc, "problem")
		if len(panel) != 1 || !strings.Contains(text(panel[0]), tc.message) {
			t.Errorf("%s: panel %q, want %q", tc.path, text(doc), tc.message)
		}
		back := findAll(panel[0], func(n *html.Node) bool { h, _ := attr(n, "href"); return n.Data == "a" && h == "/" })
		if len(back) == 0 {
			t.Errorf("%s: no way back home", tc.path)
		}
	}
}

func TestJobListFragmentOrFullPage(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	path := "/workflows/" + wf.ID + "/jobs?status=failed"
	cases := []struct {
		name     string
		headers  []string
		fragment bool
	}{
		{"plain", nil, false},
		{"htmx partial", []string{"HX-Request", "true", "HX-Request-Type", "partial"}, true},
		{"htmx full", []string{"HX-Request", "true", "HX-Request-Type", "full"}, false},
		{"history restore", []string{"HX-Request", "true", "HX-Request-Type", "full", "HX-History-Restore-Request", "true"}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := e.get(t, c, path, tc.headers...)
			if a.status != http.StatusOK {
				t.Fatalf("status %d", a.status)
			}
			if !strings.Contains(a.header.Get("Vary"), "HX-Request") {
				t.Errorf("Vary %q lacks HX-Request", a.header.Get("Vary"))
			}
			doc := parseHTML(t, a.body)
			isFull := byID(doc, "filters") != nil && strings.Contains(strings.ToLower(a.body), "<!doctype html>")
			if isFull == tc.fragment {
				t.Errorf("full page = %v, want %v", isFull, !tc.fragment)
			}
			if byID(doc, "showing") == nil || len(rowIDs(t, doc)) == 0 {
				t.Errorf("results missing")
			}
			if tc.fragment && a.header.Get("HX-Push-Url") != path {
				t.Errorf("HX-Push-Url %q, want %q", a.header.Get("HX-Push-Url"), path)
			}
		})
	}
}

func TestJobListNonCanonicalURLRedirects(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	a := e.get(t, c, "/workflows/"+wf.ID+"/jobs?name=&status=FAILED&from=&to=&tz=&size=20&order=desc&page=1")
	want := "/workflows/" + wf.ID + "/jobs?status=failed"
	if a.status != http.StatusFound || a.header.Get("Location") != want {
		t.Fatalf("status %d Location %q, want 302 %q", a.status, a.header.Get("Location"), want)
	}
}

func TestJobListUpstreamFaults(t *testing.T) {
	e := newEnv(t, 300*time.Millisecond)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	cases := []struct {
		name    string
		fault   explorersim.Fault
		status  int
		message string
	}{
		{"hang", explorersim.Fault{Kind: explorersim.FaultHang}, http.StatusGatewayTimeout, "Explorer did not answer in time. Try again."},
		{"html 502", explorersim.Fault{Kind: explorersim.FaultHTML502}, http.StatusBadGateway, "could not be reached"},
		{"truncated", explorersim.Fault{Kind: explorersim.FaultTruncatedJSON}, http.StatusBadGateway, "could not be reached"},
		{"internal", explorersim.Fault{Kind: explorersim.FaultErrorEnvelope, Code: 50004000, Message: "secret-db-host:5432 down"}, http.StatusBadGateway, "could not be reached"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e.sim.SetFault(tc.fault)
			defer e.sim.SetFault(explorersim.Fault{})
			path := "/workflows/" + wf.ID + "/jobs?name=daily&status=failed"
			for _, fragment := range []bool{false, true} {
				var headers []string
				if fragment {
					headers = []string{"HX-Request", "true", "HX-Request-Type", "partial"}
				}
				a := e.get(t, c, path, headers...)
				if a.status != tc.status {
					t.Fatalf("fragment=%v: status %d, want %d", fragment, a.status, tc.status)
				}
				doc := parseHTML(t, a.body)
				panel := byClass(doc, "problem")
				if len(panel) != 1 || !strings.Contains(text(panel[0]), tc.message) {
					t.Fatalf("fragment=%v: panel %q", fragment, text(doc))
				}
				if strings.Contains(a.body, "secret-db-host") {
					t.Errorf("upstream text shown to the reader")
				}
				retry := findAll(panel[0], func(n *html.Node) bool { h, _ := attr(n, "href"); return n.Data == "a" && h == path })
				if len(retry) != 1 || text(retry[0]) != "Retry" {
					t.Errorf("fragment=%v: no Retry link to %s", fragment, path)
				}
				if !fragment {
					if v := inputValue(t, doc, "f-name"); v != "daily" {
						t.Errorf("name filter not kept: %q", v)
					}
				}
				if id := a.header.Get("X-Request-ID"); id == "" || !strings.Contains(e.logs.String(), id) {
					t.Errorf("request ID %q not logged", id)
				}
			}
		})
	}
	// Explorer back: the same URL works again.
	a := e.get(t, c, "/workflows/"+wf.ID+"/jobs?name=daily&status=failed")
	if a.status != http.StatusOK {
		t.Fatalf("after the fault: status %d", a.status)
	}
}

// TestCreatedHeaderTogglesOrder follows the sort link and the pager links
// as a browser without JavaScript would.
func TestCreatedHeaderAndPagerLinks(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	base := "/workflows/" + wf.ID + "/jobs"
	doc := parseHTML(t, e.get(t, c, base+"?status=succeeded").body)
	sort := byID(doc, "sort-created")
	th := sort.Parent
	if v, _ := attr(th, "aria-sort"); v != "descending" {
		t.Errorf("aria-sort %q, want descending", v)
	}
	href, _ := attr(sort, "href")
	if href != base+"?order=asc&status=succeeded" {
		t.Errorf("sort link %q", href)
	}
	doc = parseHTML(t, e.get(t, c, href).body)
	if v, _ := attr(byID(doc, "sort-created").Parent, "aria-sort"); v != "ascending" {
		t.Errorf("after toggle aria-sort %q, want ascending", v)
	}
	var next string
	for _, a := range byClass(doc, "page-link") {
		if rel, _ := attr(a, "data-rel"); rel == "next" {
			next, _ = attr(a, "href")
		}
	}
	if next != base+"?order=asc&page=2&status=succeeded" {
		t.Errorf("next link %q", next)
	}
	if v, _ := url.Parse(next); v == nil {
		t.Fatal("bad next link")
	}
}
