// Package middleware holds the dashboard's request handling that is not
// page logic: request IDs, panic recovery, cross-origin protection, the
// request body cap, compression, security headers and the sign-in rate
// limiter. Nothing here knows a page or renders one: where a request must
// be refused, the middleware hands a typed error (ErrTooLarge, ErrBadForm,
// ErrCrossOrigin, ErrPanic) to the caller's error function, which answers
// it the way the rest of the dashboard answers errors.
package middleware

import "github.com/gin-gonic/gin"

// ErrorFunc answers a request the middleware refuses; the middleware
// aborts the chain after it returns.
type ErrorFunc func(c *gin.Context, err error)
