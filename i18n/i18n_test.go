package i18n

import (
	"regexp"
	"testing"
	"time"
)

func TestCount(t *testing.T) {
	l := For("en")
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 2345: "2,345", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := l.Count(n); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestDuration(t *testing.T) {
	l := For("en")
	cases := map[time.Duration]string{
		0:                                    "0 s",
		6 * time.Second:                      "6 s",
		6*time.Second + 900*time.Millisecond: "6 s",
		2*time.Minute + 5*time.Second:        "2 min 5 s",
		2 * time.Minute:                      "2 min",
		time.Hour + 3*time.Minute + 9*time.Second: "1 h 3 min",
		50 * time.Hour: "2 d 2 h",
		-time.Second:   "0 s",
	}
	for d, want := range cases {
		if got := l.Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestAgo(t *testing.T) {
	l := For("en")
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	cases := map[time.Duration]string{
		-10 * time.Second:      "just now",
		-3 * time.Minute:       "3 min ago",
		-time.Hour:             "1 hour ago",
		-2 * time.Hour:         "2 hours ago",
		-26 * time.Hour:        "1 day ago",
		-1500 * 24 * time.Hour: "1,500 days ago",
		2 * time.Hour:          "in 2 hours",
	}
	for off, want := range cases {
		if got := l.Ago(now.Add(off), now); got != want {
			t.Errorf("Ago(%v) = %q, want %q", off, got, want)
		}
	}
}

func TestLookup(t *testing.T) {
	l := For("xx")
	if l.Lang() != DefaultLang {
		t.Errorf("unknown language gives %q", l.Lang())
	}
	if got := l.T("problem.noWorkflow", "42"); got != "No workflow with ID 42." {
		t.Errorf("T = %q", got)
	}
	if got := l.T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key gives %q", got)
	}
	if got := l.N("jobs.total", 1, "1"); got != "1 job" {
		t.Errorf("N one = %q", got)
	}
}

// TestCatalogFormats checks that messages use only the verbs %s, %d and
// %%, so a typo in a catalog shows up here rather than as %!v(MISSING) on
// a page.
func TestCatalogFormats(t *testing.T) {
	verb := regexp.MustCompile(`%[^sd%]|%$`)
	for lang, cat := range catalogs {
		for key, msg := range cat {
			if bad := verb.FindString(msg); bad != "" {
				t.Errorf("%s %s: unexpected verb %q in %q", lang, key, bad, msg)
			}
		}
	}
	if verb.FindString("50%") == "" || verb.FindString("%v") == "" {
		t.Fatal("checker misses bad verbs")
	}
}
