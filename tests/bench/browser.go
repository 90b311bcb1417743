package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Browser is what the arms that load the dashboard the way browsers do
// measured, all against the canned upstream (the second dashboard, B').
type Browser struct {
	// Gzip: B' asked for gzip as browsers do, next to D in the same rounds.
	Gzip, GzipProxy Stats
	// One connection, closed loop: the latency a lone reader adds over D.
	OneFrag, OneProxy Stats
	// KeepCookie: B' from a client that keeps Set-Cookie in a cookie jar,
	// next to DropCookie, the usual load generator that drops it.
	KeepCookie, DropCookie Stats
	// A filter change as a browser makes it: the results fragment and its
	// outcome summary. Calls are the canned upstream's.
	Changes              int
	ColdCalls, WarmCalls int64
	// Conns: B' with many concurrent keep-alive connections, and D with
	// as many (what the load generator on the same machine leaves).
	Conns, ProxyConns []ConnRow
	// Idle keep-alive connections: how many were open and what RSS they
	// added.
	IdleConns   int
	IdleRSSDiff int64
}

// ConnRow is B' with Conns concurrent keep-alive connections.
type ConnRow struct {
	Conns   int
	Stats   Stats
	PeakRSS int64
}

// withHeader returns t with the header k set to v (t's header copied).
func withHeader(t vegeta.Target, k, v string) vegeta.Target {
	h := t.Header.Clone()
	h.Set(k, v)
	t.Header = h
	return t
}

// browserArms runs the browser-like arms against the second dashboard.
func (h *harness) browserArms(ctx context.Context, rep *Report) error {
	b := &rep.Browser
	pid, proxyPid := h.dash2.pid(), h.proxy.pid()
	frag := fragmentTarget(h.dash2.url, h.cookie2, h.wf, 20)
	proxied := h.targetA(20)
	proxied.URL = h.proxy.url + strings.TrimPrefix(proxied.URL, h.sim.url)
	proxied.Header = http.Header{"Cookie": {"explorer_token=" + cannedToken}}
	dashClient, proxyClient := newLoadClient(h.cfg.Workers*2), newLoadClient(h.cfg.Workers*2)
	per := h.cfg.Capacity / time.Duration(h.cfg.Rounds)

	h.logf("browser arms: gzip, D and B' × %v", h.cfg.Capacity)
	gz := withHeader(frag, "Accept-Encoding", "gzip")
	if err := interleave(ctx, []cell{
		{stats: &b.GzipProxy, client: proxyClient, target: proxied, pid: proxyPid},
		{stats: &b.Gzip, client: dashClient, target: gz, pid: pid},
	}, h.cfg.Rounds, per, 0, h.cfg.Workers); err != nil {
		return err
	}

	h.logf("browser arms: one connection, D and B' × %v", h.cfg.Capacity)
	if err := interleave(ctx, []cell{
		{stats: &b.OneProxy, client: newLoadClient(1), target: proxied, pid: proxyPid},
		{stats: &b.OneFrag, client: newLoadClient(1), target: frag, pid: pid},
	}, h.cfg.Rounds, per, 0, 1); err != nil {
		return err
	}

	h.logf("browser arms: clients that keep Set-Cookie × %v", h.cfg.Capacity)
	keeper, err := cookieClient(h.dash2.url, h.cookie2, h.cfg.Workers*2)
	if err != nil {
		return err
	}
	bare := frag
	bare.Header = frag.Header.Clone()
	bare.Header.Del("Cookie")
	if err := interleave(ctx, []cell{
		{stats: &b.DropCookie, client: dashClient, target: frag, pid: pid},
		{stats: &b.KeepCookie, client: keeper, target: bare, pid: pid},
	}, h.cfg.Rounds, per, 0, h.cfg.Workers); err != nil {
		return err
	}

	if err := h.filterChanges(ctx, b); err != nil {
		return err
	}

	if err := h.idleConns(ctx, b); err != nil {
		return err
	}
	for _, n := range []int{100, 1000} {
		h.logf("browser arms: %d keep-alive connections × %v, B' and D", n, h.cfg.Mem)
		for _, arm := range []struct {
			rows   *[]ConnRow
			target vegeta.Target
			pid    int
		}{{&b.Conns, frag, pid}, {&b.ProxyConns, proxied, proxyPid}} {
			row := ConnRow{Conns: n}
			resetPeakRSS(arm.pid)
			c := cell{stats: &row.Stats, client: newLoadClient(n), target: arm.target, pid: arm.pid}
			if err := interleave(ctx, []cell{c}, 1, h.cfg.Mem, 0, n); err != nil {
				return err
			}
			if row.PeakRSS, err = memStatus(arm.pid, "VmHWM"); err != nil {
				return err
			}
			c.client.CloseIdleConnections()
			*arm.rows = append(*arm.rows, row)
		}
	}
	return nil
}

