package handlers

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"jobboard/internal/explorersim"
)

// mergedTruth is the simulator's jobs of a workflow with one of the
// statuses, newest first (creation time, then ID).
func mergedTruth(e *testEnv, workflowID string, statuses ...int) []explorersim.JobRecord {
	var out []explorersim.JobRecord
	for _, j := range e.jobsOf("demo", workflowID) {
		if slices.Contains(statuses, j.Status) {
			out = append(out, j)
		}
	}
	return out
}

func ids(jobs []explorersim.JobRecord) []string {
	var out []string
	for _, j := range jobs {
		out = append(out, strconv.FormatInt(j.ID, 10))
	}
	return out
}

// TestStatusSetCanonicalURLs: every way of naming a set lands on one URL.
func TestStatusSetCanonicalURLs(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	base := "/workflows/" + e.workflow(t, "demo").ID + "/jobs"
	for in, want := range map[string]string{
		"?status=problems":                           "?status=failed,cancelled",
		"?status=cancelled&status=failed":            "?status=failed,cancelled", // the plain GET form
		"?status=Cancelled%2Cfailed%2C3":             "?status=failed,cancelled",
		"?status=inprogress":                         "?status=preparing,running,stopping",
		"?status=problems,inprogress,succeeded":      "",
		"?status=failed&status=":                     "?status=failed",
		"?name=&status=running&status=preparing&to=": "?status=preparing,running",
	} {
		resp := e.get(t, c, base+in)
		if resp.status != http.StatusFound || resp.header.Get("Location") != base+want {
			t.Errorf("%s: %d to %q, want 302 to %q", in, resp.status, resp.header.Get("Location"), base+want)
		}
	}
	// The canonical URL is served as it is.
	if resp := e.get(t, c, base+"?status=failed,cancelled"); resp.status != http.StatusOK {
		t.Errorf("canonical set URL: status %d", resp.status)
	}
	// A bad word: 400, the message next to the field, the typed value kept.
	resp := e.get(t, c, base+"?status=failed,bogus&name=rank")
	doc := parseHTML(t, resp.body)
	msg := byID(doc, "f-status-error")
	if resp.status != http.StatusBadRequest || msg == nil || !strings.Contains(text(msg), "failed,bogus") {
		t.Errorf("bad status: %d, message %v", resp.status, msg)
	}
	if v := inputValue(t, doc, "f-name"); v != "rank" {
		t.Errorf("bad status: name field %q, want the other filters kept", v)
	}
}

// TestStatusSetForm: one checkbox per status in a fieldset with a legend,
// the set's boxes ticked, and the shortcuts linking to their sets.
func TestStatusSetForm(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	base := "/workflows/" + e.workflow(t, "demo").ID + "/jobs"
	doc := parseHTML(t, e.get(t, c, base+"?name=x&status=failed,cancelled").body)
	fs := byID(doc, "f-status")
	if fs == nil || fs.Data != "fieldset" || len(byTag(fs, "legend")) != 1 || text(byTag(fs, "legend")[0]) != "Status" {
		t.Fatalf("#f-status is not a fieldset with the legend Status")
	}
	var ticked, all []string
	for _, in := range byTag(fs, "input") {
		if typ, _ := attr(in, "type"); typ != "checkbox" {
			continue
		}
		if name, _ := attr(in, "name"); name != "status" {
			t.Errorf("checkbox named %q, want status", name)
		}
		v, _ := attr(in, "value")
		all = append(all, v)
		if _, on := attr(in, "checked"); on {
			ticked = append(ticked, v)
		}
	}
	if strings.Join(all, ",") != "preparing,running,succeeded,failed,cancelled,stopping" || strings.Join(ticked, ",") != "failed,cancelled" {
		t.Errorf("checkboxes %v, ticked %v", all, ticked)
	}
	for id, want := range map[string]string{
		"f-status-problems":   base + "?name=x&status=failed,cancelled",
		"f-status-inprogress": base + "?name=x&status=preparing,running,stopping",
	} {
		a := byID(doc, id)
		if a == nil {
			t.Errorf("no #%s", id)
			continue
		}
		if href, _ := attr(a, "href"); href != want {
			t.Errorf("#%s href %q, want %q", id, href, want)
		}
		_, current := attr(a, "aria-current")
		if current != (id == "f-status-problems") {
			t.Errorf("#%s aria-current %v", id, current)
		}
	}
	// Chinese labels.
	zc := e.browser(t)
	e.postForm(t, zc, "/login", url.Values{"account": {"demo"}, "password": {"demo"}, "next": {"/"}}, "Accept-Language", "zh-CN")
	zh := parseHTML(t, e.get(t, zc, base+"?status=failed", "Accept-Language", "zh-CN").body)
	if a := byID(zh, "f-status-problems"); a == nil || !strings.Contains(text(a), "问题") {
		t.Errorf("Chinese shortcut label missing")
	}
}

