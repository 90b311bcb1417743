package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"jobboard/internal/explorersim"
	"jobboard/internal/joblist"
)

// multiRate is the fixed rate of the several-statuses cells: a merged deep
// page is up to 4·k upstream calls, and the simulator shares the machine.
const multiRate = 50

// MultiRow is one list of the several-statuses arm: a status filter and a
// page of 20 rows of every job of the demo account.
type MultiRow struct {
	Statuses string // the status URL value
	K        int    // how many statuses
	Page     int
	Calls    int64 // upstream calls over CallsReqs sequential requests
	Reqs     int
	Stats    Stats // fixed rate, interleaved with the other rows
}

// multiStatus measures the list of several statuses (merged from one
// upstream list per status) next to a single-status list, 20 rows, pages 1
// and 20, against a simulator in the bench process whose call counter
// tells the upstream calls per request exactly.
func (h *harness) multiStatus(ctx context.Context, rep *Report) error {
	sim := explorersim.New(explorersim.Options{Seed: 1})
	srv := httptest.NewServer(sim)
	defer srv.Close()
	dash, cookie, err := h.startSignedIn(ctx, "dashboard-multi", srv.URL)
	if err != nil {
		return err
	}
	defer dash.stop()
	rows := []*MultiRow{
		{Statuses: "succeeded", K: 1, Page: 1},
		{Statuses: "succeeded,failed,cancelled", K: 3, Page: 1},
		{Statuses: "succeeded", K: 1, Page: 20},
		{Statuses: "succeeded,failed,cancelled", K: 3, Page: 20},
	}
	target := func(r *MultiRow) vegeta.Target {
		u := dash.url + "/jobs?status=" + r.Statuses
		if r.Page > 1 {
			u += "&page=" + strconv.Itoa(r.Page)
		}
		return vegeta.Target{Method: http.MethodGet, URL: u, Header: http.Header{"Cookie": {cookie}, "Hx-Request": {"true"}, "Hx-Request-Type": {"partial"}}}
	}
	h.logf("several statuses: upstream calls over %d requests of each list", h.cfg.CallsN)
	for _, r := range rows {
		before := sim.Calls()
		for range h.cfg.CallsN {
			if _, err := expect200(ctx, h.client, target(r)); err != nil {
				return err
			}
		}
		r.Calls, r.Reqs = sim.Calls()-before, h.cfg.CallsN
	}
	h.logf("several statuses: latency at %d req/s, %s per list, interleaved", multiRate, h.cfg.Fixed)
	client := newLoadClient(8)
	var cells []cell
	for _, r := range rows {
		cells = append(cells, cell{stats: &r.Stats, client: client, target: target(r), pid: dash.pid()})
	}
	if err := interleave(ctx, cells, h.cfg.Rounds, h.cfg.Fixed/time.Duration(h.cfg.Rounds), multiRate, 0); err != nil {
		return err
	}
	for _, r := range rows {
		rep.Multi = append(rep.Multi, *r)
	}
	return nil
}

// multiMarkdown is the report's section on lists of several statuses.
func (r *Report) multiMarkdown(b *strings.Builder) {
	if len(r.Multi) == 0 {
		return
	}
	w := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	w("\n## Several statuses at once (all jobs of the demo account, 20 rows, simulator in the bench process)\n\n")
	w("Explorer filters by one status, so a set of k statuses is one list per status, merged (internal/joblist): page 1 costs k upstream calls, a deeper page at most %d·k. ", joblist.CallsPerStatus)
	w("Upstream calls are the simulator's own counter over sequential requests; latency is the dashboard fragment at %d req/s, the four lists interleaved. Added = p50 minus the single-status list's at the same page.\n\n", multiRate)
	w("| statuses | k | page | upstream calls/req | bound | p50 | p99 | added p50 | CPU µs/req | requests | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	single := map[int]time.Duration{}
	for _, m := range r.Multi {
		if m.K == 1 {
			single[m.Page] = m.Stats.P50
		}
	}
	for _, m := range r.Multi {
		bound := m.K
		if m.Page > 1 && m.K > 1 {
			bound = joblist.CallsPerStatus * m.K
		}
		added := "—"
		if m.K > 1 {
			added = ms(m.Stats.P50 - single[m.Page])
		}
		w("| %s | %d | %d | %s | %d | %s | %s | %s | %s | %d | %d |\n", m.Statuses, m.K, m.Page, perReq(m.Calls, m.Reqs), bound,
			ms(m.Stats.P50), ms(m.Stats.P99), added, us(m.Stats.CPUPerReq()), m.Stats.Requests, m.Stats.Errors)
	}
}
