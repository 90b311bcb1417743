package views

import (
	"testing"
	"time"
)

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
