package apiclient

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	contentJSON = "application/json"
	contentForm = "application/x-www-form-urlencoded"

	// DefaultSampleLimit is the documented default of SampleResult's limit,
	// sent when the caller passes 0 or less.
	DefaultSampleLimit = 10
)

// Connect signs in to Explorer with an account and password and the
// NebulaGraph graphd address and port Explorer should connect to
// (POST /api-open/v1/connect). It returns the explorer_token from the
// response's Set-Cookie with its lifetime. Rejected credentials are an
// *APIError matching ErrUnauthorized; a success without the cookie is an
// ErrBadResponse. Neither the password nor the token appears in errors.
func (c *Client) Connect(ctx context.Context, account, password, address string, port int) (Credentials, error) {
	const endpoint = "connect"
	switch {
	case account == "":
		return Credentials{}, newError(endpoint+": account is empty", ErrBadParam)
	case strings.Contains(account, ":"):
		return Credentials{}, newError(endpoint+": account must not contain ':'", ErrBadParam)
	case strings.TrimSpace(address) == "":
		return Credentials{}, newError(endpoint+": NebulaGraph address is empty", ErrBadParam)
	case port < 1 || port > 65535:
		return Credentials{}, newError(fmt.Sprintf("%s: NebulaGraph port must be 1-65535, got %d", endpoint, port), ErrBadParam)
	}
	body, err := json.Marshal(struct {
		Address string `json:"address"`
		Port    int    `json:"port"`
	}{address, port})
	if err != nil {
		return Credentials{}, newError(endpoint+": cannot encode body", ErrBadParam, err)
	}
	basic := base64.StdEncoding.EncodeToString([]byte(account + ":" + password))
	resp, err := c.do(ctx, request{
		endpoint:    endpoint,
		method:      http.MethodPost,
		path:        "/connect",
		body:        body,
		contentType: contentJSON,
		auth:        "Bearer " + basic,
		secrets:     []string{password, basic},
	}, nil)
	if err != nil {
		return Credentials{}, err
	}
	now := time.Now()
	for _, ck := range resp.Cookies() {
		if ck.Name != tokenName || ck.Value == "" || ck.MaxAge < 0 {
			continue
		}
		creds := Credentials{Token: Token(ck.Value)}
		switch {
		case ck.MaxAge > 0:
			creds.MaxAge = time.Duration(ck.MaxAge) * time.Second
			creds.Expires = now.Add(creds.MaxAge)
		case !ck.Expires.IsZero():
			if !ck.Expires.After(now) {
				continue // an expired cookie deletes the token
			}
			creds.Expires = ck.Expires
		}
		if !validToken(creds.Token) {
			return Credentials{}, badResponse(endpoint, resp, "explorer_token cookie is not a valid cookie value", nil)
		}
		return creds, nil
	}
	return Credentials{}, badResponse(endpoint, resp, "no explorer_token cookie in a successful answer", nil)
}

// ListWorkflowJobs returns one page of the jobs of a workflow
// (GET /api-open/v1/workflows/{workflowID}/jobs), filtered and ordered by q.
func (c *Client) ListWorkflowJobs(ctx context.Context, tok Token, workflowID int64, q ListQuery) (JobPage, error) {
	const endpoint = "list workflow jobs"
	if workflowID <= 0 {
		return JobPage{}, newError(fmt.Sprintf("%s: workflow ID must be positive, got %d", endpoint, workflowID), ErrBadParam)
	}
	// The ID is formatted on the stack and copied into the path: one
	// allocation for the path, not two.
	var id [maxIntLen]byte
	return c.listJobs(ctx, endpoint, "/workflows/"+string(strconv.AppendInt(id[:0], workflowID, 10))+"/jobs", tok, q)
}

// ListJobs returns one page of the jobs of every workflow
// (GET /api-open/v1/jobs), filtered and ordered by q.
func (c *Client) ListJobs(ctx context.Context, tok Token, q ListQuery) (JobPage, error) {
	return c.listJobs(ctx, "list jobs", "/jobs", tok, q)
}

func (c *Client) listJobs(ctx context.Context, endpoint, path string, tok Token, q ListQuery) (JobPage, error) {
	if p := q.problem(); p != "" {
		return JobPage{}, newError(endpoint+": "+p, ErrBadParam)
	}
	page := JobPage{Items: make([]Job, 0, pageCapacity(q.PageSize))}
	if _, err := c.do(ctx, request{
		endpoint:    endpoint,
		method:      http.MethodGet,
		path:        path,
		rawQuery:    q.Encode(),
		contentType: contentJSON,
		token:       tok,
	}, &page); err != nil {
		return JobPage{}, err
	}
	return page, nil
}

// pageCapacity is how many jobs a list answer for pageSize is expected to
// hold, so that the decoder fills a slice of that capacity without growing
// it: Explorer's default page is 10; sizes beyond the largest the
// dashboard offers are capped (the slice grows if Explorer sends more).
func pageCapacity(pageSize int) int {
	switch {
	case pageSize <= 0:
		return 10
	case pageSize > 200:
		return 200
	}
	return pageSize
}

