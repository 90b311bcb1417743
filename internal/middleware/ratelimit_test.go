package middleware

import (
	"testing"
	"time"
)

func TestLoginLimiter(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	clock := func() time.Time { return now }
	l := NewLoginLimiter(2, time.Minute, 10, clock)
	a, _, ok := l.Reserve("ip:1", "account:a")
	if !ok {
		t.Fatal("first attempt refused")
	}
	if _, _, ok := l.Reserve("ip:2", "account:a"); !ok {
		t.Fatal("second attempt refused")
	}
	if _, wait, ok := l.Reserve("ip:3", "account:a"); ok || wait != time.Minute {
		t.Fatalf("third attempt on the account: ok=%v wait=%s, want refused for a minute", ok, wait)
	}
	l.Refund(a) // a refunded attempt does not count
	if _, _, ok := l.Reserve("ip:3", "account:a"); !ok {
		t.Fatal("attempt after a refund refused")
	}
	now = now.Add(time.Minute)
	if _, _, ok := l.Reserve("ip:3", "account:a"); !ok {
		t.Fatal("attempt after the window refused")
	}
}
