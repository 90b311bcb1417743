package middleware

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

func TestSecurityHeaders(t *testing.T) {
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Add("Cache-Control", "private") // an append must not touch the shared value
		w.WriteHeader(http.StatusNotFound)
	})
	for _, tc := range []struct {
		name     string
		opts     SecurityHeadersOptions
		tls      bool
		wantHSTS bool
	}{
		{"plain HTTP", SecurityHeadersOptions{}, false, false},
		{"plain HTTP behind a TLS proxy", SecurityHeadersOptions{HSTS: true}, false, true},
		{"TLS", SecurityHeadersOptions{}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := SecurityHeaders(next, tc.opts)
			for range 2 {
				req := httptest.NewRequest(http.MethodGet, "/", nil)
				if tc.tls {
					req.TLS = &tls.ConnectionState{}
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				hd := w.Header()
				for k, v := range map[string]string{
					"Content-Security-Policy": ContentSecurityPolicy, "X-Content-Type-Options": "nosniff",
					"Referrer-Policy": "same-origin", "X-Frame-Options": "DENY", "Cross-Origin-Opener-Policy": "same-origin",
				} {
					if hd.Get(k) != v {
						t.Errorf("%s = %q, want %q", k, hd.Get(k), v)
					}
				}
				if cc := hd.Values("Cache-Control"); len(cc) != 2 || cc[0] != "no-store" {
					t.Errorf("Cache-Control %q, want no-store then the handler's own", cc)
				}
				if got := hd.Get("Strict-Transport-Security") != ""; got != tc.wantHSTS {
					t.Errorf("HSTS sent: %v, want %v", got, tc.wantHSTS)
				}
			}
		})
	}
}

// TestAddValueLeavesSharedValue checks that a shared header value is
// assigned as it is where the header is absent, and appended after the
// values already there otherwise, without ever being written into: later
// responses sharing it see it unchanged.
func TestAddValueLeavesSharedValue(t *testing.T) {
	shared := SharedValue("Accept-Encoding")
	first, second := http.Header{}, http.Header{}
	AddValue(first, "Vary", shared)
	AddValue(first, "Vary", SharedValue("HX-Request"))
	first.Add("Vary", "Cookie")
	second.Add("Vary", "Origin")
	AddValue(second, "Vary", shared)
	// Another response starting from the same shared value appends
	// something else: the first keeps its own.
	third := http.Header{}
	AddValue(third, "Vary", shared)
	AddValue(third, "Vary", SharedValue("Origin"))
	for _, tc := range []struct {
		h    http.Header
		want []string
	}{
		{first, []string{"Accept-Encoding", "HX-Request", "Cookie"}},
		{second, []string{"Origin", "Accept-Encoding"}},
		{third, []string{"Accept-Encoding", "Origin"}},
	} {
		if got := tc.h.Values("Vary"); !slices.Equal(got, tc.want) {
			t.Errorf("Vary = %q, want %q", got, tc.want)
		}
	}
	if !slices.Equal(shared, []string{"Accept-Encoding"}) {
		t.Errorf("the shared value became %q", shared)
	}
}
