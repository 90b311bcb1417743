package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"jobboard/internal/config"
	"jobboard/internal/testenv"
)

var listenRE = regexp.MustCompile(`on (http://[0-9.:a-z]+)`)

// start runs Run() in the background and returns the base URL it printed.
func start(t *testing.T, args []string, env map[string]string) (base string, stdout *testenv.SyncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &testenv.SyncBuffer{}, &testenv.SyncBuffer{}
	done := make(chan error, 1)
	env = withTempDB(t, env)
	go func() { done <- Run(ctx, args, func(k string) string { return env[k] }, stdout, stderr) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := listenRE.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("run returned early: %v\nstderr: %s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("run did not print its address; stdout: %q stderr: %q", stdout.String(), stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	var once sync.Once
	var stopErr error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(20 * time.Second):
				stopErr = errors.New("run did not return after cancel")
			}
		})
		return stopErr
	}
	t.Cleanup(func() { _ = stop() })
	return base, stdout, stop
}

func TestHelpListsEveryVariable(t *testing.T) {
	var out bytes.Buffer
	err := Run(context.Background(), []string{"-h"}, func(string) string { return "" }, &out, &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("run -h: err = %v, want flag.ErrHelp", err)
	}
	for _, v := range []string{"-addr", "JOBBOARD_ADDR", "-explorer-url", "EXPLORER_URL", "-explorer-timeout", "EXPLORER_TIMEOUT", "SESSION_KEYS", "NEBULA_ADDRESS", "NEBULA_PORT"} {
		if !strings.Contains(out.String(), v) {
			t.Errorf("help does not mention %s", v)
		}
	}
}

func TestInvalidConfigurationFailsWithReason(t *testing.T) {
	env := map[string]string{"EXPLORER_URL": "ftp://x", "NEBULA_ADDRESS": "graphd"}
	err := Run(context.Background(), nil, func(k string) string { return env[k] }, io.Discard, io.Discard)
	if err == nil || err.Error() != `jobboard: EXPLORER_URL "ftp://x" is not an http(s) URL` {
		t.Fatalf("err = %v", err)
	}
}

func TestDemoStartsWithEmbeddedSimulatorAndStops(t *testing.T) {
	base, stdout, stop := start(t, []string{"-addr", "127.0.0.1:0"}, nil)
	if !strings.Contains(stdout.String(), "demo") {
		t.Errorf("startup output does not say how to sign in: %q", stdout.String())
	}
	res, err := http.Get(base + "/login")
	if err != nil {
		t.Fatalf("GET /login: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET /login: status %d, want 200", res.StatusCode)
	}
	if err := stop(); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

// TestSimulateAnswersTheSeedRequest sends the documentation's curl request,
// with a token from connect, to `jobboard simulate`.
func TestSimulateAnswersTheSeedRequest(t *testing.T) {
	base, stdout, _ := start(t, []string{"simulate", "-addr", "127.0.0.1:0"}, nil)
	if !strings.Contains(stdout.String(), "demo") {
		t.Errorf("simulate does not print the demo accounts: %q", stdout.String())
	}
	base = strings.TrimSuffix(strings.TrimSuffix(base, "/"), "/api-open/v1")
	req, _ := http.NewRequest(http.MethodPost, base+"/api-open/v1/connect", strings.NewReader(`{"address":"127.0.0.1","port":9669}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+base64.StdEncoding.EncodeToString([]byte("demo:demo")))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	res.Body.Close()
	var token string
	for _, c := range res.Cookies() {
		if c.Name == "explorer_token" {
			token = c.Value
		}
	}
	if token == "" {
		t.Fatalf("connect set no explorer_token cookie (status %d)", res.StatusCode)
	}
	wf := firstWorkflowID(t, base, token)
	url := base + "/api-open/v1/workflows/" + wf + "/jobs?filter=%7B%22status%22%3A%202%2C%20%20%22fromCreateTime%22%3A%201657874100000%7D&pageSize=10&page=1"
	req, _ = http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Cookie", "explorer_token="+token)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	defer res.Body.Close()
	var env struct {
		Code    *int   `json:"code"`
		Message string `json:"message"`
		Data    struct {
			Items    []map[string]any `json:"items"`
			Total    *int             `json:"total"`
			Page     *int             `json:"Page"`
			PageSize *int             `json:"PageSize"`
		} `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&env); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if env.Code == nil || *env.Code != 0 || env.Data.Total == nil || env.Data.Page == nil || *env.Data.Page != 1 || env.Data.PageSize == nil || *env.Data.PageSize != 10 {
		t.Fatalf("envelope = %+v", env)
	}
	if len(env.Data.Items) == 0 {
		t.Fatal("no succeeded jobs in the demo workflow")
	}
	for _, it := range env.Data.Items {
		if it["status"] != float64(2) {
			t.Errorf("status filter not applied: %v", it["status"])
		}
		if _, ok := it["workflowId"].(string); !ok {
			t.Errorf("workflowId is not a string: %v", it["workflowId"])
		}
	}
}

func firstWorkflowID(t *testing.T, base, token string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/api-open/v1/jobs?pageSize=1", nil)
	req.Header.Set("Cookie", "explorer_token="+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("all jobs: %v", err)
	}
	defer res.Body.Close()
	var env struct {
		Data struct {
			Items []struct {
				WorkflowID string `json:"workflowId"`
			} `json:"items"`
		} `json:"data"`
	}
	if err := json.NewDecoder(res.Body).Decode(&env); err != nil || len(env.Data.Items) == 0 {
		t.Fatalf("all jobs: %v %+v", err, env)
	}
	return env.Data.Items[0].WorkflowID
}

// TestServeLetsInFlightRequestsFinish cancels the context while a slow
// request is in flight: the request still completes, then serve returns.
func TestServeLetsInFlightRequestsFinish(t *testing.T) {
	started := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		io.WriteString(w, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, newServer(h), ln, 5*time.Second, slog.New(slog.DiscardHandler)) }()

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String())
		if err != nil {
			got <- result{err: err}
			return
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		got <- result{string(b), err}
	}()
	<-started
	cancel()
	r := <-got
	if r.err != nil || r.body != "finished" {
		t.Errorf("in-flight request: body %q, err %v; want it to finish", r.body, r.err)
	}
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}

