package apiclient_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"jobboard/apiclient"
)

var allSentinels = []error{
	apiclient.ErrUnauthorized, apiclient.ErrNotFound, apiclient.ErrBadParam, apiclient.ErrForbidden,
	apiclient.ErrUpstream, apiclient.ErrBadResponse, apiclient.ErrTimeout, apiclient.ErrUnreachable,
}

// checkOnly asserts err matches want and no other sentinel.
func checkOnly(t *testing.T, err, want error) {
	t.Helper()
	for _, s := range allSentinels {
		wantIs := s == want //nolint:errorlint // picks the expected sentinel by identity; not a check of err
		if got := errors.Is(err, s); got != wantIs {
			t.Errorf("errors.Is(%v, %v) = %v, want %v", err, s, got, wantIs)
		}
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		url     string
		opts    []apiclient.Option
		wantErr bool
	}{
		{"http://explorer:7002", nil, false},
		{"https://gw.example.com/explorer/", nil, false},
		{"HTTP://127.0.0.1:7002", nil, false},
		{"", nil, true},
		{"explorer:7002", nil, true},
		{"ftp://explorer", nil, true},
		{"http://", nil, true},
		{"http://user:pw@explorer:7002", nil, true},
		{"http://explorer:7002/?x=1", nil, true},
		{"http://explorer:7002/#frag", nil, true},
		{"http://explorer:7002", []apiclient.Option{apiclient.WithTimeout(0)}, true},
		{"http://explorer:7002", []apiclient.Option{apiclient.WithMaxBodyBytes(-1)}, true},
		{"http://explorer:7002", []apiclient.Option{apiclient.WithHTTPClient(nil), apiclient.WithTimeout(time.Second)}, false},
		{"http://explorer:7002", []apiclient.Option{apiclient.WithBreaker(apiclient.BreakerConfig{Failures: -1})}, true},
		{"http://explorer:7002", []apiclient.Option{apiclient.WithBreaker(apiclient.BreakerConfig{OpenFor: -time.Second})}, true},
		{"http://explorer:7002", []apiclient.Option{apiclient.WithBreaker(apiclient.BreakerConfig{}), apiclient.WithObserver(nil)}, false},
		{"http://explorer:7002", []apiclient.Option{apiclient.WithoutBreaker()}, false},
	}
	for _, tt := range tests {
		c, err := apiclient.New(tt.url, tt.opts...)
		if (err != nil) != tt.wantErr {
			t.Errorf("New(%q) = %v, %v; want error %v", tt.url, c, err, tt.wantErr)
			continue
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "apiclient:") {
				t.Errorf("New(%q) error %q lacks the apiclient: prefix", tt.url, err)
			}
			if strings.Contains(err.Error(), "pw") {
				t.Errorf("New(%q) error %q repeats the password", tt.url, err)
			}
		}
	}
}

func TestBasePathPrefixIsKept(t *testing.T) {
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		io.WriteString(w, `{"code":0,"data":{"success":true}}`)
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL+"/explorer/")
	if err := c.CancelJob(ctxT(t), testToken, 3); err != nil {
		t.Fatalf("CancelJob: %v", err)
	}
	if got := rec.only(t).EscapedPath; got != "/explorer/api-open/v1/jobs/3/cancel" {
		t.Errorf("path = %s, want the base path prefix kept", got)
	}
}

// naturalStatus is a plausible HTTP status for an error code.
func naturalStatus(code int) int {
	switch code / 100000 {
	case 400:
		return 400
	case 401:
		return 401
	case 403:
		return 403
	case 404:
		return 404
	}
	return 500
}

