package explorersim

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
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

// TestSeedCurlRequest sends the list request of the documentation's curl
// example, with a token from connect, and checks the documented shape.
func TestSeedCurlRequest(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.login(t, "demo", "demo")
	wf := e.sim.Workflows("demo")[0]
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+"/api-open/v1/workflows/"+wf.ID+
		"/jobs?filter=%7B%22status%22%3A%202%2C%20%20%22fromCreateTime%22%3A%201657874100000%7D&pageSize=10&page=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Cookie", "explorer_token="+tok)
	r := e.send(t, req)
	wantCode(t, r, 0, http.StatusOK)
	if r.env.Message != "Success" {
		t.Errorf("message = %q, want Success", r.env.Message)
	}
	if tp := r.header.Get("Traceparent"); !regexp.MustCompile(`^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$`).MatchString(tp) {
		t.Errorf("Traceparent = %q, want a W3C traceparent", tp)
	}

	var top map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &top); err != nil {
		t.Fatal(err)
	}
	if got := sortedKeys(top); !slices.Equal(got, []string{"code", "data", "message"}) {
		t.Errorf("envelope keys = %v", got)
	}
	var data map[string]json.RawMessage
	if err := json.Unmarshal(top["data"], &data); err != nil {
		t.Fatal(err)
	}
	if got := sortedKeys(data); !slices.Equal(got, []string{"Page", "PageSize", "items", "total"}) {
		t.Errorf("data keys = %v, want Page PageSize items total", got)
	}
	var items []map[string]any
	if err := json.Unmarshal(data["items"], &items); err != nil {
		t.Fatal(err)
	}
	if len(items) != 10 {
		t.Fatalf("got %d items, want a full page of 10", len(items))
	}
	wantTypes := map[string]string{"id": "number", "name": "string", "workflowId": "string", "workflowName": "string",
		"status": "number", "runBeginTime": "number", "runEndTime": "number", "createTime": "number"}
	for _, it := range items {
		if len(it) != len(wantTypes) {
			t.Errorf("item has keys %v, want exactly %d", sortedKeys(it), len(wantTypes))
		}
		for k, typ := range wantTypes {
			got := "missing"
			switch it[k].(type) {
			case float64:
				got = "number"
			case string:
				got = "string"
			}
			if got != typ {
				t.Errorf("item[%q] is %s, want %s", k, got, typ)
			}
		}
		if it["status"] != 2.0 || it["workflowId"] != wf.ID || it["workflowName"] != wf.Name {
			t.Errorf("item %v: want status 2 of workflow %s %s", it, wf.ID, wf.Name)
		}
		if it["createTime"].(float64) < 1657874100000 {
			t.Errorf("createTime %v before fromCreateTime", it["createTime"])
		}
	}
	page := decodeData[apiPage](t, r)
	want := truth(e.sim.Jobs("demo"), func(j JobRecord) bool { return j.WorkflowID == wf.ID && j.Status == 2 })
	if page.Total != len(want) || page.Page != 1 || page.PageSize != 10 {
		t.Errorf("total/Page/PageSize = %d/%d/%d, want %d/1/10", page.Total, page.Page, page.PageSize, len(want))
	}
	if got := ids(page.Items); !slices.Equal(got, want[:10]) {
		t.Errorf("items = %v, want %v", got, want[:10])
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// truth returns the IDs of jobs (newest first) that keep.
func truth(jobs []JobRecord, keep func(JobRecord) bool) []int64 {
	var out []int64
	for _, j := range jobs {
		if keep(j) {
			out = append(out, j.ID)
		}
	}
	return out
}

func ids(items []apiJob) []int64 {
	out := []int64{}
	for _, it := range items {
		out = append(out, it.ID)
	}
	return out
}

func listPath(wfID string, filter map[string]any, extra string) string {
	p := "/api-open/v1/jobs"
	if wfID != "" {
		p = "/api-open/v1/workflows/" + wfID + "/jobs"
	}
	q := url.Values{}
	if filter != nil {
		b, _ := json.Marshal(filter)
		q.Set("filter", string(b))
	}
	return p + "?" + q.Encode() + extra
}

func TestListFilters(t *testing.T) {
	e := newEnv(t, Options{})
	tok := e.login(t, "demo", "demo")
	jobs := e.sim.Jobs("demo")
	wfs := e.sim.Workflows("demo")
	pivot := jobs[len(jobs)/2]
	pivotMs := pivot.Created.UnixMilli()
	month := pivot.Created.In(time.FixedZone("", 8*3600)).Format("_200601")

	tests := []struct {
		name   string
		wfID   string
		filter map[string]any
		keep   func(JobRecord) bool
		asc    bool
	}{
		{"no filter, all workflows", "", nil, func(JobRecord) bool { return true }, false},
		{"one workflow", wfs[1].ID, nil, func(j JobRecord) bool { return j.WorkflowID == wfs[1].ID }, false},
		{"name substring, case-insensitive", "", map[string]any{"name": strings.ToUpper(wfs[2].Name[:5])},
			func(j JobRecord) bool { return strings.Contains(j.Name, wfs[2].Name[:5]) }, false},
		{"name substring of the time part", wfs[0].ID, map[string]any{"name": month},
			func(j JobRecord) bool { return j.WorkflowID == wfs[0].ID && strings.Contains(j.Name, month) }, false},
		{"name matching nothing", "", map[string]any{"name": "no such job"}, func(JobRecord) bool { return false }, false},
		{"from and to equal a creation time (inclusive)", "", map[string]any{"fromCreateTime": pivotMs, "toCreateTime": pivotMs},
			func(j JobRecord) bool { return j.Created.UnixMilli() == pivotMs }, false},
		{"from one ms after excludes it", "", map[string]any{"fromCreateTime": pivotMs + 1, "toCreateTime": pivotMs + 1},
			func(j JobRecord) bool { return j.Created.UnixMilli() == pivotMs+1 }, false},
		{"from only", "", map[string]any{"fromCreateTime": pivotMs},
			func(j JobRecord) bool { return j.Created.UnixMilli() >= pivotMs }, false},
		{"to only, ascending", wfs[3].ID, map[string]any{"toCreateTime": pivotMs, "orderByCreateTime": "asc"},
			func(j JobRecord) bool { return j.WorkflowID == wfs[3].ID && j.Created.UnixMilli() <= pivotMs }, true},
		{"from after to", "", map[string]any{"fromCreateTime": pivotMs, "toCreateTime": pivotMs - 1}, func(JobRecord) bool { return false }, false},
		{"explicit desc", "", map[string]any{"orderByCreateTime": "desc"}, func(JobRecord) bool { return true }, false},
		{"ascending", "", map[string]any{"orderByCreateTime": "asc"}, func(JobRecord) bool { return true }, true},
		{"status and name and range combined", "", map[string]any{"status": 3, "name": "_2026", "toCreateTime": pivotMs},
			func(j JobRecord) bool {
				return j.Status == 3 && strings.Contains(j.Name, "_2026") && j.Created.UnixMilli() <= pivotMs
			}, false},
	}
	for st := 0; st <= 5; st++ {
		tests = append(tests, struct {
			name   string
			wfID   string
			filter map[string]any
			keep   func(JobRecord) bool
			asc    bool
		}{"status " + itoa(int64(st)), "", map[string]any{"status": st}, func(j JobRecord) bool { return j.Status == st }, false})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := truth(jobs, tc.keep)
			if tc.asc {
				slices.Reverse(want)
			}
			page := e.list(t, listPath(tc.wfID, tc.filter, "&pageSize=50"), tok)
			if page.Total != len(want) {
				t.Errorf("total = %d, want %d", page.Total, len(want))
			}
			if got := ids(page.Items); !slices.Equal(got, want[:min(50, len(want))]) {
				t.Errorf("items = %v, want %v", got, want[:min(50, len(want))])
			}
			if page.Items == nil {
				t.Errorf("items is null, want []")
			}
		})
	}
	// The pivot job itself is found by its exact creation time.
	page := e.list(t, listPath("", map[string]any{"fromCreateTime": pivotMs, "toCreateTime": pivotMs}, ""), tok)
	if !slices.Contains(ids(page.Items), pivot.ID) {
		t.Errorf("job %d created at %d not in the inclusive range [%d, %d]", pivot.ID, pivotMs, pivotMs, pivotMs)
	}
}

