package apiclient_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"jobboard/apiclient"
)

// seedListResponse is the response body of the list endpoint's
// documentation, verbatim (quoted in docs/explorer-api.md).
const seedListResponse = `{
"code": 0,
"data": {
"items": [
{
"id": 115,
"name": "workflow_q745a_20220715163650",
"workflowId": "4216617528",
"workflowName": "workflow_q745a",
"status": 2,
"runBeginTime": 1657874212000,
"runEndTime": 1657874218000,
"createTime": 1657874210088
}
],
"total": 1,
"Page": 1,
"PageSize": 10
},
"message": "Success"
}`

// seedJob is the job of seedListResponse as the client returns it.
var seedJob = apiclient.Job{
	ID:           115,
	Name:         "workflow_q745a_20220715163650",
	WorkflowID:   "4216617528",
	WorkflowName: "workflow_q745a",
	Status:       apiclient.StatusSuccess,
	RunBegin:     ms(1657874212000),
	RunEnd:       ms(1657874218000),
	Created:      ms(1657874210088),
}

// jobWithTasksResponse is the documented one-job answer: the job fields
// plus the documented task.
const jobWithTasksResponse = `{"code":0,"message":"Success","data":{
 "id": 115, "name": "workflow_q745a_20220715163650",
 "workflowId": "4216617528", "workflowName": "workflow_q745a",
 "status": 2, "runBeginTime": 1657874212000,
 "runEndTime": 1657874218000, "createTime": 1657874210088,
 "tasks": [{"id": "f93dea90fc3a11ecac7e6da0662c195b",
  "name": "BFS", "runBeginTime": "2022-07-12T10:33:35+08:00", "runEndTime":
  "2022-07-12T10:33:38+08:00", "status": 2}]}}`

const sampleResultResponse = `{"code":0,"message":"Success","data":{"items": [["player110","0.150000"],
["team219","0.452126"]]}}`

func TestListWorkflowJobsSeedExample(t *testing.T) {
	c, rec := serve(t, 200, seedListResponse, "Content-Type", "application/json")
	q := apiclient.ListQuery{
		Status:   statusPtr(apiclient.StatusSuccess),
		From:     time.UnixMilli(1657874100000),
		PageSize: 10,
		Page:     1,
	}
	got, err := c.ListWorkflowJobs(ctxT(t), testToken, 4216617528, q)
	if err != nil {
		t.Fatalf("ListWorkflowJobs: %v", err)
	}
	want := apiclient.JobPage{Items: []apiclient.Job{seedJob}, Total: 1, Page: 1, PageSize: 10}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}

	req := rec.only(t)
	checkAuthed(t, req, http.MethodGet, "/api-open/v1/workflows/4216617528/jobs", "application/json")
	gotFilter, gotRest := splitQuery(t, req.RawQuery)
	wantFilter, wantRest := splitQuery(t, seedCurlQuery)
	if diff := cmp.Diff(wantFilter, gotFilter); diff != "" {
		t.Errorf("filter sent (-doc +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantRest, gotRest); diff != "" {
		t.Errorf("query sent (-doc +got):\n%s", diff)
	}
	if len(req.Body) != 0 {
		t.Errorf("GET sent a body of %d bytes", len(req.Body))
	}
}

