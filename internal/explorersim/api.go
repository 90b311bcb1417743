package explorersim

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	mrand "math/rand/v2"
)

// Envelope codes documented by Explorer that the simulator answers.
const (
	CodeSuccess        = 0
	CodeBadRequest     = 40004000
	CodeParam          = 40004001
	CodeUnauthorized   = 40104000
	CodeSession        = 40104001
	CodeNotFound       = 40404000
	CodeInternalServer = 50004000
)

// TokenCookie is the name of the cookie that carries the token.
const TokenCookie = "explorer_token"

// APIPrefix is the path prefix of every endpoint.
const APIPrefix = "/api-open/v1/"

// Page size bounds and defaults of the list endpoints, and the sample limit.
const (
	DefaultPageSize = 10
	MaxPageSize     = 1000
	DefaultLimit    = 10
	MaxLimit        = 1000
)

// maxBody caps the request bodies the simulator reads.
const maxBody = 1 << 20

// httpStatusFor maps an envelope code to the HTTP status it is sent with.
func httpStatusFor(code int) int {
	switch code {
	case CodeSuccess:
		return http.StatusOK
	case CodeBadRequest, CodeParam:
		return http.StatusBadRequest
	case CodeUnauthorized, CodeSession:
		return http.StatusUnauthorized
	case CodeNotFound:
		return http.StatusNotFound
	}
	return http.StatusInternalServerError
}

type tokenInfo struct {
	account  *account
	issuedMs int64
}

// ServeHTTP serves the Workflow API (paths under /api-open/v1/), after
// applying the active fault if any.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.calls.Add(1)
	w.Header().Set("Traceparent", traceparent(r.Header.Get("Traceparent")))
	var began time.Time
	debug := s.log.Enabled(r.Context(), slog.LevelDebug)
	var sw *statusWriter
	if debug {
		began = time.Now()
		sw = &statusWriter{ResponseWriter: w, status: http.StatusOK}
		w = sw
	}
	if f := s.fault.Load(); !s.applyFault(f, w, r) {
		s.serveAPI(w, r)
	}
	if debug {
		s.log.LogAttrs(r.Context(), slog.LevelDebug, "explorersim request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.String("query", r.URL.RawQuery), slog.Int("status", sw.status),
			slog.Duration("elapsed", time.Since(began)))
	}
}

// statusWriter remembers the status written, for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (sw *statusWriter) WriteHeader(code int) {
	sw.status = code
	sw.ResponseWriter.WriteHeader(code)
}

// serveAPI routes r to its endpoint.
func (s *Sim) serveAPI(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, APIPrefix)
	if !ok {
		s.writeError(w, CodeNotFound, "no such endpoint")
		return
	}
	seg := strings.Split(rest, "/")
	switch {
	case len(seg) == 1 && seg[0] == "connect":
		if s.method(w, r, http.MethodPost) {
			s.handleConnect(w, r)
		}
	case len(seg) == 1 && seg[0] == "jobs":
		if s.method(w, r, http.MethodGet) {
			if ac := s.auth(w, r); ac != nil {
				s.handleList(w, r, ac, "", false)
			}
		}
	case len(seg) == 3 && seg[0] == "workflows" && seg[2] == "jobs":
		if r.Method != http.MethodGet && !s.method(w, r, http.MethodPost) {
			return
		}
		ac := s.auth(w, r)
		if ac == nil {
			return
		}
		if r.Method == http.MethodGet {
			s.handleList(w, r, ac, seg[1], true)
		} else {
			s.handleStart(w, r, ac, seg[1])
		}
	case len(seg) == 2 && seg[0] == "jobs":
		if s.method(w, r, http.MethodGet) {
			if ac := s.auth(w, r); ac != nil {
				s.handleJob(w, ac, seg[1])
			}
		}
	case len(seg) == 3 && seg[0] == "jobs" && seg[2] == "cancel":
		if s.method(w, r, http.MethodPut) {
			if ac := s.auth(w, r); ac != nil {
				s.handleCancel(w, ac, seg[1])
			}
		}
	case len(seg) == 5 && seg[0] == "jobs" && seg[2] == "tasks" && seg[4] == "sample_result":
		if s.method(w, r, http.MethodGet) {
			if ac := s.auth(w, r); ac != nil {
				s.handleSample(w, r, ac, seg[1], seg[3])
			}
		}
	default:
		s.writeError(w, CodeNotFound, "no such endpoint")
	}
}

