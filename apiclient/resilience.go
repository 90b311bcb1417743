package apiclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"syscall"
	"time"

	"github.com/sony/gobreaker/v2"
)

// Defaults of the circuit breaker of a Client built by New.
const (
	// DefaultBreakerFailures is how many consecutive failed calls open the
	// circuit.
	DefaultBreakerFailures = 5
	// DefaultBreakerOpenFor is how long an open circuit refuses calls
	// before letting one probe call through (half-open).
	DefaultBreakerOpenFor = 10 * time.Second

	// Retry jitter bounds and the time a retry must still have after its
	// jitter, within the call's deadline.
	retryJitterMin  = 20 * time.Millisecond
	retryJitterSpan = 80 * time.Millisecond
	retryMinBudget  = 50 * time.Millisecond
)

// Breaker states as BreakerState reports them.
const (
	BreakerClosed   = "closed"
	BreakerOpen     = "open"
	BreakerHalfOpen = "half-open"
	BreakerDisabled = "disabled"
)

// ErrCircuitOpen: the circuit breaker is open (or half-open with its probe
// call in flight) after repeated failures, so the call was refused without
// contacting Explorer. An error matching ErrCircuitOpen also matches
// ErrUnreachable, so handlers that show "Explorer is unavailable" for
// ErrUnreachable need no change.
var ErrCircuitOpen = errors.New("apiclient: explorer unavailable (circuit open)")

// BreakerConfig tunes the Client's circuit breaker (see WithBreaker). Zero
// fields take their defaults.
//
// A call counts as a failure when it ends in ErrUnreachable, ErrTimeout,
// or a 5xx answer without a valid envelope (ErrBadResponse). Any answered
// envelope, whatever its code (ErrUnauthorized, ErrNotFound, ErrBadParam,
// ErrForbidden, and ErrUpstream too: one reader's failing request must not
// cut the others off), proves Explorer is up and counts as a success; a
// call cancelled by its caller is not counted; arguments refused locally
// never reach the breaker.
type BreakerConfig struct {
	// Failures is how many consecutive failed calls open the circuit
	// (default DefaultBreakerFailures).
	Failures int
	// OpenFor is how long the circuit stays open before one probe call
	// is let through; the probe's success closes the circuit, its failure
	// opens it again (default DefaultBreakerOpenFor).
	OpenFor time.Duration
	// OnStateChange, if not nil, is called with the old and new state
	// (BreakerClosed, BreakerOpen, BreakerHalfOpen) at every transition,
	// e.g. to log it. It runs under the breaker's lock: keep it quick and
	// do not call the Client from it.
	OnStateChange func(from, to string)
}

// WithBreaker sets the circuit breaker's thresholds (tests use tiny ones).
// Negative values are refused by New.
func WithBreaker(cfg BreakerConfig) Option {
	return func(c *Client) {
		c.breakerCfg = cfg
		c.noBreaker = false
	}
}

// WithoutBreaker disables the circuit breaker: every call contacts
// Explorer whatever happened before. BreakerState then reports
// BreakerDisabled.
func WithoutBreaker() Option {
	return func(c *Client) { c.noBreaker = true }
}

// Call is one method call of a Client, as its Observer is told when it
// ends.
type Call struct {
	Endpoint string        // e.g. "list jobs"
	Duration time.Duration // from the call's start to its end, retry pause included
	// Attempts are the HTTP exchanges made, in order: none when the open
	// circuit or an already ended context refused the call, two when a GET
	// was retried after a connection failure.
	Attempts []Attempt
	Err      error // the call's outcome: nil, or an error matching the package's sentinels
}

// Attempt is one HTTP exchange of a Call.
type Attempt struct {
	Duration time.Duration
	Status   int   // HTTP status of Explorer's answer; 0 when there was none
	Err      error // nil, or an error matching the package's sentinels
}

// maxAttempts is how many attempts a call makes at most (one retry).
const maxAttempts = 2

// Observer is told about every call a Client makes to Explorer (calls
// refused locally, such as an invalid ID or token, are not): it is called
// as the call starts, with the caller's context, and returns the context
// the call is made with (e.g. carrying the traceparent of a span for the
// call, see WithTraceparent) and the function told about the finished
// Call (nil: none). This one hook feeds the per-request call count,
// metrics and spans. It is called synchronously and concurrently: keep it
// cheap and safe for concurrent use.
type Observer func(ctx context.Context, endpoint string) (context.Context, func(Call))

// WithObserver sets the Observer of every call. A nil fn observes nothing.
func WithObserver(fn Observer) Option {
	return func(c *Client) { c.observer = fn }
}

