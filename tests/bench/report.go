package main

import (
	_ "embed"
	"fmt"
	"strings"
	"time"
)

// decisions is the report's section on the hand-written fast paths kept
// or replaced, measured with the in-process benchmarks (hand-written: the
// figures of the run that decided).
//
//go:embed decisions.md
var decisions string

// Units of the weight and memory targets.
const (
	kB = 1024
	mB = 1024 * kB
)

// Target is one of the dashboard's speed and memory goals with its measurement.
type Target struct {
	Name     string
	Measured string
	Ratio    string // measured against the target, e.g. "0.42× budget"
	Met      bool
}

// Targets evaluates the dashboard's speed and memory goals against the
// report.
func (r *Report) Targets() []Target {
	var ts []Target
	cp, br := r.Capacity, r.Browser
	if cp.Proxy.RPS > 0 {
		q := cp.Fragment.RPS / cp.Proxy.RPS
		ts = append(ts, Target{"capacity vs canned upstream: B' ≥ 0.75× D, no compression (stretch 0.85×)",
			fmt.Sprintf("B' %.0f req/s, D %.0f req/s; floor F %.0f req/s (F/D %.2f×)", cp.Fragment.RPS, cp.Proxy.RPS, cp.Floor.RPS, cp.Floor.RPS/cp.Proxy.RPS), fmt.Sprintf("B'/D %.2f×", q), q >= 0.75})
		cpu := ratio(cp.Fragment.CPUPerReq(), cp.Proxy.CPUPerReq())
		ts = append(ts, Target{"dashboard CPU per request ≤ 1.6× D's",
			fmt.Sprintf("B' %s µs, D %s µs; floor F %s µs (%.2f× D)", us(cp.Fragment.CPUPerReq()), us(cp.Proxy.CPUPerReq()), us(cp.Floor.CPUPerReq()), ratio(cp.Floor.CPUPerReq(), cp.Proxy.CPUPerReq())), fmt.Sprintf("%.2f×", cpu), cpu > 0 && cpu <= 1.6})
	}
	if br.GzipProxy.RPS > 0 {
		q := br.Gzip.RPS / br.GzipProxy.RPS
		ts = append(ts, Target{"capacity with `Accept-Encoding: gzip`: B' ≥ 0.7× D",
			fmt.Sprintf("B' %.0f req/s, D %.0f req/s", br.Gzip.RPS, br.GzipProxy.RPS), fmt.Sprintf("B'/D %.2f×", q), q >= 0.7})
	}
	if br.OneProxy.Requests > 0 {
		add := br.OneFrag.P50 - br.OneProxy.P50
		ts = append(ts, Target{"added latency at one connection: B' p50 − D p50 ≤ 0.1 ms", ms(add),
			fmt.Sprintf("B'/D p50 %.2f×; %.2f× budget", ratio(br.OneFrag.P50, br.OneProxy.P50), float64(add)/float64(100*time.Microsecond)), add <= 100*time.Microsecond})
	}
	a, b := r.Row("A", 20), r.Row("B", 20)
	if a != nil && b != nil {
		add50 := b.Fixed.P50 - a.Fixed.P50
		ts = append(ts,
			Target{"added latency p50, fragment − direct, 20 rows, fixed rate ≤ 0.5 ms", ms(add50),
				fmt.Sprintf("B/A p50 %.2f×; %.2f× budget", ratio(b.Fixed.P50, a.Fixed.P50), float64(add50)/float64(500*time.Microsecond)), add50 <= 500*time.Microsecond},
			p99Target(a, b))
	}
	ts = append(ts, r.inProcessTargets()...)
	if len(br.Conns) == 2 && br.Conns[0].Stats.RPS > 0 {
		lo, hi := br.Conns[0], br.Conns[1]
		q := hi.Stats.RPS / lo.Stats.RPS
		dq := ""
		if len(br.ProxyConns) == 2 && br.ProxyConns[0].Stats.RPS > 0 {
			dq = fmt.Sprintf(" (D on the same generator: %.2f×)", br.ProxyConns[1].Stats.RPS/br.ProxyConns[0].Stats.RPS)
		}
		ts = append(ts, Target{fmt.Sprintf("throughput at %d connections ≥ 0.8× that at %d", hi.Conns, lo.Conns),
			fmt.Sprintf("%.0f vs %.0f req/s; p99 %s vs %s; peak RSS %s vs %s", hi.Stats.RPS, lo.Stats.RPS, ms(hi.Stats.P99), ms(lo.Stats.P99), mbs(hi.PeakRSS), mbs(lo.PeakRSS)),
			fmt.Sprintf("%.2f×%s", q, dq), q >= 0.8 && hi.Stats.Errors == 0})
	}
	if br.IdleConns > 0 {
		per := br.IdlePerConn()
		ts = append(ts, Target{"≤ 30 KB per idle keep-alive connection", fmt.Sprintf("%.1f KB (%d connections)", float64(per)/kB, br.IdleConns),
			fmt.Sprintf("%.2f× budget", float64(per)/(30*kB)), per <= 30*kB})
	}
	if br.Changes > 0 {
		cold, warm := float64(br.ColdCalls)/float64(br.Changes), float64(br.WarmCalls)/float64(br.Changes)
		limit := float64(1 + len(summaryStatuses))
		ts = append(ts, Target{fmt.Sprintf("upstream calls per filter change (fragment + summary): cold ≤ %.0f, warm = 1", limit),
			fmt.Sprintf("cold %.2f, warm %.2f", cold, warm), "", cold <= limit && warm == 1})
	}
	if cp.FragReqs > 0 {
		per := float64(cp.FragCalls) / float64(cp.FragReqs)
		satPer := 0.0
		if cp.Fragment.Requests > 0 {
			satPer = float64(cp.SatFragCalls) / float64(cp.Fragment.Requests)
		}
		ts = append(ts, Target{"exactly one upstream call per list fragment",
			fmt.Sprintf("%d calls / %d fragments; at saturation %d / %d", cp.FragCalls, cp.FragReqs, cp.SatFragCalls, cp.Fragment.Requests),
			fmt.Sprintf("%.3f per fragment (sat %.3f)", per, satPer), cp.FragCalls == int64(cp.FragReqs) && cp.SatFragCalls == int64(cp.Fragment.Requests)})
	}
	if len(r.Assets) > 0 {
		calls, reqs, hashed, immutable := 0, 0, true, true
		for _, as := range r.Assets {
			calls += as.Calls
			reqs += as.Requests
			hashed = hashed && as.Hashed
			immutable = immutable && strings.Contains(as.CacheControl, "immutable")
		}
		ts = append(ts,
			Target{"zero upstream calls for static assets", fmt.Sprintf("%d calls / %d asset requests", calls, reqs), fmt.Sprintf("%d per asset", calls), calls == 0},
			Target{"assets content-hashed and Cache-Control: immutable", fmt.Sprintf("hashed names: %v, immutable: %v", hashed, immutable), "", hashed && immutable})
	}
	fv := r.FirstVisitGzip()
	ts = append(ts,
		Target{"first visit (HTML + CSS + JS, gzip) ≤ 30 KB", kbs(fv), fmt.Sprintf("%.2f× budget", float64(fv)/(30*kB)), fv > 0 && fv <= 30*kB},
		Target{"20-row results swap (gzip) ≤ 5 KB", kbs(r.SwapGzip), fmt.Sprintf("%.2f× budget", float64(r.SwapGzip)/(5*kB)), r.SwapGzip > 0 && r.SwapGzip <= 5*kB})
	m := r.Memory
	ts = append(ts, Target{fmt.Sprintf("peak RSS with %d concurrent keep-alive clients ≤ 50 MB (simulator upstream)", m.Clients), mbs(m.PeakRSS),
		fmt.Sprintf("%.2f× budget", float64(m.PeakRSS)/(50*mB)), m.PeakRSS > 0 && m.PeakRSS <= 50*mB && m.Stats.Errors == 0})
	return ts
}

