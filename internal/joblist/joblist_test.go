package joblist_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"jobboard/apiclient"
	"jobboard/internal/explorersim"
	"jobboard/internal/joblist"
	"jobboard/internal/testenv"
)

var (
	oracleSets    = flag.Int("oracle.sets", 40, "random data sets in the merge oracle test")
	oracleQueries = flag.Int("oracle.queries", 60, "random list requests per data set")
	oracleSeed    = flag.Uint64("oracle.seed", 0, "seed of the merge oracle test (0: fixed default)")
)

// fixedNow is the frozen clock reading of the simulators.
var fixedNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// rig is a simulator on loopback with a signed-in client for one account.
type rig struct {
	sim     *explorersim.Sim
	client  *apiclient.Client
	account string
	tok     apiclient.Token
	maxSize atomic.Int64 // largest upstream page size asked for
}

// newRig serves a simulator on a frozen clock with accounts a0, a1, …
// (password "pw"), each with jobsPer seeded jobs.
func newRig(t *testing.T, accounts, jobsPer int) (*explorersim.Sim, *httptest.Server, time.Time) {
	t.Helper()
	var accts []explorersim.Account
	for i := range accounts {
		accts = append(accts, explorersim.Account{Name: fmt.Sprintf("a%d", i), Password: "pw"})
	}
	e := testenv.New(t, testenv.Options{Sim: explorersim.Options{Accounts: accts, JobsPerAccount: jobsPer}, Start: fixedNow})
	return e.Sim, e.SimServer, fixedNow
}

func (r *rig) connect(t *testing.T, srv *httptest.Server, account string) {
	t.Helper()
	c, err := apiclient.New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := c.Connect(context.Background(), account, "pw", "127.0.0.1", 9669)
	if err != nil {
		t.Fatal(err)
	}
	r.client, r.account, r.tok = c, account, creds.Token
}

// lister lists all jobs, or one workflow's when wf is non-zero, and
// remembers the largest page size asked for.
func (r *rig) lister(wf int64) joblist.Lister {
	return joblist.ListerFunc(func(ctx context.Context, q apiclient.ListQuery) (apiclient.JobPage, error) {
		for {
			old := r.maxSize.Load()
			if int64(q.PageSize) <= old || r.maxSize.CompareAndSwap(old, int64(q.PageSize)) {
				break
			}
		}
		if wf != 0 {
			return r.client.ListWorkflowJobs(ctx, r.tok, wf, q)
		}
		return r.client.ListJobs(ctx, r.tok, q)
	})
}

// oracle is the brute-force answer: every job of the account filtered,
// sorted by creation time and ID, sliced.
func oracle(jobs []explorersim.JobRecord, wf string, q apiclient.ListQuery, sts []apiclient.Status) (page []int64, total int) {
	var all []explorersim.JobRecord
	name := strings.ToLower(q.Name)
	for _, j := range jobs {
		switch {
		case wf != "" && j.WorkflowID != wf,
			!slices.Contains(sts, apiclient.Status(j.Status)),
			name != "" && !strings.Contains(strings.ToLower(j.Name), name),
			!q.From.IsZero() && j.Created.UnixMilli() < q.From.UnixMilli(),
			!q.To.IsZero() && j.Created.UnixMilli() > q.To.UnixMilli():
			continue
		}
		all = append(all, j)
	}
	slices.SortFunc(all, func(x, y explorersim.JobRecord) int {
		c := x.Created.Compare(y.Created)
		if c == 0 {
			c = int(x.ID - y.ID)
		}
		if q.Order != apiclient.OrderAsc {
			c = -c
		}
		return c
	})
	lo := min(len(all), (q.Page-1)*q.PageSize)
	hi := min(len(all), q.Page*q.PageSize)
	for _, j := range all[lo:hi] {
		page = append(page, j.ID)
	}
	return page, len(all)
}

// timeShape is how one status's creation times are spread.
type timeShape int

const (
	spread timeShape = iota // uniform over months
	burst                   // within a few minutes
	ties                    // a handful of distinct milliseconds
	recent                  // the last hour
)

