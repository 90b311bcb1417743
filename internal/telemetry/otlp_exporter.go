// The OTLP exporter sends finished spans to an OpenTelemetry collector over
// OTLP/HTTP, JSON-encoded. The spans are the OpenTelemetry SDK's (see
// NewTracerProvider); this is the SDK exporter's last hop
// without its gRPC and generated protobuf code, which would add about
// 15 MB to the binary.
//
// An Exporter queues spans in memory and a background goroutine POSTs them
// in batches to the collector's /v1/traces. It never blocks its caller:
// when the queue is full, spans are dropped and counted. A failed batch is
// dropped too (no retries): traces are diagnostics, not data. A nil
// *Exporter accepts and discards everything, so callers need no checks.

package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of an Exporter.
const (
	DefaultQueueSize   = 2048
	DefaultBatchSize   = 512
	DefaultInterval    = 2 * time.Second
	DefaultTimeout     = 10 * time.Second
	DefaultServiceName = "jobboard"
)

// tracesPath is OTLP/HTTP's default path for traces.
const tracesPath = "/v1/traces"

// warnEvery is the most often an Exporter warns about lost spans; other
// failures in between are logged at debug level and counted in the next
// warning.
const warnEvery = time.Minute

// maxResponse bounds how much of a collector's answer is read.
const maxResponse = 64 << 10

// Exporter batches spans and sends them to an OTLP/HTTP collector. Build
// one with New and stop it with Shutdown. Its methods are safe for
// concurrent use, and a nil *Exporter does nothing.
type Exporter struct {
	url       string
	client    *http.Client
	log       *slog.Logger
	resource  []keyValue
	scope     string
	version   string
	batchSize int
	interval  time.Duration
	headers   map[string]string // sent with every export; never logged
	asIs      bool              // the endpoint is the full traces URL

	queue    chan Span
	stop     chan struct{} // closed by Shutdown
	stopOnce sync.Once
	done     chan struct{} // closed when the worker has returned
	// ctx bounds the worker's requests; cancelled when Shutdown's own
	// context ends before the flush does.
	ctx    context.Context
	cancel context.CancelFunc
	closed atomic.Bool

	exported atomic.Uint64
	dropped  atomic.Uint64
	failed   atomic.Uint64
	rejected atomic.Uint64
}

// ExporterOption configures an Exporter.
type ExporterOption func(*Exporter)

// WithServiceName sets the service.name resource attribute (default
// DefaultServiceName).
func WithServiceName(name string) ExporterOption {
	return func(e *Exporter) { e.resource[0].Value = anyValue{StringValue: &name} }
}

// WithServiceVersion sets the service.version resource attribute and the
// instrumentation scope's version (default: none).
func WithServiceVersion(version string) ExporterOption {
	return func(e *Exporter) { e.version = version }
}

// WithHeaders sets headers sent with every export (e.g. a collector's API
// key, from OTEL_EXPORTER_OTLP_HEADERS); they are never logged.
func WithHeaders(h map[string]string) ExporterOption {
	return func(e *Exporter) { e.headers = h }
}

// WithTracesURL makes New use its endpoint as the full URL spans are
// posted to, without appending /v1/traces (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).
func WithTracesURL() ExporterOption {
	return func(e *Exporter) { e.asIs = true }
}

// WithLogger sets the logger of export problems (default: discard).
func WithLogger(l *slog.Logger) ExporterOption {
	return func(e *Exporter) {
		if l != nil {
			e.log = l
		}
	}
}

// WithQueueSize sets how many spans wait at most for the next batch
// (default DefaultQueueSize); more are dropped.
func WithQueueSize(n int) ExporterOption {
	return func(e *Exporter) {
		if n > 0 {
			e.queue = make(chan Span, n)
		}
	}
}

// WithBatchSize sets the most spans sent in one request (default
// DefaultBatchSize).
func WithBatchSize(n int) ExporterOption {
	return func(e *Exporter) {
		if n > 0 {
			e.batchSize = n
		}
	}
}

// WithInterval sets how long a span waits at most before its batch is
// sent (default DefaultInterval).
func WithInterval(d time.Duration) ExporterOption {
	return func(e *Exporter) {
		if d > 0 {
			e.interval = d
		}
	}
}

