// Package redistest starts a real redis-server (Debian package
// redis-server) for tests: on a free loopback port, without persistence, in
// a temporary directory, stopped when the test ends. It can be killed and
// started again on the same port to test what happens while Redis is down.
package redistest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"jobboard/internal/testenv/childproc"
)

// InstallHint tells a person how to get the binary.
const InstallHint = "install it with: apt-get install -y redis-server"

// startTimeout bounds how long a start may take before the test fails.
const startTimeout = 10 * time.Second

// Server is one redis-server process (or none, between Kill and Start).
type Server struct {
	t    testing.TB
	bin  string
	dir  string
	port int

	mu   sync.Mutex
	proc *childproc.Proc
}

// Binary returns the path of redis-server. When it is missing the test
// fails if the CI environment variable is set and is skipped otherwise,
// with the install hint.
func Binary(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		childproc.Missing(t, "redis-server", InstallHint)
	}
	return bin
}

// Start starts redis-server on a free loopback port and stops it when the
// test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, bin: Binary(t), dir: t.TempDir()}
	var err error
	for range 5 { // a free port can be taken between choosing and binding it
		if s.port, err = childproc.FreePort(); err != nil {
			t.Fatalf("redistest: %v", err)
		}
		if err = s.start(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	t.Cleanup(s.Kill)
	return s
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// URL is the server's redis:// URL.
func (s *Server) URL() string { return "redis://" + s.Addr() + "/0" }

// Client returns a client of the server, closed when the test ends.
func (s *Server) Client() *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.Addr(), DisableIdentity: true})
	s.t.Cleanup(func() { _ = c.Close() })
	return c
}

// Kill stops the server at once (SIGKILL, like a crash) and waits for it
// to be gone. It does nothing when the server is not running.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return
	}
	s.proc.Kill()
	s.proc = nil
}

// Restart starts the server again on the same port, with an empty
// dataset (nothing is persisted). The test fails if it does not answer.
func (s *Server) Restart() {
	s.t.Helper()
	if err := s.start(); err != nil {
		s.t.Fatalf("redistest: restart: %v", err)
	}
}

// start runs redis-server on s.port and waits until it answers PING.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return errors.New("already running")
	}
	cmd := exec.CommandContext(context.Background(), s.bin, //nolint:gosec // G204: the binary found on PATH, fixed arguments
		"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir,
		"--daemonize", "no", "--logfile", "")
	proc, err := childproc.Start(cmd)
	if err != nil {
		return err
	}
	c := redis.NewClient(&redis.Options{Addr: s.Addr(), DisableIdentity: true, MaxRetries: -1})
	defer func() { _ = c.Close() }()
	deadline := time.Now().Add(startTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			s.proc = proc
			return nil
		}
		select {
		case <-proc.Exited():
			return fmt.Errorf("redis-server on port %d exited: %s", s.port, proc.Output())
		default:
		}
		if time.Now().After(deadline) {
			proc.Kill()
			return fmt.Errorf("redis-server on port %d did not answer within %s: %w", s.port, startTimeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
