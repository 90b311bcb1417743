package views

import (
	"net/url"
	"strconv"
	"strings"
)

// This file is the one place the dashboard's own URLs are built: handlers
// redirect to them and pages link to them, so a route's shape is written
// once here and once in handlers/routes.go.

// AllJobsPath is the path of the list of every workflow's jobs.
const AllJobsPath = "/jobs"

// WorkflowOpenPath is the home page's "open a workflow by ID" form target.
const WorkflowOpenPath = "/workflows/go"

// ListPath is the path of a jobs list: a workflow's (/workflows/N/jobs), or
// every workflow's (/jobs) for workflow ID 0.
func ListPath(workflowID int64) string {
	if workflowID == 0 {
		return AllJobsPath
	}
	return WorkflowJobsPath(strconv.FormatInt(workflowID, 10))
}

// WorkflowJobsPath is the path of a workflow's jobs list.
func WorkflowJobsPath(workflowID string) string { return "/workflows/" + workflowID + "/jobs" }

// workflowListURL links to a workflow's jobs, or "" for an ID that is not
// a number (never link to something the server would refuse).
func workflowListURL(id string) string {
	if id == "" || len(id) > 19 || strings.TrimLeft(id, "0123456789") != "" {
		return ""
	}
	return WorkflowJobsPath(id)
}

// SummaryPath is the outcome summary of the list at listPath.
func SummaryPath(listPath string) string { return string(appendSummaryPath(nil, listPath)) }

// appendSummaryPath appends SummaryPath(listPath) to b.
func appendSummaryPath(b []byte, listPath string) []byte {
	return append(append(b, listPath...), "/summary"...)
}

// ExportPath is the download of every job of the list at listPath, as
// format "csv" or "json".
func ExportPath(listPath, format string) string {
	return string(appendExportPath(nil, listPath, format))
}

// appendExportPath appends ExportPath(listPath, format) to b.
func appendExportPath(b []byte, listPath, format string) []byte {
	return append(append(append(b, listPath...), "/export."...), format...)
}

// WorkflowRunURL is the "Run workflow" form of a workflow.
func WorkflowRunURL(workflowID string) string { return "/workflows/" + workflowID + "/run" }

// RunAgainURL is the run form opened by "Run again" on job jobID's page: it
// offers that job's tasks.
func RunAgainURL(workflowID string, jobID int64) string {
	return WorkflowRunURL(workflowID) + "?from=" + strconv.FormatInt(jobID, 10)
}

// JobNav is what the job pages carry from link to link: the list the
// reader came from and their time zone. Both are already validated.
type JobNav struct {
	Back string // local list URL to return to; "" = the job's workflow list
	TZ   string // IANA zone times are shown in; "" = the server's zone
}

// values returns the nav as query parameters (empty ones left out).
func (n JobNav) values() url.Values {
	v := url.Values{}
	if n.Back != "" {
		v.Set("back", n.Back)
	}
	if n.TZ != "" {
		v.Set("tz", n.TZ)
	}
	return v
}

// withQuery appends v to path when it holds anything.
func withQuery(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// JobPath is the path of a job's page, without parameters.
func JobPath(id int64) string { return string(AppendJobPath(nil, id)) }

// AppendJobPath appends JobPath(id) to b, for the hand-written table rows.
func AppendJobPath(b []byte, id int64) []byte {
	return strconv.AppendInt(append(b, "/jobs/"...), id, 10)
}

// JobDetailURL is the URL of a job's page that keeps nav.
func JobDetailURL(id int64, nav JobNav) string { return withQuery(JobPath(id), nav.values()) }

// JobCancelPath is where a job's cancel is confirmed (GET) and sent (POST).
func JobCancelPath(id int64) string { return JobPath(id) + "/cancel" }

// JobCancelURL is the confirmation page (or dialog) of a job's cancel.
func JobCancelURL(id int64, nav JobNav) string { return withQuery(JobCancelPath(id), nav.values()) }

// TaskResultsPath is the path of a task's sample result page.
func TaskResultsPath(jobID int64, taskID string) string {
	return JobPath(jobID) + "/tasks/" + url.PathEscape(taskID) + "/results"
}

// TaskResultsURL is a task's sample result page with limit rows (the
// default limit is left out) that keeps nav.
func TaskResultsURL(jobID int64, taskID string, limit int, nav JobNav) string {
	v := nav.values()
	if limit != DefaultResultLimit {
		v.Set("limit", strconv.Itoa(limit))
	}
	return withQuery(TaskResultsPath(jobID, taskID), v)
}

// TaskResultsCSVURL downloads the same rows as TaskResultsURL as CSV.
func TaskResultsCSVURL(jobID int64, taskID string, limit int) string {
	v := url.Values{}
	if limit != DefaultResultLimit {
		v.Set("limit", strconv.Itoa(limit))
	}
	return withQuery(TaskResultsPath(jobID, taskID)+".csv", v)
}

// LoginPath is the sign-in page (GET) and form target (POST); LogoutPath
// is sign-out's.
const (
	LoginPath  = "/login"
	LogoutPath = "/logout"
)

// Reasons the sign-in page gives for being shown (LoginURL's reason).
const (
	LoginEnded     = "ended"     // the session ended: expired, idle or revoked
	LoginSignedOut = "signedout" // the reader just signed out
)

// LoginURL is the sign-in page returning to next (a local path; "" is
// left out) and saying why it is shown (reason "" for none).
func LoginURL(next, reason string) string {
	v := url.Values{}
	if next != "" {
		v.Set("next", next)
	}
	if reason != "" {
		v.Set("reason", reason)
	}
	return withQuery(LoginPath, v)
}

// Saved views: the board, the save form, a view's short link and its
// owner's pages.
const (
	ViewsPath   = "/views"     // the board (GET) and the save form's target (POST)
	ViewNewPath = "/views/new" // the save form
)

// ViewNewURL is the save form of the list at listURL (a local list URL).
func ViewNewURL(listURL string) string {
	// url.Values{"path": {listURL}}.Encode() without the map and slice.
	return ViewNewPath + "?path=" + url.QueryEscape(listURL)
}

// ViewShortPath is a view's short link, /v/<slug>.
func ViewShortPath(slug string) string { return "/v/" + slug }

// ViewPath is where an owner's changes to view id are sent (POST).
func ViewPath(id int64) string { return ViewsPath + "/" + strconv.FormatInt(id, 10) }

// ViewEditURL is the edit form of view id; listURL, when set, is the
// current list to save into it ("Save changes to this view").
func ViewEditURL(id int64, listURL string) string {
	v := url.Values{}
	if listURL != "" {
		v.Set("path", listURL)
	}
	return withQuery(ViewPath(id)+"/edit", v)
}

// ViewDeletePath is the confirmation (GET) and the delete (POST) of view id.
func ViewDeletePath(id int64) string { return ViewPath(id) + "/delete" }

// ViewPinPath pins or unpins view id (POST).
func ViewPinPath(id int64) string { return ViewPath(id) + "/pin" }
