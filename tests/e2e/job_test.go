package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"jobboard/internal/explorersim"
)

// readPage evaluates js, which returns an object, into a T.
func readPage[T any](b *tab, js string) (T, error) {
	var v T
	err := b.eval(js, &v)
	return v, err
}

// waitRead reads the page with js until ok accepts the reading, and fails
// the test with the last reading (and ok's last complaint) after
// waitTimeout. It is waitFor for pages other than the jobs lists.
func waitRead[T fmt.Stringer](b *tab, what, js string, ok func(T) error) T {
	b.t.Helper()
	return waitUntil(b, what, func() (T, error) { return readPage[T](b, js) }, ok)
}

// jobView is what the reader sees on a job's page.
type jobView struct {
	URL           string    `json:"url"`
	H1            string    `json:"h1"`
	Status        string    `json:"status"`  // the job's status as shown
	Failure       string    `json:"failure"` // the sentence saying where a failed job failed
	Notice        string    `json:"notice"`  // the confirmation after a cancel
	Tasks         []taskRow `json:"tasks"`
	Polling       bool      `json:"polling"`   // the job's region refreshes itself (data-poll)
	CancelButton  bool      `json:"cancel"`    // "Cancel job" is offered
	DialogOpen    bool      `json:"dialog"`    // the cancel dialog is open (modal)
	Dialogs       int       `json:"dialogs"`   // <dialog> elements in the document
	DialogText    string    `json:"dialogTxt"` // the dialog's text
	Active        string    `json:"active"`    // id (or tag) of the focused element
	FocusInDialog bool      `json:"focusInDialog"`
	Marker        bool      `json:"marker"`  // window.__e2e survives (no full page load since it was set)
	Fetches       int       `json:"fetches"` // requests htmx made since the document loaded
	Pending       int       `json:"pending"` // of which still in flight
	Main          string    `json:"main"`
}

// taskRow is one row of a job's tasks table.
type taskRow struct {
	ID    string   `json:"id"`
	Cells []string `json:"cells"` // task, status, started, finished, duration, result link
}

const jobViewJS = `(() => {
	const q = (s) => document.querySelector(s);
	const text = (el) => (el ? el.innerText.replace(/\s+/g, " ").trim() : "");
	const region = q("#job-detail");
	const dialog = q("dialog#cancel-dialog");
	const active = document.activeElement;
	return {
		url: location.href,
		h1: text(q("h1")),
		status: text(q("#job-status")),
		failure: text(q("#failure")),
		notice: text(q("#cancel-notice")),
		tasks: Array.from(document.querySelectorAll("#tasks tbody tr"),
			(tr) => ({id: tr.getAttribute("data-task-id") || "", cells: Array.from(tr.cells, text)})),
		polling: !!(region && region.hasAttribute("data-poll")),
		cancel: !!q("#cancel-job"),
		dialog: !!(dialog && dialog.open),
		dialogs: document.querySelectorAll("dialog").length,
		dialogTxt: text(dialog),
		active: active && active !== document.body ? active.id || active.tagName : "",
		focusInDialog: !!(dialog && active && dialog.contains(active)),
		marker: window.__e2e === 1,
		fetches: window.__e2eFetches || 0,
		pending: window.__e2ePending || 0,
		main: text(q("main")).slice(0, 1500),
	};
})()`

func (v jobView) String() string {
	var rows []string
	for _, r := range v.Tasks {
		rows = append(rows, strings.Join(r.Cells, " | "))
	}
	return fmt.Sprintf("URL %s\n  h1 %q, status %q, failure %q, notice %q, polling %v, cancel button %v, dialog open %v (%d dialogs, %q), focus %q (in dialog %v), requests %d\n  tasks:\n    %s\n  main: %s",
		v.URL, v.H1, v.Status, v.Failure, v.Notice, v.Polling, v.CancelButton, v.DialogOpen, v.Dialogs, clip(v.DialogText, 200),
		v.Active, v.FocusInDialog, v.Fetches, strings.Join(rows, "\n    "), clip(v.Main, 400))
}

// waitJob waits until the job page shows what ok accepts.
func (b *tab) waitJob(what string, ok func(jobView) error) jobView {
	b.t.Helper()
	return waitRead(b, what, jobViewJS, ok)
}