func TestVersionPrintsVersionAndCommit(t *testing.T) {
	for _, tc := range []struct{ version, commit, want string }{
		{"1.4.2", "0123abc", "jobboard 1.4.2 (commit 0123abc, go"},
		{"dev", "", "jobboard dev (commit "},
	} {
		old, oldCommit := version, commit
		version, commit = tc.version, tc.commit
		var out bytes.Buffer
		err := Run(context.Background(), []string{"-version"}, func(string) string { return "" }, &out, &out)
		version, commit = old, oldCommit
		if err != nil {
			t.Fatalf("run -version: %v", err)
		}
		if !strings.HasPrefix(out.String(), tc.want) || strings.Count(out.String(), "\n") != 1 {
			t.Errorf("-version with version %q commit %q printed %q, want prefix %q", tc.version, tc.commit, out.String(), tc.want)
		}
		if tc.commit == "" && strings.Contains(out.String(), "(commit ,") {
			t.Errorf("-version without a commit printed an empty one: %q", out.String())
		}
	}
}

// getBody fetches url and returns its status and body.
func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return res.StatusCode, string(b)
}

func TestHealthReadinessAndMetricsOnABootedServer(t *testing.T) {
	base, stdout, _ := start(t, []string{"-addr", "127.0.0.1:0", "-metrics-addr", "127.0.0.1:0"}, nil)
	if st, body := getBody(t, base+"/healthz"); st != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz = %d %q", st, body)
	}
	if st, body := getBody(t, base+"/readyz"); st != http.StatusOK || body != "ready\n" {
		t.Errorf("/readyz = %d %q (the embedded simulator is up)", st, body)
	}
	m := metricsRE.FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("no metrics address printed: %q", stdout.String())
	}
	st, body := getBody(t, m[1]+"/metrics")
	if st != http.StatusOK {
		t.Fatalf("/metrics = %d", st)
	}
	for _, want := range []string{
		`jobboard_build_info{commit="`,
		`jobboard_upstream_circuit_breaker_state{state="closed"} 1`,
		`jobboard_http_requests_total{method="GET",route="/readyz",status="200"} 1`,
		`jobboard_upstream_calls_total{endpoint="list jobs",outcome="unauthorized"} 1`,
		"jobboard_active_polling_clients 0",
		"go_goroutines ",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

var metricsRE = regexp.MustCompile(`metrics at (http://[0-9.:]+)/metrics`)

func TestMetricsOnSeparateAddress(t *testing.T) {
	base, stdout, _ := start(t, []string{"-addr", "127.0.0.1:0", "-metrics-addr", "127.0.0.1:0"}, nil)
	m := metricsRE.FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("no metrics address printed: %q", stdout.String())
	}
	if st, body := getBody(t, m[1]+"/metrics"); st != http.StatusOK || !strings.Contains(body, "jobboard_build_info") {
		t.Errorf("metrics listener: %d, body has build info: %v", st, strings.Contains(body, "jobboard_build_info"))
	}
	if st, _ := getBody(t, base+"/metrics"); st != http.StatusNotFound {
		t.Errorf("/metrics on the dashboard's address = %d, want 404 when -metrics-addr is set", st)
	}
}

