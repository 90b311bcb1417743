package middleware

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// TestInFlightQueuesThenSheds fills every slot with requests that block,
// then checks that the next request queues and is served once a slot
// frees, that one queuing past the wait is refused with ErrOverloaded and
// a Retry-After, and that skipped requests pass while every slot is held.
func TestInFlightQueuesThenSheds(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	var mu sync.Mutex
	var refused []error
	onError := func(c *gin.Context, err error) {
		mu.Lock()
		refused = append(refused, err)
		mu.Unlock()
		c.String(http.StatusServiceUnavailable, "busy")
	}
	release := make(chan struct{})
	started := make(chan struct{}, 8)
	r := gin.New()
	r.Use(InFlight(InFlightOptions{Limit: 2, Wait: 300 * time.Millisecond, RetryAfter: 1500 * time.Millisecond,
		Skip: func(r *http.Request) bool { return r.URL.Path == "/healthz" }}, onError))
	r.GET("/slow", func(c *gin.Context) {
		started <- struct{}{}
		<-release
		c.String(http.StatusOK, "ok")
	})
	r.GET("/fast", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	r.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		return w
	}

	var wg sync.WaitGroup
	slow := make([]*httptest.ResponseRecorder, 2)
	for i := range slow {
		wg.Go(func() { slow[i] = get("/slow") })
	}
	<-started
	<-started // both slots held

	if w := get("/healthz"); w.Code != http.StatusOK {
		t.Errorf("skipped request while every slot is held: status %d, want 200", w.Code)
	}
	shed := get("/fast") // queues for the whole wait: shed
	if shed.Code != http.StatusServiceUnavailable {
		t.Errorf("request queued past the wait: status %d, want 503", shed.Code)
	}
	if got := shed.Header().Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After %q, want \"2\" (1.5 s rounded up)", got)
	}
	mu.Lock()
	if len(refused) != 1 || !errors.Is(refused[0], ErrOverloaded) {
		t.Errorf("refusals %v, want one ErrOverloaded", refused)
	}
	mu.Unlock()

	queued := make(chan *httptest.ResponseRecorder)
	go func() { queued <- get("/fast") }()
	time.Sleep(50 * time.Millisecond) // it queues
	close(release)                    // the slow ones finish; the queued one gets a slot
	if w := <-queued; w.Code != http.StatusOK {
		t.Errorf("request queued while a slot freed: status %d, want 200", w.Code)
	}
	wg.Wait()
	for i, w := range slow {
		if w.Code != http.StatusOK {
			t.Errorf("slow request %d: status %d, want 200", i, w.Code)
		}
	}
}

// TestInFlightClientGone checks that a request whose client goes away
// while it queues gets no answer and frees nothing it did not hold.
func TestInFlightClientGone(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	var ref refusal
	mw := InFlight(InFlightOptions{Limit: 1, Wait: time.Minute}, ref.onError)
	hold, held := make(chan struct{}), make(chan struct{})
	r := gin.New()
	r.Use(mw)
	r.GET("/hold", func(c *gin.Context) { close(held); <-hold; c.String(http.StatusOK, "ok") })
	r.GET("/", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
	go r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/hold", nil))
	<-held
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	ctx, cancel := context.WithCancel(req.Context())
	cancel()
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req.WithContext(ctx))
	close(hold)
	if ref.err != nil || w.Body.Len() != 0 {
		t.Errorf("gone client: refused with %v, body %q; want neither", ref.err, w.Body)
	}
}
