package middleware

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

func TestRecoverLogsAndAnswers(t *testing.T) {
	var logs bytes.Buffer
	var ref refusal
	log := slog.New(slog.NewTextHandler(&logs, nil))
	req := newRequest(http.MethodGet, "/panic", "")
	req.Header.Set("Authorization", "Bearer header-secret")
	w := serve(t, req, RequestID(), Recover(log, ref.onError))
	if w.Code != http.StatusTeapot || !errors.Is(ref.err, ErrPanic) {
		t.Fatalf("status %d, error %v; want the ErrorFunc's answer to ErrPanic", w.Code, ref.err)
	}
	id := w.Header().Get("X-Request-ID")
	line := logs.String()
	if id == "" || !strings.Contains(line, "request_id="+id) || !strings.Contains(line, "boom") || !strings.Contains(line, "level=ERROR") {
		t.Errorf("log %q: want an error line with the request ID %q and the panic", line, id)
	}
	if strings.Contains(line, "header-secret") {
		t.Error("headers dumped in the log")
	}
}

func TestRequestIDsDiffer(t *testing.T) {
	a := serve(t, newRequest(http.MethodGet, "/", ""), RequestID()).Header().Get("X-Request-ID")
	b := serve(t, newRequest(http.MethodGet, "/", ""), RequestID()).Header().Get("X-Request-ID")
	if len(a) != 16 || len(b) != 16 || a == b {
		t.Errorf("request IDs %q, %q: want two different 16-digit IDs", a, b)
	}
}