// method checks r's method, answering 405 with an ErrBadRequest envelope
// when it is not want.
func (s *Sim) method(w http.ResponseWriter, r *http.Request, want string) bool {
	if r.Method == want {
		return true
	}
	allow := want
	if want == http.MethodPost && strings.HasPrefix(r.URL.Path, APIPrefix+"workflows/") {
		allow = "GET, POST"
	}
	w.Header().Set("Allow", allow)
	b := appendEnvelopeHead(nil, CodeBadRequest, "method not allowed")
	writeBody(w, http.StatusMethodNotAllowed, "application/json", append(b, "null}"...))
	return false
}

// auth returns the account of r's token, or answers ErrUnauthorized /
// ErrSession and returns nil.
func (s *Sim) auth(w http.ResponseWriter, r *http.Request) *account {
	c, err := r.Cookie(TokenCookie)
	if err != nil || c.Value == "" {
		s.writeError(w, CodeUnauthorized, "not authorized: missing explorer_token")
		return nil
	}
	s.tokMu.Lock()
	ti, ok := s.tokens[c.Value]
	s.tokMu.Unlock()
	if !ok {
		s.writeError(w, CodeUnauthorized, "not authorized: invalid token")
		return nil
	}
	if s.nowMs()-ti.issuedMs >= s.ttl.Milliseconds() {
		s.writeError(w, CodeSession, "login session expired, please connect again")
		return nil
	}
	return ti.account
}

// handleConnect serves POST /api-open/v1/connect.
func (s *Sim) handleConnect(w http.ResponseWriter, r *http.Request) {
	authz := r.Header.Get("Authorization")
	enc, ok := strings.CutPrefix(authz, "Bearer ")
	if !ok {
		s.writeError(w, CodeUnauthorized, "not authorized: missing Bearer credentials")
		return
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
	if err != nil {
		raw, err = base64.RawStdEncoding.DecodeString(strings.TrimSpace(enc))
	}
	name, pass, found := strings.Cut(string(raw), ":")
	if err != nil || !found {
		s.writeError(w, CodeUnauthorized, "not authorized: malformed credentials")
		return
	}
	var body struct {
		Address *string `json:"address"`
		Port    *int    `json:"port"`
	}
	if msg := decodeBody(r, &body); msg != "" {
		s.writeError(w, CodeParam, msg)
		return
	}
	if body.Address == nil || strings.TrimSpace(*body.Address) == "" {
		s.writeError(w, CodeParam, "invalid parameter: address is required")
		return
	}
	if body.Port == nil || *body.Port < 1 || *body.Port > 65535 {
		s.writeError(w, CodeParam, "invalid parameter: port must be a number from 1 to 65535")
		return
	}
	ac := s.byName[name]
	if ac == nil || subtle.ConstantTimeCompare([]byte(pass), []byte(ac.acc.Password)) != 1 {
		s.writeError(w, CodeUnauthorized, "not authorized: wrong account or password")
		return
	}
	var rb [24]byte
	if _, err := rand.Read(rb[:]); err != nil {
		s.writeError(w, CodeInternalServer, "internal error")
		return
	}
	tok := base64.RawURLEncoding.EncodeToString(rb[:])
	s.tokMu.Lock()
	s.tokens[tok] = tokenInfo{account: ac, issuedMs: s.nowMs()}
	s.tokMu.Unlock()
	w.Header().Add("Set-Cookie", TokenCookie+"="+tok+"; Path=/; Max-Age="+
		strconv.FormatInt(int64(s.ttl/time.Second), 10)+"; HttpOnly")
	s.writeData(w, []byte(`{"success":true}`))
}

// decodeBody decodes r's JSON body into v; it returns a message for
// ErrParam, or "" on success. An empty body leaves v untouched.
func decodeBody(r *http.Request, v any) string {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return "invalid parameter: cannot read body"
	}
	if len(b) > maxBody {
		return "invalid parameter: body too large"
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return ""
	}
	if err := json.Unmarshal(b, v); err != nil {
		return "invalid parameter: body is not valid JSON of the expected shape"
	}
	return ""
}

