package telemetry

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
)

// Kind is a span's OTLP SpanKind: what the span's operation is for.
type Kind int

// Span kinds (OTLP's SpanKind enum values).
const (
	KindInternal Kind = 1 // an operation inside the process
	KindServer   Kind = 2 // serving a request from a remote caller
	KindClient   Kind = 3 // a request to a remote service
)

// StatusCode is a span's OTLP status code.
type StatusCode int

// Status codes (OTLP's Status.StatusCode enum values).
const (
	StatusUnset StatusCode = 0 // the default: neither marked good nor bad
	StatusOK    StatusCode = 1 // explicitly marked successful
	StatusError StatusCode = 2 // the operation failed
)

// Span is one finished span, as handed to Exporter.Export.
//
// IDs are lower-case hex, as in a W3C traceparent: TraceID 32 digits,
// SpanID and ParentSpanID 16 digits, none all zeros; ParentSpanID is empty
// for a root span. Export drops (and counts) a span whose IDs are not so.
type Span struct {
	TraceID      string
	SpanID       string
	ParentSpanID string
	Name         string // low-cardinality, e.g. "GET /jobs/:id"
	Kind         Kind
	Start, End   time.Time
	Attrs        []Attr
	Status       StatusCode
}

// attrKind says which of an Attr's values is set.
type attrKind uint8

const (
	attrString attrKind = iota
	attrInt
	attrBool
)

// Attr is one span or resource attribute: a key and a string, integer or
// boolean value. Build one with String, Int or Bool.
type Attr struct {
	Key  string
	kind attrKind
	str  string
	num  int64
	bit  bool
}

// String returns a string attribute.
func String(key, value string) Attr { return Attr{Key: key, kind: attrString, str: value} }

// Int returns an integer attribute.
func Int(key string, value int64) Attr { return Attr{Key: key, kind: attrInt, num: value} }

// Bool returns a boolean attribute.
func Bool(key string, value bool) Attr { return Attr{Key: key, kind: attrBool, bit: value} }

// NewTraceID returns a random trace-id: 32 lower-case hex digits.
func NewTraceID() string { return randomHex(16) }

// NewSpanID returns a random span-id: 16 lower-case hex digits.
func NewSpanID() string { return randomHex(8) }

func randomHex(n int) string {
	b := make([]byte, n)
	for {
		_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
		if s := hex.EncodeToString(b); strings.Trim(s, "0") != "" {
			return s
		}
	}
}

// ValidTraceID reports whether s is a trace-id Export accepts: 32
// lower-case hex digits, not all zeros.
func ValidTraceID(s string) bool { return validID(s, 32) }

// ValidSpanID reports whether s is a span-id Export accepts: 16 lower-case
// hex digits, not all zeros.
func ValidSpanID(s string) bool { return validID(s, 16) }

func validID(s string, n int) bool {
	if len(s) != n || strings.Trim(s, "0") == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// valid reports whether s can be exported: valid IDs, a name, and an end
// not before its start.
func (s *Span) valid() bool {
	return ValidTraceID(s.TraceID) && ValidSpanID(s.SpanID) &&
		(s.ParentSpanID == "" || ValidSpanID(s.ParentSpanID)) &&
		s.Name != "" && !s.Start.IsZero() && !s.End.Before(s.Start)
}
