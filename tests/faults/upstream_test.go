package faults

import (
	"bytes"
	"compress/gzip"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"jobboard/internal/explorersim"
)

// secret is a secret-looking string the fake upstream puts in an error
// body; it must never reach the browser or the logs.
const secret = "SECRET-7f3a9c2e41d84b07a6f5e2c9d1b3a8f0"

// fault is one way the fake upstream misbehaves, for the requests match
// accepts; every other request is served by the simulator.
type fault struct {
	match func(method, path string) bool
	serve func(w http.ResponseWriter, r *http.Request)
}

// upstream is a fake Explorer on a fixed loopback address that can be
// switched into a fault, stopped (connection refused) and started again on
// the same address.
type upstream struct {
	sim     *explorersim.Sim
	addr    string
	closing chan struct{} // closed by close: ends hanging handlers

	mu    sync.Mutex
	srv   *httptest.Server
	calls map[string]int // "METHOD path" → requests received

	fault atomic.Pointer[fault]

	// gzipPrefix and gzipSpaces are gzip members: the start of a list
	// envelope, and 1 MiB of spaces (valid JSON white space).
	gzipPrefix, gzipSpaces []byte
	gzipAccepted           atomic.Bool // the last bomb request asked for gzip
}

// newUpstream starts the fake Explorer in front of sim.
func newUpstream(t *testing.T, sim *explorersim.Sim) *upstream {
	t.Helper()
	u := &upstream{sim: sim, closing: make(chan struct{}), calls: map[string]int{}}
	u.gzipPrefix = gzipMember(t, []byte(`{"code":0,"message":"","data":{"items":[`))
	u.gzipSpaces = gzipMember(t, bytes.Repeat([]byte(" "), 1<<20))
	u.start(t, "127.0.0.1:0")
	u.addr = u.srv.Listener.Addr().String()
	t.Cleanup(u.close)
	return u
}

func gzipMember(t *testing.T, p []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(p); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// URL is the fake Explorer's base URL.
func (u *upstream) URL() string { return "http://" + u.addr }

func (u *upstream) start(t *testing.T, addr string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("fake upstream: listen on %s: %v", addr, err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(u.serveHTTP))
	_ = srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	u.mu.Lock()
	u.srv = srv
	u.mu.Unlock()
}

// stop closes the server: connections are refused until restart.
func (u *upstream) stop() {
	u.mu.Lock()
	srv := u.srv
	u.srv = nil
	u.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// restart listens again on the same address.
func (u *upstream) restart(t *testing.T) {
	t.Helper()
	u.start(t, u.addr)
}

func (u *upstream) close() {
	select {
	case <-u.closing:
	default:
		close(u.closing)
	}
	u.stop()
}

// set switches to f (nil: behave).
func (u *upstream) set(f *fault) { u.fault.Store(f) }

func (u *upstream) serveHTTP(w http.ResponseWriter, r *http.Request) {
	u.mu.Lock()
	u.calls[r.Method+" "+r.URL.Path]++
	u.mu.Unlock()
	if f := u.fault.Load(); f != nil && f.match(r.Method, r.URL.Path) {
		f.serve(w, r)
		return
	}
	u.sim.ServeHTTP(w, r)
}

// callCount returns how many requests matched match so far.
func (u *upstream) callCount(match func(method, path string) bool) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	n := 0
	for k, v := range u.calls {
		method, path, _ := strings.Cut(k, " ")
		if match(method, path) {
			n += v
		}
	}
	return n
}

// totalCalls is every request received so far.
func (u *upstream) totalCalls() int {
	return u.callCount(func(string, string) bool { return true })
}

// --- which requests a fault hits ---

const api = "/api-open/v1"

// isList matches the two list endpoints.
func isList(method, path string) bool {
	return method == http.MethodGet && (path == api+"/jobs" ||
		strings.HasPrefix(path, api+"/workflows/") && strings.HasSuffix(path, "/jobs"))
}

// isCancel matches cancel job (PUT …/jobs/N/cancel).
func isCancel(method, path string) bool {
	return method == http.MethodPut && strings.HasPrefix(path, api+"/jobs/") && strings.HasSuffix(path, "/cancel")
}

// isStart matches start job (POST …/workflows/N/jobs).
func isStart(method, path string) bool {
	return method == http.MethodPost && strings.HasPrefix(path, api+"/workflows/") && strings.HasSuffix(path, "/jobs")
}

// --- the faults ---

func hang(u *upstream) func(http.ResponseWriter, *http.Request) {
	return func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-u.closing:
		}
	}
}

