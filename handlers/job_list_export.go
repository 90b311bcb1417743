package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jobboard/apiclient"
	"jobboard/internal/download"
	"jobboard/internal/i18n"
	"jobboard/internal/joblist"
	"jobboard/internal/jobquery"
)

// exportPageSize is the page size of an export's upstream calls.
const exportPageSize = 100

// csvTime is the layout of the CSV's times: the form spreadsheets read as
// a date-time (ISO 8601 with a T and a zone is read as text by Excel).
const csvTime = "2006-01-02 15:04:05"

// listExport serves GET /jobs/export.csv|json and
// GET /workflows/:id/jobs/export.csv|json: every job matching the list's
// filters (not just one page), in the list's order, streamed as Explorer's
// pages of 100 arrive (several statuses: their lists merged in order as
// they arrive, one page of each held). At most Options.ExportCap rows are written; a
// bigger list ends with a note saying where it stopped, as does a list
// whose next page from Explorer holds only jobs already written. An upstream
// failure before the first row is an ordinary error page; after it the
// headers are gone, so the file ends with an error note and the failure is
// logged.
//
// The CSV is for people opening it in a spreadsheet: written by the
// download package (byte-order mark, formulas defused), header names in
// the reader's language, the status in words, times as "2026-12-01
// 14:32:05" in the list's zone (named in the header: "Created
// (Europe/Berlin)"), and the duration of a finished job twice: in seconds,
// to sort and sum, and in words. The JSON is for programs: fields id,
// name, workflow_id, workflow, status (the URL word: succeeded, failed …),
// created/started/finished in RFC 3339 UTC with milliseconds (null when
// not started/finished), duration_seconds (null unless finished).
func (h *handler) listExport(c *gin.Context) error {
	lr, err := h.readList(c)
	if err != nil {
		return err
	}
	sess, src, q, fieldErrs := lr.sess, lr.src, lr.q, lr.fieldErrs
	if fieldErrs != nil {
		return &appError{status: http.StatusBadRequest, key: "export.badQuery", back: true}
	}
	asJSON := strings.HasSuffix(c.FullPath(), ".json")
	ctx := c.Request.Context()
	lq := q.Upstream()
	lq.Page, lq.PageSize = 1, exportPageSize
	// fetch reads the list's next page of 100: Explorer's own pages, or
	// for several statuses the next 100 of their merge (pinned at this
	// request's instant, so that jobs created meanwhile cannot shift any
	// status's pages; one page of each status held at a time).
	fetch := func() (apiclient.JobPage, error) { return src.list(ctx, h.explorer, sess.Token, lq) }
	if q.Status.Len() > 1 {
		m := joblist.NewMerge(src.lister(h.explorer, sess.Token), q.Pin().Upstream(), q.Status.Statuses())
		fetch = func() (apiclient.JobPage, error) {
			items, err := m.Next(ctx, exportPageSize)
			return apiclient.JobPage{Items: items, Total: m.Total(), Page: lq.Page, PageSize: exportPageSize}, err
		}
	}
	page, err := fetch()
	if err != nil {
		return src.upstreamError(err, lr.sess)
	}

	var w exportWriter
	ctype := "text/csv; charset=utf-8"
	if asJSON {
		w, ctype = &jsonExport{w: c.Writer}, "application/json; charset=utf-8"
	} else {
		w = &csvExport{w: download.NewCSV(c.Writer), l: h.localizer(c), zone: q.Location()}
	}
	download.Attach(c.Writer.Header(), ctype, exportFileName(src, q, page.Items, lr.now, asJSON))
	c.Status(http.StatusOK)

	l := h.localizer(c)
	exported, total := 0, page.Total
	seen := make(map[int64]bool, min(total, h.lists.exportCap))
	// Explorer's pages are trusted for neither their count nor their
	// content: the export reads at most the pages the cap needs (plus one,
	// for jobs pushed to the next page by new ones while it reads), and
	// stops when a page brings no job it has not seen, which is Explorer
	// answering the same page again.
	maxPages := (h.lists.exportCap+exportPageSize-1)/exportPageSize + 1
	repeated := false
	var failure error
	if failure = w.begin(); failure == nil {
	pages:
		for {
			fresh := 0
			for _, j := range page.Items {
				if exported >= h.lists.exportCap {
					break pages
				}
				if seen[j.ID] { // a job moved to the next page while we read
					continue
				}
				seen[j.ID] = true
				fresh++
				if failure = w.row(j); failure != nil {
					break pages
				}
				exported++
			}
			if failure = w.flush(); failure != nil {
				break
			}
			c.Writer.Flush()
			if len(page.Items) < exportPageSize || lq.Page*exportPageSize >= total || exported >= h.lists.exportCap {
				break
			}
			if fresh == 0 || lq.Page >= maxPages {
				repeated = true
				break
			}
			lq.Page++
			next, err := fetch()
			if err != nil {
				failure = err
				break
			}
			page, total = next, next.Total
		}
	}
	end := exportEnd{total: total, exported: exported}
	switch {
	case failure != nil:
		end.err = l.T("export.errorNote", l.Count(exported), exportProblem(l, failure))
		level := slog.LevelError
		if ctx.Err() != nil {
			level = slog.LevelInfo // the reader went away
		}
		h.log.LogAttrs(ctx, level, "export failed",
			slog.String("request_id", reqID(c)),
			slog.String("path", c.Request.URL.Path),
			slog.Int("exported", exported),
			slog.String("error", failure.Error()),
		)
	case exported < total && exported >= h.lists.exportCap:
		end.note = l.T("export.capNote", l.Count(exported), l.Count(total), l.Count(h.lists.exportCap))
	case repeated:
		end.note = l.T("export.repeatNote", l.Count(exported), l.Count(total))
		h.log.LogAttrs(ctx, slog.LevelWarn, "export stopped: Explorer repeated a page",
			slog.String("request_id", reqID(c)),
			slog.String("path", c.Request.URL.Path),
			slog.Int("page", lq.Page),
			slog.Int("exported", exported),
			slog.Int("total", total),
		)
	}
	if err := w.end(end); err == nil {
		c.Writer.Flush()
	}
	return nil
}

