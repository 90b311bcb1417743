package explorersim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

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
