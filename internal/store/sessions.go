package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"
)

// MaxIDHashLen bounds a session ID hash, in bytes (a SHA-512 fits).
const MaxIDHashLen = 64

// LiveSession is one signed-in browser session. The store knows it by a
// hash of the session ID that the caller computes (the ID itself and the
// Explorer token stay in the cookie, never here). A cookie whose ID hash
// has no live session is signed out.
type LiveSession struct {
	IDHash    []byte
	Account   string
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time // absolute: the session ends then whatever its use
}

const sessionColumns = "id_hash, account, created_at_us, last_seen_us, expires_at_us"

const lookupSessionSQL = "SELECT " + sessionColumns + " FROM live_sessions WHERE id_hash = $1 AND expires_at_us > $2"

// The queries of every signed-in request, prepared once on SQLite (see
// prepared).
const (
	sessionLastSeenSQL = "SELECT last_seen_us FROM live_sessions WHERE id_hash = $1 AND expires_at_us > $2"
	touchSessionSQL    = `UPDATE live_sessions
		SET last_seen_us = CASE WHEN last_seen_us < $2 THEN $2 ELSE last_seen_us END
		WHERE id_hash = $1 AND expires_at_us > $3`
)

func scanSession(r scanner) (LiveSession, error) {
	var ls LiveSession
	var created, seen, expires int64
	err := r.Scan(&ls.IDHash, &ls.Account, &created, &seen, &expires)
	ls.CreatedAt, ls.LastSeen, ls.ExpiresAt = fromUS(created), fromUS(seen), fromUS(expires)
	return ls, err
}

// shortHash names a session in errors without the whole hash.
func shortHash(h []byte) string {
	if len(h) > 4 {
		h = h[:4]
	}
	return hex.EncodeToString(h)
}

// CreateSession records a new live session and, in the same transaction,
// ends the account's oldest live sessions (by CreatedAt) beyond
// maxPerAccount, never the new one; it returns how many it ended
// (maxPerAccount ≤ 0: no cap). The account's expired sessions are removed
// too, without being counted. A zero CreatedAt is now; a zero LastSeen is
// CreatedAt. An ID hash that is already live gives ErrConflict.
func (s *Store) CreateSession(ctx context.Context, ls LiveSession, maxPerAccount int) (int, error) {
	now := s.now()
	if ls.CreatedAt.IsZero() {
		ls.CreatedAt = now
	}
	if ls.LastSeen.IsZero() {
		ls.LastSeen = ls.CreatedAt
	}
	switch {
	case len(ls.IDHash) == 0 || len(ls.IDHash) > MaxIDHashLen:
		return 0, fmt.Errorf("store: create session: %w: ID hash must be 1 to %d bytes", ErrInvalid, MaxIDHashLen)
	case ls.Account == "" || len(ls.Account) > MaxAccountLen:
		return 0, fmt.Errorf("store: create session: %w: account must be 1 to %d bytes", ErrInvalid, MaxAccountLen)
	case !ls.ExpiresAt.After(ls.CreatedAt):
		return 0, fmt.Errorf("store: create session: %w: expiry %s is not after creation %s", ErrInvalid, ls.ExpiresAt, ls.CreatedAt)
	}
	var ended int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := lockAccount(ctx, tx, ls.Account, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM live_sessions WHERE account = $1 AND expires_at_us <= $2",
			ls.Account, us(now)); err != nil {
			return fmt.Errorf("delete expired: %w", err)
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO live_sessions ("+sessionColumns+") VALUES ($1, $2, $3, $4, $5)",
			ls.IDHash, ls.Account, us(ls.CreatedAt), us(ls.LastSeen), us(ls.ExpiresAt))
		if isUniqueViolation(err) {
			return fmt.Errorf("%w: session %s… is already live", ErrConflict, shortHash(ls.IDHash))
		}
		if err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		if maxPerAccount <= 0 {
			return nil
		}
		ended, err = affected(tx.ExecContext(ctx, `DELETE FROM live_sessions
			WHERE account = $1 AND id_hash <> $2 AND id_hash NOT IN (
				SELECT id_hash FROM live_sessions WHERE account = $1 AND id_hash <> $2
				ORDER BY created_at_us DESC, id_hash DESC LIMIT $3)`,
			ls.Account, ls.IDHash, maxPerAccount-1))
		if err != nil {
			return fmt.Errorf("end sessions beyond %d: %w", maxPerAccount, err)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: create session for %s: %w", ls.Account, err)
	}
	return ended, nil
}

