package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"jobboard/internal/explorersim"
	"jobboard/internal/i18n"
	"jobboard/internal/testenv"
)

// langs are the two catalogs every message is checked in, with the
// Accept-Language a browser of that language sends.
var langs = []struct{ tag, accept string }{{i18n.English, "en"}, {"zh-CN", "zh-CN"}}

// setZoneCookie gives the browser the tz cookie static/app.js sets.
func (e *testEnv) setZoneCookie(t *testing.T, c *http.Client, zone string) {
	t.Helper()
	c.Jar.SetCookies(mustURL(t, e.app.URL), []*http.Cookie{{Name: "tz", Value: url.QueryEscape(zone), Path: "/"}})
}

func TestJobPageShowsTheReadersZoneFromTheCookie(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	job := findJob(t, e, "demo", withStatus(explorersim.StatusSuccess))
	ny := testenv.LoadZone(t, "America/New_York")
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		// Without the cookie (no JavaScript yet): the server's zone, named.
		doc := parseHTML(t, e.get(t, c, jobPath(job.ID), "Accept-Language", lang.accept).body)
		checkTime(t, doc, "job-created", job.Created, e.zone)
		if got, want := text(byClass(doc, "zone-note")[0]), l.T("jobs.zoneNote", "Asia/Shanghai"); got != want {
			t.Errorf("%s without cookie: zone note %q, want %q", lang.tag, got, want)
		}
	}
	e.setZoneCookie(t, c, "America/New_York")
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		// A direct link (no tz, no back): the reader's zone.
		doc := parseHTML(t, e.get(t, c, jobPath(job.ID), "Accept-Language", lang.accept).body)
		checkTime(t, doc, "job-created", job.Created, ny)
		checkTime(t, doc, "job-finished", job.End, ny)
		if got, want := text(byClass(doc, "zone-note")[0]), l.T("jobs.zoneNote", "America/New_York"); got != want {
			t.Errorf("%s: zone note %q, want %q", lang.tag, got, want)
		}
		// A link from a list in another zone still shows the reader's.
		doc = parseHTML(t, e.get(t, c, jobPath(job.ID)+"?tz=Europe%2FParis", "Accept-Language", lang.accept).body)
		checkTime(t, doc, "job-created", job.Created, ny)
	}
}

func TestZoneCookieIsValidated(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	job := findJob(t, e, "demo", withStatus(explorersim.StatusSuccess))
	// A blank name (spaces) names no zone either: the server's, not UTC.
	for _, bad := range []string{"Local", "Mars/Olympus", "../../etc/passwd", strings.Repeat("A", 80), "  "} {
		e.setZoneCookie(t, c, bad)
		a := e.get(t, c, jobPath(job.ID))
		if a.status != http.StatusOK {
			t.Fatalf("tz cookie %q: status %d", bad, a.status)
		}
		doc := parseHTML(t, a.body)
		checkTime(t, doc, "job-created", job.Created, e.zone)
	}
}

func TestLocalZoneIsNeverNamedLocal(t *testing.T) {
	e := newEnv(t, 0, func(_ *testEnv, o *Options) { o.DefaultZone = time.Local })
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	for _, lang := range langs {
		a := e.get(t, c, "/workflows/"+wf.ID+"/jobs", "Accept-Language", lang.accept)
		doc := parseHTML(t, a.body)
		notes := byClass(doc, "zone-note")
		if len(notes) == 0 {
			t.Fatalf("%s: no zone note", lang.tag)
		}
		if got := text(notes[0]); strings.Contains(got, "Local") {
			t.Errorf(`%s: zone note %q names "Local"`, lang.tag, got)
		}
	}
}

// firstRowTimes returns the texts of the <time> elements of the list's
// first row, with their "ago" hints left out.
func firstRowTimes(t *testing.T, body string) []string {
	t.Helper()
	doc := parseHTML(t, body)
	rows := findAll(doc, func(n *html.Node) bool { _, ok := attr(n, "data-job-id"); return ok && n.Data == "tr" })
	if len(rows) == 0 {
		t.Fatal("the list has no rows")
	}
	var out []string
	for _, tm := range byTag(rows[0], "time") {
		for _, ago := range byClass(tm, "ago") {
			ago.Parent.RemoveChild(ago)
		}
		out = append(out, strings.TrimSpace(text(tm)))
	}
	return out
}