func TestListJobsDecoding(t *testing.T) {
	tests := []struct {
		name string
		body string
		want apiclient.JobPage
	}{
		{
			name: "items null is an empty page",
			body: `{"code":0,"message":"Success","data":{"items":null,"total":0,"Page":1,"PageSize":10}}`,
			want: apiclient.JobPage{Items: []apiclient.Job{}, Page: 1, PageSize: 10},
		},
		{
			name: "items absent, page past the end keeps total",
			body: `{"code":0,"data":{"total":42,"Page":9,"PageSize":10}}`,
			want: apiclient.JobPage{Items: []apiclient.Job{}, Total: 42, Page: 9, PageSize: 10},
		},
		{
			name: "running job: end 0, begin missing, unknown fields, numeric workflowId",
			body: `{"code":0,"message":"Success","extra":{"a":1},"data":{"items":[
				{"id":7,"name":"wf_20240101000000","workflowId":4216617528,"workflowName":"wf",
				 "status":1,"runEndTime":0,"createTime":1704067200000,"owner":"root"}],
				"total":1,"Page":1,"PageSize":10,"next":null}}`,
			want: apiclient.JobPage{Items: []apiclient.Job{{
				ID: 7, Name: "wf_20240101000000", WorkflowID: "4216617528", WorkflowName: "wf",
				Status: apiclient.StatusRunning, Created: ms(1704067200000),
			}}, Total: 1, Page: 1, PageSize: 10},
		},
		{
			name: "null times, string id and string epoch",
			body: `{"code":0,"data":{"items":[{"id":"8","status":0,"runBeginTime":null,
				"runEndTime":null,"createTime":"1704067200000"}],"total":1,"Page":1,"PageSize":1}}`,
			want: apiclient.JobPage{Items: []apiclient.Job{{ID: 8, Created: ms(1704067200000)}},
				Total: 1, Page: 1, PageSize: 1},
		},
		{
			name: "unknown status 9 is kept",
			body: `{"code":0,"data":{"items":[{"id":9,"status":9,"createTime":1}],"total":1,"Page":1,"PageSize":10}}`,
			want: apiclient.JobPage{Items: []apiclient.Job{{ID: 9, Status: apiclient.Status(9), Created: ms(1)}},
				Total: 1, Page: 1, PageSize: 10},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := serve(t, 200, tt.body)
			got, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{})
			if err != nil {
				t.Fatalf("ListJobs: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("page (-want +got):\n%s", diff)
			}
			if got.Items == nil {
				t.Error("Items is nil, want a non-nil slice")
			}
			req := rec.only(t)
			checkAuthed(t, req, http.MethodGet, "/api-open/v1/jobs", "application/json")
			if req.RawQuery != "" {
				t.Errorf("query = %q, want none for a zero ListQuery", req.RawQuery)
			}
		})
	}
}

func TestUnknownStatusString(t *testing.T) {
	c, _ := serve(t, 200, `{"code":0,"data":{"items":[{"id":1,"status":9}],"total":1}}`)
	page, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{})
	if err != nil {
		t.Fatalf("ListJobs: %v", err)
	}
	if got := page.Items[0].Status.String(); got != "Unknown (9)" {
		t.Errorf("Status.String() = %q, want %q", got, "Unknown (9)")
	}
	if page.Items[0].Status.Known() {
		t.Error("status 9 reported as known")
	}
}