func TestEnvelopeCodesMapToSentinels(t *testing.T) {
	tests := []struct {
		code int
		want error
	}{
		{apiclient.CodeBadRequest, apiclient.ErrBadParam},
		{apiclient.CodeParam, apiclient.ErrBadParam},
		{apiclient.CodeUnauthorized, apiclient.ErrUnauthorized},
		{apiclient.CodeSession, apiclient.ErrUnauthorized},
		{apiclient.CodeForbidden, apiclient.ErrForbidden},
		{apiclient.CodeNotFound, apiclient.ErrNotFound},
		{apiclient.CodeInternalServer, apiclient.ErrUpstream},
		{apiclient.CodeInternalDatabase, apiclient.ErrUpstream},
		{apiclient.CodeInternalController, apiclient.ErrUpstream},
		{apiclient.CodeInternalLicense, apiclient.ErrUpstream},
		{apiclient.CodeUnknown, apiclient.ErrUpstream},
		{12345, apiclient.ErrUpstream}, // undocumented code
	}
	for _, tt := range tests {
		for _, status := range []int{200, naturalStatus(tt.code)} {
			t.Run(fmt.Sprintf("%d at HTTP %d", tt.code, status), func(t *testing.T) {
				body := fmt.Sprintf(`{"code":%d,"message":"msg %d","data":null}`, tt.code, tt.code)
				c, _ := serve(t, status, body, "Content-Type", "application/json")
				_, err := c.ListWorkflowJobs(ctxT(t), testToken, 4216617528, apiclient.ListQuery{})
				checkOnly(t, err, tt.want)
				var apiErr *apiclient.APIError
				if !errors.As(err, &apiErr) {
					t.Fatalf("err = %T %v, want *APIError", err, err)
				}
				want := apiclient.APIError{Endpoint: "list workflow jobs", HTTPStatus: status, Code: tt.code, Message: "msg " + strconv.Itoa(tt.code)}
				if *apiErr != want {
					t.Errorf("APIError = %+v, want %+v", *apiErr, want)
				}
			})
		}
	}
}

func TestEveryMethodReturnsAPIError(t *testing.T) {
	c, _ := serve(t, 200, `{"code":40104001,"message":"session expired"}`)
	ctx := ctxT(t)
	for name, call := range methodCalls(c, testToken, "pw") {
		err := call(ctx)
		var apiErr *apiclient.APIError
		if !errors.As(err, &apiErr) || apiErr.Code != apiclient.CodeSession || !errors.Is(err, apiclient.ErrUnauthorized) {
			t.Errorf("%s: err = %v, want *APIError 40104001 matching ErrUnauthorized", name, err)
		}
	}
}

func TestChineseMessagePreserved(t *testing.T) {
	c, _ := serve(t, 404, `{"code":40404000,"message":"工作流不存在","data":null}`)
	_, err := c.GetJob(ctxT(t), testToken, 1)
	var apiErr *apiclient.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	if apiErr.Message != "工作流不存在" {
		t.Errorf("Message = %q, want the Chinese message kept", apiErr.Message)
	}
	if !strings.Contains(err.Error(), "工作流不存在") || !errors.Is(err, apiclient.ErrNotFound) {
		t.Errorf("err = %v, want the message shown and ErrNotFound", err)
	}
}

func TestAPIErrorMessageSanitized(t *testing.T) {
	long := strings.Repeat("错", 500)
	c, _ := serve(t, 500, `{"code":50004000,"message":"line1\nline2 `+long+`"}`)
	_, err := c.GetJob(ctxT(t), testToken, 1)
	var apiErr *apiclient.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	if strings.ContainsAny(apiErr.Message, "\n\r") {
		t.Errorf("Message %q keeps a newline (log injection)", apiErr.Message)
	}
	if len(apiErr.Message) > 400 || !strings.HasPrefix(apiErr.Message, "line1 line2 错") {
		t.Errorf("Message of %d bytes = %.40q..., want a capped, readable message", len(apiErr.Message), apiErr.Message)
	}
}

const secretMarker = "SECRET-BODY-TEXT"

