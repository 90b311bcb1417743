package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// collector is a fake OTLP/HTTP collector: it records every request's
// path, content type and decoded JSON body, and answers with answer.
type collector struct {
	srv *httptest.Server

	mu       sync.Mutex
	requests []received
	status   int    // 0 → 200
	answer   string // response body
}

type received struct {
	path, contentType, apiKey string
	body                      map[string]any
}

func newCollector(t *testing.T) *collector {
	t.Helper()
	c := &collector{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("collector: read body: %v", err)
		}
		var body map[string]any
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&body); err != nil {
			t.Errorf("collector: body is not JSON: %v\n%s", err, raw)
		}
		c.mu.Lock()
		c.requests = append(c.requests, received{path: r.URL.Path, contentType: r.Header.Get("Content-Type"), apiKey: r.Header.Get("Api-Key"), body: body})
		status, answer := c.status, c.answer
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if status != 0 {
			w.WriteHeader(status)
		}
		io.WriteString(w, answer)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// answerWith sets the collector's status and body for later requests.
func (c *collector) answerWith(status int, body string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.status, c.answer = status, body
}

func (c *collector) received() []received {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]received(nil), c.requests...)
}

// spans returns the spans of every request, in order.
func (c *collector) spans() []map[string]any {
	var out []map[string]any
	for _, r := range c.received() {
		out = append(out, spansOf(r.body)...)
	}
	return out
}

// spansOf returns the spans of an ExportTraceServiceRequest.
func spansOf(body map[string]any) []map[string]any {
	var out []map[string]any
	for _, rs := range list(body["resourceSpans"]) {
		for _, ss := range list(obj(rs)["scopeSpans"]) {
			for _, s := range list(obj(ss)["spans"]) {
				out = append(out, obj(s))
			}
		}
	}
	return out
}

func list(v any) []any         { l, _ := v.([]any); return l }
func obj(v any) map[string]any { m, _ := v.(map[string]any); return m }
func attrs(v any) map[string]any { // key → value object
	out := map[string]any{}
	for _, kv := range list(v) {
		out[obj(kv)["key"].(string)] = obj(kv)["value"]
	}
	return out
}

// waitFor polls cond until it holds or 5 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func shutdown(t *testing.T, e *Exporter) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

const (
	traceA  = "0af7651916cd43dd8448eb211c80319c"
	spanA   = "b7ad6b7169203331"
	parentA = "00f067aa0ba902b7"
)

func testSpan(id string) Span {
	start := time.Unix(1_700_000_000, 123_456_789)
	return Span{TraceID: traceA, SpanID: id, Name: "op", Kind: KindInternal, Start: start, End: start.Add(time.Millisecond)}
}

