package handlers

import (
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jobboard/internal/middleware"
	"jobboard/internal/telemetry"
	"jobboard/static"
)

// routes registers every route and middleware, in the order a request
// meets them.
func (h *handler) routes() (http.Handler, error) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// A known address asked with a method it does not serve answers 405
	// with an Allow header (gin sets it), not a 404 that says the page
	// does not exist.
	r.HandleMethodNotAllowed = true
	// Client IPs come from the connection unless a trusted proxy is
	// configured, so X-Forwarded-For cannot spoof the sign-in limit's key.
	if err := r.SetTrustedProxies(h.sec.trustedProxies); err != nil {
		return nil, err
	}
	// The non-page middleware (internal/middleware), in the order a request
	// meets it: its ID; its trace context, log line, metrics and span;
	// compression, outside panic recovery so that an error page after a
	// panic is compressed too; the bound on requests in flight (a queue,
	// then 503 with Retry-After); then
	// cross-origin refusal of every non-safe method on every route,
	// present and future, and the body cap with up-front form parsing
	// (413/400 before any handler). Refusals go through the error path.
	r.Use(
		middleware.RequestID(),
		telemetry.Requests(telemetry.RequestOptions{
			Logger: h.log, Metrics: h.obs.metrics, Tracer: h.obs.tracer, PollInterval: h.lists.pollInterval,
		}),
		middleware.Compress(middleware.CompressOptions{}),
		middleware.InFlight(h.inFlight, h.handleError),
		middleware.Recover(h.log, h.handleError),
		middleware.SameOrigin(h.handleError),
		middleware.BodyLimit(middleware.DefaultMaxBodyBytes, h.handleError),
		h.formsOnly,
	)

	// Health, readiness and metrics (internal/telemetry): no session, and
	// logged at debug level only.
	r.GET("/healthz", telemetry.Healthz)
	r.GET("/readyz", h.obs.ready.Readyz)
	if h.obs.serveMetrics {
		if h.obs.metricsToken != "" {
			r.GET("/metrics", middleware.BearerToken(h.obs.metricsToken), gin.WrapH(h.obs.metrics.Handler()))
		} else {
			r.GET("/metrics", gin.WrapH(h.obs.metrics.Handler()))
		}
	}

	// Static assets under content-hashed names; no session needed. Any
	// other name under the prefix is a missing address like any other:
	// the product's not-found page.
	notFound := h.do(h.notFound)
	asset := func(c *gin.Context) {
		if !h.assets.Serve(c.Writer, c.Request) {
			notFound(c)
		}
	}
	r.GET(static.Prefix+"*file", asset)
	r.HEAD(static.Prefix+"*file", asset)

	// Signing in and out.
	r.GET("/login", h.do(h.loginPage))
	r.POST("/login", h.do(h.loginSubmit))
	r.GET("/logout", h.do(h.logoutPage))
	r.POST("/logout", h.do(h.logout))
	// The language switch (lang.go): no session needed.
	r.POST("/lang", h.do(h.setLanguage))

	// Pages that need a signed-in reader.
	r.GET("/", h.do(h.home))
	r.GET("/workflows/go", h.do(h.workflowOpen))
	r.GET("/workflows/:id/jobs", h.do(h.jobList))
	// Lists: every job, outcome summaries, downloads. Static
	// segments under /jobs take precedence over /jobs/:id.
	r.GET("/jobs", h.do(h.jobList))
	r.GET("/jobs/summary", h.do(h.listSummary))
	r.GET("/jobs/export.csv", h.do(h.listExport))
	r.GET("/jobs/export.json", h.do(h.listExport))
	r.GET("/workflows/:id/jobs/summary", h.do(h.listSummary))
	r.GET("/workflows/:id/jobs/export.csv", h.do(h.listExport))
	r.GET("/workflows/:id/jobs/export.json", h.do(h.listExport))

	// Job pages: detail, task results, cancel, run. Cancel and
	// run are refused in read-only mode; their POSTs are same-origin only
	// like every POST (middleware.SameOrigin above).
	r.GET("/jobs/:id", h.do(h.jobDetail))
	r.GET("/jobs/:id/tasks/:taskID/results", h.do(h.taskResults))
	r.GET("/jobs/:id/tasks/:taskID/results.csv", h.do(h.taskResultsCSV))
	r.GET("/jobs/:id/cancel", h.writable, h.do(h.cancelConfirm))
	r.POST("/jobs/:id/cancel", h.writable, h.do(h.cancelSubmit))
	r.GET("/workflows/:id/run", h.writable, h.do(h.runForm))
	r.POST("/workflows/:id/run", h.writable, h.do(h.runSubmit))

	// Saved views: the board, the save form, short links, the owner's
	// changes and pins. Allowed in read-only mode: they change nothing in
	// Explorer.
	r.GET("/views", h.do(h.viewList))
	r.POST("/views", h.do(h.viewCreate))
	r.GET("/views/new", h.do(h.viewNew))
	r.GET("/views/:id/edit", h.do(h.asOwner(h.viewEdit)))
	r.POST("/views/:id", h.do(h.asOwner(h.viewUpdate)))
	r.GET("/views/:id/delete", h.do(h.asOwner(h.viewDeleteConfirm)))
	r.POST("/views/:id/delete", h.do(h.asOwner(h.viewDelete)))
	r.POST("/views/:id/pin", h.do(h.viewPin))
	r.GET("/v/:slug", h.do(h.viewOpen))

	if h.sec.testRoutes != nil {
		h.sec.testRoutes(r, h)
	}
	r.NoRoute(notFound)
	r.NoMethod(h.do(h.methodNotAllowed))
	// Security headers wrap the engine, so every response carries them.
	// HEAD of any page is its GET without the body.
	return middleware.SecurityHeaders(middleware.HeadAsGet(r), middleware.SecurityHeadersOptions{HSTS: h.sec.hsts}), nil
}

// formsOnly refuses a body that is not a form on a method that changes
// something: every such route reads a form, and a body in another format
// would otherwise read as an empty form ("enter your account").
func (h *handler) formsOnly(c *gin.Context) {
	r := c.Request
	if middleware.SafeMethod(r.Method) || r.ContentLength == 0 {
		c.Next()
		return
	}
	switch ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct {
	case "application/x-www-form-urlencoded", "multipart/form-data":
		c.Next()
		return
	}
	h.handleError(c, errNotAForm)
	c.Abort()
}

// inFlightOptions is the bound on requests in flight of opts (defaults in
// handlers.go). Health, readiness, metrics and static assets are not
// counted: they are cheap, touch no session and no Explorer page, and an
// orchestrator must see a busy dashboard as alive.
func inFlightOptions(opts Options) middleware.InFlightOptions {
	o := middleware.InFlightOptions{Limit: opts.MaxInFlight, Wait: opts.InFlightWait, RetryAfter: time.Second}
	if o.Limit <= 0 {
		o.Limit = DefaultMaxInFlight
	}
	if o.Wait <= 0 {
		o.Wait = DefaultInFlightWait
	}
	o.Skip = func(r *http.Request) bool {
		switch p := r.URL.Path; {
		case p == "/healthz", p == "/readyz", p == "/metrics", strings.HasPrefix(p, static.Prefix):
			return true
		}
		return false
	}
	return o
}
