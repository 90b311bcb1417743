// Package session keeps a signed-in reader's Explorer token in an encrypted,
// authenticated cookie (gorilla/sessions over securecookie). The token lives
// nowhere else on the jobboard side.
//
// Every session has a random ID, a creation time, a last-seen time and an
// absolute expiry, all inside the encrypted cookie, and the server enforces
// them: a session ends at its expiry (never later than the token's
// validity), after an idle period, or when it leaves the server's set of
// live sessions (LiveSet: sign-out, Explorer refusing the token, the
// account starting more than its cap of sessions), so a copied cookie
// stops working then too.
package session

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"jobboard/apiclient"
	"jobboard/internal/store"
)

// CookieName is the session cookie's name whenever it is Secure: the
// __Host- prefix makes browsers insist on Secure, Path=/ and no Domain, so
// no sibling subdomain can set or shadow it.
const CookieName = "__Host-jobboard"

// PlainCookieName is the session cookie's name on plain-HTTP development
// setups (Config.Secure false and a request without TLS), where browsers
// would refuse a __Host- cookie.
const PlainCookieName = "jobboard"

// InsecureWarning is the startup warning to log when the cookie is not
// configured Secure.
const InsecureWarning = "JOBBOARD_SECURE_COOKIE is off: requests over plain HTTP get a session cookie named " +
	PlainCookieName + " without the Secure attribute (TLS requests still get " + CookieName +
	"). Use this only for local development; set JOBBOARD_SECURE_COOKIE=true when served over HTTPS, also behind a TLS-terminating proxy."

// DefaultMaxAge is the session lifetime when none is configured: Explorer's
// default token validity (259,200 s).
const DefaultMaxAge = 72 * time.Hour

// DefaultIdleTimeout ends a session nobody used for this long.
const DefaultIdleTimeout = 12 * time.Hour

// MinIdleTimeout is the shortest idle timeout a Store accepts: the
// last-seen time is refreshed every idleTouchShare of the timeout, which
// below a minute would be a write to the live set every second or more
// often per reader.
const MinIdleTimeout = time.Minute

// idleTouchShare is the share of the idle timeout the last-seen time may
// lag behind (15 min for the default 12 h, 1.25 s for one minute): the
// idle timeout holds to within about 2%, and the cookie and the live set
// are written only that often, not on every request.
const idleTouchShare = 48

// ErrNoSession means the request carries no usable session: no cookie, or
// one that is tampered with, signed by an unknown key, expired, idle for
// too long or no longer live. The reader is signed out.
var ErrNoSession = errors.New("session: not signed in")

// ErrUnusable means Start was given a token no session can hold: longer
// than the cookie can carry, or expiring within a second. The token came
// from Explorer, so the sign-in failed on Explorer's side, not ours.
var ErrUnusable = errors.New("session: start: the token cannot make a session")

// Data is what a session holds, and what its cookie holds, encrypted and
// MAC'd (compactSerializer: times to the second).
type Data struct {
	ID       string // random, 128 bits, hex; new at every sign-in
	Token    apiclient.Token
	Account  string    // NebulaGraph account, "" when signed in with a pasted token
	Created  time.Time // sign-in time
	LastSeen time.Time // last use, to within 1/48 of the idle timeout
	Expires  time.Time // when the session (and at the latest the token) ends
}

// Config configures a Store.
type Config struct {
	// Keys holds securecookie key pairs (hash key ≥ 32 bytes, block key of
	// 16, 24 or 32 bytes for AES): the first pair signs and encrypts, every
	// pair is tried when reading, so a previous pair can be kept listed
	// during a rotation; once removed, its cookies are refused.
	Keys [][]byte
	// MaxAge bounds every session from sign-in (0 → DefaultMaxAge).
	MaxAge time.Duration
	// IdleTimeout ends a session unused for this long (0 →
	// DefaultIdleTimeout; at least MinIdleTimeout).
	IdleTimeout time.Duration
	// Secure issues the __Host- cookie with the Secure attribute even on
	// plain-HTTP requests (behind a TLS-terminating proxy); requests that
	// arrived over TLS get it anyway.
	Secure bool
	// Live is the set of live sessions (required; an *store.Store).
	Live LiveSet
	// MaxPerAccount caps an account's live sessions: starting one more
	// ends the oldest (0 → DefaultMaxPerAccount).
	MaxPerAccount int
}

