package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"jobboard/internal/session"
)

// requireSession returns the reader's session, or errSignedOut, which the
// error path turns into a trip to sign-in and back. A stale cookie
// (expired, idle, signed out, unreadable) is cleared. The session's
// last-seen time is refreshed (in the live set and a new cookie at most
// every 1/48 of the idle timeout, 15 min by default), so call it before
// writing the body.
func (h *handler) requireSession(c *gin.Context) (session.Data, error) {
	now := h.now()
	d, err := h.sessions.Load(c.Request, now)
	if err == nil {
		err = h.sessions.Touch(c.Writer, c.Request, d, now)
	}
	if errors.Is(err, session.ErrNoSession) {
		if _, cerr := c.Request.Cookie(h.sessions.Name(c.Request)); cerr == nil {
			h.sessions.Clear(c.Writer, c.Request)
			return session.Data{}, errSessionEnded
		}
		return session.Data{}, errSignedOut
	}
	if errors.Is(err, session.ErrUnavailable) {
		// The live set could not be read: fail closed, as the session
		// may have been signed out (checkSessionStore).
		return session.Data{}, errSessionStore(fmt.Errorf("load session: %w", err))
	}
	if err != nil {
		return session.Data{}, fmt.Errorf("session: %w", err)
	}
	return d, nil
}

// newSessionStore builds the session store from opts, its live sessions
// in Options.Store.
func newSessionStore(opts Options) (*session.Store, error) {
	live := opts.liveSessions
	if live == nil {
		if opts.Store == nil {
			return nil, errors.New("Options.Store is required: it holds the live sessions")
		}
		live = opts.Store
	}
	return session.New(session.Config{
		Keys:          opts.SessionKeys,
		MaxAge:        opts.SessionMaxAge,
		IdleTimeout:   opts.SessionIdleTimeout,
		Secure:        opts.SecureCookie,
		Live:          live,
		MaxPerAccount: opts.MaxSessionsPerAccount,
	})
}

// endSession ends the request's session, if it has a valid one: it leaves
// the live set (every copy of the cookie is refused from now on) and the
// cookie is cleared. When the live set cannot be read or written the
// session may still be live: that is logged and returned, and the cookie
// is kept, so that the reader can try again rather than believe they are
// signed out.
func (h *handler) endSession(c *gin.Context, reason string) error {
	d, err := h.sessions.Load(c.Request, h.now())
	if err == nil {
		err = h.sessions.End(c.Request.Context(), d)
	} else if errors.Is(err, session.ErrNoSession) {
		err = nil // nothing live to end
	}
	if err != nil {
		h.log.LogAttrs(c.Request.Context(), slog.LevelError, "sign-out not recorded",
			slog.String("request_id", reqID(c)),
			slog.String("reason", reason),
			slog.String("error", err.Error()),
		)
		return err
	}
	h.sessions.Clear(c.Writer, c.Request)
	return nil
}

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
