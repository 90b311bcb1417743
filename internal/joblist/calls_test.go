package joblist_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"jobboard/apiclient"
	"jobboard/internal/joblist"
)

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
