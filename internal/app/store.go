package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"jobboard/internal/config"
	"jobboard/internal/middleware"
	"jobboard/internal/store"
)

// storeSweepInterval is how often expired sessions and old sign-in
// failures are removed; lookups never return expired entries, so this
// only bounds the tables' size.
const storeSweepInterval = 10 * time.Minute

// signInFailureWindow is how long sign-in failures are kept: the window
// the per-account back-off counts them in.
const signInFailureWindow = middleware.AccountFailureWindow

// openStore opens the store cfg selects (PostgreSQL from DATABASE_URL,
// else the SQLite file of -db), applies its migrations and starts its
// sweeper, which stops with ctx. Unlike Redis, a store that cannot be
// opened at start-up is fatal: the migrations must run before anything
// is served, and an embedded SQLite file failing to open is a
// configuration error (a directory that does not exist, no permission).
func openStore(ctx context.Context, cfg config.Config, logger *slog.Logger) (*store.Store, error) {
	st, err := store.Open(ctx, store.Config{DSN: cfg.StoreDSN(), Logger: logger.With("component", "store")})
	if err != nil {
		return nil, fmt.Errorf("jobboard: open the store for saved views and sessions: %w", err)
	}
	go st.RunSweeper(ctx, storeSweepInterval, signInFailureWindow)
	return st, nil
}
