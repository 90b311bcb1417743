package dashboard_test

import (
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"jobboard/internal/testenv"
	"jobboard/internal/testenv/dashboard"
)

// The rig's client is observed as the binary's is: a test's dashboard log
// counts each request's calls to Explorer, so a failing test's log says
// what the page asked of Explorer.
func TestRigLogCountsUpstreamCalls(t *testing.T) {
	e := dashboard.New(t, testenv.Options{}, nil)
	b := e.SignedIn(t, "demo")
	if a := b.Get(t, "/workflows/"+e.Workflow(t, "demo").ID+"/jobs"); a.Status != http.StatusOK {
		t.Fatalf("list: status %d", a.Status)
	}
	line := regexp.MustCompile(`msg=request .*route=/workflows/:id/jobs .*upstream_calls=(\d+)`).FindStringSubmatch(e.Logs.String())
	if line == nil {
		t.Fatalf("no request log line of the list in:\n%s", e.Logs.String())
	}
	if n, _ := strconv.Atoi(line[1]); n < 1 {
		t.Errorf("the list's log line says upstream_calls=%d; it called Explorer", n)
	}
}
