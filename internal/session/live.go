package session

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"jobboard/internal/store"
)

// LiveSet is the server-side set of live sessions (an *store.Store: the
// embedded SQLite file by default, PostgreSQL when replicas share it). A
// cookie whose session is not in the set is signed out, so a sign-out is
// one deletion that no later request can undo, and the set holds only
// real sessions: there is no list of revoked IDs to fill up or forget.
type LiveSet interface {
	CreateSession(ctx context.Context, ls store.LiveSession, maxPerAccount int) (int, error)
	SessionLastSeen(ctx context.Context, idHash []byte) (time.Time, error)
	TouchSession(ctx context.Context, idHash []byte, lastSeen time.Time) error
	DeleteSession(ctx context.Context, idHash []byte) error
	Ping(ctx context.Context) error
}

var _ LiveSet = (*store.Store)(nil)

// DefaultMaxPerAccount is how many live sessions one account may have
// when Config.MaxPerAccount is 0: starting one more ends the oldest.
const DefaultMaxPerAccount = 20

// ErrUnavailable wraps every failure of the live set itself (the
// database did not answer): the session can be neither confirmed nor
// ended, so pages answer 503 rather than guess.
var ErrUnavailable = errors.New("session: the session store is unavailable")

// idHash is what the live set knows a session by: the SHA-256 of its ID
// (the ID itself stays in the encrypted cookie).
func idHash(id string) []byte {
	sum := sha256.Sum256([]byte(id))
	return sum[:]
}

// liveAccount is the account a session counts against for the cap: the
// NebulaGraph account, or, for a pasted token (no account name), a name
// derived from the token, so one token's sessions cap each other and no
// one else's.
func liveAccount(d Data) string {
	if d.Account != "" {
		return d.Account
	}
	sum := sha256.Sum256([]byte(d.Token.Reveal()))
	return "token:" + hex.EncodeToString(sum[:8])
}

// unavailable wraps a live-set failure, or reports a missing session as
// ErrNoSession.
func unavailable(what string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: signed out", ErrNoSession)
	}
	return fmt.Errorf("session: %s: %w: %w", what, ErrUnavailable, err)
}

// Ping reports whether the live set answers: nil means sessions can be
// checked, started and ended. It serves the sign-in form, which says so
// before Explorer issues a token that no page could then use.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.live.Ping(ctx); err != nil {
		return fmt.Errorf("session: %w: %w", ErrUnavailable, err)
	}
	return nil
}

// End signs d out server-side: its entry leaves the live set, so every
// copy of the cookie is refused from now on, on every replica sharing the
// set. An error (wrapping ErrUnavailable) means nothing was recorded and
// the session is still live: say so, never pretend.
func (s *Store) End(ctx context.Context, d Data) error {
	if d.ID == "" {
		return nil
	}
	if err := s.live.DeleteSession(ctx, idHash(d.ID)); err != nil {
		return fmt.Errorf("session: end: %w: %w", ErrUnavailable, err)
	}
	return nil
}
