package main

import (
	"strconv"
	"testing"
)

// checkMultiStatus reads the several-statuses table of a report: a single
// status costs one upstream call, three statuses three on page 1 and at
// most 4·3 on page 20, with traffic and no errors.
func checkMultiStatus(t *testing.T, md string) {
	t.Helper()
	rows := mdTable(t, md, "Several statuses")
	if len(rows) != 4 {
		t.Fatalf("several-statuses table has %d rows, want 4: %v", len(rows), rows)
	}
	for _, r := range rows {
		calls, err := strconv.ParseFloat(r[3], 64)
		if err != nil {
			t.Fatalf("%s page %s: calls %q", r[0], r[2], r[3])
		}
		bound, _ := strconv.ParseFloat(r[4], 64)
		switch {
		case r[1] == "1" && calls != 1, r[2] == "1" && calls != bound, calls > bound:
			t.Errorf("%s page %s: %v upstream calls per request, bound %v", r[0], r[2], calls, bound)
		}
		positive(t, r[0]+" p50", r[5][:len(r[5])-len(" ms")])
		if r[10] != "0" {
			t.Errorf("%s page %s: %s errors", r[0], r[2], r[10])
		}
	}
}
