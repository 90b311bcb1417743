package static

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"testing"
)

// TestAssetsPrecompressed checks a client that accepts gzip gets the
// precompressed asset (the same bytes once decompressed, smaller on the
// wire), one that does not gets it plain, and both are told it varies.
func TestAssetsPrecompressed(t *testing.T) {
	a, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	srv := serve(t, a)
	plain, err := files.ReadFile("htmx.min.js")
	if err != nil {
		t.Fatal(err)
	}
	// reply is what a test reads of an answer, the body already closed.
	type reply struct {
		StatusCode    int
		Header        http.Header
		ContentLength int64
	}
	get := func(method, acceptEncoding string) (reply, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+a.URL("htmx.min.js"), nil)
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		// A transport that does not decompress by itself.
		res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return reply{res.StatusCode, res.Header, res.ContentLength}, body
	}

	res, body := get(http.MethodGet, "br, gzip;q=0.8")
	if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("Content-Encoding %q, Vary %q; want gzip, Accept-Encoding", res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unzipped, plain) {
		t.Fatalf("decompressed asset differs from the file (%v)", err)
	}
	if len(body)*2 > len(plain) {
		t.Errorf("gzipped htmx is %d bytes of %d; want well under half", len(body), len(plain))
	}

	for _, ae := range []string{"", "identity", "gzip;q=0", "br"} {
		res, body = get(http.MethodGet, ae)
		if res.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, plain) || res.Header.Get("Vary") != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, %d bytes, Vary %q; want the plain file", ae, res.Header.Get("Content-Encoding"), len(body), res.Header.Get("Vary"))
		}
	}
	res, body = get(http.MethodHead, "gzip")
	if res.StatusCode != http.StatusOK || len(body) != 0 || res.ContentLength <= 0 {
		t.Errorf("HEAD: status %d, %d body bytes, length %d", res.StatusCode, len(body), res.ContentLength)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "deflate, gzip": true, "gzip;q=0": false, "gzip; q=0.0": false,
		"gzip;q=0.5": true, "*": true, "*;q=0": false, "br": false, "identity, br;q=1": false, "x-gzip": false,
	} {
		if got := AcceptsGzip(header); got != want {
			t.Errorf("AcceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}
