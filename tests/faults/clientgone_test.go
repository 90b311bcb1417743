package faults

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// TestClientGoneCancelsUpstream: when the browser gives up, the dashboard
// cancels its call to Explorer at once instead of holding it until the
// call's own deadline.
func TestClientGoneCancelsUpstream(t *testing.T) {
	e := newEnv(t, noBreaker())
	b := e.signedIn(t)
	list := e.listURL(t, b, e.workflow.Name)

	const clientGivesUp = 100 * time.Millisecond
	ended := make(chan time.Time, 1)
	e.up.set(&fault{match: isList, serve: func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-e.up.closing:
		}
		select {
		case ended <- time.Now():
		default: // only the first call is timed
		}
	}})
	defer e.up.set(nil)

	ctx, cancel := context.WithTimeout(context.Background(), clientGivesUp)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.App.URL+list, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	resp, err := b.Client.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("the request was answered (%d) although Explorer hangs", resp.StatusCode)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("client error %v, want its deadline", err)
	}
	select {
	case at := <-ended:
		after := at.Sub(start)
		t.Logf("browser gave up after %s; Explorer's request ended after %s (call deadline %s)", clientGivesUp, after.Round(time.Millisecond), callTimeout)
		if after >= callTimeout-100*time.Millisecond {
			t.Errorf("Explorer's request ended after %s: not cancelled with the browser's request (%s), only by the call deadline", after, clientGivesUp)
		}
	case <-time.After(2 * callTimeout):
		t.Fatal("Explorer's request never ended")
	}
	e.up.set(nil)
	checkRecovered(t, e, b, list)
}
