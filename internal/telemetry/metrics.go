package telemetry

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"jobboard/apiclient"
)

// Metric names, for dashboards and the operations guide.
const (
	RequestsTotal        = "jobboard_http_requests_total"
	RequestDuration      = "jobboard_http_request_duration_seconds"
	UpstreamCallsTotal   = "jobboard_upstream_calls_total"
	UpstreamCallDuration = "jobboard_upstream_call_duration_seconds"
	CircuitBreakerState  = "jobboard_upstream_circuit_breaker_state"
	SignInsTotal         = "jobboard_sign_ins_total"
	ActivePollingClients = "jobboard_active_polling_clients"
	BuildInfo            = "jobboard_build_info"
)

// maxPollers bounds the polling-client set; beyond it the soonest to
// expire is dropped, so a flood of sessions cannot grow memory.
const maxPollers = 100_000

// Metrics is the set of jobboard's Prometheus metrics in a private
// registry: requests by route pattern, calls to Explorer, the circuit
// breaker's state, sign-ins and active polling clients. Handler serves it
// in the Prometheus text format.
//
// Every method is safe for concurrent use and does nothing on a nil
// *Metrics, so code that records metrics needs no nil checks.
type Metrics struct {
	reg              *prometheus.Registry
	requests         *prometheus.CounterVec
	requestDuration  *prometheus.HistogramVec
	upstreamCalls    *prometheus.CounterVec
	upstreamDuration *prometheus.HistogramVec
	signIns          *prometheus.CounterVec
	pollers          *pollers
}

// NewMetrics returns the metrics in a new registry, with the Go runtime and
// process collectors and jobboard_build_info{version,commit}.
func NewMetrics(version, commit string) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: RequestsTotal,
			Help: "HTTP requests answered, by route pattern (\"unmatched\" for unknown paths), method and status code.",
		}, []string{"route", "method", "status"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    RequestDuration,
			Help:    "Time to answer an HTTP request, by route pattern and method.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method"}),
		upstreamCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: UpstreamCallsTotal,
			Help: "HTTP attempts to Explorer's Workflow API, by endpoint and outcome (ok or the error class).",
		}, []string{"endpoint", "outcome"}),
		upstreamDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    UpstreamCallDuration,
			Help:    "Duration of HTTP attempts to Explorer's Workflow API, by endpoint and outcome.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"endpoint", "outcome"}),
		signIns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: SignInsTotal,
			Help: "Sign-in attempts, by method (password, token) and outcome (ok, rejected, rate-limited, error).",
		}, []string{"method", "outcome"}),
		pollers: &pollers{until: map[string]time.Time{}},
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.requestDuration, m.upstreamCalls, m.upstreamDuration, m.signIns,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: ActivePollingClients,
			Help: "Sessions that made a live-refresh poll within the last two poll intervals.",
		}, func() float64 { return float64(m.pollers.count(time.Now())) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        BuildInfo,
			Help:        "Always 1; the labels tell the running version and commit.",
			ConstLabels: prometheus.Labels{"version": version, "commit": commit},
		}, func() float64 { return 1 }),
	)
	return m
}

// Registry is the private registry, for extra collectors (e.g. a Redis
// pool's) and tests.
func (m *Metrics) Registry() *prometheus.Registry {
	if m == nil {
		return nil
	}
	return m.reg
}

// Handler serves the metrics in the Prometheus text (or OpenMetrics)
// format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ObserveRequest records one answered request: route is the pattern
// ("/jobs/:id", never the raw path), "unmatched" for unknown paths.
func (m *Metrics) ObserveRequest(route, method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.requestDuration.WithLabelValues(route, method).Observe(d.Seconds())
}

// ObserveUpstream records one HTTP attempt to Explorer (ObserveExplorer
// calls it for each attempt of a call).
func (m *Metrics) ObserveUpstream(endpoint string, d time.Duration, err error) {
	if m == nil {
		return
	}
	outcome := Outcome(err)
	m.upstreamCalls.WithLabelValues(endpoint, outcome).Inc()
	m.upstreamDuration.WithLabelValues(endpoint, outcome).Observe(d.Seconds())
}

// Outcome names the class of an upstream call's result for the outcome
// label: ok, unauthorized, forbidden, not_found, bad_param, timeout,
// unreachable, bad_response, upstream_error, canceled or error.
func Outcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, apiclient.ErrUnauthorized):
		return "unauthorized"
	case errors.Is(err, apiclient.ErrForbidden):
		return "forbidden"
	case errors.Is(err, apiclient.ErrNotFound):
		return "not_found"
	case errors.Is(err, apiclient.ErrBadParam):
		return "bad_param"
	case errors.Is(err, apiclient.ErrTimeout):
		return "timeout"
	case errors.Is(err, apiclient.ErrUnreachable):
		return "unreachable"
	case errors.Is(err, apiclient.ErrBadResponse):
		return "bad_response"
	case errors.Is(err, apiclient.ErrUpstream):
		return "upstream_error"
	}
	return "error"
}

// SignIn records one sign-in attempt's outcome.
func (m *Metrics) SignIn(method, outcome string) {
	if m == nil {
		return
	}
	m.signIns.WithLabelValues(method, outcome).Inc()
}

// WatchBreaker registers jobboard_upstream_circuit_breaker_state{state}:
// 1 for the state state() reports at scrape time (e.g. an
// *apiclient.Client's BreakerState), 0 for the others. Call it once.
func (m *Metrics) WatchBreaker(state func() string) {
	if m == nil {
		return
	}
	for _, s := range []string{apiclient.BreakerClosed, apiclient.BreakerOpen, apiclient.BreakerHalfOpen, apiclient.BreakerDisabled} {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name:        CircuitBreakerState,
			Help:        "State of the circuit breaker in front of Explorer: 1 for the current state (closed, open, half-open, disabled), 0 for the others.",
			ConstLabels: prometheus.Labels{"state": s},
		}, func() float64 {
			if state() == s {
				return 1
			}
			return 0
		}))
	}
}

// Polled records that the client identified by key (a session ID: kept in
// memory only, never exported) polled and counts as active until until.
func (m *Metrics) Polled(key string, until time.Time) {
	if m == nil || key == "" {
		return
	}
	m.pollers.add(key, until, time.Now())
}

// pollers holds the expiry of each polling client.
type pollers struct {
	mu    sync.Mutex
	until map[string]time.Time
}

func (p *pollers) add(key string, until, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.until[key]; !ok && len(p.until) >= maxPollers {
		p.pruneLocked(now)
		if len(p.until) >= maxPollers {
			var soonestKey string
			var soonest time.Time
			for k, u := range p.until {
				if soonestKey == "" || u.Before(soonest) {
					soonestKey, soonest = k, u
				}
			}
			delete(p.until, soonestKey)
		}
	}
	p.until[key] = until
}

// count drops expired clients and returns how many remain.
func (p *pollers) count(now time.Time) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pruneLocked(now)
	return len(p.until)
}

func (p *pollers) pruneLocked(now time.Time) {
	for k, u := range p.until {
		if !u.After(now) {
			delete(p.until, k)
		}
	}
}
