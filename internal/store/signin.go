package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Sign-in failures per account, for a back-off no other account's traffic
// can evict (unlike an in-memory LRU of keys): every replica sees the same
// count, and a restart keeps it. Rows are one failed attempt each; sweep
// those older than the longest window the caller looks back.

// MaxSignInFailuresKept bounds the failures kept per account: the newest
// that many, so an account under attack costs a bounded number of rows.
// A back-off counting failures saturates there.
const MaxSignInFailuresKept = 100

// RecordSignInFailure records a failed sign-in for the account at at,
// dropping the account's oldest failures beyond MaxSignInFailuresKept.
func (s *Store) RecordSignInFailure(ctx context.Context, account string, at time.Time) error {
	if account == "" || len(account) > MaxAccountLen {
		return fmt.Errorf("store: record sign-in failure: %w: account must be 1 to %d bytes", ErrInvalid, MaxAccountLen)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO signin_failures (account, at_us) VALUES ($1, $2)", account, us(at)); err != nil {
			return err
		}
		// The kept-th newest failure's time; none older stays. (Fewer
		// failures: the subquery is NULL and nothing is deleted.)
		_, err := tx.ExecContext(ctx, `DELETE FROM signin_failures WHERE account = $1 AND at_us < (
			SELECT at_us FROM signin_failures WHERE account = $1 ORDER BY at_us DESC LIMIT 1 OFFSET $2)`,
			account, MaxSignInFailuresKept-1)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: record sign-in failure of %s: %w", account, err)
	}
	return nil
}

// SignInFailures returns how many failed sign-ins the account had at or
// after since, and when the last was (zero when none).
func (s *Store) SignInFailures(ctx context.Context, account string, since time.Time) (int, time.Time, error) {
	var n int
	var last *int64
	err := s.db.QueryRowContext(ctx, "SELECT count(*), max(at_us) FROM signin_failures WHERE account = $1 AND at_us >= $2",
		account, us(since)).Scan(&n, &last)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("store: sign-in failures of %s: %w", account, err)
	}
	if last == nil {
		return 0, time.Time{}, nil
	}
	return n, fromUS(*last), nil
}

// ClearSignInFailures forgets the account's failed sign-ins (after a
// successful one).
func (s *Store) ClearSignInFailures(ctx context.Context, account string) error {
	if _, err := s.db.ExecContext(ctx, "DELETE FROM signin_failures WHERE account = $1", account); err != nil {
		return fmt.Errorf("store: clear sign-in failures of %s: %w", account, err)
	}
	return nil
}

// SweepSignInFailures deletes failures before before and returns how many.
func (s *Store) SweepSignInFailures(ctx context.Context, before time.Time) (int, error) {
	n, err := affected(s.db.ExecContext(ctx, "DELETE FROM signin_failures WHERE at_us < $1", us(before)))
	if err != nil {
		return 0, fmt.Errorf("store: sweep sign-in failures: %w", err)
	}
	return n, nil
}

// MaxKnownAddressesPerAccount bounds the addresses remembered per account
// (RecordSignInSuccess): the most recently successful that many.
const MaxKnownAddressesPerAccount = 20

// RecordSignInSuccess remembers that the account signed in successfully
// from client (an address or network as the caller names it) at at,
// forgetting the account's least recently successful addresses beyond
// MaxKnownAddressesPerAccount.
func (s *Store) RecordSignInSuccess(ctx context.Context, account, client string, at time.Time) error {
	if account == "" || len(account) > MaxAccountLen || client == "" || len(client) > MaxAccountLen {
		return fmt.Errorf("store: record sign-in success: %w: account and client must be 1 to %d bytes", ErrInvalid, MaxAccountLen)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO signin_known (account, client, at_us) VALUES ($1, $2, $3)
			ON CONFLICT (account, client) DO UPDATE SET at_us = excluded.at_us`, account, client, us(at)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM signin_known WHERE account = $1 AND client NOT IN (
			SELECT client FROM signin_known WHERE account = $1 ORDER BY at_us DESC, client DESC LIMIT $2)`,
			account, MaxKnownAddressesPerAccount)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: record sign-in success of %s: %w", account, err)
	}
	return nil
}

// KnownSignInAddress reports whether the account signed in successfully
// from client at or after since.
func (s *Store) KnownSignInAddress(ctx context.Context, account, client string, since time.Time) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM signin_known WHERE account = $1 AND client = $2 AND at_us >= $3",
		account, client, us(since)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: known sign-in address of %s: %w", account, err)
	}
	return n > 0, nil
}

// SweepKnownAddresses forgets addresses last successful before before and
// returns how many.
func (s *Store) SweepKnownAddresses(ctx context.Context, before time.Time) (int, error) {
	n, err := affected(s.db.ExecContext(ctx, "DELETE FROM signin_known WHERE at_us < $1", us(before)))
	if err != nil {
		return 0, fmt.Errorf("store: sweep known sign-in addresses: %w", err)
	}
	return n, nil
}
