package apiclient_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"jobboard/apiclient"
)

// okBody is a success envelope every GET endpoint can decode.
const okBody = `{"code":0,"data":{"items":[],"total":0,"Page":1,"PageSize":10,"id":9}}`

// dropConn closes the request's connection without answering: with reset,
// as a TCP reset (SO_LINGER 0), else as a plain close (the client reads EOF
// before any response byte).
func dropConn(t *testing.T, w http.ResponseWriter, reset bool) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if reset {
		if err := conn.(*net.TCPConn).SetLinger(0); err != nil {
			t.Errorf("SetLinger: %v", err)
		}
	}
	conn.Close()
}

// flakyServer drops the connection of its first drops requests and
// answers the others with okBody.
func flakyServer(t *testing.T, drops int, reset bool, opts ...apiclient.Option) (*apiclient.Client, *recorder) {
	t.Helper()
	var n atomic.Int32
	c, rec, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		if int(n.Add(1)) <= drops {
			dropConn(t, w, reset)
			return
		}
		io.WriteString(w, okBody)
	}, opts...)
	return c, rec
}

// attempt is one observed upstream attempt.
type attempt struct {
	endpoint string
	d        time.Duration
	err      error
}

// attempts collects what an Observer is told.
type attempts struct {
	mu   sync.Mutex
	list []attempt
}

// observe is an apiclient.Observer recording every attempt of every call.
func (a *attempts) observe(ctx context.Context, endpoint string) (context.Context, func(apiclient.Call)) {
	return ctx, func(call apiclient.Call) {
		a.mu.Lock()
		defer a.mu.Unlock()
		if call.Endpoint != endpoint {
			a.list = append(a.list, attempt{endpoint: "call ended as " + call.Endpoint})
		}
		for _, at := range call.Attempts {
			a.list = append(a.list, attempt{call.Endpoint, at.Duration, at.Err})
		}
	}
}

func (a *attempts) get() []attempt {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]attempt(nil), a.list...)
}

// getCalls are the idempotent calls, which may be retried.
func getCalls(c *apiclient.Client) map[string]func(context.Context) error {
	all := methodCalls(c, testToken, "pw")
	return map[string]func(context.Context) error{
		"ListJobs":         all["ListJobs"],
		"ListWorkflowJobs": all["ListWorkflowJobs"],
		"GetJob":           all["GetJob"],
		"SampleResult":     all["SampleResult"],
	}
}

func TestGetIsRetriedOnceOnConnectionFailure(t *testing.T) {
	for _, reset := range []bool{false, true} {
		for name := range getCalls(nil) {
			t.Run(fmt.Sprintf("%s reset %v", name, reset), func(t *testing.T) {
				var obs attempts
				c, rec := flakyServer(t, 1, reset, apiclient.WithObserver(obs.observe))
				if err := getCalls(c)[name](ctxT(t)); err != nil {
					t.Fatalf("%s after one dropped connection: %v, want success", name, err)
				}
				if n := rec.count(); n != 2 {
					t.Fatalf("server received %d requests, want 2 (one retry)", n)
				}
				// The retry is the same request with only the token cookie.
				rec.mu.Lock()
				second := rec.reqs[1]
				first := rec.reqs[0]
				rec.mu.Unlock()
				if second.Method != http.MethodGet || second.EscapedPath != first.EscapedPath || second.RawQuery != first.RawQuery {
					t.Errorf("retry %s %s?%s differs from the first attempt %s %s?%s",
						second.Method, second.EscapedPath, second.RawQuery, first.Method, first.EscapedPath, first.RawQuery)
				}
				checkAuthed(t, second, http.MethodGet, first.EscapedPath, "application/json")
				got := obs.get()
				if len(got) != 2 || !errors.Is(got[0].err, apiclient.ErrUnreachable) || got[1].err != nil {
					t.Errorf("observed attempts %+v, want an ErrUnreachable then a success", got)
				}
				if st := c.BreakerState(); st != apiclient.BreakerClosed {
					t.Errorf("BreakerState = %q after a successful retry, want closed", st)
				}
			})
		}
	}
}

func TestGetIsRetriedAtMostOnce(t *testing.T) {
	for _, reset := range []bool{false, true} {
		t.Run(fmt.Sprintf("reset %v", reset), func(t *testing.T) {
			c, rec := flakyServer(t, 1000, reset)
			_, err := c.GetJob(ctxT(t), testToken, 1)
			checkOnly(t, err, apiclient.ErrUnreachable)
			if n := rec.count(); n != 2 {
				t.Errorf("server received %d requests, want 2 (at most one retry)", n)
			}
		})
	}
}

func TestRefusedGetIsRetriedOnce(t *testing.T) {
	var obs attempts
	c := newClient(t, refusedURL(t), apiclient.WithObserver(obs.observe))
	start := time.Now()
	_, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{})
	elapsed := time.Since(start)
	checkOnly(t, err, apiclient.ErrUnreachable)
	if n := len(obs.get()); n != 2 {
		t.Errorf("%d attempts on a refused connection, want 2", n)
	}
	// The jitter is 20-100 ms.
	if elapsed < 20*time.Millisecond || elapsed > 2*time.Second {
		t.Errorf("refused call with one retry took %s, want a 20-100 ms pause between attempts", elapsed)
	}
}

