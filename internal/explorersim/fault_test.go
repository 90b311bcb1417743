package explorersim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// raw sends a GET and returns status, content type and body, without
// expecting an envelope.
func (e *env) raw(t *testing.T, ctx context.Context, path, tok string) (int, string, []byte, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Cookie", TokenCookie+"="+tok)
	res, err := e.srv.Client().Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), body, err
}

func TestFaults(t *testing.T) {
	e := newEnv(t, Options{JobsPerAccount: 50})
	tok := e.login(t, "demo", "demo")
	const path = "/api-open/v1/jobs?pageSize=5"
	ctx := context.Background()
	_, _, normal, _ := e.raw(t, ctx, path, tok)

	tests := []struct {
		name  string
		fault Fault
		check func(t *testing.T, status int, ctype string, body []byte)
	}{
		{"error envelope, defaults", Fault{Kind: FaultErrorEnvelope}, func(t *testing.T, status int, ctype string, body []byte) {
			if status != 500 || string(body) != `{"code":50004000,"message":"internal server error","data":null}` {
				t.Errorf("got %d %s", status, body)
			}
		}},
		{"error envelope, custom", Fault{Kind: FaultErrorEnvelope, Code: 50004001, Message: "数据库错误", HTTPStatus: 200}, func(t *testing.T, status int, ctype string, body []byte) {
			var env struct {
				Code    int
				Message string
				Data    any
			}
			if err := json.Unmarshal(body, &env); err != nil || status != 200 || env.Code != 50004001 || env.Message != "数据库错误" || env.Data != nil {
				t.Errorf("got %d %s (%v)", status, body, err)
			}
		}},
		{"HTML 502", Fault{Kind: FaultHTML502}, func(t *testing.T, status int, ctype string, body []byte) {
			if status != http.StatusBadGateway || !strings.HasPrefix(ctype, "text/html") || !strings.Contains(string(body), "<html>") || json.Valid(body) {
				t.Errorf("got %d %q %s", status, ctype, body)
			}
		}},
		{"truncated JSON", Fault{Kind: FaultTruncatedJSON}, func(t *testing.T, status int, ctype string, body []byte) {
			if status != 200 || len(body) == 0 || json.Valid(body) || !strings.HasPrefix(string(normal), string(body)) {
				t.Errorf("got %d %s, want a prefix of %s", status, body, normal)
			}
		}},
		{"empty body", Fault{Kind: FaultEmptyBody}, func(t *testing.T, status int, ctype string, body []byte) {
			if status != 200 || len(body) != 0 {
				t.Errorf("got %d %q", status, body)
			}
		}},
		{"other path prefix leaves this path alone", Fault{Kind: FaultHTML502, PathPrefix: "/api-open/v1/workflows"}, func(t *testing.T, status int, ctype string, body []byte) {
			if status != 200 || string(body) != string(normal) {
				t.Errorf("got %d %s", status, body)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.sim.SetFault(tc.fault)
			defer e.sim.SetFault(Fault{})
			status, ctype, body, err := e.raw(t, ctx, path, tok)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, status, ctype, body)
		})
	}

	t.Run("latency", func(t *testing.T) {
		e.sim.SetFault(Fault{Latency: 150 * time.Millisecond, PathPrefix: "/api-open/v1/jobs"})
		defer e.sim.SetFault(Fault{})
		began := time.Now()
		status, _, body, err := e.raw(t, ctx, path, tok)
		if err != nil || status != 200 || string(body) != string(normal) || time.Since(began) < 150*time.Millisecond {
			t.Errorf("got %d after %v (%v), want a normal answer after 150ms", status, time.Since(began), err)
		}
		began = time.Now()
		e.login(t, "demo", "demo") // connect is outside the prefix
		if time.Since(began) > 100*time.Millisecond {
			t.Errorf("connect was slowed down too")
		}
	})
	t.Run("hang until the client gives up", func(t *testing.T) {
		e.sim.SetFault(Fault{Kind: FaultHang})
		defer e.sim.SetFault(Fault{})
		ctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, _, _, err := e.raw(t, ctx, path, tok)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want deadline exceeded", err)
		}
	})
	t.Run("off again", func(t *testing.T) {
		if _, _, body, _ := e.raw(t, ctx, path, tok); string(body) != string(normal) {
			t.Errorf("after SetFault(Fault{}): %s", body)
		}
	})
}

func TestCalls(t *testing.T) {
	e := newEnv(t, Options{JobsPerAccount: 20})
	tok := e.login(t, "demo", "demo")
	before := e.sim.Calls()
	e.list(t, "/api-open/v1/jobs", tok)
	e.do(t, http.MethodGet, "/api-open/v1/jobs/1", "", "")
	e.sim.SetFault(Fault{Kind: FaultEmptyBody})
	_, _, _, _ = e.raw(t, context.Background(), "/api-open/v1/jobs", tok)
	if got := e.sim.Calls() - before; got != 3 {
		t.Errorf("Calls grew by %d, want 3", got)
	}
}

