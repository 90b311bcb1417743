package handlers

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

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
		// may have been signed out (sessionstore.go).
		return session.Data{}, errSessionStore(fmt.Errorf("load session: %w", err))
	}
	if err != nil {
		return session.Data{}, fmt.Errorf("session: %w", err)
	}
	return d, nil
}

// safeNext returns next when it is a path on this site, and "/" otherwise.
// Accepted: an absolute path with an optional query, such as
// "/workflows/1/jobs?status=failed&page=2". Refused: anything with a scheme
// or host ("https://evil.example", "javascript:…"), protocol-relative
// "//evil.example", backslashes anywhere ("/\evil", which browsers read as
// "//evil"), control characters, and a path that decodes to start with "//"
// or "/\" ("/%2F%2Fevil": harmless to browsers today, refused to be safe).
func safeNext(next string) string {
	const fallback = "/"
	if next == "" || len(next) > 2048 || next[0] != '/' {
		return fallback
	}
	if strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') {
		return fallback
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f {
			return fallback
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return fallback
	}
	if strings.HasPrefix(u.Path, "//") || strings.HasPrefix(u.Path, "/\\") {
		return fallback
	}
	return next
}
