// Package childproc runs the real servers that tests start themselves
// (redis-server, PostgreSQL): a free loopback port to put them on, the
// process killed if the test process dies first, its output kept for the
// failure message, and the CI rule for a missing binary.
package childproc

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"jobboard/internal/testenv"
)

// Missing ends a test that needs a program that is not installed: it
// fails when the CI environment variable is set (CI must have it) and is
// skipped otherwise, with hint saying how to install it.
func Missing(t testing.TB, what, hint string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is not installed (CI is set, so this fails instead of skipping); %s", what, hint)
	}
	t.Skipf("%s is not installed; %s", what, hint)
}

// FreePort returns a loopback TCP port nobody listens on right now.
func FreePort() (int, error) {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("choose a free port: %w", err)
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// Proc is a started server process.
type Proc struct {
	cmd  *exec.Cmd
	done chan struct{}
	out  *testenv.SyncBuffer
}

// Start starts cmd with its stdout and stderr kept (see Output) and, on
// Linux, SIGKILL sent to it if the test process dies first (a test
// timeout's panic runs no cleanup). cmd.SysProcAttr may be set already
// (for a credential).
func Start(cmd *exec.Cmd) (*Proc, error) {
	p := &Proc{cmd: cmd, done: make(chan struct{}), out: &testenv.SyncBuffer{}}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	dieWithParent(cmd.SysProcAttr)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	go func() { _ = cmd.Wait(); close(p.done) }()
	return p, nil
}

// Exited is closed when the process has exited.
func (p *Proc) Exited() <-chan struct{} { return p.done }

// Output is what the process wrote so far.
func (p *Proc) Output() string { return p.out.String() }

// Kill sends SIGKILL (like a crash) and waits for the process to be gone.
func (p *Proc) Kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}
