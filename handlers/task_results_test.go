package handlers

import (
	"bytes"
	"context"
	"encoding/csv"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"jobboard/apiclient"
	"jobboard/internal/download"
	"jobboard/internal/explorersim"
	"jobboard/internal/i18n"
)

// sampleTruth asks the simulator's API directly (as demo) for a task's rows.
func sampleTruth(t *testing.T, e *testEnv, jobID int64, taskID string, limit int) [][]string {
	t.Helper()
	client, err := apiclient.New(e.simHS.URL)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	creds, err := client.Connect(ctx, "demo", "demo", "graphd.internal", 9669)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := client.SampleResult(ctx, creds.Token, jobID, taskID, limit)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != limit {
		t.Fatalf("the simulator gave %d rows for limit %d; the test needs a full page", len(rows), limit)
	}
	return rows
}

// jobWithColumns finds a succeeded job with a succeeded task of 2 and one
// of 3 result columns.
func jobWithColumns(t *testing.T, e *testEnv) (job explorersim.JobRecord, two, three explorersim.TaskRecord) {
	t.Helper()
	for _, j := range e.sim.Jobs("demo") {
		if j.Status != explorersim.StatusSuccess {
			continue
		}
		var has2, has3 bool
		for _, tk := range j.Tasks {
			switch {
			case tk.Columns == 2 && !has2:
				two, has2 = tk, true
			case tk.Columns == 3 && !has3:
				three, has3 = tk, true
			}
		}
		if has2 && has3 {
			return j, two, three
		}
	}
	t.Fatal("the simulator has no succeeded job with 2- and 3-column tasks")
	return
}

func resultsPath(jobID int64, taskID string) string {
	return jobPath(jobID) + "/tasks/" + taskID + "/results"
}

// resultTable returns the body rows of the results table, as cells.
func resultTable(t *testing.T, doc *html.Node) [][]*html.Node {
	t.Helper()
	table := byID(doc, "result-rows")
	if table == nil {
		t.Fatal("no results table")
	}
	var out [][]*html.Node
	for _, tbody := range byTag(table, "tbody") {
		for _, tr := range byTag(tbody, "tr") {
			out = append(out, byTag(tr, "td"))
		}
	}
	return out
}

func TestTaskResultsTable(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	j, two, three := jobWithColumns(t, e)
	for _, tc := range []struct {
		task  explorersim.TaskRecord
		query string
		limit int
	}{{two, "", 100}, {three, "?limit=10", 10}, {two, "?limit=1000", 1000}} {
		a := e.get(t, c, resultsPath(j.ID, tc.task.ID)+tc.query)
		if a.status != http.StatusOK {
			t.Fatalf("%s%s: status %d", tc.task.Name, tc.query, a.status)
		}
		doc := parseHTML(t, a.body)
		want := sampleTruth(t, e, j.ID, tc.task.ID, tc.limit)
		rows := resultTable(t, doc)
		if len(rows) != len(want) {
			t.Fatalf("%s: %d rows, want %d", tc.task.Name, len(rows), len(want))
		}
		for i, cells := range rows {
			if len(cells) != tc.task.Columns {
				t.Fatalf("%s row %d: %d cells, want %d", tc.task.Name, i, len(cells), tc.task.Columns)
			}
			for k, td := range cells {
				if text(td) != want[i][k] {
					t.Errorf("%s row %d cell %d = %q, want %q", tc.task.Name, i, k, text(td), want[i][k])
				}
				// Vertex IDs (player101, team204) are text; scores and
				// community IDs are numbers, right-aligned.
				if wantNum := k > 0; hasClass(td, "num") != wantNum {
					t.Errorf("%s row %d cell %d (%q): right-aligned %v, want %v", tc.task.Name, i, k, text(td), !wantNum, wantNum)
				}
			}
		}
		ths := byTag(byTag(byID(doc, "result-rows"), "thead")[0], "th")
		if len(ths) != tc.task.Columns {
			t.Errorf("%d column headings, want %d", len(ths), tc.task.Columns)
		}
		wantCSV := resultsPath(j.ID, tc.task.ID) + ".csv" + tc.query
		if tc.limit == 100 {
			wantCSV = resultsPath(j.ID, tc.task.ID) + ".csv"
		}
		if href, _ := attr(byID(doc, "download-csv"), "href"); href != wantCSV {
			t.Errorf("Download CSV = %q, want %q", href, wantCSV)
		}
		if got, _ := attr(byID(doc, "back-link"), "href"); got != jobPath(j.ID) {
			t.Errorf("back to job = %q", got)
		}
	}
}

