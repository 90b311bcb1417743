package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"jobboard/internal/config"
	"jobboard/internal/testenv/redistest"
)

// waitStatus polls url until it answers want; it returns the last body.
func waitStatus(t *testing.T, url string, want int) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second) // /readyz caches its answer a few seconds
	for {
		status, body := getBody(t, url)
		if status == want {
			return body
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s answered %d %q, want %d", url, status, body, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestRedisURLGatesReadinessAndSignIn(t *testing.T) {
	redis := redistest.Start(t)
	base, _, _ := start(t, []string{"-addr", "127.0.0.1:0"}, map[string]string{"REDIS_URL": redis.URL()})
	waitStatus(t, base+"/readyz", http.StatusOK)

	redis.Kill()
	if body := waitStatus(t, base+"/readyz", http.StatusServiceUnavailable); !strings.Contains(body, "redis") {
		t.Errorf("/readyz with Redis down says %q; want it to name redis", body)
	}
	if status, body := getBody(t, base+"/login"); status != http.StatusServiceUnavailable || !strings.Contains(body, "Sign-in is unavailable right now") {
		t.Errorf("/login with Redis down: %d; want 503 with the sign-in unavailable panel", status)
	}
	if status, _ := getBody(t, base+"/healthz"); status != http.StatusOK {
		t.Errorf("/healthz with Redis down: %d, want 200 (the process is alive)", status)
	}

	redis.Restart()
	waitStatus(t, base+"/readyz", http.StatusOK)
	if status, _ := getBody(t, base+"/login"); status != http.StatusOK {
		t.Errorf("/login after Redis came back: %d, want 200", status)
	}
}

func TestUnreachableRedisAtStartIsNotFatal(t *testing.T) {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	nobody := ln.Addr().String()
	_ = ln.Close() // nothing listens there now

	base, _, stop := start(t, []string{"-addr", "127.0.0.1:0"}, map[string]string{"REDIS_URL": "redis://" + nobody + "/0"})
	if body := waitStatus(t, base+"/readyz", http.StatusServiceUnavailable); !strings.Contains(body, "redis") {
		t.Errorf("/readyz with Redis unreachable says %q; want it to name redis", body)
	}
	if err := stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
}

func TestSharedSessionsRejectsAnUnusableURLWithoutShowingIt(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rev, checks, closeFn, err := sharedSessions(context.Background(), config.Config{}, log)
	if err != nil || rev != nil || checks != nil {
		t.Fatalf("without REDIS_URL: %v, %v, %v; want nothing (in-memory revocations)", rev, checks, err)
	}
	closeFn()

	cfg := config.Config{RedisURL: "redis://:s3cret@127.0.0.1:6379/0?dial_timeout=soon"}
	_, _, _, err = sharedSessions(context.Background(), cfg, log)
	if err == nil {
		t.Fatal("an unusable REDIS_URL was accepted")
	}
	if strings.Contains(err.Error(), "s3cret") || !strings.HasPrefix(err.Error(), "jobboard: ") {
		t.Errorf("error %q: want a one-line jobboard: reason that does not repeat the password", err)
	}
}
