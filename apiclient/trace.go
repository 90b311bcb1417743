package apiclient

import "context"

// traceparentKey is the context key of the W3C traceparent sent upstream.
type traceparentKey struct{}

// WithTraceparent returns a copy of ctx whose calls to Explorer carry tp
// as their W3C Trace Context "traceparent" header
// ("00-<trace-id>-<parent-id>-<flags>"), so Explorer's spans join the
// caller's trace. The caller validates tp; an empty tp sends none.
func WithTraceparent(ctx context.Context, tp string) context.Context {
	return context.WithValue(ctx, traceparentKey{}, tp)
}

// traceparentFrom returns the traceparent set by WithTraceparent, or "".
func traceparentFrom(ctx context.Context) string {
	tp, _ := ctx.Value(traceparentKey{}).(string)
	return tp
}