// resultsView is what the reader sees on a task's sample result page.
type resultsView struct {
	URL      string     `json:"url"`
	H1       string     `json:"h1"`
	Meta     string     `json:"meta"` // "In job … Succeeded"
	Header   []string   `json:"header"`
	Rows     [][]string `json:"rows"`
	NoRows   string     `json:"noRows"`   // the sentence shown when there are none
	RowCount string     `json:"rowCount"` // "First 100 rows of the result"
	Download string     `json:"download"` // the Download CSV link's URL, "" when there is none
	NumAlign string     `json:"numAlign"` // text-align of the first numeric cell
	Limit    string     `json:"limit"`    // the "Rows to show" choice
	Main     string     `json:"main"`
}

const resultsViewJS = `(() => {
	const q = (s) => document.querySelector(s);
	const text = (el) => (el ? el.innerText.replace(/\s+/g, " ").trim() : "");
	const num = q("#result-rows tbody td.num");
	const dl = q("#download-csv");
	const limit = q("#limit");
	return {
		url: location.href,
		h1: text(q("h1")),
		meta: text(q(".task-meta")),
		header: Array.from(document.querySelectorAll("#result-rows thead th"), text),
		rows: Array.from(document.querySelectorAll("#result-rows tbody tr"), (tr) => Array.from(tr.cells, text)),
		noRows: text(q("#no-rows")),
		rowCount: text(q("#row-count")),
		download: dl ? dl.href : "",
		numAlign: num ? getComputedStyle(num).textAlign : "",
		limit: limit ? limit.value : "",
		main: text(q("main")).slice(0, 1500),
	};
})()`

func (v resultsView) String() string {
	var rows []string
	for i, r := range v.Rows {
		if i == 3 {
			rows = append(rows, fmt.Sprintf("… %d rows in all", len(v.Rows)))
			break
		}
		rows = append(rows, strings.Join(r, " | "))
	}
	return fmt.Sprintf("URL %s\n  h1 %q, meta %q, header %q, no rows %q, row count %q, download %q, limit %q\n  rows:\n    %s\n  main: %s",
		v.URL, v.H1, v.Meta, v.Header, v.NoRows, v.RowCount, v.Download, v.Limit, strings.Join(rows, "\n    "), clip(v.Main, 400))
}

// waitResults waits until the results page shows what ok accepts.
func (b *tab) waitResults(what string, ok func(resultsView) error) resultsView {
	b.t.Helper()
	return waitRead(b, what, resultsViewJS, ok)
}

// findJob returns the newest of the account's jobs that ok accepts, as the
// simulator holds it now.
func (e *env) findJob(what string, ok func(explorersim.JobRecord) bool) explorersim.JobRecord {
	e.t.Helper()
	for _, j := range e.sim.Jobs(account) {
		if ok(j) {
			return j
		}
	}
	e.t.Fatalf("seed data: no job is %s", what)
	return explorersim.JobRecord{}
}

// jobNow is the simulator's record of job id now.
func (e *env) jobNow(id int64) explorersim.JobRecord {
	e.t.Helper()
	for _, j := range e.sim.Jobs(account) {
		if j.ID == id {
			return j
		}
	}
	e.t.Fatalf("the simulator has no job %d", id)
	return explorersim.JobRecord{}
}

// sampleRows asks the simulator itself, over its API with a token of its
// own, for the sample result rows of a task: the truth the results page and
// its CSV must match.
func (e *env) sampleRows(jobID int64, taskID string, limit int) [][]string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), actionTimeout)
	defer cancel()
	rows, err := fetchSampleRows(ctx, e.simURL, jobID, taskID, limit)
	if err != nil {
		e.t.Fatalf("sample rows from the simulator: %v", err)
	}
	return rows
}