// WithTimeout bounds each request to the collector (default
// DefaultTimeout).
func WithTimeout(d time.Duration) ExporterOption {
	return func(e *Exporter) {
		if d > 0 {
			e.client.Timeout = d
		}
	}
}

// New starts an Exporter sending to the OTLP/HTTP collector at endpoint:
// a base URL such as "http://otel-collector:4318", to which /v1/traces is
// appended, or a URL already ending in /v1/traces, used as is.
func NewExporter(endpoint string, opts ...ExporterOption) (*Exporter, error) {
	name := DefaultServiceName
	e := &Exporter{
		client:    &http.Client{Timeout: DefaultTimeout},
		log:       slog.New(slog.DiscardHandler),
		resource:  []keyValue{{Key: "service.name", Value: anyValue{StringValue: &name}}},
		scope:     DefaultServiceName,
		batchSize: DefaultBatchSize,
		interval:  DefaultInterval,
		queue:     make(chan Span, DefaultQueueSize),
		stop:      make(chan struct{}),
		done:      make(chan struct{}),
	}
	for _, o := range opts {
		o(e)
	}
	target, err := tracesURL(endpoint, e.asIs)
	if err != nil {
		return nil, err
	}
	e.url = target
	if e.version != "" {
		e.resource = append(e.resource, keyValue{Key: "service.version", Value: anyValue{StringValue: &e.version}})
	}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	go e.run()
	return e, nil
}

// tracesURL turns the configured endpoint into the URL spans are POSTed to.
func tracesURL(endpoint string, asIs bool) (string, error) {
	u, err := url.Parse(strings.TrimSpace(endpoint))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("telemetry: OTLP endpoint %q is not an http(s) URL, e.g. http://otel-collector:4318", endpoint)
	}
	if u.User != nil {
		return "", errors.New("telemetry: the OTLP endpoint must not hold a user or password")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("telemetry: the OTLP endpoint must not have a query or fragment")
	}
	if !asIs && !strings.HasSuffix(u.Path, tracesPath) {
		u.Path = strings.TrimRight(u.Path, "/") + tracesPath
		u.RawPath = ""
	}
	return u.String(), nil
}

// URL returns the URL spans are sent to ("" for a nil Exporter).
func (e *Exporter) URL() string {
	if e == nil {
		return ""
	}
	return e.url
}

// Export queues s for sending and returns at once. The span is dropped
// (and counted in Stats) when the queue is full, when s is invalid (see
// Span) or after Shutdown. Export on a nil Exporter does nothing.
func (e *Exporter) Export(s Span) {
	if e == nil {
		return
	}
	if e.closed.Load() || !s.valid() {
		e.dropped.Add(1)
		return
	}
	select {
	case e.queue <- s:
	default:
		e.dropped.Add(1)
	}
}

// Stats counts an Exporter's spans since New.
type Stats struct {
	Exported uint64 // accepted by the collector
	Dropped  uint64 // never sent: queue full, invalid, or after Shutdown
	Failed   uint64 // sent in a request that failed (error or non-2xx answer)
	Rejected uint64 // refused by the collector in a partial success
}

// Stats returns the Exporter's counters (zero for a nil Exporter).
func (e *Exporter) Stats() Stats {
	if e == nil {
		return Stats{}
	}
	return Stats{
		Exported: e.exported.Load(),
		Dropped:  e.dropped.Load(),
		Failed:   e.failed.Load(),
		Rejected: e.rejected.Load(),
	}
}

// Shutdown stops accepting spans and sends those still queued. It returns
// when they are sent, or when ctx ends (then the request in flight is
// abandoned, the remaining batches fail at once, and ctx's error is
// returned). Later calls
// return at once; on a nil Exporter it does nothing.
func (e *Exporter) Shutdown(ctx context.Context) error {
	if e == nil {
		return nil
	}
	e.stopOnce.Do(func() {
		e.closed.Store(true)
		close(e.stop)
	})
	var err error
	select {
	case <-e.done:
	case <-ctx.Done():
		e.cancel()
		<-e.done
		err = fmt.Errorf("telemetry: flush spans on shutdown: %w", ctx.Err())
	}
	e.cancel()
	// An Export racing with Shutdown may have queued after the last drain.
	for {
		select {
		case <-e.queue:
			e.dropped.Add(1)
		default:
			return err
		}
	}
}

