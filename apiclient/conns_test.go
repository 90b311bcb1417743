package apiclient_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jobboard/apiclient"
)

// TestDefaultClientBoundsConnections checks that many concurrent calls
// share at most DefaultMaxConnsPerHost connections to Explorer (the rest
// queue), and all of them succeed.
func TestDefaultClientBoundsConnections(t *testing.T) {
	var open, peak atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"code":0,"message":"Success","data":{"items":[],"total":0,"Page":1,"PageSize":10}}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			n := open.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
		case http.StateClosed, http.StateHijacked:
			open.Add(-1)
		}
	}
	srv.Start()
	defer srv.Close()
	c, err := apiclient.New(srv.URL, apiclient.WithoutBreaker())
	if err != nil {
		t.Fatal(err)
	}
	const calls = apiclient.DefaultMaxConnsPerHost + 72
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range calls {
		wg.Go(func() {
			if _, err := c.ListJobs(context.Background(), testToken, apiclient.ListQuery{}); err != nil {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if failed.Load() != 0 {
		t.Errorf("%d of %d calls failed", failed.Load(), calls)
	}
	if p := peak.Load(); p > apiclient.DefaultMaxConnsPerHost {
		t.Errorf("%d connections open at once, want at most %d", p, apiclient.DefaultMaxConnsPerHost)
	}
}
