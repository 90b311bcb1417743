package middleware

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// BearerToken lets through only requests carrying "Authorization: Bearer
// <token>"; others get a plain 401 with WWW-Authenticate: Bearer. It is
// for machine endpoints (a Prometheus scrape), not for readers. The
// comparison takes the same time whatever the guess.
func BearerToken(token string) gin.HandlerFunc {
	want := sha256.Sum256([]byte(token))
	return func(c *gin.Context) {
		got, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		sum := sha256.Sum256([]byte(got))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			c.Header("WWW-Authenticate", `Bearer realm="metrics"`)
			c.String(http.StatusUnauthorized, "unauthorized\n")
			c.Abort()
			return
		}
		c.Next()
	}
}