func TestBadResponses(t *testing.T) {
	html := `<html><head><title>502 Bad Gateway</title></head><body>` + secretMarker + `</body></html>`
	tests := []struct {
		name       string
		status     int
		ctype      string
		body       string
		opts       []apiclient.Option
		wantReason string
	}{
		{"HTML 502 from a proxy", 502, "text/html", html, nil, "not a JSON object"},
		{"empty body at 200", 200, "application/json", "", nil, "empty body"},
		{"blank body at 500", 500, "text/plain", "  \n", nil, "empty body"},
		{"truncated JSON", 200, "application/json", `{"code":0,"data":{"items":[{"id":1,"name":"` + secretMarker, nil, "truncated"},
		{"invalid JSON", 200, "application/json", `{"code":0,"data":` + secretMarker + `}`, nil, "not valid JSON"},
		{"JSON array", 200, "application/json", `[{"code":0}]`, nil, "not a JSON object"},
		{"no code", 200, "application/json", `{"message":"` + secretMarker + `","data":{}}`, nil, "no code"},
		{"code is a string", 200, "application/json", `{"code":"0","data":{}}`, nil, "unexpected shape"},
		{"data is a string", 200, "application/json", `{"code":0,"data":"` + secretMarker + `"}`, nil, "data has an unexpected shape"},
		{"data missing", 200, "application/json", `{"code":0,"message":"Success"}`, nil, "data has an unexpected shape"},
		{"items is an object", 200, "application/json", `{"code":0,"data":{"items":{"id":1}}}`, nil, "data has an unexpected shape"},
		{"bad time string", 200, "application/json", `{"code":0,"data":{"items":[{"id":1,"createTime":"` + secretMarker + `"}]}}`, nil, "data has an unexpected shape"},
		{"trailing garbage", 200, "application/json", `{"code":0,"data":{}} <html>`, nil, "not valid JSON"},
		{"body over the cap", 200, "application/json",
			`{"code":0,"data":{"items":[],"pad":"` + strings.Repeat("x", 200) + secretMarker + `"}}`,
			[]apiclient.Option{apiclient.WithMaxBodyBytes(100)}, "larger than 100 bytes"},
		{"redirect status", 302, "application/json", `{"code":0,"data":{"items":[]}}`, nil, "redirect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.ctype != "" {
					w.Header().Set("Content-Type", tt.ctype)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}, tt.opts...)
			_, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{})
			checkOnly(t, err, apiclient.ErrBadResponse)
			var re *apiclient.ResponseError
			if !errors.As(err, &re) {
				t.Fatalf("err = %T %v, want *ResponseError", err, err)
			}
			if re.HTTPStatus != tt.status || !strings.Contains(re.Reason, tt.wantReason) {
				t.Errorf("ResponseError = %+v, want HTTP %d and reason containing %q", re, tt.status, tt.wantReason)
			}
			msg := err.Error()
			if !strings.Contains(msg, "HTTP "+strconv.Itoa(tt.status)) || !strings.Contains(msg, fmt.Sprintf("%q", tt.ctype)) {
				t.Errorf("error %q should name HTTP status %d and content type %q", msg, tt.status, tt.ctype)
			}
			if strings.Contains(msg, secretMarker) || strings.Contains(msg, "<html") {
				t.Errorf("error %q quotes the body", msg)
			}
		})
	}
}

func TestBodyExactlyAtCapIsAccepted(t *testing.T) {
	body := `{"code":0,"data":{"items":[]}}`
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	exact := newClient(t, srv.URL, apiclient.WithMaxBodyBytes(int64(len(body))))
	if _, err := exact.ListJobs(ctxT(t), testToken, apiclient.ListQuery{}); err != nil {
		t.Errorf("body of exactly the cap: %v, want success", err)
	}
	oneLess := newClient(t, srv.URL, apiclient.WithMaxBodyBytes(int64(len(body)-1)))
	if _, err := oneLess.ListJobs(ctxT(t), testToken, apiclient.ListQuery{}); !errors.Is(err, apiclient.ErrBadResponse) {
		t.Errorf("body one byte over the cap: %v, want ErrBadResponse", err)
	}
}

