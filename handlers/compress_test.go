package handlers

import (
	"bufio"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// rawGet fetches path with the browser's cookies but a transport that
// neither asks for nor decompresses gzip by itself, so the test sees the
// bytes on the wire.
func (e *testEnv) rawGet(t *testing.T, c *http.Client, path, acceptEncoding string, headers ...string) answer {
	t.Helper()
	raw := &http.Client{Jar: c.Jar, Transport: &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if acceptEncoding != "" {
		headers = append(headers, "Accept-Encoding", acceptEncoding)
	}
	return e.get(t, raw, path, headers...)
}

func gunzip(t *testing.T, body string) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("bad gzip stream: %v", err)
	}
	return string(b)
}

func varies(h http.Header, name string) bool {
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), name) {
				return true
			}
		}
	}
	return false
}

// TestCompressedPages checks pages and fragments are gzipped for clients
// that accept it, carry the same document, and say they vary.
func TestCompressedPages(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	for _, tc := range []struct {
		name    string
		headers []string
	}{
		{"page", nil},
		{"fragment", []string{"HX-Request", "true", "HX-Request-Type", "partial"}},
	} {
		path := "/workflows/" + wf.ID + "/jobs"
		plain := e.rawGet(t, c, path, "", tc.headers...)
		zipped := e.rawGet(t, c, path, "gzip, deflate, br", tc.headers...)
		if plain.status != http.StatusOK || zipped.status != http.StatusOK {
			t.Fatalf("%s: status %d / %d", tc.name, plain.status, zipped.status)
		}
		if ce := plain.header.Get("Content-Encoding"); ce != "" {
			t.Errorf("%s without Accept-Encoding: Content-Encoding %q", tc.name, ce)
		}
		if ce := zipped.header.Get("Content-Encoding"); ce != "gzip" {
			t.Fatalf("%s with Accept-Encoding gzip: Content-Encoding %q, want gzip", tc.name, ce)
		}
		if !varies(plain.header, "Accept-Encoding") || !varies(zipped.header, "Accept-Encoding") || !varies(zipped.header, "HX-Request") {
			t.Errorf("%s: Vary %q / %q, want Accept-Encoding and the htmx headers", tc.name, plain.header.Values("Vary"), zipped.header.Values("Vary"))
		}
		unzipped := gunzip(t, zipped.body)
		if len(zipped.body) >= len(unzipped)/3 {
			t.Errorf("%s: %d bytes gzipped of %d", tc.name, len(zipped.body), len(unzipped))
		}
		got, want := rowIDs(t, parseHTML(t, unzipped)), rowIDs(t, parseHTML(t, plain.body))
		if len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s: rows %v gzipped, %v plain", tc.name, got, want)
		}
	}
}

// TestSmallAndEncodedAnswersNotRecompressed checks a redirect's tiny body
// goes out plain and a precompressed asset is not compressed twice.
func TestSmallAndEncodedAnswersNotRecompressed(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	a := e.rawGet(t, c, "/workflows/"+wf.ID+"/jobs?page=1", "gzip")
	if a.status != http.StatusFound || a.header.Get("Content-Encoding") != "" {
		t.Errorf("redirect: status %d, Content-Encoding %q; want 302 plain", a.status, a.header.Get("Content-Encoding"))
	}
	page := e.get(t, c, "/workflows/"+wf.ID+"/jobs")
	css := ""
	for _, n := range byTag(parseHTML(t, page.body), "link") {
		if v, _ := attr(n, "rel"); v == "stylesheet" {
			css, _ = attr(n, "href")
		}
	}
	if css == "" {
		t.Fatal("no stylesheet link in the page")
	}
	zipped, plain := e.rawGet(t, c, css, "gzip"), e.rawGet(t, c, css, "")
	if zipped.header.Get("Content-Encoding") != "gzip" || gunzip(t, zipped.body) != plain.body || plain.body == "" {
		t.Errorf("stylesheet: Content-Encoding %q; decompressed once it must equal the plain file", zipped.header.Get("Content-Encoding"))
	}
}

// TestCompressedStreamFlushes checks a streamed answer stays a stream:
// what the handler flushed can be decompressed by the client before the
// handler writes more.
func TestCompressedStreamFlushes(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(newCompressor(compressLevel, compressMinSize).handle)
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
	z := newCompressor(compressLevel, compressMinSize)
	r := gin.New()
	r.Use(z.handle)
	page := strings.Repeat("<p>row</p>\n", 500)
	r.GET("/page", func(c *gin.Context) {
		c.Header("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(c.Writer, page)
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	get := func() (string, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/page", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.Header.Get("Content-Encoding"), string(b)
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
		if ce, body := get(); ce != "gzip" || gunzip(t, body) != page {
			t.Fatalf("free slots: Content-Encoding %q; want the page gzipped", ce)
		}
	}
	if len(z.slots) != 0 {
		t.Errorf("%d slots still taken after the responses ended", len(z.slots))
	}
}