// Store reads and writes session cookies.
type Store struct {
	cookies *sessions.CookieStore
	maxAge  time.Duration
	idle    time.Duration
	secure  bool
	live    LiveSet
	maxLive int
}

// New returns a Store configured by cfg.
func New(cfg Config) (*Store, error) {
	keys := cfg.Keys
	if len(keys) == 0 || len(keys)%2 != 0 {
		return nil, errors.New("session: keys must be hash/block pairs")
	}
	for i := 0; i < len(keys); i += 2 {
		if len(keys[i]) < 32 {
			return nil, fmt.Errorf("session: hash key %d is %d bytes, want at least 32", i/2+1, len(keys[i]))
		}
		if n := len(keys[i+1]); n != 16 && n != 24 && n != 32 {
			return nil, fmt.Errorf("session: block key %d is %d bytes, want 16, 24 or 32", i/2+1, n)
		}
	}
	if cfg.Live == nil {
		// Without the live set a sign-out could not hold: refuse to run.
		return nil, errors.New("session: no live-session set (Config.Live)")
	}
	s := &Store{maxAge: cfg.MaxAge, idle: cfg.IdleTimeout, secure: cfg.Secure, live: cfg.Live, maxLive: cfg.MaxPerAccount}
	if s.maxAge <= 0 {
		s.maxAge = DefaultMaxAge
	}
	if s.idle <= 0 {
		s.idle = DefaultIdleTimeout
	}
	if s.idle < MinIdleTimeout {
		return nil, fmt.Errorf("session: idle timeout %v is under the minimum of %v", s.idle, MinIdleTimeout)
	}
	if s.maxLive <= 0 {
		s.maxLive = DefaultMaxPerAccount
	}
	cs := sessions.NewCookieStore(keys...)
	for _, c := range cs.Codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.SetSerializer(compactSerializer{})
		}
	}
	// MaxAge sets the codecs' signed-timestamp limit as well as the cookie
	// default (gorilla's is 30 days); every cookie is re-issued at least
	// as often as this by Start or Touch, so the limit never bites first.
	cs.MaxAge(int(s.maxAge / time.Second))
	cs.Options.Path = "/"
	cs.Options.Domain = ""
	cs.Options.HttpOnly = true
	cs.Options.SameSite = http.SameSiteLaxMode // gorilla's default is None
	s.cookies = cs
	return s, nil
}

// Secure reports whether r gets the Secure __Host- cookie.
func (s *Store) Secure(r *http.Request) bool { return s.secure || r.TLS != nil }

// Name returns the session cookie's name for r.
func (s *Store) Name(r *http.Request) string {
	if s.Secure(r) {
		return CookieName
	}
	return PlainCookieName
}

// Load returns the session of r. A missing, tampered, foreign-keyed,
// expired, idle or no longer live session returns an error wrapping
// ErrNoSession; an error wrapping ErrUnavailable means the live set could
// not be read (the session may have been signed out: refuse it).
func (s *Store) Load(r *http.Request, now time.Time) (Data, error) {
	// What CookieStore.New does, decoding into a Data rather than a new
	// gorilla session and its map of values.
	name := s.Name(r)
	c, err := r.Cookie(name)
	if err != nil {
		return Data{}, fmt.Errorf("%w: no cookie", ErrNoSession)
	}
	var d Data
	if err := securecookie.DecodeMulti(name, c.Value, &d, s.cookies.Codecs...); err != nil {
		return Data{}, fmt.Errorf("%w: unreadable cookie", ErrNoSession)
	}
	switch {
	case d.ID == "" || d.Token == "":
		return Data{}, fmt.Errorf("%w: incomplete cookie", ErrNoSession)
	case !now.Before(d.Expires), now.Sub(d.Created) >= s.maxAge:
		return Data{}, fmt.Errorf("%w: expired", ErrNoSession)
	}
	seen, err := s.live.SessionLastSeen(r.Context(), idHash(d.ID))
	if err != nil {
		return Data{}, unavailable("look up", err)
	}
	// The live set's last-seen time is the one every replica and every
	// copy of the cookie share.
	if seen.After(d.LastSeen) {
		d.LastSeen = seen
	}
	if now.Sub(d.LastSeen) >= s.idle {
		return Data{}, fmt.Errorf("%w: idle", ErrNoSession)
	}
	return d, nil
}