func TestTruncatedBodyByContentLength(t *testing.T) {
	c, _, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "500")
		w.WriteHeader(200)
		io.WriteString(w, `{"code":0,"data":{"items":[`)
		// The handler returns early: the server closes the connection
		// after fewer bytes than announced.
	})
	_, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{})
	checkOnly(t, err, apiclient.ErrBadResponse)
}

func TestRedirectIsNotFollowed(t *testing.T) {
	var otherHits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherHits.Add(1)
		io.WriteString(w, `{"code":0,"data":{"items":[]}}`)
	}))
	t.Cleanup(other.Close)

	for _, status := range []int{301, 302, 307, 308} {
		for _, custom := range []bool{false, true} {
			t.Run(fmt.Sprintf("%d custom client %v", status, custom), func(t *testing.T) {
				var opts []apiclient.Option
				if custom {
					// A plain http.Client follows redirects; New must stop that.
					opts = append(opts, apiclient.WithHTTPClient(&http.Client{}))
				}
				c, _, _ := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, other.URL+r.URL.RequestURI(), status)
				}, opts...)
				_, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{})
				checkOnly(t, err, apiclient.ErrBadResponse)
			})
		}
	}
	if n := otherHits.Load(); n != 0 {
		t.Errorf("the redirect target received %d requests, want 0", n)
	}
}

// hangingServer answers nothing (or, with partial, headers and half a
// body) until the client goes away or the test ends.
func hangingServer(t *testing.T, partial bool, opts ...apiclient.Option) *apiclient.Client {
	t.Helper()
	release := make(chan struct{})
	c, _, srv := serveFunc(t, func(w http.ResponseWriter, r *http.Request) {
		if partial {
			w.WriteHeader(200)
			io.WriteString(w, `{"code":0,"data":{"items":[`)
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}, opts...)
	// Cleanups run last-in first-out: release the handler before Close.
	t.Cleanup(func() { close(release) })
	_ = srv
	return c
}

func TestTimeout(t *testing.T) {
	for _, partial := range []bool{false, true} {
		t.Run(fmt.Sprintf("partial body %v", partial), func(t *testing.T) {
			c := hangingServer(t, partial, apiclient.WithTimeout(150*time.Millisecond))
			start := time.Now()
			_, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{})
			elapsed := time.Since(start)
			checkOnly(t, err, apiclient.ErrTimeout)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want context.DeadlineExceeded in the chain", err)
			}
			if elapsed > 3*time.Second {
				t.Errorf("call took %s with a 150ms timeout", elapsed)
			}
		})
	}
}

func TestCallerDeadlineIsTimeout(t *testing.T) {
	c := hangingServer(t, false) // default 10 s timeout
	ctx, cancel := context.WithTimeout(ctxT(t), 100*time.Millisecond)
	defer cancel()
	_, err := c.GetJob(ctx, testToken, 1)
	checkOnly(t, err, apiclient.ErrTimeout)
}

func TestCallerCancel(t *testing.T) {
	c := hangingServer(t, false)
	ctx, cancel := context.WithCancel(ctxT(t))
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err := c.GetJob(ctx, testToken, 1)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	checkOnly(t, err, nil)
}

// refusedURL returns a loopback URL nothing listens on.
func refusedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

func TestConnectionRefused(t *testing.T) {
	c := newClient(t, refusedURL(t))
	_, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{Name: "x"})
	checkOnly(t, err, apiclient.ErrUnreachable)
	if strings.Contains(err.Error(), "filter") {
		t.Errorf("error %q repeats the request URL", err)
	}
}

