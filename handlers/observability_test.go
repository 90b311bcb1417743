package handlers

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"jobboard/apiclient"
	"jobboard/internal/explorersim"
	"jobboard/internal/telemetry"
	"jobboard/views"
)

// upstreamSpy serves the simulator on a loopback port it can take down and
// bring back on the same port, and remembers the headers of every request
// the simulator received.
type upstreamSpy struct {
	t    *testing.T
	h    http.Handler
	addr string

	mu      sync.Mutex
	srv     *http.Server
	headers []http.Header
}

func newUpstreamSpy(t *testing.T, h http.Handler) *upstreamSpy {
	t.Helper()
	s := &upstreamSpy{t: t, h: h, addr: "127.0.0.1:0"}
	s.up()
	t.Cleanup(s.down)
	return s
}

func (s *upstreamSpy) url() string { return "http://" + s.addr }

// up (re)starts serving on the spy's address.
func (s *upstreamSpy) up() {
	s.t.Helper()
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatalf("listen: %v", err)
	}
	s.addr = ln.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.headers = append(s.headers, r.Header.Clone())
		s.mu.Unlock()
		s.h.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
}

// down stops serving: connections are refused until up.
func (s *upstreamSpy) down() {
	s.mu.Lock()
	srv := s.srv
	s.srv = nil
	s.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

func (s *upstreamSpy) seen() []http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]http.Header(nil), s.headers...)
}

// opsEnv is a dashboard whose Explorer is the simulator behind a spy,
// with metrics served at /metrics.
type opsEnv struct {
	*testEnv
	spy     *upstreamSpy
	metrics *telemetry.Metrics
	client  *apiclient.Client
}

// newOpsEnv builds an opsEnv; clientOpts are added to the apiclient's,
// edit may change the Options last.
func newOpsEnv(t *testing.T, clientOpts []apiclient.Option, edit func(*Options)) *opsEnv {
	t.Helper()
	o := &opsEnv{}
	o.testEnv = newEnv(t, 0, func(e *testEnv, opts *Options) {
		o.spy = newUpstreamSpy(t, e.sim)
		o.metrics = telemetry.NewMetrics("1.2.3-test", "abc1234")
		// Wired as the binary wires its client (observer, breaker gauge).
		client, err := telemetry.NewExplorerClient(o.spy.url(), o.metrics, append([]apiclient.Option{apiclient.WithoutBreaker()}, clientOpts...)...)
		if err != nil {
			t.Fatal(err)
		}
		o.client = client
		opts.Explorer = client
		opts.Metrics = o.metrics
		opts.ServeMetrics = true
		opts.Version = "1.2.3-test"
		if edit != nil {
			edit(opts)
		}
	})
	return o
}

// sample is one line of the Prometheus text format.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

var labelRE = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)

