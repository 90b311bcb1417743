// Package redisrevoke keeps the list of revoked session IDs in Redis, so
// that every jobboard replica sharing one Redis honours a sign-out made on
// any of them.
//
// The session itself stays in the encrypted cookie (package session): Redis
// holds no token and no session data, only one key per revoked session,
// "jobboard:revoked:" followed by the SHA-256 of the session ID in hex,
// which expires when the session would have ended anyway. Reading a session
// costs one EXISTS; a sign-out one SET with EX.
//
// Every call is bounded by a short timeout and any failure is reported as
// an error wrapping ErrUnavailable: the session store treats it as "cannot
// tell whether this session was signed out" and refuses the session (fails
// closed) rather than guessing.
//
// Revocations last only as long as Redis keeps them: a Redis restarted
// without persistence (RDB or AOF) forgets every sign-out, and a copy of a
// signed-out cookie works again until its session expires. Run Redis with
// persistence in production.
package redisrevoke

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/redis/go-redis/v9"

	"jobboard/internal/session"
)

// KeyPrefix starts every key this package writes.
const KeyPrefix = "jobboard:revoked:"

// DefaultTimeout bounds each Redis call of a Store created without one: a
// page waits at most this long for the revocation check before it answers
// 503.
const DefaultTimeout = 300 * time.Millisecond

// ErrUnavailable is wrapped by every error caused by Redis not answering
// (down, unreachable, too slow, refusing the command).
var ErrUnavailable = errors.New("redisrevoke: Redis is unavailable")

// Options configures a Store.
type Options struct {
	// Timeout bounds each call (0 → DefaultTimeout).
	Timeout time.Duration
	// Now is the clock the remaining lifetime of a revoked session is
	// measured on (nil → time.Now); use the session store's clock.
	Now func() time.Time
}

// Store is a session.Revocations kept in Redis. It is safe for concurrent
// use, as is the client it wraps.
type Store struct {
	client  redis.Cmdable
	timeout time.Duration
	now     func() time.Time
}

var _ session.Revocations = (*Store)(nil)

// New returns a Store using client (a *redis.Client, or any client of the
// go-redis family: cluster, ring, failover).
func New(client redis.Cmdable, opts Options) *Store {
	s := &Store{client: client, timeout: opts.Timeout, now: opts.Now}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Key returns the Redis key recording that session id is revoked: the
// ID itself is not stored, only its SHA-256.
func Key(id string) string {
	sum := sha256.Sum256([]byte(id))
	return KeyPrefix + hex.EncodeToString(sum[:])
}

// Revoke implements session.Revocations: SET key 1 EX <seconds until
// until, rounded up>. A session that has already ended is not recorded.
func (s *Store) Revoke(ctx context.Context, id string, until time.Time) error {
	left := until.Sub(s.now())
	if left <= 0 {
		return nil
	}
	ttl := (left + time.Second - 1).Truncate(time.Second) // EX takes whole seconds: round up
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if err := s.client.Set(ctx, Key(id), "1", ttl).Err(); err != nil {
		return fmt.Errorf("redisrevoke: revoke: %w: %w", ErrUnavailable, err)
	}
	return nil
}

// Revoked implements session.Revocations: EXISTS key.
func (s *Store) Revoked(ctx context.Context, id string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	n, err := s.client.Exists(ctx, Key(id)).Result()
	if err != nil {
		return false, fmt.Errorf("redisrevoke: check revocation: %w: %w", ErrUnavailable, err)
	}
	return n > 0, nil
}

// Ping reports whether Redis answers within the Store's timeout; a nil
// error means sessions can be read and revoked. It serves readiness
// probes and the sign-in form.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if err := s.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redisrevoke: ping: %w: %w", ErrUnavailable, err)
	}
	return nil
}

// ClientOptions turns a REDIS_URL (redis://[user:password@]host:port[/db],
// rediss:// for TLS, or unix:///path) and an optional password (from
// REDIS_PASSWORD or REDIS_PASSWORD_FILE; it wins over one in the URL) into
// client options tuned for a per-request check: short dial, read and write
// timeouts, one retry, context deadlines honoured. Settings given as URL
// query parameters (dial_timeout=…) win over these defaults. The error
// never repeats the URL, which may hold a password.
func ClientOptions(rawURL, password string) (*redis.Options, error) {
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the whole URL, password included
		}
		return nil, fmt.Errorf("redisrevoke: REDIS_URL (redis://, rediss:// or unix://) cannot be used: %w", err)
	}
	if password != "" {
		o.Password = password
	}
	if o.DialTimeout == 0 {
		o.DialTimeout = time.Second
	}
	if o.ReadTimeout == 0 {
		o.ReadTimeout = time.Second
	}
	if o.WriteTimeout == 0 {
		o.WriteTimeout = time.Second
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = 1
	}
	if o.DialerRetries == 0 {
		o.DialerRetries = 1
	}
	o.ContextTimeoutEnabled = true
	// CLIENT SETINFO is only known to Redis 7.2 and later; skip it.
	o.DisableIdentity = true
	return o, nil
}