// call sends one request and returns the envelope code; it is safe to use
// from any goroutine (it reports problems as errors, not test failures).
func (e *env) call(method, path, tok, body string) (int, json.RawMessage, error) {
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Cookie", TokenCookie+"="+tok)
	if path == "/api-open/v1/connect" {
		req.Header.Set("Authorization", "Bearer "+b64(tok))
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	var env struct {
		Code int
		Data json.RawMessage
	}
	if err := json.NewDecoder(res.Body).Decode(&env); err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if method == http.MethodPost && path == "/api-open/v1/connect" && env.Code == 0 {
		for _, c := range res.Cookies() {
			if c.Name == TokenCookie {
				return 0, json.RawMessage(strconv.Quote(c.Value)), nil
			}
		}
	}
	return env.Code, env.Data, nil
}

func TestConcurrentUse(t *testing.T) {
	e := newEnv(t, Options{JobsPerAccount: 300})
	accts := DemoAccounts()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- func() error {
				acc := accts[g%len(accts)]
				_, data, err := e.call(http.MethodPost, "/api-open/v1/connect", acc.Name+":"+acc.Password, `{"address":"h","port":1}`)
				if err != nil {
					return err
				}
				tok, _ := strconv.Unquote(string(data))
				wf := e.sim.Workflows(acc.Name)[g%3].ID
				for i := range 15 {
					var code int
					switch i % 5 {
					case 0:
						code, _, err = e.call(http.MethodGet, listPath(wf, map[string]any{"status": 1}, "&pageSize=20"), tok, "")
					case 1:
						var started struct{ ID int64 }
						code, data, err = e.call(http.MethodPost, "/api-open/v1/workflows/"+wf+"/jobs", tok, "")
						if err == nil && code == 0 {
							_ = json.Unmarshal(data, &started)
							code, _, err = e.call(http.MethodPut, "/api-open/v1/jobs/"+itoa(started.ID)+"/cancel", tok, "")
						}
					case 2:
						code, _, err = e.call(http.MethodGet, listPath("", map[string]any{"name": "_2026"}, "&page=2"), tok, "")
					case 3:
						e.clock.Advance(time.Second)
						_ = e.sim.Jobs(acc.Name)
					case 4:
						e.sim.SetFault(Fault{Latency: time.Millisecond, PathPrefix: "/nowhere"})
						_ = e.sim.AddJob(acc.Name, wf, JobRecord{Name: "concurrent", Created: testStart.Add(-time.Hour)})
					}
					if err != nil {
						return fmt.Errorf("step %d: %w", i, err)
					}
					if code != 0 {
						return fmt.Errorf("step %d: code %d", i, code)
					}
				}
				return nil
			}()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	for _, acc := range accts {
		// 4 goroutines per account each started 3 jobs and added 3.
		if n := len(e.sim.Jobs(acc.Name)); n != 300+4*3+4*3 {
			t.Errorf("%s has %d jobs, want %d", acc.Name, n, 300+4*3+4*3)
		}
	}
}

func BenchmarkGenerateAccount(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		s := New(Options{Clock: NewManualClock(testStart)})
		s.accounts[0].load()
	}
}

func BenchmarkListPage20(b *testing.B) {
	s := New(Options{Clock: NewManualClock(testStart)})
	tok := benchLogin(b, s)
	wf := s.Workflows("demo")[0].ID
	req, _ := http.NewRequest(http.MethodGet, "/api-open/v1/workflows/"+wf+"/jobs?filter=%7B%22status%22%3A2%7D&pageSize=20&page=3", nil)
	req.Header.Set("Cookie", TokenCookie+"="+tok)
	w := &discardWriter{h: make(http.Header)}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		s.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("status %d", w.status)
		}
	}
}

// benchLogin connects to s in-process and returns the token.
func benchLogin(b *testing.B, s *Sim) string {
	req, _ := http.NewRequest(http.MethodPost, "/api-open/v1/connect", strings.NewReader(`{"address":"h","port":9669}`))
	req.Header.Set("Authorization", "Bearer "+b64("demo:demo"))
	w := &discardWriter{h: make(http.Header)}
	s.ServeHTTP(w, req)
	for _, c := range (&http.Response{Header: w.h}).Cookies() {
		if c.Name == TokenCookie {
			return c.Value
		}
	}
	b.Fatal("no token")
	return ""
}

// discardWriter is a ResponseWriter that keeps headers and status only.
type discardWriter struct {
	h      http.Header
	status int
}

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(s int)           { d.status = s }
