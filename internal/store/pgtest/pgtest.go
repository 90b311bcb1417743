// Package pgtest starts a real PostgreSQL server (Debian's postgresql
// package) for tests: initdb in a temporary directory, the server on a
// free loopback port without Unix sockets, run as the unprivileged user
// nobody when the test runs as root (PostgreSQL refuses to run as root),
// stopped and removed when the test ends. fsync is off because the data
// lives as long as the test; commits still survive Kill and Restart.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"jobboard/internal/testenv/childproc"
)

// InstallHint tells a person how to get the binaries.
const InstallHint = "install them with: apt-get install -y postgresql"

// binGlob is where Debian puts each major version's server binaries.
const binGlob = "/usr/lib/postgresql/*/bin/initdb"

// startTimeout bounds how long initdb or a start may take.
const startTimeout = 60 * time.Second

// Superuser is the role initdb creates; it needs no password (trust
// authentication on loopback only).
const Superuser = "postgres"

// Server is one PostgreSQL server (or none, between Kill and Restart).
type Server struct {
	t    testing.TB
	bin  string // the directory holding initdb and postgres
	dir  string
	port int
	cred *syscall.Credential // nil: run as the current user

	mu   sync.Mutex
	proc *childproc.Proc

	dbs atomic.Int64
}

// BinDir returns the directory of the newest installed PostgreSQL's
// initdb and postgres. When none is installed the test fails if the CI
// environment variable is set and is skipped otherwise, with the install
// hint.
func BinDir(t testing.TB) string {
	t.Helper()
	found, _ := filepath.Glob(binGlob)
	if len(found) == 0 {
		childproc.Missing(t, "PostgreSQL (no "+binGlob+")", InstallHint)
	}
	// Newest major version: compare the version directory numerically.
	sort.Slice(found, func(i, j int) bool { return majorVersion(found[i]) > majorVersion(found[j]) })
	return filepath.Dir(found[0])
}

func majorVersion(initdb string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return n
}

// Start starts a server and returns the URL of a fresh database on it.
func Start(t testing.TB) string {
	t.Helper()
	return StartServer(t).NewDatabase(t)
}

// StartServer initialises a cluster in a temporary directory and starts
// its server on a free loopback port; it is stopped when the test ends.
func StartServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, bin: BinDir(t)}
	// Not t.TempDir: its parent is private to root, and the server may
	// run as nobody.
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	s.dir = dir
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		s.cred, err = nobody()
		if err != nil {
			t.Fatalf("pgtest: %v", err)
		}
		if err := os.Chown(dir, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
			t.Fatalf("pgtest: %v", err)
		}
	}
	if err := s.initdb(); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	for range 5 { // a free port can be taken between choosing and binding it
		if s.port, err = childproc.FreePort(); err != nil {
			t.Fatalf("pgtest: %v", err)
		}
		if err = s.start(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(s.Kill)
	return s
}

// nobody is the credential of the user nobody.
func nobody() (*syscall.Credential, error) {
	u, err := user.Lookup("nobody")
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL refuses to run as root and there is no user nobody: %w", err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user nobody: uid %q: %w", u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, fmt.Errorf("user nobody: gid %q: %w", u.Gid, err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func (s *Server) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(s.bin, name), args...) //nolint:gosec // G204: Debian's PostgreSQL binaries, arguments made here
	cmd.Dir = s.dir
	// Only what the server needs: no inherited PG* variables, a HOME and
	// TMPDIR the user may use.
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + s.dir, "TMPDIR=" + s.dir, "LC_ALL=C"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	return cmd
}

func (s *Server) dataDir() string { return filepath.Join(s.dir, "data") }

func (s *Server) initdb() error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	out, err := s.command(ctx, "initdb", "-D", s.dataDir(), "-U", Superuser, "-A", "trust",
		"-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions").CombinedOutput()
	if err != nil {
		return fmt.Errorf("initdb: %w: %s", err, out)
	}
	return nil
}

// Port is the server's TCP port on 127.0.0.1.
func (s *Server) Port() int { return s.port }

// DSN is the URL of database db on the server, as the superuser.
func (s *Server) DSN(db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(Superuser),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// NewDatabase creates an empty database and returns its URL.
func (s *Server) NewDatabase(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("test_%d", s.dbs.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, s.DSN("postgres"))
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer func() { _ = conn.Close(context.Background()) }()
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create database %s: %v", name, err)
	}
	return s.DSN(name)
}

// Kill stops the server at once (SIGKILL, like a crash) and waits for it
// to be gone; its data stays for Restart. It does nothing when the server
// is not running.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return
	}
	s.proc.Kill()
	s.proc = nil
}

// Restart starts the server again on the same port with the same data.
// The test fails if it does not answer.
func (s *Server) Restart() {
	s.t.Helper()
	// The backends of a killed server notice its death and exit within
	// moments; until they have, a new server refuses to start on the
	// shared memory they still hold, so a failed start is retried.
	deadline := time.Now().Add(startTimeout)
	for {
		err := s.start()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("pgtest: restart: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// start runs postgres on s.port and waits until it accepts connections.
// The server process is run directly (not through pg_ctl, which detaches
// it) so that it dies with the test process.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return errors.New("already running")
	}
	cmd := s.command(context.Background(), "postgres", "-D", s.dataDir(),
		"-p", strconv.Itoa(s.port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=",
		// fsync off: a commit reaches the kernel, not the disk, which
		// survives Kill (a process crash) though not a machine crash.
		// synchronous_commit stays on: off, a killed server loses the
		// last commits, which a restart test would see.
		"-c", "fsync=off", "-c", "full_page_writes=off",
		"-c", "max_connections=100", "-c", "shared_buffers=16MB",
		"-c", "log_min_messages=warning", "-c", "logging_collector=off")
	proc, err := childproc.Start(cmd)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(startTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, s.DSN("postgres"))
		if err == nil {
			_ = conn.Close(ctx)
			cancel()
			s.proc = proc
			return nil
		}
		cancel()
		select {
		case <-proc.Exited():
			return fmt.Errorf("postgres on port %d exited: %s", s.port, proc.Output())
		default:
		}
		if time.Now().After(deadline) {
			proc.Kill()
			return fmt.Errorf("postgres on port %d did not answer within %s: %w: %s", s.port, startTimeout, err, proc.Output())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
