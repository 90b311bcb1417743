package telemetry

import (
	"context"
	"encoding/hex"
	"net/http"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Spans come from the OpenTelemetry SDK: with RequestOptions.Tracer set,
// every sampled request is a SERVER span whose trace-id and span-id are the
// ones of the Traceparent response header, and each Explorer call it makes
// a CLIENT span, child of the server span, whose span-id is the parent-id
// of the traceparent sent with that call; so Explorer's spans hang under
// the call that caused them. Sampling is the SDK's: by default it follows
// the caller (the incoming traceparent's sampled flag) and samples the
// traces jobboard starts itself; OTEL_TRACES_SAMPLER and
// OTEL_TRACES_SAMPLER_ARG choose another. Probes and scrapes (quietRoute)
// are not traced. Attributes hold the route pattern, never the raw path,
// query, headers, cookies or tokens.
//
// The spans leave through the OTLP/HTTP JSON exporter (otlp_exporter.go): the
// SDK's own OTLP exporter links gRPC and generated protobuf code into the
// binary (measured +15.6 MB stripped, +75%), for the same wire format a
// collector's OTLP/HTTP receiver accepts in JSON.

// scopeName is the instrumentation scope of jobboard's spans.
const scopeName = "jobboard"

// NewTracerProvider returns the SDK tracer provider whose finished spans
// exp exports (it queues them and returns at once, so ending a span never
// waits on the collector). The sampler is the SDK's default or the one
// OTEL_TRACES_SAMPLER names. Shut exp down after the server has stopped.
func NewTracerProvider(exp *Exporter) *sdktrace.TracerProvider {
	return sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sdktrace.NewSimpleSpanProcessor(spanExporter{exp})))
}

// spanExporter hands the SDK's finished spans to a Exporter.
type spanExporter struct{ exp *Exporter }

// ExportSpans implements sdktrace.SpanExporter.
func (s spanExporter) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	for _, sp := range spans {
		s.exp.Export(convertSpan(sp))
	}
	return nil
}

// Shutdown implements sdktrace.SpanExporter; the Exporter is shut
// down by its owner, which flushes it.
func (spanExporter) Shutdown(context.Context) error { return nil }

// convertSpan turns an SDK span into the exporter's form.
func convertSpan(sp sdktrace.ReadOnlySpan) Span {
	sc := sp.SpanContext()
	out := Span{
		TraceID: sc.TraceID().String(), SpanID: sc.SpanID().String(),
		Name: sp.Name(), Kind: Kind(sp.SpanKind()), Start: sp.StartTime(), End: sp.EndTime(),
	}
	if p := sp.Parent(); p.IsValid() {
		out.ParentSpanID = p.SpanID().String()
	}
	for _, kv := range sp.Attributes() {
		switch kv.Value.Type() {
		case attribute.INT64:
			out.Attrs = append(out.Attrs, Int(string(kv.Key), kv.Value.AsInt64()))
		case attribute.BOOL:
			out.Attrs = append(out.Attrs, Bool(string(kv.Key), kv.Value.AsBool()))
		default:
			out.Attrs = append(out.Attrs, String(string(kv.Key), kv.Value.String()))
		}
	}
	switch sp.Status().Code {
	case codes.Error:
		out.Status = StatusError
	case codes.Ok:
		out.Status = StatusOK
	}
	return out
}

// traceparent is sc as a W3C traceparent header.
func traceparent(sc trace.SpanContext) string {
	var buf [55]byte
	copy(buf[:], "00-")
	tid, sid := sc.TraceID(), sc.SpanID()
	hex.Encode(buf[3:35], tid[:])
	buf[35] = '-'
	hex.Encode(buf[36:52], sid[:])
	buf[52] = '-'
	hex.Encode(buf[53:], []byte{byte(sc.TraceFlags())})
	return string(buf[:])
}

// startServerSpan starts the request's server span as a child of the
// incoming trace context (if any); the returned context carries it.
func startServerSpan(ctx context.Context, tp trace.TracerProvider, r *http.Request, route string) (context.Context, trace.Span) {
	method := spanMethod(r.Method)
	name := method
	attrs := []attribute.KeyValue{attribute.String("http.request.method", method)}
	if route != UnmatchedRoute {
		name += " " + route
		attrs = append(attrs, attribute.String("http.route", route))
	}
	if tid, flags, ok := ParseTraceparent(header(r, "Traceparent")); ok {
		if sc, ok := remoteParent(tid, header(r, "Traceparent"), flags); ok {
			ctx = trace.ContextWithRemoteSpanContext(ctx, sc)
		}
	}
	return tp.Tracer(scopeName).Start(ctx, name, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attrs...))
}

// remoteParent is the span context of a traceparent ParseTraceparent
// accepted.
func remoteParent(traceID, tp, flags string) (trace.SpanContext, bool) {
	tid, err1 := trace.TraceIDFromHex(traceID)
	sid, err2 := trace.SpanIDFromHex(trimmed(tp)[36:52])
	fl, err3 := hex.DecodeString(flags)
	if err1 != nil || err2 != nil || err3 != nil {
		return trace.SpanContext{}, false
	}
	return trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: tid, SpanID: sid, TraceFlags: trace.TraceFlags(fl[0]), Remote: true,
	}), true
}

// endServerSpan ends ctx's server span, if it records, with the answer's
// status (a 5xx marks it as an error), request ID and upstream calls.
func endServerSpan(ctx context.Context, status int, requestID string, upstreamCalls int64) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	span.SetAttributes(
		attribute.Int("http.response.status_code", status),
		attribute.String("jobboard.request_id", requestID),
		attribute.Int64("jobboard.upstream_calls", upstreamCalls),
	)
	if status >= 500 {
		span.SetStatus(codes.Error, "")
	}
	span.End()
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
