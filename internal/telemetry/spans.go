package telemetry

import (
	"context"
	"net/http"
	"strings"
	"time"

	"jobboard/internal/tracing"
)

// Spans: with RequestOptions.Tracer set, every sampled request is
// exported as a SERVER span whose trace-id and span-id are the ones of the
// Traceparent response header, and each Explorer call it makes as a CLIENT
// span, child of the server span, whose span-id is the parent-id of the
// traceparent sent with that call; so Explorer's spans hang under the call
// that caused them. Sampling follows the caller (the incoming traceparent's
// sampled flag) and samples the traces jobboard starts itself. Probes and
// scrapes (quietRoute) are not exported. Attributes hold the route
// pattern, never the raw path, query, headers, cookies or tokens.

// serverSpanKey is the context key of a sampled request's serverSpan.
type serverSpanKey struct{}

// serverSpan is a sampled request's server span while it is served.
type serverSpan struct {
	tracer                  *tracing.Exporter
	traceID, spanID, parent string // parent: the incoming parent-id, or "" for a new trace
	flags                   string
	start                   time.Time
}

// sampled reports whether W3C trace flags (two hex digits) have the
// sampled bit set.
func sampled(flags string) bool {
	return len(flags) == 2 && strings.IndexByte("13579bdf", flags[1]) >= 0
}

// withServerSpan returns ctx carrying the request's server span when the
// trace is sampled and a tracer is configured; ctx unchanged otherwise.
func withServerSpan(ctx context.Context, tracer *tracing.Exporter, traceID, spanID, parent, flags string) context.Context {
	if tracer == nil || !sampled(flags) {
		return ctx
	}
	return context.WithValue(ctx, serverSpanKey{}, &serverSpan{
		tracer: tracer, traceID: traceID, spanID: spanID, parent: parent, flags: flags, start: time.Now(),
	})
}

// endServerSpan exports ctx's server span, if any, named after the method
// and route pattern. A 5xx status marks it as an error.
func endServerSpan(ctx context.Context, method, route string, status int, requestID string, upstreamCalls int64) {
	sp, ok := ctx.Value(serverSpanKey{}).(*serverSpan)
	if !ok || quietRoute(route) {
		return
	}
	method = spanMethod(method)
	name := method
	attrs := []tracing.Attr{tracing.String("http.request.method", method)}
	if route != UnmatchedRoute {
		name += " " + route
		attrs = append(attrs, tracing.String("http.route", route))
	}
	attrs = append(attrs,
		tracing.Int("http.response.status_code", int64(status)),
		tracing.String("jobboard.request_id", requestID),
		tracing.Int("jobboard.upstream_calls", upstreamCalls),
	)
	span := tracing.Span{
		TraceID: sp.traceID, SpanID: sp.spanID, ParentSpanID: sp.parent,
		Name: name, Kind: tracing.KindServer, Start: sp.start, End: time.Now(), Attrs: attrs,
	}
	if status >= 500 {
		span.Status = tracing.StatusError
	}
	sp.tracer.Export(span)
}

// spanMethod is method if it is a standard HTTP method, else "_OTHER"
// (OpenTelemetry's convention: a client cannot invent span names).
func spanMethod(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return method
	}
	return "_OTHER"
}