func TestTaskResultsCSV(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	j, two, three := jobWithColumns(t, e)
	for _, tc := range []struct {
		task   explorersim.TaskRecord
		limit  int
		header []string
	}{{two, 10, []string{"Vertex ID", "Value"}}, {three, 100, []string{"Vertex ID", "Value", "Group"}}, {three, 1000, []string{"Vertex ID", "Value", "Group"}}} {
		a := e.get(t, c, resultsPath(j.ID, tc.task.ID)+".csv?limit="+strconv.Itoa(tc.limit))
		if a.status != http.StatusOK {
			t.Fatalf("status %d: %s", a.status, a.body)
		}
		if ct := a.header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		disp, params, err := mime.ParseMediaType(a.header.Get("Content-Disposition"))
		// The name says what the file holds, in characters safe anywhere:
		// "<job>-<task>-<N>-rows.csv" (an nGQL task's query is shortened).
		name := params["filename"]
		safe := strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == ""
		if err != nil || disp != "attachment" || !safe || !strings.HasPrefix(name, j.Name+"-") || !strings.HasSuffix(name, "-"+strconv.Itoa(tc.limit)+"-rows.csv") {
			t.Errorf("Content-Disposition = %q", a.header.Get("Content-Disposition"))
		}
		if simple := tc.task.Name == three.Name; simple && name != j.Name+"-"+three.Name+"-"+strconv.Itoa(tc.limit)+"-rows.csv" {
			t.Errorf("file name = %q", name)
		}
		got := readResultCSV(t, a.body)
		want := append([][]string{tc.header}, sampleTruth(t, e, j.ID, tc.task.ID, tc.limit)...)
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("CSV of %s limit %d differs from the simulator's rows (%d vs %d records)", tc.task.Name, tc.limit, len(got), len(want))
		}
	}
}

// hostileRows answers every sample result with rows.
type hostileRows struct {
	Explorer
	rows [][]string
}

func (h hostileRows) SampleResult(context.Context, apiclient.Token, int64, string, int) ([][]string, error) {
	return h.rows, nil
}

func TestTaskResultsCSVNeutralisesFormulas(t *testing.T) {
	base := newEnv(t, 0)
	hostile := [][]string{
		{"=HYPERLINK(\"http://evil.example\",\"x\")", "-0.5"},
		{"+1+2", "1e-3"},
		{"-2+3", "@SUM(A1)"},
		{"@cmd", "\tTAB"},
		{"a,b \"quoted\"\nline", "-12"},
		{"player1", "+7"},
		{`x;=cmd|' /C calc'!A0`, "1;-2"},
	}
	want := [][]string{
		{"Vertex ID", "Value"},
		{"'=HYPERLINK(\"http://evil.example\",\"x\")", "-0.5"},
		{"'+1+2", "1e-3"},
		{"'-2+3", "'@SUM(A1)"},
		{"'@cmd", "'\tTAB"},
		{"a,b \"quoted\"\nline", "-12"},
		{"player1", "+7"},
		{`x;'=cmd|' /C calc'!A0`, "1;-2"},
	}
	e := base.withOptions(t, func(o *Options) { o.Explorer = hostileRows{Explorer: o.Explorer, rows: hostile} })
	c := e.signedIn(t, "demo")
	j, two, _ := jobWithColumns(t, e)

	a := e.get(t, c, resultsPath(j.ID, two.ID)+".csv")
	got := readResultCSV(t, a.body)
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("CSV =\n%q\nwant\n%q", got, want)
	}
	// The page shows the cells as they are, escaped, numbers right-aligned.
	a = e.get(t, c, resultsPath(j.ID, two.ID))
	if strings.Contains(a.body, `"quoted"`) && !strings.Contains(a.body, "&#34;quoted&#34;") {
		t.Error("a cell is not escaped")
	}
	rows := resultTable(t, parseHTML(t, a.body))
	if text(rows[0][0]) != hostile[0][0] || !hasClass(rows[0][1], "num") || hasClass(rows[2][1], "num") {
		t.Errorf("hostile cells shown as %q / num %v", text(rows[0][0]), hasClass(rows[0][1], "num"))
	}
}

