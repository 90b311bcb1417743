package hotpath_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"jobboard/internal/testenv/childproc"
)

// cannedDirEnv and cannedAddrEnv, when set, make the test binary serve
// only the canned upstream on that address, answering from the pages in
// that directory: the rig starts it as a process of its own, so that the
// benchmarks' allocations and CPU time are the dashboard's alone, not also
// the upstream server's.
const (
	cannedDirEnv  = "JOBBOARD_HOTPATH_CANNED_DIR"
	cannedAddrEnv = "JOBBOARD_HOTPATH_CANNED_ADDR"
)

// TestMain lets the test binary play the canned upstream when the rig
// starts it again.
func TestMain(m *testing.M) {
	if dir := os.Getenv(cannedDirEnv); dir != "" {
		if err := serveCanned(dir, os.Getenv(cannedAddrEnv)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serveCanned answers connect with a token cookie, GET /calls with the
// number of list calls so far, and every other call with the page of its
// pageSize from dir (dir/N.json, else dir/20.json), on addr until killed.
func serveCanned(dir, addr string) error {
	pages := map[string][]byte{}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("canned upstream: no pages in %s", dir)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("canned upstream: %w", err)
		}
		pages[strings.TrimSuffix(filepath.Base(f), ".json")] = b
	}
	var calls atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(req.URL.Path, "/connect"):
			w.Header().Add("Set-Cookie", "explorer_token=canned; Path=/; Max-Age=259200; HttpOnly")
			_, _ = io.WriteString(w, `{"code":0,"message":"Success","data":{"success":true}}`)
		case req.URL.Path == "/calls":
			_, _ = io.WriteString(w, strconv.FormatInt(calls.Load(), 10))
		default:
			calls.Add(1)
			p, ok := pages[req.URL.Query().Get("pageSize")]
			if !ok {
				p = pages["20"]
			}
			_, _ = w.Write(p)
		}
	})
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		return fmt.Errorf("canned upstream: %w", err)
	}
	return nil
}

// startCanned writes pages (by page size) to a temp dir and starts the
// canned upstream on them as a child process; it returns its URL once it
// answers and kills it when tb ends.
func startCanned(tb testing.TB, pages map[string][]byte) string {
	tb.Helper()
	dir := tb.TempDir()
	for n, p := range pages {
		if err := os.WriteFile(filepath.Join(dir, n+".json"), p, 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	port, err := childproc.FreePort()
	if err != nil {
		tb.Fatal(err)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cmd := exec.CommandContext(context.Background(), os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), cannedDirEnv+"="+dir, cannedAddrEnv+"="+addr)
	p, err := childproc.Start(cmd)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Kill)
	for deadline := time.Now().Add(30 * time.Second); ; {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.Close()
			return "http://" + addr
		}
		select {
		case <-p.Exited():
			tb.Fatalf("canned upstream exited: %s", p.Output())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			tb.Fatalf("canned upstream not listening on %s after 30 s: %s", addr, p.Output())
		}
	}
}

// upstreamCalls is the number of list calls the canned upstream at base
// has answered.
func upstreamCalls(tb testing.TB, base string) int {
	tb.Helper()
	n, err := strconv.Atoi(string(get(tb, base+"/calls", "")))
	if err != nil {
		tb.Fatalf("canned upstream's call count: %v", err)
	}
	return n
}
