package handlers

import (
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"jobboard/internal/session"
)

// contentSecurityPolicy is sent with every response. No 'unsafe-inline'
// and no 'unsafe-eval': scripts and styles only from our own files. htmx
// runs under it because the layout turns off its injected indicator CSS
// (includeIndicatorCSS:false) and the views use none of the features that
// need eval (hx-on, trigger filters "[…]", "js:"/"javascript:" values in
// hx-vals, hx-confirm or request URLs); with this policy those would
// simply not run.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// maxBodyBytes caps every request body; beyond it the answer is 413.
const maxBodyBytes = 64 << 10

// security holds the sign-in limits and browser defences of the handler.
type security struct {
	hsts           bool // send Strict-Transport-Security on plain-HTTP requests too (SecureCookie)
	trustedProxies []string
	logins         *loginLimiter
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
		logins:         newLoginLimiter(loginLimit, loginWindow, maxLimiterKeys, now),
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

// securityHeaders sets the browser defences on every response before the
// engine sees the request, so that nothing (Gin's own redirects and 404s,
// static files, recovered panics) goes out without them.
//
// The values are built once and shared by every response: the header
// map gets them by direct assignment under canonical keys, which costs
// no canonicalisation and no allocation per request. Sharing is safe as
// long as nothing writes into a header's value slice in place; handlers
// replace values (Header.Set, direct assignment) or append to them
// (Header.Add, which copies a full slice), never modify them.
type securityHeaders struct {
	next *gin.Engine
	hsts bool

	csp, noSniff, sameOrigin, deny, maxAge, noStore []string
}

// withSecurityHeaders wraps the engine.
func (h *handler) withSecurityHeaders(r *gin.Engine) http.Handler {
	// Each value is a full slice (len == cap), so that an append (Header.Add)
	// copies it instead of writing into the shared array.
	one := func(v string) []string { return []string{v}[:1:1] }
	return &securityHeaders{
		next:       r,
		hsts:       h.sec.hsts,
		csp:        one(contentSecurityPolicy),
		noSniff:    one("nosniff"),
		sameOrigin: one("same-origin"),
		deny:       one("DENY"),
		maxAge:     one("max-age=31536000"),
		noStore:    one("no-store"),
	}
}

// ServeHTTP implements http.Handler.
func (s *securityHeaders) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd["Content-Security-Policy"] = s.csp
	hd["X-Content-Type-Options"] = s.noSniff
	hd["Referrer-Policy"] = s.sameOrigin
	hd["X-Frame-Options"] = s.deny
	hd["Cross-Origin-Opener-Policy"] = s.sameOrigin
	if s.hsts || r.TLS != nil {
		hd["Strict-Transport-Security"] = s.maxAge
	}
	// Nothing is cached unless a handler says otherwise: the static
	// assets, whose hashed names make them immutable, do.
	hd["Cache-Control"] = s.noStore
	s.next.ServeHTTP(w, r)
}

// errTooLarge answers a body over maxBodyBytes.
var errTooLarge = &appError{status: http.StatusRequestEntityTooLarge, key: "security.tooLarge", back: true}

// limitBody caps the request body at maxBodyBytes and parses form posts
// up front, so that an oversized or malformed form is answered 413 or 400
// here, instead of reading as an empty form later (Gin's PostForm drops
// parse errors).
func (h *handler) limitBody(c *gin.Context) {
	r := c.Request
	if r.ContentLength > maxBodyBytes {
		h.abortWith(c, errTooLarge)
		return
	}
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = http.MaxBytesReader(c.Writer, r.Body, maxBodyBytes)
	}
	if safeMethod(r.Method) {
		c.Next()
		return
	}
	var err error
	switch ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct {
	case "application/x-www-form-urlencoded":
		err = r.ParseForm()
	case "multipart/form-data":
		err = r.ParseMultipartForm(maxBodyBytes)
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		h.abortWith(c, errTooLarge)
		return
	case err != nil:
		h.abortWith(c, &appError{status: http.StatusBadRequest, key: "security.badForm", cause: err, back: true})
		return
	}
	c.Next()
}

// safeMethod reports whether method never changes state.
func safeMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

// abortWith answers err through the error path and stops the chain.
func (h *handler) abortWith(c *gin.Context, err error) {
	h.handleError(c, err)
	c.Abort()
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