// methodCalls calls every Client method once with tok (password for
// Connect).
func methodCalls(c *apiclient.Client, tok apiclient.Token, password string) map[string]func(context.Context) error {
	return map[string]func(context.Context) error{
		"Connect": func(ctx context.Context) error {
			_, err := c.Connect(ctx, "root", password, "graphd", 9669)
			return err
		},
		"ListWorkflowJobs": func(ctx context.Context) error {
			_, err := c.ListWorkflowJobs(ctx, tok, 4216617528, apiclient.ListQuery{Name: "wf"})
			return err
		},
		"ListJobs": func(ctx context.Context) error {
			_, err := c.ListJobs(ctx, tok, apiclient.ListQuery{Page: 2})
			return err
		},
		"GetJob": func(ctx context.Context) error {
			_, err := c.GetJob(ctx, tok, 115)
			return err
		},
		"CancelJob": func(ctx context.Context) error { return c.CancelJob(ctx, tok, 115) },
		"StartJob": func(ctx context.Context) error {
			_, err := c.StartJob(ctx, tok, 4216617528, apiclient.Input{"t": {"p": 1}})
			return err
		},
		"SampleResult": func(ctx context.Context) error {
			_, err := c.SampleResult(ctx, tok, 115, "f93dea90fc3a11ecac7e6da0662c195b", 5)
			return err
		},
	}
}