// listQuery is a parsed list request.
type listQuery struct {
	name     string // lower-cased substring, "" = any
	status   int    // -1 = any
	from, to int64  // inclusive epoch ms bounds
	asc      bool
	page     int
	pageSize int
}

// parseListQuery parses the filter, page and pageSize parameters; it
// returns a message for ErrParam on bad input.
func parseListQuery(raw string) (listQuery, string) {
	q := listQuery{status: -1, from: -1 << 63, to: 1<<63 - 1, page: 1, pageSize: DefaultPageSize}
	vals, err := url.ParseQuery(raw)
	if err != nil {
		return q, "invalid parameter: malformed query string"
	}
	if f := vals.Get("filter"); f != "" {
		var fl struct {
			Name              *string `json:"name"`
			Status            *int    `json:"status"`
			FromCreateTime    *int64  `json:"fromCreateTime"`
			ToCreateTime      *int64  `json:"toCreateTime"`
			OrderByCreateTime *string `json:"orderByCreateTime"`
		}
		if !strings.HasPrefix(strings.TrimSpace(f), "{") {
			return q, "invalid parameter: filter must be a JSON object"
		}
		if err := json.Unmarshal([]byte(f), &fl); err != nil {
			return q, "invalid parameter: filter is not valid JSON of the expected shape"
		}
		if fl.Name != nil {
			q.name = strings.ToLower(*fl.Name)
		}
		if fl.Status != nil {
			if *fl.Status < StatusPreparing || *fl.Status > StatusStopping {
				return q, "invalid parameter: filter.status must be 0 to 5"
			}
			q.status = *fl.Status
		}
		if fl.FromCreateTime != nil {
			if *fl.FromCreateTime < 0 {
				return q, "invalid parameter: filter.fromCreateTime must not be negative"
			}
			q.from = *fl.FromCreateTime
		}
		if fl.ToCreateTime != nil {
			if *fl.ToCreateTime < 0 {
				return q, "invalid parameter: filter.toCreateTime must not be negative"
			}
			q.to = *fl.ToCreateTime
		}
		if fl.OrderByCreateTime != nil {
			switch *fl.OrderByCreateTime {
			case "", "desc":
			case "asc":
				q.asc = true
			default:
				return q, "invalid parameter: filter.orderByCreateTime must be desc or asc"
			}
		}
	}
	if v := vals.Get("pageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPageSize {
			return q, fmt.Sprintf("invalid parameter: pageSize must be 1 to %d", MaxPageSize)
		}
		q.pageSize = n
	}
	if v := vals.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return q, "invalid parameter: page must be a positive integer"
		}
		q.page = n
	}
	return q, ""
}

