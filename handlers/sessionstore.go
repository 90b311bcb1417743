package handlers

import (
	"context"
	"fmt"
	"net/http"
)

// A session store shared by replicas (Redis, through
// Options.Revocations) can be down. Then no session can be checked
// against the revocation list, and the handlers fail closed: pages that
// need a session and the sign-in form answer 503 with the
// "sessionstore.unavailable" panel instead of guessing that a session was
// not signed out (which would let a revoked, possibly stolen, cookie back
// in exactly while Redis is unreachable). Everything works again as soon
// as the store answers; nothing is cached.

// pinger is implemented by revocation lists that live elsewhere and can be
// unreachable (redisrevoke.Store); the in-memory list cannot.
type pinger interface {
	Ping(ctx context.Context) error
}

// errSessionStore wraps a failure of the session store as a 503 with a
// Retry link.
func errSessionStore(cause error) error {
	return &appError{status: http.StatusServiceUnavailable, key: "sessionstore.unavailable", cause: cause, retry: true}
}

// checkSessionStore returns an errSessionStore error when the revocation
// list is shared and does not answer, and nil otherwise. Sign-in calls it
// first, so that nobody signs in to a session that every page would then
// refuse.
func (h *handler) checkSessionStore(ctx context.Context) error {
	p, ok := h.revocations.(pinger)
	if !ok {
		return nil
	}
	if err := p.Ping(ctx); err != nil {
		return errSessionStore(fmt.Errorf("session store: %w", err))
	}
	return nil
}
