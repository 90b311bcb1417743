// Package session keeps a signed-in reader's Explorer token in an encrypted,
// authenticated cookie (gorilla/sessions over securecookie). The token lives
// nowhere else on the jobboard side.
package session

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/sessions"

	"jobboard/apiclient"
)

// CookieName is the name of the session cookie.
const CookieName = "jobboard_session"

// DefaultMaxAge is the session lifetime when none is configured: Explorer's
// default token validity (259,200 s).
const DefaultMaxAge = 72 * time.Hour

const (
	keyToken   = "token"
	keyAccount = "account"
	keyExpires = "expires" // unix seconds; the token's expiry as far as we know
)

// Data is what a session holds.
type Data struct {
	Token   apiclient.Token
	Account string    // NebulaGraph account, "" when signed in with a pasted token
	Expires time.Time // when the session (and at the latest the token) ends
}

// Store reads and writes session cookies.
type Store struct {
	cookies *sessions.CookieStore
	maxAge  time.Duration
	secure  bool
}

// New returns a Store. keys holds securecookie key pairs (hash key ≥ 32
// bytes, block key of 16, 24 or 32 bytes for AES): the first pair signs and
// encrypts, every pair is tried when reading, so a previous pair can be kept
// during a rotation. maxAge bounds every session (0 → DefaultMaxAge); secure
// marks the cookie Secure even on plain-HTTP requests.
func New(keys [][]byte, maxAge time.Duration, secure bool) (*Store, error) {
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
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	cs := sessions.NewCookieStore(keys...)
	cs.MaxAge(int(maxAge / time.Second)) // also the signed-timestamp limit
	cs.Options.Path = "/"
	cs.Options.HttpOnly = true
	cs.Options.SameSite = http.SameSiteLaxMode
	return &Store{cookies: cs, maxAge: maxAge, secure: secure}, nil
}

// Load returns the session of r. A missing, tampered, foreign-keyed, stale
// or expired cookie reads as signed out (ok false).
func (s *Store) Load(r *http.Request, now time.Time) (Data, bool) {
	sess, err := s.cookies.New(r, CookieName)
	if err != nil || sess.IsNew {
		return Data{}, false
	}
	tok, _ := sess.Values[keyToken].(string)
	account, _ := sess.Values[keyAccount].(string)
	exp, _ := sess.Values[keyExpires].(int64)
	d := Data{Token: apiclient.Token(tok), Account: account, Expires: time.Unix(exp, 0)}
	if tok == "" || !now.Before(d.Expires) {
		return Data{}, false
	}
	return d, true
}

// Save writes d as the session cookie. The cookie lasts until d.Expires,
// bounded by the Store's maximum age; a zero Expires means the maximum.
// Call it before writing the body.
func (s *Store) Save(w http.ResponseWriter, r *http.Request, d Data, now time.Time) error {
	limit := now.Add(s.maxAge)
	if d.Expires.IsZero() || d.Expires.After(limit) {
		d.Expires = limit
	}
	life := d.Expires.Sub(now)
	if life < time.Second {
		return errors.New("session: token already expired")
	}
	sess := sessions.NewSession(s.cookies, CookieName)
	opts := *s.cookies.Options
	opts.MaxAge = int(life / time.Second)
	opts.Secure = s.secure || r.TLS != nil
	sess.Options = &opts
	sess.Values[keyToken] = d.Token.Reveal()
	sess.Values[keyAccount] = d.Account
	sess.Values[keyExpires] = d.Expires.Unix()
	if err := s.cookies.Save(r, w, sess); err != nil {
		return fmt.Errorf("session: save: %w", err)
	}
	return nil
}

// Clear deletes the session cookie.
func (s *Store) Clear(w http.ResponseWriter, r *http.Request) {
	opts := *s.cookies.Options
	opts.MaxAge = -1
	opts.Secure = s.secure || r.TLS != nil
	http.SetCookie(w, sessions.NewCookie(CookieName, "", &opts))
}
