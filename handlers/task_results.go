package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"jobboard/apiclient"
	"jobboard/internal/download"
	"jobboard/internal/i18n"
	"jobboard/internal/jobquery"
	"jobboard/views"
)

// taskResults serves GET /jobs/:id/tasks/:taskID/results?limit=N: the
// task's sample result rows (limit 10, 100 or 1000; default 100) as a
// table with numbers right-aligned, and a link to download the same rows
// as CSV. back and tz are carried along as on the job page.
//
// Answers: 200; 400 for an invalid limit (with the message next to the
// choice and the default limit applied), a job ID that is not a number or
// a task ID that is not 32 hex digits; 404 for an unknown job or task;
// 502/504 with a Retry when Explorer fails.
func (h *handler) taskResults(c *gin.Context) error {
	d, err := h.loadTaskResults(c)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if d.LimitError != "" {
		status = http.StatusBadRequest
	}
	return h.render(c, status, views.TaskResultsPage(d))
}

// taskResultsCSV serves GET /jobs/:id/tasks/:taskID/results.csv?limit=N:
// the rows of the results page as a CSV attachment, with a header row, in
// the download package's spreadsheet-safe form.
//
// Answers: 200 text/csv; the same 400/404/5xx as the results page, as
// plain-language pages (an invalid limit is a 400 here: a download is not
// guessed).
func (h *handler) taskResultsCSV(c *gin.Context) error {
	d, err := h.loadTaskResults(c)
	if err != nil {
		return err
	}
	if d.LimitError != "" {
		return &appError{status: http.StatusBadRequest, key: d.LimitErrorKey, args: []any{d.LimitError}, back: true}
	}
	var buf bytes.Buffer
	if err := writeResultCSV(&buf, d.L, d.Columns, d.Rows); err != nil {
		return fmt.Errorf("task results csv: %w", err)
	}
	download.Attach(c.Writer.Header(), "text/csv; charset=utf-8", resultFileName(d))
	c.Status(http.StatusOK)
	_, _ = c.Writer.Write(buf.Bytes())
	return nil
}

// loadTaskResults reads and checks the parameters of the results routes
// and fetches the job (for its name and the task) and the rows.
func (h *handler) loadTaskResults(c *gin.Context) (views.TaskResults, error) {
	jr, err := h.readJob(c)
	if err != nil {
		return views.TaskResults{}, err
	}
	sess, id, nav := jr.sess, jr.id, jr.nav
	taskID := c.Param("taskID")
	if !isTaskID(taskID) {
		return views.TaskResults{}, &appError{status: http.StatusBadRequest, key: "task.badID", args: []any{taskID}, back: true}
	}
	d := views.TaskResults{Page: h.page(c, &sess), Nav: nav, Limit: views.DefaultResultLimit}
	if raws, ok := c.GetQueryArray("limit"); ok {
		raw, one := jobquery.One(raws)
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		switch {
		case !one:
			d.LimitErrorKey, d.LimitError = "task.limitRepeated", jobquery.Copies(raws)
		case err == nil && validResultLimit(n):
			d.Limit = n
		default:
			d.LimitErrorKey, d.LimitError = "task.badLimit", raw
			if d.LimitError == "" {
				d.LimitError = `""`
			}
		}
	}
	ctx := c.Request.Context()
	job, err := h.getJob(ctx, sess.Token, id)
	if err != nil {
		return d, h.jobFailure(c, &sess, err, id, nav)
	}
	found := false
	for _, t := range job.Tasks {
		if strings.EqualFold(t.ID, taskID) {
			d.Task, found = t, true
			break
		}
	}
	back := views.JobDetailURL(id, nav)
	if !found {
		return d, h.jobFramed(c, &sess, taskNotFound(id, taskID, nil), back)
	}
	d.Job = job.Job
	d.Title = d.L.T("task.title", d.Task.Name)
	rows, err := h.explorer.SampleResult(ctx, sess.Token, id, d.Task.ID, d.Limit)
	if err != nil {
		if errors.Is(err, apiclient.ErrUnauthorized) {
			return d, err
		}
		if errors.Is(err, apiclient.ErrNotFound) {
			err = taskNotFound(id, taskID, err)
		}
		return d, h.jobFramed(c, &sess, err, back)
	}
	if len(rows) > d.Limit {
		rows = rows[:d.Limit]
	}
	d.Rows = rows
	for _, r := range rows {
		d.Columns = max(d.Columns, len(r))
	}
	return d, nil
}

func taskNotFound(jobID int64, taskID string, cause error) *appError {
	return &appError{status: http.StatusNotFound, key: "task.notFound", args: []any{strconv.FormatInt(jobID, 10), taskID}, cause: cause, back: true}
}

// validResultLimit reports whether n is one of the offered row limits.
func validResultLimit(n int) bool {
	for _, l := range views.ResultLimits {
		if n == l {
			return true
		}
	}
	return false
}

// isTaskID reports whether s looks like an Explorer task ID: 32 hex digits.
func isTaskID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		default:
			return false
		}
	}
	return true
}

// resultCSVHeader names the columns of a sample result CSV as the page
// does: Vertex ID, Value, Group, then Column 4 and so on for wider rows.
func resultCSVHeader(l i18n.Localizer, n int) []string {
	keys := []string{"task.col.vertex", "task.col.value", "task.col.group"}
	out := make([]string, n)
	for i := range out {
		if i < len(keys) {
			out[i] = l.T(keys[i])
		} else {
			out[i] = l.T("task.col.n", i+1)
		}
	}
	return out
}

// writeResultCSV writes a header row and rows (padded to width cells)
// through the one download writer.
func writeResultCSV(w io.Writer, l i18n.Localizer, width int, rows [][]string) error {
	cw := download.NewCSV(w)
	if err := cw.Write(resultCSVHeader(l, width)); err != nil {
		return err
	}
	rec := make([]string, width)
	for _, row := range rows {
		for i := range rec {
			rec[i] = ""
			if i < len(row) {
				rec[i] = row[i]
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// resultFileName names a results download after what it holds:
// "<job name>-<task name>-<N>-rows.csv".
func resultFileName(d views.TaskResults) string {
	job := d.Job.Name
	if job == "" {
		job = "job-" + strconv.FormatInt(d.Job.ID, 10)
	}
	return download.FileName("csv", job, d.Task.Name, strconv.Itoa(len(d.Rows)), "rows")
}
