package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"jobboard/internal/telemetry"
	"jobboard/internal/tracing"
)

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
			if s.Kind == int(tracing.KindServer) {
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
func newTracedEnv(t *testing.T, endpoint string, topts ...tracing.Option) (*opsEnv, *tracing.Exporter) {
	t.Helper()
	tr, err := tracing.New(endpoint, append([]tracing.Option{tracing.WithInterval(10 * time.Millisecond)}, topts...)...)
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
	if server.Name != "GET /workflows/:id/jobs" || server.Status.Code == int(tracing.StatusError) {
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
		if s.Kind == int(tracing.KindClient) {
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
	if got, _ := server.attr("http.response.status_code"); server.Status.Code != int(tracing.StatusError) || got != strconv.Itoa(a.status) {
		t.Errorf("server span status %d, status_code %q; want error and %d", server.Status.Code, got, a.status)
	}
	var clients int
	for _, s := range col.inTrace(traceID) {
		if s.Kind != int(tracing.KindClient) {
			continue
		}
		clients++
		if out, _ := s.attr("jobboard.upstream.outcome"); s.Status.Code != int(tracing.StatusError) || out != "unreachable" {
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
	o, tr := newTracedEnv(t, hung.URL, tracing.WithQueueSize(4), tracing.WithBatchSize(1), tracing.WithTimeout(time.Hour))
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
