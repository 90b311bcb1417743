package handlers

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"jobboard/apiclient"
	"jobboard/internal/download"
	"jobboard/internal/explorersim"
)

// readCSV parses an export (after its byte-order mark) and splits off the
// trailing "# …" note rows.
func readCSV(t *testing.T, body string) (header []string, rows [][]string, notes []string) {
	t.Helper()
	body, ok := strings.CutPrefix(body, download.BOM)
	if !ok {
		t.Fatalf("export does not start with the UTF-8 byte-order mark: %.20q", body)
	}
	r := csv.NewReader(strings.NewReader(body))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v\n%s", err, body)
	}
	if len(recs) == 0 {
		t.Fatal("empty export")
	}
	for _, rec := range recs[1:] {
		if len(rec) == 1 && strings.HasPrefix(rec[0], "# ") {
			notes = append(notes, rec[0])
			continue
		}
		if len(notes) > 0 {
			t.Fatalf("a row after the note: %v", rec)
		}
		rows = append(rows, rec)
	}
	return recs[0], rows, notes
}

// exportJSON is the shape of a JSON export.
type exportJSON struct {
	Jobs []struct {
		ID              int64    `json:"id"`
		Name            string   `json:"name"`
		WorkflowID      string   `json:"workflow_id"`
		Workflow        string   `json:"workflow"`
		Status          string   `json:"status"`
		Created         *string  `json:"created"`
		Started         *string  `json:"started"`
		Finished        *string  `json:"finished"`
		DurationSeconds *float64 `json:"duration_seconds"`
	} `json:"jobs"`
	Total     int    `json:"total"`
	Exported  int    `json:"exported"`
	Truncated bool   `json:"truncated"`
	Note      string `json:"note"`
	Error     string `json:"error"`
}

func readJSON(t *testing.T, body string) exportJSON {
	t.Helper()
	var x exportJSON
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&x); err != nil {
		t.Fatalf("export is not the expected JSON: %v\n%.300s", err, body)
	}
	return x
}

func TestExportCSVAllMatchingJobs(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	jobs := e.sim.Jobs("demo")
	want, total := expectedPage(jobs, filter{status: 3, page: 1, size: len(jobs)})
	if total < 200 || total > 1000 {
		t.Fatalf("%d failed jobs; the test wants a few hundred", total)
	}
	before := e.sim.Calls()
	start := time.Now()
	a := e.get(t, c, "/jobs/export.csv?status=failed")
	took := time.Since(start)
	if a.status != http.StatusOK || !strings.HasPrefix(a.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("status %d, type %q", a.status, a.header.Get("Content-Type"))
	}
	date := e.clock.Now().In(e.zone).Format("2006-01-02")
	if got, wantCD := a.header.Get("Content-Disposition"), `attachment; filename="jobs-all-failed-`+date+`.csv"`; got != wantCD {
		t.Errorf("Content-Disposition %q, want %q", got, wantCD)
	}
	header, rows, notes := readCSV(t, a.body)
	if want := "ID,Job,Workflow ID,Workflow,Status,Created (Asia/Shanghai),Started (Asia/Shanghai),Finished (Asia/Shanghai),Duration (seconds),Duration"; strings.Join(header, ",") != want {
		t.Errorf("header %v, want %s", header, want)
	}
	if len(notes) != 0 {
		t.Errorf("unexpected notes %v", notes)
	}
	var ids []string
	for _, r := range rows {
		ids = append(ids, r[0])
		if r[4] != "Failed" {
			t.Errorf("row %v is not failed", r)
		}
	}
	if len(ids) != total || !slices.Equal(ids, want) {
		t.Errorf("%d rows, want all %d failed jobs newest first", len(ids), total)
	}
	if calls, pages := e.sim.Calls()-before, int64((total+99)/100); calls != pages {
		t.Errorf("%d upstream calls for %d pages of 100", calls, pages)
	}
	t.Logf("CSV export of %d rows in %v (%.0f rows/s)", len(rows), took, float64(len(rows))/took.Seconds())
}

