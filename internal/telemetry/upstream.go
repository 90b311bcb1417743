package telemetry

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"jobboard/apiclient"
)

// ObserveExplorer is the apiclient.Observer that feeds the request log's
// upstream call count, the upstream metrics (per HTTP attempt) and, for a
// sampled request with a tracer, one CLIENT span per call, child of the
// request's server span, whose span-id is sent to Explorer as the
// traceparent's parent-id (so Explorer's spans hang under the call that
// caused them). Give it to the client with apiclient.WithObserver; m may
// be nil.
func ObserveExplorer(m *Metrics) apiclient.Observer {
	return func(ctx context.Context, endpoint string) (context.Context, func(apiclient.Call)) {
		start := time.Now()
		callCtx, span := startClientSpan(ctx, endpoint, start)
		return callCtx, func(call apiclient.Call) {
			countUpstream(ctx, call.Duration)
			for _, a := range call.Attempts {
				m.ObserveUpstream(call.Endpoint, a.Duration, a.Err)
			}
			endClientSpan(span, call.Err)
		}
	}
}

// NewExplorerClient is the Workflow API client at baseURL wired as the
// dashboard runs it: every call observed by ObserveExplorer(m) and the
// breaker's state a gauge of m. The binary and the test rig both build
// their client here, so a test's request log counts upstream calls as
// production's does. opts come after the observer (a later WithObserver
// replaces it); m may be nil (the log and spans still see every call).
func NewExplorerClient(baseURL string, m *Metrics, opts ...apiclient.Option) (*apiclient.Client, error) {
	all := append([]apiclient.Option{apiclient.WithObserver(ObserveExplorer(m))}, opts...)
	client, err := apiclient.New(baseURL, all...)
	if err != nil {
		return nil, fmt.Errorf("explorer client: %w", err)
	}
	m.WatchBreaker(client.BreakerState)
	return client, nil
}

// startClientSpan returns the context to make the call with, carrying
// the call's CLIENT span and its traceparent, and the span; ctx and nil
// when the request's span does not record (not sampled, no tracer).
func startClientSpan(ctx context.Context, endpoint string, start time.Time) (context.Context, trace.Span) {
	parent := trace.SpanFromContext(ctx)
	if !parent.IsRecording() {
		return ctx, nil
	}
	callCtx, span := parent.TracerProvider().Tracer(scopeName).Start(ctx, "explorer "+endpoint,
		trace.WithSpanKind(trace.SpanKindClient), trace.WithTimestamp(start),
		trace.WithAttributes(attribute.String("jobboard.upstream.endpoint", endpoint)))
	return apiclient.WithTraceparent(callCtx, traceparent(span.SpanContext())), span
}

// endClientSpan ends a call's span (nil: none) with the call's outcome.
func endClientSpan(span trace.Span, err error) {
	if span == nil {
		return
	}
	span.SetAttributes(attribute.String("jobboard.upstream.outcome", Outcome(err)))
	if err != nil {
		span.SetStatus(codes.Error, "")
	}
	span.End()
}

// upstreamStats counts one request's calls to Explorer and their time.
type upstreamStats struct {
	calls atomic.Int64
	nanos atomic.Int64
}

// countUpstream adds one call of duration d to ctx's request.
func countUpstream(ctx context.Context, d time.Duration) {
	if st := stateOf(ctx); st != nil {
		st.upstream.calls.Add(1)
		st.upstream.nanos.Add(int64(d))
	}
}
