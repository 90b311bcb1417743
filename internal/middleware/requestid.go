package middleware

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/gin-gonic/gin"
)

// requestIDHeader is X-Request-ID in canonical form.
const requestIDHeader = "X-Request-Id"

// RequestID gives every request a random ID, echoed as X-Request-ID; log
// lines and error pages read it with RequestIDOf.
//
// The response header is where the ID is kept: RequestIDOf reads it back
// from there, so a request costs no map of Gin keys and no boxed value,
// only the ID and its header slice.
func RequestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		var b [8]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
		var hx [16]byte
		hex.Encode(hx[:], b[:])
		c.Writer.Header()[requestIDHeader] = []string{string(hx[:])}
		c.Next()
	}
}

// RequestIDOf returns the ID RequestID gave the request ("" before it ran).
func RequestIDOf(c *gin.Context) string {
	if v := c.Writer.Header()[requestIDHeader]; len(v) > 0 {
		return v[0]
	}
	return ""
}
