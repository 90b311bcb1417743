package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
	"golang.org/x/net/html"

	"jobboard/apiclient"
)

// apiPrefix is the path prefix of Explorer's Workflow API.
const apiPrefix = "/api-open/v1/"

// Config sets what the harness runs and for how long.
type Config struct {
	Bin        string        // prebuilt jobboard binary; "" builds one
	Sizes      []int         // page sizes
	Rate       int           // fixed rate, req/s
	Workers    int           // closed-loop workers at saturation
	Rounds     int           // interleaved rounds per phase
	Fixed      time.Duration // fixed-rate attack time per cell (over all rounds)
	Sat        time.Duration // saturation attack time per cell
	Capacity   time.Duration // saturation time per cell of D vs B'
	Warmup     time.Duration // unmeasured attack per cell before the phases
	MemClients int           // concurrent keep-alive clients of the memory phase
	Mem        time.Duration // duration of the memory phase
	CallsN     int           // requests per kind in the upstream-calls phase
	InProcess  string        // -benchtime of the in-process Go benchmarks ("" skips them)
	Progress   io.Writer     // progress lines (nil: none)
}

// FullConfig is the default run (about two minutes on two cores).
func FullConfig() Config {
	return Config{
		Sizes: []int{10, 20, 50, 100}, Rate: 200, Workers: 16, Rounds: 4,
		Fixed: 4 * time.Second, Sat: 2 * time.Second, Capacity: 5 * time.Second,
		Warmup: 250 * time.Millisecond, MemClients: 500, Mem: 5 * time.Second, CallsN: 200, InProcess: "3000x",
	}
}

// QuickConfig is a smoke run of about thirty seconds.
func QuickConfig() Config {
	c := FullConfig()
	c.Rounds, c.Fixed, c.Sat, c.Capacity, c.Warmup, c.Mem, c.CallsN, c.InProcess = 2, time.Second, 400*time.Millisecond, time.Second, 100*time.Millisecond, 2*time.Second, 50, "300x"
	return c
}

// Row is one arm at one page size, side by side with the others.
type Row struct {
	Arm        string // "A" simulator JSON, "B" fragment, "C" full page
	Size       int
	Fixed, Sat Stats
	Raw, Gzip  int  // response body bytes, uncompressed and gzip (default level)
	ServedGzip bool // the server answered Accept-Encoding: gzip with gzip
}

// Asset is a static file referenced by the full page.
type Asset struct {
	URL          string
	Raw, Gzip    int
	ServedGzip   bool
	CacheControl string
	Hashed       bool // the file name carries a content hash
	Calls        int  // upstream calls while fetching it CallsN times
	Requests     int
}

// Capacity is D against B' on the canned upstream, with the floor F.
type Capacity struct {
	Proxy, Fragment, Page Stats // D, B', C' (page: calls only)
	Floor                 Stats // F: the same call and a bare 20-row table
	FragCalls, PageCalls  int64 // canned upstream calls during the calls phase
	FragReqs, PageReqs    int
	SatFragCalls          int64 // canned upstream calls during B' saturation
}

// Memory is the 500-client phase.
type Memory struct {
	Clients   int
	Stats     Stats
	PeakRSS   int64 // VmHWM during the phase (bytes)
	MaxConns  int   // most open sockets of the dashboard seen during the phase
	ResetPeak bool  // VmHWM was reset before the phase (else: since start)
}

// Report is everything a run measured.
type Report struct {
	When          time.Time
	CPUs          int
	GoVersion     string
	Config        Config
	WorkflowID    string
	Rows          []Row
	FixedRSS      int64 // dashboard peak RSS during the fixed-rate phase
	SatRSS        int64 // ... during the saturation phase
	IdleRSS       int64 // dashboard RSS after sign-in, before load
	Capacity      Capacity
	Memory        Memory
	Assets        []Asset
	PageGzip      int  // first-visit HTML, gzip
	SwapGzip      int  // 20-row results fragment, gzip
	FragmentVary  bool // the fragment response says Vary: HX-Request
	Elapsed       time.Duration
	LoadBefore    string     // /proc/loadavg (1, 5, 15 min) when the run began
	LoadAfter     string     // ... and when it ended
	Multi         []MultiRow // lists of several statuses (multistatus.go)
	Browser       Browser    // measured the way browsers use it (browser.go)
	GoBenches     []GoBench  // in-process Go benchmarks (inprocess.go)
	canonicalPage map[int]string
}

