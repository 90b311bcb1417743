package redisrevoke_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"jobboard/apiclient"
	"jobboard/handlers"
	"jobboard/internal/explorersim"
	"jobboard/internal/session"
	"jobboard/internal/session/redisrevoke"
	"jobboard/internal/telemetry"
	"jobboard/internal/testenv"
	"jobboard/internal/testenv/dashboard"
	"jobboard/internal/testenv/redistest"
)

// newStore starts a redis-server and returns a Store on it, a client for
// looking at what the Store wrote, and the server.
func newStore(t *testing.T, now func() time.Time) (*redisrevoke.Store, *redis.Client, *redistest.Server) {
	t.Helper()
	srv := redistest.Start(t)
	o, err := redisrevoke.ClientOptions(srv.URL(), "")
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(o)
	t.Cleanup(func() { _ = c.Close() })
	look := srv.Client()
	return redisrevoke.New(c, redisrevoke.Options{Now: now}), look, srv
}

func TestRevokeIsSeenByAnotherStoreOnTheSameRedis(t *testing.T) {
	ctx := context.Background()
	a, _, srv := newStore(t, nil)
	o, err := redisrevoke.ClientOptions(srv.URL(), "")
	if err != nil {
		t.Fatal(err)
	}
	other := redis.NewClient(o)
	t.Cleanup(func() { _ = other.Close() })
	b := redisrevoke.New(other, redisrevoke.Options{})

	if got, err := b.Revoked(ctx, "s1"); err != nil || got {
		t.Fatalf("before any revocation: Revoked = %v, %v; want false, nil", got, err)
	}
	if err := a.Revoke(ctx, "s1", time.Now().Add(time.Hour)); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if got, err := b.Revoked(ctx, "s1"); err != nil || !got {
		t.Errorf("revoked through a, asked through b: Revoked = %v, %v; want true, nil", got, err)
	}
	if got, err := b.Revoked(ctx, "s2"); err != nil || got {
		t.Errorf("another session: Revoked = %v, %v; want false, nil", got, err)
	}
}