// exportProblem is the plain-language reason of a failed export.
func exportProblem(l i18n.Localizer, err error) string {
	if errors.Is(err, context.Canceled) {
		return l.T("problem.internal")
	}
	return l.T(classify(err).key)
}

// exportFileName says what the file holds:
// jobs-<workflow name or id | all>[-<status>…]-<date in the query's zone>.csv
func exportFileName(src listSource, q jobquery.Query, first []apiclient.Job, now time.Time, asJSON bool) string {
	what := "all"
	if !src.all() {
		what = strconv.FormatInt(src.workflowID, 10)
		if len(first) > 0 && first[0].WorkflowName != "" {
			what = first[0].WorkflowName
		}
	}
	parts := []string{"jobs", what}
	for _, st := range q.Status.Statuses() {
		parts = append(parts, st.Word())
	}
	parts = append(parts, now.In(q.Location()).Format("2006-01-02"))
	ext := "csv"
	if asJSON {
		ext = "json"
	}
	return download.FileName(ext, parts...)
}

// exportEnd is how an export ended: a note when the cap stopped it, an
// error text when Explorer failed mid-way.
type exportEnd struct {
	total, exported int
	note, err       string
}

// exportWriter writes one export format.
type exportWriter interface {
	begin() error
	row(apiclient.Job) error
	flush() error
	end(exportEnd) error
}

// exportTime is an instant in RFC 3339 UTC to the second, "" for none:
// the form the list URL's dates and pins use, which every JSON reader
// parses; the exact duration is in duration_seconds.
func exportTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// exportDuration is the run time of a finished job in seconds.
func exportDuration(j apiclient.Job) (float64, bool) {
	if j.RunBegin.IsZero() || j.RunEnd.IsZero() || j.RunEnd.Before(j.RunBegin) {
		return 0, false
	}
	return j.RunEnd.Sub(j.RunBegin).Seconds(), true
}

// csvExport writes the download package's CSV with a header row, for a
// reader of language l in zone. Its end notes are rows of one cell
// starting with "#".
type csvExport struct {
	w    *download.CSV
	l    i18n.Localizer
	zone *time.Location
}

