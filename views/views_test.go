package views

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"jobboard/apiclient"
	"jobboard/internal/i18n"
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
