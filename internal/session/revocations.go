package session

import (
	"context"
	"sync"
	"time"
)

// Revocations is the server-side list of revoked session IDs. An
// implementation shared by replicas (Redis) makes a sign-out on one replica
// count on all of them; NewMemoryRevocations serves a single process.
type Revocations interface {
	// Revoke refuses the session id from now until until (after which the
	// session has expired anyway and the entry may be forgotten).
	Revoke(ctx context.Context, id string, until time.Time) error
	// Revoked reports whether id has been revoked.
	Revoked(ctx context.Context, id string) (bool, error)
}

// DefaultRevocationCapacity bounds a MemoryRevocations created with
// capacity 0.
const DefaultRevocationCapacity = 100_000

// MemoryRevocations is an in-memory Revocations for one process: entries
// expire with their session and the list holds at most its capacity. It is
// safe for concurrent use.
type MemoryRevocations struct {
	now      func() time.Time
	capacity int

	mu    sync.Mutex
	until map[string]time.Time
}

var _ Revocations = (*MemoryRevocations)(nil)

// NewMemoryRevocations returns an empty list holding at most capacity IDs
// (0 → DefaultRevocationCapacity), reading time from now (nil → time.Now).
// When full, expired entries are dropped first, then the entry that would
// expire soonest: a flood of sign-outs can at worst shorten the revocation
// of the sessions closest to their end anyway.
func NewMemoryRevocations(capacity int, now func() time.Time) *MemoryRevocations {
	if capacity <= 0 {
		capacity = DefaultRevocationCapacity
	}
	if now == nil {
		now = time.Now
	}
	return &MemoryRevocations{now: now, capacity: capacity, until: make(map[string]time.Time)}
}

// Revoke implements Revocations.
func (m *MemoryRevocations) Revoke(_ context.Context, id string, until time.Time) error {
	now := m.now()
	if !until.After(now) {
		return nil // already expired: nothing to refuse
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.until[id]; !ok && len(m.until) >= m.capacity {
		m.makeRoom(now)
	}
	if prev, ok := m.until[id]; !ok || until.After(prev) {
		m.until[id] = until
	}
	return nil
}

// Revoked implements Revocations.
func (m *MemoryRevocations) Revoked(_ context.Context, id string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	until, ok := m.until[id]
	if ok && !m.now().Before(until) {
		delete(m.until, id)
		return false, nil
	}
	return ok, nil
}

// Len returns the number of entries held, expired ones included until
// they are swept.
func (m *MemoryRevocations) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.until)
}

// makeRoom drops expired entries and, if none was, the one expiring
// soonest. m.mu is held.
func (m *MemoryRevocations) makeRoom(now time.Time) {
	var soonestID string
	var soonest time.Time
	for id, until := range m.until {
		if !now.Before(until) {
			delete(m.until, id)
			continue
		}
		if soonestID == "" || until.Before(soonest) {
			soonestID, soonest = id, until
		}
	}
	if len(m.until) >= m.capacity && soonestID != "" {
		delete(m.until, soonestID)
	}
}
