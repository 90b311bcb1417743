// Package session keeps a signed-in reader's Explorer token in an encrypted,
// authenticated cookie (gorilla/sessions over securecookie). The token lives
// nowhere else on the jobboard side.
//
// Every session has a random ID, a creation time, a last-seen time and an
// absolute expiry, all inside the encrypted cookie, and the server enforces
// them: a session ends at its expiry (never later than the token's
// validity), after an idle period, or when its ID is revoked (sign-out, or
// Explorer refusing the token), so a copied cookie stops working then too.
package session

import (
	"context"
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

// TouchInterval is how stale the last-seen time may get at least before
// Touch re-issues the cookie; with a long idle timeout the interval is
// idleTouchShare of it (15 min for 12 h): the idle timeout is enforced to
// within about 2%, and the cookie is re-encoded and sent again only that
// often, not on every request of a client that drops Set-Cookie.
const TouchInterval = time.Minute

// idleTouchShare is the share of the idle timeout the last-seen time may
// lag behind.
const idleTouchShare = 48

// ErrNoSession means the request carries no usable session: no cookie, or
// one that is tampered with, signed by an unknown key, expired, idle for
// too long or revoked. The reader is signed out.
var ErrNoSession = errors.New("session: not signed in")

// Keys of the values stored in the cookie; short, because every byte is
// encrypted, MAC'd and base64-encoded twice.
const (
	keyID      = "i"
	keyToken   = "t"
	keyAccount = "a"
	keyCreated = "c" // unix seconds
	keySeen    = "s" // unix seconds, last use (to within TouchInterval)
	keyExpires = "e" // unix seconds; the session ends then, with the token at the latest
)

// Data is what a session holds.
type Data struct {
	ID       string // random, 128 bits, hex; new at every sign-in
	Token    apiclient.Token
	Account  string    // NebulaGraph account, "" when signed in with a pasted token
	Created  time.Time // sign-in time
	LastSeen time.Time // last use, to within TouchInterval
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
	// IdleTimeout ends a session unused for this long (0 → DefaultIdleTimeout).
	IdleTimeout time.Duration
	// Secure issues the __Host- cookie with the Secure attribute even on
	// plain-HTTP requests (behind a TLS-terminating proxy); requests that
	// arrived over TLS get it anyway.
	Secure bool
	// Revocations records revoked session IDs (nil → an in-memory list
	// with NewMemoryRevocations(0, nil)).
	Revocations Revocations
}

// Store reads and writes session cookies.
type Store struct {
	cookies *sessions.CookieStore
	maxAge  time.Duration
	idle    time.Duration
	secure  bool
	revoked Revocations
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
	s := &Store{maxAge: cfg.MaxAge, idle: cfg.IdleTimeout, secure: cfg.Secure, revoked: cfg.Revocations}
	if s.maxAge <= 0 {
		s.maxAge = DefaultMaxAge
	}
	if s.idle <= 0 {
		s.idle = DefaultIdleTimeout
	}
	if s.revoked == nil {
		s.revoked = NewMemoryRevocations(0, nil)
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
// expired, idle or revoked session returns an error wrapping ErrNoSession;
// any other error means the revocation list could not be read.
func (s *Store) Load(r *http.Request, now time.Time) (Data, error) {
	// CookieStore.New looks the cookie up itself (the request's cookies are
	// parsed once): no error and a new session means there is none.
	sess, err := s.cookies.New(r, s.Name(r))
	switch {
	case err == nil && sess.IsNew:
		return Data{}, fmt.Errorf("%w: no cookie", ErrNoSession)
	case err != nil || sess.IsNew:
		return Data{}, fmt.Errorf("%w: unreadable cookie", ErrNoSession)
	}
	str := func(k string) string { v, _ := sess.Values[k].(string); return v }
	unix := func(k string) time.Time { v, _ := sess.Values[k].(int64); return time.Unix(v, 0) }
	d := Data{
		ID:       str(keyID),
		Token:    apiclient.Token(str(keyToken)),
		Account:  str(keyAccount),
		Created:  unix(keyCreated),
		LastSeen: unix(keySeen),
		Expires:  unix(keyExpires),
	}
	switch {
	case d.ID == "" || d.Token == "":
		return Data{}, fmt.Errorf("%w: incomplete cookie", ErrNoSession)
	case !now.Before(d.Expires), now.Sub(d.Created) >= s.maxAge:
		return Data{}, fmt.Errorf("%w: expired", ErrNoSession)
	case now.Sub(d.LastSeen) >= s.idle:
		return Data{}, fmt.Errorf("%w: idle", ErrNoSession)
	}
	revoked, err := s.revoked.Revoked(r.Context(), d.ID)
	if err != nil {
		return Data{}, fmt.Errorf("session: check revocation: %w", err)
	}
	if revoked {
		return Data{}, fmt.Errorf("%w: revoked", ErrNoSession)
	}
	return d, nil
}

// Start begins a new session holding d's token and account: a fresh random
// ID, created and last seen now, ending at d.Expires bounded by the
// Store's maximum age (a zero Expires means the maximum). It writes the
// cookie, so call it before writing the body, and returns the session as
// saved.
func (s *Store) Start(w http.ResponseWriter, r *http.Request, d Data, now time.Time) (Data, error) {
	if len(d.Token) > MaxTokenLen || len(d.Account) > MaxAccountLen {
		return Data{}, fmt.Errorf("session: token (%d bytes) or account (%d bytes) too long for a cookie", len(d.Token), len(d.Account))
	}
	id, err := NewID()
	if err != nil {
		return Data{}, err
	}
	d.ID, d.Created, d.LastSeen = id, now, now
	if limit := now.Add(s.maxAge); d.Expires.IsZero() || d.Expires.After(limit) {
		d.Expires = limit
	}
	if err := s.save(w, r, d, now); err != nil {
		return Data{}, err
	}
	return d, nil
}

// Touch records that d was used now: when its last-seen time is at least
// the touch interval (see TouchInterval) old the cookie is re-issued with the new time (so call it
// before writing the body); otherwise it does nothing.
func (s *Store) Touch(w http.ResponseWriter, r *http.Request, d Data, now time.Time) error {
	if now.Sub(d.LastSeen) < max(TouchInterval, s.idle/idleTouchShare) {
		return nil
	}
	d.LastSeen = now
	return s.save(w, r, d, now)
}

// Revoke ends d server-side: its ID is refused until the session would
// have expired anyway, whatever copy of the cookie comes back.
func (s *Store) Revoke(ctx context.Context, d Data) error {
	if d.ID == "" {
		return nil
	}
	if err := s.revoked.Revoke(ctx, d.ID, d.Expires); err != nil {
		return fmt.Errorf("session: revoke: %w", err)
	}
	return nil
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
	sess := sessions.NewSession(s.cookies, name)
	opts := s.options(r)
	opts.MaxAge = int(life / time.Second)
	sess.Options = &opts
	sess.Values[keyID] = d.ID
	sess.Values[keyToken] = d.Token.Reveal()
	sess.Values[keyAccount] = d.Account
	sess.Values[keyCreated] = d.Created.Unix()
	sess.Values[keySeen] = d.LastSeen.Unix()
	sess.Values[keyExpires] = d.Expires.Unix()
	dropSetCookie(w.Header(), name)
	if err := s.cookies.Save(r, w, sess); err != nil {
		// securecookie's errors never hold the values (e.g. "the value is
		// too long").
		return fmt.Errorf("session: save: %w", err)
	}
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
