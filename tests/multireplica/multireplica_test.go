//go:build multireplica

package multireplica

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"jobboard/internal/session"
	"jobboard/internal/store/pgtest"
	"jobboard/internal/testenv"
)

// listPath is the list every step reads: all jobs of the demo account.
const listPath = "/jobs"

// cluster is the simulator, PostgreSQL, the replicas and nginx.
type cluster struct {
	t        *testing.T
	dir      string
	bin      string
	simURL   string
	dbURL    string // the PostgreSQL database every replica shares
	replicas []*replica
	nginx    string // base URL
}

// replica is one jobboard process, restartable on its port.
type replica struct {
	name string
	port int
	keys string
	p    *proc
}

func (r *replica) url() string { return "http://" + addr(r.port) }

// start runs the replica with keys and waits until /readyz says ready
// (Explorer and the store reachable).
func (c *cluster) start(r *replica, keys string) {
	c.t.Helper()
	r.keys = keys
	env := []string{
		"JOBBOARD_ADDR=" + addr(r.port),
		"EXPLORER_URL=" + c.simURL,
		"NEBULA_ADDRESS=127.0.0.1",
		"SESSION_KEYS=" + keys,
		// One PostgreSQL for both: a sign-out on one replica holds on the
		// other, and a restart keeps every sign-out.
		"DATABASE_URL=" + c.dbURL,
		"JOBBOARD_SHUTDOWN_TIMEOUT=10s",
		// Never a SQLite file in the package dir, should DATABASE_URL be lost.
		"JOBBOARD_DB=" + filepath.Join(c.dir, r.name+".db"),
	}
	r.p = startProc(c.t, c.dir, r.name, env, c.bin)
	waitHTTP(c.t, r.p, r.url()+"/readyz", http.StatusOK)
}

// restart stops the replica with SIGTERM and starts it again with keys;
// it returns how long the shutdown and the start took.
func (c *cluster) restart(r *replica, keys string) (stopped, started time.Duration) {
	c.t.Helper()
	stopped, err := r.p.terminate(c.t)
	if err != nil {
		c.t.Errorf("%s exited with %v after SIGTERM, want a clean exit", r.name, err)
	}
	t0 := time.Now()
	c.start(r, keys)
	return stopped, time.Since(t0)
}

// replicaAt names the replica behind an X-Upstream value; after a retry
// nginx lists every upstream tried ("a:1, b:2"), the last one answered.
func (c *cluster) replicaAt(upstream string) string {
	parts := strings.Split(upstream, ",")
	last := strings.TrimSpace(parts[len(parts)-1])
	for _, r := range c.replicas {
		if last == addr(r.port) {
			return r.name
		}
	}
	return "unknown(" + upstream + ")"
}

// answer is a response with its body read.
type answer struct {
	status   int
	upstream string // X-Upstream from nginx
	location string
	body     string
	cookies  []*http.Cookie
}

var client = &http.Client{
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport:     &http.Transport{MaxIdleConnsPerHost: 16},
}

// send makes one request (a form POST when form is not nil) with cookie.
func send(method, u string, cookie *http.Cookie, form url.Values) (answer, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return answer{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	resp, err := client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, fmt.Errorf("read body: %w", err)
	}
	return answer{
		status: resp.StatusCode, upstream: resp.Header.Get("X-Upstream"), location: resp.Header.Get("Location"),
		body: string(b), cookies: resp.Cookies(),
	}, nil
}

func mustSend(t *testing.T, method, u string, cookie *http.Cookie, form url.Values) answer {
	t.Helper()
	a, err := send(method, u, cookie, form)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	return a
}

// signIn signs in as the simulator's demo account at base and returns
// the session cookie.
func signIn(t *testing.T, base string) *http.Cookie {
	t.Helper()
	a := mustSend(t, http.MethodPost, base+"/login", nil, url.Values{"account": {"demo"}, "password": {"demo"}, "next": {listPath}})
	if a.status != http.StatusSeeOther {
		t.Fatalf("sign-in at %s answered %d, want 303:\n%s", base, a.status, a.body)
	}
	for _, c := range a.cookies {
		if c.Name == session.PlainCookieName && c.Value != "" {
			return c
		}
	}
	t.Fatalf("sign-in at %s set no session cookie", base)
	return nil
}