func TestSecretsNeverInErrors(t *testing.T) {
	const tok apiclient.Token = "TOKEN-7f3a9c1e-DISTINCT"
	const password = "PASSWORD-b41d-DISTINCT"
	basic := base64.StdEncoding.EncodeToString([]byte("root:" + password))
	secrets := []string{tok.Reveal(), password, basic}

	// echo returns the secrets the request carried, for the server to put
	// in its answer.
	echo := func(w http.ResponseWriter, r *http.Request) string {
		var got []string
		if ck, err := r.Cookie("explorer_token"); err == nil {
			got = append(got, ck.Value)
		}
		if auth := r.Header.Get("Authorization"); auth != "" {
			raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(auth, "Bearer "))
			got = append(got, auth, string(raw))
		}
		return strings.Join(got, " ")
	}
	modes := map[string]http.HandlerFunc{
		"API error echoing secrets": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"code":40104001,"message":"bad token %s"}`, echo(w, r))
		},
		"HTML page echoing secrets": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(502)
			fmt.Fprintf(w, `<html>%s</html>`, echo(w, r))
		},
		"truncated JSON with secrets": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"code":0,"data":{"x":"%s`, echo(w, r))
		},
		"wrong shape with secrets": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"code":"%s","data":{}}`, echo(w, r))
		},
		"redirect": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://127.0.0.1:1/?t="+echo(w, r), http.StatusFound)
		},
		"hang": func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		},
	}
	check := func(t *testing.T, name string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error", name)
			return
		}
		for _, text := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err)} {
			for _, s := range secrets {
				if strings.Contains(text, s) {
					t.Errorf("%s: error %q contains a secret", name, text)
				}
			}
		}
	}
	for mode, h := range modes {
		t.Run(mode, func(t *testing.T) {
			c, _, _ := serveFunc(t, h, apiclient.WithTimeout(200*time.Millisecond))
			for name, call := range methodCalls(c, tok, password) {
				check(t, name, call(ctxT(t)))
			}
		})
	}
	t.Run("refused", func(t *testing.T) {
		c := newClient(t, refusedURL(t))
		for name, call := range methodCalls(c, tok, password) {
			check(t, name, call(ctxT(t)))
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		c, _, _ := serveFunc(t, modes["hang"])
		ctx, cancel := context.WithCancel(ctxT(t))
		cancel()
		for name, call := range methodCalls(c, tok, password) {
			check(t, name, call(ctx))
		}
	})
	t.Run("invalid token", func(t *testing.T) {
		c, _ := serve(t, 200, `{"code":0}`)
		bad := apiclient.Token(tok.Reveal() + ";")
		for name, call := range methodCalls(c, bad, password) {
			if name == "Connect" {
				continue
			}
			check(t, name, call(ctxT(t)))
		}
	})
}

// TestAPIErrorMessageKeepsNoCredentials: Explorer's message reaches logs
// only bounded and without what may be a credential: the token in another
// letter case, name=value secrets, Bearer values, long opaque strings. The
// words and short values that tell errors apart stay.
func TestAPIErrorMessageKeepsNoCredentials(t *testing.T) {
	planted := []string{
		strings.ToUpper(testToken.Reveal()), "hunter2", "s3cr3t-value", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0",
		"AKIAIOSFODNN7EXAMPLE1234", "c2VjcmV0LXNlc3Npb24tdmFsdWU=",
	}
	msg := "token " + planted[0] + " refused; db password=" + planted[1] + `, api_key: "` + planted[2] + `"; Authorization: Bearer ` +
		planted[3] + "; key " + planted[4] + "; cookie=" + planted[5] + "; job 5581507534 at 2026-12-01T13:03:28"
	body, _ := json.Marshal(map[string]any{"code": 50004000, "message": msg, "data": nil})
	c, _ := serve(t, 500, string(body))
	_, err := c.GetJob(ctxT(t), testToken, 1)
	var apiErr *apiclient.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	for _, s := range planted {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error text %q keeps %q", err.Error(), s)
		}
	}
	for _, keep := range []string{"refused", "password=", "5581507534", "2026-12-01T13:03:28"} {
		if !strings.Contains(apiErr.Message, keep) {
			t.Errorf("Message %q lost %q", apiErr.Message, keep)
		}
	}
	if len(apiErr.Message) > 200+len("…") {
		t.Errorf("Message of %d bytes, want at most 200", len(apiErr.Message))
	}
}

// TestNotSent: a call that could not connect, or that the open circuit
// stopped, certainly never reached Explorer; one whose connection was cut
// after the request was written may have been acted on, so NotSent says
// so for a start of a job that Explorer could not confirm.
func TestNotSent(t *testing.T) {
	refused := refusedURL(t)
	var received atomic.Int64
	cut := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		received.Add(1)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close() // the request arrived whole; its answer never leaves
		}
	}))
	defer cut.Close()

	start := func(base string, opts ...apiclient.Option) error {
		c, err := apiclient.New(base, opts...)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.StartJob(ctxT(t), testToken, 1, nil)
		return err
	}

	err := start(refused, apiclient.WithoutBreaker())
	if !errors.Is(err, apiclient.ErrUnreachable) || !apiclient.NotSent(err) {
		t.Errorf("refused connection: err %v, NotSent %v; want ErrUnreachable and true", err, apiclient.NotSent(err))
	}

	err = start(cut.URL, apiclient.WithoutBreaker())
	if received.Load() != 1 {
		t.Fatalf("the cutting server received %d requests, want 1 (a start is never retried)", received.Load())
	}
	if !errors.Is(err, apiclient.ErrUnreachable) || apiclient.NotSent(err) {
		t.Errorf("connection cut after the request: err %v, NotSent %v; want ErrUnreachable and false", err, apiclient.NotSent(err))
	}

	c, err := apiclient.New(refused, apiclient.WithBreaker(apiclient.BreakerConfig{Failures: 1, OpenFor: time.Hour}))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = c.StartJob(ctxT(t), testToken, 1, nil)
	_, err = c.StartJob(ctxT(t), testToken, 1, nil)
	if !errors.Is(err, apiclient.ErrCircuitOpen) || !apiclient.NotSent(err) {
		t.Errorf("open circuit: err %v, NotSent %v; want ErrCircuitOpen and true", err, apiclient.NotSent(err))
	}
	if err := fmt.Errorf("start job: %w", apiclient.ErrTimeout); apiclient.NotSent(err) {
		t.Errorf("NotSent(%v) = true, want false: a call that timed out may have been acted on", err)
	}
}
