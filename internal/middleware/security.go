package middleware

import "net/http"

// ContentSecurityPolicy is sent with every response. No 'unsafe-inline'
// and no 'unsafe-eval': scripts and styles only from our own files. htmx
// runs under it because the layout turns off its injected indicator CSS
// (includeIndicatorCSS:false) and the views use none of the features that
// need eval (hx-on, trigger filters "[…]", "js:"/"javascript:" values in
// hx-vals, hx-confirm or request URLs); with this policy those would
// simply not run.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// SecurityHeadersOptions configures SecurityHeaders.
type SecurityHeadersOptions struct {
	// HSTS sends Strict-Transport-Security on plain-HTTP requests too
	// (behind a TLS-terminating proxy); requests over TLS always get it.
	HSTS bool
}

// securityHeaders sets the browser defences on every response before the
// wrapped handler sees the request, so that nothing (Gin's own redirects
// and 404s, static files, recovered panics) goes out without them.
//
// The values are built once and shared by every response: the header
// map gets them by direct assignment under canonical keys, which costs
// no canonicalisation and no allocation per request. Sharing is safe as
// long as nothing writes into a header's value slice in place; handlers
// replace values (Header.Set, direct assignment) or append to them
// (Header.Add, which copies a full slice), never modify them.
type securityHeaders struct {
	next http.Handler
	hsts bool

	csp, noSniff, sameOrigin, deny, maxAge, noStore []string
}

// SecurityHeaders wraps next (the whole engine) so that every response
// carries the browser defences: the CSP above, nosniff, same-origin
// referrers and opener, no framing, HSTS (see SecurityHeadersOptions) and
// Cache-Control: no-store unless a handler says otherwise.
func SecurityHeaders(next http.Handler, opts SecurityHeadersOptions) http.Handler {
	one := SharedValue
	return &securityHeaders{
		next:       next,
		hsts:       opts.HSTS,
		csp:        one(ContentSecurityPolicy),
		noSniff:    one("nosniff"),
		sameOrigin: one("same-origin"),
		deny:       one("DENY"),
		maxAge:     one("max-age=31536000"),
		noStore:    one("no-store"),
	}
}

// SharedValue returns v as a header value slice that every response may
// share, assigned to a header map under its canonical key (h[key] = v):
// no canonicalisation and no allocation per response. Sharing is safe
// because net/http and the handlers never write into a value slice in
// place (Header.Set replaces it; Header.Add and AddValue append to it,
// and the slice is full, len == cap, so an append copies it).
func SharedValue(v string) []string { return []string{v}[:1:1] }

// AddValue is Header.Add of a SharedValue under a canonical key: the
// shared slice itself when the header is absent, else appended.
func AddValue(h http.Header, key string, shared []string) {
	if old := h[key]; len(old) > 0 {
		h[key] = append(old, shared...)
		return
	}
	h[key] = shared
}

// Unwrap returns the wrapped handler (tests list the engine's routes).
func (s *securityHeaders) Unwrap() http.Handler { return s.next }

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
