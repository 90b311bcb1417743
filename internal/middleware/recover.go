package middleware

import (
	"errors"
	"log/slog"

	"github.com/gin-gonic/gin"
)

// ErrPanic is what Recover hands its ErrorFunc after a handler panicked:
// the panic value is logged, never shown.
var ErrPanic = errors.New("middleware: handler panicked")

// Recover turns a panic into one error log line (request ID, path and the
// panic value; never headers or cookies) and, when nothing was written
// yet, an answer by onError with ErrPanic. The server keeps serving.
func Recover(log *slog.Logger, onError ErrorFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if v := recover(); v != nil {
				log.LogAttrs(c.Request.Context(), slog.LevelError, "panic",
					slog.String("request_id", RequestIDOf(c)),
					slog.String("path", c.Request.URL.Path),
					slog.Any("panic", v),
				)
				if !c.Writer.Written() {
					onError(c, ErrPanic)
				}
				c.Abort()
			}
		}()
		c.Next()
	}
}
