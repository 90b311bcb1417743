package apiclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"
)

// Defaults of a Client built by New.
const (
	// DefaultTimeout bounds each call, from dialling to the last body byte.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxBodyBytes caps a response body; a larger body is an
	// ErrBadResponse, never silently truncated.
	DefaultMaxBodyBytes int64 = 4 << 20

	// DefaultMaxConnsPerHost bounds the default client's connections to
	// Explorer, open and idle.
	DefaultMaxConnsPerHost = 128

	apiPrefix = "/api-open/v1"
	userAgent = "jobboard-apiclient/1"
	tokenName = "explorer_token"
)

// Client calls the Workflow API of one Explorer. Its configuration is
// immutable after New and it is safe for concurrent use. Idempotent GET
// calls are retried once on a connection failure, and a circuit breaker
// shared by all calls fails fast while Explorer is down (see BreakerConfig).
type Client struct {
	base    string // scheme://host[/escaped path prefix], no trailing slash
	hc      *http.Client
	timeout time.Duration
	maxBody int64

	breakerCfg BreakerConfig
	noBreaker  bool
	breaker    *gobreaker.TwoStepCircuitBreaker[struct{}] // nil when disabled
	observer   Observer

	bodies sync.Pool // *bytes.Buffer: response bodies, reused once decoded
}

// Option configures a Client in New.
type Option func(*Client)

// WithHTTPClient makes the Client send its requests through hc (tests, a
// custom transport). New copies hc and, on the copy, refuses redirects and
// drops any cookie jar, so the token never travels to another host and is
// the only cookie sent. hc's own Timeout is kept; WithTimeout still bounds
// each call. A nil hc keeps the default client.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) { c.hc = hc }
}

// WithTimeout sets the deadline of each call (default DefaultTimeout),
// applied with context.WithTimeout on top of the caller's ctx. It must be
// positive.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) { c.timeout = d }
}

// WithMaxBodyBytes sets the response body cap (default DefaultMaxBodyBytes).
// A body over the cap is an ErrBadResponse. It must be positive.
func WithMaxBodyBytes(n int64) Option {
	return func(c *Client) { c.maxBody = n }
}

// New returns a Client for the Explorer at baseURL, an http or https URL
// with a host and optionally a path prefix (e.g. "http://explorer:7002" or
// "https://gw.example.com/explorer"). User info, a query or a fragment in
// baseURL is refused.
func New(baseURL string, opts ...Option) (*Client, error) {
	base, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{base: base, timeout: DefaultTimeout, maxBody: DefaultMaxBodyBytes}
	for _, opt := range opts {
		if opt != nil {
			opt(c)
		}
	}
	if c.timeout <= 0 {
		return nil, fmt.Errorf("apiclient: timeout must be positive, got %s", c.timeout)
	}
	if c.maxBody <= 0 {
		return nil, fmt.Errorf("apiclient: body size cap must be positive, got %d", c.maxBody)
	}
	if c.breaker, err = c.newBreaker(); err != nil {
		return nil, err
	}
	if c.hc == nil {
		c.hc = newHTTPClient(c.timeout)
	} else {
		hc := *c.hc
		hc.CheckRedirect = refuseRedirect
		hc.Jar = nil
		c.hc = &hc
	}
	return c, nil
}

func parseBaseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", errors.New("apiclient: base URL is not a valid URL")
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme != "http" && scheme != "https":
		return "", errors.New("apiclient: base URL must start with http:// or https://")
	case u.Opaque != "" || u.Host == "" || u.Hostname() == "":
		return "", errors.New("apiclient: base URL must have a host")
	case u.User != nil:
		return "", errors.New("apiclient: base URL must not contain user info")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", errors.New("apiclient: base URL must not have a query or fragment")
	}
	return scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/"), nil
}