// isDigits reports whether s is a non-empty string of ASCII digits.
func isDigits(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// handleList serves GET /api-open/v1/jobs and
// GET /api-open/v1/workflows/{workflow_id}/jobs.
func (s *Sim) handleList(w http.ResponseWriter, r *http.Request, ac *account, wfID string, oneWF bool) {
	wi := -1
	if oneWF {
		if !isDigits(wfID) {
			s.writeError(w, CodeParam, "invalid parameter: workflow_id must be numeric")
			return
		}
	}
	q, msg := parseListQuery(r.URL.RawQuery)
	if msg != "" {
		s.writeError(w, CodeParam, msg)
		return
	}
	if oneWF {
		if wi = ac.workflowIndex(wfID); wi < 0 {
			s.writeError(w, CodeNotFound, "workflow not found")
			return
		}
	}
	d := ac.load()
	now := s.nowMs()
	bp := s.getBuf()
	b := appendEnvelopeHead((*bp)[:0], CodeSuccess, "Success")
	b = append(b, `{"items":[`...)

	d.mu.RLock()
	var idx []int32
	n := len(d.jobs)
	if wi >= 0 {
		idx = d.byWF[wi]
		n = len(idx)
	}
	at := func(p int) *job {
		if wi >= 0 {
			return &d.jobs[idx[p]]
		}
		return &d.jobs[p]
	}
	lo := sort.Search(n, func(p int) bool { return at(p).createdMs >= q.from })
	hi := sort.Search(n, func(p int) bool { return at(p).createdMs > q.to })
	if hi < lo {
		hi = lo
	}
	offset := int64(1) << 62 // saturate: huge page numbers are simply past the end
	if int64(q.page-1) < offset/int64(q.pageSize) {
		offset = int64(q.page-1) * int64(q.pageSize)
	}
	filtered := q.name != "" || q.status >= 0
	total := 0
	first := true
	emit := func(j *job) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = ac.appendJob(b, j, now)
	}
	if !filtered {
		total = hi - lo
		if offset < int64(total) {
			end := min(int64(total), offset+int64(q.pageSize))
			for k := offset; k < end; k++ {
				p := lo + int(k)
				if !q.asc {
					p = hi - 1 - int(k)
				}
				emit(at(p))
			}
		}
	} else {
		for k := 0; k < hi-lo; k++ {
			p := lo + k
			if !q.asc {
				p = hi - 1 - k
			}
			j := at(p)
			if q.status >= 0 {
				if st, _, _ := j.view(now); st != q.status {
					continue
				}
			}
			if q.name != "" && !j.nameHas(q.name) {
				continue
			}
			if int64(total) >= offset && int64(total) < offset+int64(q.pageSize) {
				emit(j)
			}
			total++
		}
	}
	d.mu.RUnlock()

	b = append(b, `],"total":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, `,"Page":`...)
	b = strconv.AppendInt(b, int64(q.page), 10)
	b = append(b, `,"PageSize":`...)
	b = strconv.AppendInt(b, int64(q.pageSize), 10)
	b = append(b, "}}"...)
	writeBody(w, http.StatusOK, "application/json", b)
	*bp = b
	s.bufs.Put(bp)
}

// getBuf returns a pooled response buffer.
func (s *Sim) getBuf() *[]byte {
	if bp, ok := s.bufs.Get().(*[]byte); ok {
		return bp
	}
	b := make([]byte, 0, 4096)
	return &b
}

// appendJob appends j's list-item JSON (the eight documented keys) at now.
func (ac *account) appendJob(b []byte, j *job, now int64) []byte {
	st, begin, end := j.view(now)
	w := &ac.workflows[j.wf]
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, j.id, 10)
	b = append(b, `,"name":`...)
	b = appendString(b, j.name)
	b = append(b, `,"workflowId":`...)
	b = appendString(b, w.id)
	b = append(b, `,"workflowName":`...)
	b = appendString(b, w.name)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(st), 10)
	b = append(b, `,"runBeginTime":`...)
	b = strconv.AppendInt(b, begin, 10)
	b = append(b, `,"runEndTime":`...)
	b = strconv.AppendInt(b, end, 10)
	b = append(b, `,"createTime":`...)
	b = strconv.AppendInt(b, j.createdMs, 10)
	return append(b, '}')
}

// appendString appends s as a JSON string, HTML-safe like encoding/json.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= utf8.RuneSelf {
			enc, err := json.Marshal(s)
			if err != nil {
				return append(b, `""`...)
			}
			return append(b, enc...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// parseJobID parses a job ID path segment, answering ErrParam itself when
// it is not a number.
func (s *Sim) parseJobID(w http.ResponseWriter, raw string) (int64, bool) {
	if !isDigits(raw) {
		s.writeError(w, CodeParam, "invalid parameter: job_id must be numeric")
		return 0, false
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		s.writeError(w, CodeParam, "invalid parameter: job_id must be numeric")
		return 0, false
	}
	return id, true
}

// handleJob serves GET /api-open/v1/jobs/{job_id}.
func (s *Sim) handleJob(w http.ResponseWriter, ac *account, raw string) {
	id, ok := s.parseJobID(w, raw)
	if !ok {
		return
	}
	d := ac.load()
	now := s.nowMs()
	d.mu.RLock()
	j := d.find(id)
	if j == nil {
		d.mu.RUnlock()
		s.writeError(w, CodeNotFound, "job not found")
		return
	}
	b := ac.appendJob(nil, j, now)
	tasks := ac.tasks(d, j, now)
	d.mu.RUnlock()
	loc := s.loc
	b = append(b[:len(b)-1], `,"tasks":[`...)
	for i, t := range tasks {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = appendString(b, t.ID)
		b = append(b, `,"name":`...)
		b = appendString(b, t.Name)
		b = append(b, `,"runBeginTime":"`...)
		if !t.Begin.IsZero() {
			b = t.Begin.In(loc).AppendFormat(b, time.RFC3339)
		}
		b = append(b, `","runEndTime":"`...)
		if !t.End.IsZero() {
			b = t.End.In(loc).AppendFormat(b, time.RFC3339)
		}
		b = append(b, `","status":`...)
		b = strconv.AppendInt(b, int64(t.Status), 10)
		b = append(b, '}')
	}
	b = append(b, "]}"...)
	s.writeData(w, b)
}

// handleCancel serves PUT /api-open/v1/jobs/{job_id}/cancel.
func (s *Sim) handleCancel(w http.ResponseWriter, ac *account, raw string) {
	id, ok := s.parseJobID(w, raw)
	if !ok {
		return
	}
	d := ac.load()
	now := s.nowMs()
	d.mu.Lock()
	j := d.find(id)
	code, msg := CodeSuccess, ""
	switch {
	case j == nil:
		code, msg = CodeNotFound, "job not found"
	default:
		switch st, _, _ := j.view(now); st {
		case StatusPreparing, StatusRunning:
			j.cancelMs = now
			j.stopMs = StopDelay.Milliseconds()
		case StatusStopping:
			// Already stopping: cancelling again changes nothing.
		default:
			code, msg = CodeBadRequest, "job is not running"
		}
	}
	d.mu.Unlock()
	if code != CodeSuccess {
		s.writeError(w, code, msg)
		return
	}
	s.writeData(w, []byte(`{"success":true}`))
}

// handleStart serves POST /api-open/v1/workflows/{workflow_id}/jobs.
func (s *Sim) handleStart(w http.ResponseWriter, r *http.Request, ac *account, wfID string) {
	if !isDigits(wfID) {
		s.writeError(w, CodeParam, "invalid parameter: workflow_id must be numeric")
		return
	}
	var body struct {
		Input map[string]map[string]any `json:"input"`
	}
	if msg := decodeBody(r, &body); msg != "" {
		s.writeError(w, CodeParam, msg)
		return
	}
	wi := ac.workflowIndex(wfID)
	if wi < 0 {
		s.writeError(w, CodeNotFound, "workflow not found")
		return
	}
	id := ac.startJob(wi, s.nowMs())
	b := append([]byte(`{"id":`), strconv.FormatInt(id, 10)...)
	s.writeData(w, append(b, '}'))
}

// handleSample serves GET /api-open/v1/jobs/{job_id}/tasks/{task_id}/sample_result.
func (s *Sim) handleSample(w http.ResponseWriter, r *http.Request, ac *account, rawJob, taskID string) {
	id, ok := s.parseJobID(w, rawJob)
	if !ok {
		return
	}
	limit := DefaultLimit
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			s.writeError(w, CodeParam, fmt.Sprintf("invalid parameter: limit must be 1 to %d", MaxLimit))
			return
		}
		limit = n
	}
	d := ac.load()
	now := s.nowMs()
	d.mu.RLock()
	j := d.find(id)
	var tasks []TaskRecord
	if j != nil {
		tasks = ac.tasks(d, j, now)
	}
	d.mu.RUnlock()
	if j == nil {
		s.writeError(w, CodeNotFound, "job not found")
		return
	}
	ti := -1
	for i := range tasks {
		if tasks[i].ID == taskID {
			ti = i
		}
	}
	if ti < 0 {
		s.writeError(w, CodeNotFound, "task not found")
		return
	}
	t := tasks[ti]
	rows := 0
	if t.Status == StatusSuccess {
		rows = min(limit, sampleRows(s.seed, id, t.ID))
	}
	b := []byte(`{"items":[`)
	th := strHash(t.ID)
	for i := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendSampleRow(b, mix(s.seed, uint64(id), th, uint64(i)), i, t.Columns)
	}
	s.writeData(w, append(b, "]}"...))
}

