package telemetry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"jobboard/apiclient"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRecordedValuesAreServed(t *testing.T) {
	m := NewMetrics("1.0.0", "abc")
	m.ObserveRequest("/jobs/:id", "GET", 200, 30*time.Millisecond)
	m.ObserveRequest("/jobs/:id", "GET", 200, 10*time.Millisecond)
	m.ObserveUpstream("get job", 5*time.Millisecond, fmt.Errorf("get job: %w", apiclient.ErrTimeout))
	m.SignIn("token", "rate-limited")
	state := apiclient.BreakerHalfOpen
	m.WatchBreaker(func() string { return state })
	body := scrape(t, m)
	for _, want := range []string{
		`jobboard_http_requests_total{method="GET",route="/jobs/:id",status="200"} 2`,
		`jobboard_http_request_duration_seconds_count{method="GET",route="/jobs/:id"} 2`,
		`jobboard_upstream_calls_total{endpoint="get job",outcome="timeout"} 1`,
		`jobboard_upstream_call_duration_seconds_count{endpoint="get job",outcome="timeout"} 1`,
		`jobboard_sign_ins_total{method="token",outcome="rate-limited"} 1`,
		`jobboard_upstream_circuit_breaker_state{state="half-open"} 1`,
		`jobboard_upstream_circuit_breaker_state{state="closed"} 0`,
		`jobboard_build_info{commit="abc",version="1.0.0"} 1`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("metrics lack %q", want)
		}
	}
	state = apiclient.BreakerOpen
	if body := scrape(t, m); !strings.Contains(body, `jobboard_upstream_circuit_breaker_state{state="open"} 1`) {
		t.Error("the breaker gauge does not follow the state at scrape time")
	}
}

func TestOutcome(t *testing.T) {
	for err, want := range map[error]string{
		nil:                                       "ok",
		apiclient.ErrUnauthorized:                 "unauthorized",
		apiclient.ErrNotFound:                     "not_found",
		apiclient.ErrUnreachable:                  "unreachable",
		apiclient.ErrUpstream:                     "upstream_error",
		apiclient.ErrBadResponse:                  "bad_response",
		apiclient.ErrBadParam:                     "bad_param",
		apiclient.ErrForbidden:                    "forbidden",
		context.Canceled:                          "canceled",
		errors.New("something else"):              "error",
		fmt.Errorf("x: %w", apiclient.ErrTimeout): "timeout",
	} {
		if got := Outcome(err); got != want {
			t.Errorf("Outcome(%v) = %q, want %q", err, got, want)
		}
	}
}

func TestPollersExpireAndAreBounded(t *testing.T) {
	p := &pollers{until: map[string]time.Time{}}
	now := time.Now()
	p.add("a", now.Add(time.Second), now)
	p.add("b", now.Add(time.Minute), now)
	p.add("a", now.Add(2*time.Second), now) // the same client again
	if n := p.count(now); n != 2 {
		t.Errorf("count = %d, want 2", n)
	}
	if n := p.count(now.Add(3 * time.Second)); n != 1 {
		t.Errorf("after a's expiry: count = %d, want 1", n)
	}
	for i := range maxPollers + 10 {
		p.add(fmt.Sprint("k", i), now.Add(time.Hour+time.Duration(i)), now)
	}
	if n := p.count(now); n != maxPollers {
		t.Errorf("count = %d, want the cap %d", n, maxPollers)
	}
}

func TestNilMetricsRecordNothing(t *testing.T) {
	var m *Metrics
	m.ObserveRequest("/", "GET", 200, time.Millisecond)
	m.ObserveUpstream("list jobs", time.Millisecond, nil)
	m.SignIn("password", "ok")
	m.Polled("id", time.Now().Add(time.Minute))
	m.WatchBreaker(func() string { return apiclient.BreakerClosed })
	if m.Registry() != nil {
		t.Error("nil Metrics has a registry")
	}
}