// summaryStatuses are the statuses an outcome summary counts, one upstream
// call each on a cold cache.
var summaryStatuses = []string{"preparing", "running", "succeeded", "failed", "interrupted", "stopping"}

// inProcessTargets are the goals read from the in-process Go benchmarks.
func (r *Report) inProcessTargets() []Target {
	var ts []Target
	if g := r.GoBench("tests/bench/hotpath Fragment/rows=20"); g != nil {
		net := ""
		if d := r.GoBench("tests/bench/hotpath Proxy"); d != nil {
			net = fmt.Sprintf("; D in process %.0f objects, %.1f KB", d.AllocsPerOp, d.BytesPerOp/kB)
		}
		ts = append(ts, Target{"per 20-row fragment, whole in-process chain: ≤ 200 heap objects and ≤ 20 KB",
			fmt.Sprintf("%.0f objects, %.1f KB%s", g.AllocsPerOp, g.BytesPerOp/kB, net),
			fmt.Sprintf("%.2f× / %.2f× budget", g.AllocsPerOp/200, g.BytesPerOp/(20*kB)), g.AllocsPerOp <= 200 && g.BytesPerOp <= 20*kB})
	}
	if g := r.GoBench("views JobListResults/rows=100"); g != nil {
		c := g.cpu()
		ts = append(ts, Target{"render of 100 rows ≤ 100 µs (CPU time)", fmt.Sprintf("%.1f µs (wall %.1f µs)", c/1e3, g.NsPerOp/1e3), fmt.Sprintf("%.2f× budget", c/100e3), c <= 100e3})
	}
	if g := r.GoBench("apiclient DecodeListPage/rows=100"); g != nil {
		c := g.cpu()
		ts = append(ts, Target{"decode of 100 rows ≤ 60 µs (CPU time) and ≤ 40 KB", fmt.Sprintf("%.1f µs (wall %.1f µs), %.1f KB", c/1e3, g.NsPerOp/1e3, g.BytesPerOp/kB),
			fmt.Sprintf("%.2f× / %.2f× budget", c/60e3, g.BytesPerOp/(40*kB)), c <= 60e3 && g.BytesPerOp <= 40*kB})
	}
	if per, ok := r.perRow(); ok {
		q := per[1] / per[0]
		ts = append(ts, Target{"cost per row flat from 10 to 100 rows (50→100 ≤ 1.25× of 10→50)",
			fmt.Sprintf("%.1f µs/row 10→50, %.1f µs/row 50→100", per[0], per[1]), fmt.Sprintf("%.2f×", q), q <= 1.25})
	}
	return ts
}