func TestPagination(t *testing.T) {
	e := newEnv(t, Options{JobsPerAccount: 95})
	tok := e.login(t, "demo", "demo")
	all := truth(e.sim.Jobs("demo"), func(JobRecord) bool { return true })
	tests := []struct {
		name             string
		query            string
		wantPage, wantPS int
		want             []int64
	}{
		{"defaults", "", 1, 10, all[:10]},
		{"page 2 of 20", "&page=2&pageSize=20", 2, 20, all[20:40]},
		{"last partial page", "&page=5&pageSize=20", 5, 20, all[80:95]},
		{"past the end", "&page=6&pageSize=20", 6, 20, []int64{}},
		{"far past the end", "&page=999999999&pageSize=1000", 999999999, 1000, []int64{}},
		{"largest page number", "&page=9223372036854775807&pageSize=1000", 9223372036854775807, 1000, []int64{}},
		{"page size 1", "&pageSize=1&page=95", 95, 1, all[94:]},
		{"page size 1000", "&pageSize=1000", 1, 1000, all},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(t, http.MethodGet, "/api-open/v1/jobs?"+strings.TrimPrefix(tc.query, "&"), tok, "")
			if tc.want != nil && len(tc.want) == 0 && !strings.Contains(string(r.env.Data), `"items":[]`) {
				t.Errorf("empty page data = %s, want items []", r.env.Data)
			}
			page := decodeData[apiPage](t, r)
			if page.Total != len(all) || page.Page != tc.wantPage || page.PageSize != tc.wantPS {
				t.Errorf("total/Page/PageSize = %d/%d/%d, want %d/%d/%d", page.Total, page.Page, page.PageSize, len(all), tc.wantPage, tc.wantPS)
			}
			if got := ids(page.Items); !slices.Equal(got, tc.want) {
				t.Errorf("items = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestListParamErrors(t *testing.T) {
	e := newEnv(t, Options{JobsPerAccount: 50})
	tok := e.login(t, "demo", "demo")
	wf := e.sim.Workflows("demo")[0].ID
	base := "/api-open/v1/workflows/" + wf + "/jobs"
	tests := []struct{ name, path string }{
		{"filter not JSON", base + "?filter=" + url.QueryEscape("{status:2")},
		{"filter an array", base + "?filter=" + url.QueryEscape("[1]")},
		{"status 9", base + "?filter=" + url.QueryEscape(`{"status":9}`)},
		{"status -1", base + "?filter=" + url.QueryEscape(`{"status":-1}`)},
		{"status a string", base + "?filter=" + url.QueryEscape(`{"status":"2"}`)},
		{"status fractional", base + "?filter=" + url.QueryEscape(`{"status":1.5}`)},
		{"name a number", base + "?filter=" + url.QueryEscape(`{"name":7}`)},
		{"fromCreateTime a string", base + "?filter=" + url.QueryEscape(`{"fromCreateTime":"yesterday"}`)},
		{"toCreateTime negative", base + "?filter=" + url.QueryEscape(`{"toCreateTime":-5}`)},
		{"order up", base + "?filter=" + url.QueryEscape(`{"orderByCreateTime":"up"}`)},
		{"pageSize 0", base + "?pageSize=0"},
		{"pageSize 5000", base + "?pageSize=5000"},
		{"pageSize not a number", base + "?pageSize=ten"},
		{"page 0", base + "?page=0"},
		{"page negative", base + "?page=-3"},
		{"page not a number", base + "?page=1.5"},
		{"workflow id not numeric", "/api-open/v1/workflows/abc/jobs"},
		{"all jobs with bad page", "/api-open/v1/jobs?page=x"},
		{"all jobs with bad filter", "/api-open/v1/jobs?filter=%7B"},
		{"job id not numeric", "/api-open/v1/jobs/12a"},
		{"sample job id not numeric", "/api-open/v1/jobs/x/tasks/abc/sample_result"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(t, http.MethodGet, tc.path, tok, "")
			wantCode(t, r, CodeParam, http.StatusBadRequest)
			if r.env.Message == "" {
				t.Errorf("empty error message")
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	e := newEnv(t, Options{JobsPerAccount: 50})
	tok := e.login(t, "demo", "demo")
	job := e.sim.Jobs("demo")[10]
	tests := []struct{ name, method, path string }{
		{"unknown workflow", http.MethodGet, "/api-open/v1/workflows/1234567890/jobs"},
		{"start unknown workflow", http.MethodPost, "/api-open/v1/workflows/1234567890/jobs"},
		{"unknown job", http.MethodGet, "/api-open/v1/jobs/999999999"},
		{"cancel unknown job", http.MethodPut, "/api-open/v1/jobs/999999999/cancel"},
		{"sample of unknown job", http.MethodGet, "/api-open/v1/jobs/999999999/tasks/" + job.Tasks[0].ID + "/sample_result"},
		{"sample of unknown task", http.MethodGet, "/api-open/v1/jobs/" + itoa(job.ID) + "/tasks/00000000000000000000000000000000/sample_result"},
		{"unknown endpoint", http.MethodGet, "/api-open/v1/nothing"},
		{"outside the API", http.MethodGet, "/index.html"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, e.do(t, tc.method, tc.path, tok, ""), CodeNotFound, http.StatusNotFound)
		})
	}
	t.Run("wrong method", func(t *testing.T) {
		r := e.do(t, http.MethodDelete, "/api-open/v1/jobs/"+itoa(job.ID), tok, "")
		wantCode(t, r, CodeBadRequest, http.StatusMethodNotAllowed)
		if r.header.Get("Allow") != "GET" {
			t.Errorf("Allow = %q, want GET", r.header.Get("Allow"))
		}
	})
}

func TestSampleResult(t *testing.T) {
	e := newEnv(t, Options{JobsPerAccount: 500})
	tok := e.login(t, "demo", "demo")
	var two, three, failed, notRun *TaskRecord
	var twoJob, threeJob, failedJob, notRunJob int64
	for _, j := range e.sim.Jobs("demo") {
		for i := range j.Tasks {
			tk := &j.Tasks[i]
			switch {
			case tk.Status == StatusSuccess && tk.Columns == 2 && two == nil:
				two, twoJob = tk, j.ID
			case tk.Status == StatusSuccess && tk.Columns == 3 && three == nil:
				three, threeJob = tk, j.ID
			case tk.Status == StatusFailed && failed == nil:
				failed, failedJob = tk, j.ID
			case tk.Status == StatusPreparing && j.Status == StatusFailed && notRun == nil:
				notRun, notRunJob = tk, j.ID
			}
		}
	}
	if two == nil || three == nil || failed == nil || notRun == nil {
		t.Fatalf("seed lacks tasks of every kind: %v %v %v %v", two, three, failed, notRun)
	}
	if three.Name != "Louvain" && three.Name != "LPA" {
		t.Errorf("3-column task is %q, want a community algorithm", three.Name)
	}
	path := func(job int64, task string) string {
		return "/api-open/v1/jobs/" + itoa(job) + "/tasks/" + task + "/sample_result"
	}
	rows := func(t *testing.T, p string) [][]string {
		t.Helper()
		r := e.do(t, http.MethodGet, p, tok, "")
		if strings.Contains(string(r.env.Data), "null") {
			t.Errorf("data %s has null", r.env.Data)
		}
		var d struct {
			Items [][]string `json:"items"`
		}
		if err := json.Unmarshal(r.env.Data, &struct{ Items *[][]string }{&d.Items}); err != nil || r.env.Code != 0 {
			t.Fatalf("sample %s: code %d, %v: %s", p, r.env.Code, err, r.env.Data)
		}
		return d.Items
	}
	vertex := regexp.MustCompile(`^(player|team)\d+$`)
	score := regexp.MustCompile(`^\d+\.\d{6}$`)
	tests := []struct {
		name     string
		job      int64
		task     *TaskRecord
		query    string
		wantRows int
		wantCols int
	}{
		{"2 columns, default limit", twoJob, two, "", 10, 2},
		{"2 columns, limit 3", twoJob, two, "?limit=3", 3, 2},
		{"3 columns, limit 1", threeJob, three, "?limit=1", 1, 3},
		{"3 columns, limit 1000", threeJob, three, "?limit=1000", 1000, 3},
		{"failed task has no rows", failedJob, failed, "?limit=50", 0, 0},
		{"task that never ran has no rows", notRunJob, notRun, "?limit=50", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := rows(t, path(tc.job, tc.task.ID)+tc.query)
			if len(got) != tc.wantRows {
				t.Fatalf("%d rows, want %d", len(got), tc.wantRows)
			}
			for _, row := range got {
				if len(row) != tc.wantCols || !vertex.MatchString(row[0]) || !score.MatchString(row[1]) {
					t.Fatalf("row %q: want %d columns, a vertex ID and a %%.6f score", row, tc.wantCols)
				}
				if tc.wantCols == 3 && !regexp.MustCompile(`^\d+$`).MatchString(row[2]) {
					t.Errorf("row %q: want a community ID third", row)
				}
			}
			again := rows(t, path(tc.job, tc.task.ID)+tc.query)
			if len(again) > 0 && strings.Join(again[len(again)-1], ",") != strings.Join(got[len(got)-1], ",") {
				t.Errorf("sample rows differ between calls")
			}
		})
	}
	for _, q := range []string{"?limit=0", "?limit=1001", "?limit=abc", "?limit=-1"} {
		t.Run("bad "+q, func(t *testing.T) {
			wantCode(t, e.do(t, http.MethodGet, path(twoJob, two.ID)+q, tok, ""), CodeParam, http.StatusBadRequest)
		})
	}
	t.Run("a task of another job is not found", func(t *testing.T) {
		wantCode(t, e.do(t, http.MethodGet, path(twoJob, three.ID), tok, ""), CodeNotFound, http.StatusNotFound)
	})
}
