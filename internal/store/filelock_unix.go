//go:build unix

package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lockMigrations takes an exclusive flock on a file beside the SQLite
// database, so that processes (or Opens in one process) starting at once
// migrate one after the other; SQLite's own locks last one transaction and
// the migrations are several. It is held around goose's whole Up, which
// also creates goose's version table outside any session lock it is given.
// The lock file is not the database file itself because on some file
// systems flock is emulated with the byte-range locks SQLite uses.
func lockMigrations(ctx context.Context, dbPath string) (unlock func(), err error) {
	path := dbPath + "-migrate.lock"
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600) //nolint:gosec // G304: beside the database file the operator named
	if err != nil {
		return nil, fmt.Errorf("open migration lock: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			// Closing the file releases the lock.
			return func() { _ = f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			_ = f.Close()
			return nil, fmt.Errorf("take migration lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, fmt.Errorf("wait for migration lock %s: %w", path, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
