package apiclient_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jobboard/apiclient"
)

// switchServer answers 503 with an internal-error envelope while healthy
// is false, okBody once it is true.
func switchServer(t *testing.T, opts ...apiclient.Option) (*apiclient.Client, *recorder, *atomic.Bool) {
	t.Helper()
	var healthy atomic.Bool
	c, rec, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		if !healthy.Load() {
			w.WriteHeader(503)
			io.WriteString(w, `{"code":50004000,"message":"internal error"}`)
			return
		}
		io.WriteString(w, okBody)
	}, opts...)
	return c, rec, &healthy
}

// tinyBreaker opens after 3 failures for 150 ms.
func tinyBreaker() apiclient.Option {
	return apiclient.WithBreaker(apiclient.BreakerConfig{Failures: 3, OpenFor: 150 * time.Millisecond})
}

// waitState polls BreakerState until it is want (2 s at most).
func waitState(t *testing.T, c *apiclient.Client, want string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for c.BreakerState() != want {
		if time.Now().After(deadline) {
			t.Fatalf("BreakerState = %q, want %q within 2 s", c.BreakerState(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestBreakerOpensAfterFailuresAndFailsFast(t *testing.T) {
	var obs attempts
	c, rec, _ := switchServer(t, tinyBreaker(), apiclient.WithObserver(obs.observe))
	ctx := ctxT(t)
	for i := 0; i < 3; i++ {
		if st := c.BreakerState(); st != apiclient.BreakerClosed {
			t.Fatalf("BreakerState = %q after %d failures, want closed", st, i)
		}
		_, err := c.ListJobs(ctx, testToken, apiclient.ListQuery{})
		checkOnly(t, err, apiclient.ErrUpstream)
	}
	if st := c.BreakerState(); st != apiclient.BreakerOpen {
		t.Fatalf("BreakerState = %q after 3 failures, want open", st)
	}
	// Every method now fails fast, without calling Explorer, with an
	// error that existing handlers treat as "Explorer is unavailable".
	for name, call := range methodCalls(c, testToken, "pw") {
		start := time.Now()
		err := call(ctx)
		if elapsed := time.Since(start); elapsed > 50*time.Millisecond {
			t.Errorf("%s took %s with the circuit open, want a fast failure", name, elapsed)
		}
		if !errors.Is(err, apiclient.ErrCircuitOpen) {
			t.Errorf("%s: err = %v, want ErrCircuitOpen", name, err)
		}
		checkOnly(t, err, apiclient.ErrUnreachable)
	}
	if n := rec.count(); n != 3 {
		t.Errorf("server received %d requests, want 3 (none while open)", n)
	}
	if n := len(obs.get()); n != 3 {
		t.Errorf("observer saw %d attempts, want 3 (none while open)", n)
	}
}

func TestBreakerHalfOpensAndClosesOnSuccess(t *testing.T) {
	c, rec, healthy := switchServer(t, tinyBreaker())
	ctx := ctxT(t)
	for i := 0; i < 3; i++ {
		if _, err := c.GetJob(ctx, testToken, 1); err == nil {
			t.Fatalf("call %d succeeded against a failing Explorer", i)
		}
	}
	if st := c.BreakerState(); st != apiclient.BreakerOpen {
		t.Fatalf("BreakerState = %q, want open", st)
	}
	healthy.Store(true)
	if _, err := c.GetJob(ctx, testToken, 1); !errors.Is(err, apiclient.ErrCircuitOpen) {
		t.Fatalf("call right after opening: %v, want ErrCircuitOpen even though Explorer recovered", err)
	}
	waitState(t, c, apiclient.BreakerHalfOpen)
	if _, err := c.GetJob(ctx, testToken, 1); err != nil {
		t.Fatalf("probe call: %v, want success", err)
	}
	if st := c.BreakerState(); st != apiclient.BreakerClosed {
		t.Errorf("BreakerState = %q after a successful probe, want closed", st)
	}
	for i := 0; i < 5; i++ {
		if _, err := c.ListJobs(ctx, testToken, apiclient.ListQuery{}); err != nil {
			t.Fatalf("call %d after recovery: %v", i, err)
		}
	}
	if n := rec.count(); n != 3+1+5 {
		t.Errorf("server received %d requests, want 9", n)
	}
}

func TestBreakerProbeFailureReopens(t *testing.T) {
	c, rec, _ := switchServer(t, tinyBreaker())
	ctx := ctxT(t)
	for i := 0; i < 3; i++ {
		if _, err := c.GetJob(ctx, testToken, 1); err == nil {
			t.Fatalf("call %d succeeded against a failing Explorer", i)
		}
	}
	waitState(t, c, apiclient.BreakerHalfOpen)
	_, err := c.GetJob(ctx, testToken, 1)
	checkOnly(t, err, apiclient.ErrUpstream)
	if st := c.BreakerState(); st != apiclient.BreakerOpen {
		t.Errorf("BreakerState = %q after a failed probe, want open again", st)
	}
	if _, err := c.GetJob(ctx, testToken, 1); !errors.Is(err, apiclient.ErrCircuitOpen) {
		t.Errorf("call after a failed probe: %v, want ErrCircuitOpen", err)
	}
	if n := rec.count(); n != 4 {
		t.Errorf("server received %d requests, want 4 (3 failures and 1 probe)", n)
	}
}

func TestBreakerLetsOneProbeThrough(t *testing.T) {
	var failing atomic.Bool
	failing.Store(true)
	probeIn := make(chan struct{})
	releaseProbe := make(chan struct{})
	var probes atomic.Int32
	c, rec, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		if failing.Load() {
			w.WriteHeader(500)
			io.WriteString(w, `{"code":50004001}`)
			return
		}
		if probes.Add(1) == 1 {
			close(probeIn)
			<-releaseProbe
		}
		io.WriteString(w, okBody)
	}, tinyBreaker())
	ctx := ctxT(t)
	for i := 0; i < 3; i++ {
		if _, err := c.GetJob(ctx, testToken, 1); err == nil {
			t.Fatalf("call %d succeeded against a failing Explorer", i)
		}
	}
	failing.Store(false)
	waitState(t, c, apiclient.BreakerHalfOpen)

	probeErr := make(chan error, 1)
	go func() {
		_, err := c.GetJob(ctx, testToken, 1)
		probeErr <- err
	}()
	<-probeIn
	// While the probe is in flight, other calls still fail fast.
	for i := 0; i < 3; i++ {
		if _, err := c.ListJobs(ctx, testToken, apiclient.ListQuery{}); !errors.Is(err, apiclient.ErrCircuitOpen) || !errors.Is(err, apiclient.ErrUnreachable) {
			t.Errorf("call during the probe: %v, want ErrCircuitOpen matching ErrUnreachable", err)
		}
	}
	close(releaseProbe)
	if err := <-probeErr; err != nil {
		t.Fatalf("probe: %v", err)
	}
	if st := c.BreakerState(); st != apiclient.BreakerClosed {
		t.Errorf("BreakerState = %q after the probe, want closed", st)
	}
	if n := rec.count(); n != 4 {
		t.Errorf("server received %d requests, want 4 (3 failures and 1 probe)", n)
	}
}

func TestBreakerIgnoresAnswersAboutTheRequest(t *testing.T) {
	codes := []int{apiclient.CodeSession, apiclient.CodeUnauthorized, apiclient.CodeNotFound,
		apiclient.CodeParam, apiclient.CodeBadRequest, apiclient.CodeForbidden}
	for _, code := range codes {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			c, rec := serve(t, naturalStatus(code), fmt.Sprintf(`{"code":%d,"message":"no"}`, code))
			for i := 0; i < 6; i++ {
				_, err := c.GetJob(ctxT(t), testToken, 1)
				var apiErr *apiclient.APIError
				if !errors.As(err, &apiErr) || apiErr.Code != code {
					t.Fatalf("call %d: %v, want APIError %d", i, err, code)
				}
			}
			if st := c.BreakerState(); st != apiclient.BreakerClosed {
				t.Errorf("BreakerState = %q after 6 answers %d, want closed", st, code)
			}
			if n := rec.count(); n != 6 {
				t.Errorf("server received %d requests, want 6", n)
			}
		})
	}
}

func TestBreakerIgnoresCallerCancellation(t *testing.T) {
	started := make(chan struct{}, 16)
	c, _, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-r.Context().Done()
	}, apiclient.WithBreaker(apiclient.BreakerConfig{Failures: 2, OpenFor: time.Minute}))
	for i := 0; i < 4; i++ {
		ctx, cancel := context.WithCancel(ctxT(t))
		go func() {
			<-started
			cancel()
		}()
		_, err := c.GetJob(ctx, testToken, 1)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("call %d: %v, want context.Canceled", i, err)
		}
	}
	// An already-cancelled context is not a failure either.
	ctx, cancel := context.WithCancel(ctxT(t))
	cancel()
	for i := 0; i < 3; i++ {
		if _, err := c.ListJobs(ctx, testToken, apiclient.ListQuery{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("call %d with a cancelled context: %v, want context.Canceled", i, err)
		}
	}
	if st := c.BreakerState(); st != apiclient.BreakerClosed {
		t.Errorf("BreakerState = %q after cancelled calls, want closed", st)
	}
}

