package middleware

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/gin-gonic/gin"
)

// requestIDKey is the Gin context key of the request's ID.
const requestIDKey = "requestID"

// RequestID gives every request a random ID, echoed as X-Request-ID; log
// lines and error pages read it with RequestIDOf.
func RequestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		var b [8]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
		var hx [16]byte
		hex.Encode(hx[:], b[:])
		id := string(hx[:])
		c.Set(requestIDKey, id)
		c.Writer.Header()["X-Request-Id"] = []string{id} // X-Request-ID, canonical
		c.Next()
	}
}

// RequestIDOf returns the ID RequestID gave the request ("" before it ran).
func RequestIDOf(c *gin.Context) string { return c.GetString(requestIDKey) }
