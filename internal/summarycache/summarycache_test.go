package summarycache

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

// counter returns a fetch that answers its call number and counts calls.
func counter(n *atomic.Int64) func(context.Context) (int, error) {
	return func(context.Context) (int, error) { return int(n.Add(1)), nil }
}

func TestTTL(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)}
	c := New[int](Options{TTL: 5 * time.Second, Now: clk.Now})
	var calls atomic.Int64
	k := KeyFor("token-a", "/jobs?status=failed")
	ctx := context.Background()

	steps := []struct {
		advance    time.Duration
		want       int
		wantCached bool
	}{
		{0, 1, false},
		{4 * time.Second, 1, true},
		{999 * time.Millisecond, 1, true},
		{time.Millisecond, 2, false}, // exactly 5 s after the store: expired
		{time.Second, 2, true},
	}
	for i, s := range steps {
		clk.Advance(s.advance)
		v, cached, err := c.Get(ctx, k, counter(&calls))
		if err != nil {
			t.Fatal(err)
		}
		if v != s.want || cached != s.wantCached {
			t.Errorf("step %d: got %d (cached %v), want %d (cached %v)", i, v, cached, s.want, s.wantCached)
		}
	}
}

func TestSingleFlight(t *testing.T) {
	c := New[int](Options{})
	var calls atomic.Int64
	release := make(chan struct{})
	fetch := func(context.Context) (int, error) {
		calls.Add(1)
		<-release
		return 42, nil
	}
	k := KeyFor("token", "q")
	const n = 20
	var wg sync.WaitGroup
	results := make([]int, n)
	started := make(chan struct{}, n)
	for i := range n {
		wg.Go(func() {
			started <- struct{}{}
			v, _, err := c.Get(context.Background(), k, fetch)
			if err != nil {
				t.Error(err)
			}
			results[i] = v
		})
	}
	for range n {
		<-started
	}
	time.Sleep(50 * time.Millisecond) // let every caller join the flight
	close(release)
	wg.Wait()
	if got := calls.Load(); got != 1 {
		t.Errorf("%d concurrent identical Gets made %d fetches, want 1", n, got)
	}
	for i, v := range results {
		if v != 42 {
			t.Errorf("caller %d got %d, want 42", i, v)
		}
	}
}

func TestKeysIsolateSecrets(t *testing.T) {
	c := New[string](Options{})
	ctx := context.Background()
	q := "/workflows/1/jobs?name=x"
	a, _, _ := c.Get(ctx, KeyFor("token-a", q), func(context.Context) (string, error) { return "a's counts", nil })
	b, cached, _ := c.Get(ctx, KeyFor("token-b", q), func(context.Context) (string, error) { return "b's counts", nil })
	if a != "a's counts" || b != "b's counts" || cached {
		t.Errorf("same query, two tokens: got %q and %q (cached %v)", a, b, cached)
	}
	if KeyFor("ab", "c") == KeyFor("a", "bc") {
		t.Error("moving bytes between secret and request gives the same key")
	}
	if KeyFor("a", "q1") == KeyFor("a", "q2") {
		t.Error("two queries give the same key")
	}
}

func TestErrorsAreNotCached(t *testing.T) {
	c := New[int](Options{})
	k := KeyFor("t", "q")
	boom := errors.New("explorer down")
	if _, _, err := c.Get(context.Background(), k, func(context.Context) (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Fatalf("err %v, want %v", err, boom)
	}
	v, cached, err := c.Get(context.Background(), k, func(context.Context) (int, error) { return 7, nil })
	if err != nil || v != 7 || cached {
		t.Errorf("after an error: got %d, cached %v, err %v; want a fresh 7", v, cached, err)
	}
}

func TestBoundEvictsExpiredThenOldest(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	c := New[int](Options{TTL: 10 * time.Second, MaxEntries: 3, Now: clk.Now})
	ctx := context.Background()
	put := func(i int) {
		t.Helper()
		if _, _, err := c.Get(ctx, KeyFor("t", strconv.Itoa(i)), func(context.Context) (int, error) { return i, nil }); err != nil {
			t.Fatal(err)
		}
	}
	has := func(i int) bool {
		_, cached, _ := c.Get(ctx, KeyFor("t", strconv.Itoa(i)), func(context.Context) (int, error) { return -1, errors.New("miss") })
		return cached
	}
	put(1)
	clk.Advance(time.Second)
	put(2)
	clk.Advance(time.Second)
	put(3)
	put(4) // full: 1 is the oldest
	if c.Len() != 3 {
		t.Fatalf("Len %d, want 3", c.Len())
	}
	if has(1) || !has(2) || !has(3) || !has(4) {
		t.Errorf("after the 4th value: want 1 evicted and 2, 3, 4 kept")
	}
	clk.Advance(9 * time.Second) // 2 expired (stored 10 s ago), 3 and 4 still live
	put(5)
	if c.Len() != 3 || has(2) || !has(3) || !has(4) || !has(5) {
		t.Errorf("want the expired value dropped first; Len %d", c.Len())
	}
}

func TestCallerCancelDoesNotCancelSharedFetch(t *testing.T) {
	c := New[int](Options{})
	k := KeyFor("t", "q")
	release := make(chan struct{})
	var fetchErr atomic.Value
	fetch := func(ctx context.Context) (int, error) {
		<-release
		if err := ctx.Err(); err != nil {
			fetchErr.Store(err)
		}
		return 1, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, _, err := c.Get(ctx, k, fetch); done <- err }()
	time.Sleep(20 * time.Millisecond)
	second := make(chan int)
	go func() { v, _, _ := c.Get(context.Background(), k, fetch); second <- v }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled caller: err %v, want context.Canceled", err)
	}
	close(release)
	if v := <-second; v != 1 {
		t.Errorf("other caller got %d, want 1", v)
	}
	if err := fetchErr.Load(); err != nil {
		t.Errorf("shared fetch saw a cancelled context: %v", err)
	}
}