// appendSampleRow appends row i of a task's sample result: a vertex ID, a
// score formatted %.6f and, for 3 columns, a community ID.
func appendSampleRow(b []byte, h uint64, i, cols int) []byte {
	b = append(b, `["`...)
	if i%5 == 4 {
		b = append(b, "team"...)
		b = strconv.AppendInt(b, int64(200+i/5), 10)
	} else {
		b = append(b, "player"...)
		b = strconv.AppendInt(b, int64(100+i-i/5), 10)
	}
	b = append(b, `","`...)
	b = strconv.AppendFloat(b, float64(h>>11)/float64(1<<53), 'f', 6, 64)
	b = append(b, '"')
	if cols >= 3 {
		b = append(b, `,"`...)
		b = strconv.AppendInt(b, int64(1000+(h>>3)%48), 10)
		b = append(b, '"')
	}
	return append(b, ']')
}

// appendEnvelopeHead appends `{"code":code,"message":msg,"data":`.
func appendEnvelopeHead(b []byte, code int, msg string) []byte {
	b = append(b, `{"code":`...)
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, `,"message":`...)
	b = appendString(b, msg)
	return append(b, `,"data":`...)
}

// writeData answers a success envelope around the JSON data.
func (s *Sim) writeData(w http.ResponseWriter, data []byte) {
	b := appendEnvelopeHead(make([]byte, 0, len(data)+48), CodeSuccess, "Success")
	b = append(b, data...)
	writeBody(w, http.StatusOK, "application/json", append(b, '}'))
}