// Row returns the row of arm at size.
func (r *Report) Row(arm string, size int) *Row {
	for i := range r.Rows {
		if r.Rows[i].Arm == arm && r.Rows[i].Size == size {
			return &r.Rows[i]
		}
	}
	return nil
}

// harness holds the processes and sessions of one run.
type harness struct {
	cfg     Config
	tmp     string
	bin     string
	sim     *proc
	dash    *proc
	dash2   *proc
	canned  *canned
	proxy   *proc
	floor   *proc
	simTok  string
	wf      string
	keys    string
	cookie  string // dashboard session cookie (Cookie header value)
	cookie2 string
	client  *http.Client // one-off requests
}

func (h *harness) logf(format string, a ...any) {
	if h.cfg.Progress != nil {
		fmt.Fprintf(h.cfg.Progress, "bench: "+format+"\n", a...)
	}
}

// Run builds jobboard, starts its processes, measures everything and stops
// them again.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	began := time.Now()
	tmp, err := os.MkdirTemp("", "jobboard-bench-")
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	defer os.RemoveAll(tmp)
	h := &harness{cfg: cfg, tmp: tmp, bin: cfg.Bin, client: newLoadClient(4)}
	defer h.close()
	rep := &Report{When: began.UTC(), CPUs: runtime.NumCPU(), GoVersion: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH, Config: cfg, canonicalPage: map[int]string{}, LoadBefore: loadAvg()}
	steps := []struct {
		name string
		fn   func(context.Context, *Report) error
	}{
		{"build and start", h.start},
		{"side by side", h.sideBySide},
		{"memory", h.memory},
		{"canned upstream", h.cannedPhase},
		{"browser arms", h.browserArms},
		{"weight", h.weight},
		{"several statuses", h.multiStatus},
		{"in process", h.inProcess},
	}
	for _, s := range steps {
		if err := s.fn(ctx, rep); err != nil {
			return nil, fmt.Errorf("bench: %s: %w", s.name, err)
		}
	}
	rep.Elapsed, rep.LoadAfter = time.Since(began), loadAvg()
	return rep, nil
}

func (h *harness) close() {
	for _, p := range []*proc{h.floor, h.proxy, h.dash2, h.dash, h.sim} {
		if p != nil {
			p.stop()
		}
	}
	if h.canned != nil {
		h.canned.close()
	}
}

// start builds the binary, starts the simulator and the dashboard, signs in.
func (h *harness) start(ctx context.Context, rep *Report) error {
	if h.bin == "" {
		h.bin = filepath.Join(h.tmp, "jobboard")
		h.logf("building jobboard")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", h.bin, "jobboard") //nolint:gosec // G204: builds this module into the harness's temp dir, no outside input
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %w: %s", err, out)
		}
	}
	var err error
	if h.sim, err = startProc(ctx, "sim", h.bin, h.tmp, []string{"simulate", "-addr", "127.0.0.1:0", "-seed", "1"}, nil); err != nil {
		return err
	}
	if h.simTok, err = connect(ctx, h.client, h.sim.url); err != nil {
		return err
	}
	if h.wf, err = pickWorkflow(ctx, h.client, h.sim.url, h.simTok, maxInt(h.cfg.Sizes)); err != nil {
		return err
	}
	rep.WorkflowID = h.wf
	h.keys = hex.EncodeToString(randBytes(32)) + ":" + hex.EncodeToString(randBytes(32))
	if h.dash, err = h.startDashboard(ctx, "dashboard", h.sim.url); err != nil {
		return err
	}
	if h.cookie, err = signIn(ctx, h.dash.url); err != nil {
		return err
	}
	rep.IdleRSS, err = memStatus(h.dash.pid(), "VmRSS")
	h.logf("simulator %s, dashboard %s, workflow %s", h.sim.url, h.dash.url, h.wf)
	return err
}