// reset answers with a TCP RST: the connection is hijacked and closed with
// SO_LINGER 0 before any response byte.
func reset(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

func writeRaw(w http.ResponseWriter, status int, contentType, body string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func malformedJSON(w http.ResponseWriter, _ *http.Request) {
	writeRaw(w, http.StatusOK, "application/json",
		`{"code":0,"message":"","data":{"items":[{"id":42,"name":"x",}],"total":1,"Page":1,"PageSize":10}}`)
}

// truncatedJSON is the simulator's real answer cut in half, with a
// Content-Length matching what is sent (a well-formed HTTP message).
func (u *upstream) truncatedJSON(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	u.sim.ServeHTTP(rec, r)
	body := rec.Body.String()
	writeRaw(w, http.StatusOK, "application/json", body[:len(body)/2])
}

// cutConnection announces the full length, sends half and drops the
// connection.
func (u *upstream) cutConnection(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	u.sim.ServeHTTP(rec, r)
	body := rec.Body.Bytes()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body[:len(body)/2])
	w.(http.Flusher).Flush()
	panic(http.ErrAbortHandler)
}

func html500(w http.ResponseWriter, _ *http.Request) {
	writeRaw(w, http.StatusInternalServerError, "text/html; charset=utf-8",
		"<html><body><h1>Internal Server Error</h1><pre>db password="+secret+
			"\nat com.vesoft.explorer.Workflow.list(Workflow.java:42)</pre></body></html>")
}

func unavailable503(w http.ResponseWriter, _ *http.Request) {
	writeRaw(w, http.StatusServiceUnavailable, "text/html", "<html><body>503 Service Unavailable "+secret+"</body></html>")
}

func envelope(code int, message string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		writeRaw(w, http.StatusUnauthorized, "application/json",
			`{"code":`+strconv.Itoa(code)+`,"message":"`+message+`","data":null}`)
	}
}

// redirectTo answers 302 to the same path on another host.
func redirectTo(other string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other+r.URL.RequestURI(), http.StatusFound)
	}
}

// hugeBody is a 20 MB list envelope made of white space, announced with
// its Content-Length (announced) or streamed without one.
func hugeBody(size int, announced bool) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		head := []byte(`{"code":0,"message":"","data":{"items":[`)
		w.Header().Set("Content-Type", "application/json")
		if announced {
			w.Header().Set("Content-Length", strconv.Itoa(size))
		}
		w.WriteHeader(http.StatusOK)
		if _, err := w.Write(head); err != nil {
			return
		}
		chunk := bytes.Repeat([]byte(" "), 64<<10)
		for sent := len(head); sent < size; sent += len(chunk) {
			if _, err := w.Write(chunk[:min(len(chunk), size-sent)]); err != nil {
				return // the client stopped reading: the point of the test
			}
		}
	}
}

// gzipBomb sends about 1 MiB of gzip that inflates to 1 GiB of a list
// envelope padded with white space.
func (u *upstream) gzipBomb(w http.ResponseWriter, r *http.Request) {
	u.gzipAccepted.Store(strings.Contains(r.Header.Get("Accept-Encoding"), "gzip"))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Encoding", "gzip")
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(u.gzipPrefix); err != nil {
		return
	}
	for range 1024 {
		if _, err := w.Write(u.gzipSpaces); err != nil {
			return
		}
	}
}

// otherHost is a second server that must never be contacted.
type otherHost struct {
	srv      *httptest.Server
	requests atomic.Int64
}

func newOtherHost(t *testing.T) *otherHost {
	t.Helper()
	o := &otherHost{}
	o.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		o.requests.Add(1)
		writeRaw(w, http.StatusOK, "application/json", `{"code":0,"message":"","data":{"items":[],"total":0,"Page":1,"PageSize":10}}`)
	}))
	t.Cleanup(o.srv.Close)
	return o
}
