package views

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"jobboard/apiclient"
	"jobboard/internal/i18n"
	"jobboard/internal/jobquery"
)

func elements(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// TestJobRowsMarkup checks what readers and scripts rely on in every row
// of the jobs table: the job and status for the live refresh, each cell
// labelled with its column (phone layout), times in the reader's zone
// inside <time> with the UTC instant, the status in words, and a job link
// that leads back to the same list.
func TestJobRowsMarkup(t *testing.T) {
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	q, errs := jobquery.Parse(url.Values{"tz": {"Asia/Shanghai"}, "status": {"failed"}, "page": {"2"}}, time.UTC, now)
	if errs != nil {
		t.Fatal(errs)
	}
	for _, all := range []bool{false, true} {
		d := JobList{
			Page: Page{L: i18n.For(i18n.English)}, Path: "/workflows/42/jobs", Query: q, Now: now, All: all, Total: 30,
			Jobs: []apiclient.Job{{
				ID: 115, Name: "pagerank nightly", WorkflowID: "42", WorkflowName: "pagerank", Status: apiclient.StatusFailed,
				Created: now.Add(-3 * time.Hour), RunBegin: now.Add(-3*time.Hour + 2*time.Second),
				RunEnd: now.Add(-3*time.Hour + 127*time.Second),
			}},
		}
		var buf bytes.Buffer
		if err := JobListResults(d).Render(context.Background(), &buf); err != nil {
			t.Fatal(err)
		}
		doc, err := html.Parse(&buf)
		if err != nil {
			t.Fatal(err)
		}
		var heads []string
		for _, th := range elements(doc, "th") {
			heads = append(heads, textOf(th))
		}
		rows := elements(elements(doc, "tbody")[0], "tr")
		if len(rows) != 1 {
			t.Fatalf("all=%v: %d rows, want 1", all, len(rows))
		}
		row := rows[0]
		if attrOf(row, "data-job-id") != "115" || attrOf(row, "data-status") != "failed" {
			t.Errorf("all=%v: row data-job-id %q data-status %q", all, attrOf(row, "data-job-id"), attrOf(row, "data-status"))
		}
		cells := elements(row, "td")
		if len(cells) != len(heads) {
			t.Fatalf("all=%v: %d cells under %d headings", all, len(cells), len(heads))
		}
		for i, td := range cells {
			// The sortable heading also says how it sorts; the label is the column's name.
			if label := attrOf(td, "data-label"); label == "" || !strings.HasPrefix(heads[i], label) {
				t.Errorf("all=%v: cell %d labelled %q under heading %q", all, i, label, heads[i])
			}
		}
		link := elements(cells[0], "a")[0]
		u, err := url.Parse(attrOf(link, "href"))
		if err != nil || u.Path != "/jobs/115" || u.Query().Get("back") != d.ListURL() || textOf(link) != "pagerank nightly" {
			t.Errorf("all=%v: job link %q (%q), want /jobs/115 back to %q", all, attrOf(link, "href"), textOf(link), d.ListURL())
		}
		next := 1
		if all {
			wf := elements(cells[1], "a")
			if len(wf) != 1 || attrOf(wf[0], "href") != "/workflows/42/jobs" || textOf(wf[0]) != "pagerank" {
				t.Errorf("workflow cell %q", textOf(cells[1]))
			}
			next = 2
		}
		if got := textOf(cells[next]); got != "✕ Failed" || attrOf(cells[next], "class") != "status-cell" {
			t.Errorf("all=%v: status cell %q class %q, want the icon and the word", all, got, attrOf(cells[next], "class"))
		}
		times := elements(row, "time")
		if len(times) != 3 {
			t.Fatalf("all=%v: %d <time> elements, want 3", all, len(times))
		}
		for i, at := range []time.Time{d.Jobs[0].Created, d.Jobs[0].RunBegin, d.Jobs[0].RunEnd} {
			want := at.In(shanghai).Format("2006-01-02 15:04") + " " + d.L.Ago(at, now)
			if attrOf(times[i], "datetime") != at.UTC().Format(time.RFC3339) || textOf(times[i]) != want {
				t.Errorf("all=%v: time %d: datetime %q text %q, want %q in the reader's zone", all, i, attrOf(times[i], "datetime"), textOf(times[i]), want)
			}
		}
		if got := textOf(cells[len(cells)-1]); got != "2 min 5 s" {
			t.Errorf("all=%v: duration %q", all, got)
		}
	}
}

// TestStatusBadgeAndTimeComponents checks the two components other pages
// use on their own: every status in words (unknown codes too) and the
// em dash for a time that is not set.
func TestStatusBadgeAndTimeComponents(t *testing.T) {
	l := i18n.For(i18n.English)
	for _, s := range append(apiclient.Statuses, apiclient.Status(9)) {
		var buf bytes.Buffer
		if err := StatusBadge(l, s).Render(context.Background(), &buf); err != nil {
			t.Fatal(err)
		}
		doc, _ := html.Parse(&buf)
		span := elements(doc, "span")[0]
		if attrOf(span, "class") != "status status-"+statusName(s) || textOf(span) != statusIcon(s)+" "+statusLabel(l, s) {
			t.Errorf("status %d: class %q text %q", int(s), attrOf(span, "class"), textOf(span))
		}
		if s.Known() && statusKeys[s] != "status."+statusName(s) {
			t.Errorf("status %d: key %q", int(s), statusKeys[s])
		}
	}
	var buf bytes.Buffer
	if err := Time(l, time.Time{}, time.UTC, time.Now()).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	if buf.String() != `<span class="none">—</span>` {
		t.Errorf("zero time: %q", buf.String())
	}
	buf.Reset()
	at := time.Date(2026, 11, 30, 13, 32, 0, 0, time.UTC)
	if err := Time(l, at, nil, at.Add(3*time.Minute)).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	doc, _ := html.Parse(&buf)
	tm := elements(doc, "time")[0]
	if attrOf(tm, "datetime") != "2026-11-30T13:32:00Z" || textOf(tm) != "2026-11-30 13:32 3 min ago" {
		t.Errorf("time: datetime %q text %q", attrOf(tm, "datetime"), textOf(tm))
	}
}

// canonicalHTML parses a fragment of markup in the context of parent (a
// tbody or a td) and renders it again, without the whitespace-only text
// between elements that templ and the hand-written writer lay out
// differently: what is left is what a browser builds from it.
func canonicalHTML(t *testing.T, markup []byte, parent string) string {
	t.Helper()
	ctx := &html.Node{Type: html.ElementNode, Data: parent, DataAtom: atomOf(parent)}
	nodes, err := html.ParseFragment(bytes.NewReader(markup), ctx)
	if err != nil {
		t.Fatalf("parse %q: %v", markup, err)
	}
	var strip func(*html.Node)
	strip = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type == html.TextNode && strings.TrimSpace(c.Data) == "" && c.PrevSibling != nil && c.PrevSibling.Type == html.ElementNode && (next == nil || next.Type == html.ElementNode) {
				n.RemoveChild(c)
			} else {
				strip(c)
			}
			c = next
		}
	}
	var b strings.Builder
	for _, n := range nodes {
		strip(n)
		if err := html.Render(&b, n); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

func atomOf(tag string) atom.Atom { return atom.Lookup([]byte(tag)) }

func renderTo(t *testing.T, c templ.Component) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := c.Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzJobRowsMatchTempl renders random jobs (any text in names, workflow
// names and IDs, any status, times on either side of now, a name filter
// that goes into every row's back link) with the hand-written row writer
// and with its templ reference (cells.templ), and requires the same
// document from both: the hand-written escaping and URLs hold wherever
// templ's do.
func FuzzJobRowsMatchTempl(f *testing.F) {
	f.Add(int64(115), "workflow_q745a_1", "wf", "4216617528", 3, int64(-600), int64(-590), int64(-5), false, "", false)
	f.Add(int64(-1), `<script>alert("x")</script>&amp;'`, `"><img src=x>`, "javascript:alert(1)", 9, int64(90000), int64(0), int64(-1), true, `a&b=<c>"'`, true)
	f.Add(int64(0), "", "", "", -1, int64(0), int64(-86400*400), int64(0), true, "\x00\xff", false)
	f.Fuzz(func(t *testing.T, id int64, name, wfName, wfID string, status int, created, begin, end int64, all bool, filter string, chinese bool) {
		now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		at := func(s int64) time.Time {
			if s == 0 {
				return time.Time{}
			}
			return now.Add(time.Duration(s%(1<<32)) * time.Second)
		}
		lang := i18n.English
		if chinese {
			lang = i18n.Chinese
		}
		q, _ := jobquery.Parse(url.Values{"name": {filter}, "tz": {"Asia/Shanghai"}}, time.UTC, now)
		d := JobList{
			Page: Page{L: i18n.For(lang)}, Path: "/workflows/42/jobs", Query: q, Now: now, All: all,
			Jobs: []apiclient.Job{{
				ID: id, Name: name, WorkflowID: wfID, WorkflowName: wfName, Status: apiclient.Status(status),
				Created: at(created), RunBegin: at(begin), RunEnd: at(end),
			}},
		}
		got := canonicalHTML(t, renderTo(t, jobRows(d)), "tbody")
		want := canonicalHTML(t, renderTo(t, jobRowsTempl(d)), "tbody")
		if got != want {
			t.Fatalf("hand-written rows:\n%s\ntempl's:\n%s", got, want)
		}
		j := d.Jobs[0]
		if got, want := canonicalHTML(t, renderTo(t, StatusBadge(d.L, j.Status)), "td"), canonicalHTML(t, renderTo(t, statusBadgeTempl(d.L, j.Status)), "td"); got != want {
			t.Fatalf("status badge %s, templ's %s", got, want)
		}
		zone := q.Location()
		if got, want := canonicalHTML(t, renderTo(t, Time(d.L, j.Created, zone, now)), "td"), canonicalHTML(t, renderTo(t, timeTempl(d.L, j.Created, zone, now)), "td"); got != want {
			t.Fatalf("time %s, templ's %s", got, want)
		}
	})
}