func (h *harness) startDashboard(ctx context.Context, name, explorer string) (*proc, error) {
	return startProc(ctx, name, h.bin, h.tmp, []string{"-addr", "127.0.0.1:0"}, []string{
		"EXPLORER_URL=" + explorer, "NEBULA_ADDRESS=127.0.0.1", "SESSION_KEYS=" + h.keys,
		"JOBBOARD_DB=" + filepath.Join(h.tmp, name+".db"),
	})
}

// startSignedIn starts a dashboard against explorer and signs in; the
// caller stops it.
func (h *harness) startSignedIn(ctx context.Context, name, explorer string) (*proc, string, error) {
	dash, err := h.startDashboard(ctx, name, explorer)
	if err != nil {
		return nil, "", err
	}
	cookie, err := signIn(ctx, dash.url)
	if err != nil {
		dash.stop()
		return nil, "", err
	}
	return dash, cookie, nil
}

// Targets of the three arms.

func (h *harness) targetA(size int) vegeta.Target {
	q := apiclient.ListQuery{Order: apiclient.OrderDesc, Page: 1, PageSize: size}
	return vegeta.Target{
		Method: http.MethodGet,
		URL:    h.sim.url + apiPrefix + "workflows/" + h.wf + "/jobs?" + q.Values().Encode(),
		Header: http.Header{"Cookie": {"explorer_token=" + h.simTok}, "Accept": {"application/json"}, "Content-Type": {"application/json"}},
	}
}

func listPath(wf string, size int) string {
	return "/workflows/" + wf + "/jobs?size=" + strconv.Itoa(size)
}

func fragmentTarget(base, cookie, wf string, size int) vegeta.Target {
	return vegeta.Target{
		Method: http.MethodGet,
		URL:    base + listPath(wf, size),
		Header: http.Header{"Cookie": {cookie}, "Hx-Request": {"true"}, "Hx-Request-Type": {"partial"}},
	}
}

func pageTarget(base, cookie, path string) vegeta.Target {
	return vegeta.Target{Method: http.MethodGet, URL: base + path, Header: http.Header{"Cookie": {cookie}}}
}

func assetTarget(base, path string) vegeta.Target {
	return vegeta.Target{Method: http.MethodGet, URL: base + path}
}

// canonicalPath follows the dashboard's redirect of a full-page list URL
// to its canonical form (size 20 is the default and is left out).
func (h *harness) canonicalPath(ctx context.Context, base, cookie string, size int) (string, error) {
	path := listPath(h.wf, size)
	for range 3 {
		r, err := fetch(ctx, h.client, pageTarget(base, cookie, path), false)
		if err != nil {
			return "", err
		}
		switch r.status {
		case http.StatusOK:
			return path, nil
		case http.StatusFound, http.StatusSeeOther, http.StatusMovedPermanently:
			path = r.header.Get("Location")
		default:
			return "", fmt.Errorf("full page %s: status %d: %.200s", path, r.status, r.body)
		}
	}
	return "", fmt.Errorf("full page %s: too many redirects", path)
}

