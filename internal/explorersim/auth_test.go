package explorersim

import (
	"bytes"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestConnect(t *testing.T) {
	e := newEnv(t, Options{})
	t.Run("success sets the documented cookie", func(t *testing.T) {
		r := e.send(t, e.connectReq(t, "demo", "demo", `{"address":"192.168.8.145","port":9669}`))
		wantCode(t, r, 0, http.StatusOK)
		if string(r.env.Data) != `{"success":true}` {
			t.Errorf("data = %s, want {\"success\":true}", r.env.Data)
		}
		sc := r.header.Get("Set-Cookie")
		tok, attrs, _ := strings.Cut(sc, ";")
		name, value, _ := strings.Cut(tok, "=")
		if name != TokenCookie || len(value) < 22 {
			t.Errorf("Set-Cookie = %q, want explorer_token=<at least 128 bits>", sc)
		}
		for _, want := range []string{"Path=/", "Max-Age=259200", "HttpOnly"} {
			if !strings.Contains(attrs, want) {
				t.Errorf("Set-Cookie %q lacks %s", sc, want)
			}
		}
	})
	t.Run("tokens are distinct", func(t *testing.T) {
		seen := map[string]bool{}
		for range 20 {
			tok := e.login(t, "demo", "demo")
			if seen[tok] {
				t.Fatalf("token %q issued twice", tok)
			}
			seen[tok] = true
		}
	})
	good := `{"address":"127.0.0.1","port":9669}`
	tests := []struct {
		name, authz, body string
		code, status      int
	}{
		{"wrong password", "demo:nope", good, CodeUnauthorized, 401},
		{"unknown account", "nobody:demo", good, CodeUnauthorized, 401},
		{"other account's password", "demo:analyst", good, CodeUnauthorized, 401},
		{"no colon", "demodemo", good, CodeUnauthorized, 401},
		{"not base64", "!!!", good, CodeUnauthorized, 401},
		{"no Authorization", "", good, CodeUnauthorized, 401},
		{"body not JSON", "demo:demo", `address=x`, CodeParam, 400},
		{"no body", "demo:demo", ``, CodeParam, 400},
		{"address missing", "demo:demo", `{"port":9669}`, CodeParam, 400},
		{"address empty", "demo:demo", `{"address":"","port":9669}`, CodeParam, 400},
		{"port missing", "demo:demo", `{"address":"h"}`, CodeParam, 400},
		{"port 0", "demo:demo", `{"address":"h","port":0}`, CodeParam, 400},
		{"port 65536", "demo:demo", `{"address":"h","port":65536}`, CodeParam, 400},
		{"port a string", "demo:demo", `{"address":"h","port":"9669"}`, CodeParam, 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := e.connectReq(t, "", "", tc.body)
			switch tc.authz {
			case "":
				req.Header.Del("Authorization")
			case "!!!":
				req.Header.Set("Authorization", "Bearer !!!")
			default:
				req.Header.Set("Authorization", "Bearer "+b64(tc.authz))
			}
			r := e.send(t, req)
			wantCode(t, r, tc.code, tc.status)
			if r.header.Get("Set-Cookie") != "" {
				t.Errorf("failed connect set a cookie: %q", r.header.Get("Set-Cookie"))
			}
		})
	}
}

func TestTokenRequired(t *testing.T) {
	e := newEnv(t, Options{JobsPerAccount: 20})
	job := e.sim.Jobs("demo")[5]
	wf := e.sim.Workflows("demo")[0].ID
	endpoints := []struct{ method, path string }{
		{http.MethodGet, "/api-open/v1/jobs"},
		{http.MethodGet, "/api-open/v1/workflows/" + wf + "/jobs"},
		{http.MethodPost, "/api-open/v1/workflows/" + wf + "/jobs"},
		{http.MethodGet, "/api-open/v1/jobs/" + itoa(job.ID)},
		{http.MethodPut, "/api-open/v1/jobs/" + itoa(job.ID) + "/cancel"},
		{http.MethodGet, "/api-open/v1/jobs/" + itoa(job.ID) + "/tasks/" + job.Tasks[0].ID + "/sample_result"},
	}
	for _, ep := range endpoints {
		for _, tok := range []string{"", "not-a-token", strings.Repeat("A", 32)} {
			t.Run(ep.method+" "+ep.path+" token="+tok, func(t *testing.T) {
				wantCode(t, e.do(t, ep.method, ep.path, tok, ""), CodeUnauthorized, http.StatusUnauthorized)
			})
		}
	}
	if got := len(e.sim.Jobs("demo")); got != 20 {
		t.Errorf("unauthorised start created a job: %d jobs, want 20", got)
	}
}

