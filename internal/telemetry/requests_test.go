package telemetry

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"jobboard/internal/middleware"
)

func TestParseTraceparent(t *testing.T) {
	const id, span = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	cases := []struct {
		in    string
		ok    bool
		flags string
	}{
		{"00-" + id + "-" + span + "-01", true, "01"},
		{" 00-" + id + "-" + span + "-00 ", true, "00"},
		{"01-" + id + "-" + span + "-01-extra", true, "01"}, // a later version may add fields
		{"00-" + id + "-" + span + "-01-extra", false, ""},  // version 00 may not
		{"ff-" + id + "-" + span + "-01", false, ""},
		{"00-" + strings.ToUpper(id) + "-" + span + "-01", false, ""},
		{"00-" + strings.Repeat("0", 32) + "-" + span + "-01", false, ""},
		{"00-" + id + "-" + strings.Repeat("0", 16) + "-01", false, ""},
		{"00-" + id[:31] + "-" + span + "-01", false, ""},
		{"00_" + id + "-" + span + "-01", false, ""},
		{"", false, ""},
	}
	for _, tc := range cases {
		tid, flags, ok := ParseTraceparent(tc.in)
		if ok != tc.ok || (ok && (tid != id || flags != tc.flags)) {
			t.Errorf("ParseTraceparent(%q) = %q, %q, %v; want ok=%v flags %q", tc.in, tid, flags, ok, tc.ok, tc.flags)
		}
	}
}

// TestRequestsLogAndCountMarkedPolls checks the request log line's fields
// and that only requests a handler marked with MarkPoll, answered 200,
// count their client as polling.
func TestRequestsLogAndCountMarkedPolls(t *testing.T) {
	var logs bytes.Buffer
	m := NewMetrics("test", "test")
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(middleware.RequestID(), Requests(RequestOptions{
		Logger: slog.New(slog.NewTextHandler(&logs, nil)), Metrics: m, PollInterval: time.Minute,
	}))
	r.GET("/items/:id", func(c *gin.Context) {
		if c.Query("poll") != "" {
			MarkPoll(c, "session-"+c.Query("poll"))
		}
		if c.Query("fail") != "" {
			c.Status(http.StatusBadGateway)
			return
		}
		c.String(http.StatusOK, "ok")
	})
	for _, target := range []string{"/items/1", "/items/2?poll=a", "/items/3?poll=a", "/items/4?poll=b&fail=1"} {
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, target, nil))
	}
	if n := m.pollers.count(time.Now()); n != 1 {
		t.Errorf("%d polling clients, want 1 (one client polled twice; a failed poll does not count)", n)
	}
	line := strings.SplitN(logs.String(), "\n", 2)[0]
	for _, want := range []string{"msg=request", "route=/items/:id", "status=200", "upstream_calls=0", "trace_id=", "request_id="} {
		if !strings.Contains(line, want) {
			t.Errorf("log line %q lacks %q", line, want)
		}
	}
	if strings.Contains(logs.String(), "session-") || strings.Contains(logs.String(), "/items/1") {
		t.Errorf("the log holds a raw path or a poller's key: %q", logs.String())
	}
}
