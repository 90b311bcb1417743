package handlers

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"jobboard/internal/explorersim"
	"jobboard/internal/store"
)

// TestViewBoardCountsShareTheSummaryCache: a board of 20 views costs no
// upstream call itself; its counts are the lists' summaries (six calls a
// view when cold), and within the summary TTL a second look at the board,
// or the list's own summary of the same filters, calls Explorer no more.
func TestViewBoardCountsShareTheSummaryCache(t *testing.T) {
	st := openViewStore(t, filepath.Join(t.TempDir(), "v.db"))
	e := newEnv(t, 0, withViews(st))
	demo := e.signedIn(t, "demo")
	const n = 20
	for i := range n {
		if _, err := st.CreateViewUniqueSlug(context.Background(), store.View{
			Name: fmt.Sprintf("View %02d", i), Owner: "demo", Shared: i%2 == 0, Path: fmt.Sprintf("/jobs?name=%c", 'a'+i),
		}); err != nil {
			t.Fatal(err)
		}
	}

	before := e.sim.Calls()
	start := time.Now()
	board := e.get(t, demo, "/views")
	boardTime := time.Since(start)
	placeholders := byClass(parseHTML(t, board.body), "view-counts")
	if board.status != http.StatusOK || len(placeholders) != n {
		t.Fatalf("board: status %d with %d count placeholders, want %d", board.status, len(placeholders), n)
	}
	if calls := e.sim.Calls() - before; calls != 0 {
		t.Errorf("the board itself made %d upstream calls, want 0 (counts load lazily)", calls)
	}

	counts := func() (int64, time.Duration) {
		before, start := e.sim.Calls(), time.Now()
		for _, p := range placeholders {
			a := e.get(t, demo, attrOf(p, "hx-get"), "HX-Request", "true", "HX-Target", "div#"+attrOf(p, "id"))
			if a.status != http.StatusOK || len(byClass(parseHTML(t, a.body), "outcome")) == 0 {
				t.Fatalf("counts of %s: status %d, body %.200s", attrOf(p, "hx-get"), a.status, a.body)
			}
		}
		return e.sim.Calls() - before, time.Since(start)
	}
	// Each upstream call takes 10 ms, as on a nearby Explorer.
	e.sim.SetFault(explorersim.Fault{Latency: 10 * time.Millisecond})
	cold, coldTime := counts()
	if cold != n*6 {
		t.Errorf("cold counts of %d views made %d upstream calls, want %d (six statuses each)", n, cold, n*6)
	}
	warm, warmTime := counts()
	if warm != 0 {
		t.Errorf("warm counts made %d upstream calls, want 0 (the summary cache)", warm)
	}
	// The list's own summary of a view's filters is the same cache entry.
	before = e.sim.Calls()
	e.get(t, demo, "/jobs/summary?name=a", "HX-Request", "true", "HX-Target", "div#summary")
	if calls := e.sim.Calls() - before; calls != 0 {
		t.Errorf("the list's summary after the board made %d upstream calls, want 0", calls)
	}
	t.Logf("board of %d views: page %v, 0 upstream calls; counts one after another at 10 ms an upstream call: cold %d calls in %v, warm %d calls in %v",
		n, boardTime, cold, coldTime, warm, warmTime)
}