func TestListTimesStayInTheReadersZoneWhateverTheURLsTZ(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	e.setZoneCookie(t, c, "America/New_York")
	wf := e.workflow(t, "demo")
	ny := testenv.LoadZone(t, "America/New_York")
	newest := e.jobsOf("demo", wf.ID)[0]
	path := "/workflows/" + wf.ID + "/jobs"
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		first := e.get(t, c, path, "Accept-Language", lang.accept)
		// The first filter change carries the browser's zone (app.js fills
		// the hidden tz field); another reader's link carries theirs.
		same := e.get(t, c, path+"?tz=America%2FNew_York", "Accept-Language", lang.accept)
		other := e.get(t, c, path+"?tz=Europe%2FParis", "Accept-Language", lang.accept)
		want := newest.Created.In(ny).Format("2006-01-02 15:04")
		for name, a := range map[string]answer{"no tz": first, "tz=New York": same, "tz=Paris": other} {
			if a.status != http.StatusOK {
				t.Fatalf("%s %s: status %d", lang.tag, name, a.status)
			}
			if got := firstRowTimes(t, a.body); len(got) == 0 || got[0] != want {
				t.Errorf("%s %s: first row created %q, want %q (New York)", lang.tag, name, got, want)
			}
		}
		note := func(a answer) string { return text(byID(parseHTML(t, a.body), "zone-note")) }
		if got, want := note(first), l.T("jobs.zoneNote", "America/New_York"); got != want {
			t.Errorf("%s: zone note %q, want %q", lang.tag, got, want)
		}
		if got, want := note(same), l.T("jobs.zoneNote", "America/New_York"); got != want {
			t.Errorf("%s tz=New York: zone note %q, want %q", lang.tag, got, want)
		}
		if got, want := note(other), l.T("jobs.zoneNoteTwo", "America/New_York", "Europe/Paris"); got != want {
			t.Errorf("%s tz=Paris: zone note %q, want %q", lang.tag, got, want)
		}
	}
}

func TestJobNameStampHint(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	// The simulator stamps names on Explorer's clock, UTC+08:00.
	job := findJob(t, e, "demo", withStatus(explorersim.StatusSuccess))
	stamp := job.Created.In(time.FixedZone("", 8*3600))
	if !strings.HasSuffix(job.Name, stamp.Format("_20060102150405")) {
		t.Fatalf("job name %q has no +08:00 stamp", job.Name)
	}
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		e.setZoneCookie(t, c, "America/New_York")
		doc := parseHTML(t, e.get(t, c, jobPath(job.ID), "Accept-Language", lang.accept).body)
		hint := byID(doc, "stamp-hint")
		if hint == nil {
			t.Fatalf("%s: no hint for a stamp on another clock than New York's", lang.tag)
		}
		if got, want := text(hint), l.T("job.stampHint", stamp.Format("2006-01-02 15:04"), "+08:00"); got != want {
			t.Errorf("%s: hint %q, want %q", lang.tag, got, want)
		}
		// A reader on Explorer's clock needs no hint.
		e.setZoneCookie(t, c, "Asia/Shanghai")
		doc = parseHTML(t, e.get(t, c, jobPath(job.ID), "Accept-Language", lang.accept).body)
		if byID(doc, "stamp-hint") != nil {
			t.Errorf("%s: hint shown although the stamp matches the Created time", lang.tag)
		}
		// The list says it once, under the table.
		list := "/workflows/" + job.WorkflowID + "/jobs"
		if n := byID(parseHTML(t, e.get(t, c, list, "Accept-Language", lang.accept).body), "stamp-note"); n != nil {
			t.Errorf("%s: list hint %q shown to a reader on Explorer's clock", lang.tag, text(n))
		}
		e.setZoneCookie(t, c, "America/New_York")
		n := byID(parseHTML(t, e.get(t, c, list, "Accept-Language", lang.accept).body), "stamp-note")
		if want := l.T("jobs.stampHint", "+08:00"); n == nil || text(n) != want {
			t.Errorf("%s: list hint %v, want %q", lang.tag, n != nil, want)
		}
	}
}
