package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// cannedToken is the explorer_token the canned upstream hands out on connect.
const cannedToken = "canned-bench-token"

// canned is an upstream that answers every list call with the same bytes
// from memory (a 20-row page captured from the simulator) and counts the
// calls it receives, so the dashboard's own cost and its number of upstream
// calls can be measured without the simulator in the way.
type canned struct {
	list  []byte
	calls atomic.Int64 // every request except connect
	srv   *http.Server
	url   string
}

// startCanned serves list on a loopback port. ctx bounds opening the
// port only; close stops the server.
func startCanned(ctx context.Context, list []byte) (*canned, error) {
	c := &canned{list: list}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("canned upstream: %w", err)
	}
	c.url = "http://" + ln.Addr().String()
	c.srv = &http.Server{Handler: c, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() { _ = c.srv.Serve(ln) }()
	return c, nil
}

// ServeHTTP answers connect with a token cookie and anything else with the
// canned list.
func (c *canned) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/connect") {
		h.Add("Set-Cookie", "explorer_token="+cannedToken+"; Path=/; Max-Age=259200; HttpOnly")
		_, _ = w.Write([]byte(`{"code":0,"message":"Success","data":{"success":true}}`))
		return
	}
	c.calls.Add(1)
	_, _ = w.Write(c.list)
}

func (c *canned) close() { _ = c.srv.Close() }

// proxyEnv, when set in the environment, makes the bench binary serve
// only the reverse proxy D in front of the upstream it names: the harness
// starts D as a process of its own, so that its CPU time can be read from
// /proc like the dashboard's and it does not share the load generator's
// scheduler.
const proxyEnv = "JOBBOARD_BENCH_PROXY_UPSTREAM"

// newReverseProxy is D: a plain httputil.ReverseProxy with connection reuse
// sized for the load.
func newReverseProxy(upstream string, conns int) (*httputil.ReverseProxy, error) {
	target, err := url.Parse(upstream)
	if err != nil || target.Host == "" {
		return nil, fmt.Errorf("reverse proxy: bad upstream %q", upstream)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 0
	tr.MaxIdleConnsPerHost = conns
	return &httputil.ReverseProxy{
		Rewrite:   func(pr *httputil.ProxyRequest) { pr.SetURL(target) },
		Transport: tr,
	}, nil
}

// serveProxy runs D until ctx ends.
func serveProxy(ctx context.Context, upstream string, stdout io.Writer) error {
	rp, err := newReverseProxy(upstream, 256)
	if err != nil {
		return err
	}
	return serveLoopback(ctx, "reverse proxy", rp, stdout)
}

// serveLoopback serves h on a free loopback port until ctx ends, printing
// its URL the way jobboard does ("NAME on http://ADDR") once it listens.
func serveLoopback(ctx context.Context, name string, h http.Handler, stdout io.Writer) error {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: 2 * time.Minute}
	fmt.Fprintf(stdout, "%s on http://%s\n", name, ln.Addr())
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
