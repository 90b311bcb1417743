package telemetry

import (
	"context"
	"sync/atomic"
	"time"

	"jobboard/apiclient"
	"jobboard/internal/tracing"
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
			span.end(call.Err)
		}
	}
}

// clientSpan is one Explorer call's span while the call runs.
type clientSpan struct {
	server   *serverSpan
	id       string
	endpoint string
	start    time.Time
}

// startClientSpan returns the context to make the call with, carrying the
// call's traceparent, and its span; ctx and a nil span (which ends as a
// no-op) when the request is not sampled.
func startClientSpan(ctx context.Context, endpoint string, start time.Time) (context.Context, *clientSpan) {
	sp, ok := ctx.Value(serverSpanKey{}).(*serverSpan)
	if !ok {
		return ctx, nil
	}
	id := tracing.NewSpanID()
	callCtx := apiclient.WithTraceparent(ctx, "00-"+sp.traceID+"-"+id+"-"+sp.flags)
	return callCtx, &clientSpan{server: sp, id: id, endpoint: endpoint, start: start}
}

// end exports the span with the call's outcome.
func (cs *clientSpan) end(err error) {
	if cs == nil {
		return
	}
	sp := cs.server
	span := tracing.Span{
		TraceID: sp.traceID, SpanID: cs.id, ParentSpanID: sp.spanID,
		Name: "explorer " + cs.endpoint, Kind: tracing.KindClient, Start: cs.start, End: time.Now(),
		Attrs: []tracing.Attr{
			tracing.String("jobboard.upstream.endpoint", cs.endpoint),
			tracing.String("jobboard.upstream.outcome", Outcome(err)),
		},
	}
	if err != nil {
		span.Status = tracing.StatusError
	}
	sp.tracer.Export(span)
}

// upstreamStatsKey is the context key of a request's upstreamStats.
type upstreamStatsKey struct{}

// upstreamStats counts one request's calls to Explorer and their time.
type upstreamStats struct {
	calls atomic.Int64
	nanos atomic.Int64
}

// countUpstream adds one call of duration d to ctx's request.
func countUpstream(ctx context.Context, d time.Duration) {
	if st, ok := ctx.Value(upstreamStatsKey{}).(*upstreamStats); ok {
		st.calls.Add(1)
		st.nanos.Add(int64(d))
	}
}

// upstreamOf returns the calls counted for ctx's request and their total
// time in nanoseconds.
func upstreamOf(ctx context.Context) (calls, nanos int64) {
	if st, ok := ctx.Value(upstreamStatsKey{}).(*upstreamStats); ok {
		return st.calls.Load(), st.nanos.Load()
	}
	return 0, 0
}
