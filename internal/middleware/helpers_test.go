package middleware

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// refusal records what a middleware handed its ErrorFunc and answers it
// with a status the test can see.
type refusal struct{ err error }

func (r *refusal) onError(c *gin.Context, err error) {
	r.err = err
	c.String(http.StatusTeapot, "refused")
}

// serve runs one request through an engine with mw and a handler that
// answers 200 "ok" (reading the form, so a body cap shows).
func serve(t *testing.T, req *http.Request, mw ...gin.HandlerFunc) *httptest.ResponseRecorder {
	t.Helper()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(mw...)
	ok := func(c *gin.Context) {
		if c.Request.Body != nil {
			if _, err := io.Copy(io.Discard, c.Request.Body); err != nil {
				c.String(http.StatusInternalServerError, "read: %v", err)
				return
			}
		}
		c.String(http.StatusOK, "ok")
	}
	r.Any("/", ok)
	r.GET("/panic", func(*gin.Context) { panic("boom") })
	w := httptest.NewRecorder()
	r.ServeHTTP(w, req)
	return w
}

func newRequest(method, target, body string) *http.Request {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	return httptest.NewRequest(method, target, rd)
}