// noisyTail is the p99/p50 ratio above which a tail is taken to be made by
// scheduling stalls of a busy machine rather than by the server measured.
const noisyTail = 10

// p99Target is the added-p99 goal. A difference of two tails is only
// meaningful when neither tail is dominated by machine noise: then the
// target is reported as not shown, with the reason.
func p99Target(a, b *Row) Target {
	add99 := b.Fixed.P99 - a.Fixed.P99
	t := Target{Name: "added latency p99, fragment − direct, 20 rows, fixed rate ≤ 1 ms", Measured: ms(add99),
		Ratio: fmt.Sprintf("B/A p99 %.2f×; %.2f× budget", ratio(b.Fixed.P99, a.Fixed.P99), float64(add99)/float64(time.Millisecond)),
		Met:   add99 <= time.Millisecond}
	if ra, rb := ratio(a.Fixed.P99, a.Fixed.P50), ratio(b.Fixed.P99, b.Fixed.P50); ra > noisyTail || rb > noisyTail {
		t.Measured += fmt.Sprintf(" (inconclusive: p99/p50 is %.0f× for A, %.0f× for B, tails made by a busy machine)", ra, rb)
		t.Met = false
	}
	return t
}

// Markdown renders the report as docs/benchmarks.md.
func (r *Report) Markdown() string {
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	c := r.Config
	w("# Benchmarks\n\n")
	w("Generated by `go run ./tests/bench` on %s. Machine: %d CPUs (`nproc`), %s. Run time %s. Load average (1, 5, 15 min) %s at the start, %s at the end: other work on the machine slows every arm, and the interleaving spreads it over all cells alike.\n\n", r.When.Format("2006-01-02 15:04 MST"), r.CPUs, r.GoVersion, r.Elapsed.Round(time.Second), r.LoadBefore, r.LoadAfter)
	w("Simulator, dashboard and second dashboard are separate processes of a freshly built binary on loopback; the load generator ")
	w("(vegeta v12.13.0 as a library), and the canned upstream run in the bench process; the reverse proxy D is the bench binary started again as a process of its own, all on the same machine. ")
	w("Requests ask for no compression. Cells are interleaved in %d rounds (A, B, C of every page size in turn). ", c.Rounds)
	w("Fixed rate: %d req/s, %s per cell. Saturation: closed loop, %d workers, %s per cell. Workflow %s of the demo account.\n\n", c.Rate, c.Fixed, c.Workers, c.Sat, r.WorkflowID)
	w("A = simulator JSON list endpoint, direct. B = dashboard htmx fragment (`HX-Request: true`, `HX-Request-Type: partial`). C = dashboard full page. ")
	w("D = `httputil.ReverseProxy` in front of the canned upstream (the same 20-row JSON from memory); B' = B against that canned upstream; F = the floor, the same upstream call and decode with a bare 20-row table (below). KB = 1024 B, MB = 1024 KB.\n\n")

	w("## Targets\n\n| target | measured | ratio | met |\n|---|---|---|---|\n")
	for _, t := range r.Targets() {
		w("| %s | %s | %s | %s |\n", t.Name, t.Measured, t.Ratio, check(t.Met))
	}

	w("\n## Side by side (simulator upstream)\n\n")
	w("CPU µs/req is the simulator's for A and the dashboard's for B and C (utime+stime from /proc, per request of the cell).\n\n")
	w("| rows | arm | p50 @%d/s | p99 @%d/s | p50 ×A | p99 ×A | req/s (sat) | req/s ×A | bytes | gzip | served gzip | CPU µs/req fixed | CPU µs/req sat | requests | errors |\n", c.Rate, c.Rate)
	w("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|\n")
	for _, row := range r.Rows {
		a := r.Row("A", row.Size)
		w("| %d | %s | %s | %s | %s | %s | %.0f | %s | %d | %d | %s | %s | %s | %d | %d |\n",
			row.Size, row.Arm, ms(row.Fixed.P50), ms(row.Fixed.P99),
			xs(ratio(row.Fixed.P50, a.Fixed.P50)), xs(ratio(row.Fixed.P99, a.Fixed.P99)),
			row.Sat.RPS, xs(row.Sat.RPS/a.Sat.RPS), row.Raw, row.Gzip, yes(row.ServedGzip),
			us(row.Fixed.CPUPerReq()), us(row.Sat.CPUPerReq()),
			row.Fixed.Requests+row.Sat.Requests, row.Fixed.Errors+row.Sat.Errors)
	}
	w("\nDashboard RSS: %s after sign-in; peak %s during the fixed-rate phase, %s during the saturation phase.\n", mbs(r.IdleRSS), mbs(r.FixedRSS), mbs(r.SatRSS))

	cp := r.Capacity
	w("\n## Capacity against the canned upstream (20 rows, no compression, %d workers, %s per arm)\n\n", c.Workers, c.Capacity)
	w("D, F and the second dashboard are separate processes; CPU µs/req is each one's own utime+stime per request; the bench process's CPU µs/req is the load generator's and the canned upstream's, on the same two cores, so that requests per second here are bounded by both (a bigger answer costs the generator more to read). ")
	w("F is the floor: the same upstream call through the project's apiclient and decoder, then the 20 rows as a bare HTML table written with plain appends; no session, middleware, request log, templ or page around the rows.\n\n")
	w("| arm | req/s | p50 | p99 | CPU µs/req | upstream calls/req | requests | errors | bench process CPU µs/req |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	w("| D reverse proxy | %.0f | %s | %s | %s | 1 | %d | %d | %s |\n", cp.Proxy.RPS, ms(cp.Proxy.P50), ms(cp.Proxy.P99), us(cp.Proxy.CPUPerReq()), cp.Proxy.Requests, cp.Proxy.Errors, us(cp.Proxy.BenchCPUPerReq()))
	w("| B' dashboard fragment | %.0f | %s | %s | %s | %s | %d | %d | %s |\n", cp.Fragment.RPS, ms(cp.Fragment.P50), ms(cp.Fragment.P99),
		us(cp.Fragment.CPUPerReq()), perReq(cp.SatFragCalls, cp.Fragment.Requests), cp.Fragment.Requests, cp.Fragment.Errors, us(cp.Fragment.BenchCPUPerReq()))
	w("| F floor (same call, bare table) | %.0f | %s | %s | %s | 1 | %d | %d | %s |\n", cp.Floor.RPS, ms(cp.Floor.P50), ms(cp.Floor.P99), us(cp.Floor.CPUPerReq()), cp.Floor.Requests, cp.Floor.Errors, us(cp.Floor.BenchCPUPerReq()))
	if cp.Proxy.RPS > 0 {
		w("| **B'/D** | **%.2f×** | %.2f× | %.2f× | %.2f× | | | | |\n", cp.Fragment.RPS/cp.Proxy.RPS, ratio(cp.Fragment.P50, cp.Proxy.P50), ratio(cp.Fragment.P99, cp.Proxy.P99), ratio(cp.Fragment.CPUPerReq(), cp.Proxy.CPUPerReq()))
		w("| F/D | %.2f× | %.2f× | %.2f× | %.2f× | | | | |\n", cp.Floor.RPS/cp.Proxy.RPS, ratio(cp.Floor.P50, cp.Proxy.P50), ratio(cp.Floor.P99, cp.Proxy.P99), ratio(cp.Floor.CPUPerReq(), cp.Proxy.CPUPerReq()))
	}
	if cp.Floor.RPS > 0 {
		w("| **B'/F** | **%.2f×** | %.2f× | %.2f× | %.2f× | | | | |\n", cp.Fragment.RPS/cp.Floor.RPS, ratio(cp.Fragment.P50, cp.Floor.P50), ratio(cp.Fragment.P99, cp.Floor.P99), ratio(cp.Fragment.CPUPerReq(), cp.Floor.CPUPerReq()))
	}

	w("\n## Upstream calls per dashboard request (canned upstream's counter)\n\n| request | requests | upstream calls | per request |\n|---|---:|---:|---:|\n")
	w("| fragment, 20 rows | %d | %d | %s |\n", cp.FragReqs, cp.FragCalls, perReq(cp.FragCalls, cp.FragReqs))
	w("| full page, 20 rows | %d | %d | %s |\n", cp.PageReqs, cp.PageCalls, perReq(cp.PageCalls, cp.PageReqs))
	for _, a := range r.Assets {
		w("| `%s` | %d | %d | %s |\n", a.URL, a.Requests, a.Calls, perReq(int64(a.Calls), a.Requests))
	}

	w("\n## Weight (gzip at the default level, measured by the bench)\n\n| item | raw bytes | gzip bytes | dashboard serves gzip | Cache-Control |\n|---|---:|---:|---|---|\n")
	if row := r.Row("C", 20); row != nil {
		w("| full page HTML, 20 rows | %d | %d | %s | |\n", row.Raw, r.PageGzip, yes(row.ServedGzip))
	}
	for _, a := range r.Assets {
		w("| `%s` | %d | %d | %s | %s |\n", a.URL, a.Raw, a.Gzip, yes(a.ServedGzip), a.CacheControl)
	}
	w("| **first visit** (HTML + CSS + JS) | | **%d** (%s) | | |\n", r.FirstVisitGzip(), kbs(r.FirstVisitGzip()))
	if row := r.Row("B", 20); row != nil {
		w("| **20-row results swap** (fragment) | %d | **%d** (%s) | %s | Vary HX-Request: %s |\n", row.Raw, row.Gzip, kbs(row.Gzip), yes(row.ServedGzip), yes(r.FragmentVary))
	}

	r.browserMarkdown(&b)
	r.multiMarkdown(&b)
	r.inProcessMarkdown(&b)
	b.WriteString(decisions)

	m := r.Memory
	w("\n## Memory: %d concurrent keep-alive clients (fragment, 20 rows, simulator upstream, %s)\n\n", m.Clients, c.Mem)
	w("| clients | req/s | p50 | p99 | requests | errors | most open sockets seen | peak RSS |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	w("| %d | %.0f | %s | %s | %d | %d | %d | %s |\n", m.Clients, m.Stats.RPS, ms(m.Stats.P50), ms(m.Stats.P99), m.Stats.Requests, m.Stats.Errors, m.MaxConns, mbs(m.PeakRSS))
	if !m.ResetPeak {
		w("\n(VmHWM could not be reset: the peak is since the process started.)\n")
	}
	return b.String()
}

// Errors returns the first error of every cell that had one.
func (r *Report) Errors() []string {
	var out []string
	add := func(name string, s Stats) {
		if s.Errors > 0 {
			out = append(out, fmt.Sprintf("%s: %d errors, first: %s", name, s.Errors, s.ErrorMsg))
		}
	}
	for _, row := range r.Rows {
		add(fmt.Sprintf("%s %d fixed", row.Arm, row.Size), row.Fixed)
		add(fmt.Sprintf("%s %d sat", row.Arm, row.Size), row.Sat)
	}
	add("D", r.Capacity.Proxy)
	add("B'", r.Capacity.Fragment)
	add("memory", r.Memory.Stats)
	r.Browser.errors(add)
	for _, m := range r.Multi {
		add(fmt.Sprintf("status=%s page %d", m.Statuses, m.Page), m.Stats)
	}
	return out
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond)) }
func us(d time.Duration) string { return fmt.Sprintf("%.0f", float64(d)/float64(time.Microsecond)) }
func xs(f float64) string       { return fmt.Sprintf("%.2f×", f) }
func kbs(n int) string          { return fmt.Sprintf("%.1f KB", float64(n)/kB) }
func mbs(n int64) string        { return fmt.Sprintf("%.1f MB", float64(n)/mB) }

func perReq(calls int64, reqs int) string {
	if reqs == 0 {
		return "–"
	}
	return fmt.Sprintf("%.3f", float64(calls)/float64(reqs))
}

func check(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}
