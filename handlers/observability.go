package handlers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"jobboard/apiclient"
	"jobboard/internal/metrics"
	"jobboard/internal/tracing"
)

// Operations: the request log line, W3C trace context, the
// per-request count of upstream calls, metrics, /healthz and /readyz.
//
// Upstream calls per request: the handler's Explorer is wrapped in
// countingExplorer, which times every call and adds it to an
// upstreamStats that the traceRequest middleware put in the request's
// context; the log line reads it at the end. (apiclient's Observer sees
// every HTTP attempt but no context, so it feeds the process-wide metrics
// instead.) A call is one Explorer method call: a GET retried once after
// a connection failure counts once, with the time of both attempts.

// Defaults of the readiness check.
const (
	DefaultReadyTimeout  = 2 * time.Second
	DefaultReadyCacheTTL = 3 * time.Second
)

// readinessProbeToken is the token of /readyz's list call: syntactically
// valid (so the call is really sent) and never valid at Explorer, whose
// "not signed in" answer proves it is up without any credentials.
const readinessProbeToken apiclient.Token = "jobboard-readiness-probe"

// Keys in the Gin context.
const (
	traceIDKey   = "traceID"
	sessionIDKey = "sessionID"
)

// unmatchedRoute is the route label of requests no route matched (404).
const unmatchedRoute = "unmatched"

// ReadyCheck is one dependency GET /readyz checks besides Explorer (e.g.
// Redis). Check gets a context bounded by Options.ReadyTimeout and returns
// nil when the dependency answers.
type ReadyCheck struct {
	Name  string // short, shown in /readyz's answer, e.g. "redis"
	Check func(ctx context.Context) error
}

// observability holds the handler's metrics, version and readiness state.
type observability struct {
	version      string
	metrics      *metrics.Metrics // nil → nothing recorded
	serveMetrics bool
	ready        *readiness
	tracer       *tracing.Exporter // nil → no spans exported (spans.go)
}

// newObservability builds the observability state from opts; explorer is
// the unwrapped Explorer, used by the readiness check.
func newObservability(opts Options) observability {
	timeout := opts.ReadyTimeout
	if timeout <= 0 {
		timeout = DefaultReadyTimeout
	}
	ttl := opts.ReadyCacheTTL
	if ttl == 0 {
		ttl = DefaultReadyCacheTTL
	}
	explorer := opts.Explorer
	checks := append([]ReadyCheck{{Name: "explorer", Check: func(ctx context.Context) error {
		return explorerUp(ctx, explorer)
	}}}, opts.ReadyChecks...)
	return observability{
		version:      opts.Version,
		metrics:      opts.Metrics,
		serveMetrics: opts.ServeMetrics && opts.Metrics != nil,
		ready:        &readiness{checks: checks, timeout: timeout, ttl: ttl},
		tracer:       opts.Tracer,
	}
}

// explorerUp asks Explorer for one job with a token it cannot know: any
// answer from Explorer (normally "not signed in") means it is up; a
// connection failure, timeout, malformed answer, server error or an open
// circuit breaker means it is not.
func explorerUp(ctx context.Context, ex Explorer) error {
	_, err := ex.ListJobs(ctx, readinessProbeToken, apiclient.ListQuery{PageSize: 1})
	switch {
	case err == nil, errors.Is(err, apiclient.ErrUnauthorized), errors.Is(err, apiclient.ErrForbidden),
		errors.Is(err, apiclient.ErrNotFound), errors.Is(err, apiclient.ErrBadParam):
		return nil
	}
	return err
}