// sideBySide checks the three arms answer the same jobs, measures their
// sizes, then runs the fixed-rate and saturation phases, interleaved.
func (h *harness) sideBySide(ctx context.Context, rep *Report) error {
	type armCell struct {
		row    *Row
		client *http.Client
		target vegeta.Target
		pid    int
	}
	simClient, dashClient := newLoadClient(h.cfg.Workers*2), newLoadClient(h.cfg.Workers*2)
	var arms []armCell
	for _, size := range h.cfg.Sizes {
		page, err := h.canonicalPath(ctx, h.dash.url, h.cookie, size)
		if err != nil {
			return err
		}
		rep.canonicalPage[size] = page
		ta, tb, tc := h.targetA(size), fragmentTarget(h.dash.url, h.cookie, h.wf, size), pageTarget(h.dash.url, h.cookie, page)
		ra, err := expect200(ctx, h.client, ta)
		if err != nil {
			return err
		}
		names, err := jobNames(ra.body)
		if err != nil {
			return err
		}
		if len(names) != size {
			return fmt.Errorf("simulator answered %d jobs for page size %d (workflow %s)", len(names), size, h.wf)
		}
		for _, arm := range []struct {
			name   string
			target vegeta.Target
			pid    int
		}{{"A", ta, h.sim.pid()}, {"B", tb, h.dash.pid()}, {"C", tc, h.dash.pid()}} {
			r, err := expect200(ctx, h.client, arm.target)
			if err != nil {
				return err
			}
			body := r.body
			if arm.name != "A" {
				if missing := missingNames(body, names); missing != "" {
					return fmt.Errorf("%s %d rows: job %q of the simulator's page is not in the dashboard's answer", arm.name, size, missing)
				}
				if arm.name == "B" && strings.Contains(strings.ToLower(string(body)), "<html") {
					return fmt.Errorf("%s %d rows: the fragment request got a full page", arm.name, size)
				}
				if arm.name == "B" && size == 20 {
					rep.FragmentVary = strings.Contains(strings.Join(r.header.Values("Vary"), ","), "HX-Request")
				}
			}
			served, err := servesGzip(ctx, h.client, arm.target)
			if err != nil {
				return err
			}
			rep.Rows = append(rep.Rows, Row{Arm: arm.name, Size: size, Raw: len(body), Gzip: gzipSize(body), ServedGzip: served})
			client := dashClient
			if arm.name == "A" {
				client = simClient
			}
			arms = append(arms, armCell{client: client, target: arm.target, pid: arm.pid})
		}
	}
	for i := range arms {
		arms[i].row = &rep.Rows[i]
	}
	cells := func(pick func(*Row) *Stats) []cell {
		out := make([]cell, len(arms))
		for i, a := range arms {
			out[i] = cell{stats: pick(a.row), client: a.client, target: a.target, pid: a.pid}
		}
		return out
	}
	h.logf("warming up")
	warm := make([]Stats, len(arms))
	if err := interleave(ctx, cells(func(r *Row) *Stats { return &warm[indexOf(rep.Rows, r)] }), 1, h.cfg.Warmup, 0, h.cfg.Workers); err != nil {
		return err
	}
	pid := h.dash.pid()
	h.logf("fixed rate %d req/s: %d cells × %v", h.cfg.Rate, len(arms), h.cfg.Fixed)
	resetPeakRSS(pid)
	if err := interleave(ctx, cells(func(r *Row) *Stats { return &r.Fixed }), h.cfg.Rounds, h.cfg.Fixed/time.Duration(h.cfg.Rounds), h.cfg.Rate, 0); err != nil {
		return err
	}
	var err error
	if rep.FixedRSS, err = memStatus(pid, "VmHWM"); err != nil {
		return err
	}
	h.logf("saturation, %d workers: %d cells × %v", h.cfg.Workers, len(arms), h.cfg.Sat)
	resetPeakRSS(pid)
	if err := interleave(ctx, cells(func(r *Row) *Stats { return &r.Sat }), h.cfg.Rounds, h.cfg.Sat/time.Duration(h.cfg.Rounds), 0, h.cfg.Workers); err != nil {
		return err
	}
	rep.SatRSS, err = memStatus(pid, "VmHWM")
	return err
}

func indexOf(rows []Row, r *Row) int {
	for i := range rows {
		if &rows[i] == r {
			return i
		}
	}
	return -1
}

