package explorersim

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

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
