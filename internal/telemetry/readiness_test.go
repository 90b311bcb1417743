package telemetry

import (
	"context"
	"fmt"
	"testing"

	"jobboard/apiclient"
)

// listerFunc is a JobLister answering with a function.
type listerFunc func() error

func (f listerFunc) ListJobs(context.Context, apiclient.Token, apiclient.ListQuery) (apiclient.JobPage, error) {
	return apiclient.JobPage{}, f()
}

// TestExplorerCheckFollowsExplorerOnly checks the Explorer check calls
// Explorer down only when it is: any answered envelope is up.
func TestExplorerCheckFollowsExplorerOnly(t *testing.T) {
	circuitOpen := fmt.Errorf("%w: %w", apiclient.ErrCircuitOpen, apiclient.ErrUnreachable)
	for _, tc := range []struct {
		err   error
		ready bool
	}{
		{nil, true},
		{apiclient.ErrUnauthorized, true},
		{apiclient.ErrUpstream, true}, // an error envelope: Explorer answered
		{apiclient.ErrBadParam, true},
		{apiclient.ErrUnreachable, false},
		{circuitOpen, false},
		{apiclient.ErrTimeout, false},
		{apiclient.ErrBadResponse, false},
	} {
		err := tc.err
		if err != nil {
			err = fmt.Errorf("list jobs: %w", err)
		}
		got := ExplorerCheck(listerFunc(func() error { return err })).Check(context.Background())
		if (got == nil) != tc.ready {
			t.Errorf("Explorer answering %v: check %v, want ready=%v", tc.err, got, tc.ready)
		}
	}
}