// cookieClient is a load client whose cookie jar holds the session cookie
// (a Cookie header value) and keeps whatever the dashboard sets.
func cookieClient(base, cookie string, conns int) (*http.Client, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, fmt.Errorf("cookie jar: %w", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("dashboard URL: %w", err)
	}
	var cks []*http.Cookie
	for part := range strings.SplitSeq(cookie, "; ") {
		if name, value, ok := strings.Cut(part, "="); ok {
			cks = append(cks, &http.Cookie{Name: name, Value: value, Path: "/"}) //nolint:gosec // G124: a client-side jar entry for the bench over plain loopback HTTP, not a cookie a server sets
		}
	}
	jar.SetCookies(u, cks)
	c := newLoadClient(conns)
	c.Jar = jar
	return c, nil
}

// filterChanges counts the upstream calls of a filter change as a browser
// makes it (the results fragment, then the outcome summary it loads):
// cold, every change a filter not seen before; warm, the same filter
// again within the summary cache's lifetime.
func (h *harness) filterChanges(ctx context.Context, b *Browser) error {
	b.Changes = max(h.cfg.CallsN/10, 5)
	h.logf("browser arms: %d filter changes, cold and warm", b.Changes)
	change := func(name string) error {
		q := "?name=" + url.QueryEscape(name)
		list := "/workflows/" + h.wf + "/jobs"
		hx := http.Header{"Cookie": {h.cookie2}, "Hx-Request": {"true"}, "Hx-Request-Type": {"partial"}}
		for _, p := range []string{list + q, list + "/summary" + q} {
			if _, err := expect200(ctx, h.client, vegeta.Target{Method: http.MethodGet, URL: h.dash2.url + p, Header: hx}); err != nil {
				return err
			}
		}
		return nil
	}
	stamp := time.Now().UnixNano()
	before := h.canned.calls.Load()
	for i := range b.Changes {
		if err := change(fmt.Sprintf("cold-%d-%d", stamp, i)); err != nil {
			return err
		}
	}
	b.ColdCalls = h.canned.calls.Load() - before
	warm := fmt.Sprintf("warm-%d", stamp)
	if err := change(warm); err != nil {
		return err
	}
	before = h.canned.calls.Load()
	for range b.Changes {
		if err := change(warm); err != nil {
			return err
		}
	}
	b.WarmCalls = h.canned.calls.Load() - before
	return nil
}

