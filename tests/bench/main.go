// Command bench measures jobboard side by side with the Explorer API it
// fronts: the simulator's JSON list endpoint direct (A), the
// dashboard's htmx fragment (B) and full page (C) for page sizes 10, 20, 50
// and 100, at a fixed rate and at saturation, interleaved; a plain reverse
// proxy (D) and the floor (F: the same upstream call and decode with a bare
// table) against a canned upstream next to the dashboard against the same
// upstream (B'); upstream calls per request; page weight; memory with 500
// keep-alive clients. It prints the tables and writes docs/benchmarks.md.
//
//	go run ./tests/bench            # full run, about two minutes on two cores
//	go run ./tests/bench -quick     # smoke run, about thirty seconds
//	go run ./tests/bench -compare /tmp/a,/tmp/b   # two builds' fragments, with D and F
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

func main() {
	if err := start(os.Args[1:]); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// start runs until SIGINT or SIGTERM either the reverse proxy D or the
// floor F (when the harness started this binary as one) or the benchmark.
func start(args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if served, err := serveRole(ctx, os.Stdout); served {
		// Started by the harness as the reverse proxy D or the floor F.
		return err
	}
	return run(ctx, args, os.Stdout, os.Stderr)
}

// run parses the flags, runs the benchmark, prints the report to stdout and
// writes it to the -out file.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quick := fs.Bool("quick", false, "smoke run of about thirty seconds")
	out := fs.String("out", "", "where to write the markdown report (default: docs/benchmarks.md; \"-\" for none)")
	bin := fs.String("bin", "", "use this jobboard binary instead of building one")
	rate := fs.Int("rate", 0, "fixed rate in req/s (default 200)")
	workers := fs.Int("workers", 0, "closed-loop workers at saturation (default 16)")
	compare := fs.String("compare", "", "only compare these builds' fragments with D and F: bin[|NAME=VALUE...],... (6 rounds of 2 s)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := FullConfig()
	if *quick {
		cfg = QuickConfig()
	}
	if *rate > 0 {
		cfg.Rate = *rate
	}
	if *workers > 0 {
		cfg.Workers = *workers
	}
	if *compare != "" {
		builds, err := ParseBuilds(*compare)
		if err != nil {
			return err
		}
		if !*quick {
			cfg.Rounds, cfg.Capacity = 6, 12*time.Second
		}
		cfg.Progress = stderr
		cs, err := Compare(ctx, cfg, builds)
		if err != nil {
			return err
		}
		writeComparison(stdout, cs)
		return nil
	}
	cfg.Bin = *bin
	cfg.Progress = stderr
	path := *out
	if path == "" {
		root, err := moduleRoot(ctx)
		if err != nil {
			return err
		}
		path = filepath.Join(root, "docs", "benchmarks.md")
	}
	rep, err := Run(ctx, cfg)
	if err != nil {
		return err
	}
	md := rep.Markdown()
	fmt.Fprint(stdout, md)
	if errs := rep.Errors(); len(errs) > 0 {
		fmt.Fprintln(stderr, "bench: requests failed:\n  "+strings.Join(errs, "\n  "))
	}
	if path != "-" {
		if err := os.WriteFile(path, []byte(md), 0o644); err != nil { //nolint:gosec // G306: docs/benchmarks.md is a public report committed with the source, readable like every file of the tree
			return fmt.Errorf("bench: write report: %w", err)
		}
		fmt.Fprintln(stderr, "bench: wrote", path)
	}
	return nil
}

// moduleRoot returns the directory of the jobboard module's go.mod.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("bench: find module root: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("bench: not inside the jobboard module")
	}
	return filepath.Dir(gomod), nil
}
