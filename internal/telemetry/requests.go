package telemetry

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"go.opentelemetry.io/otel/trace"

	"jobboard/apiclient"
	"jobboard/internal/middleware"
)

// requestStateKey is the context key of a request's requestState.
type requestStateKey struct{}

// requestState is what this package keeps of one request, in one value of
// its context (one allocation, no Gin keys map): the upstream calls it
// made, its traceparent and, for a marked poll, the polling client.
type requestState struct {
	upstream upstreamStats
	// traceparent is the request's traceparent, as the value slice of the
	// Traceparent response header (full, so Header.Add copies it).
	traceparent [1]string
	poll        string
}

// stateOf returns the state Requests put in ctx, or nil.
func stateOf(ctx context.Context) *requestState {
	st, _ := ctx.Value(requestStateKey{}).(*requestState)
	return st
}

// StatusClientClosed is the status logged and counted for a request whose
// client disconnected before the answer (nginx's 499): nothing is sent.
const StatusClientClosed = 499

// UnmatchedRoute is the route label of requests no route matched (404).
const UnmatchedRoute = "unmatched"

// RequestOptions configures Requests.
type RequestOptions struct {
	Logger  *slog.Logger // nil → discard
	Metrics *Metrics     // nil → none recorded
	// Tracer records a SERVER span for every sampled request and a CLIENT
	// span for each of its Explorer calls (nil → none; traceparent is
	// still continued, sent to Explorer and logged). See NewTracerProvider.
	Tracer trace.TracerProvider
	// PollInterval is how often live pages poll: a client that polled
	// counts as active for two intervals.
	PollInterval time.Duration
}

// Requests is the request middleware: it continues the request's W3C
// trace (a valid incoming traceparent keeps its trace-id and flags) or
// starts one, gives the request a new span-id, and puts the resulting
// traceparent in the request's context (sent to Explorer on every call)
// and in the Traceparent response header. When the request is done it
// writes one log line (request ID, trace-id, method, route pattern,
// status, duration, upstream calls and their time; never the query,
// headers, cookies, tokens or form values), records the request's
// metrics and ends its server span.
//
// Register it after middleware.RequestID, whose ID it logs.
func Requests(opts RequestOptions) gin.HandlerFunc {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	r := &requests{log: log, metrics: opts.Metrics, tracer: opts.Tracer, pollTTL: 2 * opts.PollInterval}
	return r.handle
}

type requests struct {
	log     *slog.Logger
	metrics *Metrics
	tracer  trace.TracerProvider
	pollTTL time.Duration
}

func (rq *requests) handle(c *gin.Context) {
	start := time.Now()
	rq.startTrace(c)
	c.Next()
	rq.finish(c, time.Since(start))
}

// startTrace sets up the request's trace context and upstream call
// counter. With a tracer, a request that is not a probe gets an SDK
// server span (spans.go) and its traceparent is the span's. Otherwise the
// incoming trace (or a new one) is continued by hand: a new span-id,
// nothing recorded.
func (rq *requests) startTrace(c *gin.Context) {
	st := new(requestState)
	ctx := context.WithValue(c.Request.Context(), requestStateKey{}, st)
	var tp string
	if route := routeOf(c); rq.tracer != nil && !quietRoute(route) {
		var span trace.Span
		ctx, span = startServerSpan(ctx, rq.tracer, c.Request, route)
		tp = traceparent(span.SpanContext())
	} else {
		tp = rq.continueTrace(c.Request)
	}
	st.traceparent[0] = tp
	c.Writer.Header()["Traceparent"] = st.traceparent[:]
	c.Request = c.Request.WithContext(apiclient.WithTraceparent(ctx, tp))
}

