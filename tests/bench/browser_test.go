package main

import (
	"strings"
	"testing"
)

// checkBrowserArms reads the browser-like arms' table of a report: every
// arm had traffic, a rate and no errors, and the filter changes and idle
// connections were measured.
func checkBrowserArms(t *testing.T, md string) {
	t.Helper()
	rows := mdTable(t, md, "Measured the way browsers use it")
	if len(rows) != 10 {
		t.Fatalf("browser arms table has %d rows, want 10: %v", len(rows), rows)
	}
	for _, r := range rows {
		positive(t, r[0]+" req/s", r[1])
		if r[6] != "0" {
			t.Errorf("%s: %s errors, want 0", r[0], r[6])
		}
	}
	for _, want := range []string{"upstream calls per change", "Idle keep-alive connections (a dashboard of their own"} {
		if !strings.Contains(md, want) {
			t.Errorf("the report does not say %q", want)
		}
	}
}
