package middleware

import (
	"errors"
	"fmt"
	"mime"
	"net/http"

	"github.com/gin-gonic/gin"
)

// DefaultMaxBodyBytes is the usual cap on a request body.
const DefaultMaxBodyBytes = 64 << 10

// Errors BodyLimit hands its ErrorFunc.
var (
	// ErrTooLarge: the body is over the cap (answer 413).
	ErrTooLarge = errors.New("middleware: request body too large")
	// ErrBadForm: a form body could not be parsed (answer 400).
	ErrBadForm = errors.New("middleware: malformed form body")
)

// BodyLimit caps every request body at maxBytes and parses form posts up
// front, so that an oversized or malformed form is refused here (onError
// with ErrTooLarge or ErrBadForm) instead of reading as an empty form
// later: Gin's PostForm drops parse errors.
func BodyLimit(maxBytes int64, onError ErrorFunc) gin.HandlerFunc {
	refuse := func(c *gin.Context, err error) {
		onError(c, err)
		c.Abort()
	}
	return func(c *gin.Context) {
		r := c.Request
		if r.ContentLength > maxBytes {
			refuse(c, ErrTooLarge)
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(c.Writer, r.Body, maxBytes)
		}
		if SafeMethod(r.Method) {
			c.Next()
			return
		}
		var err error
		switch ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct {
		case "application/x-www-form-urlencoded":
			err = r.ParseForm()
		case "multipart/form-data":
			err = r.ParseMultipartForm(maxBytes)
		}
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			refuse(c, ErrTooLarge)
			return
		case err != nil:
			refuse(c, fmt.Errorf("%w: %w", ErrBadForm, err))
			return
		}
		c.Next()
	}
}

// SafeMethod reports whether method never changes state.
func SafeMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}
