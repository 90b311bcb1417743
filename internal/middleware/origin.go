package middleware

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
)

// ErrCrossOrigin is matched by the error SameOrigin hands its ErrorFunc.
var ErrCrossOrigin = errors.New("middleware: cross-origin request refused")

// SameOrigin refuses state-changing requests (any method but GET, HEAD,
// OPTIONS) sent from another origin, judged by Sec-Fetch-Site, else Origin
// against Host, with Go's CrossOriginProtection. Registered on the engine,
// it covers every route, present and future.
func SameOrigin(onError ErrorFunc) gin.HandlerFunc {
	// One for all requests: it is safe for concurrent use and holds no
	// per-request state.
	cop := http.NewCrossOriginProtection()
	return func(c *gin.Context) {
		if err := cop.Check(c.Request); err != nil {
			onError(c, fmt.Errorf("%w: %w", ErrCrossOrigin, err))
			c.Abort()
			return
		}
		c.Next()
	}
}
