// Package summarycache serves identical, expensive look-ups once: calls
// with the same Key that overlap share one fetch (single-flight), and a
// successful result is kept for a short TTL. Keys are derived from a secret
// (the reader's Explorer token) and the request, so one reader's result is
// never served to another who asks the same question.
//
// The cache is bounded: at MaxEntries it drops the entry that expires first
// (all entries live for the same TTL, so that is the oldest, and expired
// entries go before live ones). Errors are never cached.
package summarycache

import (
	"container/list"
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// Defaults of a Cache built by New.
const (
	DefaultTTL        = 5 * time.Second
	DefaultMaxEntries = 10_000
)

// Key identifies one cached value: sha256 of the secret and the request.
type Key [sha256.Size]byte

// KeyFor derives the Key of request (e.g. a canonical query) asked with
// secret (e.g. a token). The secret is length-prefixed so that no
// (secret, request) pair can collide with another by shifting bytes
// between them.
func KeyFor(secret, request string) Key {
	h := sha256.New()
	fmt.Fprintf(h, "%d:%s", len(secret), secret)
	h.Write([]byte(request))
	var k Key
	copy(k[:], h.Sum(nil))
	return k
}

// Options configures New.
type Options struct {
	TTL        time.Duration    // how long a value is served (0 → DefaultTTL)
	MaxEntries int              // bound on stored values (0 → DefaultMaxEntries)
	Now        func() time.Time // clock (nil → time.Now)
}

// Cache is a TTL cache with single-flight fetching for values of type V.
// It is safe for concurrent use.
type Cache[V any] struct {
	ttl   time.Duration
	max   int
	now   func() time.Time
	group singleflight.Group

	mu      sync.Mutex
	entries map[Key]*list.Element // of *entry[V]
	order   *list.List            // oldest (soonest to expire) at the front
}

type entry[V any] struct {
	key     Key
	value   V
	expires time.Time
}

// New returns an empty Cache.
func New[V any](opts Options) *Cache[V] {
	c := &Cache[V]{ttl: opts.TTL, max: opts.MaxEntries, now: opts.Now,
		entries: make(map[Key]*list.Element), order: list.New()}
	if c.ttl <= 0 {
		c.ttl = DefaultTTL
	}
	if c.max <= 0 {
		c.max = DefaultMaxEntries
	}
	if c.now == nil {
		c.now = time.Now
	}
	return c
}

// Get returns the value of k: a stored one that has not expired, else the
// result of fetch, shared with every concurrent Get of the same key. fetch
// runs with a context that is not cancelled when ctx is (another caller may
// be waiting for it): it must bound its own time. cached reports whether
// the value came from the store or from another caller's fetch rather than
// from a fetch of this call.
func (c *Cache[V]) Get(ctx context.Context, k Key, fetch func(context.Context) (V, error)) (v V, cached bool, err error) {
	if v, ok := c.lookup(k); ok {
		return v, true, nil
	}
	ch := c.group.DoChan(string(k[:]), func() (any, error) {
		// A caller that arrived just after a store must not fetch again.
		if v, ok := c.lookup(k); ok {
			return v, nil
		}
		v, err := fetch(context.WithoutCancel(ctx))
		if err != nil {
			return v, err
		}
		c.store(k, v)
		return v, nil
	})
	select {
	case <-ctx.Done():
		var zero V
		return zero, false, fmt.Errorf("summarycache: %w", ctx.Err())
	case r := <-ch:
		if r.Err != nil {
			var zero V
			return zero, false, r.Err
		}
		return r.Val.(V), r.Shared, nil
	}
}

// Len returns the number of stored values, expired ones included until
// they are evicted.
func (c *Cache[V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

func (c *Cache[V]) lookup(k Key) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[k]; ok {
		e := el.Value.(*entry[V])
		if c.now().Before(e.expires) {
			return e.value, true
		}
		c.order.Remove(el)
		delete(c.entries, k)
	}
	var zero V
	return zero, false
}

func (c *Cache[V]) store(k Key, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if el, ok := c.entries[k]; ok {
		c.order.Remove(el)
		delete(c.entries, k)
	}
	// Expired entries first, then the oldest, until there is room.
	for front := c.order.Front(); front != nil; front = c.order.Front() {
		e := front.Value.(*entry[V])
		if c.order.Len() < c.max && now.Before(e.expires) {
			break
		}
		c.order.Remove(front)
		delete(c.entries, e.key)
	}
	c.entries[k] = c.order.PushBack(&entry[V]{key: k, value: v, expires: now.Add(c.ttl)})
}