// TestStatusSetMergedPages: page 1 and page 3 of failed or cancelled are
// the newest-first merge of both statuses, with the summed total, at k
// and at most 4·k upstream calls; one status stays one call.
func TestStatusSetMergedPages(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	base := "/workflows/" + wf.ID + "/jobs"
	truth := mergedTruth(e, wf.ID, explorersim.StatusFailed, explorersim.StatusInterrupted)
	if len(truth) < 45 {
		t.Fatalf("seed data: %d failed or cancelled jobs, need 45", len(truth))
	}
	for _, tc := range []struct {
		query    string
		page     int
		maxCalls int64
	}{
		{"?status=failed,cancelled", 1, 2},
		{"?page=3&status=failed,cancelled", 3, 8},
		{"?page=3&size=10&status=failed,cancelled", 3, 2}, // positions 20–29: within the first 100
	} {
		before := e.sim.Calls()
		resp := e.get(t, c, base+tc.query, "HX-Request", "true", "HX-Target", "results")
		calls := e.sim.Calls() - before
		if resp.status != http.StatusOK {
			t.Fatalf("%s: status %d", tc.query, resp.status)
		}
		size := 20
		if strings.Contains(tc.query, "size=10") {
			size = 10
		}
		lo := (tc.page - 1) * size
		want := ids(truth[lo:min(len(truth), lo+size)])
		doc := parseHTML(t, resp.body)
		if got := rowIDs(t, doc); !slices.Equal(got, want) {
			t.Errorf("%s: rows %v, want %v", tc.query, got, want)
		}
		if s := byID(doc, "showing"); s == nil || !strings.Contains(text(s), "of "+strconv.Itoa(len(truth))+" jobs") {
			t.Errorf("%s: summary %q, want the total %d", tc.query, text(s), len(truth))
		}
		if calls > tc.maxCalls {
			t.Errorf("%s: %d upstream calls, want at most %d", tc.query, calls, tc.maxCalls)
		}
	}
	before := e.sim.Calls()
	e.get(t, c, base+"?page=3&status=failed", "HX-Request", "true", "HX-Target", "results")
	if calls := e.sim.Calls() - before; calls != 1 {
		t.Errorf("one status: %d upstream calls, want 1", calls)
	}
}

// TestStatusSetExport streams the merged list in order.
func TestStatusSetExport(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	resp := e.get(t, c, "/workflows/"+wf.ID+"/jobs/export.csv?status=problems")
	if resp.status != http.StatusOK {
		t.Fatalf("export: status %d", resp.status)
	}
	if cd := resp.header.Get("Content-Disposition"); !strings.Contains(cd, "-failed-cancelled-") {
		t.Errorf("file name %q, want it to name both statuses", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(resp.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows[1:] {
		got = append(got, r[0])
	}
	if want := ids(mergedTruth(e, wf.ID, explorersim.StatusFailed, explorersim.StatusInterrupted)); !slices.Equal(got, want) {
		t.Errorf("export: %d rows, want the %d failed or cancelled jobs newest first", len(got), len(want))
	}
}
