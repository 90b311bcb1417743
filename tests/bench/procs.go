package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// userHZ is the unit of utime/stime in /proc/<pid>/stat (USER_HZ, 100 on
// every Linux architecture Go supports).
const userHZ = 100

// readyLine finds the base URL in the line a jobboard process prints when it
// listens ("... listening on http://127.0.0.1:PORT" or "... on http://.../api-open/v1/").
var readyLine = regexp.MustCompile(`on (http://[0-9A-Za-z.:\[\]-]+)`)

// proc is a server process started by the harness from the freshly built
// binary.
type proc struct {
	name    string
	cmd     *exec.Cmd
	url     string // base URL, e.g. http://127.0.0.1:41234
	logPath string
	exited  chan struct{}
	waitErr error
}

// startProc runs bin with args and extra environment, and waits until it
// prints the line naming its listen URL. Its stderr (the request log) goes
// to a file in dir, so logging costs what it costs in production.
func startProc(ctx context.Context, name, bin, dir string, args, env []string) (*proc, error) {
	logPath := filepath.Join(dir, name+".log")
	logFile, err := os.Create(logPath) //nolint:gosec // G304: dir is the harness's own temp dir and name a constant of the harness
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	cmd := exec.CommandContext(ctx, bin, args...) //nolint:gosec // G204: bin is the jobboard binary the harness just built (or -bin) or the bench binary itself; args are constants
	// When ctx ends, stop the process the way stop does: SIGTERM, then a
	// kill if it has not exited 5 s later.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		found := false
		for sc.Scan() {
			if m := readyLine.FindStringSubmatch(sc.Text()); m != nil && !found {
				found = true
				urls <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	go func() {
		p.waitErr = cmd.Wait()
		_ = logFile.Close()
		close(p.exited)
	}()
	timer := time.NewTimer(30 * time.Second)
	defer timer.Stop()
	select {
	case p.url = <-urls:
		return p, nil
	case <-p.exited:
		if p.waitErr == nil {
			return nil, fmt.Errorf("start %s: exited with status 0 before listening; log: %s", name, p.tail())
		}
		return nil, fmt.Errorf("start %s: exited before listening (%w); log: %s", name, p.waitErr, p.tail())
	case <-timer.C:
		p.stop()
		return nil, fmt.Errorf("start %s: no listening line within 30s; log: %s", name, p.tail())
	case <-ctx.Done():
		p.stop()
		return nil, fmt.Errorf("start %s: %w", name, ctx.Err())
	}
}

// pid returns the process ID.
func (p *proc) pid() int { return p.cmd.Process.Pid }

// stop asks the process to shut down (SIGTERM), and kills it after 5 s.
func (p *proc) stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// tail returns the last lines of the process's log, for error messages.
func (p *proc) tail() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return "(no log)"
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 5 {
		lines = lines[len(lines)-5:]
	}
	return strings.Join(lines, " | ")
}

// cpuTime returns the user+system CPU time the process has used so far
// (utime+stime of /proc/<pid>/stat). It returns 0 for pid 0.
func cpuTime(pid int) (time.Duration, error) {
	if pid == 0 {
		return 0, nil
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("read cpu time: %w", err)
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// fields after the last ')' start with field 3 (state).
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, errors.New("read cpu time: malformed /proc stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, errors.New("read cpu time: short /proc stat")
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, errors.New("read cpu time: bad utime/stime")
	}
	return time.Duration(utime+stime) * time.Second / userHZ, nil
}

// memStatus returns a field of /proc/<pid>/status in bytes ("VmHWM", "VmRSS").
func memStatus(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", field, err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		rest, ok := strings.CutPrefix(line, field+":")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("read %s: %w", field, err)
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("read %s: not in /proc/%d/status", field, pid)
}

// resetPeakRSS resets VmHWM to the current RSS (writing 5 to clear_refs), so
// the next reading is the peak of the phase that follows. It reports whether
// the kernel accepted the reset.
func resetPeakRSS(pid int) bool {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil
}

// openSockets counts the process's open socket file descriptors.
func openSockets(pid int) int {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range ents {
		if t, err := os.Readlink(filepath.Join(dir, e.Name())); err == nil && strings.HasPrefix(t, "socket:") {
			n++
		}
	}
	return n
}