func TestWritesAreNeverRetried(t *testing.T) {
	all := methodCalls(nil, testToken, "pw")
	for _, name := range []string{"Connect", "CancelJob", "StartJob"} {
		if all[name] == nil {
			t.Fatalf("no call %s", name)
		}
		for _, reset := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s reset %v", name, reset), func(t *testing.T) {
				c, rec := flakyServer(t, 1, reset)
				err := methodCalls(c, testToken, "pw")[name](ctxT(t))
				checkOnly(t, err, apiclient.ErrUnreachable)
				if n := rec.count(); n != 1 {
					t.Errorf("server received %d requests, want exactly 1 (no retry of a write)", n)
				}
			})
		}
	}
}

func TestNoRetryOnTimeout(t *testing.T) {
	for _, partial := range []bool{false, true} {
		t.Run(fmt.Sprintf("partial body %v", partial), func(t *testing.T) {
			release := make(chan struct{})
			c, rec, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
				if partial {
					io.WriteString(w, `{"code":0,"data":{"items":[`)
					w.(http.Flusher).Flush()
				}
				select {
				case <-r.Context().Done():
				case <-release:
				}
			}, apiclient.WithTimeout(150*time.Millisecond))
			t.Cleanup(func() { close(release) })
			_, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{})
			checkOnly(t, err, apiclient.ErrTimeout)
			if n := rec.count(); n != 1 {
				t.Errorf("server received %d requests, want 1 (no retry on timeout)", n)
			}
		})
	}
}

func TestNoRetryOnHTTPAnswers(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   error
	}{
		{502, `<html>bad gateway</html>`, apiclient.ErrBadResponse},
		{503, `{"code":50004000,"message":"busy"}`, apiclient.ErrUpstream},
		{200, `{"code":0,"data":{"items":[{"id":1`, apiclient.ErrBadResponse},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			c, rec := serve(t, tt.status, tt.body)
			_, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{})
			checkOnly(t, err, tt.want)
			if n := rec.count(); n != 1 {
				t.Errorf("server received %d requests, want 1 (no retry on an HTTP answer)", n)
			}
		})
	}
}

func TestNoRetryWithoutTimeLeft(t *testing.T) {
	// A 60 ms deadline leaves no room for a 20-100 ms pause and a useful
	// second attempt.
	var obs attempts
	c := newClient(t, refusedURL(t), apiclient.WithObserver(obs.observe), apiclient.WithTimeout(60*time.Millisecond))
	_, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{})
	checkOnly(t, err, apiclient.ErrUnreachable)
	if n := len(obs.get()); n != 1 {
		t.Errorf("%d attempts with 60 ms left, want 1", n)
	}
}

func TestNoRetryAfterCallerCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	var n atomic.Int32
	// The caller goes away right after the first attempt failed to connect.
	refused := roundTripFunc(func(*http.Request) (*http.Response, error) {
		n.Add(1)
		cancel()
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	})
	c := newClient(t, "http://explorer.invalid", apiclient.WithHTTPClient(&http.Client{Transport: refused}))
	_, err := c.GetJob(ctx, testToken, 1)
	if err == nil {
		t.Fatal("call to a refused port succeeded")
	}
	if got := n.Load(); got != 1 {
		t.Errorf("%d attempts after the caller cancelled, want 1", got)
	}
}

func TestObserverSeesEachAttempt(t *testing.T) {
	var obs attempts
	c, _, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api-open/v1/jobs/404" {
			w.WriteHeader(404)
			io.WriteString(w, `{"code":40404000,"message":"no such job"}`)
			return
		}
		io.WriteString(w, okBody)
	}, apiclient.WithObserver(obs.observe))
	if _, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetJob(ctxT(t), testToken, 404); !errors.Is(err, apiclient.ErrNotFound) {
		t.Fatalf("GetJob(404) = %v, want ErrNotFound", err)
	}
	// Refused locally: no attempt.
	if _, err := c.GetJob(ctxT(t), testToken, -1); !errors.Is(err, apiclient.ErrBadParam) {
		t.Fatalf("GetJob(-1) = %v, want ErrBadParam", err)
	}
	if _, err := c.ListJobs(ctxT(t), "", apiclient.ListQuery{}); !errors.Is(err, apiclient.ErrUnauthorized) {
		t.Fatalf("ListJobs without token = %v, want ErrUnauthorized", err)
	}
	got := obs.get()
	if len(got) != 2 {
		t.Fatalf("observed %+v, want 2 attempts", got)
	}
	if got[0].endpoint != "list jobs" || got[0].err != nil || got[0].d <= 0 {
		t.Errorf("first attempt %+v, want a successful \"list jobs\" with a duration", got[0])
	}
	if got[1].endpoint != "get job" || !errors.Is(got[1].err, apiclient.ErrNotFound) {
		t.Errorf("second attempt %+v, want \"get job\" with ErrNotFound", got[1])
	}
}