// memory drives the dashboard's 20-row fragment with MemClients
// concurrent keep-alive connections and reads its peak RSS.
func (h *harness) memory(ctx context.Context, rep *Report) error {
	m := &rep.Memory
	m.Clients = h.cfg.MemClients
	pid := h.dash.pid()
	h.logf("memory: %d concurrent keep-alive clients for %v", m.Clients, h.cfg.Mem)
	m.ResetPeak = resetPeakRSS(pid)
	done := make(chan struct{})
	sampled := make(chan int)
	go func() {
		most := 0
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				sampled <- most
				return
			case <-t.C:
				most = max(most, openSockets(pid))
			}
		}
	}()
	c := cell{stats: &m.Stats, client: newLoadClient(m.Clients), target: fragmentTarget(h.dash.url, h.cookie, h.wf, 20), pid: pid}
	err := interleave(ctx, []cell{c}, 1, h.cfg.Mem, 0, m.Clients)
	close(done)
	m.MaxConns = <-sampled
	if err != nil {
		return err
	}
	m.PeakRSS, err = memStatus(pid, "VmHWM")
	return err
}

// cannedPhase starts the canned upstream, the reverse proxy and a second
// dashboard against the canned upstream; counts upstream calls per request
// kind, then measures D against B' at saturation.
func (h *harness) cannedPhase(ctx context.Context, rep *Report) error {
	list, err := expect200(ctx, h.client, h.targetA(20))
	if err != nil {
		return err
	}
	if h.canned, err = startCanned(ctx, list.body); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("find the bench binary to start the proxy: %w", err)
	}
	if h.proxy, err = startProc(ctx, "proxy", self, h.tmp, nil, []string{proxyEnv + "=" + h.canned.url}); err != nil {
		return err
	}
	if h.floor, err = startProc(ctx, "floor", self, h.tmp, nil, []string{floorEnv + "=" + h.canned.url}); err != nil {
		return err
	}
	if h.dash2, err = h.startDashboard(ctx, "dashboard-canned", h.canned.url); err != nil {
		return err
	}
	if h.cookie2, err = signIn(ctx, h.dash2.url); err != nil {
		return err
	}
	cp := &rep.Capacity
	dashClient, proxyClient := newLoadClient(h.cfg.Workers*2), newLoadClient(h.cfg.Workers*2)
	frag := fragmentTarget(h.dash2.url, h.cookie2, h.wf, 20)
	page := pageTarget(h.dash2.url, h.cookie2, rep.canonicalPage[20])
	proxied := h.targetA(20)
	proxied.URL = h.proxy.url + strings.TrimPrefix(proxied.URL, h.sim.url)
	proxied.Header = http.Header{"Cookie": {"explorer_token=" + cannedToken}}
	floored := vegeta.Target{Method: http.MethodGet, URL: h.floor.url + listPath(h.wf, 20)}
	for _, t := range []vegeta.Target{frag, page, proxied, floored} {
		if _, err := expect200(ctx, h.client, t); err != nil {
			return err
		}
	}

	// Upstream calls per request kind, one kind at a time.
	h.logf("upstream calls per request: %d of each kind", h.cfg.CallsN)
	count := func(t vegeta.Target) (int, int64, error) {
		var s Stats
		before := h.canned.calls.Load()
		err := interleave(ctx, []cell{{stats: &s, client: dashClient, target: t}}, 1, callsDuration(h.cfg.CallsN), 1000, 0)
		if err == nil && s.Errors > 0 {
			err = errors.New(s.ErrorMsg)
		}
		return s.Requests, h.canned.calls.Load() - before, err
	}
	if cp.FragReqs, cp.FragCalls, err = count(frag); err != nil {
		return err
	}
	if cp.PageReqs, cp.PageCalls, err = count(page); err != nil {
		return err
	}
	pageReply, err := expect200(ctx, h.client, page)
	if err != nil {
		return err
	}
	for _, u := range assetURLs(pageReply.body) {
		a := Asset{URL: u, Hashed: hashedName.MatchString(u)}
		t := assetTarget(h.dash2.url, u)
		var calls int64
		if a.Requests, calls, err = count(t); err != nil {
			return err
		}
		a.Calls = int(calls)
		rep.Assets = append(rep.Assets, a)
	}

	h.logf("capacity against the canned upstream: D, F and B' × %v", h.cfg.Capacity)
	before := h.canned.calls.Load()
	cells := []cell{
		{stats: &cp.Proxy, client: proxyClient, target: proxied, pid: h.proxy.pid()},
		{stats: &cp.Floor, client: newLoadClient(h.cfg.Workers * 2), target: floored, pid: h.floor.pid()},
		{stats: &cp.Fragment, client: dashClient, target: frag, pid: h.dash2.pid()},
	}
	if err := interleave(ctx, cells, h.cfg.Rounds, h.cfg.Capacity/time.Duration(h.cfg.Rounds), 0, h.cfg.Workers); err != nil {
		return err
	}
	cp.SatFragCalls = h.canned.calls.Load() - before - int64(cp.Proxy.Requests) - int64(cp.Floor.Requests)
	return nil
}