// continueTrace returns the traceparent of an untraced request: the
// incoming trace-id and flags (a valid traceparent), or a new trace-id,
// sampled when a tracer is set; and a new span-id.
func (rq *requests) continueTrace(r *http.Request) string {
	incoming := header(r, "Traceparent")
	inTrace, inFlags, ok := ParseTraceparent(incoming)
	// One read of randomness for a new trace-id and the span-id; the
	// traceparent is built in place.
	var rnd [24]byte
	if ok {
		_, _ = rand.Read(rnd[16:]) // crypto/rand.Read never fails on supported platforms
	} else {
		_, _ = rand.Read(rnd[:])
	}
	var buf [55]byte // "00-" trace-id "-" span-id "-" flags
	copy(buf[:], "00-")
	buf[35], buf[52] = '-', '-'
	switch {
	case ok:
		copy(buf[3:35], inTrace)
		copy(buf[53:], inFlags)
	case rq.tracer != nil:
		hex.Encode(buf[3:35], rnd[:16])
		copy(buf[53:], "01") // sampled
	default:
		hex.Encode(buf[3:35], rnd[:16])
		copy(buf[53:], "00") // not sampled: nothing records spans
	}
	hex.Encode(buf[36:52], rnd[16:])
	return string(buf[:])
}

// finish writes the request's log line and records its metrics.
func (rq *requests) finish(c *gin.Context, d time.Duration) {
	route, status := routeOf(c), c.Writer.Status()
	st := stateOf(c.Request.Context())
	var calls, nanos int64
	if st != nil {
		calls, nanos = st.upstream.calls.Load(), st.upstream.nanos.Load()
	}
	level := slog.LevelInfo
	if quietRoute(route) {
		level = slog.LevelDebug
	}
	reqID := middleware.RequestIDOf(c)
	rq.log.LogAttrs(c.Request.Context(), level, "request",
		slog.String("request_id", reqID),
		slog.String("trace_id", TraceID(c)),
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Duration("duration", d),
		slog.Int64("upstream_calls", calls),
		slog.Duration("upstream_time", time.Duration(nanos)),
	)
	rq.metrics.ObserveRequest(route, c.Request.Method, status, d)
	endServerSpan(c.Request.Context(), status, reqID, calls)
	if status == http.StatusOK && st != nil && st.poll != "" {
		rq.metrics.Polled(st.poll, time.Now().Add(rq.pollTTL))
	}
}

// MarkPoll tells the request log that the request is a live-refresh poll
// by client (a session ID: kept in memory only, never exported or
// logged); once answered 200 it counts the client among the active
// polling clients. Page handlers call it, so this package needs to know
// no page.
func MarkPoll(c *gin.Context, client string) {
	if st := stateOf(c.Request.Context()); st != nil {
		st.poll = client
	}
}

// TraceID returns the request's trace-id ("" before Requests ran).
func TraceID(c *gin.Context) string {
	if st := stateOf(c.Request.Context()); st != nil {
		return st.traceparent[0][3:35]
	}
	return ""
}

// routeOf is the request's route pattern ("/jobs/:id"), never the raw
// path with IDs; UnmatchedRoute when no route matched.
func routeOf(c *gin.Context) string {
	if p := c.FullPath(); p != "" {
		return p
	}
	return UnmatchedRoute
}

// quietRoute reports whether route is one of the probes and scrapes made
// every few seconds (this package's own routes): their log lines are at
// debug level and they export no span.
func quietRoute(route string) bool {
	return route == "/healthz" || route == "/readyz" || route == "/metrics"
}

// header returns the first value of the request header key, which must
// be in canonical form (Header.Get without the canonicalisation).
func header(r *http.Request, key string) string {
	if v := r.Header[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// ParseTraceparent reads a W3C traceparent header: version 00 exactly, or
// a later version (not ff) with possibly more fields after ours. It
// returns the trace-id and flags, or ok=false when the header is absent or
// invalid (all-zero IDs, upper-case or non-hex digits, wrong lengths).
func ParseTraceparent(s string) (traceID, flags string, ok bool) {
	s = trimmed(s)
	if len(s) < 55 || (len(s) > 55 && s[55] != '-') {
		return "", "", false
	}
	version, traceID, parentID, flags := s[0:2], s[3:35], s[36:52], s[53:55]
	if s[2] != '-' || s[35] != '-' || s[52] != '-' || version == "ff" || (version == "00" && len(s) != 55) {
		return "", "", false
	}
	for _, f := range []string{version, traceID, parentID, flags} {
		if !lowerHex(f) {
			return "", "", false
		}
	}
	if strings.Trim(traceID, "0") == "" || strings.Trim(parentID, "0") == "" {
		return "", "", false
	}
	return traceID, flags, true
}

// trimmed is a traceparent header without surrounding spaces.
func trimmed(s string) string { return strings.TrimSpace(s) }

func lowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}
