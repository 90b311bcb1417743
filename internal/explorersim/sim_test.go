package explorersim

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testStart is the ManualClock reading the tests' simulators start at.
var testStart = time.Date(2026, 3, 15, 9, 30, 0, 0, time.UTC)

// env is a simulator served over loopback HTTP with a manual clock.
type env struct {
	sim   *Sim
	clock *ManualClock
	srv   *httptest.Server
}

func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	clock := NewManualClock(testStart)
	if opts.Clock == nil {
		opts.Clock = clock
	}
	sim := New(opts)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return &env{sim: sim, clock: clock, srv: srv}
}

// resp is a decoded answer of the simulator.
type resp struct {
	status int
	header http.Header
	body   []byte
	env    struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
}

// do sends a request with the token cookie (if any) and decodes the
// envelope; it fails the test if the body is not an envelope.
func (e *env) do(t *testing.T, method, path, token, body string) resp {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Cookie", TokenCookie+"="+token)
	}
	return e.send(t, req)
}

func (e *env) send(t *testing.T, req *http.Request) resp {
	t.Helper()
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	var r resp
	r.status, r.header = res.StatusCode, res.Header
	if r.body, err = io.ReadAll(res.Body); err != nil {
		t.Fatalf("read body: %v", err)
	}
	if err := json.Unmarshal(r.body, &r.env); err != nil {
		t.Fatalf("%s %s: body is not an envelope: %v: %q", req.Method, req.URL.Path, err, r.body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s %s: Content-Type = %q, want application/json", req.Method, req.URL.Path, ct)
	}
	return r
}

// connectReq builds a connect request for account:password.
func (e *env) connectReq(t *testing.T, account, password, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/api-open/v1/connect", strings.NewReader(body))
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+base64.StdEncoding.EncodeToString([]byte(account+":"+password)))
	return req
}

// login connects as account and returns the token from Set-Cookie.
func (e *env) login(t *testing.T, account, password string) string {
	t.Helper()
	r := e.send(t, e.connectReq(t, account, password, `{"address":"127.0.0.1","port":9669}`))
	if r.env.Code != 0 {
		t.Fatalf("connect %s: code %d %q", account, r.env.Code, r.env.Message)
	}
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == TokenCookie {
			return c.Value
		}
	}
	t.Fatalf("connect %s: no %s cookie in %v", account, TokenCookie, r.header["Set-Cookie"])
	return ""
}

// wantCode fails the test unless r carries the envelope code and HTTP status.
func wantCode(t *testing.T, r resp, code, status int) {
	t.Helper()
	if r.env.Code != code || r.status != status {
		t.Errorf("got code %d (HTTP %d) %q, want code %d (HTTP %d)", r.env.Code, r.status, r.env.Message, code, status)
	}
	if code != 0 && string(r.env.Data) != "null" {
		t.Errorf("error data = %s, want null", r.env.Data)
	}
}

// apiJob is a job as the list endpoints serve it.
type apiJob struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	WorkflowID   string `json:"workflowId"`
	WorkflowName string `json:"workflowName"`
	Status       int    `json:"status"`
	RunBeginTime int64  `json:"runBeginTime"`
	RunEndTime   int64  `json:"runEndTime"`
	CreateTime   int64  `json:"createTime"`
}

// apiPage is the data of a list answer.
type apiPage struct {
	Items    []apiJob `json:"items"`
	Total    int      `json:"total"`
	Page     int      `json:"Page"`
	PageSize int      `json:"PageSize"`
}

// apiTask is a task as the job endpoint serves it.
type apiTask struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	RunBeginTime string `json:"runBeginTime"`
	RunEndTime   string `json:"runEndTime"`
	Status       int    `json:"status"`
}

// apiJobDetail is the data of the job endpoint.
type apiJobDetail struct {
	apiJob
	Tasks []apiTask `json:"tasks"`
}

func decodeData[T any](t *testing.T, r resp) T {
	t.Helper()
	var v T
	if r.env.Code != 0 {
		t.Fatalf("code %d %q, want success", r.env.Code, r.env.Message)
	}
	if err := json.Unmarshal(r.env.Data, &v); err != nil {
		t.Fatalf("decode data %s: %v", r.env.Data, err)
	}
	return v
}

// list fetches one list page.
func (e *env) list(t *testing.T, path, token string) apiPage {
	t.Helper()
	return decodeData[apiPage](t, e.do(t, http.MethodGet, path, token, ""))
}

// jobDetail fetches one job.
func (e *env) jobDetail(t *testing.T, token string, id int64) apiJobDetail {
	t.Helper()
	return decodeData[apiJobDetail](t, e.do(t, http.MethodGet, "/api-open/v1/jobs/"+itoa(id), token, ""))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