// callsDuration is how long a 1000 req/s attack takes to send n requests.
func callsDuration(n int) time.Duration {
	return time.Duration(n)*time.Millisecond - time.Millisecond/2
}

// hashedName matches a file name carrying a hex content hash.
var hashedName = regexp.MustCompile(`\.[0-9a-f]{8,}\.[a-z]+$`)

// weight measures what a first visit costs (page, CSS and JS) and what a
// results swap costs, compressed, against the simulator-backed dashboard.
func (h *harness) weight(ctx context.Context, rep *Report) error {
	page, err := expect200(ctx, h.client, pageTarget(h.dash.url, h.cookie, rep.canonicalPage[20]))
	if err != nil {
		return err
	}
	rep.PageGzip = gzipSize(page.body)
	if r := rep.Row("B", 20); r != nil {
		rep.SwapGzip = r.Gzip
	}
	for i := range rep.Assets {
		a := &rep.Assets[i]
		t := assetTarget(h.dash.url, a.URL)
		r, err := expect200(ctx, h.client, t)
		if err != nil {
			return err
		}
		a.Raw, a.Gzip, a.CacheControl = len(r.body), gzipSize(r.body), r.header.Get("Cache-Control")
		if a.ServedGzip, err = servesGzip(ctx, h.client, t); err != nil {
			return err
		}
	}
	return nil
}

// FirstVisitGzip is the compressed weight of a first visit: HTML + CSS + JS.
func (r *Report) FirstVisitGzip() int {
	n := r.PageGzip
	for _, a := range r.Assets {
		n += a.Gzip
	}
	return n
}

// HTTP helpers.

