// Command jobboard serves a web dashboard for the jobs of NebulaGraph
// Explorer workflows. With no Explorer configured it starts an embedded
// simulator of Explorer's Workflow API, so `go run .` gives a working demo.
package main

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
	"syscall"
	"time"

	"jobboard/apiclient"
	"jobboard/config"
	"jobboard/explorersim"
	"jobboard/handlers"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	default:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run is the whole program, with its inputs passed in so tests can drive
// it: it serves until ctx is cancelled, then shuts down gracefully.
func run(ctx context.Context, args []string, getenv config.Getenv, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "simulate":
			return runSimulator(ctx, args[1:], stdout, stderr)
		case "-version", "--version":
			fmt.Fprintln(stdout, "jobboard", version)
			return nil
		}
	}
	cfg, err := config.Parse(args, getenv, stderr)
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)

	explorerURL, nebulaAddress := cfg.ExplorerURL, cfg.NebulaAddress
	if explorerURL == "" {
		sim := explorersim.New(explorersim.Options{Logger: logger.With("component", "explorersim")})
		simURL, stopSim, err := serveBackground(sim, "127.0.0.1:0")
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

	client, err := apiclient.New(explorerURL, apiclient.WithTimeout(cfg.ExplorerTimeout))
	if err != nil {
		return fmt.Errorf("jobboard: %w", err)
	}
	handler, err := handlers.New(handlers.Options{
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
	})
	if err != nil {
		return fmt.Errorf("jobboard: build handlers: %w", err)
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("jobboard: listen on %s: %w", cfg.Addr, err)
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
	ln, err := net.Listen("tcp", *addr)
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
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
		return fmt.Errorf("jobboard: graceful shutdown: %w", err)
	}
	return nil
}

// serveBackground serves h on addr in a goroutine and returns its base URL
// and a function that stops it.
func serveBackground(h http.Handler, addr string) (string, func(), error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	srv := newServer(h)
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
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
