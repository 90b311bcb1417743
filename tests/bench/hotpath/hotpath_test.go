package hotpath_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"jobboard/apiclient"
	"jobboard/handlers"
	"jobboard/internal/explorersim"
	"jobboard/internal/telemetry"
	"jobboard/internal/testenv"
	"jobboard/internal/testenv/dashboard"
)

// rig is a dashboard in front of a canned upstream, a process of its own,
// that answers every list call with a page captured from the simulator.
type rig struct {
	ctx      context.Context // every request's: cancellable, like a server's
	upstream string          // the canned upstream's base URL
	dash     http.Handler
	proxy    http.Handler
	cookie   string
	workflow string
}

var sizes = []int{10, 20, 50, 100}

func newRig(tb testing.TB) *rig {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	r := &rig{ctx: ctx}
	e := testenv.New(tb, testenv.Options{
		Sim:       explorersim.Options{Seed: 1},
		RealClock: true,
		// Production logs every request at info level; format it, then drop it.
		DiscardLogs: true,
		Front: func(tb testing.TB, sim *explorersim.Sim, simURL string) string {
			r.workflow = testenv.FirstWorkflow(tb, sim, "demo").ID
			tok := testenv.ExplorerToken(tb, simURL, "demo")
			pages := map[string][]byte{}
			for _, n := range sizes {
				q := apiclient.ListQuery{Order: apiclient.OrderDesc, Page: 1, PageSize: n}
				pages[strconv.Itoa(n)] = get(tb, simURL+"/api-open/v1/workflows/"+r.workflow+"/jobs?"+q.Values().Encode(), tok)
			}
			r.upstream = startCanned(tb, pages)
			target, _ := url.Parse(r.upstream)
			r.proxy = &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) { pr.SetURL(target) }}
			return r.upstream
		},
	})
	// In process, without the loopback server: the benchmark measures the
	// dashboard's own work per request. Metrics are recorded as the binary
	// records them (requests, and each upstream call through the client's
	// observer), scraped by nobody.
	m := telemetry.NewMetrics("bench", "bench")
	client := testenv.Client(tb, r.upstream, apiclient.WithObserver(telemetry.ObserveExplorer(m)))
	m.WatchBreaker(client.BreakerState)
	r.dash = dashboard.Handler(tb, e, func(o *handlers.Options) {
		o.Metrics, o.Explorer = m, client
	})

	form := url.Values{"account": {"demo"}, "password": {"demo"}, "next": {"/"}}
	req := httptest.NewRequest(http.MethodPost, "http://dash.test/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://dash.test")
	rec := httptest.NewRecorder()
	r.dash.ServeHTTP(rec, req)
	var parts []string
	for _, c := range rec.Result().Cookies() {
		parts = append(parts, c.Name+"="+c.Value)
	}
	if rec.Code != http.StatusSeeOther || len(parts) == 0 {
		tb.Fatalf("sign in: status %d, cookies %v: %s", rec.Code, parts, rec.Body)
	}
	r.cookie = strings.Join(parts, "; ")
	return r
}

func get(tb testing.TB, u, tok string) []byte {
	tb.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
	req.Header.Set("Cookie", "explorer_token="+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		tb.Fatalf("GET %s: %v %d", u, err, res.StatusCode)
	}
	return b
}

// serve runs one request through h and fails unless it answers 200.
func serve(tb testing.TB, h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		tb.Fatalf("%s: status %d: %.300s", req.URL, rec.Code, rec.Body)
	}
	return rec
}

// sink is the ResponseWriter of the benchmark loops. A server writes a
// response through its connection's reused buffered writer, where
// httptest.ResponseRecorder grows a new body buffer every request (about
// 22 KB of a 20-row fragment's allocations were the recorder's). sink
// keeps the status and, like net/http, a fresh header map per request,
// and counts the body's bytes.
type sink struct {
	header http.Header
	code   int
	n      int
}

func (s *sink) Header() http.Header { return s.header }

