package handlers

import (
	"net/http"
	"strings"
	"testing"

	"jobboard/internal/i18n"
)

func TestHomeListsRecentWorkflows(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	a := e.get(t, c, "/")
	if a.status != http.StatusOK {
		t.Fatalf("status %d", a.status)
	}
	doc := parseHTML(t, a.body)
	recent := byID(doc, "recent")
	if recent == nil {
		t.Fatal("no recent workflows list")
	}
	// Truth: the newest job of each workflow among the 100 newest jobs.
	newest := map[string]string{} // workflow ID → status word of its newest job
	words := []string{"Preparing", "Running", "Succeeded", "Failed", "Cancelled", "Stopping"}
	for i, j := range e.sim.Jobs("demo") {
		if i >= recentJobs {
			break
		}
		if _, seen := newest[j.WorkflowID]; !seen {
			newest[j.WorkflowID] = words[j.Status]
		}
	}
	items := byTag(recent, "li")
	if len(items) != len(newest) {
		t.Fatalf("%d workflows listed, want %d", len(items), len(newest))
	}
	for _, li := range items {
		link := byTag(li, "a")[0]
		href, _ := attr(link, "href")
		id := strings.TrimSuffix(strings.TrimPrefix(href, "/workflows/"), "/jobs")
		want, ok := newest[id]
		if !ok {
			t.Errorf("listed workflow %s is not among the recent jobs", id)
			continue
		}
		badge := byClass(li, "status")
		if len(badge) != 1 || !strings.Contains(text(badge[0]), want) {
			t.Errorf("workflow %s: badge %q, want %q", id, text(li), want)
		}
		if lr := text(byClass(li, "last-run")[0]); !strings.HasPrefix(lr, "Last run") || !(strings.Contains(lr, "ago") || strings.Contains(lr, "just now")) {
			t.Errorf("workflow %s: last run %q", id, lr)
		}
	}
}

func TestOpenWorkflowByID(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	a := e.get(t, c, "/workflows/go?id=+4216617528+")
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/workflows/4216617528/jobs" {
		t.Fatalf("valid ID: %d %q", a.status, a.header.Get("Location"))
	}
	a = e.get(t, c, "/workflows/go?id=42x")
	if a.status != http.StatusBadRequest {
		t.Fatalf("invalid ID: status %d, want 400", a.status)
	}
	doc := parseHTML(t, a.body)
	if got := inputValue(t, doc, "open-id"); got != "42x" {
		t.Errorf("typed value not kept: %q", got)
	}
	if msg := text(byID(doc, "open-id-error")); !strings.Contains(msg, "is a number") {
		t.Errorf("message %q", msg)
	}
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

// Two different IDs in the address open neither: the box says so, in
// both languages, keeping the first as typed.
func TestOpenWorkflowRepeatedIDSaysSo(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	for _, lang := range langs {
		a := e.get(t, c, "/workflows/go?id=4216617528&id=42", "Accept-Language", lang.accept)
		doc := parseHTML(t, a.body)
		want := i18n.For(lang.tag).T("home.badIDRepeated", "“4216617528”, “42”")
		if a.status != http.StatusBadRequest || text(byID(doc, "open-id-error")) != want {
			t.Errorf("%s: %d %q (Location %q), want 400 %q", lang.tag, a.status, text(byID(doc, "open-id-error")), a.header.Get("Location"), want)
		}
		if got := inputValue(t, doc, "open-id"); got != "4216617528" {
			t.Errorf("%s: the box shows %q", lang.tag, got)
		}
	}
	if a := e.get(t, c, "/workflows/go?id=42&id=42"); a.status != http.StatusSeeOther || a.header.Get("Location") != "/workflows/42/jobs" {
		t.Errorf("the same ID twice: %d %q", a.status, a.header.Get("Location"))
	}
}
