package store

import (
	"context"
	"time"
)

// RunSweeper deletes expired sessions and sign-in failures older than
// failureWindow every interval until ctx ends, logging failures (a
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
	if n, err := s.SweepExpiredSessions(ctx, now); err != nil {
		if parent.Err() == nil { // not shutting down
			s.log.Warn("store: sweeping expired sessions failed", "err", err)
		}
	} else if n > 0 {
		s.log.Debug("store: swept expired sessions", "count", n)
	}
	if n, err := s.SweepSignInFailures(ctx, now.Add(-failureWindow)); err != nil {
		if parent.Err() == nil { // not shutting down
			s.log.Warn("store: sweeping sign-in failures failed", "err", err)
		}
	} else if n > 0 {
		s.log.Debug("store: swept sign-in failures", "count", n)
	}
}