// run is the worker: it gathers queued spans into batches and sends one
// when it is full or every interval, and flushes the queue on Shutdown.
func (e *Exporter) run() {
	defer close(e.done)
	ticker := time.NewTicker(e.interval)
	defer ticker.Stop()
	w := worker{e: e, batch: make([]Span, 0, e.batchSize)}
	for {
		select {
		case s := <-e.queue:
			w.add(s)
		case <-ticker.C:
			w.flush()
			w.reportDrops()
		case <-e.stop:
			w.drain()
			w.flush()
			w.reportDrops()
			return
		}
	}
}

// worker is the state of the worker goroutine (not shared).
type worker struct {
	e           *Exporter
	batch       []Span
	lastWarn    time.Time
	suppressed  int    // problems logged at debug since the last warning
	seenDropped uint64 // e.dropped at the last drop report
}

// drain adds every queued span to the batch, sending full ones.
func (w *worker) drain() {
	for {
		select {
		case s := <-w.e.queue:
			w.add(s)
		default:
			return
		}
	}
}

func (w *worker) add(s Span) {
	w.batch = append(w.batch, s)
	if len(w.batch) >= w.e.batchSize {
		w.flush()
	}
}

// flush sends the batch, if any, and empties it.
func (w *worker) flush() {
	if len(w.batch) == 0 {
		return
	}
	n := uint64(len(w.batch))
	rejected, err := w.e.send(w.batch)
	w.batch = w.batch[:0]
	switch {
	case err != nil:
		w.e.failed.Add(n)
		w.problem("could not export spans", slog.Uint64("spans", n), slog.String("error", err.Error()))
	case rejected.count > 0 || rejected.message != "":
		w.e.rejected.Add(rejected.count)
		w.e.exported.Add(n - min(n, rejected.count))
		w.problem("collector rejected spans", slog.Uint64("spans", rejected.count), slog.String("reason", rejected.message))
	default:
		w.e.exported.Add(n)
	}
}

// reportDrops logs spans dropped since the last report.
func (w *worker) reportDrops() {
	d := w.e.dropped.Load()
	if d == w.seenDropped {
		return
	}
	w.problem("dropped spans (queue full or invalid)", slog.Uint64("spans", d-w.seenDropped))
	w.seenDropped = d
}

// problem logs a lost-spans problem: at warn level at most once per
// warnEvery (with the count of problems since), else at debug level.
func (w *worker) problem(msg string, attrs ...slog.Attr) {
	now := time.Now()
	level := slog.LevelDebug
	if w.lastWarn.IsZero() || now.Sub(w.lastWarn) >= warnEvery {
		level = slog.LevelWarn
		attrs = append(attrs, slog.Int("similar_problems_since_last_warning", w.suppressed))
		w.lastWarn, w.suppressed = now, 0
	} else {
		w.suppressed++
	}
	w.e.log.LogAttrs(w.e.ctx, level, "telemetry: "+msg, append(attrs, slog.String("collector", w.e.url))...)
}

// rejection is a collector's partial-success answer.
type rejection struct {
	count   uint64
	message string
}

// send POSTs spans to the collector as one JSON request.
func (e *Exporter) send(spans []Span) (rejection, error) {
	body, err := encodeSpans(e.resource, e.scope, e.version, spans)
	if err != nil {
		return rejection{}, err
	}
	req, err := http.NewRequestWithContext(e.ctx, http.MethodPost, e.url, bytes.NewReader(body))
	if err != nil {
		return rejection{}, fmt.Errorf("telemetry: build request: %w", err)
	}
	for k, v := range e.headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "jobboard-tracing")
	resp, err := e.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is logged on its own
		}
		return rejection{}, fmt.Errorf("telemetry: post spans: %w", err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponse)) // let the connection be reused
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return rejection{}, fmt.Errorf("telemetry: collector answered HTTP %d", resp.StatusCode)
	}
	var r exportResponse
	if json.Unmarshal(answer, &r) != nil || r.PartialSuccess == nil {
		return rejection{}, nil // a 2xx without a readable partial success: all accepted
	}
	n, _ := r.PartialSuccess.RejectedSpans.Int64()
	return rejection{count: uint64(max(n, 0)), message: r.PartialSuccess.ErrorMessage}, nil
}
