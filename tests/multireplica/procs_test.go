//go:build multireplica

package multireplica

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"text/template"
	"time"
)

// Bounds of the waits; a passing run never reaches them.
const (
	startTimeout = 20 * time.Second // a process answers its readiness probe
	stopTimeout  = 20 * time.Second // a process exits after SIGTERM
)

// proc is one child process whose output goes to a log file.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

// startProc starts bin with args and env (nothing inherited but PATH and
// HOME), logging to dir/name.log (appended, so a restart keeps the first
// run's lines). When the test ends it is stopped if still running:
// SIGTERM, then SIGKILL after a few seconds. SIGTERM, not SIGKILL, so that
// nginx's master stops its workers (a killed master leaves them running).
// It also gets SIGTERM if the test process dies (Pdeathsig).
func startProc(t *testing.T, dir, name string, env []string, bin string, args ...string) *proc {
	t.Helper()
	logPath := filepath.Join(dir, name+".log")
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		_ = f.Close()
		t.Fatalf("start %s: %v", name, err)
	}
	p := &proc{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); _ = f.Close(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-p.done:
			case <-time.After(5 * time.Second):
				_ = cmd.Process.Kill()
				<-p.done
			}
		}
	})
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			if len(b) > 4000 {
				b = b[len(b)-4000:]
			}
			t.Logf("--- end of %s's log:\n%s", name, b)
		}
	})
	return p
}

// running reports whether the process has not exited.
func (p *proc) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// terminate sends SIGTERM and waits for the exit; it returns how long the
// process took and its exit error.
func (p *proc) terminate(t *testing.T) (time.Duration, error) {
	t.Helper()
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM %s: %v", p.name, err)
	}
	select {
	case <-p.done:
	case <-time.After(stopTimeout):
		t.Fatalf("%s still running %s after SIGTERM", p.name, stopTimeout)
	}
	if st := p.cmd.ProcessState; !st.Success() {
		return time.Since(start), fmt.Errorf("%s", st)
	}
	return time.Since(start), nil
}

// freePort returns a loopback TCP port nobody listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().(*net.TCPAddr).Port
}

// waitHTTP polls url until it answers want (any status when want is 0),
// or fails the test when p exits or startTimeout passes.
func waitHTTP(t *testing.T, p *proc, url string, want int) {
	t.Helper()
	c := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(startTimeout)
	for {
		resp, err := c.Get(url)
		if err == nil {
			_ = resp.Body.Close()
			if want == 0 || resp.StatusCode == want {
				return
			}
		}
		if !p.running() {
			t.Fatalf("%s exited before %s answered %d", p.name, url, want)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer %d within %s (last: %v)", url, want, startTimeout, err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// buildJobboard builds the jobboard binary from the module root into dir.
func buildJobboard(t *testing.T, dir string) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil || len(bytes.TrimSpace(out)) == 0 {
		t.Fatalf("go env GOMOD: %v", err)
	}
	root := filepath.Dir(string(bytes.TrimSpace(out)))
	bin := filepath.Join(dir, "jobboard")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = root
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// nginxHint tells a person how to get nginx.
const nginxHint = "install it with: apt-get install -y nginx"

// nginxBinary returns the path of nginx: a missing binary fails the test
// when CI is set and skips it otherwise.
func nginxBinary(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if bin, err := exec.LookPath(p); err == nil {
			return bin
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("nginx is not installed (CI is set, so this fails instead of skipping); %s", nginxHint)
	}
	t.Skipf("nginx is not installed; %s", nginxHint)
	return ""
}

// nginxConf is the load balancer: round-robin over the replicas, a failed
// replica set aside for a second, idempotent requests (GET, HEAD) retried
// on the next replica after a connection error, a timeout, a 502 or a 503
// (nginx never retries a POST that reached a replica unless told
// non_idempotent), and X-Upstream naming the replica that answered.
// Connections to the replicas are not kept alive, so a replica that shuts
// down has no idle connection nginx could pick just as it closes.
var nginxConf = template.Must(template.New("nginx.conf").Parse(`
{{if .Root}}user nobody nogroup;{{end}}
worker_processes 1;
pid {{.Dir}}/nginx.pid;
error_log {{.Dir}}/error.log info;
events { worker_connections 512; }
http {
	access_log {{.Dir}}/access.log;
	client_body_temp_path {{.Dir}}/tmp/body;
	proxy_temp_path {{.Dir}}/tmp/proxy;
	fastcgi_temp_path {{.Dir}}/tmp/fastcgi;
	uwsgi_temp_path {{.Dir}}/tmp/uwsgi;
	scgi_temp_path {{.Dir}}/tmp/scgi;
	upstream jobboard {
		{{range .Upstreams}}server {{.}} max_fails=1 fail_timeout=1s;
		{{end}}
	}
	server {
		listen {{.Listen}};
		location / {
			proxy_pass http://jobboard;
			proxy_set_header Host $http_host;
			proxy_set_header X-Forwarded-For $remote_addr;
			proxy_connect_timeout 1s;
			proxy_read_timeout 30s;
			proxy_next_upstream error timeout http_502 http_503;
			proxy_next_upstream_tries 3;
			add_header X-Upstream $upstream_addr always;
		}
	}
}
`))

// startNginx runs nginx in the foreground with its own prefix and config
// in a fresh directory, listening on listen, in front of upstreams.
func startNginx(t *testing.T, listen string, upstreams []string) *proc {
	t.Helper()
	bin := nginxBinary(t)
	// Not t.TempDir (0700): when the test runs as root, nginx's workers
	// run as nobody and must reach the temp paths.
	dir, err := os.MkdirTemp("", "jobboard-nginx-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	var conf bytes.Buffer
	err = nginxConf.Execute(&conf, map[string]any{
		"Root": os.Geteuid() == 0, "Dir": dir, "Listen": listen, "Upstreams": upstreams,
	})
	if err != nil {
		t.Fatal(err)
	}
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, conf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startProc(t, dir, "nginx", nil, bin, "-p", dir, "-c", confPath, "-e", filepath.Join(dir, "error.log"), "-g", "daemon off;")
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Logf("--- nginx error.log:\n%s", lastLines(string(b), 40))
		}
	})
	waitHTTP(t, p, "http://"+listen+"/healthz", http.StatusOK)
	return p
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func addr(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }
