// Package telemetry is what operators see of the dashboard: one log line
// per request, W3C trace context and spans, Prometheus metrics, and the
// health and readiness probes. It knows no page: a handler that serves a
// live-refresh poll says so with MarkPoll, and readiness runs the named
// checks the program registers.
package telemetry
