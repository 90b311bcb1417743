package testenv

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Browser is an HTTP client that behaves like one browser profile against
// one dashboard: its own cookie jar and, unless FollowRedirects, no
// redirect following, so a test sees each answer (a 303 after sign-in, a
// 302 to the canonical URL) as the browser got it.
type Browser struct {
	*http.Client
	Base string // the dashboard's base URL; paths are relative to it
}

// Answer is a response as the browser saw it, body read to the end.
type Answer struct {
	Status  int
	Header  http.Header
	Body    string
	Elapsed time.Duration // request sent → last body byte
}

// Cookies returns the cookies the answer set (its Set-Cookie headers).
func (a Answer) Cookies() []*http.Cookie {
	return (&http.Response{Header: a.Header}).Cookies()
}

// BrowserOption changes how NewBrowser builds the client.
type BrowserOption func(*http.Client)

// FollowRedirects makes the browser follow redirects as net/http does.
func FollowRedirects() BrowserOption {
	return func(c *http.Client) { c.CheckRedirect = nil }
}

// WithTransport makes the browser use rt (e.g. one transport shared by
// many browsers, or one per simulated user).
func WithTransport(rt http.RoundTripper) BrowserOption {
	return func(c *http.Client) { c.Transport = rt }
}

// WithTimeout bounds each request (default 10 s).
func WithTimeout(d time.Duration) BrowserOption {
	return func(c *http.Client) { c.Timeout = d }
}

// WithoutJar gives the browser no cookie jar: it sends only the cookies a
// request carries itself (a copied cookie replayed).
func WithoutJar() BrowserOption {
	return func(c *http.Client) { c.Jar = nil }
}

// NewBrowser returns a browser for the dashboard at base.
func NewBrowser(tb testing.TB, base string, opts ...BrowserOption) *Browser {
	tb.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	c := &http.Client{
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	for _, o := range opts {
		o(c)
	}
	return &Browser{Client: c, Base: base}
}

// HTMX returns the headers of an htmx 4 partial request whose target is
// target (e.g. "section#results"), as name, value pairs for Get and
// PostForm.
func HTMX(target string) []string {
	return []string{"HX-Request", "true", "HX-Request-Type", "partial", "HX-Target", target}
}

// SameOrigin returns the headers a browser adds to a same-origin form post
// to the dashboard at base, as name, value pairs.
func SameOrigin(base string) []string {
	return []string{"Origin", base, "Sec-Fetch-Site", "same-origin"}
}

// SignIn signs the browser in with an account and password through the
// sign-in form, failing the test unless the dashboard answers 303 with a
// cookie.
func (b *Browser) SignIn(tb testing.TB, account, password string) {
	tb.Helper()
	a := b.PostForm(tb, "/login", url.Values{"account": {account}, "password": {password}, "next": {"/"}})
	if a.Status != http.StatusSeeOther {
		tb.Fatalf("sign in as %s: status %d, body %.300s", account, a.Status, a.Body)
	}
	if b.Jar != nil && len(b.Cookies()) == 0 {
		tb.Fatalf("sign in as %s set no cookie", account)
	}
}

// Cookies returns the browser's cookies for the dashboard.
func (b *Browser) Cookies() []*http.Cookie {
	if b.Jar == nil {
		return nil
	}
	u, err := url.Parse(b.Base)
	if err != nil {
		return nil
	}
	return b.Jar.Cookies(u)
}

// Do sends req and reads the whole answer, failing the test on a transport
// error.
func (b *Browser) Do(tb testing.TB, req *http.Request) Answer {
	tb.Helper()
	start := time.Now()
	resp, err := b.Client.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return Answer{Status: resp.StatusCode, Header: resp.Header, Body: string(body), Elapsed: time.Since(start)}
}

// Get fetches path; headers come in name, value pairs.
func (b *Browser) Get(tb testing.TB, path string, headers ...string) Answer {
	tb.Helper()
	return b.Do(tb, b.Request(tb, http.MethodGet, path, nil, headers...))
}

// PostForm posts form to path; headers come in name, value pairs. It adds
// no Origin: pass SameOrigin's headers to look like a browser's form post.
func (b *Browser) PostForm(tb testing.TB, path string, form url.Values, headers ...string) Answer {
	tb.Helper()
	req := b.Request(tb, http.MethodPost, path, strings.NewReader(form.Encode()), headers...)
	if req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return b.Do(tb, req)
}

// Request builds a request for path on the dashboard with headers (name,
// value pairs) set.
func (b *Browser) Request(tb testing.TB, method, path string, body io.Reader, headers ...string) *http.Request {
	tb.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, b.Base+path, body)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return req
}