// Start begins a new session holding d's token and account: a fresh random
// ID, created and last seen now, ending at d.Expires bounded by the
// Store's maximum age (a zero Expires means the maximum). It enters the
// session in the live set (ending the account's oldest beyond the cap)
// and then writes the cookie, so call it before writing the body; it
// returns the session as saved. An error wrapping ErrUnavailable means
// the live set did not record it and no cookie was written.
func (s *Store) Start(w http.ResponseWriter, r *http.Request, d Data, now time.Time) (Data, error) {
	if len(d.Token) > MaxTokenLen || len(d.Account) > MaxAccountLen {
		return Data{}, fmt.Errorf("%w: token (%d bytes) or account (%d bytes) too long for a cookie", ErrUnusable, len(d.Token), len(d.Account))
	}
	id, err := NewID()
	if err != nil {
		return Data{}, err
	}
	d.ID, d.Created, d.LastSeen = id, now, now
	if limit := now.Add(s.maxAge); d.Expires.IsZero() || d.Expires.After(limit) {
		d.Expires = limit
	}
	if d.Expires.Sub(now) < time.Second {
		return Data{}, fmt.Errorf("%w: the session would expire within a second", ErrUnusable)
	}
	ls := store.LiveSession{IDHash: idHash(d.ID), Account: liveAccount(d), CreatedAt: now, LastSeen: now, ExpiresAt: d.Expires}
	if _, err := s.live.CreateSession(r.Context(), ls, s.maxLive); err != nil {
		return Data{}, fmt.Errorf("session: start: %w: %w", ErrUnavailable, err)
	}
	if err := s.save(w, r, d, now); err != nil {
		return Data{}, err
	}
	return d, nil
}

// TouchInterval is how stale the last-seen time may get before Touch
// refreshes it: 1/48 of the idle timeout.
func (s *Store) TouchInterval() time.Duration { return s.idle / idleTouchShare }

// Touch records that d was used now: when its last-seen time is at least
// TouchInterval old, the live set's last-seen time is moved to now and the
// cookie re-issued with it (so call it before writing the body);
// otherwise it does nothing. A session that left the live set meanwhile
// is ErrNoSession.
func (s *Store) Touch(w http.ResponseWriter, r *http.Request, d Data, now time.Time) error {
	if now.Sub(d.LastSeen) < s.TouchInterval() {
		return nil
	}
	if err := s.live.TouchSession(r.Context(), idHash(d.ID), now); err != nil {
		return unavailable("touch", err)
	}
	d.LastSeen = now
	return s.save(w, r, d, now)
}

// Clear deletes the session cookie in the browser, replacing any session
// cookie this response was about to set.
func (s *Store) Clear(w http.ResponseWriter, r *http.Request) {
	name := s.Name(r)
	dropSetCookie(w.Header(), name)
	opts := s.options(r)
	opts.MaxAge = -1
	http.SetCookie(w, sessions.NewCookie(name, "", &opts))
}

// save writes d as the session cookie, living until d.Expires.
func (s *Store) save(w http.ResponseWriter, r *http.Request, d Data, now time.Time) error {
	life := d.Expires.Sub(now)
	if life < time.Second {
		return errors.New("session: save: the session has already expired")
	}
	name := s.Name(r)
	opts := s.options(r)
	opts.MaxAge = int(life / time.Second)
	// What CookieStore.Save does, encoding d itself.
	encoded, err := securecookie.EncodeMulti(name, &d, s.cookies.Codecs...)
	if err != nil {
		// securecookie's errors never hold the values (e.g. "the value is
		// too long").
		return fmt.Errorf("session: save: %w", err)
	}
	dropSetCookie(w.Header(), name)
	http.SetCookie(w, sessions.NewCookie(name, encoded, &opts))
	return nil
}

// options returns the cookie attributes for r.
func (s *Store) options(r *http.Request) sessions.Options {
	opts := *s.cookies.Options
	opts.Secure = s.Secure(r)
	opts.Domain = ""
	opts.Path = "/"
	return opts
}

// dropSetCookie removes Set-Cookie lines for name already in h, so that a
// response sets the session cookie once, the last decision winning.
func dropSetCookie(h http.Header, name string) {
	lines := h.Values("Set-Cookie")
	if len(lines) == 0 {
		return
	}
	kept := lines[:0:0]
	for _, l := range lines {
		if !strings.HasPrefix(l, name+"=") {
			kept = append(kept, l)
		}
	}
	h.Del("Set-Cookie")
	for _, l := range kept {
		h.Add("Set-Cookie", l)
	}
}

// NewID returns a random session ID: 128 bits from crypto/rand, in hex.
func NewID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("session: new ID: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
