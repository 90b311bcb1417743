package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/a-h/templ"
	"github.com/gin-gonic/gin"

	"jobboard/apiclient"
	"jobboard/internal/middleware"
	"jobboard/internal/session"
	"jobboard/internal/telemetry"
	"jobboard/views"
)

// errSignedOut means the page needs a session and the request has none.
var errSignedOut = errors.New("handlers: not signed in")

// errSessionEnded means the request came with a session cookie that no
// longer opens a session (expired, idle, revoked elsewhere): the sign-in
// page says why it is shown.
var errSessionEnded = fmt.Errorf("%w: the session ended", errSignedOut)

// errNotAForm is a request body in another format than a form's.
var errNotAForm = &appError{status: http.StatusUnsupportedMediaType, key: "security.notAForm", back: true}

// appError is a failure with the status to answer and the message key the
// reader sees. The cause is logged, never shown.
type appError struct {
	status int
	key    string
	args   []any
	cause  error
	retry  bool // offer a Retry of the same URL
	back   bool // offer a way back to the home page
	// switchAccount offers signing in as someone else and coming back to
	// the same URL (a workflow or job that may be another account's).
	switchAccount bool
}

// notInAccount is the 404 of a workflow or job (kind "Workflow" or "Job")
// that the reader's account does not hold. Explorer answers the same for
// "does not exist" and "belongs to another account", so the page says
// both, names the account, and offers to sign in as someone else.
// account is "" for a session opened with a pasted token.
func notInAccount(kind, id, account string, cause error) *appError {
	key, tokenKey := "problem.otherWorkflow", "problem.otherWorkflowT"
	if kind == "Job" {
		key, tokenKey = "problem.otherJob", "problem.otherJobT"
	}
	args := []any{id, account}
	if account == "" {
		key, args = tokenKey, []any{id}
	}
	return &appError{status: http.StatusNotFound, key: key, args: args, cause: cause, back: true, switchAccount: true}
}

// titleKeys name what happened, for the title of an error page, by the
// message key of its panel; problemTitle falls back on the status.
var titleKeys = map[string]string{
	"problem.notFound":         "problem.title.notFound",
	"problem.method":           "problem.title.address",
	"problem.noWorkflow":       "problem.title.workflow",
	"problem.otherWorkflow":    "problem.title.workflow",
	"problem.otherWorkflowT":   "problem.title.workflow",
	"problem.otherJob":         "problem.title.job",
	"problem.otherJobT":        "problem.title.job",
	"job.notFound":             "problem.title.job",
	"task.notFound":            "problem.title.task",
	"problem.timeout":          "problem.title.explorer",
	"problem.overloaded":       "problem.title.busy",
	"problem.unavailable":      "problem.title.explorer",
	"problem.explorerError":    "problem.title.explorerError",
	"problem.badWorkflow":      "problem.title.address",
	"job.badID":                "problem.title.address",
	"export.badQuery":          "problem.title.address",
	"task.badID":               "problem.title.address",
	"problem.forbidden":        "problem.title.denied",
	"problem.crossOrigin":      "problem.title.denied",
	"sessionstore.unavailable": "problem.title.signIn",
	"readonly.refused":         "problem.title.readOnly",
}

// problemTitle is the message key of an error page's title.
func problemTitle(p views.Problem) string {
	if k, ok := titleKeys[p.Key]; ok {
		return k
	}
	switch p.Status {
	case http.StatusNotFound:
		return "problem.title.notFound"
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return "problem.title.explorer"
	}
	return "problem.title"
}

// peekSession returns the reader's session, for the header of an error
// page (who is signed in, navigation, Sign out), or nil. Unlike
// requireSession it neither refreshes nor clears the cookie.
func (h *handler) peekSession(c *gin.Context) *session.Data {
	d, err := h.sessions.Load(c.Request, h.now())
	if err != nil {
		return nil
	}
	return &d
}

