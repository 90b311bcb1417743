package apiclient_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jobboard/apiclient"
)

// testToken is the token every authenticated call sends in these tests.
const testToken apiclient.Token = "eyJhbGciOiJIUzI1NiJ9.test-token.sig"

// captured is what the fake Explorer saw of one request.
type captured struct {
	Method      string
	EscapedPath string
	RawQuery    string
	Header      http.Header
	Cookies     []*http.Cookie
	Body        []byte
}

// recorder remembers the requests a test server received.
type recorder struct {
	mu   sync.Mutex
	reqs []captured
}

func (rec *recorder) add(r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.reqs = append(rec.reqs, captured{
		Method:      r.Method,
		EscapedPath: r.URL.EscapedPath(),
		RawQuery:    r.URL.RawQuery,
		Header:      r.Header.Clone(),
		Cookies:     r.Cookies(),
		Body:        body,
	})
}

func (rec *recorder) count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.reqs)
}

// only returns the single request received, failing the test otherwise.
func (rec *recorder) only(t *testing.T) captured {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.reqs) != 1 {
		t.Fatalf("server received %d requests, want 1", len(rec.reqs))
	}
	return rec.reqs[0]
}

// serveFunc starts a loopback server running h after recording each
// request, and a Client for it built with opts.
func serveFunc(t *testing.T, h http.HandlerFunc, opts ...apiclient.Option) (*apiclient.Client, *recorder, *httptest.Server) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return newClient(t, srv.URL, opts...), rec, srv
}

// newClient builds a Client for url and closes its idle connections when
// the test ends (goleak checks that nothing is left running).
func newClient(t *testing.T, url string, opts ...apiclient.Option) *apiclient.Client {
	t.Helper()
	c, err := apiclient.New(url, opts...)
	if err != nil {
		t.Fatalf("New(%q): %v", url, err)
	}
	t.Cleanup(c.Close)
	return c
}

// serve starts a server that answers every request with status, body and
// the given header key/value pairs.
func serve(t *testing.T, status int, body string, headerKV ...string) (*apiclient.Client, *recorder) {
	t.Helper()
	c, rec, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headerKV); i += 2 {
			w.Header().Add(headerKV[i], headerKV[i+1])
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
	return c, rec
}

// ctxT returns a context that ends with the test (bounded, so a hung call
// fails the test instead of the whole run).
func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// checkAuthed asserts the parts common to every token-authenticated call.
func checkAuthed(t *testing.T, got captured, method, path, contentType string) {
	t.Helper()
	if got.Method != method {
		t.Errorf("method = %s, want %s", got.Method, method)
	}
	if got.EscapedPath != path {
		t.Errorf("path = %s, want %s", got.EscapedPath, path)
	}
	if ct := got.Header.Get("Content-Type"); ct != contentType {
		t.Errorf("Content-Type = %q, want %q", ct, contentType)
	}
	if h := got.Header.Values("Cookie"); len(h) != 1 || h[0] != "explorer_token="+testToken.Reveal() {
		t.Errorf("Cookie header = %q, want exactly explorer_token=<token>", h)
	}
	if len(got.Cookies) != 1 || got.Cookies[0].Name != "explorer_token" || got.Cookies[0].Value != testToken.Reveal() {
		t.Errorf("cookies = %v, want only explorer_token", got.Cookies)
	}
	if a := got.Header.Get("Authorization"); a != "" {
		t.Errorf("Authorization = %q, want none on a token call", a)
	}
}

// splitQuery decodes a raw query into its filter object (numbers kept as
// json.Number; nil when there is no filter) and the remaining parameters.
func splitQuery(t *testing.T, raw string) (map[string]any, url.Values) {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatalf("query %q does not parse: %v", raw, err)
	}
	var filter map[string]any
	if fs, ok := v["filter"]; ok {
		if len(fs) != 1 {
			t.Fatalf("filter given %d times", len(fs))
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(fs[0])))
		dec.UseNumber()
		if err := dec.Decode(&filter); err != nil {
			t.Fatalf("filter %q is not a JSON object: %v", fs[0], err)
		}
		delete(v, "filter")
	}
	return filter, v
}

// ms is a time from epoch milliseconds, in UTC like the client returns.
func ms(n int64) time.Time { return time.UnixMilli(n).UTC() }

func statusPtr(s apiclient.Status) *apiclient.Status { return &s }

// gzipped compresses s.
func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := io.WriteString(zw, s); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gzipServer answers every request with body, gzip-encoded, after checking
// that the client asked for gzip.
func gzipServer(t *testing.T, body []byte, opts ...apiclient.Option) (*apiclient.Client, *recorder) {
	t.Helper()
	c, rec, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			t.Errorf("Accept-Encoding = %q, want gzip (added by the transport)", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(body)
	}, opts...)
	return c, rec
}

func TestGzipBodyIsDecompressed(t *testing.T) {
	c, _ := gzipServer(t, gzipped(t, seedListResponse))
	page, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{})
	if err != nil {
		t.Fatalf("gzip-encoded answer: %v, want success", err)
	}
	if len(page.Items) != 1 || page.Items[0].ID != 115 {
		t.Errorf("page = %+v, want the seed's job 115", page)
	}
}

