package views

import (
	"bytes"
	"context"
	stdhtml "html"
	"math/rand"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/a-h/templ"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"jobboard/apiclient"
	"jobboard/internal/i18n"
	"jobboard/internal/jobquery"
	"jobboard/internal/testenv"
)

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
		doc := testenv.Parse(t, string(renderTo(t, JobListResults(d))))
		var heads []string
		for _, th := range testenv.ByTag(doc, "th") {
			heads = append(heads, testenv.Text(th))
		}
		rows := testenv.ByTag(testenv.ByTag(doc, "tbody")[0], "tr")
		if len(rows) != 1 {
			t.Fatalf("all=%v: %d rows, want 1", all, len(rows))
		}
		row := rows[0]
		if testenv.AttrValue(row, "data-job-id") != "115" || testenv.AttrValue(row, "data-status") != "failed" {
			t.Errorf("all=%v: row data-job-id %q data-status %q", all, testenv.AttrValue(row, "data-job-id"), testenv.AttrValue(row, "data-status"))
		}
		cells := testenv.ByTag(row, "td")
		if len(cells) != len(heads) {
			t.Fatalf("all=%v: %d cells under %d headings", all, len(cells), len(heads))
		}
		for i, td := range cells {
			// The sortable heading also says how it sorts; the label is the column's name.
			if label := testenv.AttrValue(td, "data-label"); label == "" || !strings.HasPrefix(heads[i], label) {
				t.Errorf("all=%v: cell %d labelled %q under heading %q", all, i, label, heads[i])
			}
		}
		link := testenv.ByTag(cells[0], "a")[0]
		u, err := url.Parse(testenv.AttrValue(link, "href"))
		// Page 2 of a live list: the way back is that page pinned as of now.
		back := d.Query.Pin().URL(d.Path)
		if err != nil || u.Path != "/jobs/115" || u.Query().Get("back") != back || !strings.Contains(back, "asof=2026-11-30T12%3A00%3A00Z") || testenv.Text(link) != "pagerank nightly" {
			t.Errorf("all=%v: job link %q (%q), want /jobs/115 back to %q", all, testenv.AttrValue(link, "href"), testenv.Text(link), back)
		}
		next := 1
		if all {
			wf := testenv.ByTag(cells[1], "a")
			if len(wf) != 1 || testenv.AttrValue(wf[0], "href") != "/workflows/42/jobs" || testenv.Text(wf[0]) != "pagerank" {
				t.Errorf("workflow cell %q", testenv.Text(cells[1]))
			}
			next = 2
		}
		if got := testenv.Text(cells[next]); got != "✕ Failed" || testenv.AttrValue(cells[next], "class") != "status-cell" {
			t.Errorf("all=%v: status cell %q class %q, want the icon and the word", all, got, testenv.AttrValue(cells[next], "class"))
		}
		times := testenv.ByTag(row, "time")
		if len(times) != 3 {
			t.Fatalf("all=%v: %d <time> elements, want 3", all, len(times))
		}
		for i, at := range []time.Time{d.Jobs[0].Created, d.Jobs[0].RunBegin, d.Jobs[0].RunEnd} {
			want := at.In(shanghai).Format("2006-01-02 15:04") + " " + d.L.Ago(at, now)
			if testenv.AttrValue(times[i], "datetime") != at.UTC().Format(time.RFC3339) || testenv.Text(times[i]) != want {
				t.Errorf("all=%v: time %d: datetime %q text %q, want %q in the reader's zone", all, i, testenv.AttrValue(times[i], "datetime"), testenv.Text(times[i]), want)
			}
		}
		if got := testenv.Text(cells[len(cells)-1]); got != "2 min 5 s" {
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
		span := testenv.ByTag(doc, "span")[0]
		if testenv.AttrValue(span, "class") != "status status-"+statusName(s) || testenv.Text(span) != statusIcon(s)+" "+statusLabel(l, s) {
			t.Errorf("status %d: class %q text %q", int(s), testenv.AttrValue(span, "class"), testenv.Text(span))
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
	tm := testenv.ByTag(doc, "time")[0]
	if testenv.AttrValue(tm, "datetime") != "2026-11-30T13:32:00Z" || testenv.Text(tm) != "2026-11-30 13:32 3 min ago" {
		t.Errorf("time: datetime %q text %q", testenv.AttrValue(tm, "datetime"), testenv.Text(tm))
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
		v := url.Values{"name": {filter}, "tz": {"Asia/Shanghai"}}
		if all {
			v.Set("page", "2") // the rows' way back is then pinned
		}
		q, _ := jobquery.Parse(v, time.UTC, now)
		d := JobList{
			Page: Page{L: i18n.For(lang)}, Path: "/workflows/42/jobs", Query: q, Now: now, All: all,
			Jobs: []apiclient.Job{{
				ID: id, Name: name, WorkflowID: wfID, WorkflowName: wfName, Status: apiclient.Status(status),
				Created: at(created), RunBegin: at(begin), RunEnd: at(end),
			}},
		}
		got := canonicalHTML(t, renderTo(t, jobRows(&d)), "tbody")
		want := canonicalHTML(t, renderTo(t, jobRowsTempl(&d)), "tbody")
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

// TestAppendDurationMatchesDuration checks that the jobs table's duration
// cell is duration's text, HTML-escaped, for jobs in every state, in both
// languages.
func TestAppendDurationMatchesDuration(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	now := time.Date(2026, 11, 30, 14, 32, 0, 0, time.UTC)
	for _, lang := range i18n.Supported() {
		l := i18n.For(lang)
		for i := range 3000 {
			j := apiclient.Job{Status: apiclient.Status(i % 7)}
			if i%5 != 0 {
				j.RunBegin = now.Add(-time.Duration(r.Int63n(int64(40 * 24 * time.Hour))))
			}
			if i%3 != 0 && !j.RunBegin.IsZero() {
				j.RunEnd = j.RunBegin.Add(time.Duration(r.Int63n(int64(30*time.Hour))) - time.Minute)
			}
			want := stdhtml.EscapeString(duration(l, j, now))
			if got := string(appendDuration([]byte("x|"), l, j, now)); got != "x|"+want {
				t.Fatalf("%s: %+v: cell %q, want %q", lang, j, got, "x|"+want)
			}
		}
	}
}

// TestAppendTimeAgo checks that the relative hint of a time cell is
// Ago's text, in both languages, for past and future instants.
func TestAppendTimeAgo(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	now := time.Date(2026, 11, 30, 14, 32, 0, 0, time.UTC)
	for _, lang := range i18n.Supported() {
		l := i18n.For(lang)
		for range 2000 {
			at := now.Add(time.Duration(r.Int63n(int64(80*24*time.Hour))) - 60*24*time.Hour)
			cell := string(appendTime(nil, l, l.T("format.datetime"), at, time.UTC, now))
			_, hint, ok := strings.Cut(cell, `<span class="ago">`)
			hint, _, _ = strings.Cut(hint, `</span>`)
			if want := stdhtml.EscapeString(l.Ago(at, now)); !ok || hint != want {
				t.Fatalf("%s: %v: cell %q, want the hint %q", lang, at, cell, want)
			}
		}
	}
}

// TestAppendEscapedMatchesTempl checks the cells' HTML escaping against
// templ.EscapeString on random text rich in the characters it replaces.
func TestAppendEscapedMatchesTempl(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	alphabet := []rune("ab <>&\"'数\\;#")
	for range 5000 {
		rs := make([]rune, r.Intn(12))
		for i := range rs {
			rs[i] = alphabet[r.Intn(len(alphabet))]
		}
		s := string(rs)
		want := "x|" + templ.EscapeString(s)
		if got := string(appendEscaped([]byte("x|"), s)); got != want {
			t.Fatalf("appendEscaped(%q) = %q, want %q", s, got, want)
		}
		if got := string(appendEscapedBytes([]byte("x|"), []byte(s))); got != want {
			t.Fatalf("appendEscapedBytes(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestFixedLayoutMatchesAppendFormat(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("x", -3*3600-1800)}
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		zones = append(zones, l)
	}
	for _, tm := range []time.Time{
		time.Date(2026, 11, 30, 13, 32, 5, 999, time.UTC),
		time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2000, 2, 29, 9, 7, 3, 0, time.FixedZone("y", 5*3600)),
	} {
		for _, z := range zones {
			if got, want := string(appendRFC3339UTC(nil, tm.In(z))), tm.UTC().Format(time.RFC3339); got != want {
				t.Errorf("rfc3339 %v: got %q want %q", tm, got, want)
			}
			for _, layout := range []string{dateTimeLayout, "2006/01/02 15:04"} {
				if got, want := string(appendLocalDateTime(nil, tm.In(z), layout)), tm.In(z).Format(layout); got != want {
					t.Errorf("local %v %s: got %q want %q", tm, layout, got, want)
				}
			}
		}
	}
}

func TestJobRowsEscapeHostileNames(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	d := JobList{
		Page:       Page{L: i18n.For("en"), Asset: func(n string) string { return "/static/" + n }},
		WorkflowID: "1", Path: "/workflows/1/jobs",
		Query: jobquery.Default(time.UTC, now),
		Jobs: []apiclient.Job{
			{ID: 1, Name: `<script>alert(1)</script>`, Status: apiclient.Status(7), Created: now.Add(-time.Hour)},
			{ID: 2, Name: `" hx-get="/logout`, Status: apiclient.StatusRunning, Created: now.Add(-time.Hour), RunBegin: now.Add(-3 * time.Minute)},
			{ID: 3, Name: "ok", Status: apiclient.StatusSuccess, Created: now.Add(-time.Hour), RunBegin: now.Add(-time.Hour), RunEnd: now.Add(-time.Hour + 125*time.Second)},
		},
		Total: 3, Now: now,
	}
	doc := testenv.Parse(t, string(renderTo(t, JobListResults(d))))
	var scripts, hxLogout int
	var cells []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if n.Data == "script" {
				scripts++
			}
			for _, a := range n.Attr {
				if a.Key == "hx-get" && a.Val == "/logout" {
					hxLogout++
				}
				if a.Key == "class" && (a.Val == "job-name" || a.Val == "duration") {
					cells = append(cells, testenv.Text(n))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if scripts != 0 || hxLogout != 0 {
		t.Errorf("injected markup: %d scripts, %d hx-get=/logout", scripts, hxLogout)
	}
	want := []string{`<script>alert(1)</script>`, "—", `" hx-get="/logout`, "running for 3 min", "ok", "2 min 5 s"}
	if strings.Join(cells, "|") != strings.Join(want, "|") {
		t.Errorf("cells %q, want %q", cells, want)
	}
	if !strings.Contains(testenv.Text(doc), "Unknown (7)") {
		t.Error("unknown status not shown as Unknown (7)")
	}
}

// TestJobTablesRenderedAtOnceStayApart checks that tables rendered at the
// same time, in both languages, each list their own rows under their own
// language's cell labels: the row buffers and the labels are shared
// between renders.
func TestJobTablesRenderedAtOnceStayApart(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	q, errs := jobquery.Parse(url.Values{}, time.UTC, now)
	if errs != nil {
		t.Fatal(errs)
	}
	type table struct {
		d     JobList
		ids   []string
		label string
	}
	var tables []table
	for i, lang := range []string{i18n.English, i18n.Chinese, i18n.English, i18n.Chinese} {
		d := JobList{Page: Page{L: i18n.For(lang)}, Path: "/workflows/42/jobs", Query: q, Now: now, Total: 500}
		var ids []string
		for r := range 30 + i*7 {
			id := int64(1000*(i+1) + r)
			d.Jobs = append(d.Jobs, apiclient.Job{ID: id, Name: strings.Repeat("n", r*13), Status: apiclient.StatusFailed, Created: now.Add(-time.Hour)})
			ids = append(ids, strconv.FormatInt(id, 10))
		}
		tables = append(tables, table{d: d, ids: ids, label: d.L.T("col.name")})
	}
	if tables[0].label == tables[1].label {
		t.Fatalf("the two languages name the column alike (%q): the test cannot tell them apart", tables[0].label)
	}
	var wg sync.WaitGroup
	for _, tb := range tables {
		for range 5 {
			wg.Go(func() {
				var buf bytes.Buffer
				if err := JobListResults(tb.d).Render(context.Background(), &buf); err != nil {
					t.Error(err)
					return
				}
				doc := testenv.Parse(t, buf.String())
				if got := testenv.RowIDs(testenv.ByID(doc, "jobs")); !slices.Equal(got, tb.ids) {
					t.Errorf("%s table: rows %v, want %v", tb.d.L.Lang(), got, tb.ids)
				}
				for _, td := range testenv.ByClass(doc, "job-name") {
					if got := testenv.AttrValue(td, "data-label"); got != tb.label {
						t.Errorf("%s table: name cell labelled %q, want %q", tb.d.L.Lang(), got, tb.label)
						return
					}
				}
			})
		}
	}
	wg.Wait()
}
