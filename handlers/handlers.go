// Package handlers serves jobboard's pages: Gin routes and middleware,
// sign-in kept in a session, the jobs list with its htmx fragments, and the
// one error path that turns failures into plain-language pages.
package handlers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"jobboard/views"

	"github.com/gin-gonic/gin"
	"go.opentelemetry.io/otel/trace"

	"jobboard/apiclient"
	"jobboard/internal/jobquery"
	"jobboard/internal/middleware"
	"jobboard/internal/session"
	"jobboard/internal/store"
	"jobboard/internal/telemetry"
	"jobboard/static"
)

// security holds the sign-in limits and browser defences of the handler.
type security struct {
	hsts           bool // send Strict-Transport-Security on plain-HTTP requests too (SecureCookie)
	trustedProxies []string
	failures       *middleware.LoginLimiter // failed sign-ins per client address
	successes      *middleware.LoginLimiter // successful sign-ins per account
	inFlight       *middleware.Gate         // sign-ins being judged per address and account
	records        signInRecords            // per-account failures and known addresses (the store)
	testRoutes     func(*gin.Engine, *handler)
}

// signInRecords is the part of the store the sign-in limits use (an
// *store.Store): per-account failures no other account's traffic can
// evict, and the addresses each account signed in from.
type signInRecords interface {
	RecordSignInFailure(ctx context.Context, account string, at time.Time) error
	SignInFailures(ctx context.Context, account string, since time.Time) (int, time.Time, error)
	ClearSignInFailures(ctx context.Context, account string) error
	RecordSignInSuccess(ctx context.Context, account, client string, at time.Time) error
	KnownSignInAddress(ctx context.Context, account, client string, since time.Time) (bool, error)
}

var _ signInRecords = (*store.Store)(nil)

// signInWaitLimit bounds how long a sign-in waits for its turn among the
// attempts in flight of its address or account before it is refused.
const signInWaitLimit = 5 * time.Second

// Explorer is the part of the Workflow API the handlers use; an
// *apiclient.Client satisfies it.
type Explorer interface {
	Connect(ctx context.Context, account, password, address string, port int) (apiclient.Credentials, error)
	ListWorkflowJobs(ctx context.Context, tok apiclient.Token, workflowID int64, q apiclient.ListQuery) (apiclient.JobPage, error)
	ListJobs(ctx context.Context, tok apiclient.Token, q apiclient.ListQuery) (apiclient.JobPage, error)
	// Job pages (job_detail.go, task_results.go, job_cancel.go, workflow_run.go).
	GetJob(ctx context.Context, tok apiclient.Token, jobID int64) (apiclient.JobDetail, error)
	CancelJob(ctx context.Context, tok apiclient.Token, jobID int64) error
	StartJob(ctx context.Context, tok apiclient.Token, workflowID int64, in apiclient.Input) (int64, error)
	SampleResult(ctx context.Context, tok apiclient.Token, jobID int64, taskID string, limit int) ([][]string, error)
}

var _ Explorer = (*apiclient.Client)(nil)