// fill adds a random, skewed data set to the account and returns the
// sizes per status, whether it has creation-time ties across jobs, and
// whether one status has runs of over 100 jobs in one millisecond.
func fill(rng *rand.Rand, sim *explorersim.Sim, account string, now time.Time) (sizes [6]int, tied, crowded bool) {
	wfs := sim.Workflows(account)
	for st := range 6 {
		switch r := rng.IntN(100); {
		case r < 20:
			sizes[st] = 0
		case r < 40:
			sizes[st] = 1 + rng.IntN(5)
		case r < 65:
			sizes[st] = 10 + rng.IntN(150)
		case r < 90:
			sizes[st] = 200 + rng.IntN(1000)
		default:
			sizes[st] = 1500 + rng.IntN(1500)
		}
	}
	type spec struct {
		st int
		at time.Time
	}
	var specs []spec
	for st, n := range sizes {
		shape := timeShape(rng.IntN(4))
		base := now.Add(-time.Duration(rng.IntN(180*24)) * time.Hour)
		distinct := 1 + rng.IntN(8)
		for range n {
			var at time.Time
			switch shape {
			case spread:
				at = now.Add(-time.Duration(rng.Int64N(int64(180 * 24 * time.Hour))))
			case burst:
				at = base.Add(time.Duration(rng.Int64N(int64(5 * time.Minute))))
			case ties:
				at = base.Add(time.Duration(rng.IntN(distinct)) * time.Millisecond)
				tied = tied || n > distinct
				crowded = crowded || n > 100*distinct
			case recent:
				at = now.Add(-time.Duration(rng.Int64N(int64(time.Hour))))
			}
			specs = append(specs, spec{st, at.Truncate(time.Millisecond)})
		}
	}
	// Insertion order is random, so IDs do not follow creation time.
	rng.Shuffle(len(specs), func(i, j int) { specs[i], specs[j] = specs[j], specs[i] })
	for _, s := range specs {
		wf := wfs[rng.IntN(len(wfs))]
		sim.AddJob(account, wf.ID, explorersim.JobRecord{Status: s.st, Created: s.at})
	}
	return sizes, tied, crowded
}