// newHTTPClient builds the default client: a clone of the standard
// transport (so HTTP_PROXY/NO_PROXY from the environment still apply) with
// bounded dialling and handshakes and a keep-alive pool sized for a busy
// dashboard, no redirects and no cookie jar; timeout bounds the wait for
// response headers.
func newHTTPClient(timeout time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = 5 * time.Second
	tr.ResponseHeaderTimeout = timeout
	// One Explorer: every connection may stay idle for the next call, and
	// at most MaxConnsPerHost are open at once; beyond that calls queue for
	// a free connection instead of dialling without bound (500 busy readers
	// once made about 630 connections).
	tr.MaxIdleConns = DefaultMaxConnsPerHost
	tr.MaxIdleConnsPerHost = DefaultMaxConnsPerHost
	tr.MaxConnsPerHost = DefaultMaxConnsPerHost
	tr.IdleConnTimeout = 90 * time.Second
	tr.ExpectContinueTimeout = time.Second
	// No Client.Timeout: do bounds every call with a context deadline of
	// the same length, from dialling to the last body byte, and a client
	// timeout as well would cost each request a copy in net/http.
	return &http.Client{Transport: tr, CheckRedirect: refuseRedirect}
}

// refuseRedirect stops at the first response so that the token cookie is
// never sent to the redirect's target; do turns a 3xx into ErrBadResponse.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// request is one call to Explorer as do sends it.
type request struct {
	endpoint    string // human name for errors, e.g. "list jobs"
	method      string
	path        string // escaped, relative to /api-open/v1
	query       url.Values
	rawQuery    string // an encoded query, used instead of query when set
	body        []byte
	contentType string
	token       Token  // sent as the explorer_token cookie unless auth is set
	auth        string // Authorization header value (connect only)
	secrets     []string
}

// do sends r through the circuit breaker, reads the bounded body, decodes
// the envelope and, when data is not nil, the envelope's data into it. A
// non-zero code is an *APIError whatever the HTTP status. A GET that fails
// to connect is retried once. The returned response has its body closed;
// its headers are still readable.
func (c *Client) do(ctx context.Context, r request, data any) (_ *http.Response, err error) {
	if r.auth == "" {
		if !validToken(r.token) {
			return nil, newError(r.endpoint+": no valid explorer token (sign in first)", ErrUnauthorized)
		}
	}
	var rec *callLog
	if c.observer != nil {
		start := time.Now()
		var finish func(Call)
		ctx, finish = c.observer(ctx, r.endpoint)
		if finish != nil {
			rec = new(callLog)
			defer func() {
				finish(Call{Endpoint: r.endpoint, Duration: time.Since(start), Attempts: rec.a[:rec.n], Err: err})
			}()
		}
	}
	parent := ctx
	if err := parent.Err(); err != nil {
		// Already cancelled or past its deadline: nothing to ask Explorer
		// and nothing for the breaker to learn.
		return nil, c.transportError(parent, parent, r.endpoint, err)
	}
	done, err := c.allow(r.endpoint)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(parent, c.timeout)
	defer cancel()

	resp, status, retry, err := c.attempt(parent, ctx, r, data, rec)
	if retry && r.method == http.MethodGet && waitBeforeRetry(ctx) {
		resp, status, _, err = c.attempt(parent, ctx, r, data, rec)
	}
	done(breakerOutcome(status, err))
	return resp, err
}

