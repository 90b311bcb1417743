package app

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// otlpRequest is the part of an OTLP/JSON ExportTraceServiceRequest the
// test reads.
type otlpRequest struct {
	ResourceSpans []struct {
		ScopeSpans []struct {
			Spans []struct {
				TraceID string `json:"traceId"`
				Name    string `json:"name"`
			} `json:"spans"`
		} `json:"scopeSpans"`
	} `json:"resourceSpans"`
}

// TestTracesAreFlushedOnShutdown boots jobboard with an OTLP endpoint: a
// request's span, still queued when the server stops (the batch interval
// is 2 s), reaches the collector before run returns.
func TestTracesAreFlushedOnShutdown(t *testing.T) {
	var mu sync.Mutex
	var bodies []otlpRequest
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body otlpRequest
		raw, _ := io.ReadAll(r.Body)
		if r.URL.Path != "/v1/traces" || json.Unmarshal(raw, &body) != nil {
			t.Errorf("collector got %s %q", r.URL.Path, raw)
		}
		mu.Lock()
		bodies = append(bodies, body)
		mu.Unlock()
		io.WriteString(w, "{}")
	}))
	defer collector.Close()

	base, _, stop := start(t, []string{"-addr", "127.0.0.1:0"}, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL})
	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	req, err := http.NewRequest(http.MethodGet, base+"/login", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}

	mu.Lock()
	defer mu.Unlock()
	var found bool
	for _, b := range bodies {
		for _, rs := range b.ResourceSpans {
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					found = found || (s.TraceID == traceID && s.Name == "GET /login")
				}
			}
		}
	}
	if !found {
		t.Errorf("the request's span was not flushed on shutdown; collector got %v", bodies)
	}
}
