package handlers

import (
	"go.opentelemetry.io/otel/trace"

	"jobboard/internal/telemetry"
)

// observability holds what the handler hands to internal/telemetry: the
// version shown in the footer, metrics, readiness and the tracer.
type observability struct {
	version      string
	metrics      *telemetry.Metrics // nil → nothing recorded
	serveMetrics bool
	metricsToken string // required as a bearer token by /metrics when set
	ready        *telemetry.Readiness
	tracer       trace.TracerProvider // nil → no spans recorded
}

// newObservability builds the observability state from opts: readiness
// checks Explorer, then opts.ReadyChecks.
func newObservability(opts Options) observability {
	checks := append([]telemetry.Check{telemetry.ExplorerCheck(opts.Explorer)}, opts.ReadyChecks...)
	return observability{
		version:      opts.Version,
		metrics:      opts.Metrics,
		serveMetrics: opts.ServeMetrics && opts.Metrics != nil,
		metricsToken: opts.MetricsToken,
		ready: telemetry.NewReadiness(telemetry.ReadinessOptions{
			Logger: opts.Logger, Timeout: opts.ReadyTimeout, CacheTTL: opts.ReadyCacheTTL,
		}, checks...),
		tracer: opts.Tracer,
	}
}