func TestKeysHoldAHashAndExpireWithTheSession(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 6, 0, 0, 0, time.UTC)
	s, look, _ := newStore(t, func() time.Time { return now })
	const id = "0123456789abcdef0123456789abcdef"
	if err := s.Revoke(ctx, id, now.Add(90*time.Minute+300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	keys, err := look.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != redisrevoke.Key(id) {
		t.Fatalf("keys in Redis = %q, want only %q", keys, redisrevoke.Key(id))
	}
	if !strings.HasPrefix(keys[0], "jobboard:revoked:") || strings.Contains(keys[0], id) || len(keys[0]) != len("jobboard:revoked:")+64 {
		t.Errorf("key %q: want jobboard:revoked: and a SHA-256 in hex, never the session ID", keys[0])
	}
	ttl, err := look.TTL(ctx, keys[0]).Result()
	if err != nil {
		t.Fatal(err)
	}
	// 90 min 0.3 s left, rounded up to whole seconds.
	if want := 90*time.Minute + time.Second; ttl != want {
		t.Errorf("TTL = %s, want %s (the session's remaining lifetime, rounded up)", ttl, want)
	}

	// A session that has already ended is not recorded.
	if err := s.Revoke(ctx, "ended", now.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if n, err := look.Exists(ctx, redisrevoke.Key("ended")).Result(); err != nil || n != 0 {
		t.Errorf("an ended session was written: EXISTS = %d, %v", n, err)
	}
}

func TestRevocationEndsWhenTheKeyExpires(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newStore(t, nil)
	if err := s.Revoke(ctx, "short", time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Revoked(ctx, "short"); !got {
		t.Fatal("not revoked right after Revoke")
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, err := s.Revoked(ctx, "short")
		if err != nil {
			t.Fatal(err)
		}
		if !got {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("still revoked 5 s after a 1 s session would have ended: the key has no expiry")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestRedisDownIsAnErrorQuicklyAndRecovers(t *testing.T) {
	ctx := context.Background()
	s, _, srv := newStore(t, nil)
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping with Redis up: %v", err)
	}
	srv.Kill()

	start := time.Now()
	got, err := s.Revoked(ctx, "x")
	if !errors.Is(err, redisrevoke.ErrUnavailable) || got {
		t.Errorf("Revoked with Redis down = %v, %v; want false and ErrUnavailable", got, err)
	}
	if err := s.Revoke(ctx, "x", time.Now().Add(time.Hour)); !errors.Is(err, redisrevoke.ErrUnavailable) {
		t.Errorf("Revoke with Redis down = %v, want ErrUnavailable", err)
	}
	if err := s.Ping(ctx); !errors.Is(err, redisrevoke.ErrUnavailable) {
		t.Errorf("Ping with Redis down = %v, want ErrUnavailable", err)
	}
	// Three calls, each bounded by the 300 ms timeout (a refused
	// connection fails at once); generous for -race on two cores.
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("three calls with Redis down took %s; each should give up within %s", d, redisrevoke.DefaultTimeout)
	}

	srv.Restart()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping after Redis came back: %v", err)
	}
	if err := s.Revoke(ctx, "y", time.Now().Add(time.Hour)); err != nil {
		t.Fatalf("Revoke after Redis came back: %v", err)
	}
	if got, err := s.Revoked(ctx, "y"); err != nil || !got {
		t.Errorf("Revoked after Redis came back = %v, %v; want true, nil", got, err)
	}
}

func TestSlowRedisTimesOut(t *testing.T) {
	ctx := context.Background()
	s, look, _ := newStore(t, nil)
	// CLIENT PAUSE holds every client's commands on the server for 2 s.
	if err := look.Do(ctx, "CLIENT", "PAUSE", "2000", "ALL").Err(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err := s.Revoked(ctx, "x")
	if !errors.Is(err, redisrevoke.ErrUnavailable) {
		t.Errorf("Revoked against a paused Redis = %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Revoked waited %s; the per-call timeout is %s", d, redisrevoke.DefaultTimeout)
	}
}

func TestClientOptions(t *testing.T) {
	o, err := redisrevoke.ClientOptions("redis://:inurl@10.0.0.5:6380/2", "fromfile")
	if err != nil {
		t.Fatal(err)
	}
	if o.Addr != "10.0.0.5:6380" || o.DB != 2 || o.Password != "fromfile" {
		t.Errorf("Addr, DB, Password = %q, %d, %q; want 10.0.0.5:6380, 2 and the password given apart (it wins)", o.Addr, o.DB, o.Password)
	}
	if o.DialTimeout != time.Second || o.ReadTimeout != time.Second || o.MaxRetries != 1 || !o.ContextTimeoutEnabled {
		t.Errorf("timeouts: dial %s, read %s, retries %d, context %v; want 1s, 1s, 1, true", o.DialTimeout, o.ReadTimeout, o.MaxRetries, o.ContextTimeoutEnabled)
	}

	o, err = redisrevoke.ClientOptions("redis://:inurl@localhost/0?dial_timeout=3s", "")
	if err != nil {
		t.Fatal(err)
	}
	if o.Password != "inurl" || o.DialTimeout != 3*time.Second {
		t.Errorf("Password, DialTimeout = %q, %s; want the URL's: inurl, 3s", o.Password, o.DialTimeout)
	}

	for _, bad := range []string{"http://:s3cret@host:6379", "redis://:s3cret@host:6379/%zz", "redis://:s3cret@host:6379/notadb"} {
		_, err := redisrevoke.ClientOptions(bad, "")
		if err == nil {
			t.Errorf("ClientOptions(%q) accepted it", bad)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("ClientOptions(%q) error repeats the password: %v", bad, err)
		}
	}
}

// The tests below run whole dashboards (handlers.New) as replicas: each
// has its own Redis client and Store, and they share only the session
// keys, the simulator and the Redis server, as separate processes would.

const unavailableText = "Sign-in is unavailable right now"

type replica struct {
	*httptest.Server
	logs *testenv.SyncBuffer
}

// world is the rig's simulator (its session keys shared by every replica
// of a test) and a Redis server.
type world struct {
	t     *testing.T
	env   *testenv.Env
	redis *redistest.Server
}

func newWorld(t *testing.T) *world {
	t.Helper()
	env := testenv.New(t, testenv.Options{Sim: explorersim.Options{Seed: 3}, RealClock: true})
	return &world{t: t, env: env, redis: redistest.Start(t)}
}

// replica starts a dashboard with its own Explorer client and log; with
// shared, its revocations live in the world's Redis, otherwise in its own
// memory.
func (w *world) replica(shared bool) *replica {
	t := w.t
	t.Helper()
	client, err := apiclient.New(w.env.SimServer.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	logs := &testenv.SyncBuffer{}
	h := dashboard.Handler(t, w.env, func(o *handlers.Options) {
		o.Explorer = client
		o.Logger = testenv.Logger(logs)
		o.ReadyCacheTTL = -1 // every probe checks again
		if !shared {
			return
		}
		ro, err := redisrevoke.ClientOptions(w.redis.URL(), "")
		if err != nil {
			t.Fatal(err)
		}
		rc := redis.NewClient(ro)
		t.Cleanup(func() { _ = rc.Close() })
		store := redisrevoke.New(rc, redisrevoke.Options{})
		o.Revocations = store
		o.ReadyChecks = []telemetry.Check{{Name: "redis", Check: store.Ping}}
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		if strings.Contains(logs.String(), "panic") {
			t.Errorf("replica logged a panic:\n%s", logs.String())
		}
	})
	return &replica{Server: srv, logs: logs}
}

// answer is a response with its body read.
type answer struct {
	status   int
	location string
	body     string
	cookies  []*http.Cookie
}

// send makes one request with only the given cookie, without following
// redirects.
func (r *replica) send(t *testing.T, method, path string, cookie *http.Cookie, form url.Values, header http.Header) answer {
	t.Helper()
	b := testenv.NewBrowser(t, r.URL, testenv.WithoutJar())
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := b.Request(t, method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	a := b.Do(t, req)
	return answer{status: a.Status, location: a.Header.Get("Location"), body: a.Body, cookies: a.Cookies()}
}

// signIn signs in as the simulator's demo account and returns the
// session cookie.
func (r *replica) signIn(t *testing.T) *http.Cookie {
	t.Helper()
	a := r.send(t, http.MethodPost, "/login", nil, url.Values{"account": {"demo"}, "password": {"demo"}, "next": {"/jobs"}}, nil)
	if a.status != http.StatusSeeOther && a.status != http.StatusFound {
		t.Fatalf("sign-in answered %d, want a redirect:\n%s", a.status, a.body)
	}
	for _, c := range a.cookies {
		if c.Name == session.PlainCookieName && c.Value != "" {
			return c
		}
	}
	t.Fatalf("sign-in set no %s cookie", session.PlainCookieName)
	return nil
}

// problemText returns the text of the page's problem panel (role=alert),
// "" when it has none.
func problemText(t *testing.T, page string) string {
	t.Helper()
	for _, n := range testenv.ByClass(testenv.Parse(t, page), "problem") {
		if testenv.AttrValue(n, "role") == "alert" {
			return testenv.Text(n)
		}
	}
	return ""
}

func TestSignOutOnOneReplicaIsRefusedByTheOthers(t *testing.T) {
	w := newWorld(t)
	a, b := w.replica(true), w.replica(true)
	loner := w.replica(false) // same keys, revocations in its own memory

	cookie := a.signIn(t)
	for name, r := range map[string]*replica{"b": b, "loner": loner} {
		got := r.send(t, http.MethodGet, "/jobs", cookie, nil, nil)
		if got.status != http.StatusOK || len(testenv.JobRowIDs(t, got.body)) == 0 {
			t.Fatalf("before sign-out, replica %s answered %d (want 200 with jobs): the session does not travel between replicas", name, got.status)
		}
	}

	if got := a.send(t, http.MethodPost, "/logout", cookie, url.Values{}, nil); got.status/100 != 3 {
		t.Fatalf("sign-out answered %d, want a redirect", got.status)
	}
	for name, r := range map[string]*replica{"a (signed out there)": a, "b": b} {
		got := r.send(t, http.MethodGet, "/jobs", cookie, nil, nil)
		if got.status/100 != 3 || !strings.HasPrefix(got.location, "/login") {
			t.Errorf("the signed-out cookie replayed at replica %s: %d %q, want a redirect to /login", name, got.status, got.location)
		}
	}
	// The replica that does not share the list still honours the cookie:
	// the refusal above comes from Redis, not from the cookie.
	if got := loner.send(t, http.MethodGet, "/jobs", cookie, nil, nil); got.status != http.StatusOK {
		t.Errorf("replica with in-memory revocations answered %d, want 200 (it cannot know about the sign-out)", got.status)
	}
}

func TestRedisDownAnswers503ThenRecovers(t *testing.T) {
	w := newWorld(t)
	a, b := w.replica(true), w.replica(true)
	cookie := a.signIn(t)
	if got := a.send(t, http.MethodGet, "/readyz", nil, nil, nil); got.status != http.StatusOK {
		t.Fatalf("/readyz with Redis up: %d %s", got.status, got.body)
	}

	w.redis.Kill()

	page := b.send(t, http.MethodGet, "/jobs", cookie, nil, nil)
	if page.status != http.StatusServiceUnavailable || !strings.Contains(problemText(t, page.body), unavailableText) {
		t.Errorf("a page with Redis down: %d, panel %q; want 503 and %q", page.status, problemText(t, page.body), unavailableText)
	}
	if len(page.cookies) != 0 {
		t.Errorf("a page with Redis down changed the session cookie: %v (the session must survive the outage)", page.cookies)
	}
	frag := b.send(t, http.MethodGet, "/jobs?status=failed", cookie, nil, http.Header{"Hx-Request": {"true"}})
	if frag.status != http.StatusServiceUnavailable || !strings.Contains(problemText(t, frag.body), unavailableText) {
		t.Errorf("an htmx request with Redis down: %d, panel %q; want 503 and %q", frag.status, problemText(t, frag.body), unavailableText)
	}
	form := a.send(t, http.MethodGet, "/login", nil, nil, nil)
	if form.status != http.StatusServiceUnavailable || !strings.Contains(problemText(t, form.body), unavailableText) {
		t.Errorf("the sign-in page with Redis down: %d, panel %q; want 503 and %q", form.status, problemText(t, form.body), unavailableText)
	}
	post := a.send(t, http.MethodPost, "/login", nil, url.Values{"account": {"demo"}, "password": {"demo"}}, nil)
	if post.status != http.StatusServiceUnavailable || !strings.Contains(problemText(t, post.body), unavailableText) {
		t.Errorf("signing in with Redis down: %d, panel %q; want 503 and %q", post.status, problemText(t, post.body), unavailableText)
	}
	for _, c := range post.cookies {
		if c.Name == session.PlainCookieName && c.Value != "" {
			t.Errorf("signing in with Redis down started a session")
		}
	}
	ready := a.send(t, http.MethodGet, "/readyz", nil, nil, nil)
	if ready.status != http.StatusServiceUnavailable || !strings.Contains(ready.body, "redis") {
		t.Errorf("/readyz with Redis down: %d %q; want 503 naming redis", ready.status, ready.body)
	}
	if got := a.send(t, http.MethodGet, "/healthz", nil, nil, nil); got.status != http.StatusOK {
		t.Errorf("/healthz with Redis down: %d, want 200 (the process is alive)", got.status)
	}

	w.redis.Restart()

	if got := a.send(t, http.MethodGet, "/readyz", nil, nil, nil); got.status != http.StatusOK {
		t.Errorf("/readyz after Redis came back: %d %s", got.status, got.body)
	}
	if got := b.send(t, http.MethodGet, "/jobs", cookie, nil, nil); got.status != http.StatusOK || len(testenv.JobRowIDs(t, got.body)) == 0 {
		t.Errorf("the session after Redis came back: %d, want 200 with jobs", got.status)
	}
	// Sign-in and sign-out work again, across replicas.
	fresh := b.signIn(t)
	if got := b.send(t, http.MethodPost, "/logout", fresh, url.Values{}, nil); got.status/100 != 3 {
		t.Fatalf("sign-out after Redis came back: %d", got.status)
	}
	if got := a.send(t, http.MethodGet, "/jobs", fresh, nil, nil); got.status/100 != 3 {
		t.Errorf("a cookie signed out on b after the outage, at a: %d, want a redirect to sign-in", got.status)
	}
}
