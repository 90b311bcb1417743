package middleware

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestHeadAsGetServesTheGetWithoutBody: the wrapped handler sees GET, the
// client gets its status and headers and no body; other methods pass as
// they are.
func TestHeadAsGetServesTheGetWithoutBody(t *testing.T) {
	var seen string
	h := HeadAsGet(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Method
		w.Header().Set("X-Page", "jobs")
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, "body")
		_ = http.NewResponseController(w).Flush()
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/jobs", nil))
	if seen != http.MethodGet || rec.Code != http.StatusTeapot || rec.Header().Get("X-Page") != "jobs" || rec.Body.Len() != 0 {
		t.Errorf("HEAD: handler saw %s; answer %d %q, body %q", seen, rec.Code, rec.Header().Get("X-Page"), rec.Body.String())
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPut, "/jobs", nil))
	if seen != http.MethodPut || rec.Body.String() != "body" {
		t.Errorf("PUT: handler saw %s, body %q", seen, rec.Body.String())
	}
}