// signedOut reports whether a is the trip to sign-in a refused session gets.
func signedOut(a answer) bool {
	return a.status == http.StatusSeeOther && strings.HasPrefix(a.location, "/login")
}

// newKeys returns a fresh SESSION_KEYS pair, HASH:BLOCK in hex.
func newKeys(t *testing.T) string {
	t.Helper()
	b := make([]byte, 64)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:32]) + ":" + hex.EncodeToString(b[32:])
}

func TestReplicasBehindNginx(t *testing.T) {
	begin := time.Now()
	nginxBinary(t) // fail or skip before building anything
	c := &cluster{t: t, dir: t.TempDir()}
	c.bin = buildJobboard(t, c.dir)
	built := time.Since(begin)

	simPort := freePort(t)
	sim := startProc(t, c.dir, "simulator", nil, c.bin, "simulate", "-addr", addr(simPort))
	c.simURL = "http://" + addr(simPort)
	waitHTTP(t, sim, c.simURL+"/", 0)
	c.dbURL = pgtest.Start(t)

	oldKeys := newKeys(t)
	c.replicas = []*replica{{name: "a", port: freePort(t)}, {name: "b", port: freePort(t)}}
	for _, r := range c.replicas {
		c.start(r, oldKeys)
	}
	a, b := c.replicas[0], c.replicas[1]
	nginxAddr := addr(freePort(t))
	startNginx(t, nginxAddr, []string{addr(a.port), addr(b.port)})
	c.nginx = "http://" + nginxAddr
	t.Logf("built in %s; simulator, PostgreSQL, replicas a (%s) and b (%s), nginx (%s) up after %s",
		built.Round(time.Millisecond), addr(a.port), addr(b.port), nginxAddr, time.Since(begin).Round(time.Millisecond))

	// 1. Sign in through nginx; 100 list requests spread over both
	// replicas all succeed with the same rows.
	cookie := signIn(t, c.nginx)
	hits := map[string]int{}
	var rows []string
	for i := range 100 {
		got := mustSend(t, http.MethodGet, c.nginx+listPath, cookie, nil)
		if got.status != http.StatusOK {
			t.Fatalf("list request %d answered %d by %s", i+1, got.status, c.replicaAt(got.upstream))
		}
		ids := testenv.JobRowIDs(t, got.body)
		if rows == nil {
			rows = ids
		} else if !slices.Equal(ids, rows) {
			t.Fatalf("list request %d (replica %s) shows rows %v, the first showed %v", i+1, c.replicaAt(got.upstream), ids, rows)
		}
		hits[c.replicaAt(got.upstream)]++
	}
	if len(rows) == 0 || hits["a"] == 0 || hits["b"] == 0 || hits["a"]+hits["b"] != 100 {
		t.Fatalf("100 list requests: replicas hit %v, %d rows; want both replicas and rows", hits, len(rows))
	}
	t.Logf("1. signed in through nginx; 100 list requests: 100 × 200, replica a %d, replica b %d, the same %d rows on every page",
		hits["a"], hits["b"], len(rows))

	// 2. Sign-out through one replica is refused by the other.
	for _, r := range c.replicas {
		if got := mustSend(t, http.MethodGet, r.url()+listPath, cookie, nil); got.status != http.StatusOK {
			t.Fatalf("before sign-out, the cookie at replica %s directly: %d, want 200", r.name, got.status)
		}
	}
	out := mustSend(t, http.MethodPost, c.nginx+"/logout", cookie, url.Values{})
	if !signedOut(out) {
		t.Fatalf("sign-out through nginx answered %d %q", out.status, out.location)
	}
	var refusedBy []string
	for _, r := range c.replicas {
		got := mustSend(t, http.MethodGet, r.url()+listPath, cookie, nil)
		if !signedOut(got) {
			t.Errorf("the signed-out cookie replayed at replica %s: %d %q, want 303 to /login", r.name, got.status, got.location)
			continue
		}
		refusedBy = append(refusedBy, r.name)
	}
	t.Logf("2. signed out through replica %s; the old cookie replayed directly: accepted by both before, refused by %v after",
		c.replicaAt(out.upstream), refusedBy)

	// 3. Restarting one replica under a steady stream loses no request.
	cookie = signIn(t, c.nginx)
	s := startStream(c, cookie, 4)
	time.Sleep(time.Second)
	stopped, started := c.restart(a, oldKeys)
	restartedAt := time.Now()
	time.Sleep(2500 * time.Millisecond) // nginx tries a again 1 s after its last failure
	res := s.stop()
	afterRestart := res.servedAfter("a", restartedAt)
	t.Logf("3. replica a restarted under a stream of 4 clients: %d requests in %s, %d errors (%d answered after nginx retried them on the other replica); served by a %d (of which %d after its restart), by b %d; a stopped in %s (graceful) and was ready %s later",
		res.total(), res.span().Round(time.Millisecond), len(res.errors), res.retried, res.by["a"], afterRestart, res.by["b"],
		stopped.Round(time.Millisecond), started.Round(time.Millisecond))
	res.check(t)
	if afterRestart == 0 {
		t.Errorf("the restarted replica a served no request afterwards: nginx did not take it back")
	}

	// 4. Key rotation: the new pair first, the old second, both replicas
	// restarted one after the other under a stream; sessions signed with
	// the old pair stay valid.
	newPair := newKeys(t)
	rotated := newPair + "," + oldKeys
	old := cookie
	s = startStream(c, old, 4)
	time.Sleep(500 * time.Millisecond)
	for _, r := range c.replicas {
		c.restart(r, rotated)
		// Like an orchestrator's rolling update, go on only once the load
		// balancer sends traffic to the restarted replica again (nginx
		// sets a failed replica aside for fail_timeout, 1 s).
		s.waitServed(t, r.name, time.Now())
	}
	time.Sleep(500 * time.Millisecond)
	res = s.stop()
	t.Logf("4. rolling restart of a and b with SESSION_KEYS new,old under a stream of 4 clients holding an old-key session: %d requests, %d errors (%d retried by nginx; a %d, b %d)",
		res.total(), len(res.errors), res.retried, res.by["a"], res.by["b"])
	res.check(t)
	for _, r := range c.replicas {
		if got := mustSend(t, http.MethodGet, r.url()+listPath, old, nil); got.status != http.StatusOK {
			t.Errorf("after the rotation, the old-key session at replica %s: %d, want 200", r.name, got.status)
		}
	}
	fresh := signIn(t, c.nginx)
	// A replica holding only the new pair tells which pair signed what.
	probe := &replica{name: "new-pair-only", port: freePort(t)}
	c.start(probe, newPair)
	oldRefused := signedOut(mustSend(t, http.MethodGet, probe.url()+listPath, old, nil))
	freshOK := mustSend(t, http.MethodGet, probe.url()+listPath, fresh, nil).status == http.StatusOK
	if !oldRefused || !freshOK {
		t.Errorf("a replica with only the new pair: refuses the old-key session %v (want true), accepts a new sign-in %v (want true)", oldRefused, freshOK)
	}
	t.Logf("4. after the rotation: the old-key session answers 200 at a and b; a new sign-in is signed with the new pair (a replica holding only the new pair accepts it: %v, refuses the old-key session: %v)",
		freshOK, oldRefused)

	// 5. A view saved through one replica opens through the other (both
	// keep views in the one PostgreSQL database).
	saved := mustSend(t, http.MethodPost, a.url()+"/views", fresh, url.Values{
		"name": {"Failures seen by every replica"}, "visibility": {"shared"}, "path": {listPath + "?status=failed"},
	})
	loc, err := url.Parse(saved.location)
	if saved.status != http.StatusSeeOther || err != nil || loc.Query().Get("saved") == "" {
		t.Fatalf("saving a view at replica a: %d to %q:\n%s", saved.status, saved.location, lastLines(saved.body, 20))
	}
	slug := loc.Query().Get("saved")
	opened := mustSend(t, http.MethodGet, b.url()+"/v/"+slug, fresh, nil)
	if opened.status != http.StatusSeeOther || opened.location != listPath+"?status=failed" {
		t.Errorf("the view's short link at replica b: %d to %q, want 303 to %s?status=failed", opened.status, opened.location, listPath)
	}
	board := mustSend(t, http.MethodGet, b.url()+"/views", fresh, nil)
	if board.status != http.StatusOK || !strings.Contains(board.body, "Failures seen by every replica") {
		t.Errorf("the board at replica b: %d, without the view saved at a", board.status)
	}
	t.Logf("5. a view saved at replica a (/v/%s) opens at replica b and is on b's board", slug)
	t.Logf("total %s", time.Since(begin).Round(time.Millisecond))
}

