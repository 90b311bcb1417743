package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Build is one dashboard build of a comparison: a binary and extra
// environment for its process.
type Build struct {
	Bin string
	Env []string
}

// ParseBuilds reads -compare's list: builds separated by commas, each a
// binary path optionally followed by |NAME=VALUE settings for its
// process, e.g. "/tmp/a,/tmp/a|JOBBOARD_LOG_LEVEL=warn,/tmp/b".
func ParseBuilds(spec string) ([]Build, error) {
	var bs []Build
	for item := range strings.SplitSeq(spec, ",") {
		parts := strings.Split(strings.TrimSpace(item), "|")
		if parts[0] == "" {
			return nil, fmt.Errorf("bench: -compare: empty binary in %q", spec)
		}
		for _, kv := range parts[1:] {
			if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
				return nil, fmt.Errorf("bench: -compare: %q is not NAME=VALUE", kv)
			}
		}
		bs = append(bs, Build{Bin: parts[0], Env: parts[1:]})
	}
	return bs, nil
}

// Name is how the comparison's table names b.
func (b Build) Name() string {
	return strings.Join(append([]string{b.Bin}, b.Env...), " ")
}

// Compared is one arm of a comparison.
type Compared struct {
	Name  string
	Stats Stats
}

// Compare measures D, the floor F and every build's 20-row fragment
// against the canned upstream at saturation, interleaved in cfg.Rounds
// rounds of cfg.Capacity/cfg.Rounds each: how the builds of one change
// (or one build with and without a setting) differ end to end, each as a
// process of its own with its CPU time read from /proc. The simulator
// process runs from the first build.
func Compare(ctx context.Context, cfg Config, builds []Build) ([]Compared, error) {
	tmp, err := os.MkdirTemp("", "jobboard-compare-")
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	defer os.RemoveAll(tmp)
	h := &harness{cfg: cfg, tmp: tmp, bin: builds[0].Bin, client: newLoadClient(4)}
	defer h.close()
	if h.sim, err = startProc(ctx, "sim", h.bin, tmp, []string{"simulate", "-addr", "127.0.0.1:0", "-seed", "1"}, nil); err != nil {
		return nil, err
	}
	if h.simTok, err = connect(ctx, h.client, h.sim.url); err != nil {
		return nil, err
	}
	if h.wf, err = pickWorkflow(ctx, h.client, h.sim.url, h.simTok, 20); err != nil {
		return nil, err
	}
	list, err := expect200(ctx, h.client, h.targetA(20))
	if err != nil {
		return nil, err
	}
	if h.canned, err = startCanned(ctx, list.body); err != nil {
		return nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find the bench binary to start the proxy: %w", err)
	}
	if h.proxy, err = startProc(ctx, "proxy", self, tmp, nil, []string{proxyEnv + "=" + h.canned.url}); err != nil {
		return nil, err
	}
	if h.floor, err = startProc(ctx, "floor", self, tmp, nil, []string{floorEnv + "=" + h.canned.url}); err != nil {
		return nil, err
	}
	h.keys = hex.EncodeToString(randBytes(32)) + ":" + hex.EncodeToString(randBytes(32))
	proxied := h.targetA(20)
	proxied.URL = h.proxy.url + strings.TrimPrefix(proxied.URL, h.sim.url)
	proxied.Header = http.Header{"Cookie": {"explorer_token=" + cannedToken}}
	out := []Compared{{Name: "D reverse proxy"}, {Name: "F floor"}}
	targets := []vegeta.Target{proxied, {Method: http.MethodGet, URL: h.floor.url + listPath(h.wf, 20)}}
	pids := []int{h.proxy.pid(), h.floor.pid()}
	var dashboards []*proc
	defer func() {
		for _, p := range dashboards {
			p.stop()
		}
	}()
	for i, b := range builds {
		name := fmt.Sprintf("build-%d", i)
		env := append([]string{
			"EXPLORER_URL=" + h.canned.url, "NEBULA_ADDRESS=127.0.0.1", "SESSION_KEYS=" + h.keys,
			"JOBBOARD_DB=" + filepath.Join(tmp, name+".db"),
		}, b.Env...)
		p, err := startProc(ctx, name, b.Bin, tmp, []string{"-addr", "127.0.0.1:0"}, env)
		if err != nil {
			return nil, err
		}
		dashboards = append(dashboards, p)
		cookie, err := signIn(ctx, p.url)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", b.Name(), err)
		}
		out = append(out, Compared{Name: b.Name()})
		targets = append(targets, fragmentTarget(p.url, cookie, h.wf, 20))
		pids = append(pids, p.pid())
	}
	cells := make([]cell, len(out))
	for i := range out {
		if _, err := expect200(ctx, h.client, targets[i]); err != nil {
			return nil, fmt.Errorf("%s: %w", out[i].Name, err)
		}
		cells[i] = cell{stats: &out[i].Stats, client: newLoadClient(cfg.Workers * 2), target: targets[i], pid: pids[i]}
	}
	h.logf("comparing %d builds with D and F: %d rounds × %v", len(builds), cfg.Rounds, cfg.Capacity/time.Duration(cfg.Rounds))
	if err := interleave(ctx, cells, cfg.Rounds, cfg.Capacity/time.Duration(cfg.Rounds), 0, cfg.Workers); err != nil {
		return nil, err
	}
	return out, nil
}

// writeComparison prints a comparison as a markdown table, each arm
// against D and against the first build. The bench process's CPU (load
// generator and canned upstream, on the same cores) is shown per arm: on a
// machine this small it bounds requests per second as much as the
// server's own.
func writeComparison(w io.Writer, cs []Compared) {
	fmt.Fprintf(w, "| arm | req/s | p50 | p99 | CPU µs/req | bench process CPU µs/req | req/s ×D | CPU ×D | CPU × first build | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	d, first := cs[0].Stats, cs[min(2, len(cs)-1)].Stats
	for _, c := range cs {
		s := c.Stats
		fmt.Fprintf(w, "| %s | %.0f | %s | %s | %s | %s | %.2f× | %.2f× | %.3f× | %d |\n", c.Name, s.RPS, ms(s.P50), ms(s.P99), us(s.CPUPerReq()), us(s.BenchCPUPerReq()),
			s.RPS/d.RPS, ratio(s.CPUPerReq(), d.CPUPerReq()), ratio(s.CPUPerReq(), first.CPUPerReq()), s.Errors)
	}
}
