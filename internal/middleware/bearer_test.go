package middleware

import (
	"net/http"
	"testing"
)

func TestBearerToken(t *testing.T) {
	for _, tc := range []struct {
		auth string
		want int
	}{
		{"Bearer s3cret", http.StatusOK},
		{"", http.StatusUnauthorized},
		{"Bearer wrong", http.StatusUnauthorized},
		{"Basic s3cret", http.StatusUnauthorized},
		{"Bearer s3cret2", http.StatusUnauthorized},
	} {
		req := newRequest(http.MethodGet, "/", "")
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		w := serve(t, req, BearerToken("s3cret"))
		if w.Code != tc.want || (w.Code == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "") {
			t.Errorf("Authorization %q: status %d, want %d (with WWW-Authenticate when refused)", tc.auth, w.Code, tc.want)
		}
	}
}
