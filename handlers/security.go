package handlers

import (
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

// newSessionStore builds the session store from opts; without
// Options.Revocations, revoked IDs are kept in memory on opts.Now's clock.
func newSessionStore(opts Options) (*session.Store, error) {
	rev := opts.Revocations
	if rev == nil {
		rev = session.NewMemoryRevocations(0, opts.Now)
	}
	return session.New(session.Config{
		Keys:        opts.SessionKeys,
		MaxAge:      opts.SessionMaxAge,
		IdleTimeout: opts.SessionIdleTimeout,
		Secure:      opts.SecureCookie,
		Revocations: rev,
	})
}

// endSession ends the request's session, if it has a valid one: its ID is
// revoked server-side (a copied cookie is refused from now on) and the
// cookie is cleared. A failure to revoke is logged; the cookie is cleared
// anyway.
func (h *handler) endSession(c *gin.Context, reason string) {
	if d, err := h.sessions.Load(c.Request, h.now()); err == nil {
		if err := h.sessions.Revoke(c.Request.Context(), d); err != nil {
			h.log.LogAttrs(c.Request.Context(), slog.LevelError, "session revocation failed",
				slog.String("request_id", reqID(c)),
				slog.String("reason", reason),
				slog.String("error", err.Error()),
			)
		}
	}
	h.sessions.Clear(c.Writer, c.Request)
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
