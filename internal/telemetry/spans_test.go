package telemetry

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"jobboard/internal/middleware"
)

// TestSamplerFromEnvironment checks the SDK's OTEL_TRACES_SAMPLER decides
// what is recorded: always_off records nothing (and the traceparent says
// not sampled), the default records the request's server span.
func TestSamplerFromEnvironment(t *testing.T) {
	for _, tc := range []struct {
		sampler   string
		wantFlags string
		wantSpans bool
	}{
		{"", "01", true},
		{"always_off", "00", false},
	} {
		t.Run("sampler="+tc.sampler, func(t *testing.T) {
			t.Setenv("OTEL_TRACES_SAMPLER", tc.sampler)
			var bodies atomic.Int32
			var spans atomic.Int32
			collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				bodies.Add(1)
				spans.Add(int32(strings.Count(string(b), `"spanId"`)))
			}))
			defer collector.Close()
			exp, err := NewExporter(collector.URL, WithInterval(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			gin.SetMode(gin.ReleaseMode)
			r := gin.New()
			r.Use(middleware.RequestID(), Requests(RequestOptions{Tracer: NewTracerProvider(exp)}))
			r.GET("/x", func(c *gin.Context) { c.String(http.StatusOK, "ok") })
			w := httptest.NewRecorder()
			r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/x", nil))
			tp := w.Header().Get("Traceparent")
			if _, flags, ok := ParseTraceparent(tp); !ok || flags != tc.wantFlags {
				t.Errorf("traceparent %q, want flags %s", tp, tc.wantFlags)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := exp.Shutdown(ctx); err != nil {
				t.Fatal(err)
			}
			if got := spans.Load() > 0; got != tc.wantSpans {
				t.Errorf("spans exported: %d in %d requests; want some: %v", spans.Load(), bodies.Load(), tc.wantSpans)
			}
		})
	}
}
