package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

const requestIDKey = "requestID"

// requestID gives every request a random ID, echoed as X-Request-ID and
// attached to its log lines.
func (h *handler) requestID(c *gin.Context) {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	var hx [16]byte
	hex.Encode(hx[:], b[:])
	id := string(hx[:])
	c.Set(requestIDKey, id)
	c.Writer.Header()["X-Request-Id"] = []string{id} // X-Request-ID, canonical
	c.Next()
}

// reqID returns the request's ID.
func reqID(c *gin.Context) string { return c.GetString(requestIDKey) }

// logRequests writes one line per request and records its metrics (see
// finishRequest in observability.go): request ID, trace-id, method, route
// pattern, status, duration, upstream calls (never the query, cookies or
// headers).
func (h *handler) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	h.finishRequest(c, time.Since(start))
}

// recoverPanics turns a panic into a logged error and a plain 500 page;
// headers and cookies are not dumped.
func (h *handler) recoverPanics(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			h.log.LogAttrs(c.Request.Context(), slog.LevelError, "panic",
				slog.String("request_id", reqID(c)),
				slog.String("path", c.Request.URL.Path),
				slog.Any("panic", v),
			)
			if !c.Writer.Written() {
				h.handleError(c, &appError{status: http.StatusInternalServerError, key: "problem.internal"})
			}
			c.Abort()
		}
	}()
	c.Next()
}

// sameOrigin refuses state-changing requests sent from another origin
// (Sec-Fetch-Site, else Origin against Host), using Go's
// CrossOriginProtection (one for the handler: it is safe for concurrent
// use and holds no per-request state).
func (h *handler) sameOrigin() gin.HandlerFunc {
	cop := http.NewCrossOriginProtection()
	return func(c *gin.Context) {
		if err := cop.Check(c.Request); err != nil {
			h.handleError(c, &appError{status: http.StatusForbidden, key: "problem.crossOrigin", cause: err, back: true})
			c.Abort()
			return
		}
		c.Next()
	}
}