// scrape fetches /metrics and parses its samples.
func (o *opsEnv) scrape(t *testing.T) []sample {
	t.Helper()
	a := o.get(t, o.browser(t), "/metrics")
	if a.status != http.StatusOK {
		t.Fatalf("GET /metrics: status %d", a.status)
	}
	var out []sample
	sc := bufio.NewScanner(strings.NewReader(a.body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		s := sample{name: line[:i], labels: map[string]string{}, value: v}
		if j := strings.IndexByte(line[:i], '{'); j >= 0 {
			s.name = line[:j]
			for _, m := range labelRE.FindAllStringSubmatch(line[j:i], -1) {
				s.labels[m[1]] = m[2]
			}
		}
		out = append(out, s)
	}
	return out
}

// value returns the value of the sample of name with (at least) labels,
// and whether there is one.
func value(samples []sample, name string, labels map[string]string) (float64, bool) {
	for _, s := range samples {
		if s.name != name {
			continue
		}
		match := true
		for k, v := range labels {
			if s.labels[k] != v {
				match = false
			}
		}
		if match {
			return s.value, true
		}
	}
	return 0, false
}

func TestRequestMetricsAreByRoutePattern(t *testing.T) {
	o := newOpsEnv(t, nil, nil)
	c := o.signedIn(t, "demo")
	jobs := o.jobsOf("demo", o.workflow(t, "demo").ID)
	if len(jobs) < 2 {
		t.Fatalf("need two jobs, have %d", len(jobs))
	}
	for _, j := range jobs[:2] {
		if a := o.get(t, c, "/jobs/"+strconv.FormatInt(j.ID, 10)); a.status != http.StatusOK {
			t.Fatalf("job page: status %d", a.status)
		}
	}
	if a := o.get(t, c, "/no/such/page/42"); a.status != http.StatusNotFound {
		t.Fatalf("unknown page: status %d", a.status)
	}
	s := o.scrape(t)
	if v, _ := value(s, telemetry.RequestsTotal, map[string]string{"route": "/jobs/:id", "method": "GET", "status": "200"}); v != 2 {
		t.Errorf("requests{route=/jobs/:id,status=200} = %v, want 2", v)
	}
	if v, _ := value(s, telemetry.RequestsTotal, map[string]string{"route": "unmatched", "status": "404"}); v != 1 {
		t.Errorf("requests{route=unmatched,status=404} = %v, want 1", v)
	}
	if v, _ := value(s, telemetry.RequestDuration+"_count", map[string]string{"route": "/jobs/:id", "method": "GET"}); v != 2 {
		t.Errorf("duration histogram count for /jobs/:id = %v, want 2", v)
	}
	for _, smp := range s {
		if r := smp.labels["route"]; strings.Contains(r, strconv.FormatInt(jobs[0].ID, 10)) || strings.Contains(r, "such") {
			t.Errorf("a route label holds a raw path: %q", r)
		}
	}
}

func TestUpstreamMetricsCountListCalls(t *testing.T) {
	o := newOpsEnv(t, nil, nil)
	c := o.signedIn(t, "demo")
	wf := o.workflow(t, "demo").ID
	if a := o.get(t, c, "/workflows/"+wf+"/jobs"); a.status != http.StatusOK {
		t.Fatalf("list: status %d", a.status)
	}
	s := o.scrape(t)
	if v, _ := value(s, telemetry.UpstreamCallsTotal, map[string]string{"endpoint": "list workflow jobs", "outcome": "ok"}); v < 1 {
		t.Errorf("upstream calls{list workflow jobs, ok} = %v, want ≥ 1", v)
	}
	if v, _ := value(s, telemetry.UpstreamCallDuration+"_count", map[string]string{"endpoint": "list workflow jobs", "outcome": "ok"}); v < 1 {
		t.Errorf("upstream duration count = %v, want ≥ 1", v)
	}
	if v, _ := value(s, telemetry.UpstreamCallsTotal, map[string]string{"endpoint": "connect", "outcome": "ok"}); v != 1 {
		t.Errorf("upstream calls{connect, ok} = %v, want 1", v)
	}
}

func TestSignInMetricsByOutcome(t *testing.T) {
	o := newOpsEnv(t, nil, nil)
	o.signedIn(t, "demo")
	if a := o.postForm(t, o.browser(t), "/login", url.Values{"account": {"demo"}, "password": {"wrong"}}); a.status != http.StatusUnauthorized {
		t.Fatalf("wrong password: status %d", a.status)
	}
	s := o.scrape(t)
	if v, _ := value(s, telemetry.SignInsTotal, map[string]string{"method": "password", "outcome": "ok"}); v != 1 {
		t.Errorf("sign-ins{password, ok} = %v, want 1", v)
	}
	if v, _ := value(s, telemetry.SignInsTotal, map[string]string{"method": "password", "outcome": "rejected"}); v != 1 {
		t.Errorf("sign-ins{password, rejected} = %v, want 1", v)
	}
}

func TestBreakerStateGauge(t *testing.T) {
	o := newOpsEnv(t, []apiclient.Option{apiclient.WithBreaker(apiclient.BreakerConfig{Failures: 1, OpenFor: time.Hour})}, nil)
	c := o.signedIn(t, "demo")
	state := func() map[string]float64 {
		got := map[string]float64{}
		for _, smp := range o.scrape(t) {
			if smp.name == telemetry.CircuitBreakerState {
				got[smp.labels["state"]] = smp.value
			}
		}
		return got
	}
	if got := state(); got[apiclient.BreakerClosed] != 1 || got[apiclient.BreakerOpen] != 0 {
		t.Errorf("before failures: %v, want closed=1 open=0", got)
	}
	o.spy.down()
	wf := o.workflow(t, "demo").ID
	if a := o.get(t, c, "/workflows/"+wf+"/jobs"); a.status < 500 {
		t.Fatalf("list with Explorer down: status %d", a.status)
	}
	if got := state(); got[apiclient.BreakerOpen] != 1 || got[apiclient.BreakerClosed] != 0 || len(got) != 4 {
		t.Errorf("after failure: %v, want open=1 and the other three states 0", got)
	}
}

// logLine returns the fields of the request log line with route, failing
// when there is not exactly one.
func logLine(t *testing.T, logs, route string) map[string]string {
	t.Helper()
	var found []map[string]string
	for _, line := range strings.Split(logs, "\n") {
		if !strings.Contains(line, "msg=request ") {
			continue
		}
		f := map[string]string{}
		for _, m := range regexp.MustCompile(`(\w+)=("(?:[^"\\]|\\.)*"|\S+)`).FindAllStringSubmatch(line, -1) {
			f[m[1]] = strings.Trim(m[2], `"`)
		}
		if f["route"] == route {
			found = append(found, f)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d request log lines for route %s, want 1:\n%s", len(found), route, logs)
	}
	return found[0]
}

func TestRequestLogLine(t *testing.T) {
	o := newOpsEnv(t, nil, nil)
	c := o.signedIn(t, "demo")
	wf := o.workflow(t, "demo").ID
	const incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	a := o.get(t, c, "/workflows/"+wf+"/jobs?status=failed", "Traceparent", incoming)
	if a.status != http.StatusOK {
		t.Fatalf("list: status %d", a.status)
	}
	f := logLine(t, o.logs.String(), "/workflows/:id/jobs")
	if f["request_id"] == "" || f["request_id"] != a.header.Get("X-Request-ID") {
		t.Errorf("request_id = %q, X-Request-ID = %q", f["request_id"], a.header.Get("X-Request-ID"))
	}
	if f["trace_id"] != "4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Errorf("trace_id = %q, want the incoming trace's", f["trace_id"])
	}
	if f["status"] != "200" || f["method"] != "GET" || f["duration"] == "" || f["level"] != "INFO" {
		t.Errorf("status/method/duration/level = %q %q %q %q", f["status"], f["method"], f["duration"], f["level"])
	}
	if n, err := strconv.Atoi(f["upstream_calls"]); err != nil || n < 1 {
		t.Errorf("upstream_calls = %q, want ≥ 1", f["upstream_calls"])
	}
	if d, err := time.ParseDuration(f["upstream_time"]); err != nil || d <= 0 {
		t.Errorf("upstream_time = %q, want a positive duration", f["upstream_time"])
	}
	if _, ok := f["path"]; ok || strings.Contains(o.logs.String(), "status=failed") {
		t.Errorf("the log holds the raw path or query: %v", f)
	}

	// Neither the token nor the session cookie appears anywhere in the logs.
	var token string
	for _, h := range o.spy.seen() {
		if ck := h.Get("Cookie"); strings.HasPrefix(ck, "explorer_token=") {
			token = strings.TrimPrefix(ck, "explorer_token=")
		}
	}
	if len(token) < 8 {
		t.Fatalf("no token seen upstream")
	}
	logs := o.logs.String()
	if strings.Contains(logs, token) {
		t.Error("the Explorer token appears in the logs")
	}
	u, _ := url.Parse(o.app.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if len(ck.Value) >= 8 && strings.Contains(logs, ck.Value) {
			t.Errorf("cookie %s appears in the logs", ck.Name)
		}
	}
}

func TestTraceparentIsContinuedUpstream(t *testing.T) {
	o := newOpsEnv(t, nil, nil)
	c := o.signedIn(t, "demo")
	wf := o.workflow(t, "demo").ID
	before := len(o.spy.seen())
	const traceID, parent = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
	a := o.get(t, c, "/workflows/"+wf+"/jobs", "Traceparent", "00-"+traceID+"-"+parent+"-01")
	if a.status != http.StatusOK {
		t.Fatalf("list: status %d", a.status)
	}
	seen := o.spy.seen()[before:]
	if len(seen) == 0 {
		t.Fatal("no upstream call")
	}
	ours := a.header.Get("Traceparent")
	for _, h := range seen {
		got, _, ok := parseTraceparentParts(h.Get("Traceparent"))
		if !ok || got[1] != traceID || got[2] == parent || got[3] != "01" {
			t.Errorf("Explorer got traceparent %q, want trace %s with a new span-id and flags 01", h.Get("Traceparent"), traceID)
		}
		if h.Get("Traceparent") != ours {
			t.Errorf("Explorer got %q, the response says %q", h.Get("Traceparent"), ours)
		}
	}
	if got, _, ok := parseTraceparentParts(ours); !ok || got[1] != traceID {
		t.Errorf("response Traceparent = %q, want trace %s", ours, traceID)
	}
}

// parseTraceparentParts splits a version-00 traceparent.
func parseTraceparentParts(s string) ([]string, string, bool) {
	m := regexp.MustCompile(`^(00)-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$`).FindStringSubmatch(s)
	if m == nil {
		return nil, "", false
	}
	return m[1:], s, true
}

func TestTraceIsStartedWithoutOrWithInvalidTraceparent(t *testing.T) {
	o := newOpsEnv(t, nil, nil)
	for _, incoming := range []string{"", "00-00000000000000000000000000000000-b7ad6b7169203331-01", "garbage", "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01"} {
		before := len(o.spy.seen())
		a := o.postForm(t, o.browser(t), "/login", url.Values{"account": {"demo"}, "password": {"demo"}}, "Traceparent", incoming)
		if a.status != http.StatusSeeOther {
			t.Fatalf("sign in: status %d", a.status)
		}
		seen := o.spy.seen()[before:]
		if len(seen) != 1 {
			t.Fatalf("%d upstream calls, want 1", len(seen))
		}
		sent, _, ok := parseTraceparentParts(seen[0].Get("Traceparent"))
		if !ok || strings.Trim(sent[1], "0") == "" || strings.Contains(strings.ToLower(incoming), sent[1]) {
			t.Errorf("incoming %q: Explorer got %q, want a new valid trace", incoming, seen[0].Get("Traceparent"))
		}
		if a.header.Get("Traceparent") != seen[0].Get("Traceparent") {
			t.Errorf("response Traceparent %q differs from the one sent upstream %q", a.header.Get("Traceparent"), seen[0].Get("Traceparent"))
		}
	}
}

func TestHealthzCallsNothingUpstream(t *testing.T) {
	o := newOpsEnv(t, nil, nil)
	o.spy.down()
	a := o.get(t, o.browser(t), "/healthz")
	if a.status != http.StatusOK || a.body != "ok\n" {
		t.Errorf("GET /healthz = %d %q, want 200 ok", a.status, a.body)
	}
	if n := len(o.spy.seen()); n != 0 {
		t.Errorf("Explorer got %d requests, want 0", n)
	}
	// Probes are logged at debug level only.
	f := logLine(t, o.logs.String(), "/healthz")
	if f["level"] != "DEBUG" {
		t.Errorf("/healthz logged at %s, want DEBUG", f["level"])
	}
}

func TestReadyzFollowsExplorer(t *testing.T) {
	o := newOpsEnv(t, nil, func(opts *Options) { opts.ReadyCacheTTL = -1 })
	b := o.browser(t)
	if a := o.get(t, b, "/readyz"); a.status != http.StatusOK || a.body != "ready\n" {
		t.Fatalf("Explorer up: GET /readyz = %d %q, want 200 ready", a.status, a.body)
	}
	o.spy.down()
	a := o.get(t, b, "/readyz")
	if a.status != http.StatusServiceUnavailable || a.body != "not ready: explorer\n" {
		t.Errorf("Explorer down: GET /readyz = %d %q, want 503 naming explorer", a.status, a.body)
	}
	if strings.Contains(a.body, o.spy.addr) {
		t.Errorf("/readyz reveals Explorer's address: %q", a.body)
	}
	o.spy.up()
	if a := o.get(t, b, "/readyz"); a.status != http.StatusOK {
		t.Errorf("Explorer back: GET /readyz = %d %q, want 200", a.status, a.body)
	}
}

func TestReadyzCachesItsResult(t *testing.T) {
	o := newOpsEnv(t, nil, func(opts *Options) { opts.ReadyCacheTTL = time.Hour })
	b := o.browser(t)
	for range 3 {
		if a := o.get(t, b, "/readyz"); a.status != http.StatusOK {
			t.Fatalf("GET /readyz = %d", a.status)
		}
	}
	if n := len(o.spy.seen()); n != 1 {
		t.Errorf("three probes cost Explorer %d calls, want 1", n)
	}
	o.spy.down()
	if a := o.get(t, b, "/readyz"); a.status != http.StatusOK {
		t.Errorf("within the cache period: GET /readyz = %d, want the cached 200", a.status)
	}
}

func TestReadyzRunsExtraChecks(t *testing.T) {
	var calls int
	var mu sync.Mutex
	o := newOpsEnv(t, nil, func(opts *Options) {
		opts.ReadyCacheTTL = -1
		opts.ReadyTimeout = 100 * time.Millisecond
		opts.ReadyChecks = []telemetry.Check{
			{Name: "redis", Check: func(ctx context.Context) error {
				mu.Lock()
				calls++
				mu.Unlock()
				<-ctx.Done() // hangs until the readiness timeout
				return ctx.Err()
			}},
			{Name: "fine", Check: func(context.Context) error { return nil }},
		}
	})
	start := time.Now()
	a := o.get(t, o.browser(t), "/readyz")
	if a.status != http.StatusServiceUnavailable || a.body != "not ready: redis\n" {
		t.Errorf("GET /readyz = %d %q, want 503 naming redis only", a.status, a.body)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("a hanging check held /readyz for %s", d)
	}
	if calls != 1 {
		t.Errorf("redis check ran %d times, want 1", calls)
	}
	if !strings.Contains(o.logs.String(), "check=redis") {
		t.Errorf("the failing check is not logged")
	}
}

func TestActivePollingClients(t *testing.T) {
	o := newOpsEnv(t, nil, nil)
	wf := o.workflow(t, "demo").ID
	poll := func(c *http.Client) {
		t.Helper()
		a := o.get(t, c, "/workflows/"+wf+"/jobs", "HX-Request", "true", "HX-Target", "div#"+views.LiveRegionID)
		if a.status != http.StatusOK {
			t.Fatalf("poll: status %d", a.status)
		}
	}
	active := func() float64 {
		t.Helper()
		v, ok := value(o.scrape(t), telemetry.ActivePollingClients, nil)
		if !ok {
			t.Fatal("no active polling clients gauge")
		}
		return v
	}
	alice, bob := o.signedIn(t, "demo"), o.signedIn(t, "demo")
	// An ordinary page view is not a poll.
	if a := o.get(t, alice, "/workflows/"+wf+"/jobs"); a.status != http.StatusOK {
		t.Fatalf("list: status %d", a.status)
	}
	if v := active(); v != 0 {
		t.Errorf("after a page view: %v active polling clients, want 0", v)
	}
	poll(alice)
	poll(alice)
	if v := active(); v != 1 {
		t.Errorf("one session polling twice: %v, want 1", v)
	}
	poll(bob)
	if v := active(); v != 2 {
		t.Errorf("two sessions polling: %v, want 2", v)
	}
	// The job page's live refresh counts too.
	carol := o.signedIn(t, "demo")
	job := findJob(t, o.testEnv, "demo", withStatus(explorersim.StatusRunning))
	if a := o.get(t, carol, "/jobs/"+strconv.FormatInt(job.ID, 10), "HX-Request", "true", "HX-Target", "section#job-detail"); a.status != http.StatusOK {
		t.Fatalf("job poll: status %d", a.status)
	}
	if v := active(); v != 3 {
		t.Errorf("after a job page poll: %v, want 3", v)
	}
}

func TestFooterShowsVersion(t *testing.T) {
	o := newOpsEnv(t, nil, nil)
	a := o.get(t, o.browser(t), "/login")
	el := byID(parseHTML(t, a.body), "app-version")
	if el == nil || !strings.Contains(text(el), "1.2.3-test") {
		t.Errorf("footer version element missing or wrong in %s", a.body)
	}
}

func TestMetricsNotServedWhenDisabled(t *testing.T) {
	o := newOpsEnv(t, nil, func(opts *Options) { opts.ServeMetrics = false })
	if a := o.get(t, o.browser(t), "/metrics"); a.status != http.StatusNotFound {
		t.Errorf("GET /metrics with ServeMetrics off = %d, want 404", a.status)
	}
}

// TestClientClosedIsLoggedAtInfo checks a client that disconnects
// mid-request is logged as "client closed" with status 499 at info level,
// never as an ERROR 500 render failure.
func TestClientClosedIsLoggedAtInfo(t *testing.T) {
	e := newEnvWith(t, explorersim.Options{}, func(o *Options) {
		o.testRoutes = func(r *gin.Engine, h *handler) {
			r.GET("/test/wait", h.do(func(c *gin.Context) error {
				<-c.Request.Context().Done()
				return h.render(c, http.StatusOK, views.ProblemPanel(h.localizer(c), views.Problem{Status: 200, Key: "problem.internal"}))
			}))
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.app.URL+"/test/wait", nil)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
		t.Fatal("the request was answered; want the client to give up")
	}
	deadline := time.Now().Add(3 * time.Second)
	for !strings.Contains(e.logs.String(), "route=/test/wait") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, `level=INFO msg="client closed"`) {
		t.Errorf("no info line \"client closed\" in %q", logs)
	}
	if f := logLine(t, logs, "/test/wait"); f["status"] != "499" || f["level"] != "INFO" {
		t.Errorf("request line %v, want status 499 at INFO", f)
	}
	if strings.Contains(logs, "level=ERROR") {
		t.Errorf("a client leaving was logged as an error: %q", logs)
	}
}

// Spans, as the handler records them with a Tracer.

// spanCollector is a fake OTLP/HTTP collector: it keeps the raw bodies
// POSTed to /v1/traces and their decoded spans.
type spanCollector struct {
	srv *httptest.Server

	mu     sync.Mutex
	bodies [][]byte
	spans  []otlpSpan
}

// otlpSpan is a span as OTLP/JSON carries it.
type otlpSpan struct {
	TraceID      string `json:"traceId"`
	SpanID       string `json:"spanId"`
	ParentSpanID string `json:"parentSpanId"`
	Name         string `json:"name"`
	Kind         int    `json:"kind"`
	Attributes   []struct {
		Key   string         `json:"key"`
		Value map[string]any `json:"value"`
	} `json:"attributes"`
	Status struct {
		Code int `json:"code"`
	} `json:"status"`
}

// attr returns the value of attribute key, stringValue or intValue (both
// strings in OTLP/JSON), and whether the span has it.
func (s otlpSpan) attr(key string) (string, bool) {
	for _, a := range s.Attributes {
		if a.Key == key {
			for _, k := range []string{"stringValue", "intValue"} {
				if v, ok := a.Value[k].(string); ok {
					return v, true
				}
			}
		}
	}
	return "", false
}

func newSpanCollector(t *testing.T) *spanCollector {
	t.Helper()
	c := &spanCollector{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/json" || err != nil {
			t.Errorf("collector: POST %s (%s): %v", r.URL.Path, r.Header.Get("Content-Type"), err)
		}
		var req struct {
			ResourceSpans []struct {
				ScopeSpans []struct {
					Spans []otlpSpan `json:"spans"`
				} `json:"scopeSpans"`
			} `json:"resourceSpans"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			t.Errorf("collector: invalid JSON: %v", err)
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		c.bodies = append(c.bodies, body)
		for _, rs := range req.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				c.spans = append(c.spans, ss.Spans...)
			}
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "{}")
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *spanCollector) all() []otlpSpan {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]otlpSpan(nil), c.spans...)
}

func (c *spanCollector) raw() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Join(c.bodies, []byte("\n"))
}

// inTrace returns the collected spans of traceID.
func (c *spanCollector) inTrace(traceID string) []otlpSpan {
	var out []otlpSpan
	for _, s := range c.all() {
		if s.TraceID == traceID {
			out = append(out, s)
		}
	}
	return out
}

// serverSpan waits (up to 5 s) for the SERVER span of traceID. Spans are
// sent in the order they end, so the request's client spans arrived
// before it, and so did the spans of every earlier request.
func (c *spanCollector) serverSpan(t *testing.T, traceID string) otlpSpan {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, s := range c.inTrace(traceID) {
			if s.Kind == int(telemetry.KindServer) {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no server span of trace %s exported; got %+v", traceID, c.all())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// newTracedEnv is an opsEnv whose spans go to the collector at endpoint.
func newTracedEnv(t *testing.T, endpoint string, topts ...telemetry.ExporterOption) (*opsEnv, *telemetry.Exporter) {
	t.Helper()
	tr, err := telemetry.NewExporter(endpoint, append([]telemetry.ExporterOption{telemetry.WithInterval(10 * time.Millisecond)}, topts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		_ = tr.Shutdown(ctx)
	})
	return newOpsEnv(t, nil, func(o *Options) { o.Tracer = telemetry.NewTracerProvider(tr) }), tr
}

func TestSpansContinueTheIncomingTrace(t *testing.T) {
	col := newSpanCollector(t)
	o, _ := newTracedEnv(t, col.srv.URL)
	c := o.signedIn(t, "demo")
	wf := o.workflow(t, "demo").ID
	before := len(o.spy.seen())
	const traceID, parent = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	a := o.get(t, c, "/workflows/"+wf+"/jobs?name=topsecretfilter&status=failed", "Traceparent", "00-"+traceID+"-"+parent+"-01")
	if a.status != http.StatusOK {
		t.Fatalf("list: status %d", a.status)
	}
	seen := o.spy.seen()[before:]
	if len(seen) == 0 {
		t.Fatal("no upstream call")
	}
	server := col.serverSpan(t, traceID)

	ours, _, ok := parseTraceparentParts(a.header.Get("Traceparent"))
	if !ok || ours[1] != traceID || ours[3] != "01" {
		t.Fatalf("response Traceparent %q does not continue trace %s sampled", a.header.Get("Traceparent"), traceID)
	}
	if server.SpanID != ours[2] || server.ParentSpanID != parent {
		t.Errorf("server span %s (parent %s), want the response's span-id %s with parent %s", server.SpanID, server.ParentSpanID, ours[2], parent)
	}
	if server.Name != "GET /workflows/:id/jobs" || server.Status.Code == int(telemetry.StatusError) {
		t.Errorf("server span %q status %d, want GET /workflows/:id/jobs not in error", server.Name, server.Status.Code)
	}
	for key, want := range map[string]string{
		"http.request.method":       "GET",
		"http.route":                "/workflows/:id/jobs",
		"http.response.status_code": "200",
		"jobboard.request_id":       a.header.Get("X-Request-ID"),
		"jobboard.upstream_calls":   strconv.Itoa(len(seen)),
	} {
		if got, _ := server.attr(key); got != want {
			t.Errorf("server span %s = %q, want %q", key, got, want)
		}
	}

	clients := map[string]otlpSpan{}
	for _, s := range col.inTrace(traceID) {
		if s.Kind == int(telemetry.KindClient) {
			clients[s.SpanID] = s
		}
	}
	if len(clients) != len(seen) {
		t.Errorf("%d client spans for %d upstream calls", len(clients), len(seen))
	}
	for _, h := range seen {
		sent, _, ok := parseTraceparentParts(h.Get("Traceparent"))
		if !ok || sent[1] != traceID || sent[3] != "01" {
			t.Errorf("Explorer got traceparent %q, want trace %s sampled", h.Get("Traceparent"), traceID)
			continue
		}
		cs, ok := clients[sent[2]]
		if !ok {
			t.Errorf("Explorer's parent-id %s is no exported client span", sent[2])
			continue
		}
		if cs.ParentSpanID != server.SpanID || cs.Name != "explorer list workflow jobs" || cs.Status.Code != 0 {
			t.Errorf("client span %+v, want child of %s named \"explorer list workflow jobs\", status unset", cs, server.SpanID)
		}
		if got, _ := cs.attr("jobboard.upstream.outcome"); got != "ok" {
			t.Errorf("client span outcome %q, want ok", got)
		}
	}

	// Nothing secret or raw in what was exported: the route pattern
	// stands for the path, and the query, cookies and token stay out.
	exported := string(col.raw())
	secrets := []string{"topsecretfilter", "/workflows/" + wf + "/"}
	for _, ck := range c.Jar.Cookies(mustURL(t, o.app.URL)) {
		secrets = append(secrets, ck.Value)
	}
	for _, h := range seen {
		for _, v := range []string{h.Get("Cookie"), h.Get("Authorization")} {
			for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == '=' || r == ' ' || r == ';' }) {
				if len(part) >= 12 {
					secrets = append(secrets, part) // the Explorer token
				}
			}
		}
	}
	if len(secrets) < 4 {
		t.Fatalf("test found too few secrets to look for: %q", secrets)
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(exported, s) {
			t.Errorf("exported spans contain %q", s)
		}
	}
}

func TestSamplingFollowsTheCaller(t *testing.T) {
	col := newSpanCollector(t)
	o, _ := newTracedEnv(t, col.srv.URL)
	c := o.signedIn(t, "demo")
	wf := o.workflow(t, "demo").ID

	// The caller did not sample: nothing exported, and Explorer gets the
	// request's own traceparent, as without a tracer.
	const unsampled = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	before := len(o.spy.seen())
	a := o.get(t, c, "/workflows/"+wf+"/jobs", "Traceparent", "00-"+unsampled+"-00f067aa0ba902b7-00")
	if a.status != http.StatusOK {
		t.Fatalf("list: status %d", a.status)
	}
	for _, h := range o.spy.seen()[before:] {
		if h.Get("Traceparent") != a.header.Get("Traceparent") || !strings.HasSuffix(h.Get("Traceparent"), "-00") {
			t.Errorf("unsampled: Explorer got %q, response %q", h.Get("Traceparent"), a.header.Get("Traceparent"))
		}
	}
	// Probes are not exported even when sampled.
	const probe = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	if a := o.get(t, o.browser(t), "/healthz", "Traceparent", "00-"+probe+"-00f067aa0ba902b7-01"); a.status != http.StatusOK {
		t.Fatalf("healthz: status %d", a.status)
	}

	// No traceparent: jobboard starts a sampled trace, a root span.
	a = o.get(t, c, "/workflows/"+wf+"/jobs")
	started, _, ok := parseTraceparentParts(a.header.Get("Traceparent"))
	if !ok || started[3] != "01" {
		t.Fatalf("new trace's Traceparent %q, want flags 01", a.header.Get("Traceparent"))
	}
	root := col.serverSpan(t, started[1])
	if root.ParentSpanID != "" || root.SpanID != started[2] {
		t.Errorf("new trace's server span %+v, want a root span with id %s", root, started[2])
	}
	// Spans are sent in order: the earlier requests' would be here now.
	if n := len(col.inTrace(unsampled)); n != 0 {
		t.Errorf("%d spans exported for an unsampled trace", n)
	}
	if n := len(col.inTrace(probe)); n != 0 {
		t.Errorf("%d spans exported for /healthz", n)
	}
}

func TestUpstreamFailureMarksSpansAsErrors(t *testing.T) {
	col := newSpanCollector(t)
	o, _ := newTracedEnv(t, col.srv.URL)
	c := o.signedIn(t, "demo")
	wf := o.workflow(t, "demo").ID
	o.spy.down()
	const traceID = "cccccccccccccccccccccccccccccccc"
	a := o.get(t, c, "/workflows/"+wf+"/jobs", "Traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	if a.status < 500 {
		t.Fatalf("list with Explorer down: status %d, want 5xx", a.status)
	}
	server := col.serverSpan(t, traceID)
	if got, _ := server.attr("http.response.status_code"); server.Status.Code != int(telemetry.StatusError) || got != strconv.Itoa(a.status) {
		t.Errorf("server span status %d, status_code %q; want error and %d", server.Status.Code, got, a.status)
	}
	var clients int
	for _, s := range col.inTrace(traceID) {
		if s.Kind != int(telemetry.KindClient) {
			continue
		}
		clients++
		if out, _ := s.attr("jobboard.upstream.outcome"); s.Status.Code != int(telemetry.StatusError) || out != "unreachable" {
			t.Errorf("client span status %d, outcome %q; want error, unreachable", s.Status.Code, out)
		}
	}
	if clients == 0 {
		t.Error("no client span for the failed call")
	}
}

func TestHungCollectorDoesNotSlowRequests(t *testing.T) {
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release // never answers while the test runs
	}))
	t.Cleanup(hung.Close)
	t.Cleanup(func() { close(release) }) // runs first, so Close can return
	o, tr := newTracedEnv(t, hung.URL, telemetry.WithQueueSize(4), telemetry.WithBatchSize(1), telemetry.WithTimeout(time.Hour))
	c := o.signedIn(t, "demo")
	wf := o.workflow(t, "demo").ID
	var slowest time.Duration
	for range 20 {
		begin := time.Now()
		if a := o.get(t, c, "/workflows/"+wf+"/jobs"); a.status != http.StatusOK {
			t.Fatalf("list: status %d", a.status)
		}
		slowest = max(slowest, time.Since(begin))
	}
	if slowest > 2*time.Second {
		t.Errorf("slowest request took %v with a hung collector", slowest)
	}
	// 20 requests made 40+ spans; the worker holds one, the queue four.
	if st := tr.Stats(); st.Dropped < 20 || st.Exported != 0 {
		t.Errorf("exporter stats %+v, want spans dropped, none exported", st)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