// idleConns starts a dashboard of its own (so that no earlier load's heap
// is there to absorb them), opens many keep-alive connections at once, one
// fragment each, leaves them idle and reads what they added to its RSS.
func (h *harness) idleConns(ctx context.Context, b *Browser) error {
	const n = 500
	dash, cookie, err := h.startSignedIn(ctx, "dashboard-idle", h.canned.url)
	if err != nil {
		return err
	}
	defer dash.stop()
	pid := dash.pid()
	frag := fragmentTarget(dash.url, cookie, h.wf, 20)
	h.logf("browser arms: %d idle keep-alive connections", n)
	for range 50 { // warm: the heap of a request exists before the baseline
		if _, err := expect200(ctx, h.client, frag); err != nil {
			return err
		}
	}
	time.Sleep(time.Second)
	rss0, err := memStatus(pid, "VmRSS")
	if err != nil {
		return err
	}
	socks0 := openSockets(pid)
	// n connections, one client (transport) each so that none is reused,
	// at most 16 requests at a time: the heap of n concurrent requests
	// (which the in-flight bound and the collector handle) is not what is
	// read.
	clients := make([]*http.Client, n)
	defer func() {
		for _, c := range clients {
			if c != nil {
				c.CloseIdleConnections()
			}
		}
	}()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	busy := make(chan struct{}, 16)
	for i := range clients {
		clients[i] = newLoadClient(1)
		wg.Go(func() {
			busy <- struct{}{}
			defer func() { <-busy }()
			if _, err := expect200(ctx, clients[i], frag); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	time.Sleep(2 * time.Second) // idle: the requests' garbage collected, stacks shrunk
	rss1, err := memStatus(pid, "VmRSS")
	if err != nil {
		return err
	}
	b.IdleConns, b.IdleRSSDiff = openSockets(pid)-socks0, rss1-rss0
	return nil
}

// IdlePerConn is the RSS one idle keep-alive connection added.
func (b *Browser) IdlePerConn() int64 {
	if b.IdleConns <= 0 {
		return 0
	}
	return b.IdleRSSDiff / int64(b.IdleConns)
}

// browserMarkdown writes the browser-like arms' section of the report.
func (r *Report) browserMarkdown(b *strings.Builder) {
	w := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	br := r.Browser
	c := r.Config
	w("\n## Measured the way browsers use it (canned upstream, 20 rows)\n\n")
	w("Each pair is interleaved in %d rounds, %s per arm; closed loop, %d workers unless said otherwise.\n\n", c.Rounds, c.Capacity, c.Workers)
	w("| arm | req/s | p50 | p99 | CPU µs/req | requests | errors |\n|---|---:|---:|---:|---:|---:|---:|\n")
	row := func(name string, s Stats) {
		w("| %s | %.0f | %s | %s | %s | %d | %d |\n", name, s.RPS, ms(s.P50), ms(s.P99), us(s.CPUPerReq()), s.Requests, s.Errors)
	}
	for _, a := range br.arms(c.Mem) {
		row(a.name, a.stats)
	}
	w("\nA filter change as a browser makes it (results fragment + its outcome summary), %d changes each: cold (filters never seen) %s upstream calls per change, warm (the same filters within the summary's cache lifetime) %s.\n",
		br.Changes, perReq(br.ColdCalls, br.Changes), perReq(br.WarmCalls, br.Changes))
	w("\nIdle keep-alive connections (a dashboard of their own, warmed by 50 requests): %d sockets opened (one fragment per client connection, at most 16 at a time, all held open; the count includes the dashboard's connections to the upstream), then idle for 2 s: RSS %+.1f MB, %.1f KB per socket.\n",
		br.IdleConns, float64(br.IdleRSSDiff)/mB, float64(br.IdlePerConn())/kB)
}

// namedStats is one arm's name and figures.
type namedStats struct {
	name  string
	stats Stats
}

// arms lists the browser-like arms in the report's order (mem: the
// duration of the connection arms).
func (br *Browser) arms(mem time.Duration) []namedStats {
	out := []namedStats{
		{"D, same rounds as gzip", br.GzipProxy},
		{"B' asked for gzip (`Accept-Encoding: gzip`)", br.Gzip},
		{"D, one connection", br.OneProxy},
		{"B', one connection", br.OneFrag},
		{"B', client drops Set-Cookie (the usual load generator)", br.DropCookie},
		{"B', client keeps Set-Cookie (cookie jar, as a browser)", br.KeepCookie},
	}
	for i, cr := range br.Conns {
		out = append(out, namedStats{fmt.Sprintf("B', %d keep-alive connections (%s), peak RSS %s", cr.Conns, mem, mbs(cr.PeakRSS)), cr.Stats})
		if i < len(br.ProxyConns) {
			d := br.ProxyConns[i]
			out = append(out, namedStats{fmt.Sprintf("D, %d keep-alive connections (%s), peak RSS %s", d.Conns, mem, mbs(d.PeakRSS)), d.Stats})
		}
	}
	return out
}

// errors hands every browser-like arm to add, for Report.Errors.
func (br *Browser) errors(add func(string, Stats)) {
	for _, a := range br.arms(0) {
		add(a.name, a.stats)
	}
}