// TestMergeMatchesOracle lists random pages of random status sets from
// random data sets and compares each with the brute-force answer.
func TestMergeMatchesOracle(t *testing.T) {
	seed := *oracleSeed
	if seed == 0 {
		seed = 20261201
	}
	sets := *oracleSets
	if testing.Short() {
		sets = min(sets, 5)
	}
	if raceEnabled {
		// Under the race detector each case costs about twenty times as
		// much; CI runs the full oracle again without it.
		sets = min(sets, 8)
	}
	sim, srv, now := newRig(t, sets, 1)
	rng := rand.New(rand.NewPCG(seed, 7))
	names := []string{"", "", "", "pagerank", "_2026", "1", "LPA", "xyz-none"}
	var cases, refused, refusedUncrowded, deep, shallow, lastPages, emptyStatus, hugeTiny, tiedCases, pastEnd int
	for set := range sets {
		account := fmt.Sprintf("a%d", set)
		sizes, tied, crowded := fill(rng, sim, account, now)
		r := &rig{sim: sim}
		r.connect(t, srv, account)
		wfs := sim.Workflows(account)
		jobs := sim.Jobs(account) // the clock is frozen: this stays the truth
		for qi := range *oracleQueries {
			k := 2 + rng.IntN(5)
			perm := rng.Perm(6)[:k]
			var sts []apiclient.Status
			for _, p := range perm {
				sts = append(sts, apiclient.Status(p))
			}
			q := apiclient.ListQuery{Order: apiclient.OrderDesc}
			if rng.IntN(2) == 0 {
				q.Order = apiclient.OrderAsc
			}
			if rng.IntN(5) == 0 {
				q.Name = names[rng.IntN(len(names))]
			}
			if rng.IntN(4) == 0 {
				a := now.Add(-time.Duration(rng.Int64N(int64(200 * 24 * time.Hour)))).Truncate(time.Millisecond)
				b := a.Add(time.Duration(rng.Int64N(int64(120 * 24 * time.Hour)))).Truncate(time.Millisecond)
				switch rng.IntN(3) {
				case 0:
					q.From = a
				case 1:
					q.To = b
				default:
					q.From, q.To = a, b
				}
			}
			wf, wfID := int64(0), ""
			if rng.IntN(4) == 0 {
				w := wfs[rng.IntN(len(wfs))]
				wfID = w.ID
				if _, err := fmt.Sscan(w.ID, &wf); err != nil {
					t.Fatal(err)
				}
			}
			q.PageSize = []int{10, 20, 50, 100, 1 + rng.IntN(100)}[rng.IntN(5)]
			q.Page = 1
			if qi%10 == 0 {
				checkStream(t, r.lister(wf), jobs, wfID, q, sts)
			}
			_, total := oracle(jobs, wfID, q, sts)
			last := max(1, (total+q.PageSize-1)/q.PageSize)
			switch rng.IntN(6) {
			case 0:
			case 1:
				q.Page = last
			case 2:
				q.Page = last + 1 + rng.IntN(3)
			default:
				q.Page = 1 + rng.IntN(last)
			}
			want, wantTotal := oracle(jobs, wfID, q, sts)
			before := sim.Calls()
			got, err := joblist.List(context.Background(), r.lister(wf), q, sts)
			calls := int(sim.Calls() - before)
			cases++
			desc := fmt.Sprintf("set %d sizes %v statuses %v %+v", set, sizes, sts, q)
			if calls != got.Calls {
				t.Errorf("%s: %d upstream calls, List counted %d", desc, calls, got.Calls)
			}
			isShallow := q.Page*q.PageSize <= joblist.MaxUpstreamPageSize
			switch {
			case isShallow && calls != k:
				t.Errorf("%s: %d upstream calls for a page within the first 100 jobs, want k = %d", desc, calls, k)
			case calls > joblist.CallsPerStatus*k:
				t.Errorf("%s: %d upstream calls, over the bound 4·k = %d", desc, calls, joblist.CallsPerStatus*k)
			}
			if got.Total != wantTotal {
				t.Errorf("%s: total %d, want %d", desc, got.Total, wantTotal)
			}
			if errors.Is(err, joblist.ErrTooDeep) {
				refused++
				if !crowded {
					refusedUncrowded++
				}
				if testing.Verbose() {
					t.Logf("refused: %s (total %d, crowded %v)", desc, wantTotal, crowded)
				}
				if isShallow {
					t.Errorf("%s: refused a page within the first 100 jobs", desc)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%s: %v", desc, err)
			}
			var ids []int64
			for _, j := range got.Items {
				ids = append(ids, j.ID)
			}
			if !slices.Equal(ids, want) {
				t.Errorf("%s: page IDs\n got %v\nwant %v", desc, ids, want)
			}
			if isShallow {
				shallow++
			} else {
				deep++
			}
			if q.Page == last && total > 0 {
				lastPages++
			}
			if q.Page > last {
				pastEnd++
			}
			n := make([]int, 0, k)
			for _, st := range sts {
				n = append(n, sizes[st])
			}
			if slices.Contains(n, 0) {
				emptyStatus++
			}
			if slices.Max(n) >= 1000 && slices.Min(n) <= 5 {
				hugeTiny++
			}
			if tied {
				tiedCases++
			}
		}
		if m := r.maxSize.Load(); m > joblist.MaxUpstreamPageSize {
			t.Errorf("set %d: asked Explorer for a page size of %d, over %d", set, m, joblist.MaxUpstreamPageSize)
		}
	}
	t.Logf("%d cases: %d shallow and %d deep pages exact, %d refused as too deep (%d of them without a run of over 100 jobs of one status in one millisecond); exact pages covered %d last pages, %d past the end, %d with an empty status, %d huge+tiny, %d with creation-time ties",
		cases, shallow, deep, refused, refusedUncrowded, lastPages, pastEnd, emptyStatus, hugeTiny, tiedCases)
	if refused*100 > cases {
		t.Errorf("%d of %d pages refused as too deep, want at most 1%%", refused, cases)
	}
	for what, n := range map[string]int{"deep": deep, "last page": lastPages, "past the end": pastEnd, "empty status": emptyStatus, "huge+tiny": hugeTiny, "ties": tiedCases} {
		if n == 0 {
			t.Errorf("no exact %s case: widen the generator", what)
		}
	}
}

// checkStream compares the whole merged stream with the oracle's list.
func checkStream(t *testing.T, l joblist.Lister, jobs []explorersim.JobRecord, wf string, q apiclient.ListQuery, sts []apiclient.Status) {
	t.Helper()
	all := q
	all.Page, all.PageSize = 1, len(jobs)+1
	want, wantTotal := oracle(jobs, wf, all, sts)
	var got []int64
	total, err := joblist.Stream(context.Background(), l, q, sts, func(j apiclient.Job) bool {
		got = append(got, j.ID)
		return true
	})
	if err != nil {
		t.Fatalf("stream %v %+v: %v", sts, q, err)
	}
	if total != wantTotal || !slices.Equal(got, want) {
		t.Errorf("stream %v %+v: total %d, %d jobs; want total %d and the oracle's %d jobs in order", sts, q, total, len(got), wantTotal, len(want))
	}
}

// TestCallsOnDemoData pages the seeded demo data (3,000 jobs over six
// months) the way the benchmark does and checks pages and call counts.
func TestCallsOnDemoData(t *testing.T) {
	demo, srv, _ := newRig(t, 1, 0)
	r := &rig{sim: demo}
	r.connect(t, srv, "a0")
	jobs := demo.Jobs("a0")
	three := []apiclient.Status{apiclient.StatusSuccess, apiclient.StatusFailed, apiclient.StatusInterrupted}
	for _, tc := range []struct {
		sts       []apiclient.Status
		page      int
		order     apiclient.Order
		wantCalls int // exact; 0 = within the bound
	}{
		{sts: three, page: 1, wantCalls: 3},
		{sts: three, page: 20},
		{sts: three, page: 20, order: apiclient.OrderAsc},
		{sts: three, page: 150},
		{sts: []apiclient.Status{apiclient.StatusFailed, apiclient.StatusInterrupted}, page: 7},
		{sts: []apiclient.Status{apiclient.StatusFailed}, page: 20, wantCalls: 1},
		{sts: nil, page: 20, wantCalls: 1},
	} {
		q := apiclient.ListQuery{Order: tc.order, Page: tc.page, PageSize: 20}
		before := demo.Calls()
		got, err := joblist.List(context.Background(), r.lister(0), q, tc.sts)
		calls := int(demo.Calls() - before)
		if err != nil {
			t.Fatalf("%v page %d: %v", tc.sts, tc.page, err)
		}
		sts := tc.sts
		if sts == nil {
			sts = apiclient.Statuses
		}
		want, total := oracle(jobs, "", q, sts)
		var ids []int64
		for _, j := range got.Items {
			ids = append(ids, j.ID)
		}
		if !slices.Equal(ids, want) || got.Total != total {
			t.Errorf("%v page %d: got %d jobs of %d, want %d of %d, or a different page", tc.sts, tc.page, len(ids), got.Total, len(want), total)
		}
		switch {
		case tc.wantCalls > 0 && calls != tc.wantCalls:
			t.Errorf("%v page %d: %d upstream calls, want %d", tc.sts, tc.page, calls, tc.wantCalls)
		case calls > joblist.CallsPerStatus*max(1, len(tc.sts)):
			t.Errorf("%v page %d: %d upstream calls, over 4·k", tc.sts, tc.page, calls)
		}
		t.Logf("%v page %d (%s): %d upstream calls", tc.sts, tc.page, tc.order, calls)
	}
}

// TestUpstreamErrorPassesThrough checks a failed call is reported as
// itself, not as a page too deep.
func TestUpstreamErrorPassesThrough(t *testing.T) {
	l := joblist.ListerFunc(func(context.Context, apiclient.ListQuery) (apiclient.JobPage, error) {
		return apiclient.JobPage{}, errors.New("down")
	})
	if _, err := joblist.List(context.Background(), l, apiclient.ListQuery{Page: 50, PageSize: 20}, []apiclient.Status{1, 2}); err == nil || errors.Is(err, joblist.ErrTooDeep) {
		t.Fatalf("upstream failure: got %v, want the upstream error", err)
	}
}