func TestExportRowContents(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	created := time.Date(2026, 11, 30, 6, 1, 2, 345_000_000, time.UTC)
	j := e.sim.AddJob("demo", wf.ID, explorersim.JobRecord{
		Name: "=HYPERLINK(\"x\"),evil", Status: 3,
		Created: created, Begin: created.Add(2 * time.Second), End: created.Add(8*time.Second + 500*time.Millisecond),
	})
	running := e.sim.AddJob("demo", wf.ID, explorersim.JobRecord{
		Name: "@SUM running", Status: 1, Created: created.Add(time.Minute), Begin: created.Add(61 * time.Second),
	})
	a := e.get(t, c, "/workflows/"+wf.ID+"/jobs/export.csv?name=HYPERLINK")
	_, rows, _ := readCSV(t, a.body)
	// Times in the list's zone (the test dashboard's Asia/Shanghai, UTC+8).
	want := [][]string{{strconv.FormatInt(j.ID, 10), "'=HYPERLINK(\"x\"),evil", wf.ID, wf.Name, "Failed",
		"2026-11-30 14:01:02", "2026-11-30 14:01:04", "2026-11-30 14:01:10", "6.5", "6 s"}}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("rows\n got %q\nwant %q", rows, want)
	}
	a = e.get(t, c, "/jobs/export.csv?name=%40SUM")
	_, rows, _ = readCSV(t, a.body)
	want = [][]string{{strconv.FormatInt(running.ID, 10), "'@SUM running", wf.ID, wf.Name, "Running",
		"2026-11-30 14:02:02", "2026-11-30 14:02:03", "", "", ""}}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf("running job rows\n got %q\nwant %q", rows, want)
	}
	// JSON keeps the name as it is and uses null for what is missing.
	x := readJSON(t, e.get(t, c, "/jobs/export.json?name=%40SUM").body)
	if len(x.Jobs) != 1 || x.Jobs[0].Name != "@SUM running" || x.Jobs[0].Finished != nil || x.Jobs[0].DurationSeconds != nil ||
		x.Jobs[0].Started == nil || *x.Jobs[0].Started != "2026-11-30T06:02:03Z" || x.Total != 1 || x.Exported != 1 || x.Truncated {
		t.Errorf("JSON export %+v", x)
	}
}

func TestExportJSONWorkflow(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	jobs := e.jobsOf("demo", wf.ID)
	want, total := expectedPage(jobs, filter{status: 2, asc: true, page: 1, size: len(jobs)})
	a := e.get(t, c, "/workflows/"+wf.ID+"/jobs/export.json?order=asc&status=succeeded&tz=UTC&page=3&size=50")
	if !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
		t.Errorf("type %q", a.header.Get("Content-Type"))
	}
	date := e.clock.Now().UTC().Format("2006-01-02")
	if got := a.header.Get("Content-Disposition"); got != `attachment; filename="jobs-`+wf.Name+`-succeeded-`+date+`.json"` {
		t.Errorf("Content-Disposition %q", got)
	}
	x := readJSON(t, a.body)
	var ids []string
	for _, j := range x.Jobs {
		ids = append(ids, strconv.FormatInt(j.ID, 10))
	}
	if !slices.Equal(ids, want) || x.Total != total || x.Exported != total || x.Truncated || x.Note != "" {
		t.Errorf("got %d jobs (total %d, exported %d, truncated %v), want all %d oldest first (page and size ignored)",
			len(ids), x.Total, x.Exported, x.Truncated, total)
	}
}

