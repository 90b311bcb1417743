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
	"net/http"
	"time"

	"jobboard/apiclient"
	"jobboard/session"
	"jobboard/static"
)

// Explorer is the part of the Workflow API the handlers use; an
// *apiclient.Client satisfies it.
type Explorer interface {
	Connect(ctx context.Context, account, password, address string, port int) (apiclient.Credentials, error)
	ListWorkflowJobs(ctx context.Context, tok apiclient.Token, workflowID int64, q apiclient.ListQuery) (apiclient.JobPage, error)
	ListJobs(ctx context.Context, tok apiclient.Token, q apiclient.ListQuery) (apiclient.JobPage, error)
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
}

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
	store, err := session.New(opts.SessionKeys, opts.SessionMaxAge, opts.SecureCookie)
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
	}
	if h.log == nil {
		h.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if h.nebulaPort == 0 {
		h.nebulaPort = DefaultNebulaPort
	}
	if h.zone == nil {
		h.zone = time.UTC
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.assets == nil {
		if h.assets, err = static.Load(); err != nil {
			return nil, fmt.Errorf("handlers: %w", err)
		}
	}
	return h.routes()
}
