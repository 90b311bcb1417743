package handlers

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"jobboard/static"
)

// routes registers every route and middleware, in the order a request
// meets them.
func (h *handler) routes() (http.Handler, error) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	if err := r.SetTrustedProxies(nil); err != nil {
		return nil, err
	}
	r.Use(h.requestID, h.logRequests, h.recoverPanics)

	// Static assets under content-hashed names; no session needed.
	r.GET(static.Prefix+"*file", gin.WrapH(h.assets))
	r.HEAD(static.Prefix+"*file", gin.WrapH(h.assets))

	// Signing in and out. POSTs are refused when sent from another origin.
	r.GET("/login", h.do(h.loginPage))
	r.POST("/login", h.sameOrigin, h.do(h.loginSubmit))
	r.POST("/logout", h.sameOrigin, h.do(h.logout))

	// Pages that need a signed-in reader.
	r.GET("/", h.do(h.home))
	r.GET("/workflows/go", h.do(h.workflowOpen))
	r.GET("/workflows/:id/jobs", h.do(h.jobList))

	r.NoRoute(h.do(h.notFound))
	return r, nil
}