// attempt makes one HTTP exchange for r within ctx (parent is the
// caller's context) and records it in log. status is Explorer's HTTP
// status (0 without an answer). retry reports a connection
// failure before any response byte, which an idempotent call may retry.
func (c *Client) attempt(parent, ctx context.Context, r request, data any, log *callLog) (_ *http.Response, status int, retry bool, err error) {
	start := time.Now()
	defer func() { log.add(start, status, err) }()

	var target string
	switch {
	case r.rawQuery != "":
		target = c.base + apiPrefix + r.path + "?" + r.rawQuery
	case len(r.query) > 0:
		target = c.base + apiPrefix + r.path + "?" + r.query.Encode()
	default:
		target = c.base + apiPrefix + r.path
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, body)
	if err != nil {
		return nil, status, false, newError(r.endpoint+": cannot build request", ErrBadParam, err)
	}
	// The header map is built whole, sized for its keys, with the values
	// every call sends shared (net/http never writes into a request's
	// value slices): one map and the call's own values per request
	// instead of a slice per Header.Set.
	h := make(http.Header, 5)
	h["Content-Type"] = sharedContentType(r.contentType)
	h["Accept"] = hdrAcceptJSON
	h["User-Agent"] = hdrUserAgent
	if tp := traceparentFrom(ctx); tp != "" {
		h["Traceparent"] = []string{tp}
	}
	if r.auth != "" {
		h["Authorization"] = []string{r.auth}
	} else {
		h["Cookie"] = []string{tokenName + "=" + r.token.Reveal()}
	}
	req.Header = h

	resp, err := c.hc.Do(req)
	if err != nil {
		retry = parent.Err() == nil && ctx.Err() == nil && isConnError(err)
		return nil, status, retry, c.transportError(parent, ctx, r.endpoint, err)
	}
	defer resp.Body.Close()
	status = resp.StatusCode
	// resp.Body is already decompressed when the transport asked for gzip
	// itself, so the cap bounds the decompressed size (no gzip bomb).
	// The body is read into a pooled buffer: decoding copies out every
	// value it keeps, so the buffer is free again once attempt returns.
	buf, _ := c.bodies.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer func() {
		if buf.Cap() <= maxPooledBody {
			buf.Reset()
			c.bodies.Put(buf)
		}
	}()
	raw, over, err := readCappedInto(buf, resp.Body, resp.ContentLength, c.maxBody)
	if err != nil {
		if parent.Err() != nil || ctx.Err() != nil || isTimeout(err) {
			return nil, status, false, c.transportError(parent, ctx, r.endpoint, err)
		}
		return nil, status, false, badResponse(r.endpoint, resp, "body ended early (truncated)", err)
	}
	if over {
		return nil, status, false, badResponse(r.endpoint, resp, fmt.Sprintf("body larger than %d bytes", c.maxBody), nil)
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return nil, status, false, badResponse(r.endpoint, resp, "redirect not followed", nil)
	}
	// The token is a secret of every call that sends it. The list is
	// built here, where it stays on the stack, rather than appended to
	// r.secrets for every call.
	var kept [4]string
	secrets := append(kept[:0], r.secrets...)
	if r.auth == "" {
		secrets = append(secrets, r.token.Reveal())
	}
	if err := decodeBody(r.endpoint, resp.StatusCode, resp.Header.Get("Content-Type"), raw, data, secrets); err != nil {
		return nil, status, false, err
	}
	return resp, status, false, nil
}

// Request header values shared by every call (see attempt).
var (
	hdrAcceptJSON  = []string{contentJSON}
	hdrUserAgent   = []string{userAgent}
	hdrContentJSON = []string{contentJSON}
	hdrContentForm = []string{contentForm}
)

// sharedContentType is the header value slice of a request's Content-Type.
func sharedContentType(ct string) []string {
	switch ct {
	case contentJSON:
		return hdrContentJSON
	case contentForm:
		return hdrContentForm
	}
	return []string{ct}
}

// maxPooledBody is the largest body buffer kept for the next call.
const maxPooledBody = 256 << 10