func TestExportStopsAtCap(t *testing.T) {
	e := newEnv(t, 0, func(_ *testEnv, o *Options) { o.ExportCap = 150 })
	c := e.signedIn(t, "demo")
	total := len(e.sim.Jobs("demo"))
	_, rows, notes := readCSV(t, e.get(t, c, "/jobs/export.csv").body)
	if len(rows) != 150 {
		t.Errorf("%d rows, want the cap of 150", len(rows))
	}
	wantNote := "# Export stopped at 150 of " + commas(total) + " jobs (the limit is 150)."
	if len(notes) != 1 || !strings.HasPrefix(notes[0], wantNote) {
		t.Errorf("notes %q, want %q…", notes, wantNote)
	}
	x := readJSON(t, e.get(t, c, "/jobs/export.json").body)
	if len(x.Jobs) != 150 || x.Exported != 150 || x.Total != total || !x.Truncated || !strings.Contains(x.Note, "150 of "+commas(total)) {
		t.Errorf("JSON: %d jobs, exported %d of %d, truncated %v, note %q", len(x.Jobs), x.Exported, x.Total, x.Truncated, x.Note)
	}
	// A list within the cap is complete: no note.
	wf := e.workflow(t, "demo")
	_, n := expectedPage(e.jobsOf("demo", wf.ID), filter{status: 4, page: 1, size: 1})
	if n == 0 || n > 150 {
		t.Fatalf("%d cancelled jobs in one workflow; this check needs 1–150", n)
	}
	_, rows, notes = readCSV(t, e.get(t, c, "/workflows/"+wf.ID+"/jobs/export.csv?status=cancelled").body)
	if len(rows) != n || len(notes) != 0 {
		t.Errorf("%d rows and notes %v, want %d rows and no note", len(rows), notes, n)
	}
}

