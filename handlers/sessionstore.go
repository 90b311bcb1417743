package handlers

import (
	"context"
	"fmt"
	"net/http"
)

// The live sessions are in the store (Options.Store), which can be down
// (PostgreSQL unreachable, a SQLite file that cannot be written). Then no
// session can be confirmed live, and the handlers fail closed: pages that
// need a session and the sign-in form answer 503 with the
// "sessionstore.unavailable" panel instead of guessing (which would let a
// signed-out, possibly stolen, cookie back in exactly while the store is
// unreachable), and a sign-out that cannot be recorded answers 503
// "logout.failed". Everything works again as soon as the store answers;
// nothing is cached.

// errSessionStore wraps a failure of the session store as a 503 with a
// Retry link.
func errSessionStore(cause error) error {
	return &appError{status: http.StatusServiceUnavailable, key: "sessionstore.unavailable", cause: cause, retry: true}
}

// checkSessionStore returns an errSessionStore error when the live set
// does not answer, and nil otherwise. Sign-in calls it first, so that
// nobody signs in to a session that every page would then refuse.
func (h *handler) checkSessionStore(ctx context.Context) error {
	if err := h.sessions.Ping(ctx); err != nil {
		return errSessionStore(fmt.Errorf("session store: %w", err))
	}
	return nil
}
