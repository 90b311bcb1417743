package apiclient_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"jobboard/apiclient"
)

// testToken is the token every authenticated call sends in these tests.
const testToken apiclient.Token = "eyJhbGciOiJIUzI1NiJ9.test-token.sig"

// captured is what the fake Explorer saw of one request.
type captured struct {
	Method      string
	EscapedPath string
	RawQuery    string
	Header      http.Header
	Cookies     []*http.Cookie
	Body        []byte
}

// recorder remembers the requests a test server received.
type recorder struct {
	mu   sync.Mutex
	reqs []captured
}

func (rec *recorder) add(r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.reqs = append(rec.reqs, captured{
		Method:      r.Method,
		EscapedPath: r.URL.EscapedPath(),
		RawQuery:    r.URL.RawQuery,
		Header:      r.Header.Clone(),
		Cookies:     r.Cookies(),
		Body:        body,
	})
}

func (rec *recorder) count() int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return len(rec.reqs)
}

// only returns the single request received, failing the test otherwise.
func (rec *recorder) only(t *testing.T) captured {
	t.Helper()
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.reqs) != 1 {
		t.Fatalf("server received %d requests, want 1", len(rec.reqs))
	}
	return rec.reqs[0]
}

// serveFunc starts a loopback server running h after recording each
// request, and a Client for it built with opts.
func serveFunc(t *testing.T, h http.HandlerFunc, opts ...apiclient.Option) (*apiclient.Client, *recorder, *httptest.Server) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return newClient(t, srv.URL, opts...), rec, srv
}

// newClient builds a Client for url and closes its idle connections when
// the test ends (goleak checks that nothing is left running).
func newClient(t *testing.T, url string, opts ...apiclient.Option) *apiclient.Client {
	t.Helper()
	c, err := apiclient.New(url, opts...)
	if err != nil {
		t.Fatalf("New(%q): %v", url, err)
	}
	t.Cleanup(c.Close)
	return c
}

// serve starts a server that answers every request with status, body and
// the given header key/value pairs.
func serve(t *testing.T, status int, body string, headerKV ...string) (*apiclient.Client, *recorder) {
	t.Helper()
	c, rec, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headerKV); i += 2 {
			w.Header().Add(headerKV[i], headerKV[i+1])
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	})
	return c, rec
}

// ctxT returns a context that ends with the test (bounded, so a hung call
// fails the test instead of the whole run).
func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// checkAuthed asserts the parts common to every token-authenticated call.
func checkAuthed(t *testing.T, got captured, method, path, contentType string) {
	t.Helper()
	if got.Method != method {
		t.Errorf("method = %s, want %s", got.Method, method)
	}
	if got.EscapedPath != path {
		t.Errorf("path = %s, want %s", got.EscapedPath, path)
	}
	if ct := got.Header.Get("Content-Type"); ct != contentType {
		t.Errorf("Content-Type = %q, want %q", ct, contentType)
	}
	if h := got.Header.Values("Cookie"); len(h) != 1 || h[0] != "explorer_token="+testToken.Reveal() {
		t.Errorf("Cookie header = %q, want exactly explorer_token=<token>", h)
	}
	if len(got.Cookies) != 1 || got.Cookies[0].Name != "explorer_token" || got.Cookies[0].Value != testToken.Reveal() {
		t.Errorf("cookies = %v, want only explorer_token", got.Cookies)
	}
	if a := got.Header.Get("Authorization"); a != "" {
		t.Errorf("Authorization = %q, want none on a token call", a)
	}
}

// splitQuery decodes a raw query into its filter object (numbers kept as
// json.Number; nil when there is no filter) and the remaining parameters.
func splitQuery(t *testing.T, raw string) (map[string]any, url.Values) {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatalf("query %q does not parse: %v", raw, err)
	}
	var filter map[string]any
	if fs, ok := v["filter"]; ok {
		if len(fs) != 1 {
			t.Fatalf("filter given %d times", len(fs))
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(fs[0])))
		dec.UseNumber()
		if err := dec.Decode(&filter); err != nil {
			t.Fatalf("filter %q is not a JSON object: %v", fs[0], err)
		}
		delete(v, "filter")
	}
	return filter, v
}

// ms is a time from epoch milliseconds, in UTC like the client returns.
func ms(n int64) time.Time { return time.UnixMilli(n).UTC() }

func statusPtr(s apiclient.Status) *apiclient.Status { return &s }