// failAfter wraps the simulator: after n list calls under prefix, every
// further one answers an error envelope.
func failAfter(sim http.Handler, prefix string, n int64) http.Handler {
	var calls atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, prefix) && calls.Add(1) > n {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"code":50004001,"message":"database error","data":null}`))
			return
		}
		sim.ServeHTTP(w, r)
	})
}

// throughUpstream points the dashboard's client at wrap(simulator), for
// an Explorer that misbehaves in ways the simulator's faults do not cover.
func throughUpstream(t *testing.T, wrap func(http.Handler) http.Handler) func(*testEnv, *Options) {
	return func(e *testEnv, o *Options) {
		srv := httptest.NewServer(wrap(e.sim))
		t.Cleanup(srv.Close)
		client, err := apiclient.New(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		o.Explorer = client
	}
}

func TestExportUpstreamFailureMidStream(t *testing.T) {
	e := newEnv(t, 0, throughUpstream(t, func(sim http.Handler) http.Handler { return failAfter(sim, "/api-open/v1/jobs", 1) }))
	c := e.signedIn(t, "demo")
	a := e.get(t, c, "/jobs/export.csv?status=succeeded")
	if a.status != http.StatusOK {
		t.Fatalf("status %d; the headers go before the failure", a.status)
	}
	_, rows, notes := readCSV(t, a.body)
	if len(rows) != 100 {
		t.Errorf("%d rows, want the first page of 100", len(rows))
	}
	if len(notes) != 1 || !strings.HasPrefix(notes[0], "# Export stopped after 100 jobs because of an error:") ||
		!strings.Contains(notes[0], "incomplete") {
		t.Errorf("notes %q", notes)
	}
	if !strings.Contains(e.logs.String(), "export failed") {
		t.Error("the failure was not logged")
	}
	if strings.Contains(a.body, "database error") {
		t.Error("upstream error text reached the file")
	}
}

func TestExportJSONUpstreamFailureMidStream(t *testing.T) {
	e := newEnv(t, 0, throughUpstream(t, func(sim http.Handler) http.Handler { return failAfter(sim, "/api-open/v1/jobs", 2) }))
	c := e.signedIn(t, "demo")
	x := readJSON(t, e.get(t, c, "/jobs/export.json").body)
	if len(x.Jobs) != 200 || x.Exported != 200 || !x.Truncated || !strings.Contains(x.Error, "incomplete") {
		t.Errorf("JSON after a failure on page 3: %d jobs, exported %d, truncated %v, error %q", len(x.Jobs), x.Exported, x.Truncated, x.Error)
	}
}

func TestExportFailureBeforeFirstRow(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	e.sim.SetFault(explorersim.Fault{Kind: explorersim.FaultHTML502, PathPrefix: "/api-open/v1/"})
	a := e.get(t, c, "/jobs/export.csv")
	e.sim.SetFault(explorersim.Fault{})
	if a.status != http.StatusBadGateway || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") || a.header.Get("Content-Disposition") != "" {
		t.Errorf("status %d, type %q, disposition %q; want a 502 page", a.status, a.header.Get("Content-Type"), a.header.Get("Content-Disposition"))
	}
	if a = e.get(t, c, "/jobs/export.csv?status=banana"); a.status != http.StatusBadRequest {
		t.Errorf("invalid filter: status %d, want 400", a.status)
	}
	if a = e.get(t, c, "/workflows/1/jobs/export.json"); a.status != http.StatusNotFound {
		t.Errorf("unknown workflow: status %d, want 404", a.status)
	}
}

func TestExportLinksCarryFilters(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	doc := parseHTML(t, e.get(t, c, "/jobs?name=_2&order=asc&page=2&size=50&status=failed").body)
	for id, want := range map[string]string{
		"export-csv":  "/jobs/export.csv?name=_2&order=asc&status=failed",
		"export-json": "/jobs/export.json?name=_2&order=asc&status=failed",
	} {
		checkHref(t, doc, id, want)
	}
}

// TestExportEveryJob exports a whole account (more pages than any other
// test) in both formats and reports the rate.
func TestExportEveryJob(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	total := len(e.sim.Jobs("demo"))
	start := time.Now()
	_, rows, notes := readCSV(t, e.get(t, c, "/jobs/export.csv").body)
	csvTook := time.Since(start)
	if len(rows) != total || len(notes) != 0 {
		t.Errorf("CSV: %d rows, notes %v; want %d and none", len(rows), notes, total)
	}
	start = time.Now()
	x := readJSON(t, e.get(t, c, "/jobs/export.json").body)
	jsonTook := time.Since(start)
	if len(x.Jobs) != total || x.Total != total || x.Truncated {
		t.Errorf("JSON: %d jobs of %d, truncated %v; want %d", len(x.Jobs), x.Total, x.Truncated, total)
	}
	t.Logf("export of %d rows: CSV %v (%.0f rows/s), JSON %v (%.0f rows/s)",
		total, csvTook, float64(total)/csvTook.Seconds(), jsonTook, float64(total)/jsonTook.Seconds())
}

// renamedWorkflow answers every workflow list with its jobs' workflow
// renamed, for names the simulator does not hold.
type renamedWorkflow struct {
	Explorer
	name string
}

func (r renamedWorkflow) ListWorkflowJobs(ctx context.Context, tok apiclient.Token, id int64, q apiclient.ListQuery) (apiclient.JobPage, error) {
	page, err := r.Explorer.ListWorkflowJobs(ctx, tok, id, q)
	for i := range page.Items {
		page.Items[i].WorkflowName = r.name
	}
	return page, err
}

// TestExportCSVDefusesFormulasAfterSeparators checks a name that Excel in
// a ';' locale would split into a formula cell comes out as text, and that
// a workflow's Chinese name reaches the file name (RFC 5987) with a safe
// ASCII fallback.
func TestExportCSVDefusesFormulasAfterSeparators(t *testing.T) {
	base := newEnv(t, 0)
	wf := base.workflow(t, "demo")
	const hostile = `x;=cmd|' /C calc'!A0`
	created := time.Date(2026, 11, 30, 6, 1, 2, 0, time.UTC)
	base.sim.AddJob("demo", wf.ID, explorersim.JobRecord{Name: hostile, Status: 2, Created: created, Begin: created, End: created.Add(time.Second)})
	e := base.withOptions(t, func(o *Options) { o.Explorer = renamedWorkflow{Explorer: o.Explorer, name: "图计算\"\r\nX: 1"} })
	c := e.signedIn(t, "demo")
	a := e.get(t, c, "/workflows/"+wf.ID+"/jobs/export.csv?name=cmd")
	_, rows, _ := readCSV(t, a.body)
	if len(rows) != 1 || rows[0][1] != `x;'=cmd|' /C calc'!A0` || rows[0][3] != `图计算"`+"\nX: 1" {
		t.Errorf("rows %q, want the name defused after ';' and the workflow name as it is", rows)
	}
	date := e.clock.Now().In(e.zone).Format("2006-01-02")
	disp, params, err := mime.ParseMediaType(a.header.Get("Content-Disposition"))
	if err != nil || disp != "attachment" || params["filename"] != "jobs-图计算-X-1-"+date+".csv" {
		t.Errorf("Content-Disposition %q: %q %q %v", a.header.Get("Content-Disposition"), disp, params, err)
	}
	if got := a.header.Get("Content-Disposition"); !strings.Contains(got, `filename="jobs-X-1-`+date+`.csv"`) {
		t.Errorf("Content-Disposition %q lacks the ASCII fallback", got)
	}
	// JSON is for programs: the name as Explorer gave it.
	x := readJSON(t, e.get(t, c, "/workflows/"+wf.ID+"/jobs/export.json?name=cmd").body)
	if len(x.Jobs) != 1 || x.Jobs[0].Name != hostile {
		t.Errorf("JSON jobs %+v", x.Jobs)
	}
}