// traceRequest continues the request's W3C trace (a valid incoming
// traceparent keeps its trace-id and flags) or starts one, gives the
// request a new span-id, and puts the resulting traceparent in the
// request's context (sent to Explorer on every call) and in the
// Traceparent response header. It also sets up the request's upstream
// call counter and, when the trace is sampled and Options.Tracer is set,
// its server span (spans.go), whose CLIENT spans then carry the calls'
// traceparents instead.
func (h *handler) traceRequest(c *gin.Context) {
	incoming := header(c.Request, "Traceparent")
	inTrace, inFlags, ok := parseTraceparent(incoming)
	// One read of randomness for a new trace-id and the span-id; the
	// traceparent is built in place and the IDs are slices of it.
	var rnd [24]byte
	if ok {
		_, _ = rand.Read(rnd[16:]) // crypto/rand.Read never fails on supported platforms
	} else {
		_, _ = rand.Read(rnd[:])
	}
	var buf [55]byte // "00-" trace-id "-" span-id "-" flags
	copy(buf[:], "00-")
	buf[35], buf[52] = '-', '-'
	parentID := ""
	switch {
	case ok:
		parentID = strings.TrimSpace(incoming)[36:52]
		copy(buf[3:35], inTrace)
		copy(buf[53:], inFlags)
	case h.obs.tracer != nil:
		hex.Encode(buf[3:35], rnd[:16])
		copy(buf[53:], "01") // sampled: exported
	default:
		hex.Encode(buf[3:35], rnd[:16])
		copy(buf[53:], "00") // not sampled: nothing records spans
	}
	hex.Encode(buf[36:52], rnd[16:])
	tp := string(buf[:])
	traceID, spanID, flags := tp[3:35], tp[36:52], tp[53:55]
	c.Set(traceIDKey, traceID)
	c.Writer.Header()["Traceparent"] = []string{tp}
	ctx := apiclient.WithTraceparent(c.Request.Context(), tp)
	ctx = context.WithValue(ctx, upstreamStatsKey{}, &upstreamStats{})
	ctx = withServerSpan(ctx, h.obs.tracer, traceID, spanID, parentID, flags)
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// parseTraceparent reads a W3C traceparent header: version 00 exactly, or
// a later version (not ff) with possibly more fields after ours. It
// returns the trace-id and flags, or ok=false when the header is absent or
// invalid (all-zero IDs, upper-case or non-hex digits, wrong lengths).
func parseTraceparent(s string) (traceID, flags string, ok bool) {
	s = strings.TrimSpace(s)
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

func lowerHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// traceID returns the request's trace-id.
func traceID(c *gin.Context) string { return c.GetString(traceIDKey) }

// upstreamStatsKey is the context key of a request's upstreamStats.
type upstreamStatsKey struct{}

// upstreamStats counts one request's calls to Explorer and their time.
type upstreamStats struct {
	calls atomic.Int64
	nanos atomic.Int64
}

// countUpstream adds one call that began at start to ctx's request.
func countUpstream(ctx context.Context, start time.Time) {
	if st, ok := ctx.Value(upstreamStatsKey{}).(*upstreamStats); ok {
		st.calls.Add(1)
		st.nanos.Add(int64(time.Since(start)))
	}
}

// countingExplorer times every call of the Explorer it wraps into the
// calling request's upstreamStats and, for a sampled request with a
// Tracer, exports a CLIENT span per call (beginUpstream, spans.go). The
// endpoint names are apiclient's. Methods added to Explorer later pass
// through the embedded interface uncounted until listed here.
type countingExplorer struct{ Explorer }

func (e countingExplorer) Connect(ctx context.Context, account, password, address string, port int) (creds apiclient.Credentials, err error) {
	ctx, done := beginUpstream(ctx, "connect")
	defer func() { done(err) }()
	return e.Explorer.Connect(ctx, account, password, address, port)
}

func (e countingExplorer) ListWorkflowJobs(ctx context.Context, tok apiclient.Token, workflowID int64, q apiclient.ListQuery) (page apiclient.JobPage, err error) {
	ctx, done := beginUpstream(ctx, "list workflow jobs")
	defer func() { done(err) }()
	return e.Explorer.ListWorkflowJobs(ctx, tok, workflowID, q)
}

func (e countingExplorer) ListJobs(ctx context.Context, tok apiclient.Token, q apiclient.ListQuery) (page apiclient.JobPage, err error) {
	ctx, done := beginUpstream(ctx, "list jobs")
	defer func() { done(err) }()
	return e.Explorer.ListJobs(ctx, tok, q)
}

func (e countingExplorer) GetJob(ctx context.Context, tok apiclient.Token, jobID int64) (job apiclient.JobDetail, err error) {
	ctx, done := beginUpstream(ctx, "get job")
	defer func() { done(err) }()
	return e.Explorer.GetJob(ctx, tok, jobID)
}

func (e countingExplorer) CancelJob(ctx context.Context, tok apiclient.Token, jobID int64) (err error) {
	ctx, done := beginUpstream(ctx, "cancel job")
	defer func() { done(err) }()
	return e.Explorer.CancelJob(ctx, tok, jobID)
}

func (e countingExplorer) StartJob(ctx context.Context, tok apiclient.Token, workflowID int64, in apiclient.Input) (jobID int64, err error) {
	ctx, done := beginUpstream(ctx, "start job")
	defer func() { done(err) }()
	return e.Explorer.StartJob(ctx, tok, workflowID, in)
}

func (e countingExplorer) SampleResult(ctx context.Context, tok apiclient.Token, jobID int64, taskID string, limit int) (rows [][]string, err error) {
	ctx, done := beginUpstream(ctx, "sample result")
	defer func() { done(err) }()
	return e.Explorer.SampleResult(ctx, tok, jobID, taskID, limit)
}

// routeOf is the request's route pattern ("/jobs/:id"), never the raw
// path with IDs; unmatchedRoute when no route matched.
func routeOf(c *gin.Context) string {
	if p := c.FullPath(); p != "" {
		return p
	}
	return unmatchedRoute
}

// quietRoutes are probed or scraped every few seconds: their request log
// lines are at debug level.
func quietRoute(route string) bool {
	return route == "/healthz" || route == "/readyz" || route == "/metrics"
}

// logRequests writes one line per request and records its metrics (see
// finishRequest): request ID, trace-id, method, route pattern, status,
// duration, upstream calls (never the query, cookies or headers).
func (h *handler) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	h.finishRequest(c, time.Since(start))
}

// finishRequest writes the request's log line and records its metrics.
// The line holds the request ID, trace-id, method, route pattern, status,
// duration and upstream calls with their total time; never the query,
// headers, cookies, tokens or form values.
func (h *handler) finishRequest(c *gin.Context, d time.Duration) {
	route, status := routeOf(c), c.Writer.Status()
	var calls, nanos int64
	if st, ok := c.Request.Context().Value(upstreamStatsKey{}).(*upstreamStats); ok {
		calls, nanos = st.calls.Load(), st.nanos.Load()
	}
	level := slog.LevelInfo
	if quietRoute(route) {
		level = slog.LevelDebug
	}
	h.log.LogAttrs(c.Request.Context(), level, "request",
		slog.String("request_id", reqID(c)),
		slog.String("trace_id", traceID(c)),
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Duration("duration", d),
		slog.Int64("upstream_calls", calls),
		slog.Duration("upstream_time", time.Duration(nanos)),
	)
	h.obs.metrics.ObserveRequest(route, c.Request.Method, status, d)
	endServerSpan(c.Request.Context(), c.Request.Method, route, status, reqID(c), calls)
	if status == http.StatusOK && isLivePoll(c.Request) {
		if id := c.GetString(sessionIDKey); id != "" {
			h.obs.metrics.Polled(id, time.Now().Add(2*h.lists.pollInterval))
		}
	}
}

// isLivePoll reports whether r is a live-refresh poll of a list (see
// isPoll) or of a job page (htmx re-fetching the #job-detail region).
func isLivePoll(r *http.Request) bool {
	return r.Method == http.MethodGet &&
		(isPoll(r) || (isFragment(r) && header(r, hdrHXTarget) == "section#job-detail"))
}

// healthz serves GET /healthz: the process is alive and serving. It calls
// nothing upstream.
func (h *handler) healthz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.String(http.StatusOK, "ok\n")
}

