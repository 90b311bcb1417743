package store

import (
	"context"
	"time"
)

// KnownAddressTTL is how long an address an account signed in from stays
// known (RunSweeper forgets it then).
const KnownAddressTTL = 90 * 24 * time.Hour

// RunSweeper deletes expired sessions, sign-in failures older than
// failureWindow and addresses known for longer than KnownAddressTTL every
// interval until ctx ends, logging failures (a
// database that is down now is swept on a later round). Expired rows are
// never answered as live, so sweeping only reclaims space; every replica
// may run one.
func (s *Store) RunSweeper(ctx context.Context, interval, failureWindow time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s.sweepOnce(ctx, interval, failureWindow)
	}
}

func (s *Store) sweepOnce(parent context.Context, interval, failureWindow time.Duration) {
	// One round never outlasts the interval, so rounds do not pile up.
	ctx, cancel := context.WithTimeout(parent, interval)
	defer cancel()
	now := s.now()
	for _, sw := range []struct {
		what  string
		sweep func() (int, error)
	}{
		{"expired sessions", func() (int, error) { return s.SweepExpiredSessions(ctx, now) }},
		{"sign-in failures", func() (int, error) { return s.SweepSignInFailures(ctx, now.Add(-failureWindow)) }},
		{"known sign-in addresses", func() (int, error) { return s.SweepKnownAddresses(ctx, now.Add(-KnownAddressTTL)) }},
	} {
		if n, err := sw.sweep(); err != nil {
			if parent.Err() == nil { // not shutting down
				s.log.Warn("store: sweeping "+sw.what+" failed", "err", err)
			}
		} else if n > 0 {
			s.log.Debug("store: swept "+sw.what, "count", n)
		}
	}
}
