//go:build unix

package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// lockSQLiteSetUp takes an exclusive flock on a file beside the SQLite
// database, so that processes (or Opens in one process) starting at once
// set the file up one after the other: the switch to WAL, then goose's
// whole Up (several migrations, and its version table created outside any
// session lock it is given); SQLite's own locks last one transaction. The
// lock file is not the database file itself because on some file systems
// flock is emulated with the byte-range locks SQLite uses.
func lockSQLiteSetUp(ctx context.Context, dsn string) (unlock func(), err error) {
	dbPath, err := filepath.Abs(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open SQLite %q: %w", dsn, err)
	}
	path := dbPath + "-migrate.lock"
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600) //nolint:gosec // G304: beside the database file the operator named
	if err != nil {
		return nil, fmt.Errorf("store: open SQLite lock file %s: %w", path, err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			// Closing the file releases the lock.
			return func() { _ = f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			_ = f.Close()
			return nil, fmt.Errorf("store: take SQLite set-up lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, fmt.Errorf("store: wait for SQLite set-up lock %s: %w", path, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