func TestTokenExpiry(t *testing.T) {
	for _, ttl := range []time.Duration{0, 90 * time.Minute} {
		t.Run("ttl "+ttl.String(), func(t *testing.T) {
			e := newEnv(t, Options{JobsPerAccount: 20, TokenTTL: ttl})
			want := ttl
			if want == 0 {
				want = 72 * time.Hour
			}
			r := e.send(t, e.connectReq(t, "demo", "demo", `{"address":"h","port":9669}`))
			if sc := r.header.Get("Set-Cookie"); !strings.Contains(sc, "Max-Age="+itoa(int64(want/time.Second))+";") {
				t.Errorf("Set-Cookie = %q, want Max-Age=%d", sc, int64(want/time.Second))
			}
			tok := e.login(t, "demo", "demo")
			e.clock.Advance(want - time.Second)
			wantCode(t, e.do(t, http.MethodGet, "/api-open/v1/jobs", tok, ""), 0, http.StatusOK)
			e.clock.Advance(time.Second)
			wantCode(t, e.do(t, http.MethodGet, "/api-open/v1/jobs", tok, ""), CodeSession, http.StatusUnauthorized)
			fresh := e.login(t, "demo", "demo")
			wantCode(t, e.do(t, http.MethodGet, "/api-open/v1/jobs", fresh, ""), 0, http.StatusOK)
		})
	}
}

func TestRevokeTokens(t *testing.T) {
	e := newEnv(t, Options{JobsPerAccount: 20})
	demo1, demo2 := e.login(t, "demo", "demo"), e.login(t, "demo", "demo")
	analyst := e.login(t, "analyst", "analyst")
	e.sim.RevokeTokens("demo")
	for _, tok := range []string{demo1, demo2} {
		wantCode(t, e.do(t, http.MethodGet, "/api-open/v1/jobs", tok, ""), CodeUnauthorized, http.StatusUnauthorized)
	}
	wantCode(t, e.do(t, http.MethodGet, "/api-open/v1/jobs", analyst, ""), 0, http.StatusOK)
	wantCode(t, e.do(t, http.MethodGet, "/api-open/v1/jobs", e.login(t, "demo", "demo"), ""), 0, http.StatusOK)
}

func TestIsolation(t *testing.T) {
	e := newEnv(t, Options{JobsPerAccount: 300})
	tokA, tokB := e.login(t, "demo", "demo"), e.login(t, "analyst", "analyst")
	jobsA, jobsB := e.sim.Jobs("demo"), e.sim.Jobs("analyst")
	idsA := map[int64]bool{}
	for _, j := range jobsA {
		idsA[j.ID] = true
	}
	for _, j := range jobsB {
		if idsA[j.ID] {
			t.Errorf("job ID %d belongs to both accounts", j.ID)
		}
	}
	wfA := map[string]bool{}
	for _, w := range e.sim.Workflows("demo") {
		wfA[w.ID] = true
	}
	for _, w := range e.sim.Workflows("analyst") {
		if wfA[w.ID] {
			t.Errorf("workflow ID %s belongs to both accounts", w.ID)
		}
	}
	var running JobRecord
	for _, j := range jobsA {
		if j.Status == StatusRunning {
			running = j
			break
		}
	}
	if running.ID == 0 {
		t.Fatal("demo has no running job")
	}
	finished := jobsA[len(jobsA)-1]
	for _, tc := range []struct{ name, method, path string }{
		{"list A's workflow", http.MethodGet, "/api-open/v1/workflows/" + running.WorkflowID + "/jobs"},
		{"start A's workflow", http.MethodPost, "/api-open/v1/workflows/" + running.WorkflowID + "/jobs"},
		{"get A's job", http.MethodGet, "/api-open/v1/jobs/" + itoa(finished.ID)},
		{"cancel A's job", http.MethodPut, "/api-open/v1/jobs/" + itoa(running.ID) + "/cancel"},
		{"sample A's task", http.MethodGet, "/api-open/v1/jobs/" + itoa(finished.ID) + "/tasks/" + finished.Tasks[0].ID + "/sample_result"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, e.do(t, tc.method, tc.path, tokB, ""), CodeNotFound, http.StatusNotFound)
		})
	}
	if got := e.jobDetail(t, tokA, running.ID).Status; got != StatusRunning {
		t.Errorf("A's job status after B's cancel = %d, want still running", got)
	}
	if got, want := len(e.sim.Jobs("demo")), len(jobsA); got != want {
		t.Errorf("B's start changed A's jobs: %d, want %d", got, want)
	}
	t.Run("all-jobs lists hold only the caller's jobs", func(t *testing.T) {
		for tok, own := range map[string][]JobRecord{tokA: jobsA, tokB: jobsB} {
			page := e.list(t, "/api-open/v1/jobs?pageSize=1000", tok)
			if page.Total != len(own) {
				t.Errorf("total = %d, want %d", page.Total, len(own))
			}
			want := truth(own, func(JobRecord) bool { return true })
			if !slices.Equal(ids(page.Items), want) {
				t.Errorf("list holds jobs that are not the caller's")
			}
		}
	})
}

