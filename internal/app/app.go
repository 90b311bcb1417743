// Package app is the jobboard program: configuration, wiring of the
// Explorer client, sessions, handlers and telemetry, the embedded
// simulator when no Explorer is configured, the `simulate` command and
// graceful shutdown.
package app

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"
	"time"

	"jobboard/apiclient"
	"jobboard/handlers"
	"jobboard/internal/config"
	"jobboard/internal/explorersim"
	"jobboard/internal/session"
	"jobboard/internal/telemetry"
)

// version and commit are set at build time with
// -ldflags "-X jobboard/internal/app.version=1.2.3 -X jobboard/internal/app.commit=abc1234"; without them
// the commit comes from the VCS stamp Go records in the binary, if any.
var (
	version = "dev"
	commit  = ""
)

// buildCommit is the commit the binary was built from: main.commit, else
// the vcs.revision Go stamped (with "-dirty" for uncommitted changes),
// else "unknown".
func buildCommit() string {
	if commit != "" {
		return commit
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		var rev, dirty string
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision":
				rev = s.Value
			case s.Key == "vcs.modified" && s.Value == "true":
				dirty = "-dirty"
			}
		}
		if rev != "" {
			return rev + dirty
		}
	}
	return "unknown"
}

// Main runs the program until SIGINT or SIGTERM and exits non-zero with
// the error on stderr when it fails.
func Main() {
	applyGCSettings(os.Getenv)
	if err := runUntilSignal(); err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// runUntilSignal runs the program until SIGINT or SIGTERM.
func runUntilSignal() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
}

// Run is the whole program, with its inputs passed in so tests can drive
// it: it serves until ctx is cancelled, then shuts down gracefully.
func Run(ctx context.Context, args []string, getenv config.Getenv, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "simulate":
			return runSimulator(ctx, args[1:], stdout, stderr)
		case "-version", "--version":
			fmt.Fprintf(stdout, "jobboard %s (commit %s, %s)\n", version, buildCommit(), runtime.Version())
			return nil
		}
	}
	cfg, err := config.Parse(args, getenv, stderr)
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)
	// Spans over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set
	// (tracing.go); the deferred stop flushes them after the server
	// has stopped.
	tracer, stopTracing, err := startTracing(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer stopTracing()

	explorerURL, nebulaAddress := cfg.ExplorerURL, cfg.NebulaAddress
	if explorerURL == "" {
		sim := explorersim.New(explorersim.Options{Logger: logger.With("component", "explorersim")})
		simURL, stopSim, err := serveBackground(ctx, sim, "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("jobboard: start embedded simulator: %w", err)
		}
		defer stopSim()
		explorerURL = simURL
		if nebulaAddress == "" {
			nebulaAddress = "127.0.0.1"
		}
		logger.Info("no EXPLORER_URL set: using the embedded Explorer simulator", "url", simURL)
		fmt.Fprintf(stdout, "Embedded Explorer simulator (set EXPLORER_URL to use a real Explorer).\n%s\n", sim.Banner())
	}

	keys := cfg.SessionKeys
	if keys == nil {
		keys = [][]byte{randomKey(32), randomKey(32)}
		logger.Warn("SESSION_KEYS is not set: generated random session keys. Everyone is signed out when jobboard restarts, and replicas cannot share sessions. Set SESSION_KEYS (see -h) for production.")
	}

	if !cfg.SecureCookie {
		logger.Warn(session.InsecureWarning)
	}

	m := telemetry.NewMetrics(version, buildCommit())
	client, err := telemetry.NewExplorerClient(explorerURL, m, apiclient.WithTimeout(cfg.ExplorerTimeout))
	if err != nil {
		return fmt.Errorf("jobboard: %w", err)
	}
	// Saved views and live sessions: embedded SQLite by default,
	// PostgreSQL with DATABASE_URL (store.go).
	st, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	readyChecks := []telemetry.Check{{Name: "store", Check: st.Ping}}
	handler, err := handlers.New(handlers.Options{ //nolint:contextcheck // New only builds the routes; each request brings its own context
		Explorer:      client,
		Logger:        logger,
		NebulaAddress: nebulaAddress,
		NebulaPort:    cfg.NebulaPort,
		SessionKeys:   keys,
		SecureCookie:  cfg.SecureCookie,
		DefaultZone:   cfg.Zone,
		ReadOnly:      cfg.ReadOnly,
		PollInterval:  cfg.PollInterval,
		ExportCap:     cfg.ExportCap,
		// Operations: version, metrics, proxies, readiness, traces.
		Version:        version,
		Metrics:        m,
		ServeMetrics:   cfg.MetricsToken != "",
		MetricsToken:   cfg.MetricsToken,
		TrustedProxies: cfg.TrustedProxies,
		// Sessions: idle timeout; the live sessions (every replica sharing
		// a PostgreSQL store sees the same) are in Store.
		SessionIdleTimeout: cfg.SessionIdleTimeout,
		ReadyChecks:        readyChecks,
		Store:              st,
		Tracer:             tracer,
	})
	if err != nil {
		return fmt.Errorf("jobboard: build handlers: %w", err)
	}

	ln, err := listen(ctx, cfg.Addr)
	if err != nil {
		return fmt.Errorf("jobboard: listen on %s: %w", cfg.Addr, err)
	}
	if cfg.MetricsAddr != "" {
		metricsURL, stopMetrics, err := serveBackground(ctx, metricsMux(m), cfg.MetricsAddr)
		switch {
		case err != nil && cfg.MetricsAddrDefault:
			// Only the default: another process on this machine may hold
			// it (replicas side by side); the dashboard still serves.
			logger.Warn("metrics not served: cannot listen on the default metrics address; set -metrics-addr",
				"addr", cfg.MetricsAddr, "error", err.Error())
		case err != nil:
			_ = ln.Close()
			return fmt.Errorf("jobboard: listen for metrics on %s: %w", cfg.MetricsAddr, err)
		default:
			defer stopMetrics()
			fmt.Fprintf(stdout, "metrics at %s/metrics\n", metricsURL)
		}
	}
	fmt.Fprintf(stdout, "jobboard %s listening on http://%s\n", version, displayAddr(ln.Addr()))
	return serve(ctx, newServer(handler), ln, cfg.ShutdownTimeout, logger)
}

