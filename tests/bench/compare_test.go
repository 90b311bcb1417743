package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestParseBuilds checks -compare's list: binaries with their settings,
// and a clear error for an empty binary or a setting without "=".
func TestParseBuilds(t *testing.T) {
	got, err := ParseBuilds("/tmp/a, /tmp/a|JOBBOARD_LOG_LEVEL=warn|X=1,/tmp/b")
	if err != nil {
		t.Fatal(err)
	}
	want := []Build{{Bin: "/tmp/a", Env: []string{}}, {Bin: "/tmp/a", Env: []string{"JOBBOARD_LOG_LEVEL=warn", "X=1"}}, {Bin: "/tmp/b", Env: []string{}}}
	if len(got) != len(want) {
		t.Fatalf("ParseBuilds = %v, want %v", got, want)
	}
	for i := range want {
		if got[i].Bin != want[i].Bin || !slices.Equal(got[i].Env, want[i].Env) {
			t.Errorf("build %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"", "/tmp/a,", "/tmp/a|NOEQUALS", "|X=1"} {
		if _, err := ParseBuilds(bad); err == nil {
			t.Errorf("ParseBuilds(%q) = nil error, want one", bad)
		}
	}
}

// TestCompare runs a tiny comparison of one freshly built jobboard with
// and without a setting and checks the table: D, F and both builds, each
// with traffic, CPU time and no errors.
func TestCompare(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "jobboard")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "jobboard").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v: %s", err, out)
	}
	builds, err := ParseBuilds(bin + "," + bin + "|JOBBOARD_LOG_LEVEL=warn")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cfg := tinyConfig()
	cfg.Rounds, cfg.Capacity = 2, 400*time.Millisecond
	cs, err := Compare(ctx, cfg, builds)
	if err != nil {
		t.Fatalf("Compare: %v", err)
	}
	var md bytes.Buffer
	writeComparison(&md, cs)
	rows := mdTable(t, "\n## Comparison\n\n"+md.String(), "Comparison")
	names := []string{"D reverse proxy", "F floor", bin, bin + " JOBBOARD_LOG_LEVEL=warn"}
	if len(rows) != len(names) {
		t.Fatalf("comparison has %d rows, want %d: %v", len(rows), len(names), rows)
	}
	for i, r := range rows {
		if r[0] != names[i] {
			t.Errorf("row %d is %q, want %q", i, r[0], names[i])
		}
		positive(t, r[0]+" req/s", r[1])
		positive(t, r[0]+" CPU µs/req", r[4])
		positive(t, r[0]+" bench process CPU µs/req", r[5])
		if r[9] != "0" {
			t.Errorf("%s: %s errors, want 0", r[0], r[9])
		}
	}
	if !strings.HasPrefix(rows[2][8], "1.000") {
		t.Errorf("first build against itself = %q, want 1.000×", rows[2][8])
	}
}