func TestExportSendsOTLPJSON(t *testing.T) {
	c := newCollector(t)
	e, err := NewExporter(c.srv.URL, WithServiceVersion("1.2.3"), WithInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Unix(1_700_000_000, 123_456_789)
	e.Export(Span{
		TraceID: traceA, SpanID: spanA, ParentSpanID: parentA,
		Name: "GET /workflows/:id/jobs", Kind: KindServer,
		Start: start, End: start.Add(1500 * time.Microsecond),
		Attrs:  []Attr{String("http.route", "/workflows/:id/jobs"), Int("http.response.status_code", 503), Bool("retried", true)},
		Status: StatusError,
	})
	root := testSpan("1111111111111111")
	root.Kind = KindClient
	e.Export(root)
	shutdown(t, e)

	reqs := c.received()
	if len(reqs) != 1 {
		t.Fatalf("collector got %d requests, want 1", len(reqs))
	}
	if reqs[0].path != "/v1/traces" || reqs[0].contentType != "application/json" {
		t.Errorf("POST %s with Content-Type %q, want /v1/traces and application/json", reqs[0].path, reqs[0].contentType)
	}
	rs := list(reqs[0].body["resourceSpans"])
	if len(rs) != 1 {
		t.Fatalf("%d resourceSpans, want 1", len(rs))
	}
	res := attrs(obj(obj(rs[0])["resource"])["attributes"])
	if got := obj(res["service.name"])["stringValue"]; got != "jobboard" {
		t.Errorf("service.name = %v, want jobboard", got)
	}
	if got := obj(res["service.version"])["stringValue"]; got != "1.2.3" {
		t.Errorf("service.version = %v, want 1.2.3", got)
	}
	ss := list(obj(rs[0])["scopeSpans"])
	if len(ss) != 1 || obj(obj(ss[0])["scope"])["name"] != "jobboard" {
		t.Errorf("scopeSpans = %v, want one with scope jobboard", ss)
	}
	spans := spansOf(reqs[0].body)
	if len(spans) != 2 {
		t.Fatalf("%d spans, want 2", len(spans))
	}
	s := spans[0]
	for key, want := range map[string]any{
		"traceId": traceA, "spanId": spanA, "parentSpanId": parentA, "name": "GET /workflows/:id/jobs",
		"startTimeUnixNano": "1700000000123456789", "endTimeUnixNano": "1700000000124956789",
	} {
		if s[key] != want {
			t.Errorf("span %s = %#v, want %#v", key, s[key], want)
		}
	}
	if s["kind"] != json.Number("2") {
		t.Errorf("kind = %#v, want the number 2", s["kind"])
	}
	if obj(s["status"])["code"] != json.Number("2") {
		t.Errorf("status = %#v, want code 2", s["status"])
	}
	a := attrs(s["attributes"])
	if obj(a["http.route"])["stringValue"] != "/workflows/:id/jobs" {
		t.Errorf("http.route = %v", a["http.route"])
	}
	if obj(a["http.response.status_code"])["intValue"] != "503" { // int64 as a decimal string
		t.Errorf("status_code = %#v, want intValue \"503\"", a["http.response.status_code"])
	}
	if obj(a["retried"])["boolValue"] != true {
		t.Errorf("retried = %#v, want boolValue true", a["retried"])
	}
	r := spans[1]
	if _, ok := r["parentSpanId"]; ok {
		t.Errorf("root span has parentSpanId %v", r["parentSpanId"])
	}
	if _, ok := r["status"]; ok {
		t.Errorf("span with unset status has status %v", r["status"])
	}
	if r["kind"] != json.Number("3") {
		t.Errorf("client kind = %#v, want 3", r["kind"])
	}
	if st := e.Stats(); st.Exported != 2 || st.Dropped != 0 || st.Failed != 0 {
		t.Errorf("Stats = %+v, want 2 exported", st)
	}
}

func TestTracesURL(t *testing.T) {
	good := []struct{ in, want string }{
		{"http://collector:4318", "http://collector:4318/v1/traces"},
		{"http://collector:4318/", "http://collector:4318/v1/traces"},
		{"https://otel.example.com/otlp", "https://otel.example.com/otlp/v1/traces"},
		{"http://collector:4318/v1/traces", "http://collector:4318/v1/traces"},
		{" http://127.0.0.1:4318/v1/traces\n", "http://127.0.0.1:4318/v1/traces"},
	}
	for _, tc := range good {
		in, want := tc.in, tc.want
		e, err := NewExporter(in)
		if err != nil {
			t.Errorf("NewExporter(%q): %v", in, err)
			continue
		}
		if e.URL() != want {
			t.Errorf("NewExporter(%q).URL() = %q, want %q", in, e.URL(), want)
		}
		shutdown(t, e)
	}
	for _, in := range []string{"", "collector:4318", "ftp://collector", "http://", "http://user:secret@collector:4318", "http://collector:4318/?key=v", "::"} {
		e, err := NewExporter(in)
		if err == nil {
			shutdown(t, e)
			t.Errorf("NewExporter(%q) accepted it", in)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("NewExporter(%q) error repeats the password: %v", in, err)
		}
	}
}

func TestBatchesBySizeAndInterval(t *testing.T) {
	c := newCollector(t)
	e, err := NewExporter(c.srv.URL+"/v1/traces", WithBatchSize(3), WithInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 7 {
		e.Export(testSpan("aaaaaaaaaaaaaa" + strconv.Itoa(10+i)))
	}
	// Two full batches go out without waiting for the interval.
	waitFor(t, "two full batches", func() bool { return len(c.received()) == 2 })
	shutdown(t, e)
	var sizes []int
	for _, r := range c.received() {
		sizes = append(sizes, len(spansOf(r.body)))
	}
	if len(sizes) != 3 || sizes[0] != 3 || sizes[1] != 3 || sizes[2] != 1 {
		t.Errorf("batch sizes %v, want [3 3 1]", sizes)
	}

	c2 := newCollector(t)
	e2, err := NewExporter(c2.srv.URL, WithInterval(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer shutdown(t, e2)
	e2.Export(testSpan(spanA))
	waitFor(t, "the interval's batch", func() bool { return len(c2.spans()) == 1 })
}

func TestShutdownFlushesAndThenDrops(t *testing.T) {
	c := newCollector(t)
	e, err := NewExporter(c.srv.URL, WithInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		e.Export(testSpan("bbbbbbbbbbbbbb" + strconv.Itoa(10+i)))
	}
	if n := len(c.spans()); n != 0 {
		t.Fatalf("%d spans sent before the interval or Shutdown", n)
	}
	shutdown(t, e)
	if n := len(c.spans()); n != 10 {
		t.Errorf("collector got %d spans after Shutdown, want 10", n)
	}
	e.Export(testSpan(spanA))
	shutdown(t, e) // a second Shutdown returns at once
	if n := len(c.spans()); n != 10 {
		t.Errorf("collector got %d spans, want the span exported after Shutdown dropped", n)
	}
	if st := e.Stats(); st.Exported != 10 || st.Dropped != 1 {
		t.Errorf("Stats = %+v, want 10 exported, 1 dropped", st)
	}
}

func TestFullQueueDropsWithoutBlocking(t *testing.T) {
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release // a collector that never answers (until the test ends)
	}))
	t.Cleanup(hung.Close)
	t.Cleanup(func() { close(release) }) // runs first: lets Close return
	e, err := NewExporter(hung.URL, WithQueueSize(4), WithBatchSize(1), WithInterval(time.Hour), WithTimeout(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	for i := range 1000 {
		e.Export(testSpan("cccccccccccc" + strconv.Itoa(1000+i)))
	}
	if d := time.Since(begin); d > time.Second {
		t.Errorf("1000 Exports to a hung collector took %v", d)
	}
	// The worker holds at most one batch (of 1), the queue 4 more.
	if st := e.Stats(); st.Dropped < 1000-5 {
		t.Errorf("Stats = %+v, want at least 995 dropped", st)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	begin = time.Now()
	err = e.Shutdown(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown against a hung collector = %v, want DeadlineExceeded", err)
	}
	if d := time.Since(begin); d > 3*time.Second {
		t.Errorf("Shutdown took %v despite its 100ms deadline", d)
	}
}

func TestNilExporterDoesNothing(t *testing.T) {
	var e *Exporter
	e.Export(testSpan(spanA))
	if err := e.Shutdown(context.Background()); err != nil {
		t.Errorf("nil Shutdown = %v", err)
	}
	if e.Stats() != (Stats{}) || e.URL() != "" {
		t.Errorf("nil Exporter reports %+v, %q", e.Stats(), e.URL())
	}
}

func TestInvalidSpansAreDropped(t *testing.T) {
	c := newCollector(t)
	e, err := NewExporter(c.srv.URL, WithInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	bad := []func(*Span){
		func(s *Span) { s.TraceID = strings.ToUpper(traceA) },
		func(s *Span) { s.TraceID = strings.Repeat("0", 32) },
		func(s *Span) { s.SpanID = "b7ad6b716920333" },
		func(s *Span) { s.ParentSpanID = "not-hex-not-hex!" },
		func(s *Span) { s.Name = "" },
		func(s *Span) { s.End = s.Start.Add(-time.Second) },
	}
	for _, edit := range bad {
		s := testSpan(spanA)
		edit(&s)
		e.Export(s)
	}
	shutdown(t, e)
	if n := len(c.received()); n != 0 {
		t.Errorf("collector got %d requests for invalid spans", n)
	}
	if st := e.Stats(); st.Dropped != uint64(len(bad)) {
		t.Errorf("Stats = %+v, want %d dropped", st, len(bad))
	}
}

// levelCounter counts log records by level.
type levelCounter struct {
	mu     sync.Mutex
	counts map[slog.Level]int
	text   strings.Builder
}

func (l *levelCounter) Enabled(context.Context, slog.Level) bool { return true }
func (l *levelCounter) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.counts[r.Level]++
	l.text.WriteString(r.Message + "\n")
	return nil
}
func (l *levelCounter) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *levelCounter) WithGroup(string) slog.Handler      { return l }

func TestCollectorErrorsAreCountedAndWarnedRarely(t *testing.T) {
	c := newCollector(t)
	c.answerWith(http.StatusServiceUnavailable, `{"message":"overloaded"}`)
	logs := &levelCounter{counts: map[slog.Level]int{}}
	e, err := NewExporter(c.srv.URL, WithBatchSize(1), WithInterval(time.Hour), WithLogger(slog.New(logs)))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		e.Export(testSpan("dddddddddddddd" + strconv.Itoa(10+i)))
		waitFor(t, "the failed batch", func() bool { return len(c.received()) == i+1 })
	}
	shutdown(t, e)
	if st := e.Stats(); st.Failed != 5 || st.Exported != 0 {
		t.Errorf("Stats = %+v, want 5 failed", st)
	}
	logs.mu.Lock()
	defer logs.mu.Unlock()
	if logs.counts[slog.LevelWarn] != 1 || logs.counts[slog.LevelDebug] != 4 {
		t.Errorf("log records by level %v, want 1 warning and 4 debug lines:\n%s", logs.counts, logs.text.String())
	}
	if !strings.Contains(logs.text.String(), "could not export spans") {
		t.Errorf("logs do not say spans were lost:\n%s", logs.text.String())
	}
}

func TestPartialSuccessCountsRejectedSpans(t *testing.T) {
	c := newCollector(t)
	c.answerWith(0, `{"partialSuccess":{"rejectedSpans":"2","errorMessage":"span too old"}}`)
	e, err := NewExporter(c.srv.URL, WithInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		e.Export(testSpan("eeeeeeeeeeeeee" + strconv.Itoa(10+i)))
	}
	shutdown(t, e)
	if st := e.Stats(); st.Rejected != 2 || st.Exported != 3 {
		t.Errorf("Stats = %+v, want 2 rejected, 3 exported", st)
	}
}

func TestNewIDsAreValid(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tid, sid := NewTraceID(), NewSpanID()
		if !ValidTraceID(tid) || !ValidSpanID(sid) {
			t.Fatalf("NewTraceID/NewSpanID = %q, %q: not valid", tid, sid)
		}
		if seen[sid] {
			t.Fatalf("span-id %s repeated", sid)
		}
		seen[sid] = true
	}
	if ValidSpanID(traceA) || ValidTraceID(spanA) {
		t.Error("IDs of the wrong length accepted")
	}
}

// TestHeadersAndExactTracesURL checks the configured headers go with every
// export and that WithTracesURL posts to the URL as given.
func TestHeadersAndExactTracesURL(t *testing.T) {
	c := newCollector(t)
	e, err := NewExporter(c.srv.URL+"/custom/spans", WithTracesURL(), WithHeaders(map[string]string{"Api-Key": "k-123"}), WithInterval(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if e.URL() != c.srv.URL+"/custom/spans" {
		t.Errorf("URL %q, want the traces URL as given", e.URL())
	}
	e.Export(testSpan("00f067aa0ba902b7"))
	shutdown(t, e)
	got := c.received()
	if len(got) != 1 || got[0].path != "/custom/spans" || got[0].apiKey != "k-123" {
		t.Errorf("collector got %+v, want one export to /custom/spans with the API key header", got)
	}
}
