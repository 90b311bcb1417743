package middleware

import (
	"context"
	"net"
	"sync"
	"time"
)

// The sign-in limits. Three parts, each bounded by design:
//
//   - Per client address (an IPv4 address, or an IPv6 /64: ClientKey),
//     failed attempts in a sliding window: LoginLimit per LoginWindow, in a
//     LoginLimiter of at most MaxLimiterKeys keys. Evicting an address's
//     count only gives an attacker what one more address would.
//   - Per account, an exponential back-off on the failures the store keeps
//     (AccountBackoff): no other account's traffic can evict it, every
//     replica sees it, and it only ever delays, never locks.
//   - Attempts in flight per key at most MaxInFlightPerKey (Gate); more
//     wait their turn instead of being refused, so parallel correct
//     sign-ins all succeed while parallel guesses cannot outrun the count.
const (
	LoginLimit     = 10
	LoginWindow    = 5 * time.Minute
	MaxLimiterKeys = 50_000
	// SuccessLimit bounds successful sign-ins per account per
	// LoginWindow (each starts a session and writes the store), counted
	// for at most MaxSuccessKeys accounts: 60 timestamps each, 14 MB at
	// worst. Only accounts with the right password get there.
	SuccessLimit   = 60
	MaxSuccessKeys = 10_000
	// MaxInFlightPerKey is how many sign-in attempts of one address or
	// account are judged at once.
	MaxInFlightPerKey = 4
)

// The per-account back-off: FreeFailures failures within
// AccountFailureWindow cost nothing; each one more doubles the wait after
// the last, from BackoffBase up to BackoffMax.
const (
	FreeFailures         = 5
	BackoffBase          = time.Second
	BackoffMax           = 15 * time.Minute
	AccountFailureWindow = 24 * time.Hour
)

// AccountBackoff returns how long from now an account with failures
// failed sign-ins in the window, the last at last, must wait before its
// next attempt is judged (0: now).
func AccountBackoff(failures int, last, now time.Time) time.Duration {
	if failures < FreeFailures {
		return 0
	}
	wait := BackoffMax
	if n := failures - FreeFailures; n < 20 {
		wait = min(BackoffBase<<n, BackoffMax)
	}
	return max(last.Add(wait).Sub(now), 0)
}

// ClientKey is the limiter's key for a client address: an IPv4 address as
// it is, an IPv6 address by its /64 (one subscriber's network: its
// interface IDs are free for it to choose), anything unparsable as given.
func ClientKey(ip string) string {
	addr := net.ParseIP(ip)
	if addr == nil {
		return "ip:" + ip
	}
	if v4 := addr.To4(); v4 != nil {
		return "ip:" + v4.String()
	}
	return "ip:" + addr.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// LoginLimiter is a sliding-window log of events per key (failed sign-ins
// per address, successful ones per account). It holds at most maxKeys
// keys of at most limit timestamps each; when full, stale keys are
// dropped first, then the key whose newest event is oldest. Safe for
// concurrent use.
type LoginLimiter struct {
	limit   int
	window  time.Duration
	maxKeys int
	now     func() time.Time

	mu   sync.Mutex
	hits map[string][]time.Time // per key, oldest first, all within window
}

// NewLoginLimiter returns a limiter allowing limit events per key in any
// window, holding at most maxKeys keys, on now's clock.
func NewLoginLimiter(limit int, window time.Duration, maxKeys int, now func() time.Time) *LoginLimiter {
	return &LoginLimiter{limit: limit, window: window, maxKeys: maxKeys, now: now, hits: make(map[string][]time.Time)}
}

// Wait returns how long until every key has room for one more event (0:
// now).
func (l *LoginLimiter) Wait(keys ...string) time.Duration {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		if h := l.fresh(k, now); len(h) >= l.limit {
			wait = max(wait, h[len(h)-l.limit].Add(l.window).Sub(now))
		}
	}
	return wait
}

// Record counts one event under every key.
func (l *LoginLimiter) Record(keys ...string) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		h := l.fresh(k, now)
		if h == nil && len(l.hits) >= l.maxKeys {
			l.makeRoom(now)
		}
		if len(h) >= l.limit {
			h = h[1:] // the oldest no longer decides anything
		}
		l.hits[k] = append(h, now)
	}
}

// Len returns the number of keys held.
func (l *LoginLimiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.hits)
}

// fresh drops k's events older than the window and returns the rest.
// l.mu is held.
func (l *LoginLimiter) fresh(k string, now time.Time) []time.Time {
	h := l.hits[k]
	i := 0
	for i < len(h) && !now.Before(h[i].Add(l.window)) {
		i++
	}
	if i == 0 {
		return h
	}
	h = append(h[:0], h[i:]...)
	if len(h) == 0 {
		delete(l.hits, k)
		return nil
	}
	l.hits[k] = h
	return h
}

// makeRoom drops stale keys and, if none was, the least recently used one.
// l.mu is held.
func (l *LoginLimiter) makeRoom(now time.Time) {
	var oldestKey string
	var oldest time.Time
	for k := range l.hits {
		h := l.fresh(k, now)
		if len(h) == 0 {
			continue
		}
		if last := h[len(h)-1]; oldestKey == "" || last.Before(oldest) {
			oldestKey, oldest = k, last
		}
	}
	if len(l.hits) >= l.maxKeys && oldestKey != "" {
		delete(l.hits, oldestKey)
	}
}

// Gate bounds the attempts in flight per key: Enter waits while perKey
// attempts of a key are being judged. It holds an entry only for keys
// with attempts in flight, so its memory is bounded by the requests in
// flight. Safe for concurrent use.
type Gate struct {
	perKey int

	mu    sync.Mutex
	slots map[string]*gateSlot
}

type gateSlot struct {
	sem   chan struct{}
	users int // holding or waiting
}

// NewGate returns a gate letting perKey attempts per key through at once.
func NewGate(perKey int) *Gate {
	return &Gate{perKey: max(perKey, 1), slots: make(map[string]*gateSlot)}
}

// Enter waits for a turn under every key, in the order given (callers
// give keys in one order, so two attempts never wait on each other), and
// returns the function that ends it; ctx ending first is an error, with
// nothing held.
func (g *Gate) Enter(ctx context.Context, keys ...string) (func(), error) {
	var held []string
	release := func() {
		for _, k := range held {
			g.leave(k, true)
		}
	}
	for _, k := range keys {
		g.mu.Lock()
		s := g.slots[k]
		if s == nil {
			s = &gateSlot{sem: make(chan struct{}, g.perKey)}
			g.slots[k] = s
		}
		s.users++
		g.mu.Unlock()
		select {
		case s.sem <- struct{}{}:
			held = append(held, k)
		case <-ctx.Done():
			g.leave(k, false)
			release()
			return nil, ctx.Err()
		}
	}
	return release, nil
}

// leave gives up a turn (taken: one was held) under k.
func (g *Gate) leave(k string, taken bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.slots[k]
	if taken {
		<-s.sem
	}
	if s.users--; s.users == 0 {
		delete(g.slots, k)
	}
}

// Len returns the number of keys with attempts in flight or waiting.
func (g *Gate) Len() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.slots)
}
