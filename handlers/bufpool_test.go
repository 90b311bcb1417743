package handlers

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestBufferPoolBoundsRenders checks at most cap(slots) renders hold a
// buffer at once, a waiting render gives up when its request ends, and
// oversized buffers are not kept.
func TestBufferPoolBoundsRenders(t *testing.T) {
	var bp bufferPool
	ctx := context.Background()
	first, err := bp.acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for range cap(bp.slots) - 1 {
		if _, err := bp.acquire(ctx); err != nil {
			t.Fatal(err)
		}
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := bp.acquire(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("render beyond the slots: %v, want it to wait and give up with its request", err)
	}
	bp.done()
	if _, err := bp.acquire(ctx); err != nil {
		t.Fatalf("a freed slot: %v", err)
	}

	first.WriteString(strings.Repeat("x", maxPooledBuffer+1))
	bp.put(first)
	for range 3 {
		if b := bp.p.Get(); b != nil && b == any(first) {
			t.Fatal("a buffer over maxPooledBuffer went back to the pool")
		}
	}
}