func TestBreakerCountsEachKindOfFailure(t *testing.T) {
	twoFailures := apiclient.WithBreaker(apiclient.BreakerConfig{Failures: 2, OpenFor: time.Minute})
	kinds := map[string]struct {
		client func(t *testing.T) *apiclient.Client
		want   error
	}{
		"unreachable": {func(t *testing.T) *apiclient.Client {
			return newClient(t, refusedURL(t), twoFailures)
		}, apiclient.ErrUnreachable},
		"timeout": {func(t *testing.T) *apiclient.Client {
			return hangingServer(t, false, twoFailures, apiclient.WithTimeout(50*time.Millisecond))
		}, apiclient.ErrTimeout},
		"bad response": {func(t *testing.T) *apiclient.Client {
			c, _, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(502)
				io.WriteString(w, `<html>proxy error</html>`)
			}, twoFailures)
			return c
		}, apiclient.ErrBadResponse},
		"upstream": {func(t *testing.T) *apiclient.Client {
			c, _, _ := switchServer(t, twoFailures)
			return c
		}, apiclient.ErrUpstream},
	}
	for name, k := range kinds {
		t.Run(name, func(t *testing.T) {
			c := k.client(t)
			for i := 0; i < 2; i++ {
				_, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{})
				checkOnly(t, err, k.want)
			}
			if st := c.BreakerState(); st != apiclient.BreakerOpen {
				t.Errorf("BreakerState = %q after 2 %s failures, want open", st, name)
			}
		})
	}
}