// readyz serves GET /readyz: 200 "ready" when Explorer (and every extra
// ReadyCheck) answered within the timeout, else 503 naming the failing
// checks (details are logged, not shown: the endpoint is unauthenticated).
// Results are reused for ReadyCacheTTL, so probes cost Explorer at most
// one call per TTL and replica.
func (h *handler) readyz(c *gin.Context) {
	failed := h.obs.ready.check(c.Request.Context(), h.log)
	c.Header("Cache-Control", "no-store")
	if len(failed) > 0 {
		c.String(http.StatusServiceUnavailable, "not ready: %s\n", strings.Join(failed, ", "))
		return
	}
	c.String(http.StatusOK, "ready\n")
}

// readiness runs the ready checks and caches their result.
type readiness struct {
	checks  []ReadyCheck
	timeout time.Duration
	ttl     time.Duration // < 0: no cache

	mu     sync.Mutex // held while checking: concurrent probes share one run
	at     time.Time
	failed []string
}

// check returns the names of the failing checks (none: ready), running
// them at most once per ttl. The checks run concurrently, each within
// the timeout, detached from the probe's own cancellation.
func (r *readiness) check(ctx context.Context, log *slog.Logger) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ttl > 0 && !r.at.IsZero() && time.Since(r.at) < r.ttl {
		return r.failed
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.timeout)
	defer cancel()
	errs := make([]error, len(r.checks))
	var wg sync.WaitGroup
	for i, chk := range r.checks {
		wg.Go(func() { errs[i] = chk.Check(cctx) })
	}
	wg.Wait()
	var failed []string
	for i, err := range errs {
		if err != nil {
			failed = append(failed, r.checks[i].Name)
			log.LogAttrs(ctx, slog.LevelWarn, "not ready",
				slog.String("check", r.checks[i].Name),
				slog.String("error", err.Error()),
			)
		}
	}
	r.at, r.failed = time.Now(), failed
	return failed
}