func TestWriteResultCSVPadsRaggedRows(t *testing.T) {
	var buf bytes.Buffer
	if err := writeResultCSV(&buf, i18n.For("en"), 4, [][]string{{"a"}, {"b", "1", "2", "=3"}}); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), download.BOM+"Vertex ID,Value,Group,Column 4\na,,,\nb,1,2,'=3\n"; got != want {
		t.Errorf("CSV = %q, want %q", got, want)
	}
}

// readResultCSV checks a results download starts with the byte-order mark
// and parses the rest.
func readResultCSV(t *testing.T, body string) [][]string {
	t.Helper()
	body, ok := strings.CutPrefix(body, download.BOM)
	if !ok {
		t.Fatalf("CSV does not start with the UTF-8 byte-order mark: %.20q", body)
	}
	got, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	return got
}

func TestTaskResultsBadInput(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	j, two, _ := jobWithColumns(t, e)
	for _, q := range []string{"?limit=7", "?limit=abc", "?limit=", "?limit=100000", "?limit=-10"} {
		a := e.get(t, c, resultsPath(j.ID, two.ID)+q)
		if a.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", q, a.status)
			continue
		}
		doc := parseHTML(t, a.body)
		if msg := text(byID(doc, "limit-error")); !strings.Contains(msg, "10, 100 or 1,000") {
			t.Errorf("%s: message %q", q, msg)
		}
		if n := len(resultTable(t, doc)); n != 100 {
			t.Errorf("%s: %d rows shown, want the default 100", q, n)
		}
		if a := e.get(t, c, resultsPath(j.ID, two.ID)+".csv"+q); a.status != http.StatusBadRequest || strings.Contains(a.header.Get("Content-Type"), "csv") {
			t.Errorf("CSV %s: status %d %s, want a 400 page", q, a.status, a.header.Get("Content-Type"))
		}
	}
	cases := map[string]int{
		resultsPath(j.ID, "not-a-task"):                        http.StatusBadRequest,
		resultsPath(j.ID, strings.Repeat("ab", 16)):            http.StatusNotFound,
		resultsPath(j.ID, strings.Repeat("ab", 16)) + ".csv":   http.StatusNotFound,
		resultsPath(999_999_999, two.ID):                       http.StatusNotFound,
		"/jobs/x/tasks/" + two.ID + "/results":                 http.StatusBadRequest,
		resultsPath(e.sim.Jobs("analyst")[0].ID, two.ID):       http.StatusNotFound,
		resultsPath(e.sim.Jobs("analyst")[0].ID, two.ID) + "?": http.StatusNotFound,
	}
	for path, want := range cases {
		if a := e.get(t, c, path); a.status != want {
			t.Errorf("%s: status %d, want %d", path, a.status, want)
		}
	}
	// A task that did not succeed has no rows, and says why.
	failed := findJob(t, e, "demo", withStatus(explorersim.StatusFailed))
	var ft explorersim.TaskRecord
	for _, tk := range failed.Tasks {
		if tk.Status == explorersim.StatusFailed {
			ft = tk
		}
	}
	doc := parseHTML(t, e.get(t, c, resultsPath(failed.ID, ft.ID)).body)
	if byID(doc, "no-rows") == nil || byID(doc, "download-csv") != nil {
		t.Error("a failed task's empty result is not explained")
	}
}

// Two different limits in the address: neither is picked; the page says
// so beside the choice (en, zh) and shows the default, the CSV refuses.
func TestTaskResultsRepeatedLimit(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	j, two, _ := jobWithColumns(t, e)
	for _, lang := range langs {
		a := e.get(t, c, resultsPath(j.ID, two.ID)+"?limit=10&limit=1000", "Accept-Language", lang.accept)
		doc := parseHTML(t, a.body)
		want := i18n.For(lang.tag).T("task.limitRepeated", "“10”, “1000”")
		if a.status != http.StatusBadRequest || text(byID(doc, "limit-error")) != want {
			t.Errorf("%s: %d %q, want 400 %q", lang.tag, a.status, text(byID(doc, "limit-error")), want)
		}
		if n := len(resultTable(t, doc)); n != 100 {
			t.Errorf("%s: %d rows shown, want the default 100", lang.tag, n)
		}
	}
	if a := e.get(t, c, resultsPath(j.ID, two.ID)+".csv?limit=10&limit=1000"); a.status != http.StatusBadRequest || strings.Contains(a.header.Get("Content-Type"), "csv") {
		t.Errorf("CSV: status %d %s, want a 400 page", a.status, a.header.Get("Content-Type"))
	}
}
