package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"jobboard/internal/explorersim"
)

// expected computes, from the simulator's truth, the IDs a page must list.
type filter struct {
	name     string
	status   int // -1 = any
	from, to time.Time
	asc      bool
	page     int
	size     int
}

func expectedPage(jobs []explorersim.JobRecord, f filter) (ids []string, total int) {
	var match []explorersim.JobRecord
	for _, j := range jobs {
		if f.name != "" && !strings.Contains(strings.ToLower(j.Name), strings.ToLower(f.name)) {
			continue
		}
		if f.status >= 0 && j.Status != f.status {
			continue
		}
		if !f.from.IsZero() && j.Created.Before(f.from) {
			continue
		}
		if !f.to.IsZero() && j.Created.After(f.to) {
			continue
		}
		match = append(match, j)
	}
	if f.asc {
		slices.Reverse(match)
	}
	start := (f.page - 1) * f.size
	for i := start; i < len(match) && i < start+f.size; i++ {
		ids = append(ids, strconv.FormatInt(match[i].ID, 10))
	}
	return ids, len(match)
}

func TestJobListRowsMatchSimulator(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	jobs := e.jobsOf("demo", wf.ID)
	if len(jobs) < 250 {
		t.Fatalf("workflow has %d jobs; the test needs several pages of 100", len(jobs))
	}
	// A day in the middle of the workflow's history, read in the default zone.
	mid := jobs[len(jobs)/2].Created.In(e.zone)
	day := mid.Format("2006-01-02")
	dayStart := time.Date(mid.Year(), mid.Month(), mid.Day(), 0, 0, 0, 0, e.zone)
	dayEnd := dayStart.AddDate(0, 0, 1).Add(-time.Millisecond)
	lastPage20 := (len(jobs) + 19) / 20
	nameSub := strings.ToUpper(jobs[3].Name[len(jobs[3].Name)-8:]) // part of one job's timestamp, upper-cased

	cases := []struct {
		query string
		want  filter
	}{
		{"", filter{status: -1, page: 1, size: 20}},
		{"?order=asc", filter{status: -1, asc: true, page: 1, size: 20}},
		{"?status=failed", filter{status: 3, page: 1, size: 20}},
		{"?status=succeeded&order=asc", filter{status: 2, asc: true, page: 1, size: 20}},
		{"?status=cancelled", filter{status: 4, page: 1, size: 20}},
		{"?name=" + url.QueryEscape(nameSub), filter{name: nameSub, status: -1, page: 1, size: 20}},
		{"?from=" + day + "&to=" + day, filter{status: -1, from: dayStart, to: dayEnd, page: 1, size: 20}},
		{"?from=" + day, filter{status: -1, from: dayStart, page: 1, size: 20}},
		{"?page=2", filter{status: -1, page: 2, size: 20}},
		{"?page=" + strconv.Itoa(lastPage20), filter{status: -1, page: lastPage20, size: 20}},
		{"?page=3&order=asc", filter{status: -1, asc: true, page: 3, size: 20}},
		{"?size=10", filter{status: -1, page: 1, size: 10}},
		{"?size=50&page=2", filter{status: -1, page: 2, size: 50}},
		{"?size=100&page=3", filter{status: -1, page: 3, size: 100}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			a := e.get(t, c, "/workflows/"+wf.ID+"/jobs"+tc.query)
			if a.status == http.StatusFound {
				a = e.get(t, c, a.header.Get("Location"))
			}
			if a.status != http.StatusOK {
				t.Fatalf("status %d, want 200; body:\n%s", a.status, a.body)
			}
			doc := parseHTML(t, a.body)
			wantIDs, total := expectedPage(jobs, tc.want)
			if got := rowIDs(t, doc); !slices.Equal(got, wantIDs) {
				t.Errorf("rows\n got %v\nwant %v", got, wantIDs)
			}
			if total == 0 {
				t.Fatalf("test case matches no job; pick another")
			}
			first := (tc.want.page-1)*tc.want.size + 1
			wantSummary := fmt.Sprintf("Showing %s–%s of %s job", commas(first), commas(first+len(wantIDs)-1), commas(total))
			if got := text(byID(doc, "showing")); !strings.HasPrefix(got, wantSummary) {
				t.Errorf("summary %q, want %q…", got, wantSummary)
			}
		})
	}
}

// commas formats like the English Localizer, independently written.
func commas(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