// stream is clients sending list requests through nginx back to back.
type stream struct {
	c    *cluster
	quit chan struct{}
	wg   sync.WaitGroup

	mu      sync.Mutex
	results []result
}

type result struct {
	at      time.Time
	replica string
	err     string // "" for a 200 with the jobs table
	retried bool   // nginx tried another replica first
}

// startStream starts n clients requesting the list with cookie through
// nginx until stop.
func startStream(c *cluster, cookie *http.Cookie, n int) *stream {
	s := &stream{c: c, quit: make(chan struct{})}
	for range n {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for {
				select {
				case <-s.quit:
					return
				default:
				}
				r := result{at: time.Now()}
				got, err := send(http.MethodGet, c.nginx+listPath, cookie, nil)
				switch {
				case err != nil:
					r.err = err.Error()
				case got.status != http.StatusOK:
					r.err = fmt.Sprintf("status %d from %s", got.status, got.upstream)
				case !strings.Contains(got.body, `id="jobs"`):
					r.err = "200 without the jobs table"
				}
				r.replica = c.replicaAt(got.upstream)
				r.retried = strings.Contains(got.upstream, ",")
				s.mu.Lock()
				s.results = append(s.results, r)
				s.mu.Unlock()
				time.Sleep(5 * time.Millisecond)
			}
		}()
	}
	return s
}