// errorPage is the full page of a problem, in the normal frame: the
// header shows who is signed in (sess, nil when signed out) and the title
// says what happened.
func (h *handler) errorPage(c *gin.Context, sess *session.Data, prob views.Problem) templ.Component {
	if sess == nil {
		sess = h.peekSession(c)
	}
	p := h.page(c, sess)
	p.Title = p.L.T(problemTitle(prob))
	return views.ErrorPage(p, prob)
}

func (e *appError) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("handlers: %s (%d): %v", e.key, e.status, e.cause)
	}
	return fmt.Sprintf("handlers: %s (%d)", e.key, e.status)
}

func (e *appError) Unwrap() error { return e.cause }

// framedError asks the error path to render its panel inside the page the
// handler was building (e.g. the jobs list keeps its filter form).
type framedError struct {
	error
	frame func(views.Problem) templ.Component
}

func (e *framedError) Unwrap() error { return e.error }

// inFrame wraps err so that its panel is rendered by frame.
func inFrame(err error, frame func(views.Problem) templ.Component) error {
	return &framedError{error: err, frame: frame}
}

// classify maps any error to an appError: typed upstream failures to 502 or
// 504 with a Retry, everything unknown to 500.
func classify(err error) *appError {
	var ae *appError
	if errors.As(err, &ae) {
		return ae
	}
	switch {
	case errors.Is(err, middleware.ErrTooLarge):
		return &appError{status: http.StatusRequestEntityTooLarge, key: "security.tooLarge", cause: err, back: true}
	case errors.Is(err, middleware.ErrBadForm):
		return &appError{status: http.StatusBadRequest, key: "security.badForm", cause: err, back: true}
	case errors.Is(err, middleware.ErrCrossOrigin):
		return &appError{status: http.StatusForbidden, key: "problem.crossOrigin", cause: err, back: true}
	case errors.Is(err, middleware.ErrOverloaded):
		return &appError{status: http.StatusServiceUnavailable, key: "problem.overloaded", cause: err, retry: true}
	case errors.Is(err, middleware.ErrPanic):
		return &appError{status: http.StatusInternalServerError, key: "problem.internal", cause: err}
	case errors.Is(err, apiclient.ErrTimeout):
		return &appError{status: http.StatusGatewayTimeout, key: "problem.timeout", cause: err, retry: true}
	case errors.Is(err, apiclient.ErrUnreachable), errors.Is(err, apiclient.ErrBadResponse):
		return &appError{status: http.StatusBadGateway, key: "problem.unavailable", cause: err, retry: true}
	case errors.Is(err, apiclient.ErrUpstream):
		// Explorer was reached and its envelope read: it reported a failure
		// of its own, which "could not be reached" would misstate.
		return &appError{status: http.StatusBadGateway, key: "problem.explorerError", cause: err, retry: true}
	case errors.Is(err, apiclient.ErrForbidden):
		return &appError{status: http.StatusForbidden, key: "problem.forbidden", cause: err, back: true}
	case errors.Is(err, apiclient.ErrBadParam):
		return &appError{status: http.StatusBadGateway, key: "problem.badRequest", cause: err, back: true}
	case errors.Is(err, apiclient.ErrNotFound):
		// The pages that ask Explorer for something by ID (a workflow, a
		// job, a task) answer its not-found themselves; one reaching here
		// is Explorer refusing a call that names nothing missing (the list
		// of every job): Explorer's failure, not a page that is not there.
		return &appError{status: http.StatusBadGateway, key: "problem.missing", cause: err, retry: true}
	}
	return &appError{status: http.StatusInternalServerError, key: "problem.internal", cause: err}
}

// returnPath is the page a reader sent to sign-in comes back to. Usually
// that is the request itself; but an htmx request for another path than the
// address bar's (the lazy outcome summary, the cancel dialog) is a piece of
// the page in the address bar, so the reader returns there, read from
// htmx's HX-Current-URL header and accepted only as a local path.
func returnPath(r *http.Request) string {
	if r.Header.Get("HX-Request") == "true" {
		cur, err := url.Parse(r.Header.Get("HX-Current-URL"))
		if err == nil && cur.Host == r.Host && cur.Path != r.URL.Path {
			if p := cur.RequestURI(); safeNext(p) == p {
				return p
			}
		}
	}
	return r.URL.RequestURI()
}