func (s *sink) WriteHeader(code int) {
	if s.code == 0 {
		s.code = code
	}
}

func (s *sink) Write(p []byte) (int, error) {
	s.WriteHeader(http.StatusOK)
	s.n += len(p)
	return len(p), nil
}

// serveSink runs one request through h into a sink and fails unless it
// answers 200 with a body.
func serveSink(tb testing.TB, h http.Handler, req *http.Request) {
	s := sink{header: http.Header{}}
	h.ServeHTTP(&s, req)
	if s.code != http.StatusOK || s.n == 0 {
		tb.Fatalf("%s: status %d, %d bytes", req.URL, s.code, s.n)
	}
}

// get is a GET of target (a path and query) as net/http's server hands
// it to a handler: parsed request URI, Host, RemoteAddr, under the rig's
// context. A server's requests carry a cancellable context (it ends when
// the client goes), and database/sql and the SQLite driver watch such a
// context with a goroutine per query; a background context would hide that
// cost. httptest.NewRequest would also allocate a 4 KB reader a request
// that a server takes from its pool.
func (r *rig) get(tb testing.TB, target string) *http.Request {
	u, err := url.ParseRequestURI(target)
	if err != nil {
		tb.Fatal(err)
	}
	req := &http.Request{
		Method: http.MethodGet, URL: u, RequestURI: target,
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: make(http.Header, 4), Body: http.NoBody,
		Host: "dash.test", RemoteAddr: "192.0.2.10:51234",
	}
	return req.WithContext(r.ctx)
}

func (r *rig) fragment(tb testing.TB, size int) *http.Request {
	req := r.get(tb, "/workflows/"+r.workflow+"/jobs?size="+strconv.Itoa(size))
	req.Header.Set("Cookie", r.cookie)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Request-Type", "partial")
	return req
}

// BenchmarkFragment is B in process: the htmx results fragment.
func BenchmarkFragment(b *testing.B) {
	r := newRig(b)
	for _, n := range sizes {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			loopCPU(b, func() { serveSink(b, r.dash, r.fragment(b, n)) })
		})
	}
}

// BenchmarkFragmentGzip is B in process asked for gzip, as browsers ask:
// the 20-row fragment through the compression middleware.
func BenchmarkFragmentGzip(b *testing.B) {
	r := newRig(b)
	loopCPU(b, func() {
		req := r.fragment(b, 20)
		req.Header.Set("Accept-Encoding", "gzip")
		serveSink(b, r.dash, req)
	})
}

// BenchmarkFullPage is C in process: the whole jobs page, 20 rows.
func BenchmarkFullPage(b *testing.B) {
	r := newRig(b)
	loopCPU(b, func() {
		req := r.get(b, "/workflows/"+r.workflow+"/jobs")
		req.Header.Set("Cookie", r.cookie)
		serveSink(b, r.dash, req)
	})
}

// BenchmarkProxy is D in process: httputil.ReverseProxy relaying the same
// 20-row JSON, the floor any proxy pays.
func BenchmarkProxy(b *testing.B) {
	r := newRig(b)
	loopCPU(b, func() {
		req := r.get(b, "/api-open/v1/workflows/"+r.workflow+"/jobs?pageSize=20")
		req.Header.Set("Cookie", "explorer_token=canned")
		serveSink(b, r.proxy, req)
	})
}

// TestFragmentOneUpstreamCall checks the rig measures what the benchmark
// says: a fragment is one upstream call and lists the page's jobs.
func TestFragmentOneUpstreamCall(t *testing.T) {
	r := newRig(t)
	before := upstreamCalls(t, r.upstream)
	rec := serve(t, r.dash, r.fragment(t, 20))
	if got := upstreamCalls(t, r.upstream) - before; got != 1 {
		t.Errorf("upstream calls for one fragment = %d, want 1", got)
	}
	if strings.Contains(strings.ToLower(rec.Body.String()), "<html") {
		t.Error("fragment request answered a full page")
	}
}
