package handlers

import (
	"context"

	"jobboard/apiclient"
	"jobboard/internal/telemetry"
	"jobboard/internal/tracing"
)

// observability holds what the handler hands to internal/telemetry: the
// version shown in the footer, metrics, readiness and the tracer.
type observability struct {
	version      string
	metrics      *telemetry.Metrics // nil → nothing recorded
	serveMetrics bool
	ready        *telemetry.Readiness
	tracer       *tracing.Exporter // nil → no spans exported
}

// newObservability builds the observability state from opts: readiness
// checks Explorer, then opts.ReadyChecks.
func newObservability(opts Options) observability {
	checks := append([]telemetry.Check{telemetry.ExplorerCheck(opts.Explorer)}, opts.ReadyChecks...)
	return observability{
		version:      opts.Version,
		metrics:      opts.Metrics,
		serveMetrics: opts.ServeMetrics && opts.Metrics != nil,
		ready: telemetry.NewReadiness(telemetry.ReadinessOptions{
			Logger: opts.Logger, Timeout: opts.ReadyTimeout, CacheTTL: opts.ReadyCacheTTL,
		}, checks...),
		tracer: opts.Tracer,
	}
}

// countingExplorer times every call of the Explorer it wraps into the
// calling request's telemetry (telemetry.BeginUpstream). The endpoint
// names are apiclient's. Methods added to Explorer later pass through the
// embedded interface uncounted until listed here.
type countingExplorer struct{ Explorer }

func (e countingExplorer) Connect(ctx context.Context, account, password, address string, port int) (creds apiclient.Credentials, err error) {
	ctx, done := telemetry.BeginUpstream(ctx, "connect")
	defer func() { done(err) }()
	return e.Explorer.Connect(ctx, account, password, address, port)
}

func (e countingExplorer) ListWorkflowJobs(ctx context.Context, tok apiclient.Token, workflowID int64, q apiclient.ListQuery) (page apiclient.JobPage, err error) {
	ctx, done := telemetry.BeginUpstream(ctx, "list workflow jobs")
	defer func() { done(err) }()
	return e.Explorer.ListWorkflowJobs(ctx, tok, workflowID, q)
}

func (e countingExplorer) ListJobs(ctx context.Context, tok apiclient.Token, q apiclient.ListQuery) (page apiclient.JobPage, err error) {
	ctx, done := telemetry.BeginUpstream(ctx, "list jobs")
	defer func() { done(err) }()
	return e.Explorer.ListJobs(ctx, tok, q)
}

func (e countingExplorer) GetJob(ctx context.Context, tok apiclient.Token, jobID int64) (job apiclient.JobDetail, err error) {
	ctx, done := telemetry.BeginUpstream(ctx, "get job")
	defer func() { done(err) }()
	return e.Explorer.GetJob(ctx, tok, jobID)
}

func (e countingExplorer) CancelJob(ctx context.Context, tok apiclient.Token, jobID int64) (err error) {
	ctx, done := telemetry.BeginUpstream(ctx, "cancel job")
	defer func() { done(err) }()
	return e.Explorer.CancelJob(ctx, tok, jobID)
}

func (e countingExplorer) StartJob(ctx context.Context, tok apiclient.Token, workflowID int64, in apiclient.Input) (jobID int64, err error) {
	ctx, done := telemetry.BeginUpstream(ctx, "start job")
	defer func() { done(err) }()
	return e.Explorer.StartJob(ctx, tok, workflowID, in)
}

func (e countingExplorer) SampleResult(ctx context.Context, tok apiclient.Token, jobID int64, taskID string, limit int) (rows [][]string, err error) {
	ctx, done := telemetry.BeginUpstream(ctx, "sample result")
	defer func() { done(err) }()
	return e.Explorer.SampleResult(ctx, tok, jobID, taskID, limit)
}