// TestMetricsNotOnTheDashboardsPortByDefault checks /metrics is not
// served to readers unless asked for with a bearer token, and that the
// default loopback metrics address being taken does not stop the
// dashboard.
func TestMetricsNotOnTheDashboardsPortByDefault(t *testing.T) {
	if ln, err := net.Listen("tcp", config.DefaultMetricsAddr); err == nil {
		t.Cleanup(func() { _ = ln.Close() }) // taken: as by another replica
	}
	base, _, _ := start(t, []string{"-addr", "127.0.0.1:0"}, nil)
	if st, _ := getBody(t, base+"/metrics"); st != http.StatusNotFound {
		t.Errorf("/metrics on the dashboard's port by default = %d, want 404", st)
	}
	if st, _ := getBody(t, base+"/healthz"); st != http.StatusOK {
		t.Errorf("/healthz = %d with the default metrics address taken, want 200", st)
	}

	base, _, _ = start(t, []string{"-addr", "127.0.0.1:0", "-metrics-addr", "off"}, map[string]string{"JOBBOARD_METRICS_TOKEN": "scrape-s3cret"})
	get := func(auth string) int {
		req, _ := http.NewRequest(http.MethodGet, base+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if st := get(""); st != http.StatusUnauthorized {
		t.Errorf("/metrics without the token = %d, want 401", st)
	}
	if st := get("Bearer wrong"); st != http.StatusUnauthorized {
		t.Errorf("/metrics with a wrong token = %d, want 401", st)
	}
	if st := get("Bearer scrape-s3cret"); st != http.StatusOK {
		t.Errorf("/metrics with the token = %d, want 200", st)
	}
}

func TestProductionModeRefusesGeneratedKeys(t *testing.T) {
	env := map[string]string{"JOBBOARD_PRODUCTION": "true", "JOBBOARD_SECURE_COOKIE": "true"}
	err := Run(context.Background(), []string{"-addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "needs SESSION_KEYS") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v, want one line about SESSION_KEYS", err)
	}
}

func TestProductionModeLogsJSON(t *testing.T) {
	env := map[string]string{
		"JOBBOARD_PRODUCTION":       "true",
		"JOBBOARD_BEHIND_TLS_PROXY": "true",
		"SESSION_KEYS":              "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f:000102030405060708090a0b0c0d0e0f",
	}
	env = withTempDB(t, env)
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &testenv.SyncBuffer{}, &testenv.SyncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, []string{"-addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, stdout, stderr)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !listenRE.MatchString(stdout.String()) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	base := listenRE.FindStringSubmatch(stdout.String())
	if base == nil {
		cancel()
		t.Fatalf("did not start: %s", stderr.String())
	}
	if st, _ := getBody(t, base[1]+"/login"); st != http.StatusOK {
		t.Errorf("/login = %d", st)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	var sawRequest bool
	for _, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("log line is not JSON: %q", line)
			continue
		}
		if rec["msg"] == "request" && rec["route"] == "/login" {
			sawRequest = true
			if id, _ := rec["trace_id"].(string); len(id) != 32 {
				t.Errorf("request line trace_id = %v", rec["trace_id"])
			}
		}
	}
	if !sawRequest {
		t.Errorf("no JSON request line for /login in %q", stderr.String())
	}
}

// withTempDB gives a run its own SQLite file in a temp dir unless env
// names one, so no test leaves jobboard.db in the package directory.
func withTempDB(t *testing.T, env map[string]string) map[string]string {
	t.Helper()
	if env["JOBBOARD_DB"] != "" || env["DATABASE_URL"] != "" {
		return env
	}
	out := map[string]string{"JOBBOARD_DB": filepath.Join(t.TempDir(), "jobboard.db")}
	for k, v := range env {
		out[k] = v
	}
	return out
}