// GetJob returns one job with its tasks (GET /api-open/v1/jobs/{jobID}).
func (c *Client) GetJob(ctx context.Context, tok Token, jobID int64) (JobDetail, error) {
	const endpoint = "get job"
	if jobID <= 0 {
		return JobDetail{}, badJobID(endpoint, jobID)
	}
	var w wireJobDetail
	if _, err := c.do(ctx, request{
		endpoint:    endpoint,
		method:      http.MethodGet,
		path:        "/jobs/" + strconv.FormatInt(jobID, 10),
		contentType: contentJSON,
		token:       tok,
	}, &w); err != nil {
		return JobDetail{}, err
	}
	return w.detail(), nil
}

// CancelJob asks Explorer to stop a Preparing or Running job
// (PUT /api-open/v1/jobs/{jobID}/cancel, form content type, no body). The
// job then goes to Stopping and later Interrupted.
func (c *Client) CancelJob(ctx context.Context, tok Token, jobID int64) error {
	const endpoint = "cancel job"
	if jobID <= 0 {
		return badJobID(endpoint, jobID)
	}
	_, err := c.do(ctx, request{
		endpoint:    endpoint,
		method:      http.MethodPut,
		path:        "/jobs/" + strconv.FormatInt(jobID, 10) + "/cancel",
		contentType: contentForm,
		token:       tok,
	}, nil)
	return err
}

// StartJob runs a workflow (POST /api-open/v1/workflows/{workflowID}/jobs)
// and returns the new job's ID, which Explorer may send as a number or a
// string. A nil in sends the body {} (no "input" key); a non-nil in is
// sent as {"input": in}. Input values must be strings or numbers
// (ErrBadParam otherwise, checked before sending).
func (c *Client) StartJob(ctx context.Context, tok Token, workflowID int64, in Input) (int64, error) {
	const endpoint = "start job"
	if workflowID <= 0 {
		return 0, newError(fmt.Sprintf("%s: workflow ID must be positive, got %d", endpoint, workflowID), ErrBadParam)
	}
	if err := checkInput(in); err != nil {
		return 0, newError(endpoint+": "+err.Error(), ErrBadParam)
	}
	body := []byte("{}")
	if in != nil {
		var err error
		if body, err = json.Marshal(map[string]Input{"input": in}); err != nil {
			return 0, newError(endpoint+": cannot encode input", ErrBadParam, err)
		}
	}
	var w wireStarted
	resp, err := c.do(ctx, request{
		endpoint:    endpoint,
		method:      http.MethodPost,
		path:        "/workflows/" + strconv.FormatInt(workflowID, 10) + "/jobs",
		body:        body,
		contentType: contentJSON,
		token:       tok,
	}, &w)
	if err != nil {
		return 0, err
	}
	if w.ID == nil || *w.ID <= 0 {
		return 0, badResponse(endpoint, resp, "no job id in the answer", nil)
	}
	return int64(*w.ID), nil
}

// checkInput accepts strings and numbers as parameter values.
func checkInput(in Input) error {
	for task, params := range in {
		if task == "" {
			return fmt.Errorf("input has an empty task ID")
		}
		for name, v := range params {
			switch v.(type) {
			case string, json.Number, int, int8, int16, int32, int64,
				uint, uint8, uint16, uint32, uint64, float32, float64:
			default:
				return fmt.Errorf("input parameter %q of task %q must be a string or a number, got %T", name, task, v)
			}
		}
	}
	return nil
}

// SampleResult returns up to limit sample result rows of one task of a job
// (GET /api-open/v1/jobs/{jobID}/tasks/{taskID}/sample_result?limit=N).
// Each row has 2 or 3 columns depending on the algorithm. A limit of 0 or
// less sends the documented default, DefaultSampleLimit. An empty taskID,
// "." or ".." is refused locally with ErrBadParam.
func (c *Client) SampleResult(ctx context.Context, tok Token, jobID int64, taskID string, limit int) ([][]string, error) {
	const endpoint = "sample result"
	if jobID <= 0 {
		return nil, badJobID(endpoint, jobID)
	}
	if taskID == "" || taskID == "." || taskID == ".." {
		return nil, newError(endpoint+": task ID is empty or not a task ID", ErrBadParam)
	}
	if limit <= 0 {
		limit = DefaultSampleLimit
	}
	var w wireSample
	if _, err := c.do(ctx, request{
		endpoint:    endpoint,
		method:      http.MethodGet,
		path:        "/jobs/" + strconv.FormatInt(jobID, 10) + "/tasks/" + url.PathEscape(taskID) + "/sample_result",
		query:       url.Values{"limit": {strconv.Itoa(limit)}},
		contentType: contentJSON,
		token:       tok,
	}, &w); err != nil {
		return nil, err
	}
	return w.rows(), nil
}

func badJobID(endpoint string, id int64) error {
	return newError(fmt.Sprintf("%s: job ID must be positive, got %d", endpoint, id), ErrBadParam)
}
