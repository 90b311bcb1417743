package telemetry

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// The OTLP/JSON encoding of an ExportTraceServiceRequest: protobuf's JSON
// mapping with OTLP's deviations (opentelemetry-proto,
// docs/specification.md, "JSON Protobuf Encoding"): lowerCamelCase keys,
// trace and span IDs as hex strings (not base64), enums as integers, and
// 64-bit integers as decimal strings.

type exportRequest struct {
	ResourceSpans []resourceSpans `json:"resourceSpans"`
}

type resourceSpans struct {
	Resource   resource     `json:"resource"`
	ScopeSpans []scopeSpans `json:"scopeSpans"`
}

type resource struct {
	Attributes []keyValue `json:"attributes"`
}

type scopeSpans struct {
	Scope scope      `json:"scope"`
	Spans []jsonSpan `json:"spans"`
}

type scope struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

type jsonSpan struct {
	TraceID           string     `json:"traceId"`
	SpanID            string     `json:"spanId"`
	ParentSpanID      string     `json:"parentSpanId,omitempty"`
	Name              string     `json:"name"`
	Kind              Kind       `json:"kind"`
	StartTimeUnixNano string     `json:"startTimeUnixNano"`
	EndTimeUnixNano   string     `json:"endTimeUnixNano"`
	Attributes        []keyValue `json:"attributes,omitempty"`
	Status            *status    `json:"status,omitempty"`
}

type status struct {
	Code StatusCode `json:"code"`
}

type keyValue struct {
	Key   string   `json:"key"`
	Value anyValue `json:"value"`
}

// anyValue is OTLP's AnyValue: exactly one field is set.
type anyValue struct {
	StringValue *string `json:"stringValue,omitempty"`
	IntValue    *string `json:"intValue,omitempty"` // int64: a decimal string
	BoolValue   *bool   `json:"boolValue,omitempty"`
}

// keyValues encodes attributes.
func keyValues(attrs []Attr) []keyValue {
	if len(attrs) == 0 {
		return nil
	}
	out := make([]keyValue, len(attrs))
	for i, a := range attrs {
		out[i].Key = a.Key
		switch a.kind {
		case attrInt:
			s := strconv.FormatInt(a.num, 10)
			out[i].Value.IntValue = &s
		case attrBool:
			b := a.bit
			out[i].Value.BoolValue = &b
		default:
			s := a.str
			out[i].Value.StringValue = &s
		}
	}
	return out
}

// unixNano is t in nanoseconds since the Unix epoch, as a decimal string
// (OTLP's fixed64 in JSON).
func unixNano(t time.Time) string { return strconv.FormatInt(t.UnixNano(), 10) }

// encodeSpans encodes spans as one ExportTraceServiceRequest of the
// resource res and the instrumentation scope scopeName.
func encodeSpans(res []keyValue, scopeName, scopeVersion string, spans []Span) ([]byte, error) {
	js := make([]jsonSpan, len(spans))
	for i := range spans {
		s := &spans[i]
		js[i] = jsonSpan{
			TraceID:           s.TraceID,
			SpanID:            s.SpanID,
			ParentSpanID:      s.ParentSpanID,
			Name:              s.Name,
			Kind:              s.Kind,
			StartTimeUnixNano: unixNano(s.Start),
			EndTimeUnixNano:   unixNano(s.End),
			Attributes:        keyValues(s.Attrs),
		}
		if s.Status != StatusUnset {
			js[i].Status = &status{Code: s.Status}
		}
	}
	req := exportRequest{ResourceSpans: []resourceSpans{{
		Resource:   resource{Attributes: res},
		ScopeSpans: []scopeSpans{{Scope: scope{Name: scopeName, Version: scopeVersion}, Spans: js}},
	}}}
	b, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("telemetry: encode %d spans: %w", len(spans), err)
	}
	return b, nil
}

// exportResponse is the part of an ExportTraceServiceResponse we read.
type exportResponse struct {
	PartialSuccess *struct {
		RejectedSpans json.Number `json:"rejectedSpans"` // int64: string or number
		ErrorMessage  string      `json:"errorMessage"`
	} `json:"partialSuccess"`
}
