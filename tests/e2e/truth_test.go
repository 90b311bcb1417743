package e2e

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"jobboard/internal/explorersim"

	"jobboard/internal/testenv"
)

// filter is a state of the jobs list as the reader set it. The expected
// URL and rows are computed from it here, independently of the dashboard.
type filter struct {
	Name     string
	Status   string // URL words, comma-separated in code order: "succeeded", "failed,cancelled", …; "" for any
	From, To string // dates, YYYY-MM-DD
	TZ       string // zone carried by the URL; "" = the dashboard's zone
	Asc      bool
	Page     int    // 0 means 1
	Size     int    // 0 means 20
	Range    string // preset range: "1h", "24h", "7d", "30d"; "" for none
	// Pinned: the URL carries asof (the moment the first page was
	// served, so its value is not known ahead); the jobs are all older.
	Pinned bool
	AsOf   time.Time // when known: the pin (jobs created after it are not listed)
}

// rangeSpans are the preset ranges' lengths (days of 24 hours).
var rangeSpans = map[string]time.Duration{"1h": time.Hour, "24h": 24 * time.Hour, "7d": 7 * 24 * time.Hour, "30d": 30 * 24 * time.Hour}

func (f filter) page() int { return max(f.Page, 1) }

func (f filter) size() int {
	if f.Size == 0 {
		return 20
	}
	return f.Size
}

// query is the canonical URL query of f: defaults left out.
func (f filter) query() url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("name", f.Name)
	set("status", f.Status)
	set("from", f.From)
	set("to", f.To)
	set("tz", f.TZ)
	set("range", f.Range)
	if f.Asc {
		v.Set("order", "asc")
	}
	if f.page() > 1 {
		v.Set("page", strconv.Itoa(f.page()))
	}
	if f.size() != 20 {
		v.Set("size", strconv.Itoa(f.size()))
	}
	return v
}

// statusCodes and statusLabels: Explorer's codes and the English words the
// table shows.
var (
	statusCodes  = map[string]int{"preparing": 0, "running": 1, "succeeded": 2, "failed": 3, "cancelled": 4, "stopping": 5}
	statusLabels = []string{"Preparing", "Running", "Succeeded", "Failed", "Cancelled", "Stopping"}
)

// inStatusSet reports whether code is one of the comma-separated words.
func inStatusSet(words string, code int) bool {
	for w := range strings.SplitSeq(words, ",") {
		if c, ok := statusCodes[w]; ok && c == code {
			return true
		}
	}
	return false
}

// expected is the list a state must show.
type expected struct {
	rows  []explorersim.JobRecord // the page's jobs, in order
	total int                     // jobs matching the filters
	zone  *time.Location          // zone the times are shown in
}

// truth filters the simulator's own records of the workflow the way f says,
// for a reader without JavaScript (times in the dashboard's zone).
func (e *env) truth(workflowID string, f filter) expected {
	e.t.Helper()
	return e.truthFor(workflowID, f, e.serverZone)
}

// readerZone is the zone tab b's reader sees times in: the browser's, which
// app.js tells the dashboard in the tz cookie, or without scripts the
// dashboard's own.
func (e *env) readerZone(b *tab) *time.Location {
	e.t.Helper()
	if b.noJS {
		return e.serverZone
	}
	z, err := time.LoadLocation(b.zone)
	if err != nil {
		e.t.Fatalf("zone %q: %v", b.zone, err)
	}
	return z
}

