package redisrevoke_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"jobboard/internal/session/redisrevoke"
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