func TestGetJobWithTasks(t *testing.T) {
	c, rec := serve(t, 200, jobWithTasksResponse)
	got, err := c.GetJob(ctxT(t), testToken, 115)
	if err != nil {
		t.Fatalf("GetJob: %v", err)
	}
	cst := time.FixedZone("", 8*3600)
	want := apiclient.JobDetail{
		Job: seedJob,
		Tasks: []apiclient.Task{{
			ID:       "f93dea90fc3a11ecac7e6da0662c195b",
			Name:     "BFS",
			Status:   apiclient.StatusSuccess,
			RunBegin: time.Date(2022, 7, 12, 10, 33, 35, 0, cst),
			RunEnd:   time.Date(2022, 7, 12, 10, 33, 38, 0, cst),
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("job (-want +got):\n%s", diff)
	}
	if _, off := got.Tasks[0].RunBegin.Zone(); off != 8*3600 {
		t.Errorf("task time offset = %d s, want +08:00 kept", off)
	}
	req := rec.only(t)
	checkAuthed(t, req, http.MethodGet, "/api-open/v1/jobs/115", "application/json")
	if req.RawQuery != "" {
		t.Errorf("query = %q, want none", req.RawQuery)
	}
}

func TestGetJobTaskTimesAbsentOrEmpty(t *testing.T) {
	c, _ := serve(t, 200, `{"code":0,"data":{"id":5,"status":1,"createTime":1000,
		"tasks":[{"id":"a","name":"PageRank","status":1,"runBeginTime":"2022-07-12T10:33:35Z","runEndTime":""},
		         {"id":"b","name":"LPA","status":0}]}}`)
	got, err := c.GetJob(ctxT(t), testToken, 5)
	if err != nil {
		t.Fatalf("GetJob: %v", err)
	}
	want := apiclient.JobDetail{
		Job: apiclient.Job{ID: 5, Status: apiclient.StatusRunning, Created: ms(1000)},
		Tasks: []apiclient.Task{
			{ID: "a", Name: "PageRank", Status: apiclient.StatusRunning, RunBegin: time.Date(2022, 7, 12, 10, 33, 35, 0, time.UTC)},
			{ID: "b", Name: "LPA", Status: apiclient.StatusPreparing},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("job (-want +got):\n%s", diff)
	}
}

func TestGetJobWithoutTasksHasEmptyTasks(t *testing.T) {
	c, _ := serve(t, 200, `{"code":0,"data":{"id":5,"status":0,"tasks":null}}`)
	got, err := c.GetJob(ctxT(t), testToken, 5)
	if err != nil {
		t.Fatalf("GetJob: %v", err)
	}
	if got.Tasks == nil || len(got.Tasks) != 0 {
		t.Errorf("Tasks = %#v, want an empty non-nil slice", got.Tasks)
	}
}

func TestCancelJob(t *testing.T) {
	c, rec := serve(t, 200, `{"code":0,"message":"Success","data":{"success":true}}`)
	if err := c.CancelJob(ctxT(t), testToken, 105); err != nil {
		t.Fatalf("CancelJob: %v", err)
	}
	req := rec.only(t)
	checkAuthed(t, req, http.MethodPut, "/api-open/v1/jobs/105/cancel", "application/x-www-form-urlencoded")
	if len(req.Body) != 0 || req.RawQuery != "" {
		t.Errorf("cancel sent body %q and query %q, want neither", req.Body, req.RawQuery)
	}
}

func TestStartJob(t *testing.T) {
	tests := []struct {
		name     string
		in       apiclient.Input
		response string
		wantBody map[string]any
		wantID   int64
	}{
		{
			name:     "nil input, numeric id",
			in:       nil,
			response: `{"code":0,"message":"Success","data":{"id":107}}`,
			wantBody: map[string]any{},
			wantID:   107,
		},
		{
			name: "input, string id",
			in: apiclient.Input{"f93dea90fc3a11ecac7e6da0662c195b": {
				"maxIter": 10, "vid": "player100", "damping": 0.85,
			}},
			response: `{"code":0,"message":"Success","data":{"id":"108"}}`,
			wantBody: map[string]any{"input": map[string]any{"f93dea90fc3a11ecac7e6da0662c195b": map[string]any{
				"maxIter": json.Number("10"), "vid": "player100", "damping": json.Number("0.85"),
			}}},
			wantID: 108,
		},
		{
			name:     "empty non-nil input is sent",
			in:       apiclient.Input{},
			response: `{"code":0,"data":{"id":9007199254740993}}`,
			wantBody: map[string]any{"input": map[string]any{}},
			wantID:   9007199254740993,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := serve(t, 200, tt.response)
			id, err := c.StartJob(ctxT(t), testToken, 4216617528, tt.in)
			if err != nil {
				t.Fatalf("StartJob: %v", err)
			}
			if id != tt.wantID {
				t.Errorf("id = %d, want %d", id, tt.wantID)
			}
			req := rec.only(t)
			checkAuthed(t, req, http.MethodPost, "/api-open/v1/workflows/4216617528/jobs", "application/json")
			dec := json.NewDecoder(strings.NewReader(string(req.Body)))
			dec.UseNumber()
			var body map[string]any
			if err := dec.Decode(&body); err != nil {
				t.Fatalf("body %q is not a JSON object: %v", req.Body, err)
			}
			if diff := cmp.Diff(tt.wantBody, body); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStartJobBadID(t *testing.T) {
	for _, body := range []string{
		`{"code":0,"data":{"id":"abc"}}`,
		`{"code":0,"data":{"id":1.5}}`,
		`{"code":0,"data":{}}`,
		`{"code":0,"data":{"id":null}}`,
		`{"code":0,"data":{"id":true}}`,
	} {
		t.Run(body, func(t *testing.T) {
			c, _ := serve(t, 200, body)
			id, err := c.StartJob(ctxT(t), testToken, 1, nil)
			if !errors.Is(err, apiclient.ErrBadResponse) {
				t.Fatalf("StartJob = %d, %v; want ErrBadResponse", id, err)
			}
		})
	}
}

func TestStartJobRejectsBadInputLocally(t *testing.T) {
	c, rec := serve(t, 200, `{"code":0,"data":{"id":1}}`)
	for name, in := range map[string]apiclient.Input{
		"bool value":    {"t": {"p": true}},
		"nested value":  {"t": {"p": map[string]any{"x": 1}}},
		"empty task ID": {"": {"p": "v"}},
	} {
		if _, err := c.StartJob(ctxT(t), testToken, 1, in); !errors.Is(err, apiclient.ErrBadParam) {
			t.Errorf("%s: StartJob = %v, want ErrBadParam", name, err)
		}
	}
	if n := rec.count(); n != 0 {
		t.Errorf("server received %d requests, want none", n)
	}
}

func TestSampleResult(t *testing.T) {
	tests := []struct {
		name      string
		taskID    string
		limit     int
		wantPath  string
		wantLimit string
	}{
		{"documented", "f93dea90fc3a11ecac7e6da0662c195b", 2,
			"/api-open/v1/jobs/115/tasks/f93dea90fc3a11ecac7e6da0662c195b/sample_result", "2"},
		{"limit 0 sends the default", "f93dea90fc3a11ecac7e6da0662c195b", 0,
			"/api-open/v1/jobs/115/tasks/f93dea90fc3a11ecac7e6da0662c195b/sample_result", "10"},
		{"task ID is path-escaped", "a/b?c", 5,
			"/api-open/v1/jobs/115/tasks/a%2Fb%3Fc/sample_result", "5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := serve(t, 200, sampleResultResponse)
			rows, err := c.SampleResult(ctxT(t), testToken, 115, tt.taskID, tt.limit)
			if err != nil {
				t.Fatalf("SampleResult: %v", err)
			}
			want := [][]string{{"player110", "0.150000"}, {"team219", "0.452126"}}
			if diff := cmp.Diff(want, rows); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			req := rec.only(t)
			checkAuthed(t, req, http.MethodGet, tt.wantPath, "application/json")
			if want := "limit=" + tt.wantLimit; req.RawQuery != want {
				t.Errorf("query = %q, want %q", req.RawQuery, want)
			}
		})
	}
}

func TestSampleResultThreeColumnsAndNull(t *testing.T) {
	c, _ := serve(t, 200, `{"code":0,"data":{"items":[["v1","0.5",3],["v2","0.25","4"]]}}`)
	rows, err := c.SampleResult(ctxT(t), testToken, 1, "t", 10)
	if err != nil {
		t.Fatalf("SampleResult: %v", err)
	}
	if diff := cmp.Diff([][]string{{"v1", "0.5", "3"}, {"v2", "0.25", "4"}}, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}

	c, _ = serve(t, 200, `{"code":0,"data":{"items":null}}`)
	rows, err = c.SampleResult(ctxT(t), testToken, 1, "t", 10)
	if err != nil || rows == nil || len(rows) != 0 {
		t.Errorf("SampleResult(items null) = %#v, %v; want empty non-nil", rows, err)
	}
}

func TestLocalArgumentChecks(t *testing.T) {
	c, rec := serve(t, 200, `{"code":0,"data":{}}`)
	ctx := ctxT(t)
	checks := map[string]func() error{
		"list workflow 0":   func() error { _, err := c.ListWorkflowJobs(ctx, testToken, 0, apiclient.ListQuery{}); return err },
		"get job -1":        func() error { _, err := c.GetJob(ctx, testToken, -1); return err },
		"cancel job 0":      func() error { return c.CancelJob(ctx, testToken, 0) },
		"start workflow 0":  func() error { _, err := c.StartJob(ctx, testToken, 0, nil); return err },
		"sample job 0":      func() error { _, err := c.SampleResult(ctx, testToken, 0, "t", 1); return err },
		"sample empty task": func() error { _, err := c.SampleResult(ctx, testToken, 1, "", 1); return err },
		"sample task ..":    func() error { _, err := c.SampleResult(ctx, testToken, 1, "..", 1); return err },
		"connect no account": func() error {
			_, err := c.Connect(ctx, "", "pw", "graphd", 9669)
			return err
		},
		"connect account with colon": func() error {
			_, err := c.Connect(ctx, "a:b", "pw", "graphd", 9669)
			return err
		},
		"connect no address": func() error { _, err := c.Connect(ctx, "root", "pw", " ", 9669); return err },
		"connect port 0":     func() error { _, err := c.Connect(ctx, "root", "pw", "graphd", 0); return err },
		"connect port 70000": func() error { _, err := c.Connect(ctx, "root", "pw", "graphd", 70000); return err },
	}
	for name, call := range checks {
		if err := call(); !errors.Is(err, apiclient.ErrBadParam) {
			t.Errorf("%s: err = %v, want ErrBadParam", name, err)
		}
	}
	if n := rec.count(); n != 0 {
		t.Errorf("server received %d requests, want none", n)
	}
}

func TestInvalidTokenRefusedLocally(t *testing.T) {
	c, rec := serve(t, 200, `{"code":0,"data":{"items":[]}}`)
	for _, tok := range []apiclient.Token{"", "a;b", "with space", "x\r\nSet-Cookie: y"} {
		if _, err := c.ListJobs(ctxT(t), tok, apiclient.ListQuery{}); !errors.Is(err, apiclient.ErrUnauthorized) {
			t.Errorf("ListJobs(token %q) = %v, want ErrUnauthorized", tok.Reveal(), err)
		}
	}
	if n := rec.count(); n != 0 {
		t.Errorf("server received %d requests, want none", n)
	}
}

func TestConnect(t *testing.T) {
	const token = "eyJhbGciOiJIUzI1NiJ9.connect.sig"
	c, rec := serve(t, 200, `{"code":0,"data":{"success":true},"message":"Success"}`,
		"Set-Cookie", "explorer_token="+token+"; Path=/; Max-Age=259200; HttpOnly",
		"Content-Type", "application/json")
	before := time.Now()
	creds, err := c.Connect(ctxT(t), "root", "nebula", "192.168.8.145", 9669)
	after := time.Now()
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if creds.Token.Reveal() != token {
		t.Errorf("token = %q, want %q", creds.Token.Reveal(), token)
	}
	if creds.MaxAge != 72*time.Hour {
		t.Errorf("MaxAge = %s, want 72h", creds.MaxAge)
	}
	if creds.Expires.Before(before.Add(72*time.Hour)) || creds.Expires.After(after.Add(72*time.Hour)) {
		t.Errorf("Expires = %s, want now+72h", creds.Expires)
	}

	req := rec.only(t)
	if req.Method != http.MethodPost || req.EscapedPath != "/api-open/v1/connect" {
		t.Errorf("request = %s %s, want POST /api-open/v1/connect", req.Method, req.EscapedPath)
	}
	if ct := req.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	auth, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
	if !ok {
		t.Fatalf("Authorization = %q, want Bearer ...", req.Header.Get("Authorization"))
	}
	if raw, err := base64.StdEncoding.DecodeString(auth); err != nil || string(raw) != "root:nebula" {
		t.Errorf("Authorization decodes to %q (%v), want root:nebula", raw, err)
	}
	if len(req.Cookies) != 0 {
		t.Errorf("connect sent cookies %v", req.Cookies)
	}
	var body map[string]any
	if err := json.Unmarshal(req.Body, &body); err != nil {
		t.Fatalf("body %q: %v", req.Body, err)
	}
	if diff := cmp.Diff(map[string]any{"address": "192.168.8.145", "port": float64(9669)}, body); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
}

func TestConnectExpiresOnlyCookie(t *testing.T) {
	exp := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
	c, _ := serve(t, 200, `{"code":0,"data":{"success":true},"message":"Success"}`,
		"Set-Cookie", "other=1; Path=/",
		"Set-Cookie", "explorer_token=tok123; Path=/; Expires="+exp.Format(http.TimeFormat))
	creds, err := c.Connect(ctxT(t), "root", "nebula", "graphd", 9669)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if creds.Token.Reveal() != "tok123" || creds.MaxAge != 0 || !creds.Expires.Equal(exp) {
		t.Errorf("creds = token %q, MaxAge %s, Expires %s; want tok123, 0, %s",
			creds.Token.Reveal(), creds.MaxAge, creds.Expires, exp)
	}
}

func TestConnectFailures(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		cookie  string
		wantErr error
	}{
		{"success without cookie", 200, `{"code":0,"data":{"success":true},"message":"Success"}`, "", apiclient.ErrBadResponse},
		{"cookie deleted with Max-Age=0", 200, `{"code":0,"data":{"success":true}}`, "explorer_token=x; Max-Age=0", apiclient.ErrBadResponse},
		{"empty cookie", 200, `{"code":0,"data":{"success":true}}`, "explorer_token=; Path=/", apiclient.ErrBadResponse},
		{"wrong credentials at 200", 200, `{"code":40104000,"message":"用户名或密码错误","data":null}`, "", apiclient.ErrUnauthorized},
		{"wrong credentials at 401", 401, `{"code":40104000,"message":"unauthorized"}`, "", apiclient.ErrUnauthorized},
		{"bad graphd address", 400, `{"code":40004001,"message":"invalid address"}`, "", apiclient.ErrBadParam},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var kv []string
			if tt.cookie != "" {
				kv = []string{"Set-Cookie", tt.cookie}
			}
			c, _ := serve(t, tt.status, tt.body, kv...)
			creds, err := c.Connect(ctxT(t), "root", "s3cret-password", "graphd", 9669)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Connect = %+v, %v; want %v", creds, err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "s3cret-password") {
				t.Errorf("error %q contains the password", err)
			}
		})
	}
}

func TestConcurrentCallsReuseConnections(t *testing.T) {
	var mu sync.Mutex
	newConns := 0
	rec := &recorder{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		w.Write([]byte(seedListResponse))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			newConns++
			mu.Unlock()
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL)
	ctx := ctxT(t)
	for i := 0; i < 20; i++ {
		if _, err := c.ListJobs(ctx, testToken, apiclient.ListQuery{}); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	mu.Lock()
	sequentialConns := newConns
	mu.Unlock()
	if sequentialConns != 1 {
		t.Errorf("20 sequential calls opened %d connections, want 1 (keep-alive)", sequentialConns)
	}

	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			page, err := c.ListJobs(ctx, testToken, apiclient.ListQuery{Page: 2})
			if err == nil && len(page.Items) != 1 {
				err = errors.New("wrong page")
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent call: %v", err)
		}
	}
	if n := rec.count(); n != 52 {
		t.Errorf("server received %d requests, want 52", n)
	}
}