// BreakerState reports the circuit breaker's state for metrics and health
// checks: BreakerClosed, BreakerOpen, BreakerHalfOpen, or BreakerDisabled
// when the Client was built WithoutBreaker.
func (c *Client) BreakerState() string {
	if c.breaker == nil {
		return BreakerDisabled
	}
	return c.breaker.State().String()
}

// Close releases the Client's idle keep-alive connections. The Client
// stays usable (a later call dials again). With WithHTTPClient, this
// closes the idle connections of that client's transport.
func (c *Client) Close() {
	c.hc.CloseIdleConnections()
}

// newBreaker builds the breaker for the Explorer at c.base from
// c.breakerCfg, or returns nil when disabled.
func (c *Client) newBreaker() (*gobreaker.TwoStepCircuitBreaker[struct{}], error) {
	if c.noBreaker {
		return nil, nil
	}
	cfg := c.breakerCfg
	if cfg.Failures < 0 {
		return nil, fmt.Errorf("apiclient: breaker failure threshold must not be negative, got %d", cfg.Failures)
	}
	if cfg.OpenFor < 0 {
		return nil, fmt.Errorf("apiclient: breaker open period must not be negative, got %s", cfg.OpenFor)
	}
	if cfg.Failures == 0 {
		cfg.Failures = DefaultBreakerFailures
	}
	if cfg.OpenFor == 0 {
		cfg.OpenFor = DefaultBreakerOpenFor
	}
	threshold := uint32(math.MaxUint32)
	if cfg.Failures < math.MaxUint32 {
		threshold = uint32(cfg.Failures)
	}
	st := gobreaker.Settings{
		Name:         "explorer " + c.base,
		MaxRequests:  1, // one probe while half-open
		Timeout:      cfg.OpenFor,
		ReadyToTrip:  func(n gobreaker.Counts) bool { return n.ConsecutiveFailures >= threshold },
		IsSuccessful: func(err error) bool { return err == nil },
		IsExcluded:   func(err error) bool { return errors.Is(err, context.Canceled) },
	}
	if fn := cfg.OnStateChange; fn != nil {
		st.OnStateChange = func(_ string, from, to gobreaker.State) { fn(from.String(), to.String()) }
	}
	return gobreaker.NewTwoStepCircuitBreaker[struct{}](st), nil
}

// errExplorerDown is what the breaker is told of a call that found
// Explorer down or broken (see breakerOutcome).
var errExplorerDown = errors.New("apiclient: explorer down")

// breakerOutcome is what the breaker learns from a call that got HTTP
// status (0: no answer) and err: errExplorerDown for a transport failure,
// a timeout, or a 5xx without a valid envelope (a proxy's error page, a
// crashed Explorer); nil for any answered envelope, whatever its code. An
// envelope is Explorer up and judging one request: one reader's token that
// makes it answer 50004000 again and again must not cut the others off.
// A call cancelled by its caller stays context.Canceled (not counted).
func breakerOutcome(status int, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, ErrUnreachable), errors.Is(err, ErrTimeout),
		errors.Is(err, ErrBadResponse) && (status == 0 || status >= 500):
		return errExplorerDown
	}
	return nil
}

// allow asks the breaker for permission to call Explorer. It returns the
// function to report the call's outcome with, or an ErrCircuitOpen error.
func (c *Client) allow(endpoint string) (func(error), error) {
	if c.breaker == nil {
		return func(error) {}, nil
	}
	done, err := c.breaker.Allow()
	if err != nil {
		return nil, newError(endpoint+": explorer is unavailable after repeated failures (circuit open); not called",
			ErrCircuitOpen, ErrUnreachable)
	}
	return done, nil
}

// callLog records a call's attempts for its Observer.
type callLog struct {
	n int
	a [maxAttempts]Attempt
}

// add records one attempt that began at start; a nil log records nothing.
func (l *callLog) add(start time.Time, status int, err error) {
	if l != nil && l.n < maxAttempts {
		l.a[l.n] = Attempt{Duration: time.Since(start), Status: status, Err: err}
		l.n++
	}
}

// isConnError reports whether err, from sending a request, is a
// connection failure before any response byte: refused, reset, or the
// connection closed (EOF) before the status line. Timeouts are not.
func isConnError(err error) bool {
	if err == nil || isTimeout(err) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF)
}

// waitBeforeRetry sleeps a random 20–100 ms and reports whether a retry
// may follow: false when ctx ends first or would leave the retry too
// little time.
func waitBeforeRetry(ctx context.Context) bool {
	jitter := retryJitterMin + rand.N(retryJitterSpan) //nolint:gosec // G404: retry jitter needs spread, not unpredictability
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < jitter+retryMinBudget {
		return false
	}
	timer := time.NewTimer(jitter)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}
