package explorersim

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// FaultKind selects how a faulty response is broken.
type FaultKind int

// The fault kinds. FaultNone with a Latency only slows answers down.
const (
	// FaultNone answers normally.
	FaultNone FaultKind = iota
	// FaultErrorEnvelope answers {"code": Code, "message": Message,
	// "data": null} with HTTP HTTPStatus (default 500; Code defaults to
	// 50004000 and Message to "internal server error").
	FaultErrorEnvelope
	// FaultHTML502 answers HTTP 502 with an HTML body, like an nginx error page.
	FaultHTML502
	// FaultTruncatedJSON answers the first half of a valid response body.
	FaultTruncatedJSON
	// FaultEmptyBody answers HTTP 200 with no body.
	FaultEmptyBody
	// FaultHang never answers until the request's context ends.
	FaultHang
)

// String names the kind, for test output.
func (k FaultKind) String() string {
	switch k {
	case FaultNone:
		return "FaultNone"
	case FaultErrorEnvelope:
		return "FaultErrorEnvelope"
	case FaultHTML502:
		return "FaultHTML502"
	case FaultTruncatedJSON:
		return "FaultTruncatedJSON"
	case FaultEmptyBody:
		return "FaultEmptyBody"
	case FaultHang:
		return "FaultHang"
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// Fault describes a fault to inject into the simulator's answers.
type Fault struct {
	Kind FaultKind
	// Latency is waited (in real time, not on the Clock) before answering;
	// it applies with any Kind, FaultNone included. The wait ends early if
	// the request's context ends.
	Latency time.Duration
	// Code, Message and HTTPStatus shape a FaultErrorEnvelope answer.
	Code       int
	Message    string
	HTTPStatus int
	// PathPrefix limits the fault to requests whose path starts with it
	// (e.g. "/api-open/v1/jobs"); "" means every request.
	PathPrefix string
}

// html502 is the body of a FaultHTML502 answer.
const html502 = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx/1.25.3</center>
</body>
</html>
`

// applyFault serves r according to f. It reports whether the response has
// been written (false: serve normally).
func (s *Sim) applyFault(f *Fault, w http.ResponseWriter, r *http.Request) bool {
	if f == nil || !strings.HasPrefix(r.URL.Path, f.PathPrefix) {
		return false
	}
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	switch f.Kind {
	case FaultErrorEnvelope:
		code, msg, status := f.Code, f.Message, f.HTTPStatus
		if code == 0 {
			code = CodeInternalServer
		}
		if msg == "" {
			msg = "internal server error"
		}
		if status == 0 {
			status = http.StatusInternalServerError
		}
		b := appendEnvelopeHead(nil, code, msg)
		b = append(b, "null}"...)
		writeBody(w, status, "application/json", b)
		return true
	case FaultHTML502:
		writeBody(w, http.StatusBadGateway, "text/html", []byte(html502))
		return true
	case FaultTruncatedJSON:
		rec := &recorder{header: make(http.Header), status: http.StatusOK}
		s.serveAPI(rec, r)
		body := rec.body.Bytes()
		for k, v := range rec.header {
			if k != "Content-Length" {
				w.Header()[k] = v
			}
		}
		writeBody(w, rec.status, "application/json", body[:len(body)/2])
		return true
	case FaultEmptyBody:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusOK)
		return true
	case FaultHang:
		<-r.Context().Done()
		return true
	}
	return false
}

// recorder is a minimal in-memory http.ResponseWriter.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (rc *recorder) Header() http.Header         { return rc.header }
func (rc *recorder) Write(p []byte) (int, error) { return rc.body.Write(p) }
func (rc *recorder) WriteHeader(status int)      { rc.status = status }
