package middleware

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestBodyLimit(t *testing.T) {
	const limit = 1 << 10
	for _, tc := range []struct {
		name        string
		body        string
		contentType string
		chunked     bool
		wantStatus  int
		wantErr     error
	}{
		{"small form", "a=1", "application/x-www-form-urlencoded", false, http.StatusOK, nil},
		{"form over the cap", "a=" + strings.Repeat("x", limit), "application/x-www-form-urlencoded", false, http.StatusTeapot, ErrTooLarge},
		{"chunked form over the cap", "a=" + strings.Repeat("x", limit), "application/x-www-form-urlencoded", true, http.StatusTeapot, ErrTooLarge},
		{"malformed form", "a=%zz", "application/x-www-form-urlencoded", false, http.StatusTeapot, ErrBadForm},
		{"other body over the cap, read by the handler", strings.Repeat("x", 2*limit), "text/plain", true, http.StatusInternalServerError, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ref refusal
			req := newRequest(http.MethodPost, "/", tc.body)
			req.Header.Set("Content-Type", tc.contentType)
			if tc.chunked {
				req.ContentLength = -1
				req.Body = io.NopCloser(strings.NewReader(tc.body))
			}
			w := serve(t, req, BodyLimit(limit, ref.onError))
			if w.Code != tc.wantStatus {
				t.Errorf("status %d, want %d", w.Code, tc.wantStatus)
			}
			if tc.wantErr != nil && !errors.Is(ref.err, tc.wantErr) {
				t.Errorf("refused with %v, want %v", ref.err, tc.wantErr)
			}
			if tc.wantErr == nil && ref.err != nil {
				t.Errorf("refused with %v, want it served", ref.err)
			}
		})
	}
}