// samePage wraps the simulator so every list call answers page 1 whatever
// page was asked for, claiming a total no export could reach, as an
// Explorer that ignores the page parameter would.
func samePage(sim http.Handler, calls *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/jobs") {
			sim.ServeHTTP(w, r)
			return
		}
		calls.Add(1)
		q := r.URL.Query()
		q.Set("page", "1")
		r.URL.RawQuery = q.Encode()
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, r)
		var env map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err == nil {
			if data, ok := env["data"].(map[string]any); ok {
				data["total"] = 10_000_000
			}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(env)
	})
}

// TestExportEndsWhenExplorerRepeatsAPage checks an export stops, with a
// note, when Explorer answers every page with the same jobs, instead of
// paging for as long as the reader waits.
func TestExportEndsWhenExplorerRepeatsAPage(t *testing.T) {
	var calls atomic.Int64
	e := newEnv(t, 0, func(_ *testEnv, o *Options) { o.ExportCap = 100_000 },
		throughUpstream(t, func(sim http.Handler) http.Handler { return samePage(sim, &calls) }))
	c := e.signedIn(t, "demo")
	c.Timeout = 5 * time.Second // today's code would page until this gives up
	for _, format := range []string{"csv", "json"} {
		calls.Store(0)
		a := e.get(t, c, "/jobs/export."+format)
		if n := calls.Load(); n != 2 {
			t.Errorf("%s: %d list calls, want 2 (the page, then its repeat)", format, n)
		}
		want := "Export stopped at 100 of 10,000,000 jobs because Explorer sent the same jobs again."
		if format == "csv" {
			_, rows, notes := readCSV(t, a.body)
			if len(rows) != 100 || len(notes) != 1 || !strings.HasPrefix(notes[0], "# "+want) {
				t.Errorf("CSV: %d rows, notes %q; want 100 rows and %q", len(rows), notes, want)
			}
			continue
		}
		x := readJSON(t, a.body)
		if len(x.Jobs) != 100 || !x.Truncated || !strings.HasPrefix(x.Note, want) {
			t.Errorf("JSON: %d jobs, truncated %v, note %q", len(x.Jobs), x.Truncated, x.Note)
		}
	}
}