// Options configures the handler built by New.
type Options struct {
	Explorer      Explorer       // the Workflow API (an *apiclient.Client)
	Logger        *slog.Logger   // nil → discard
	NebulaAddress string         // graphd address sent on connect (from server config, never the form)
	NebulaPort    int            // graphd port sent on connect (0 → 9669)
	SessionKeys   [][]byte       // securecookie key pairs: hash1, block1[, hash2, block2 ...]; first pair signs, all verify
	SecureCookie  bool           // set Secure on the session cookie (also set when the request came over TLS)
	DefaultZone   *time.Location // zone used when the URL has no tz and without JS (nil → UTC)
	Now           func() time.Time
	// SessionMaxAge bounds every session (0 → session.DefaultMaxAge, 72 h,
	// Explorer's default token validity); a session never outlives the
	// token's validity reported by connect.
	SessionMaxAge time.Duration
	// Assets are the static files (nil → static.Load()).
	Assets *static.Assets
	// SessionIdleTimeout signs out a reader who made no request for this
	// long (0 → session.DefaultIdleTimeout, 12 h).
	SessionIdleTimeout time.Duration
	// MaxSessionsPerAccount caps an account's live sessions: a new
	// sign-in beyond it ends the oldest (0 → session.DefaultMaxPerAccount).
	MaxSessionsPerAccount int
	// liveSessions, set only by tests, replaces Store as the live-session
	// set (a store that can be switched off).
	liveSessions session.LiveSet
	// limiterKeys, set only by tests, bounds the keys of the in-memory
	// sign-in limits (0 → middleware.MaxLimiterKeys).
	limiterKeys int
	// TrustedProxies lists the proxies (IPs or CIDRs) whose X-Forwarded-For
	// is believed for the client IP used by the sign-in rate limit; nil →
	// none, the client IP is the connection's peer.
	TrustedProxies []string
	// testRoutes, set only by tests, registers extra routes (e.g. one that
	// panics) after the real ones.
	testRoutes func(r *gin.Engine, h *handler)
	// MaxInFlight bounds the requests handled at once (rendering or
	// waiting on Explorer); beyond it a request queues for up to
	// InFlightWait and is then answered 503 with Retry-After (0 →
	// DefaultMaxInFlight, DefaultInFlightWait).
	MaxInFlight  int
	InFlightWait time.Duration
	// ReadOnly hides the cancel and run buttons and makes their pages and
	// POST routes answer 403, for deployments where staff should only look
	// (JOBBOARD_READ_ONLY).
	ReadOnly bool

	// Lists: all jobs, outcome summary, live refresh, export.

	// PollInterval is how often a list or job page holding Preparing,
	// Running or Stopping jobs refreshes itself (JOBBOARD_POLL_INTERVAL;
	// 0 → DefaultPollInterval).
	PollInterval time.Duration
	// ExportCap is the most rows one CSV or JSON export writes before it
	// ends with a note (JOBBOARD_EXPORT_CAP; 0 → DefaultExportCap).
	ExportCap int
	// SummaryTTL is how long an outcome summary is reused for the same
	// session and filters (0 → DefaultSummaryTTL).
	SummaryTTL time.Duration

	// Operations: version, metrics, proxies, readiness, traces.

	// Version is the build's version, shown in the page footer.
	Version string
	// Metrics records request, upstream, sign-in and polling metrics
	// (nil → none recorded).
	Metrics *telemetry.Metrics
	// ServeMetrics serves Metrics at GET /metrics on this handler too
	// (the program serves them on a separate, loopback listener; on the
	// dashboard's port only behind MetricsToken).
	ServeMetrics bool
	// MetricsToken, when set, makes GET /metrics answer only requests
	// with "Authorization: Bearer <MetricsToken>" (401 otherwise).
	MetricsToken string
	// Store keeps saved views and live sessions (embedded SQLite or
	// PostgreSQL). Required: without it no sign-out could hold.
	Store *store.Store
	// Views replaces Store for the saved-view pages (tests: a store that
	// fails); nil → Store.
	Views ViewStore
	// ReadyChecks are checked by GET /readyz after Explorer (registered
	// by the program: Redis, a store).
	ReadyChecks []telemetry.Check
	// ReadyTimeout bounds each readiness check (0 →
	// telemetry.DefaultReadyTimeout).
	ReadyTimeout time.Duration
	// ReadyCacheTTL is how long a readiness result is reused (0 →
	// telemetry.DefaultReadyCacheTTL; negative → never reused).
	ReadyCacheTTL time.Duration
	// Tracer records a SERVER span for every sampled request and a CLIENT
	// span for each of its Explorer calls (nil → none; traceparent is still
	// continued, sent to Explorer and logged); see telemetry.Requests and
	// telemetry.NewTracerProvider.
	Tracer trace.TracerProvider
}

// Defaults of the list options.
const (
	DefaultPollInterval = 5 * time.Second
	DefaultExportCap    = 10_000
	DefaultSummaryTTL   = 5 * time.Second
)

// Defaults of the bound on requests in flight: twice the upstream
// connections (apiclient.DefaultMaxConnsPerHost), so Explorer's side stays
// busy while the dashboard's memory stays bounded; a queue of two seconds
// rides out a burst, longer is overload and is shed.
const (
	DefaultMaxInFlight  = 256
	DefaultInFlightWait = 2 * time.Second
)

// DefaultNebulaPort is graphd's usual port.
const DefaultNebulaPort = 9669

