package apiclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ResponseError is a response that is not a usable Workflow API answer: not
// JSON (an HTML error page from a proxy), empty, truncated, of the wrong
// shape, over the size cap, a redirect, or a connect without its token
// cookie. It matches ErrBadResponse with errors.Is. Its message names the
// HTTP status and content type but never quotes the body, which may hold
// secrets.
type ResponseError struct {
	Endpoint    string // e.g. "list jobs"
	HTTPStatus  int
	ContentType string // as sent by Explorer, sanitised and shortened
	Reason      string // what was wrong, e.g. "body is not JSON"
	// Err is the underlying decoding error, if any. Its text may quote a
	// few bytes of the body: do not show it to users.
	Err error
}

// Error describes the failure without quoting the body.
func (e *ResponseError) Error() string {
	return fmt.Sprintf("apiclient: %s: malformed response from explorer: %s (HTTP %d, Content-Type %q)",
		e.Endpoint, e.Reason, e.HTTPStatus, e.ContentType)
}

// Is reports whether target is ErrBadResponse.
func (e *ResponseError) Is(target error) bool { return target == ErrBadResponse }

// Unwrap returns the underlying decoding error, if any.
func (e *ResponseError) Unwrap() error { return e.Err }

func badResponse(endpoint string, resp *http.Response, reason string, err error) error {
	return newResponseError(endpoint, resp.StatusCode, resp.Header.Get("Content-Type"), reason, err)
}

func newResponseError(endpoint string, status int, contentType, reason string, err error) *ResponseError {
	return &ResponseError{
		Endpoint:    endpoint,
		HTTPStatus:  status,
		ContentType: sanitize(contentType, 80),
		Reason:      reason,
		Err:         err,
	}
}

// envelope is Explorer's response wrapper {"code","message","data"}.
type envelope struct {
	Code    *int            `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// decodeEnvelope checks that body is an envelope and returns its data when
// code is 0. A non-zero code is an *APIError (message cleaned of secrets);
// anything else is a *ResponseError.
func decodeEnvelope(endpoint string, status int, contentType string, body []byte, secrets ...string) (json.RawMessage, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil, newResponseError(endpoint, status, contentType, "empty body", nil)
	}
	if trimmed[0] != '{' {
		return nil, newResponseError(endpoint, status, contentType, "body is not a JSON object", nil)
	}
	var env envelope
	if err := json.Unmarshal(trimmed, &env); err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se) && se.Offset >= int64(len(trimmed)):
			return nil, newResponseError(endpoint, status, contentType, "JSON body is truncated", err)
		case errors.As(err, &se):
			return nil, newResponseError(endpoint, status, contentType, "body is not valid JSON", err)
		default:
			return nil, newResponseError(endpoint, status, contentType, "envelope has an unexpected shape", err)
		}
	}
	if env.Code == nil {
		return nil, newResponseError(endpoint, status, contentType, "envelope has no code", nil)
	}
	if *env.Code != CodeSuccess {
		return nil, &APIError{
			Endpoint:   endpoint,
			HTTPStatus: status,
			Code:       *env.Code,
			Message:    cleanMessage(env.Message, secrets),
		}
	}
	return env.Data, nil
}

// decodeBody decodes a whole response body: the envelope (see
// decodeEnvelope) and, when data is not nil, the envelope's data into data.
// A list answer is decoded by decodeListPageFast, straight into the
// JobPage; what that refuses (errors and unusual but valid forms) goes to
// decodeTwoPass, whose answers and errors are the reference. The other
// read endpoints are decoded in one pass into their wire type; anything
// but a successful envelope with data falls back to decodeTwoPass too.
func decodeBody(endpoint string, status int, contentType string, body []byte, data any, secrets []string) error {
	switch v := data.(type) {
	case *JobPage:
		if decodeListPageFast(body, v) {
			return nil
		}
		var w wireJobPage
		if err := decodeTwoPass(endpoint, status, contentType, body, &w, secrets); err != nil {
			return err
		}
		*v = w.page()
		return nil
	case *wireJobDetail:
		return decodeOnePass(endpoint, status, contentType, body, v, secrets)
	case *wireSample:
		return decodeOnePass(endpoint, status, contentType, body, v, secrets)
	}
	return decodeTwoPass(endpoint, status, contentType, body, data, secrets)
}

// decodeOnePass decodes a successful envelope and its data into dst with
// one json.Unmarshal; any other body goes to decodeTwoPass for its exact
// error (or its APIError).
func decodeOnePass[T any](endpoint string, status int, contentType string, body []byte, dst *T, secrets []string) error {
	var env struct {
		Code    *int   `json:"code"`
		Message string `json:"message"`
		Data    *T     `json:"data"` // nil when null or absent
	}
	if err := json.Unmarshal(body, &env); err != nil || env.Code == nil || *env.Code != CodeSuccess || env.Data == nil {
		var fresh T
		if err := decodeTwoPass(endpoint, status, contentType, body, &fresh, secrets); err != nil {
			return err
		}
		*dst = fresh
		return nil
	}
	*dst = *env.Data
	return nil
}

// decodeTwoPass decodes the envelope with decodeEnvelope, then its data
// into data (when not nil).
func decodeTwoPass(endpoint string, status int, contentType string, body []byte, data any, secrets []string) error {
	payload, err := decodeEnvelope(endpoint, status, contentType, body, secrets...)
	if err != nil {
		return err
	}
	if data != nil {
		if err := decodeData(payload, data); err != nil {
			return newResponseError(endpoint, status, contentType, "data has an unexpected shape", err)
		}
	}
	return nil
}

// decodeData unmarshals an envelope's data into v; a missing or null data
// is an error. The returned error's text must not be shown (it may quote
// body bytes); callers wrap it in a ResponseError.
func decodeData(data json.RawMessage, v any) error {
	if len(data) == 0 || string(data) == "null" {
		return errors.New("envelope has no data")
	}
	return json.Unmarshal(data, v)
}

// maxMessageBytes bounds Explorer's message as jobboard keeps it (in logs
// and error texts): enough for a sentence, not for a dump.
const maxMessageBytes = 200

// redactedText stands in for anything in Explorer's message that may be a
// credential.
const redactedText = "[redacted]"

var (
	// credentialPair is a "name=value" or "name: value" whose name says
	// it holds a credential; the value goes, the name stays for diagnosis.
	credentialPair = regexp.MustCompile(`(?i)\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|auth(?:orization)?|credentials?|cookie|session[_-]?id)(\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s,;]+)`)
	// bearer is an HTTP authorisation value quoted in the message.
	bearer = regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9+/_=.~-]+`)
	// opaqueRun is a long run of token characters; runOK keeps the ones
	// that are plainly not secrets (all digits, like IDs and times).
	opaqueRun = regexp.MustCompile(`[A-Za-z0-9+/_=.~-]{20,}`)
)