// LookupSession returns the live session with that ID hash; ErrNotFound
// when there is none or it has expired (by the store's clock).
func (s *Store) LookupSession(ctx context.Context, idHash []byte) (LiveSession, error) {
	ls, err := scanSession(s.db.QueryRowContext(ctx, lookupSessionSQL, idHash, us(s.now())))
	if err != nil {
		return LiveSession{}, fmt.Errorf("store: look up session %s…: %w", shortHash(idHash), notFound(err))
	}
	return ls, nil
}

// SessionLastSeen is the check every signed-in request makes: the live
// session's last-seen time; ErrNotFound when there is none or it has
// expired (by the store's clock). It reads that one column, not the
// record LookupSession returns: on SQLite each column read is a
// conversion and an allocation more.
func (s *Store) SessionLastSeen(ctx context.Context, idHash []byte) (time.Time, error) {
	ctx, err := s.pointRead(ctx)
	var seen int64
	if err == nil {
		err = s.queryRow(ctx, s.stmts.sessionLastSeen, sessionLastSeenSQL, idHash, us(s.now())).Scan(&seen)
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: look up session %s…: %w", shortHash(idHash), notFound(err))
	}
	return fromUS(seen), nil
}

// TouchSession records that the session was used at lastSeen (an earlier
// time than the stored one changes nothing). ErrNotFound when the session
// is not live.
func (s *Store) TouchSession(ctx context.Context, idHash []byte, lastSeen time.Time) error {
	n, err := affected(s.exec(ctx, s.stmts.touchSession, touchSessionSQL, idHash, us(lastSeen), us(s.now())))
	if err == nil && n == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: touch session %s…: %w", shortHash(idHash), err)
	}
	return nil
}

// DeleteSession ends the session (sign-out). Ending one that is not live
// is not an error: the cookie is signed out either way. Only an error
// means the sign-out was not recorded.
func (s *Store) DeleteSession(ctx context.Context, idHash []byte) error {
	if _, err := s.db.ExecContext(ctx, "DELETE FROM live_sessions WHERE id_hash = $1", idHash); err != nil {
		return fmt.Errorf("store: delete session %s…: %w", shortHash(idHash), err)
	}
	return nil
}

// DeleteAccountSessions ends every session of the account ("sign out
// everywhere") and returns how many were live or expired-but-unswept.
func (s *Store) DeleteAccountSessions(ctx context.Context, account string) (int, error) {
	n, err := affected(s.db.ExecContext(ctx, "DELETE FROM live_sessions WHERE account = $1", account))
	if err != nil {
		return 0, fmt.Errorf("store: delete sessions of %s: %w", account, err)
	}
	return n, nil
}

// AccountSessions returns the account's live sessions, newest first.
func (s *Store) AccountSessions(ctx context.Context, account string) ([]LiveSession, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+sessionColumns+` FROM live_sessions
		WHERE account = $1 AND expires_at_us > $2 ORDER BY created_at_us DESC, id_hash DESC`, account, us(s.now()))
	if err != nil {
		return nil, fmt.Errorf("store: sessions of %s: %w", account, err)
	}
	defer func() { _ = rows.Close() }()
	var out []LiveSession
	for rows.Next() {
		ls, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("store: sessions of %s: %w", account, err)
		}
		out = append(out, ls)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: sessions of %s: %w", account, err)
	}
	return out, nil
}

// SweepExpiredSessions deletes the sessions that expired at or before now
// and returns how many. Expired sessions are never live (LookupSession
// checks the expiry), so sweeping only reclaims space; run it now and
// then in the background.
func (s *Store) SweepExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	n, err := affected(s.db.ExecContext(ctx, "DELETE FROM live_sessions WHERE expires_at_us <= $1", us(now)))
	if err != nil {
		return 0, fmt.Errorf("store: sweep expired sessions: %w", err)
	}
	return n, nil
}