// handler holds the dependencies of every route.
type handler struct {
	explorer   Explorer
	log        *slog.Logger
	sessions   *session.Store
	assets     *static.Assets
	nebulaAddr string
	nebulaPort int
	zone       *time.Location
	now        func() time.Time
	readOnly   bool
	inFlight   middleware.InFlightOptions // the bound on requests in flight (routes.go)
	sec        security                   // sign-in limits and browser defences
	lists      listState                  // summary cache, poll interval, export cap (job_list.go)
	bufs       bufferPool                 // render buffers (bufpool.go)
	obs        observability              // version, metrics, readiness (observability.go)
	// views keeps saved views and pins; nil without a store (view_store.go).
	views ViewStore
}

// New builds the dashboard's http.Handler (a Gin engine in release mode with
// its own recovery and logging middleware). All routes are in routes.go.
func New(opts Options) (http.Handler, error) {
	if opts.Explorer == nil {
		return nil, errors.New("handlers: Options.Explorer is required")
	}
	if opts.NebulaAddress == "" {
		return nil, errors.New("handlers: Options.NebulaAddress is required")
	}
	store, err := newSessionStore(opts)
	if err != nil {
		return nil, fmt.Errorf("handlers: %w", err)
	}
	h := &handler{
		explorer:   opts.Explorer,
		log:        opts.Logger,
		sessions:   store,
		assets:     opts.Assets,
		nebulaAddr: opts.NebulaAddress,
		nebulaPort: opts.NebulaPort,
		zone:       opts.DefaultZone,
		now:        opts.Now,
		readOnly:   opts.ReadOnly,
		views:      viewStoreOf(opts),
	}
	h.initLists(opts)
	h.inFlight = inFlightOptions(opts)
	h.obs = newObservability(opts)
	if h.log == nil {
		h.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if h.nebulaPort == 0 {
		h.nebulaPort = DefaultNebulaPort
	}
	h.zone = namedZone(h.zone)
	if h.now == nil {
		h.now = time.Now
	}
	if h.assets == nil {
		if h.assets, err = static.Load(); err != nil {
			return nil, fmt.Errorf("handlers: %w", err)
		}
	}
	if h.sec, err = newSecurity(opts, h.now); err != nil {
		return nil, fmt.Errorf("handlers: %w", err)
	}
	return h.routes()
}

// varyHTMX lists the request headers that choose between page and fragment.
const varyHTMX = "HX-Request, HX-Request-Type, HX-History-Restore-Request"

// Header values of every rendered page (middleware.SharedValue).
var (
	hdrHTML     = middleware.SharedValue("text/html; charset=utf-8")
	hdrNoStore  = middleware.SharedValue("no-store")
	hdrVaryHTMX = middleware.SharedValue(varyHTMX)
)

// Request headers htmx sends, in canonical form (textproto's), so that
// they are looked up in the header map directly: Header.Get would
// canonicalise (and allocate) the key on every call, several per request.
const (
	hdrHXRequest        = "Hx-Request"
	hdrHXRequestType    = "Hx-Request-Type"
	hdrHXHistoryRestore = "Hx-History-Restore-Request"
	hdrHXTarget         = "Hx-Target"
)

// header returns the first value of the request header key, which must
// be in canonical form; it is Header.Get without the canonicalisation.
func header(r *http.Request, key string) string {
	if v := r.Header[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// isHTMX reports whether htmx sent the request.
func isHTMX(r *http.Request) bool { return header(r, hdrHXRequest) == "true" }

// queryOne is the query parameter key of a page that reads it as one
// value: given several times with different values it reads as absent
// (jobquery.One), so the page applies its rule for a missing value
// instead of choosing one of the copies for the reader.
func queryOne(c *gin.Context, key string) string {
	v, _ := jobquery.One(c.QueryArray(key))
	return v
}

// formOne is queryOne for a field of a POSTed form whose bad value the
// page reads as none (the page to go on to, the list to go back to).
func formOne(c *gin.Context, key string) string {
	v, _ := jobquery.One(c.PostFormArray(key))
	return v
}

// postedOne reads field key of a POSTed form that must hold one value (a
// name, an account, a choice), by the rule of a URL's one-value
// parameters (jobquery.One): absent is "", the same value given several
// times is that value. Copies that differ are the form's problem, never
// a choice for the handler: repeated is then the message to show beside
// the field, naming the copies, and value the first copy as typed, so
// the form shows it again. A form without repeats gets Msg{}.
func postedOne(c *gin.Context, key string) (value string, repeated views.Msg) {
	vs := c.PostFormArray(key)
	if v, ok := jobquery.One(vs); ok {
		return v, views.Msg{}
	}
	return vs[0], views.Msg{Key: "form.repeated", Args: []any{jobquery.Copies(vs)}}
}

// postedSecret is postedOne for a secret (a password, a token): its copies
// must be the same bytes, since spaces at the ends belong to a password,
// and the message names none of them, so a secret is never shown. value
// is "" when they differ.
func postedSecret(c *gin.Context, key string) (value string, repeated views.Msg) {
	vs := c.PostFormArray(key)
	if len(vs) == 0 {
		return "", views.Msg{}
	}
	for _, s := range vs[1:] {
		if s != vs[0] {
			return "", views.Msg{Key: "form.repeatedSecret"}
		}
	}
	return vs[0], views.Msg{}
}

// isFragment reports whether the request wants only the swapped region:
// an htmx request that targets part of the page and is not a history
// restore (htmx 4 restores history by swapping a full page into <body>).
func isFragment(r *http.Request) bool {
	return isHTMX(r) &&
		header(r, hdrHXRequestType) != "full" &&
		header(r, hdrHXHistoryRestore) != "true"
}

// render writes comp with status, rendering it fully into a buffer first so
// that a render error never sends half a page.
func (h *handler) render(c *gin.Context, status int, comp templ.Component) error {
	buf, err := h.bufs.acquire(c.Request.Context())
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	err = comp.Render(c.Request.Context(), buf)
	h.bufs.done() // the slot bounds rendering, not the client's reading
	defer h.bufs.put(buf)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	hd := c.Writer.Header()
	hd["Content-Type"] = hdrHTML
	hd["Cache-Control"] = hdrNoStore
	middleware.AddValue(hd, "Vary", hdrVaryHTMX)
	// A known length spares net/http the chunked framing of a body larger
	// than its buffer (the compression middleware drops it when it gzips).
	hd["Content-Length"] = []string{strconv.Itoa(buf.Len())}
	c.Status(status)
	_, _ = c.Writer.Write(buf.Bytes())
	return nil
}

// redirect sends the browser to a local URL: htmx requests get HX-Redirect
// (a full navigation, not a swap of the target page), others 303.
func (h *handler) redirect(c *gin.Context, to string) {
	c.Header("Vary", varyHTMX)
	if isHTMX(c.Request) {
		c.Header("HX-Redirect", to)
		c.Status(http.StatusNoContent)
		return
	}
	c.Redirect(http.StatusSeeOther, to)
}

// page returns the common data of a full page; sess is nil when signed out.
func (h *handler) page(c *gin.Context, sess *session.Data) views.Page {
	p := views.Page{L: h.localizer(c), Asset: h.assets.URL, ReadOnly: h.readOnly}
	p.URL = c.Request.URL.RequestURI() // where the language switch returns
	p.PollSeconds = h.pollSeconds()
	p.Version = h.obs.version
	if sess != nil {
		p.SignedIn, p.Account = true, sess.Account
	}
	return p
}

// newSecurity builds the security settings from opts.
func newSecurity(opts Options, now func() time.Time) (security, error) {
	for _, p := range opts.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return security{}, fmt.Errorf("trusted proxy %q is neither an IP nor a CIDR", p)
		}
	}
	keys := opts.limiterKeys
	if keys <= 0 {
		keys = middleware.MaxLimiterKeys
	}
	var records signInRecords = opts.Store
	if r, ok := opts.liveSessions.(signInRecords); ok {
		records = r
	}
	return security{
		hsts:           opts.SecureCookie,
		trustedProxies: opts.TrustedProxies,
		failures:       middleware.NewLoginLimiter(middleware.LoginLimit, middleware.LoginWindow, keys, now),
		successes:      middleware.NewLoginLimiter(middleware.SuccessLimit, middleware.LoginWindow, min(keys, middleware.MaxSuccessKeys), now),
		inFlight:       middleware.NewGate(middleware.MaxInFlightPerKey),
		records:        records,
		testRoutes:     opts.testRoutes,
	}, nil
}
