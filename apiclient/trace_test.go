package apiclient_test

import (
	"net/http"
	"testing"

	"jobboard/apiclient"
)

func TestTraceparentIsSentOnlyWhenSet(t *testing.T) {
	client, rec := serve(t, http.StatusOK, `{"code":0,"data":{"items":[],"total":0}}`)
	const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
	if _, err := client.ListJobs(apiclient.WithTraceparent(ctxT(t), tp), testToken, apiclient.ListQuery{}); err != nil {
		t.Fatalf("ListJobs: %v", err)
	}
	if _, err := client.ListJobs(ctxT(t), testToken, apiclient.ListQuery{}); err != nil {
		t.Fatalf("ListJobs: %v", err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.reqs) != 2 {
		t.Fatalf("got %d requests, want 2", len(rec.reqs))
	}
	if got := rec.reqs[0].Header.Get("Traceparent"); got != tp {
		t.Errorf("traceparent = %q, want %q", got, tp)
	}
	if got := rec.reqs[1].Header.Values("Traceparent"); len(got) != 0 {
		t.Errorf("call without a trace sent traceparent %q", got)
	}
}