// waitServed waits until replica has answered a request of the stream
// sent after since; the test fails after startTimeout.
func (s *stream) waitServed(t *testing.T, replica string, since time.Time) {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		served := false
		for _, r := range s.results {
			if r.err == "" && r.replica == replica && r.at.After(since) {
				served = true
				break
			}
		}
		s.mu.Unlock()
		if served {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("nginx sent no request to the restarted replica %s within %s", replica, startTimeout)
}

// streamResult sums a stream up.
type streamResult struct {
	results []result
	by      map[string]int
	errors  []string
	retried int // answered after nginx retried on the other replica
}

func (s *stream) stop() streamResult {
	close(s.quit)
	s.wg.Wait()
	res := streamResult{results: s.results, by: map[string]int{}}
	for _, r := range s.results {
		if r.err != "" {
			res.errors = append(res.errors, r.err)
			continue
		}
		if r.retried {
			res.retried++
		}
		res.by[r.replica]++
	}
	return res
}

func (r streamResult) total() int { return len(r.results) }

func (r streamResult) span() time.Duration {
	if len(r.results) == 0 {
		return 0
	}
	times := make([]time.Time, len(r.results))
	for i, x := range r.results {
		times[i] = x.at
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	return times[len(times)-1].Sub(times[0])
}

func (r streamResult) servedAfter(replica string, t time.Time) int {
	n := 0
	for _, x := range r.results {
		if x.err == "" && x.replica == replica && x.at.After(t) {
			n++
		}
	}
	return n
}

// check fails the test on any lost request, or a stream too thin to
// prove anything.
func (r streamResult) check(t *testing.T) {
	t.Helper()
	if len(r.errors) > 0 {
		t.Errorf("%d of %d requests failed; first: %v", len(r.errors), r.total(), r.errors[:min(5, len(r.errors))])
	}
	if r.total() < 100 {
		t.Errorf("only %d requests in the stream; the machine is too slow for this to prove anything", r.total())
	}
}