// runSimulator serves only the simulated Explorer Workflow API.
func runSimulator(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("jobboard simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:7002", "listen address of the simulated Explorer")
	ttl := fs.Duration("token-ttl", 72*time.Hour, "how long a token from connect stays valid")
	seed := fs.Int64("seed", 1, "seed of the simulated data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	sim := explorersim.New(explorersim.Options{TokenTTL: *ttl, Seed: *seed, Logger: logger})
	ln, err := listen(ctx, *addr)
	if err != nil {
		return fmt.Errorf("jobboard simulate: listen on %s: %w", *addr, err)
	}
	fmt.Fprintf(stdout, "Simulated Explorer Workflow API on http://%s/api-open/v1/\n%s\n", displayAddr(ln.Addr()), sim.Banner())
	return serve(ctx, newServer(sim), ln, 5*time.Second, logger)
}

// newServer wraps a handler in an http.Server with timeouts on every phase.
func newServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      5 * time.Minute, // exports stream for a while
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// serve runs srv on ln until ctx ends, then lets in-flight requests finish
// for at most grace before closing everything.
func serve(ctx context.Context, srv *http.Server, ln net.Listener, grace time.Duration, logger *slog.Logger) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("jobboard: serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down: waiting for in-flight requests", "grace", grace)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("jobboard: graceful shutdown: %w", err)
	}
	return nil
}

// listen opens a TCP listener on addr.
func listen(ctx context.Context, addr string) (net.Listener, error) {
	var lc net.ListenConfig
	return lc.Listen(ctx, "tcp", addr)
}

// serveBackground serves h on addr in a goroutine and returns its base URL
// and a function that stops it.
func serveBackground(ctx context.Context, h http.Handler, addr string) (string, func(), error) {
	ln, err := listen(ctx, addr)
	if err != nil {
		return "", nil, err
	}
	srv := newServer(h)
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// metricsMux serves only GET /metrics, for the separate metrics listener.
func metricsMux(m *telemetry.Metrics) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	return mux
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func randomKey(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return b
}

// displayAddr turns a wildcard listen address into one a person can open.
func displayAddr(a net.Addr) string {
	tcp, ok := a.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return a.String()
	}
	return net.JoinHostPort("localhost", fmt.Sprint(tcp.Port))
}
