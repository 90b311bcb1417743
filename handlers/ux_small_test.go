package handlers

import (
	"net/http"
	"strings"
	"testing"

	"jobboard/internal/explorersim"
	"jobboard/internal/i18n"
)

func TestPageBeyondTheBoundShowsTheLastPage(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		for _, page := range []string{"1000000", "1000001", "99999999999"} {
			a := e.get(t, c, "/workflows/"+wf.ID+"/jobs?page="+page, "Accept-Language", lang.accept)
			if a.status != http.StatusOK {
				t.Errorf("%s page=%s: status %d, want 200", lang.tag, page, a.status)
				continue
			}
			doc := parseHTML(t, a.body)
			if byID(doc, "f-page-error") != nil {
				t.Errorf("%s page=%s: called an invalid number: %q", lang.tag, page, text(byID(doc, "f-page-error")))
			}
			note := text(byID(doc, "past-end"))
			if !strings.HasPrefix(note, strings.SplitN(l.T("jobs.pastEnd", "\x00", "\x00"), "\x00", 2)[0]) || !strings.Contains(note, groupThousands(page)) {
				t.Errorf("%s page=%s: note %q", lang.tag, page, note)
			}
			if len(rowIDs(t, doc)) == 0 {
				t.Errorf("%s page=%s: the last page shows no rows", lang.tag, page)
			}
		}
	}
}

// groupThousands writes a decimal number with "," between thousands.
func groupThousands(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestOpenWorkflowZeroSaysWhy(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		for id, key := range map[string]string{"0000000000": "home.badIDZero", "0": "home.badIDZero", "abc": "home.badID"} {
			a := e.get(t, c, "/workflows/go?id="+id, "Accept-Language", lang.accept)
			doc := parseHTML(t, a.body)
			if a.status != http.StatusBadRequest || text(byID(doc, "open-id-error")) != l.T(key) {
				t.Errorf("%s id=%s: %d %q, want 400 %q", lang.tag, id, a.status, text(byID(doc, "open-id-error")), l.T(key))
			}
			if got := inputValue(t, doc, "open-id"); got != id {
				t.Errorf("%s id=%s: the box shows %q", lang.tag, id, got)
			}
		}
	}
}

// noscriptText returns the text of the <noscript> with the reload hint
// ("" when there is none). Parsers that run scripts read its content as
// text, so the hint is looked for in it.
func noscriptText(t *testing.T, body string) string {
	t.Helper()
	for _, n := range byTag(parseHTML(t, body), "noscript") {
		if s := text(n); strings.Contains(s, "reload-hint") || strings.Contains(s, "hint") {
			return s
		}
	}
	return ""
}

func TestWithoutScriptsARunningPageSaysReloadUpdatesIt(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	running := findJob(t, e, "demo", withStatus(explorersim.StatusRunning))
	done := findJob(t, e, "demo", withStatus(explorersim.StatusSuccess))
	for _, lang := range langs {
		hint := i18n.For(lang.tag).T("poll.reloadHint")
		for path, want := range map[string]bool{
			jobPath(running.ID):      true,
			jobPath(done.ID):         false,
			"/jobs?status=running":   true,
			"/jobs?status=succeeded": false,
		} {
			got := strings.Contains(noscriptText(t, e.get(t, c, path, "Accept-Language", lang.accept).body), hint)
			if got != want {
				t.Errorf("%s %s: reload hint shown %v, want %v", lang.tag, path, got, want)
			}
		}
	}
}

func TestRowsPerPageLabel(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	for _, lang := range langs {
		doc := parseHTML(t, e.get(t, c, "/jobs", "Accept-Language", lang.accept).body)
		sizes := byClass(doc, "sizes")
		if len(sizes) != 1 || !strings.HasPrefix(text(sizes[0]), i18n.For(lang.tag).T("pager.size")) {
			t.Errorf("%s: page size control reads %q", lang.tag, text(sizes[0]))
		}
	}
	if i18n.For(i18n.English).T("pager.size") != "Rows per page" {
		t.Error(`the page size control is not labelled "Rows per page"`)
	}
}
