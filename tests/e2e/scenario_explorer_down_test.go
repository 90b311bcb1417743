package e2e

import (
	"strings"
	"testing"
	"time"

	"jobboard/internal/explorersim"
)

// Scenario 10: Explorer stops answering. The results region shows the
// retry panel, the filter form keeps its values, and Retry works once
// Explorer is back. Once for a hang past the dashboard's timeout, once for
// a 502 from a proxy in front of Explorer.
func TestExplorerDownShowsRetry(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{explorerTimeout: time.Second})
	b := e.tab
	wf := e.busiestWorkflow()
	e.openJobs(b, wf)

	name := strings.ToUpper(wf.Name[:4])
	b.run("click in the name box", clickID("f-name"))
	b.typeKeys(name)
	e.expectState(b, "filtered by name", wf.ID, filter{Name: name, TZ: b.zone})

	faults := []struct {
		fault   explorersim.Fault
		status  string
		message string
	}{
		{explorersim.Fault{Kind: explorersim.FaultHang}, "failed", "Explorer did not answer in time. Try again."},
		{explorersim.Fault{Kind: explorersim.FaultHTML502}, "cancelled", "Explorer could not be reached"},
	}
	for _, x := range faults {
		e.sim.SetFault(x.fault)
		f := filter{Name: name, Status: x.status, TZ: b.zone}
		b.choose("f-status", x.status)
		b.waitFor("the retry panel ("+x.fault.Kind.String()+")", func(v view) error {
			if !strings.Contains(v.Problem, x.message) {
				return errorf("no panel saying %q in the results", x.message)
			}
			if !strings.Contains(v.Problem, "Retry") {
				return errorf("the panel has no Retry")
			}
			if len(v.Rows) > 0 {
				return errorf("the old rows are still shown under the panel")
			}
			return checkForm(v, f)
		})
		b.checkA11y("the retry panel (" + x.fault.Kind.String() + ")")

		e.sim.SetFault(explorersim.Fault{})
		b.clickText("#results a, #results button", "Retry")
		v := e.expectState(b, "the list after Retry ("+x.fault.Kind.String()+")", wf.ID, f)
		if v.Problem != "" {
			t.Errorf("the panel stays after a successful Retry: %q", v.Problem)
		}
	}
}
