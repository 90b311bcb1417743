package middleware

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestLoginLimiter(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return now }
	l := NewLoginLimiter(2, time.Minute, 10, clock)
	l.Record("ip:1")
	if w := l.Wait("ip:1"); w != 0 {
		t.Fatalf("after one event of two: wait %v", w)
	}
	now = now.Add(10 * time.Second)
	l.Record("ip:1")
	if w := l.Wait("ip:1", "ip:2"); w != 50*time.Second {
		t.Fatalf("full: wait %v, want until the first event leaves the window (50 s)", w)
	}
	now = now.Add(50 * time.Second)
	if w := l.Wait("ip:1"); w != 0 {
		t.Fatalf("after the window: wait %v", w)
	}
}

// TestLoginLimiterStaysBounded floods the limiter with more keys than it
// holds: it never holds more.
func TestLoginLimiterStaysBounded(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := NewLoginLimiter(3, time.Minute, 100, func() time.Time { return now })
	for i := range 10_000 {
		l.Record(fmt.Sprintf("ip:%d", i), fmt.Sprintf("ip:%d", i%7))
	}
	if l.Len() > 100 {
		t.Errorf("%d keys held, want at most 100", l.Len())
	}
}

func TestClientKeyGroupsIPv6By64(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.7":                "ip:192.0.2.7",
		"::ffff:192.0.2.7":         "ip:192.0.2.7",
		"2001:db8:1:2::1":          "ip:2001:db8:1:2::/64",
		"2001:db8:1:2:aaaa:bbbb::": "ip:2001:db8:1:2::/64",
		"2001:db8:1:3::1":          "ip:2001:db8:1:3::/64",
		"not-an-ip":                "ip:not-an-ip",
	} {
		if got := ClientKey(in); got != want {
			t.Errorf("ClientKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAccountBackoff(t *testing.T) {
	last := time.Unix(1_700_000_000, 0)
	for _, tc := range []struct {
		failures int
		after    time.Duration
		want     time.Duration
	}{
		{FreeFailures - 1, 0, 0},
		{FreeFailures, 0, time.Second},
		{FreeFailures + 3, 0, 8 * time.Second},
		{FreeFailures + 3, 5 * time.Second, 3 * time.Second},
		{FreeFailures + 3, 9 * time.Second, 0},
		{FreeFailures + 30, 0, BackoffMax},
		{100, BackoffMax, 0}, // never a lock: the longest wait passes
	} {
		if got := AccountBackoff(tc.failures, last, last.Add(tc.after)); got != tc.want {
			t.Errorf("AccountBackoff(%d failures, %v after the last) = %v, want %v", tc.failures, tc.after, got, tc.want)
		}
	}
}

// TestGateQueuesInsteadOfRefusing sends 16 attempts of one key at once
// through a gate of 4: all get their turn, never more than 4 at a time,
// and the gate forgets the key afterwards.
func TestGateQueuesInsteadOfRefusing(t *testing.T) {
	g := NewGate(4)
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			done, err := g.Enter(t.Context(), "ip:1", "account:a")
			if err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(5 * time.Millisecond)
			inside.Add(-1)
			done()
		})
	}
	wg.Wait()
	if most.Load() > 4 {
		t.Errorf("%d attempts inside at once, want at most 4", most.Load())
	}
	if g.Len() != 0 {
		t.Errorf("%d keys held after every attempt ended", g.Len())
	}
	// A waiter whose context ends gives up with nothing held.
	full, _ := g.Enter(t.Context(), "k", "k", "k", "k")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	if _, err := g.Enter(ctx, "k"); err == nil {
		t.Error("Enter past a full key succeeded")
	}
	full()
	if g.Len() != 0 {
		t.Errorf("%d keys held after the waiter gave up", g.Len())
	}
}