// reply is what the harness keeps of an HTTP response: fetch has read its
// body in full and closed it.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// fetch sends one request described by t, reads the whole body and closes
// it. With gz it asks for gzip and returns the body as sent (possibly
// compressed).
func fetch(ctx context.Context, c *http.Client, t vegeta.Target, gz bool) (reply, error) {
	req, err := http.NewRequestWithContext(ctx, t.Method, t.URL, nil)
	if err != nil {
		return reply{}, fmt.Errorf("request %s: %w", t.URL, err)
	}
	for k, v := range t.Header {
		req.Header[k] = v
	}
	if gz {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := c.Do(req)
	if err != nil {
		return reply{}, fmt.Errorf("request %s: %w", t.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, fmt.Errorf("read %s: %w", t.URL, err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// expect200 fetches t and fails unless the status is 200 OK.
func expect200(ctx context.Context, c *http.Client, t vegeta.Target) (reply, error) {
	r, err := fetch(ctx, c, t, false)
	if err != nil {
		return reply{}, err
	}
	if r.status != http.StatusOK {
		return reply{}, fmt.Errorf("GET %s: status %d: %.300s", t.URL, r.status, r.body)
	}
	return r, nil
}

// servesGzip reports whether the server answers t with a gzip body when
// the request says Accept-Encoding: gzip.
func servesGzip(ctx context.Context, c *http.Client, t vegeta.Target) (bool, error) {
	r, err := fetch(ctx, c, t, true)
	if err != nil {
		return false, err
	}
	return r.header.Get("Content-Encoding") == "gzip", nil
}

// gzipSize is the size of b compressed with gzip at the default level.
func gzipSize(b []byte) int {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Len()
}

// connect signs in to the simulator as demo/demo and returns the token.
func connect(ctx context.Context, c *http.Client, sim string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sim+apiPrefix+"connect", strings.NewReader(`{"address":"127.0.0.1","port":9669}`))
	if err != nil {
		return "", fmt.Errorf("connect: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+base64.StdEncoding.EncodeToString([]byte("demo:demo")))
	resp, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("connect: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	for _, ck := range resp.Cookies() {
		if ck.Name == "explorer_token" && ck.Value != "" {
			return ck.Value, nil
		}
	}
	return "", fmt.Errorf("connect: status %d and no explorer_token cookie", resp.StatusCode)
}

// pickWorkflow returns the ID of a workflow of the demo account with at
// least min jobs.
func pickWorkflow(ctx context.Context, c *http.Client, sim, tok string, min int) (string, error) {
	t := vegeta.Target{Method: http.MethodGet, URL: sim + apiPrefix + "jobs?pageSize=50", Header: http.Header{"Cookie": {"explorer_token=" + tok}}}
	r, err := expect200(ctx, c, t)
	if err != nil {
		return "", err
	}
	var all struct {
		Data struct {
			Items []struct {
				WorkflowID string `json:"workflowId"`
			} `json:"items"`
		} `json:"data"`
	}
	if err := json.Unmarshal(r.body, &all); err != nil {
		return "", fmt.Errorf("all jobs: %w", err)
	}
	for _, it := range all.Data.Items {
		t.URL = sim + apiPrefix + "workflows/" + it.WorkflowID + "/jobs?pageSize=1"
		r, err := expect200(ctx, c, t)
		if err != nil {
			return "", err
		}
		var one struct {
			Data struct {
				Total int `json:"total"`
			} `json:"data"`
		}
		if err := json.Unmarshal(r.body, &one); err == nil && one.Data.Total >= min {
			return it.WorkflowID, nil
		}
	}
	return "", fmt.Errorf("no workflow of the demo account has %d jobs", min)
}

// signIn signs in to a dashboard as demo/demo and returns its session
// cookie as a Cookie header value.
func signIn(ctx context.Context, base string) (string, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if _, err := expect200(ctx, c, vegeta.Target{Method: http.MethodGet, URL: base + "/login"}); err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	form := url.Values{"account": {"demo"}, "password": {"demo"}, "next": {"/"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		return "", fmt.Errorf("sign in: status %d: %.300s", resp.StatusCode, body)
	}
	u, _ := url.Parse(base)
	var parts []string
	for _, ck := range jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	if len(parts) == 0 {
		return "", errors.New("sign in: no session cookie set")
	}
	return strings.Join(parts, "; "), nil
}

// jobNames returns the names of the jobs of a list response.
func jobNames(body []byte) ([]string, error) {
	var page struct {
		Data struct {
			Items []struct {
				Name string `json:"name"`
			} `json:"items"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &page); err != nil {
		return nil, fmt.Errorf("decode list: %w", err)
	}
	names := make([]string, len(page.Data.Items))
	for i, it := range page.Data.Items {
		names[i] = it.Name
	}
	return names, nil
}

// missingNames returns the first name whose text is not in the HTML body.
func missingNames(body []byte, names []string) string {
	text := htmlText(body)
	for _, n := range names {
		if !strings.Contains(text, n) {
			return n
		}
	}
	return ""
}

// htmlText returns the text content of an HTML document or fragment.
func htmlText(b []byte) string {
	var sb strings.Builder
	z := html.NewTokenizer(bytes.NewReader(b))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return sb.String()
		case html.TextToken:
			sb.Write(z.Text())
			sb.WriteByte(' ')
		}
	}
}

// assetURLs returns the stylesheets and scripts a page references.
func assetURLs(page []byte) []string {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil
	}
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attr := map[string]string{}
			for _, a := range n.Attr {
				attr[a.Key] = a.Val
			}
			switch {
			case n.Data == "link" && strings.Contains(attr["rel"], "stylesheet") && attr["href"] != "":
				out = append(out, attr["href"])
			case n.Data == "script" && attr["src"] != "":
				out = append(out, attr["src"])
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// loadAvg returns the 1, 5 and 15 minute load averages of the machine.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func maxInt(xs []int) int {
	m := 0
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}