func TestBreakerNeedsConsecutiveFailures(t *testing.T) {
	c, rec, healthy := switchServer(t, tinyBreaker())
	ctx := ctxT(t)
	for round := 0; round < 3; round++ {
		healthy.Store(false)
		for i := 0; i < 2; i++ {
			if _, err := c.GetJob(ctx, testToken, 1); err == nil {
				t.Fatalf("round %d call %d succeeded against a failing Explorer", round, i)
			}
		}
		healthy.Store(true)
		if _, err := c.GetJob(ctx, testToken, 1); err != nil {
			t.Fatalf("round %d success: %v", round, err)
		}
	}
	if st := c.BreakerState(); st != apiclient.BreakerClosed {
		t.Errorf("BreakerState = %q after failures interleaved with successes, want closed", st)
	}
	if n := rec.count(); n != 9 {
		t.Errorf("server received %d requests, want 9", n)
	}
}

func TestWithoutBreaker(t *testing.T) {
	c, rec, _ := switchServer(t, apiclient.WithoutBreaker())
	for i := 0; i < 2*apiclient.DefaultBreakerFailures; i++ {
		_, err := c.GetJob(ctxT(t), testToken, 1)
		checkOnly(t, err, apiclient.ErrUpstream)
	}
	if n := rec.count(); n != 2*apiclient.DefaultBreakerFailures {
		t.Errorf("server received %d requests, want %d", n, 2*apiclient.DefaultBreakerFailures)
	}
	if st := c.BreakerState(); st != apiclient.BreakerDisabled {
		t.Errorf("BreakerState = %q, want disabled", st)
	}
}

func TestDefaultBreaker(t *testing.T) {
	var mu sync.Mutex
	var changes []string
	c, rec, _ := switchServer(t, apiclient.WithBreaker(apiclient.BreakerConfig{
		OnStateChange: func(from, to string) {
			mu.Lock()
			defer mu.Unlock()
			changes = append(changes, from+"->"+to)
		},
	}))
	for i := 0; i < apiclient.DefaultBreakerFailures+2; i++ {
		if _, err := c.GetJob(ctxT(t), testToken, 1); err == nil {
			t.Fatalf("call %d succeeded against a failing Explorer", i)
		}
	}
	if n := rec.count(); n != apiclient.DefaultBreakerFailures {
		t.Errorf("server received %d requests, want %d (the default threshold)", n, apiclient.DefaultBreakerFailures)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(changes) != 1 || changes[0] != "closed->open" {
		t.Errorf("state changes %v, want [closed->open]", changes)
	}
}