// do adapts an action that returns an error to a gin handler: the single
// error path of the package.
func (h *handler) do(action func(*gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := action(c); err != nil {
			h.handleError(c, err)
		}
	}
}

// handleError answers a failed request: signed-out readers go to sign-in,
// everything else gets a plain panel with the right status. 5xx are logged
// at error level with the request ID.
func (h *handler) handleError(c *gin.Context, err error) {
	if errors.Is(c.Request.Context().Err(), context.Canceled) {
		// The client went away mid-request: nobody reads an answer, and it
		// is no failure of ours or Explorer's.
		h.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "client closed",
			slog.String("request_id", reqID(c)),
			slog.String("path", c.Request.URL.Path),
		)
		c.Status(telemetry.StatusClientClosed)
		return
	}
	if errors.Is(err, errSignedOut) || errors.Is(err, apiclient.ErrUnauthorized) {
		reason := ""
		if errors.Is(err, apiclient.ErrUnauthorized) {
			_ = h.endSession(c, "token refused by Explorer") // logged; the token is dead either way
			reason = views.LoginEnded
		}
		if errors.Is(err, errSessionEnded) {
			reason = views.LoginEnded
		}
		h.redirect(c, views.LoginURL(returnPath(c.Request), reason))
		return
	}
	e := classify(err)
	level := slog.LevelInfo
	if e.status >= 500 {
		level = slog.LevelError
	}
	h.log.LogAttrs(c.Request.Context(), level, "request failed",
		slog.String("request_id", reqID(c)),
		slog.String("path", c.Request.URL.Path),
		slog.Int("status", e.status),
		slog.String("error", err.Error()),
	)
	prob := views.Problem{Status: e.status, Key: e.key, Args: e.args}
	if e.status >= 500 {
		prob.RequestID = reqID(c)
	}
	if e.retry && c.Request.Method == http.MethodGet {
		prob.RetryURL = c.Request.URL.RequestURI()
	}
	if e.back {
		prob.BackURL, prob.BackKey = "/", "problem.backHome"
	}
	if e.switchAccount {
		prob.SwitchURL = views.LoginURL(returnPath(c.Request), "")
	}
	var comp templ.Component
	var fe *framedError
	switch {
	case errors.As(err, &fe):
		comp = fe.frame(prob)
	case isFragment(c.Request):
		comp = views.ProblemPanel(h.localizer(c), prob)
	default:
		comp = h.errorPage(c, nil, prob)
	}
	if rerr := h.render(c, e.status, comp); rerr != nil {
		h.log.LogAttrs(c.Request.Context(), slog.LevelError, "render error page",
			slog.String("request_id", reqID(c)), slog.String("error", rerr.Error()))
		c.String(http.StatusInternalServerError, "Internal error. Reference: %s\n", reqID(c))
	}
}

// reqID returns the request's ID (middleware.RequestID).
func reqID(c *gin.Context) string { return middleware.RequestIDOf(c) }

// notFound answers routes that do not exist.
func (h *handler) notFound(c *gin.Context) error {
	return &appError{status: http.StatusNotFound, key: "problem.notFound", back: true}
}

// methodNotAllowed answers a known address asked with a method it does not
// serve (PUT, DELETE, OPTIONS, ...); gin has set the Allow header.
func (h *handler) methodNotAllowed(c *gin.Context) error {
	// HEAD of any page is its GET (middleware.HeadAsGet), but gin's Allow
	// lists only the methods registered: a route with GET allows HEAD too.
	hd := c.Writer.Header()
	if allow := hd.Get("Allow"); slices.Contains(strings.Split(allow, ", "), http.MethodGet) &&
		!slices.Contains(strings.Split(allow, ", "), http.MethodHead) {
		hd.Set("Allow", allow+", "+http.MethodHead)
	}
	return &appError{status: http.StatusMethodNotAllowed, key: "problem.method", args: []any{c.Request.Method}, back: true}
}