func (e *csvExport) begin() error {
	l, zone := e.l, e.zone.String()
	return e.w.Write([]string{
		l.T("export.col.id"), l.T("export.col.name"), l.T("export.col.workflowID"), l.T("export.col.workflow"), l.T("export.col.status"),
		l.T("export.col.created", zone), l.T("export.col.started", zone), l.T("export.col.finished", zone),
		l.T("export.col.seconds"), l.T("export.col.duration"),
	})
}

func (e *csvExport) row(j apiclient.Job) error {
	seconds, words := "", ""
	if d, ok := exportDuration(j); ok {
		seconds = strconv.FormatFloat(d, 'f', -1, 64)
		words = e.l.Duration(j.RunEnd.Sub(j.RunBegin))
	}
	status := e.l.T(j.Status.MessageKey())
	if !j.Status.Known() {
		status = e.l.T(j.Status.MessageKey(), int(j.Status))
	}
	return e.w.Write([]string{
		strconv.FormatInt(j.ID, 10), j.Name, j.WorkflowID, j.WorkflowName, status,
		e.time(j.Created), e.time(j.RunBegin), e.time(j.RunEnd), seconds, words,
	})
}

// time is t in the export's zone as csvTime, "" for none.
func (e *csvExport) time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(e.zone).Format(csvTime)
}

func (e *csvExport) flush() error { return e.w.Flush() }

func (e *csvExport) end(x exportEnd) error {
	for _, note := range []string{x.note, x.err} {
		if note != "" {
			if err := e.w.Write([]string{"# " + note}); err != nil {
				return err
			}
		}
	}
	return e.flush()
}

// jsonExport writes {"jobs":[…],"total":N,"exported":M,"truncated":B}
// plus "note" (stopped at the cap) or "error" (Explorer failed mid-way).
type jsonExport struct {
	w     io.Writer
	count int
}

// exportJob is one job in a JSON export; absent times and durations are null.
type exportJob struct {
	ID              int64    `json:"id"`
	Name            string   `json:"name"`
	WorkflowID      string   `json:"workflow_id"`
	Workflow        string   `json:"workflow"`
	Status          string   `json:"status"`
	Created         *string  `json:"created"`
	Started         *string  `json:"started"`
	Finished        *string  `json:"finished"`
	DurationSeconds *float64 `json:"duration_seconds"`
}

func (e *jsonExport) begin() error {
	_, err := io.WriteString(e.w, `{"jobs":[`)
	return err
}

func (e *jsonExport) row(j apiclient.Job) error {
	opt := func(t time.Time) *string {
		if t.IsZero() {
			return nil
		}
		s := exportTime(t)
		return &s
	}
	x := exportJob{ID: j.ID, Name: j.Name, WorkflowID: j.WorkflowID, Workflow: j.WorkflowName,
		Status: j.Status.Word(), Created: opt(j.Created), Started: opt(j.RunBegin), Finished: opt(j.RunEnd)}
	if d, ok := exportDuration(j); ok {
		x.DurationSeconds = &d
	}
	b, err := json.Marshal(x)
	if err != nil {
		return fmt.Errorf("export: encode job: %w", err)
	}
	if e.count > 0 {
		b = append([]byte{','}, b...)
	}
	e.count++
	_, err = e.w.Write(b)
	return err
}

func (e *jsonExport) flush() error { return nil }

func (e *jsonExport) end(x exportEnd) error {
	tail := struct {
		Total     int    `json:"total"`
		Exported  int    `json:"exported"`
		Truncated bool   `json:"truncated"`
		Note      string `json:"note,omitempty"`
		Error     string `json:"error,omitempty"`
	}{x.total, x.exported, x.note != "" || x.err != "", x.note, x.err}
	b, err := json.Marshal(tail)
	if err != nil {
		return fmt.Errorf("export: encode end: %w", err)
	}
	// b is {"total":…}: close the jobs array and splice the fields in.
	_, err = io.WriteString(e.w, "],"+string(b[1:]))
	return err
}
