package middleware

import (
	"bufio"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestCompressedStreamFlushes checks a streamed answer stays a stream:
// what the handler flushed can be decompressed by the client before the
// handler writes more.
func TestCompressedStreamFlushes(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(newCompressor(DefaultCompressLevel, DefaultCompressMinSize).handle)
	proceed := make(chan struct{})
	r.GET("/stream", func(c *gin.Context) {
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Status(http.StatusOK)
		_, _ = io.WriteString(c.Writer, "first,page\n")
		c.Writer.Flush()
		<-proceed
		_, _ = io.WriteString(c.Writer, strings.Repeat("second,page\n", 200))
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/stream", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		close(proceed)
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.Header.Get("Content-Encoding") != "gzip" {
		close(proceed)
		t.Fatalf("Content-Encoding %q, want gzip", res.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		close(proceed)
		t.Fatal(err)
	}
	line, err := bufio.NewReader(io.LimitReader(zr, int64(len("first,page\n")))).ReadString('\n')
	if line != "first,page\n" {
		close(proceed)
		t.Fatalf("first flushed line %q (%v), want it before the handler goes on", line, err)
	}
	close(proceed)
	rest, err := io.ReadAll(zr)
	if err != nil || string(rest) != strings.Repeat("second,page\n", 200) {
		t.Fatalf("rest of the stream: %d bytes, %v", len(rest), err)
	}
}

// TestCompressorSlotsBounded checks that when every gzip slot is taken a
// response goes out plain (and whole) instead of waiting or allocating
// another writer, and that slots come back when responses finish.
func TestCompressorSlotsBounded(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	z := newCompressor(DefaultCompressLevel, DefaultCompressMinSize)
	r := gin.New()
	r.Use(z.handle)
	page := strings.Repeat("<p>row</p>\n", 500)
	r.GET("/page", func(c *gin.Context) {
		c.Header("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(c.Writer, page)
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	// get returns the answer's Content-Encoding and its body as a client
	// reads it (decompressed).
	get := func() (string, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/page", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body io.Reader = res.Body
		ce := res.Header.Get("Content-Encoding")
		if ce == "gzip" {
			if body, err = gzip.NewReader(res.Body); err != nil {
				t.Fatalf("not gzip: %v", err)
			}
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatalf("read the page: %v", err)
		}
		return ce, string(b)
	}
	for range cap(z.slots) {
		z.slots <- struct{}{}
	}
	if ce, body := get(); ce != "" || body != page {
		t.Errorf("all slots taken: Content-Encoding %q, %d bytes; want the page plain", ce, len(body))
	}
	for range cap(z.slots) {
		<-z.slots
	}
	for range 2 * cap(z.slots) {
		if ce, body := get(); ce != "gzip" || body != page {
			t.Fatalf("free slots: Content-Encoding %q; want the page gzipped", ce)
		}
	}
	if len(z.slots) != 0 {
		t.Errorf("%d slots still taken after the responses ended", len(z.slots))
	}
}
