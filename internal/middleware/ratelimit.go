package middleware

import (
	"sync"
	"time"
)

// Sign-in attempts allowed per client IP and, separately, per account:
// LoginLimit in any LoginWindow. An attempt counts from the moment it is
// made (so parallel guesses cannot slip past the limit) and is refunded
// when it succeeds or Explorer could not judge it (unreachable, timeout),
// so in effect failed attempts are counted. A refused (429) attempt does
// not count.
const (
	LoginLimit     = 10
	LoginWindow    = 5 * time.Minute
	MaxLimiterKeys = 50_000
)

// LoginLimiter is a sliding-window log of recent sign-in attempts per key
// ("ip:…", "account:…"). It holds at most maxKeys keys of at most limit
// timestamps each; when full, stale keys are dropped first, then the key
// whose newest attempt is oldest. Safe for concurrent use.
type LoginLimiter struct {
	limit   int
	window  time.Duration
	maxKeys int
	now     func() time.Time

	mu   sync.Mutex
	hits map[string][]time.Time // per key, oldest first, all within window
}

// NewLoginLimiter returns a limiter allowing limit attempts per key in any
// window, holding at most maxKeys keys, on now's clock.
func NewLoginLimiter(limit int, window time.Duration, maxKeys int, now func() time.Time) *LoginLimiter {
	return &LoginLimiter{limit: limit, window: window, maxKeys: maxKeys, now: now, hits: make(map[string][]time.Time)}
}

// Attempt is a reservation made by Reserve, to Refund if it should not count.
type Attempt struct {
	at   time.Time
	keys []string
}

// Reserve records an attempt under every key, or none when any key has
// used up its allowance; then it returns how long until that key has room
// again.
func (l *LoginLimiter) Reserve(keys ...string) (Attempt, time.Duration, bool) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		h := l.fresh(k, now)
		if len(h) >= l.limit {
			wait = max(wait, h[0].Add(l.window).Sub(now))
		}
	}
	if wait > 0 {
		return Attempt{}, wait, false
	}
	for _, k := range keys {
		if _, ok := l.hits[k]; !ok && len(l.hits) >= l.maxKeys {
			l.makeRoom(now)
		}
		l.hits[k] = append(l.hits[k], now)
	}
	return Attempt{at: now, keys: keys}, 0, true
}

// Refund removes a reservation: the attempt does not count.
func (l *LoginLimiter) Refund(a Attempt) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range a.keys {
		h := l.hits[k]
		for i := len(h) - 1; i >= 0; i-- {
			if h[i].Equal(a.at) {
				h = append(h[:i], h[i+1:]...)
				break
			}
		}
		if len(h) == 0 {
			delete(l.hits, k)
		} else {
			l.hits[k] = h
		}
	}
}

// fresh drops k's attempts older than the window and returns the rest.
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
