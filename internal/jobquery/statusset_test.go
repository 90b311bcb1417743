package jobquery

import (
	"math/rand"
	"net/url"
	"testing"
	"time"

	"jobboard/apiclient"
)

func TestStatusSetGrammar(t *testing.T) {
	for _, tc := range []struct {
		values []string
		want   string // canonical status value; "" = no filter
	}{
		{[]string{"failed"}, "failed"},
		{[]string{"failed,cancelled"}, "failed,cancelled"},
		{[]string{"Cancelled, FAILED"}, "failed,cancelled"},
		{[]string{"4,3,3,failed"}, "failed,cancelled"},
		{[]string{"interrupted,canceled,success"}, "succeeded,cancelled"},
		{[]string{"failed", "cancelled"}, "failed,cancelled"}, // a GET form's repeated checkboxes
		{[]string{"problems"}, "failed,cancelled"},
		{[]string{"Problems,failed"}, "failed,cancelled"},
		{[]string{"inprogress"}, "preparing,running,stopping"},
		{[]string{"in-progress"}, "preparing,running,stopping"},
		{[]string{"problems,inprogress"}, "preparing,running,failed,cancelled,stopping"},
		{[]string{"problems,inprogress,succeeded"}, ""}, // all six: no filter
		{[]string{"0,1,2,3,4,5"}, ""},
		{[]string{",failed,,"}, "failed"},
		{[]string{""}, ""},
	} {
		q, errs := Parse(url.Values{"status": tc.values}, time.UTC, testNow)
		if errs != nil {
			t.Errorf("status=%q: errors %v", tc.values, errs)
			continue
		}
		if got := q.Values().Get("status"); got != tc.want {
			t.Errorf("status=%q: canonical %q, want %q", tc.values, got, tc.want)
		}
		if tc.want != "" {
			if u, want := q.URL("/jobs"), "/jobs?status="+tc.want; u != want {
				t.Errorf("status=%q: URL %q, want %q", tc.values, u, want)
			}
		}
	}
}

func TestStatusSetInvalidKeepsTypedValue(t *testing.T) {
	for _, vs := range [][]string{{"failed,bogus"}, {"7"}, {"failed", "nope"}, {"problem"}} {
		q, errs := Parse(url.Values{"status": vs, "name": {"rank"}}, time.UTC, testNow)
		e, bad := errs["status"]
		if !bad || e.Key != "field.status.invalid" || q.Status != 0 || q.Name != "rank" {
			t.Errorf("status=%q: %+v, errors %v; want the status error alone and no status filter", vs, q, errs)
		}
		if bad && e.Value == "" {
			t.Errorf("status=%q: typed value lost", vs)
		}
	}
}

// TestStatusSetRoundTrip: every set survives URL → Query → URL unchanged,
// and its canonical value lists the statuses in code order.
func TestStatusSetRoundTrip(t *testing.T) {
	r := rand.New(rand.NewSource(16))
	for set := range StatusSet(64) {
		var words []string
		for _, st := range set.Statuses() {
			words = append(words, st.Word())
		}
		r.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
		q, errs := Parse(url.Values{"status": words}, time.UTC, testNow)
		if errs != nil || q.Status != set.Normal() {
			t.Fatalf("%v: parsed %v %v, want %v", words, q.Status, errs, set.Normal())
		}
		q2, _ := Parse(q.Values(), time.UTC, testNow)
		if q2.Status != q.Status || q2.Values().Get("status") != q.Status.Word() {
			t.Fatalf("%v: round trip %v → %v", words, q.Status, q2.Status)
		}
		if set.Len() == 6 && q.Values().Has("status") {
			t.Fatalf("all six statuses kept in the URL")
		}
	}
}

func TestStatusSetToggled(t *testing.T) {
	failed, cancelled := apiclient.StatusFailed, apiclient.StatusInterrupted
	s := SetOf(failed)
	if got := s.Toggled(cancelled).Word(); got != "failed,cancelled" {
		t.Errorf("add: %q", got)
	}
	if got := s.Toggled(failed); got != 0 {
		t.Errorf("removing the last status: %v, want no filter", got)
	}
	if got := StatusSet(0).Toggled(failed).Word(); got != "failed" {
		t.Errorf("from the unfiltered list: %q, want failed alone", got)
	}
	if got := SetOf(apiclient.StatusPreparing, apiclient.StatusRunning, apiclient.StatusSuccess, cancelled, apiclient.StatusStopping).Toggled(failed); got != 0 {
		t.Errorf("back to all six: %v, want no filter", got)
	}
}

func TestUpstreamOfASet(t *testing.T) {
	q, _ := Parse(url.Values{"status": {"problems"}}, time.UTC, testNow)
	if up := q.Upstream(); up.Status != nil {
		t.Errorf("a set of two sent one status upstream: %v", *up.Status)
	}
	if got := q.Status.Statuses(); len(got) != 2 || got[0] != apiclient.StatusFailed || got[1] != apiclient.StatusInterrupted {
		t.Errorf("statuses %v", got)
	}
	q, _ = Parse(url.Values{"status": {"failed"}}, time.UTC, testNow)
	if up := q.Upstream(); up.Status == nil || *up.Status != apiclient.StatusFailed {
		t.Errorf("one status: upstream %+v", up)
	}
}
