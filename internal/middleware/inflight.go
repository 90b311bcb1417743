package middleware

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
)

// ErrOverloaded is what InFlight hands its ErrorFunc for a request that
// found every slot taken for longer than it may wait (answer 503; the
// middleware has set Retry-After).
var ErrOverloaded = errors.New("middleware: too many requests in flight")

// InFlightOptions bound the requests being handled at once.
type InFlightOptions struct {
	// Limit is how many requests are handled at once; the rest queue.
	Limit int
	// Wait is how long a request may queue for a slot before it is shed.
	Wait time.Duration
	// RetryAfter is the Retry-After of a shed request, rounded up to
	// whole seconds (at least 1).
	RetryAfter time.Duration
	// Skip, when set, exempts a request (health checks, static assets:
	// cheap, and needed most when the rest is busy).
	Skip func(*http.Request) bool
}

// InFlight bounds the requests being handled (rendered, or waiting on
// Explorer) to o.Limit: beyond it a request queues for up to o.Wait and is
// then refused with ErrOverloaded and Retry-After, so that overload costs
// a queue and a quick 503 instead of every request's memory at once and a
// collector that never rests. A request whose client goes away while it
// queues is dropped without an answer.
func InFlight(o InFlightOptions, onError ErrorFunc) gin.HandlerFunc {
	slots := make(chan struct{}, max(o.Limit, 1))
	retry := strconv.Itoa(max(int((o.RetryAfter+time.Second-1)/time.Second), 1))
	return func(c *gin.Context) {
		if o.Skip != nil && o.Skip(c.Request) {
			c.Next()
			return
		}
		select {
		case slots <- struct{}{}:
		default:
			t := time.NewTimer(o.Wait)
			select {
			case slots <- struct{}{}:
				t.Stop()
			case <-t.C:
				c.Header("Retry-After", retry)
				onError(c, ErrOverloaded)
				c.Abort()
				return
			case <-c.Request.Context().Done():
				t.Stop()
				c.Abort()
				return
			}
		}
		defer func() { <-slots }()
		c.Next()
	}
}
