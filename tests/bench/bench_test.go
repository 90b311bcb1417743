package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary play the reverse proxy D or the floor F
// when the harness starts it again as a process of its own, as the bench binary does.
func TestMain(m *testing.M) {
	if os.Getenv(proxyEnv) != "" || os.Getenv(floorEnv) != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		_, err := serveRole(ctx, os.Stdout)
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// tinyConfig is the harness with durations small enough for CI.
func tinyConfig() Config {
	return Config{
		Sizes: []int{10, 20, 50, 100}, Rate: 200, Workers: 4, Rounds: 1,
		Fixed: 150 * time.Millisecond, Sat: 100 * time.Millisecond, Capacity: 200 * time.Millisecond,
		Warmup: 20 * time.Millisecond, MemClients: 100, Mem: 300 * time.Millisecond, CallsN: 20,
	}
}

// mdTable returns the data rows of the markdown table that follows the
// heading starting with heading, split into trimmed cells.
func mdTable(t *testing.T, md, heading string) [][]string {
	t.Helper()
	_, rest, ok := strings.Cut(md, "\n## "+heading)
	if !ok {
		t.Fatalf("no section %q in the report", heading)
	}
	var rows [][]string
	inTable := false
	for line := range strings.SplitSeq(rest, "\n") {
		if strings.HasPrefix(line, "## ") {
			break
		}
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break
			}
			continue
		}
		inTable = true
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if strings.HasPrefix(cells[0], "---") || strings.HasPrefix(cells[0], "--:") {
			continue
		}
		rows = append(rows, cells)
	}
	if len(rows) < 2 {
		t.Fatalf("section %q has no table rows", heading)
	}
	return rows[1:] // without the header row
}

func positive(t *testing.T, what, cell string) {
	t.Helper()
	v, err := strconv.ParseFloat(strings.Trim(cell, "*× "), 64)
	if err != nil || v <= 0 {
		t.Errorf("%s = %q, want a positive number", what, cell)
	}
}

// TestQuickRun runs the whole harness for a few seconds against a freshly
// built jobboard and checks the report it prints and writes.
func TestQuickRun(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Fatalf("the harness reads /proc: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	rep, err := Run(ctx, tinyConfig())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if errs := rep.Errors(); len(errs) > 0 {
		t.Errorf("requests failed: %v", errs)
	}
	md := rep.Markdown()

	// The side-by-side table has one row per arm and size, each with
	// traffic, a nonzero rate and no errors.
	rows := mdTable(t, md, "Side by side")
	seen := map[string]bool{}
	for _, r := range rows {
		if len(r) != 15 {
			t.Fatalf("side-by-side row %v has %d cells, want 15", r, len(r))
		}
		key := r[0] + " " + r[1]
		if seen[key] {
			t.Errorf("row %s appears twice", key)
		}
		seen[key] = true
		positive(t, key+" p50", strings.TrimSuffix(r[2], " ms"))
		positive(t, key+" sat req/s", r[6])
		positive(t, key+" bytes", r[8])
		positive(t, key+" gzip bytes", r[9])
		if r[14] != "0" {
			t.Errorf("%s: %s errors, want 0", key, r[14])
		}
	}
	for _, size := range []string{"10", "20", "50", "100"} {
		for _, arm := range []string{"A", "B", "C"} {
			if !seen[size+" "+arm] {
				t.Errorf("no side-by-side row for %s rows, arm %s", size, arm)
			}
		}
	}

	capRows := mdTable(t, md, "Capacity")
	if len(capRows) != 6 {
		t.Fatalf("capacity table has %d rows, want D, B', the floor F and the ratios B'/D, F/D, B'/F: %v", len(capRows), capRows)
	}
	for _, r := range capRows[:3] {
		positive(t, r[0]+" req/s", r[1])
		positive(t, r[0]+" CPU µs/req", r[4])
		if r[7] != "0" {
			t.Errorf("%s: %s errors, want 0", r[0], r[7])
		}
	}
	for _, r := range capRows[3:] {
		positive(t, r[0], r[1])
	}

	// The canned upstream counted the dashboard's calls: a fragment costs
	// at least one, and the assets of the page were found and fetched.
	calls := mdTable(t, md, "Upstream calls")
	if len(calls) < 3 {
		t.Errorf("upstream calls table has %d rows, want fragment, page and at least one asset", len(calls))
	}
	positive(t, "upstream calls per fragment", calls[0][3])

	checkMultiStatus(t, md)

	targets := mdTable(t, md, "Targets")
	if len(targets) != 15 {
		t.Errorf("targets table has %d rows, want 15 (the in-process ones are skipped here)", len(targets))
	}
	checkBrowserArms(t, md)
	for _, r := range targets {
		if r[3] != "✓" && r[3] != "✗" {
			t.Errorf("target %q: verdict %q, want ✓ or ✗", r[0], r[3])
		}
	}
	if rep.FirstVisitGzip() <= 0 || rep.SwapGzip <= 0 || rep.Memory.PeakRSS <= 0 {
		t.Errorf("weight %d, swap %d, peak RSS %d: want all positive", rep.FirstVisitGzip(), rep.SwapGzip, rep.Memory.PeakRSS)
	}
}

// TestRunRejectsUnknownFlag checks a typo in a flag stops the run before
// anything starts, with the flag named.
func TestRunRejectsUnknownFlag(t *testing.T) {
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"-qiuck"}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "qiuck") {
		t.Fatalf("run(-qiuck) = %v, want an error naming the flag", err)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout = %q, want nothing", stdout.String())
	}
}