// cleanMessage makes Explorer's message safe to log: the request's secrets
// (in any letter case), credential-looking values and long opaque strings
// that may be tokens redacted, invalid UTF-8 and control characters
// replaced, length capped. What stays is enough to tell errors apart.
func cleanMessage(msg string, secrets []string) string {
	for _, s := range secrets {
		if len(s) >= 4 {
			msg = regexp.MustCompile(`(?i)`+regexp.QuoteMeta(s)).ReplaceAllLiteralString(msg, redactedText)
		}
	}
	msg = bearer.ReplaceAllString(msg, "${1} "+redactedText)
	msg = credentialPair.ReplaceAllString(msg, "${1}${2}"+redactedText)
	msg = opaqueRun.ReplaceAllStringFunc(msg, func(run string) string {
		if strings.Trim(run, "0123456789-.") == "" {
			return run
		}
		return redactedText
	})
	return sanitize(msg, maxMessageBytes)
}

// sanitize replaces invalid UTF-8 and control characters with spaces or
// U+FFFD and cuts s to at most max bytes on a rune boundary.
func sanitize(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Wire types: exactly the fields jobboard uses; unknown fields are ignored.

type wireJob struct {
	ID           flexInt64  `json:"id"`
	Name         string     `json:"name"`
	WorkflowID   flexString `json:"workflowId"`
	WorkflowName string     `json:"workflowName"`
	Status       Status     `json:"status"`
	RunBeginTime wireTime   `json:"runBeginTime"`
	RunEndTime   wireTime   `json:"runEndTime"`
	CreateTime   wireTime   `json:"createTime"`
}

func (w wireJob) job() Job {
	return Job{
		ID:           int64(w.ID),
		Name:         w.Name,
		WorkflowID:   string(w.WorkflowID),
		WorkflowName: w.WorkflowName,
		Status:       w.Status,
		RunBegin:     time.Time(w.RunBeginTime),
		RunEnd:       time.Time(w.RunEndTime),
		Created:      time.Time(w.CreateTime),
	}
}

type wireJobPage struct {
	Items    []wireJob `json:"items"`
	Total    int       `json:"total"`
	Page     int       `json:"Page"`
	PageSize int       `json:"PageSize"`
}

func (w wireJobPage) page() JobPage {
	p := JobPage{Items: make([]Job, 0, len(w.Items)), Total: w.Total, Page: w.Page, PageSize: w.PageSize}
	for _, j := range w.Items {
		p.Items = append(p.Items, j.job())
	}
	return p
}

type wireTask struct {
	ID           string   `json:"id"`
	Name         string   `json:"name"`
	Status       Status   `json:"status"`
	RunBeginTime wireTime `json:"runBeginTime"`
	RunEndTime   wireTime `json:"runEndTime"`
}

type wireJobDetail struct {
	wireJob
	Tasks []wireTask `json:"tasks"`
}

func (w wireJobDetail) detail() JobDetail {
	d := JobDetail{Job: w.job(), Tasks: make([]Task, 0, len(w.Tasks))}
	for _, t := range w.Tasks {
		d.Tasks = append(d.Tasks, Task{
			ID:       t.ID,
			Name:     t.Name,
			Status:   t.Status,
			RunBegin: time.Time(t.RunBeginTime),
			RunEnd:   time.Time(t.RunEndTime),
		})
	}
	return d
}

type wireStarted struct {
	ID *flexInt64 `json:"id"`
}

type wireSample struct {
	Items [][]flexString `json:"items"`
}

func (w wireSample) rows() [][]string {
	rows := make([][]string, 0, len(w.Items))
	for _, item := range w.Items {
		row := make([]string, len(item))
		for i, cell := range item {
			row[i] = string(cell)
		}
		rows = append(rows, row)
	}
	return rows
}

// wireTime is a time sent either as epoch milliseconds (a JSON number, or
// a string of digits) or as an RFC 3339 string. 0, negative, "", null and
// absent give the zero time. Epoch times are returned in UTC; RFC 3339
// times keep their offset.
type wireTime time.Time

// UnmarshalJSON implements json.Unmarshaler. encoding/json has validated
// b, so a string literal without escapes is read in place.
func (t *wireTime) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*t = wireTime{}
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		s, err := stringLiteral(b)
		if err != nil {
			return err
		}
		s = bytes.TrimSpace(s)
		if len(s) == 0 {
			*t = wireTime{}
			return nil
		}
		if !isDigits(s) {
			v, err := time.Parse(time.RFC3339Nano, string(s))
			if err != nil {
				return errors.New("time is neither RFC 3339 nor epoch milliseconds")
			}
			*t = wireTime(v)
			return nil
		}
		b = s
	}
	ms, err := parseInt64(b)
	if err != nil {
		return errors.New("time is not an integer number of milliseconds")
	}
	if ms <= 0 {
		*t = wireTime{}
		return nil
	}
	*t = wireTime(time.UnixMilli(ms).UTC())
	return nil
}

