package handlers

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/gin-gonic/gin"

	"jobboard/internal/middleware"
	"jobboard/internal/session"
)

// security holds the sign-in limits and browser defences of the handler.
type security struct {
	hsts           bool // send Strict-Transport-Security on plain-HTTP requests too (SecureCookie)
	trustedProxies []string
	logins         *middleware.LoginLimiter
	testRoutes     func(*gin.Engine, *handler)
}

// newSecurity builds the security settings from opts.
func newSecurity(opts Options, now func() time.Time) (security, error) {
	for _, p := range opts.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return security{}, fmt.Errorf("trusted proxy %q is neither an IP nor a CIDR", p)
		}
	}
	return security{
		hsts:           opts.SecureCookie,
		trustedProxies: opts.TrustedProxies,
		logins:         middleware.NewLoginLimiter(middleware.LoginLimit, middleware.LoginWindow, middleware.MaxLimiterKeys, now),
		testRoutes:     opts.testRoutes,
	}, nil
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

// logSignIn records a sign-in outcome: method ("password", "token"),
// account ("" for a token), outcome and client IP. Never the password or
// the token.
func (h *handler) logSignIn(c *gin.Context, method, account, outcome string) {
	if len(account) > 128 {
		account = account[:128] + "…"
	}
	h.obs.metrics.SignIn(method, outcome)
	level := slog.LevelInfo
	if outcome != "ok" {
		level = slog.LevelWarn
	}
	h.log.LogAttrs(c.Request.Context(), level, "sign-in",
		slog.String("request_id", reqID(c)),
		slog.String("method", method),
		slog.String("account", account),
		slog.String("outcome", outcome),
		slog.String("client_ip", c.ClientIP()),
	)
}

// retryAfterSeconds renders d for a Retry-After header: whole seconds,
// rounded up, at least 1.
func retryAfterSeconds(d time.Duration) string {
	s := int64((d + time.Second - 1) / time.Second)
	return fmt.Sprint(max(s, 1))
}
