package static

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAssetsServedUnderHashedImmutableURLs(t *testing.T) {
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	u := a.URL("htmx.min.js")
	if !strings.HasPrefix(u, Prefix+"htmx.min.") || !strings.HasSuffix(u, ".js") || u == Prefix+"htmx.min.js" {
		t.Fatalf("URL(htmx.min.js) = %q, want a content-hashed name under %s", u, Prefix)
	}
	srv := serve(t, a)

	res, err := http.Get(srv.URL + u)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", u, res.StatusCode)
	}
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("Cache-Control = %q, want immutable", cc)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("Content-Type = %q, want text/javascript", ct)
	}
	if !strings.Contains(string(body), `version="4.0.1"`) {
		t.Errorf("served body is not the vendored htmx")
	}

	for _, p := range []string{Prefix + "htmx.min.js", Prefix + "nope.js", Prefix + "../static.go"} {
		res, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404 (only hashed names are served)", p, res.StatusCode)
		}
	}
}

// serve serves a's assets on loopback; a miss is a bare 404 here (the
// dashboard answers it with its own page).
func serve(t *testing.T, a *Assets) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.Serve(w, r) {
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}