func TestGzipBombIsStoppedAtTheCap(t *testing.T) {
	const limit = 1 << 20 // 1 MiB cap on the decompressed body
	const bombSize = 10 << 20
	// A gzip stream may hold several members, decoded as one body: repeat
	// a compressed MiB of zeros instead of compressing 10 MiB (slow under
	// the race detector).
	zeros := gzipped(t, strings.Repeat("0", 1<<20))
	bomb := gzipped(t, `{"code":0,"data":{"items":[],"pad":"`)
	for i := 0; i < bombSize>>20; i++ {
		bomb = append(bomb, zeros...)
	}
	bomb = append(bomb, gzipped(t, `"}}`)...)
	if len(bomb) > 64<<10 {
		t.Fatalf("bomb is %d bytes compressed, want a few KB", len(bomb))
	}
	c, _ := gzipServer(t, bomb, apiclient.WithMaxBodyBytes(limit))
	ctx := ctxT(t)
	// Warm up the connection so that the measure covers the body only; the
	// answer is over the cap, so only the connection matters here.
	_, _ = c.ListJobs(ctx, testToken, apiclient.ListQuery{})

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := c.ListJobs(ctx, testToken, apiclient.ListQuery{})
	runtime.ReadMemStats(&after)

	checkOnly(t, err, apiclient.ErrBadResponse)
	var re *apiclient.ResponseError
	if !errors.As(err, &re) || !strings.Contains(re.Reason, "larger than") {
		t.Errorf("err = %v, want a ResponseError for a body over the cap", err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("a %d MB gzip bomb cost %d bytes of allocations with a %d byte cap", bombSize>>20, alloc, limit)
	if alloc > 2*limit {
		t.Errorf("reading a %d MB gzip bomb allocated %d bytes, want < %d (2× the cap)", bombSize>>20, alloc, 2*limit)
	}
}

func TestHugeBodyIsStoppedAtTheCap(t *testing.T) {
	const limit = 1 << 20
	for _, announced := range []bool{false, true} {
		name := "chunked"
		if announced {
			name = "with Content-Length"
		}
		t.Run(name, func(t *testing.T) {
			chunk := bytes.Repeat([]byte("0"), 64<<10)
			c, _, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
				if announced {
					w.Header().Set("Content-Length", "104857600")
				}
				io.WriteString(w, `{"code":0,"data":{"pad":"`)
				// Up to 100 MB, stopped as soon as the client goes away.
				for i := 0; i < 1600; i++ {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			}, apiclient.WithMaxBodyBytes(limit))
			start := time.Now()
			_, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{})
			checkOnly(t, err, apiclient.ErrBadResponse)
			if elapsed := time.Since(start); elapsed > 2*time.Second {
				t.Errorf("call took %s: the body was not cut at the cap", elapsed)
			}
		})
	}
}

func TestClientGoneCancelsUpstreamRequest(t *testing.T) {
	started := make(chan struct{})
	upstreamDone := make(chan time.Time, 1)
	c, _, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-r.Context().Done():
			upstreamDone <- time.Now()
		case <-time.After(5 * time.Second):
		}
	})
	// ctx plays the incoming browser request's context.
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	cancelled := make(chan time.Time, 1)
	go func() {
		<-started
		cancelled <- time.Now()
		cancel()
	}()
	_, err := c.ListJobs(ctx, testToken, apiclient.ListQuery{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	select {
	case at := <-upstreamDone:
		if d := at.Sub(<-cancelled); d > 500*time.Millisecond {
			t.Errorf("upstream saw the cancellation %s after the client left, want promptly", d)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("upstream request still running 2 s after the client went away")
	}
	if st := c.BreakerState(); st != apiclient.BreakerClosed {
		t.Errorf("BreakerState = %q after a cancelled call, want closed", st)
	}
}

// TestDefaultClientBoundsConnections checks that many concurrent calls
// share at most DefaultMaxConnsPerHost connections to Explorer (the rest
// queue), and all of them succeed.
func TestDefaultClientBoundsConnections(t *testing.T) {
	var open, peak atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"code":0,"message":"Success","data":{"items":[],"total":0,"Page":1,"PageSize":10}}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			n := open.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
		case http.StateClosed, http.StateHijacked:
			open.Add(-1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := apiclient.New(srv.URL, apiclient.WithoutBreaker())
	if err != nil {
		t.Fatal(err)
	}
	const calls = apiclient.DefaultMaxConnsPerHost + 72
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range calls {
		wg.Go(func() {
			if _, err := c.ListJobs(context.Background(), testToken, apiclient.ListQuery{}); err != nil {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if failed.Load() != 0 {
		t.Errorf("%d of %d calls failed", failed.Load(), calls)
	}
	if p := peak.Load(); p > apiclient.DefaultMaxConnsPerHost {
		t.Errorf("%d connections open at once, want at most %d", p, apiclient.DefaultMaxConnsPerHost)
	}
}
