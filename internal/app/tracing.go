package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/trace"

	"jobboard/internal/config"
	"jobboard/internal/telemetry"
)

// traceFlushTimeout bounds sending the spans still queued at shutdown.
const traceFlushTimeout = 5 * time.Second

// startTracing starts the OpenTelemetry tracer provider and its OTLP/HTTP
// exporter when cfg names a collector (OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT); otherwise it returns a nil provider
// (the handlers then record nothing). The SDK reads OTEL_TRACES_SAMPLER
// and OTEL_TRACES_SAMPLER_ARG itself. stop ends the provider and flushes
// the queued spans, for at most traceFlushTimeout: call it after the
// server has stopped.
func startTracing(ctx context.Context, cfg config.Config, logger *slog.Logger) (tp trace.TracerProvider, stop func(), err error) {
	endpoint, opts := cfg.OTLPEndpoint, []telemetry.ExporterOption{
		telemetry.WithServiceVersion(version),
		telemetry.WithHeaders(cfg.OTLPHeaders),
		telemetry.WithLogger(logger.With("component", "tracing")),
	}
	if cfg.ServiceName != "" {
		opts = append(opts, telemetry.WithServiceName(cfg.ServiceName))
	}
	if cfg.OTLPTracesEndpoint != "" {
		endpoint = cfg.OTLPTracesEndpoint
		opts = append(opts, telemetry.WithTracesURL())
	}
	if endpoint == "" {
		return nil, func() {}, nil
	}
	exp, err := telemetry.NewExporter(endpoint, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("jobboard: %w", err)
	}
	provider := telemetry.NewTracerProvider(exp)
	logger.Info("exporting traces over OTLP/HTTP (JSON encoding)", "url", exp.URL(), "service", cfg.ServiceName)
	return provider, func() {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), traceFlushTimeout)
		defer cancel()
		_ = provider.Shutdown(fctx) // ends the SDK's side; the exporter below flushes
		if err := exp.Shutdown(fctx); err != nil {
			logger.Warn("not every span was sent before exit", "error", err.Error())
		}
	}, nil
}