// switchServer answers 503 with an internal-error envelope while healthy
// is false, okBody once it is true.
func switchServer(t *testing.T, opts ...apiclient.Option) (*apiclient.Client, *recorder, *atomic.Bool) {
	t.Helper()
	var healthy atomic.Bool
	c, rec, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		if !healthy.Load() {
			// A proxy's error page: Explorer is down, no envelope.
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(503)
			io.WriteString(w, `<html><body>503 Service Unavailable</body></html>`)
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
		checkOnly(t, err, apiclient.ErrBadResponse)
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
	checkOnly(t, err, apiclient.ErrBadResponse)
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
			io.WriteString(w, `Internal Server Error`)
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
		checkOnly(t, err, apiclient.ErrBadResponse)
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

// roundTripFunc is an http.RoundTripper answering with a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestObserverHookGivesTheCallsContextAndOutcome checks the Observer's
// context is the one the call is made with (its traceparent is sent), and
// that the finished Call tells the endpoint, status and outcome, with no
// attempt when the open circuit refused it.
func TestObserverHookGivesTheCallsContextAndOutcome(t *testing.T) {
	const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	var mu sync.Mutex
	var calls []apiclient.Call
	hook := func(ctx context.Context, endpoint string) (context.Context, func(apiclient.Call)) {
		return apiclient.WithTraceparent(ctx, tp), func(c apiclient.Call) {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, c)
		}
	}
	c, rec, healthy := switchServer(t, apiclient.WithBreaker(apiclient.BreakerConfig{Failures: 1, OpenFor: time.Hour}), apiclient.WithObserver(hook))
	healthy.Store(true)
	if _, err := c.GetJob(ctxT(t), testToken, 1); err != nil {
		t.Fatal(err)
	}
	healthy.Store(false)
	if _, err := c.GetJob(ctxT(t), testToken, 1); !errors.Is(err, apiclient.ErrBadResponse) {
		t.Fatalf("failing Explorer: %v, want ErrBadResponse", err)
	}
	if _, err := c.GetJob(ctxT(t), testToken, 1); !errors.Is(err, apiclient.ErrCircuitOpen) {
		t.Fatalf("open circuit: %v, want ErrCircuitOpen", err)
	}
	rec.mu.Lock()
	reqs := append([]captured(nil), rec.reqs...)
	rec.mu.Unlock()
	if len(reqs) != 2 || reqs[0].Header.Get("Traceparent") != tp {
		t.Fatalf("Explorer got %d requests; want 2 carrying the hook's traceparent %q", len(reqs), tp)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 3 {
		t.Fatalf("hook told of %d calls, want 3", len(calls))
	}
	for i, want := range []struct {
		status, attempts int
		err              error
	}{{200, 1, nil}, {503, 1, apiclient.ErrBadResponse}, {0, 0, apiclient.ErrCircuitOpen}} {
		got := calls[i]
		if got.Endpoint != "get job" || len(got.Attempts) != want.attempts || (want.err == nil) != (got.Err == nil) || (want.err != nil && !errors.Is(got.Err, want.err)) {
			t.Errorf("call %d = %+v, want endpoint \"get job\", %d attempts, error %v", i, got, want.attempts, want.err)
			continue
		}
		if want.attempts > 0 && (got.Attempts[0].Status != want.status || got.Duration <= 0) {
			t.Errorf("call %d: status %d, duration %s; want %d and a duration", i, got.Attempts[0].Status, got.Duration, want.status)
		}
	}
}

// TestEnvelopesDoNotOpenTheBreaker checks that one reader whose token
// makes Explorer answer error envelopes (50004000, HTTP 500) again and
// again leaves the circuit closed for everyone else: an answered envelope
// is Explorer up. Garbage on a 5xx still counts.
func TestEnvelopesDoNotOpenTheBreaker(t *testing.T) {
	const badToken apiclient.Token = "token-that-explorer-chokes-on"
	var garbage atomic.Bool
	c, _, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case garbage.Load():
			w.WriteHeader(502)
			io.WriteString(w, "Bad Gateway")
		case strings.Contains(r.Header.Get("Cookie"), string(badToken)):
			w.WriteHeader(500)
			io.WriteString(w, `{"code":50004000,"message":"internal error"}`)
		default:
			io.WriteString(w, okBody)
		}
	}, tinyBreaker())
	for range 10 {
		if _, err := c.ListJobs(ctxT(t), badToken, apiclient.ListQuery{}); !errors.Is(err, apiclient.ErrUpstream) {
			t.Fatalf("failing token: %v, want ErrUpstream", err)
		}
	}
	if st := c.BreakerState(); st != apiclient.BreakerClosed {
		t.Errorf("breaker %s after one token's error envelopes, want closed", st)
	}
	if _, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{}); err != nil {
		t.Errorf("another reader after one token's error envelopes: %v, want an answer", err)
	}
	garbage.Store(true)
	for range 3 {
		_, _ = c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{})
	}
	if st := c.BreakerState(); st != apiclient.BreakerOpen {
		t.Errorf("breaker %s after three 502s without an envelope, want open", st)
	}
}