// writeError answers an error envelope with the HTTP status of its code.
func (s *Sim) writeError(w http.ResponseWriter, code int, msg string) {
	b := appendEnvelopeHead(nil, code, msg)
	writeBody(w, httpStatusFor(code), "application/json", append(b, "null}"...))
}

// writeBody writes a complete response.
func writeBody(w http.ResponseWriter, status int, ctype string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b) //nolint:gosec // G705: b is JSON whose strings appendString escapes (<, >, & as \u003c...) sent as application/json, or the constant html502 page
}

// traceparent returns a W3C traceparent for the response: in's trace ID
// with a new span ID when in is valid, else a new random trace.
func traceparent(in string) string {
	var b [55]byte
	hexd := "0123456789abcdef"
	put := func(off int, v uint64) {
		for i := 15; i >= 0; i-- {
			b[off+i] = hexd[v&15]
			v >>= 4
		}
	}
	flags := "00"
	if validTraceparent(in) {
		copy(b[:36], in[:36])
		flags = in[53:55]
	} else {
		copy(b[:3], "00-")
		put(3, mrand.Uint64())
		put(19, mrand.Uint64()|1)
	}
	b[35] = '-'
	put(36, mrand.Uint64()|1)
	b[52] = '-'
	copy(b[53:], flags)
	return string(b[:])
}

// validTraceparent reports whether s is a version-00 traceparent with a
// non-zero trace ID.
func validTraceparent(s string) bool {
	if len(s) != 55 || s[:3] != "00-" || s[35] != '-' || s[52] != '-' {
		return false
	}
	nonzero := false
	for i, c := range []byte(s) {
		if i < 3 || i == 35 || i == 52 {
			continue
		}
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
		if i < 35 && c != '0' {
			nonzero = true
		}
	}
	return nonzero
}