// TestExportCSVForSpreadsheets checks what a spreadsheet needs to show the
// list CSV legibly: the byte-order mark first, the header in the reader's
// language with the list's zone named, times in that zone as date-times
// a spreadsheet parses, the status and the duration in words, seconds too.
func TestExportCSVForSpreadsheets(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	created := time.Date(2026, 12, 1, 13, 32, 5, 600_000_000, time.UTC)
	e.sim.AddJob("demo", wf.ID, explorersim.JobRecord{
		Name: "图计算_pagerank", Status: 2, Created: created, Begin: created.Add(3 * time.Second), End: created.Add(128 * time.Second),
	})
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang   string
		header []string
		status string
		words  string
	}{
		{"en", []string{"ID", "Job", "Workflow ID", "Workflow", "Status", "Created (Europe/Berlin)", "Started (Europe/Berlin)",
			"Finished (Europe/Berlin)", "Duration (seconds)", "Duration"}, "Succeeded", "2 min 5 s"},
		{"zh-CN", []string{"ID", "作业", "工作流 ID", "工作流", "状态", "创建时间（Europe/Berlin）", "开始时间（Europe/Berlin）",
			"结束时间（Europe/Berlin）", "耗时（秒）", "耗时"}, "成功", "2 分 5 秒"},
	} {
		a := e.get(t, c, "/workflows/"+wf.ID+"/jobs/export.csv?tz=Europe%2FBerlin&name=图计算", "Accept-Language", tc.lang)
		if !strings.HasPrefix(a.body, "\xEF\xBB\xBF") {
			t.Errorf("%s: the CSV starts % x, want the UTF-8 byte-order mark", tc.lang, a.body[:min(3, len(a.body))])
		}
		header, rows, notes := readCSV(t, a.body)
		if !slices.Equal(header, tc.header) {
			t.Errorf("%s: header %q, want %q", tc.lang, header, tc.header)
		}
		if len(rows) != 1 || len(notes) != 0 {
			t.Fatalf("%s: rows %q, notes %q; want the one job", tc.lang, rows, notes)
		}
		r := rows[0]
		if r[1] != "图计算_pagerank" || r[4] != tc.status || r[8] != "125" || r[9] != tc.words {
			t.Errorf("%s: row %q, want the name, %q, 125 seconds and %q", tc.lang, r, tc.status, tc.words)
		}
		for i, want := range []time.Time{created, created.Add(3 * time.Second), created.Add(128 * time.Second)} {
			got, err := time.ParseInLocation("2006-01-02 15:04:05", r[5+i], berlin)
			if err != nil || !got.Equal(want.Truncate(time.Second)) {
				t.Errorf("%s: %s = %q (%v), want %v in Berlin", tc.lang, header[5+i], r[5+i], err, want.In(berlin))
			}
		}
		if r[5] != "2026-12-01 14:32:05" {
			t.Errorf("%s: created %q, want 2026-12-01 14:32:05", tc.lang, r[5])
		}
	}
	// The JSON stays for programs: RFC 3339 UTC, seconds, the status word.
	x := readJSON(t, e.get(t, c, "/workflows/"+wf.ID+"/jobs/export.json?tz=Europe%2FBerlin&name=图计算", "Accept-Language", "zh-CN").body)
	if len(x.Jobs) != 1 || x.Jobs[0].Status != "succeeded" || x.Jobs[0].Created == nil || *x.Jobs[0].Created != "2026-12-01T13:32:05Z" ||
		x.Jobs[0].DurationSeconds == nil || *x.Jobs[0].DurationSeconds != 125 {
		t.Errorf("JSON jobs %+v", x.Jobs)
	}
}

// TestStatusSetExport streams the merged list in order.
func TestStatusSetExport(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	resp := e.get(t, c, "/workflows/"+wf.ID+"/jobs/export.csv?status=problems")
	if resp.status != http.StatusOK {
		t.Fatalf("export: status %d", resp.status)
	}
	if cd := resp.header.Get("Content-Disposition"); !strings.Contains(cd, "-failed-cancelled-") {
		t.Errorf("file name %q, want it to name both statuses", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(resp.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows[1:] {
		if _, err := strconv.ParseInt(r[0], 10, 64); err == nil { // not a "# …" note
			got = append(got, r[0])
		}
	}
	if want := ids(mergedTruth(e, wf.ID, explorersim.StatusFailed, explorersim.StatusInterrupted)); !slices.Equal(got, want) {
		t.Errorf("export: %d rows, want the %d failed or cancelled jobs newest first", len(got), len(want))
	}
}

// The export of a pinned list holds the rows as of its pin; a live one the
// newer jobs too.
func TestExportOfPinnedListLeavesOutNewerJobs(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	base := "/workflows/" + wf.ID + "/jobs/export.csv?"
	pinned := base + "asof=" + url.QueryEscape(e.clock.Now().UTC().Format(time.RFC3339)) + "&status=failed"
	_, before, _ := readCSV(t, e.get(t, c, pinned).body)
	e.clock.Advance(time.Minute)
	addJobs(e, wf.ID, 3, explorersim.StatusFailed)
	_, after, _ := readCSV(t, e.get(t, c, pinned).body)
	if len(after) != len(before) || len(before) == 0 || after[0][0] != before[0][0] {
		t.Errorf("pinned export: %d rows, then %d after 3 newer jobs", len(before), len(after))
	}
	_, live, _ := readCSV(t, e.get(t, c, base+"status=failed").body)
	if len(live) != len(before)+3 {
		t.Errorf("live export: %d rows, want %d", len(live), len(before)+3)
	}
}
