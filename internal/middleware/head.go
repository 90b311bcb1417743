package middleware

import "net/http"

// HeadAsGet wraps next (the whole engine) so that a HEAD request is served
// as the GET of the same address with the body dropped: monitors, link
// checkers and curl -I see the page's real status and headers instead of
// a 404 from a router that only knows the GET routes.
func HeadAsGet(next http.Handler) http.Handler { return headAsGet{next} }

type headAsGet struct{ next http.Handler }

func (h headAsGet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodHead {
		h.next.ServeHTTP(w, r)
		return
	}
	get := r.Clone(r.Context())
	get.Method = http.MethodGet
	h.next.ServeHTTP(headWriter{w}, get)
}

// Unwrap returns the wrapped handler (tests list the engine's routes).
func (h headAsGet) Unwrap() http.Handler { return h.next }

// headWriter passes status and headers through and drops the body.
type headWriter struct{ http.ResponseWriter }

func (w headWriter) Write(p []byte) (int, error) { return len(p), nil }

// WriteString drops the body too, so io.WriteString cannot bypass Write.
func (w headWriter) WriteString(s string) (int, error) { return len(s), nil }

// Flush forwards to the connection, so streaming handlers (exports) that
// flush keep working under HEAD.
func (w headWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w headWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
