package telemetry

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"jobboard/apiclient"
)

// Defaults of the readiness check.
const (
	DefaultReadyTimeout  = 2 * time.Second
	DefaultReadyCacheTTL = 3 * time.Second
)

// Check is one dependency GET /readyz checks (Explorer, Redis, a store).
// Check gets a context bounded by the readiness timeout and returns nil
// when the dependency answers.
type Check struct {
	Name  string // short, shown in /readyz's answer, e.g. "redis"
	Check func(ctx context.Context) error
}

// ReadinessOptions configures NewReadiness.
type ReadinessOptions struct {
	Logger  *slog.Logger  // failing checks are logged here (nil → discard)
	Timeout time.Duration // bounds each check (0 → DefaultReadyTimeout)
	// CacheTTL is how long a result is reused (0 → DefaultReadyCacheTTL;
	// negative → never reused), so probes cost each dependency at most
	// one call per TTL and replica.
	CacheTTL time.Duration
}

// Readiness runs the registered checks and caches their result.
type Readiness struct {
	log     *slog.Logger
	checks  []Check
	timeout time.Duration
	ttl     time.Duration // < 0: no cache

	mu     sync.Mutex // held while checking: concurrent probes share one run
	at     time.Time
	failed []string
}

// NewReadiness returns a Readiness running checks, in that order.
func NewReadiness(opts ReadinessOptions, checks ...Check) *Readiness {
	r := &Readiness{log: opts.Logger, checks: checks, timeout: opts.Timeout, ttl: opts.CacheTTL}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	if r.timeout <= 0 {
		r.timeout = DefaultReadyTimeout
	}
	if r.ttl == 0 {
		r.ttl = DefaultReadyCacheTTL
	}
	return r
}

// Failing returns the names of the failing checks (none: ready), running
// them at most once per TTL. The checks run concurrently, each within the
// timeout, detached from the probe's own cancellation.
func (r *Readiness) Failing(ctx context.Context) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ttl > 0 && !r.at.IsZero() && time.Since(r.at) < r.ttl {
		return r.failed
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.timeout)
	defer cancel()
	errs := make([]error, len(r.checks))
	var wg sync.WaitGroup
	for i, chk := range r.checks {
		wg.Go(func() { errs[i] = chk.Check(cctx) })
	}
	wg.Wait()
	var failed []string
	for i, err := range errs {
		if err != nil {
			failed = append(failed, r.checks[i].Name)
			r.log.LogAttrs(ctx, slog.LevelWarn, "not ready",
				slog.String("check", r.checks[i].Name),
				slog.String("error", err.Error()),
			)
		}
	}
	r.at, r.failed = time.Now(), failed
	return failed
}

// Readyz serves GET /readyz: 200 "ready" when every check passed, else 503
// naming the failing checks (details are logged, not shown: the endpoint
// is unauthenticated).
func (r *Readiness) Readyz(c *gin.Context) {
	failed := r.Failing(c.Request.Context())
	c.Header("Cache-Control", "no-store")
	if len(failed) > 0 {
		c.String(http.StatusServiceUnavailable, "not ready: %s\n", strings.Join(failed, ", "))
		return
	}
	c.String(http.StatusOK, "ready\n")
}

// Healthz serves GET /healthz: the process is alive and serving. It calls
// nothing upstream.
func Healthz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.String(http.StatusOK, "ok\n")
}

// readinessProbeToken is the token of the Explorer check's list call:
// syntactically valid (so the call is really sent) and never valid at
// Explorer, whose "not signed in" answer proves it is up without any
// credentials.
const readinessProbeToken apiclient.Token = "jobboard-readiness-probe"

// JobLister is the part of the Explorer client the Explorer check uses.
type JobLister interface {
	ListJobs(ctx context.Context, tok apiclient.Token, q apiclient.ListQuery) (apiclient.JobPage, error)
}

// ExplorerCheck is the "explorer" check: it asks Explorer for one job with
// a token it cannot know. Any answered envelope, whatever its code
// (normally "not signed in"), means Explorer is up, the rule the circuit
// breaker follows too; a connection failure, timeout, an answer that is
// no envelope (a proxy's error page) or an open circuit breaker means it
// is not. So readiness follows Explorer, never one reader's errors.
func ExplorerCheck(ex JobLister) Check {
	return Check{Name: "explorer", Check: func(ctx context.Context) error {
		_, err := ex.ListJobs(ctx, readinessProbeToken, apiclient.ListQuery{PageSize: 1})
		if errors.Is(err, apiclient.ErrUnreachable) || errors.Is(err, apiclient.ErrTimeout) ||
			errors.Is(err, apiclient.ErrBadResponse) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return nil
	}}
}
