package views

import (
	"html"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"

	"jobboard/apiclient"
	"jobboard/internal/i18n"
)

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
			want := html.EscapeString(duration(l, j, now))
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
			if want := html.EscapeString(l.Ago(at, now)); !ok || hint != want {
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
