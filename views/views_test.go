package views

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"jobboard/apiclient"
	"jobboard/internal/i18n"
	"jobboard/internal/jobquery"
)

// TestMessageKeysExist finds every message key written as a literal in the
// views, handlers and jobquery and checks the English catalog has it.
func TestMessageKeysExist(t *testing.T) {
	l := i18n.For("en")
	key := regexp.MustCompile(`"((?:app|nav|unit|ago|status|login|home|jobs|job|col|filter|field|pager|problem|format|task|cancel|run|readonly)\.[A-Za-z.]*[A-Za-z])"`)
	var files []string
	for _, pattern := range []string{"*.templ", "*.go", "../handlers/*.go", "../internal/jobquery/*.go"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || strings.HasSuffix(f, "_templ.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(src), -1) {
			found++
			k := m[1]
			if strings.HasSuffix(k, ".css") || strings.HasSuffix(k, ".js") {
				continue // asset names, not messages
			}
			if !l.Has(k) && !(l.Has(k+".one") && l.Has(k+".other")) {
				t.Errorf("%s: key %q not in the English catalog", f, k)
			}
		}
	}
	if found < 50 {
		t.Fatalf("only %d keys found; the scan is broken", found)
	}
	for _, s := range apiclient.Statuses {
		if !l.Has("status."+statusName(s)) || !l.Has("home.lastrun."+statusName(s)) {
			t.Errorf("no message for status %v", s)
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
	var buf bytes.Buffer
	if err := JobListResults(d).Render(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
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
					cells = append(cells, textOf(n))
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
	if !strings.Contains(textOf(doc), "Unknown (7)") {
		t.Error("unknown status not shown as Unknown (7)")
	}
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}