// fetchSampleRows signs in to Explorer at base as the demo account and
// reads a task's sample result.
func fetchSampleRows(ctx context.Context, base string, jobID int64, taskID string, limit int) ([][]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+explorersim.APIPrefix+"connect",
		strings.NewReader(`{"address":"graphd.e2e.internal","port":9669}`))
	if err != nil {
		return nil, fmt.Errorf("connect request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+base64.StdEncoding.EncodeToString([]byte(account+":"+password)))
	var connected struct{}
	cookies, err := callExplorer(req, &connected)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	var token *http.Cookie
	for _, c := range cookies {
		if c.Name == explorersim.TokenCookie {
			token = c
		}
	}
	if token == nil {
		return nil, fmt.Errorf("connect: no %s cookie", explorersim.TokenCookie)
	}
	u := fmt.Sprintf("%s%sjobs/%d/tasks/%s/sample_result?limit=%d", base, explorersim.APIPrefix, jobID, taskID, limit)
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("sample request: %w", err)
	}
	req.AddCookie(&http.Cookie{Name: token.Name, Value: token.Value})
	var data struct {
		Items [][]string `json:"items"`
	}
	if _, err := callExplorer(req, &data); err != nil {
		return nil, fmt.Errorf("sample result: %w", err)
	}
	return data.Items, nil
}

// callExplorer sends req, decodes the data of Explorer's envelope and
// returns the cookies Explorer set.
func callExplorer(req *http.Request, data any) ([]*http.Cookie, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var env struct {
		Code    int             `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, fmt.Errorf("HTTP %d, body %q: %w", resp.StatusCode, clip(string(body), 200), err)
	}
	if env.Code != explorersim.CodeSuccess {
		return nil, fmt.Errorf("code %d: %s", env.Code, env.Message)
	}
	if err := json.Unmarshal(env.Data, data); err != nil {
		return nil, fmt.Errorf("data %q: %w", clip(string(env.Data), 200), err)
	}
	return resp.Cookies(), nil
}

// englishDuration writes d as the dashboard's English does: the two
// largest units, "2 min 5 s", "1 h", "3 d 4 h", "45 s".
func englishDuration(d time.Duration) string {
	secs := int64(max(d, 0) / time.Second)
	days, secs := secs/86400, secs%86400
	hours, secs := secs/3600, secs%3600
	mins, secs := secs/60, secs%60
	pair := func(big int64, bigUnit string, small int64, smallUnit string) string {
		if small == 0 {
			return fmt.Sprintf("%d %s", big, bigUnit)
		}
		return fmt.Sprintf("%d %s %d %s", big, bigUnit, small, smallUnit)
	}
	switch {
	case days > 0:
		return pair(days, "d", hours, "h")
	case hours > 0:
		return pair(hours, "h", mins, "min")
	case mins > 0:
		return pair(mins, "min", secs, "s")
	}
	return fmt.Sprintf("%d s", secs)
}

// statusLabel is the English word for an Explorer status code.
func statusLabel(code int) string {
	if code >= 0 && code < len(statusLabels) {
		return statusLabels[code]
	}
	return fmt.Sprintf("Unknown (%d)", code)
}

// download sets the tab's browser context to save downloads into a fresh
// temporary folder, performs click, and waits for the file the click
// started. It returns the file name the server suggested and the contents.
func (b *tab) download(what string, click chromedp.Action[chromedp.Void]) (name string, body []byte) {
	b.t.Helper()
	dir := b.t.TempDir()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	// Subscribe before the click: the iterators buffer every event from
	// here on.
	begins := chromedp.Events(ctx, browser.DownloadWillBegin)
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	if _, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior:         browser.SetDownloadBehaviorBehaviorAllowAndName, // saved as <dir>/<guid>
		BrowserContextID: chromedp.FromContext(b.ctx).BrowserContextID,
		DownloadPath:     dir,
		EventsEnabled:    new(true),
	}); err != nil {
		b.t.Fatalf("%s: set the download folder: %v", what, err)
	}
	b.run(what, click)
	var guid string
	for ev, err := range begins {
		if err != nil {
			b.t.Fatalf("%s: no download began: %v\npage: %s", what, err, b.describe())
		}
		guid, name = ev.GUID, ev.SuggestedFilename
		break
	}
	for ev, err := range progress {
		if err != nil {
			b.t.Fatalf("%s: the download of %s did not complete: %v", what, name, err)
		}
		if ev.GUID != guid {
			continue
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			b.t.Fatalf("%s: the browser cancelled the download of %s", what, name)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			break
		}
	}
	body, err := os.ReadFile(filepath.Join(dir, guid))
	if err != nil {
		b.t.Fatalf("%s: read the downloaded file: %v", what, err)
	}
	return name, body
}