// flexInt64 is an integer sent as a JSON number or as a string of digits;
// null gives 0.
type flexInt64 int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *flexInt64) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*n = 0
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		s, err := stringLiteral(b)
		if err != nil {
			return err
		}
		b = bytes.TrimSpace(s)
	}
	v, err := parseInt64(b)
	if err != nil {
		return errors.New("not an integer")
	}
	*n = flexInt64(v)
	return nil
}

// flexString is a string that may also arrive as a JSON number (kept as
// its literal text); null gives "".
type flexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*f = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		s, err := stringLiteral(b)
		if err != nil {
			return err
		}
		*f = flexString(s)
		return nil
	case len(b) > 0 && (b[0] == '-' || '0' <= b[0] && b[0] <= '9') && json.Valid(b):
		// A number literal: its text as sent.
		*f = flexString(b)
		return nil
	}
	return errors.New("neither a string nor a number")
}

// stringLiteral returns the text of the JSON string literal b: in place
// when it holds no escape sequence (encoding/json has validated it), else
// decoded by encoding/json.
func stringLiteral(b []byte) ([]byte, error) {
	if len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b[1:len(b)-1], '\\') < 0 && bytes.IndexByte(b[1:len(b)-1], '"') < 0 && utf8.Valid(b) && !hasControl(b) {
		return b[1 : len(b)-1], nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	return []byte(s), nil
}

// hasControl reports whether b holds a byte below 0x20 (invalid in a JSON
// string).
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

// parseInt64 parses b as strconv.ParseInt(string(b), 10, 64) does,
// without allocating for the usual up to 18 digits.
func parseInt64(b []byte) (int64, error) {
	digits := b
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		digits = b[1:]
	}
	if len(digits) == 0 || len(digits) > 18 || !isDigits(digits) {
		return strconv.ParseInt(string(b), 10, 64)
	}
	var v int64
	for _, c := range digits {
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, nil
}

func isDigits(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