// truthFor is truth for a reader in zone shown: the URL's tz (else shown)
// says how dates are read; times are shown in shown whatever the URL says.
func (e *env) truthFor(workflowID string, f filter, shown *time.Location) expected {
	e.t.Helper()
	zone := shown
	if f.TZ != "" {
		z, err := time.LoadLocation(f.TZ)
		if err != nil {
			e.t.Fatalf("zone %q: %v", f.TZ, err)
		}
		zone = z
	}
	day := func(s string) time.Time {
		d, err := time.ParseInLocation("2006-01-02", s, zone)
		if err != nil {
			e.t.Fatalf("date %q: %v", s, err)
		}
		return d
	}
	end := e.clock.Now() // where a preset range ends: the pin, else now
	if !f.AsOf.IsZero() {
		end = f.AsOf
	}
	end = end.Truncate(time.Second)
	var all []explorersim.JobRecord
	for _, j := range e.sim.Jobs(account) { // newest first
		switch {
		case f.Range != "" && j.Created.Before(end.Add(-rangeSpans[f.Range])):
		case !f.AsOf.IsZero() && !j.Created.Before(end.Add(time.Second)):
		case j.WorkflowID != workflowID:
		case f.Name != "" && !strings.Contains(strings.ToLower(j.Name), strings.ToLower(f.Name)):
		case f.Status != "" && !inStatusSet(f.Status, j.Status):
		case f.From != "" && j.Created.Before(day(f.From)):
		case f.To != "" && !j.Created.Before(day(f.To).AddDate(0, 0, 1)):
		default:
			all = append(all, j)
		}
	}
	if f.Asc {
		slices.Reverse(all)
	}
	lo := min((f.page()-1)*f.size(), len(all))
	hi := min(lo+f.size(), len(all))
	return expected{rows: all[lo:hi], total: len(all), zone: shown}
}

// summary is the line above the table: "Showing 41–60 of 1,234 jobs".
func (x expected) summary(f filter) string {
	if len(x.rows) == 0 {
		return fmt.Sprintf("%s jobs", testenv.Thousands(x.total))
	}
	first := (f.page()-1)*f.size() + 1
	last := first + len(x.rows) - 1
	noun := "jobs"
	if x.total == 1 {
		noun = "job"
	}
	return fmt.Sprintf("Showing %s–%s of %s %s", testenv.Thousands(first), testenv.Thousands(last), testenv.Thousands(x.total), noun)
}

// check compares what a jobs page shows with x: the address bar, the summary
// and each row's name, status word and creation time (in x's zone).
func (x expected) check(v view, workflowID string, f filter) error {
	u, err := url.Parse(v.URL)
	if err != nil {
		return err
	}
	if want := "/workflows/" + workflowID + "/jobs"; u.Path != want {
		return fmt.Errorf("address bar path %s, want %s", u.Path, want)
	}
	got := u.Query()
	if _, pinned := got["asof"]; pinned != f.Pinned {
		return fmt.Errorf("address bar query %q: pinned (asof) is %v, want %v", u.RawQuery, pinned, f.Pinned)
	}
	got.Del("asof")
	if want := f.query(); !sameValues(got, want) {
		return fmt.Errorf("address bar query %q, want %q", u.RawQuery, want.Encode())
	}
	if want := x.summary(f); v.Summary != want {
		return fmt.Errorf("summary %q, want %q", v.Summary, want)
	}
	if len(v.Rows) != len(x.rows) {
		return fmt.Errorf("%d rows, want %d", len(v.Rows), len(x.rows))
	}
	for i, j := range x.rows {
		r := v.Rows[i]
		if len(r) < 3 {
			return fmt.Errorf("row %d has %d cells: %q", i+1, len(r), r)
		}
		if r[0] != j.Name {
			return fmt.Errorf("row %d is job %q, want %q", i+1, r[0], j.Name)
		}
		if label := statusLabels[j.Status]; !strings.HasSuffix(r[1], label) {
			return fmt.Errorf("row %d (%s) status %q, want %q", i+1, j.Name, r[1], label)
		}
		if when := j.Created.In(x.zone).Format("2006-01-02 15:04"); !strings.HasPrefix(r[2], when) {
			return fmt.Errorf("row %d (%s) created %q, want it to start with %q (%s)", i+1, j.Name, r[2], when, x.zone)
		}
	}
	return nil
}

// sameValues compares URL queries, order aside.
func sameValues(a, b url.Values) bool {
	if len(a) != len(b) {
		return false
	}
	for k, av := range a {
		if !slices.Equal(av, b[k]) {
			return false
		}
	}
	return true
}

// expectList waits until the tab shows the jobs list of state f and
// returns what it showed.
func (e *env) expectList(b *tab, what, workflowID string, f filter) view {
	b.t.Helper()
	x := e.truthFor(workflowID, f, e.readerZone(b))
	return b.waitFor(what, func(v view) error {
		return x.check(v, workflowID, f)
	})
}

// dayIn is the calendar date of t in zone.
func dayIn(t time.Time, zone string) string {
	z, err := time.LoadLocation(zone)
	if err != nil {
		panic(err)
	}
	return t.In(z).Format("2006-01-02")
}
