package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// GoBench is one line of `go test -bench` output: a benchmark of the
// request path run in process.
type GoBench struct {
	Name        string // e.g. "hotpath Fragment/rows=20"
	Iterations  int
	NsPerOp     float64 // wall time
	CPUNsPerOp  float64 // process CPU time (cpu-ns/op), when reported
	BytesPerOp  float64
	AllocsPerOp float64
}

// inProcessBenches are the Go benchmarks the report quotes: the whole
// handler chain (tests/bench/hotpath), the results render and the list
// decode.
// Those without a cpu-ns/op of their own are run once per sub-benchmark
// (subs), so that the test process's CPU time per iteration can stand for
// it: wall time grows with the machine's other load, CPU time much less.
var inProcessBenches = []struct {
	pkg, pattern string
	subs         []string
}{
	{"./tests/bench/hotpath", "^Benchmark(Fragment|Proxy)$", nil},
	{"./views", "^BenchmarkJobListResults$", []string{"rows=20", "rows=100"}},
	{"./apiclient", "^BenchmarkDecodeListPage$", []string{"rows=20", "rows=100"}},
}

// inProcess runs the in-process Go benchmarks with `go test` (a fixed
// number of iterations each, Config.InProcess; "" skips them).
func (h *harness) inProcess(ctx context.Context, rep *Report) error {
	if h.cfg.InProcess == "" {
		return nil
	}
	root, err := moduleRoot(ctx)
	if err != nil {
		return err
	}
	for i, b := range inProcessBenches {
		h.logf("in-process benchmarks of %s", b.pkg)
		bin := filepath.Join(h.tmp, fmt.Sprintf("inprocess%d.test", i))
		build := exec.CommandContext(ctx, "go", "test", "-c", "-o", bin, b.pkg) //nolint:gosec // G204: fixed package list of this module
		build.Dir = root
		if out, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("go test -c %s: %w: %s", b.pkg, err, out)
		}
		pkg := strings.TrimPrefix(b.pkg, "./")
		patterns := []string{b.pattern}
		if len(b.subs) > 0 {
			patterns = patterns[:0]
			for _, sub := range b.subs {
				patterns = append(patterns, b.pattern+"/^"+regexp.QuoteMeta(sub)+"$")
			}
		}
		for _, pat := range patterns {
			cmd := exec.CommandContext(ctx, bin, "-test.run", "^$", "-test.bench", pat, "-test.benchmem", "-test.benchtime", h.cfg.InProcess) //nolint:gosec // G204: the test binary just built
			cmd.Dir = filepath.Join(root, b.pkg)
			out, err := cmd.CombinedOutput()
			if err != nil {
				return fmt.Errorf("%s -test.bench %s: %w: %s", b.pkg, pat, err, out)
			}
			res := parseGoBench(pkg, out)
			if len(b.subs) > 0 && len(res) == 1 && res[0].CPUNsPerOp == 0 && res[0].Iterations > 0 && cmd.ProcessState != nil {
				cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				res[0].CPUNsPerOp = float64(cpu.Nanoseconds()) / float64(res[0].Iterations+1) // b.Loop runs once more to start
			}
			rep.GoBenches = append(rep.GoBenches, res...)
		}
	}
	return nil
}

// parseGoBench reads the result lines of `go test -bench` output.
func parseGoBench(pkg string, out []byte) []GoBench {
	var res []GoBench
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			name = name[:i] // the GOMAXPROCS suffix
		}
		g := GoBench{Name: pkg + " " + name}
		g.Iterations, _ = strconv.Atoi(f[1])
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			switch f[i+1] {
			case "ns/op":
				g.NsPerOp = v
			case "cpu-ns/op":
				g.CPUNsPerOp = v
			case "B/op":
				g.BytesPerOp = v
			case "allocs/op":
				g.AllocsPerOp = v
			}
		}
		res = append(res, g)
	}
	return res
}

// GoBench returns the in-process benchmark named name, or nil.
func (r *Report) GoBench(name string) *GoBench {
	for i := range r.GoBenches {
		if r.GoBenches[i].Name == name {
			return &r.GoBenches[i]
		}
	}
	return nil
}

// inProcessMarkdown writes the in-process benchmarks' table.
func (r *Report) inProcessMarkdown(b *strings.Builder) {
	if len(r.GoBenches) == 0 {
		return
	}
	w := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	w("\n## In process (`go test -bench`, %s iterations each)\n\n", r.Config.InProcess)
	w("hotpath: the whole handler chain (`handlers.New`, session, jobquery, apiclient over loopback HTTP to a canned upstream, render) per request, with a request built as net/http's server hands it over; the canned upstream is a process of its own, so allocations and CPU time are the dashboard's (and the benchmark loop's) alone; `hotpath Proxy` is D in process on the same rig. CPU is the process's CPU time per operation (for views and apiclient: the test process's, run for that benchmark alone, per iteration); on a busy machine it is the steadier figure, and the render and decode targets are read from it.\n\n")
	w("| benchmark | µs/op | CPU µs/op | KB/op | allocs/op |\n|---|---:|---:|---:|---:|\n")
	for _, g := range r.GoBenches {
		cpu := "–"
		if g.CPUNsPerOp > 0 {
			cpu = fmt.Sprintf("%.0f", g.CPUNsPerOp/1e3)
		}
		w("| %s | %.1f | %s | %.1f | %.0f |\n", g.Name, g.NsPerOp/1e3, cpu, g.BytesPerOp/kB, g.AllocsPerOp)
	}
	if per, ok := r.perRow(); ok {
		w("\nCost per row (CPU time, hotpath): %.1f µs from 10 to 50 rows, %.1f µs from 50 to 100 rows.\n", per[0], per[1])
	}
}

// perRow is the hotpath fragment's CPU time per row between 10 and 50 and
// between 50 and 100 rows, in µs.
func (r *Report) perRow() ([2]float64, bool) {
	a, b, c := r.GoBench("tests/bench/hotpath Fragment/rows=10"), r.GoBench("tests/bench/hotpath Fragment/rows=50"), r.GoBench("tests/bench/hotpath Fragment/rows=100")
	if a == nil || b == nil || c == nil || a.CPUNsPerOp == 0 {
		return [2]float64{}, false
	}
	return [2]float64{(b.CPUNsPerOp - a.CPUNsPerOp) / 40 / 1e3, (c.CPUNsPerOp - b.CPUNsPerOp) / 50 / 1e3}, true
}

// cpu is the benchmark's CPU time per operation, else its wall time.
func (g *GoBench) cpu() float64 {
	if g.CPUNsPerOp > 0 {
		return g.CPUNsPerOp
	}
	return g.NsPerOp
}