func TestRequestLogOmitsToken(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := newEnv(t, Options{JobsPerAccount: 20, Logger: logger})
	tok := e.login(t, "demo", "demo")
	e.list(t, "/api-open/v1/jobs?pageSize=3", tok)
	out := buf.String()
	if strings.Count(out, "explorersim request") != 2 {
		t.Errorf("want 2 request records, got:\n%s", out)
	}
	if !strings.Contains(out, "path=/api-open/v1/jobs") || !strings.Contains(out, "status=200") {
		t.Errorf("log lacks path or status:\n%s", out)
	}
	if strings.Contains(out, tok) {
		t.Errorf("log contains the token:\n%s", out)
	}
}

func TestTraceparent(t *testing.T) {
	e := newEnv(t, Options{JobsPerAccount: 20})
	const in = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	req := e.connectReq(t, "demo", "demo", `{"address":"h","port":1}`)
	req.Header.Set("Traceparent", in)
	got := e.send(t, req).header.Get("Traceparent")
	if !strings.HasPrefix(got, in[:36]) || got == in || len(got) != len(in) || !strings.HasSuffix(got, "-01") {
		t.Errorf("Traceparent = %q, want trace %s continued with a new span", got, in[3:35])
	}
	a := e.do(t, http.MethodGet, "/api-open/v1/jobs", "", "").header.Get("Traceparent")
	b := e.do(t, http.MethodGet, "/api-open/v1/jobs", "", "").header.Get("Traceparent")
	if len(a) != 55 || a[3:35] == b[3:35] {
		t.Errorf("fresh traceparents %q and %q: want distinct random trace IDs", a, b)
	}
}

func TestBanner(t *testing.T) {
	s := New(Options{Clock: NewManualClock(testStart)})
	banner := s.Banner()
	for _, acc := range DemoAccounts() {
		if !strings.Contains(banner, `"`+acc.Name+`"`) || !strings.Contains(banner, `password "`+acc.Password+`"`) {
			t.Errorf("banner lacks account %s:\n%s", acc.Name, banner)
		}
		for _, w := range s.Workflows(acc.Name) {
			if !strings.Contains(banner, w.ID+" "+w.Name) {
				t.Errorf("banner lacks workflow %s %s:\n%s", w.ID, w.Name, banner)
			}
		}
	}
	if DemoAccounts()[0] != (Account{Name: "demo", Password: "demo"}) || len(DemoAccounts()) < 2 {
		t.Errorf("DemoAccounts() = %v, want demo/demo first and at least two", DemoAccounts())
	}
	many := make([]Account, 200)
	for i := range many {
		many[i] = Account{Name: "user" + itoa(int64(i)), Password: "pw"}
	}
	if b := New(Options{Accounts: many}).Banner(); strings.Count(b, "\n") > 8 || !strings.Contains(b, "196 more") {
		t.Errorf("banner of 200 accounts is not short:\n%s", b)
	}
}
