package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"jobboard/internal/config"
	"jobboard/internal/tracing"
)

// traceFlushTimeout bounds sending the spans still queued at shutdown.
const traceFlushTimeout = 5 * time.Second

// startTracing starts the OTLP/HTTP span exporter when cfg.OTLPEndpoint is
// set; otherwise it returns a nil exporter (the handlers then export
// nothing). stop flushes the queued spans, for at most traceFlushTimeout:
// call it after the server has stopped.
func startTracing(ctx context.Context, cfg config.Config, logger *slog.Logger) (tracer *tracing.Exporter, stop func(), err error) {
	if cfg.OTLPEndpoint == "" {
		return nil, func() {}, nil
	}
	tracer, err = tracing.New(cfg.OTLPEndpoint,
		tracing.WithServiceVersion(version),
		tracing.WithLogger(logger.With("component", "tracing")),
	)
	if err != nil {
		return nil, nil, fmt.Errorf("jobboard: %w", err)
	}
	logger.Info("exporting traces over OTLP/HTTP (JSON encoding)", "url", tracer.URL())
	return tracer, func() {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), traceFlushTimeout)
		defer cancel()
		if err := tracer.Shutdown(fctx); err != nil {
			logger.Warn("not every span was sent before exit", "error", err.Error())
		}
	}, nil
}