// readCappedInto is readCapped reading into buf (a pooled buffer), so
// the usual body costs no allocation: a body of known length up to
// maxPooledBody, or of unknown length up to pooledRead bytes, is read
// into buf; a larger one continues in readCapped's bounded chunks.
func readCappedInto(buf *bytes.Buffer, r io.Reader, contentLength, limit int64) (body []byte, over bool, err error) {
	const pooledRead = 16 << 10
	switch {
	case contentLength > limit:
		return nil, true, nil
	case contentLength > maxPooledBody:
		return readCapped(r, contentLength, limit)
	}
	size := int64(pooledRead)
	if contentLength >= 0 {
		size = contentLength + 1 // +1 to see the end without another read
	}
	size = min(size, limit+1)
	buf.Reset()
	buf.Grow(int(size))
	head := buf.AvailableBuffer()[:size]
	n, err := fill(r, head)
	switch {
	case errors.Is(err, io.EOF):
		if int64(n) > limit {
			return nil, true, nil
		}
		return head[:n], false, nil
	case err != nil:
		return nil, false, err
	}
	// Longer than expected: the rest in bounded chunks, after head.
	rest, over, err := readCapped(r, -1, limit-int64(n))
	if over || err != nil {
		return nil, over, err
	}
	return append(head[:n:n], rest...), false, nil
}

// readCapped reads r to its end and returns its bytes, or over=true as
// soon as it has seen (or Content-Length announces) more than limit bytes (then stopping, so an endless or
// decompressing body costs at most limit bytes). contentLength (-1 when
// unknown) sizes the first buffer, so the usual body is read into one
// allocation of its size; otherwise buffers grow from 4 KiB to 256 KiB
// and are joined at the end.
func readCapped(r io.Reader, contentLength, limit int64) (body []byte, over bool, err error) {
	const firstChunk, maxChunk = 4 << 10, 256 << 10
	if contentLength > limit {
		return nil, true, nil
	}
	next := int64(firstChunk)
	if contentLength >= 0 {
		next = contentLength + 1 // +1 to see the end without another buffer
	}
	var chunks [][]byte
	var total int64
	for {
		size := min(next, limit+1-total)
		if size <= 0 {
			return nil, true, nil
		}
		buf := make([]byte, size)
		n, err := fill(r, buf)
		total += int64(n)
		if n > 0 {
			chunks = append(chunks, buf[:n])
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false, err
		}
		next = min(max(next*2, firstChunk), maxChunk)
	}
	if total > limit {
		return nil, true, nil
	}
	if len(chunks) == 1 {
		return chunks[0], false, nil
	}
	return bytes.Join(chunks, nil), false, nil
}

// fill reads from r until buf is full or r fails (io.EOF included).
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// transportError classifies a failure to get or read a response: the
// caller's cancellation stays context.Canceled, a deadline becomes
// ErrTimeout (with context.DeadlineExceeded in the chain), anything else
// ErrUnreachable. The message never includes the request URL.
func (c *Client) transportError(parent, callCtx context.Context, endpoint string, err error) error {
	if errors.Is(parent.Err(), context.Canceled) {
		return newError(endpoint+": request cancelled", context.Canceled, err)
	}
	if callCtx.Err() != nil || errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		return newError(fmt.Sprintf("%s: explorer did not answer in time (limit %s)", endpoint, c.timeout),
			ErrTimeout, context.DeadlineExceeded, err)
	}
	cause := err
	var ue *url.Error
	if errors.As(err, &ue) {
		cause = ue.Err // url.Error's text repeats the URL; keep only the cause
	}
	return newError(fmt.Sprintf("%s: explorer unreachable: %s", endpoint, cause), ErrUnreachable, err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// validToken reports whether t can be sent as a cookie value as is
// (RFC 6265 cookie-octets), so that nothing is rewritten or logged by
// net/http.
func validToken(t Token) bool {
	s := t.Reveal()
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b < 0x21 || b > 0x7e || b == '"' || b == ',' || b == ';' || b == '\\' {
			return false
		}
	}
	return true
}

// clientError is an error with a fixed message that wraps several errors
// (a sentinel and its causes) without repeating their text.
type clientError struct {
	msg  string
	errs []error
}

func newError(msg string, errs ...error) error {
	return &clientError{msg: "apiclient: " + msg, errs: errs}
}

func (e *clientError) Error() string   { return e.msg }
func (e *clientError) Unwrap() []error { return e.errs }
