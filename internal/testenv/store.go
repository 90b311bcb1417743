package testenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"jobboard/internal/store"
)

// OpenStore opens a store in a SQLite file of its own in a temp dir, on
// the clock now (nil → the wall clock), closed when the test ends: the
// live sessions (and saved views) of a rig dashboard.
func OpenStore(tb testing.TB, now func() time.Time) *store.Store {
	tb.Helper()
	return OpenStoreAt(tb, filepath.Join(tb.TempDir(), "jobboard.db"), now)
}

// OpenStoreAt opens the store at dsn (a SQLite path or a postgres:// URL),
// closed when the test ends; open it again at the same path to see what a
// restarted dashboard sees.
func OpenStoreAt(tb testing.TB, dsn string, now func() time.Time) *store.Store {
	tb.Helper()
	st, err := store.Open(context.Background(), store.Config{
		DSN: dsn, Now: now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		tb.Fatalf("open the store: %v", err)
	}
	tb.Cleanup(st.Close)
	return st
}

// ErrStoreDown is what a FlakyStore answers while it is down.
var ErrStoreDown = errors.New("testenv: the store is down")

// FlakyStore is a store's live-session methods with a switch that makes
// every call fail as an unreachable database would, and come back later
// with everything it held (what a real outage looks like to a dashboard).
type FlakyStore struct {
	*store.Store
	down atomic.Bool
}

// NewFlakyStore wraps st, up.
func NewFlakyStore(st *store.Store) *FlakyStore { return &FlakyStore{Store: st} }

// SetDown makes every call fail (true) or work again (false).
func (f *FlakyStore) SetDown(down bool) { f.down.Store(down) }

func (f *FlakyStore) fail(what string) error {
	if f.down.Load() {
		return fmt.Errorf("store: %s: %w", what, ErrStoreDown)
	}
	return nil
}

// CreateSession is store.Store's, failing while down.
func (f *FlakyStore) CreateSession(ctx context.Context, ls store.LiveSession, maxPerAccount int) (int, error) {
	if err := f.fail("create session"); err != nil {
		return 0, err
	}
	return f.Store.CreateSession(ctx, ls, maxPerAccount)
}

// SessionLastSeen is store.Store's, failing while down.
func (f *FlakyStore) SessionLastSeen(ctx context.Context, idHash []byte) (time.Time, error) {
	if err := f.fail("look up session"); err != nil {
		return time.Time{}, err
	}
	return f.Store.SessionLastSeen(ctx, idHash)
}

// TouchSession is store.Store's, failing while down.
func (f *FlakyStore) TouchSession(ctx context.Context, idHash []byte, lastSeen time.Time) error {
	if err := f.fail("touch session"); err != nil {
		return err
	}
	return f.Store.TouchSession(ctx, idHash, lastSeen)
}

// DeleteSession is store.Store's, failing while down.
func (f *FlakyStore) DeleteSession(ctx context.Context, idHash []byte) error {
	if err := f.fail("delete session"); err != nil {
		return err
	}
	return f.Store.DeleteSession(ctx, idHash)
}

// Ping is store.Store's, failing while down.
func (f *FlakyStore) Ping(ctx context.Context) error {
	if err := f.fail("ping"); err != nil {
		return err
	}
	return f.Store.Ping(ctx)
}
