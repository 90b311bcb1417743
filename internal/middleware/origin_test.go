package middleware

import (
	"errors"
	"net/http"
	"testing"
)

func TestSameOrigin(t *testing.T) {
	for _, tc := range []struct {
		name, method, site, origin string
		refused                    bool
	}{
		{"same-origin POST", http.MethodPost, "same-origin", "", false},
		{"cross-site POST", http.MethodPost, "cross-site", "", true},
		{"POST from another Origin", http.MethodPost, "", "http://evil.example", true},
		{"POST from our own Origin", http.MethodPost, "", "http://example.com", false},
		{"cross-site GET", http.MethodGet, "cross-site", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ref refusal
			req := newRequest(tc.method, "http://example.com/", "")
			if tc.site != "" {
				req.Header.Set("Sec-Fetch-Site", tc.site)
			}
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			w := serve(t, req, SameOrigin(ref.onError))
			if got := errors.Is(ref.err, ErrCrossOrigin); got != tc.refused || (w.Code == http.StatusOK) == tc.refused {
				t.Errorf("status %d, error %v; want refused=%v", w.Code, ref.err, tc.refused)
			}
		})
	}
}
