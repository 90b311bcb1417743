package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"jobboard/internal/explorersim"
	"jobboard/internal/store"
	"jobboard/internal/store/pgtest"
)

// TestSQLite runs the suite against SQLite files in a temp dir.
func TestSQLite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	n := 0
	var mu sync.Mutex
	runStoreSuite(t, func(t *testing.T) string {
		mu.Lock()
		defer mu.Unlock()
		n++
		return filepath.Join(dir, fmt.Sprintf("test-%d.db", n))
	})
}

// TestPostgres runs the suite against a PostgreSQL server the test
// starts, one database per subtest.
func TestPostgres(t *testing.T) {
	t.Parallel()
	srv := pgtest.StartServer(t)
	runStoreSuite(t, func(t *testing.T) string { return srv.NewDatabase(t) })
}

type opener struct {
	dsn   string
	clock *explorersim.ManualClock
}

func newClock() *explorersim.ManualClock {
	return explorersim.NewManualClock(time.Date(2026, 12, 1, 9, 0, 0, 123456000, time.UTC))
}

// open opens the store at o.dsn, closed when the test ends.
func (o opener) open(t *testing.T) *store.Store {
	t.Helper()
	s, err := o.tryOpen(t)
	if err != nil {
		t.Fatalf("Open(%s): %v", o.dsn, err)
	}
	return s
}

func (o opener) tryOpen(t *testing.T) (*store.Store, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := store.Open(ctx, store.Config{
		DSN:    o.dsn,
		Logger: slog.New(slog.DiscardHandler),
		Now:    o.clock.Now,
	})
	if err != nil {
		return nil, err
	}
	t.Cleanup(s.Close)
	return s, nil
}

// runStoreSuite runs every behaviour test against the database newDSN
// names (a fresh, empty one per call). The tests open the store
// themselves so they can open the same database twice (restart, two
// replicas).
func runStoreSuite(t *testing.T, newDSN func(t *testing.T) string) {
	tests := []struct {
		name string
		fn   func(t *testing.T, o opener)
	}{
		{"ReopenKeepsViewsAndSessions", testReopenKeepsData},
		{"MigrationsAppliedOnce", testMigrationsIdempotent},
		{"ConcurrentOpensOfOneDatabase", testConcurrentOpens},
		{"CreateAndReadBack", testCreateAndReadBack},
		{"InvalidViewsRefused", testInvalidViews},
		{"SlugTakenSuggestsNextFree", testSlugTaken},
		{"SameNameConcurrentlyGetsUniqueSlugs", testConcurrentSameName},
		{"UpdateWithStaleVersionConflicts", testUpdateConflict},
		{"ConcurrentUpdatesOneWins", testConcurrentUpdates},
		{"UpdateToTakenSlug", testUpdateSlugTaken},
		{"ViewLimitPerAccount", testViewLimit},
		{"PrivateViewsInvisibleToOthers", testVisibility},
		{"PinsFollowVisibility", testPins},
		{"DeleteView", testDeleteView},
		{"SessionCapEndsOldest", testSessionCap},
		{"SessionCapHoldsUnderConcurrentSignIns", testSessionCapConcurrent},
		{"ExpiredSessionsAreNotLive", testSessionExpiry},
		{"SweepDeletesOnlyExpired", testSessionSweep},
		{"TouchAndDeleteSessions", testTouchDelete},
		{"SignInFailures", testSignInFailures},
		{"KnownSignInAddresses", testKnownSignInAddresses},
		{"CanceledContext", testCanceledContext},
		{"SweeperReclaimsExpiredRows", testSweeper},
		{"ClosedStoreIsUnavailable", testClosedStore},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, opener{dsn: newDSN(t), clock: newClock()})
		})
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func mustCreate(t *testing.T, s *store.Store, v store.View) store.View {
	t.Helper()
	got, err := s.CreateView(ctxT(t), v)
	if err != nil {
		t.Fatalf("CreateView(%q): %v", v.Slug, err)
	}
	return got
}

func view(owner, name string, shared bool) store.View {
	return store.View{Owner: owner, Name: name, Slug: store.Slugify(name), Shared: shared, Path: "/jobs?status=failed"}
}

func testReopenKeepsData(t *testing.T, o opener) {
	ctx := ctxT(t)
	s := o.open(t)
	v := mustCreate(t, s, view("alice", "Nightly PageRank failures", true))
	if err := s.PinView(ctx, "bob", v.ID); err != nil {
		t.Fatal(err)
	}
	sess := store.LiveSession{IDHash: []byte("hash-1"), Account: "alice", ExpiresAt: o.clock.Now().Add(time.Hour)}
	if _, err := s.CreateSession(ctx, sess, 20); err != nil {
		t.Fatal(err)
	}
	signedOut := store.LiveSession{IDHash: []byte("hash-2"), Account: "alice", ExpiresAt: o.clock.Now().Add(time.Hour)}
	if _, err := s.CreateSession(ctx, signedOut, 20); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, signedOut.IDHash); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s2 := o.open(t)
	got, err := s2.ViewBySlug(ctx, "bob", v.Slug)
	if err != nil {
		t.Fatalf("after reopening: ViewBySlug: %v", err)
	}
	if got != v {
		t.Errorf("after reopening: view = %+v, want %+v", got, v)
	}
	if pins, err := s2.PinnedViews(ctx, "bob"); err != nil || len(pins) != 1 || pins[0].ID != v.ID {
		t.Errorf("after reopening: PinnedViews(bob) = %+v, %v; want the one view", pins, err)
	}
	if ls, err := s2.LookupSession(ctx, sess.IDHash); err != nil || ls.Account != "alice" {
		t.Errorf("after reopening: LookupSession = %+v, %v; want alice's session", ls, err)
	}
	if _, err := s2.LookupSession(ctx, signedOut.IDHash); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after reopening: the signed-out session: LookupSession err = %v, want ErrNotFound", err)
	}
}

// migrationCount is how many migrations each dialect has (the files in
// migrations/sqlite; migrations/postgres has as many, numbered alike).
func migrationCount(t *testing.T) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("migrations", "sqlite", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found: %v", err)
	}
	return len(files)
}

func testMigrationsIdempotent(t *testing.T, o opener) {
	want := migrationCount(t)
	first := o.open(t)
	first.Close()
	second := o.open(t)
	if first.MigrationsApplied() != want || first.SchemaVersion() != int64(want) {
		t.Errorf("first open: applied %d migrations, schema version %d; want %d, %d", first.MigrationsApplied(), first.SchemaVersion(), want, want)
	}
	if second.MigrationsApplied() != 0 || second.SchemaVersion() != int64(want) {
		t.Errorf("second open: applied %d migrations, schema version %d; want 0, %d", second.MigrationsApplied(), second.SchemaVersion(), want)
	}
}

func testConcurrentOpens(t *testing.T, o opener) {
	const replicas = 4
	var wg sync.WaitGroup
	stores := make([]*store.Store, replicas)
	errs := make([]error, replicas)
	for i := range replicas {
		wg.Go(func() { stores[i], errs[i] = o.tryOpen(t) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: Open: %v", i, err)
		}
	}
	applied := 0
	for _, s := range stores {
		applied += s.MigrationsApplied()
	}
	if want := migrationCount(t); applied != want {
		t.Errorf("the %d replicas applied %d migrations between them, want %d", replicas, applied, want)
	}
	// Each sees what another wrote.
	v := mustCreate(t, stores[0], view("alice", "Shared board", true))
	if got, err := stores[replicas-1].ViewBySlug(ctxT(t), "bob", v.Slug); err != nil || got.ID != v.ID {
		t.Errorf("another replica: ViewBySlug = %+v, %v", got, err)
	}
}

func testCreateAndReadBack(t *testing.T, o opener) {
	ctx := ctxT(t)
	s := o.open(t)
	in := store.View{
		Owner: "alice", Name: `Louvain <runs> & "friends" 周报`, Slug: "louvain",
		Description: "last week's 中文 runs", Shared: false,
		Path: "/workflows/7/jobs?status=failed&from=2026-11-01",
	}
	got := mustCreate(t, s, in)
	now := o.clock.Now().Truncate(time.Microsecond)
	if got.ID == 0 || got.Version != 1 || !got.CreatedAt.Equal(now) || !got.UpdatedAt.Equal(now) {
		t.Errorf("created view: ID %d, version %d, created %s, updated %s; want an ID, version 1, both %s",
			got.ID, got.Version, got.CreatedAt, got.UpdatedAt, now)
	}
	back, err := s.ViewBySlug(ctx, "alice", "louvain")
	if err != nil {
		t.Fatal(err)
	}
	if back != got {
		t.Errorf("read back %+v, want %+v", back, got)
	}
	if back.Name != in.Name || back.Description != in.Description || back.Path != in.Path {
		t.Errorf("text changed on the way: %+v", back)
	}
	byID, err := s.ViewByID(ctx, "alice", got.ID)
	if err != nil || byID != got {
		t.Errorf("ViewByID = %+v, %v", byID, err)
	}
	if _, err := s.ViewBySlug(ctx, "alice", "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown slug: err = %v, want ErrNotFound", err)
	}
	if n, err := s.CountViewsOwnedBy(ctx, "alice"); err != nil || n != 1 {
		t.Errorf("CountViewsOwnedBy = %d, %v; want 1", n, err)
	}
}

func testInvalidViews(t *testing.T, o opener) {
	s := o.open(t)
	long := string(bytes.Repeat([]byte("x"), store.MaxNameLen+1))
	for name, v := range map[string]store.View{
		"bad slug":      {Owner: "a", Name: "n", Slug: "Not A Slug", Path: "/jobs"},
		"empty name":    {Owner: "a", Name: " ", Slug: "x", Path: "/jobs"},
		"long name":     {Owner: "a", Name: long, Slug: "x", Path: "/jobs"},
		"no owner":      {Name: "n", Slug: "x", Path: "/jobs"},
		"relative path": {Owner: "a", Name: "n", Slug: "x", Path: "jobs"},
		"long path":     {Owner: "a", Name: "n", Slug: "x", Path: "/" + string(bytes.Repeat([]byte("q"), store.MaxPathLen))},
		"two-line name": {Owner: "a", Name: "n\nx", Slug: "x", Path: "/jobs"},
		"control char":  {Owner: "a", Name: "n", Description: "a\x1bb", Slug: "x", Path: "/jobs"},
		"not UTF-8":     {Owner: "a", Name: "n\xff", Slug: "x", Path: "/jobs"},
	} {
		if _, err := s.CreateView(ctxT(t), v); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%s: CreateView err = %v, want ErrInvalid", name, err)
		}
	}
	if n, _ := s.CountViewsOwnedBy(ctxT(t), "a"); n != 0 {
		t.Errorf("%d invalid views stored", n)
	}
}

func testSlugTaken(t *testing.T, o opener) {
	ctx := ctxT(t)
	s := o.open(t)
	mustCreate(t, s, view("alice", "Nightly", false))
	_, err := s.CreateView(ctx, view("bob", "Nightly", false))
	var taken *store.SlugTakenError
	if !errors.Is(err, store.ErrSlugTaken) || !errors.As(err, &taken) || taken.Suggestion != "nightly-2" {
		t.Fatalf("second \"nightly\": err = %v, want ErrSlugTaken suggesting nightly-2", err)
	}
	mustCreate(t, s, store.View{Owner: "bob", Name: "Nightly", Slug: taken.Suggestion, Path: "/jobs"})
	if free, err := s.NextFreeSlug(ctx, "nightly"); err != nil || free != "nightly-3" {
		t.Errorf("NextFreeSlug(nightly) = %q, %v; want nightly-3", free, err)
	}
	if free, err := s.NextFreeSlug(ctx, "other"); err != nil || free != "other" {
		t.Errorf("NextFreeSlug(other) = %q, %v; want other", free, err)
	}
	// A slug of the full length makes room for the suffix.
	long := "abcdefghij-abcdefghij-abcdefghij-abcdefg" // 40
	mustCreate(t, s, store.View{Owner: "bob", Name: "Long", Slug: long, Path: "/jobs"})
	free, err := s.NextFreeSlug(ctx, long)
	if err != nil || free != long[:38]+"-2" {
		t.Errorf("NextFreeSlug(40 chars) = %q, %v; want %q", free, err, long[:38]+"-2")
	}
	// A taken slug stores nothing and counts nothing.
	if n, _ := s.CountViewsOwnedBy(ctx, "bob"); n != 2 {
		t.Errorf("bob owns %d views, want 2", n)
	}
}

func testConcurrentSameName(t *testing.T, o opener) {
	s := o.open(t)
	const n = 50
	var wg sync.WaitGroup
	views := make([]store.View, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			views[i], errs[i] = s.CreateViewUniqueSlug(ctxT(t), store.View{
				Owner: fmt.Sprintf("user%d", i%5), Name: "Everything running now", Path: "/jobs?status=running",
			})
		})
	}
	wg.Wait()
	slugs := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if slugs[views[i].Slug] {
			t.Fatalf("slug %q given twice", views[i].Slug)
		}
		slugs[views[i].Slug] = true
	}
	want := map[string]bool{"everything-running-now": true}
	for i := 2; i <= n; i++ {
		want[fmt.Sprintf("everything-running-now-%d", i)] = true
	}
	for slug := range want {
		if !slugs[slug] {
			t.Errorf("slug %q not given; got %v", slug, slugs)
		}
	}
	all, err := s.ViewsVisibleTo(ctxT(t), "user0")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != n/5 {
		t.Errorf("user0 sees %d views, want %d", len(all), n/5)
	}
}

func testUpdateConflict(t *testing.T, o opener) {
	ctx := ctxT(t)
	s := o.open(t)
	v := mustCreate(t, s, view("alice", "Nightly", false))
	o.clock.Advance(time.Minute)
	first := v
	first.Name, first.Shared = "Nightly failures", true
	saved, err := s.UpdateView(ctx, "alice", first, v.Version)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Version != 2 || saved.Name != "Nightly failures" || !saved.Shared || !saved.UpdatedAt.Equal(o.clock.Now().Truncate(time.Microsecond)) || !saved.CreatedAt.Equal(v.CreatedAt) {
		t.Errorf("updated view %+v: want version 2, the new name, shared, updated now, created unchanged", saved)
	}
	// The second editor still has version 1.
	second := v
	second.Description = "mine"
	current, err := s.UpdateView(ctx, "alice", second, v.Version)
	var conflict *store.ConflictError
	if !errors.Is(err, store.ErrConflict) || !errors.As(err, &conflict) {
		t.Fatalf("stale update: err = %v, want ErrConflict", err)
	}
	if current != saved || conflict.Current != saved {
		t.Errorf("stale update returned %+v / %+v, want the stored view %+v", current, conflict.Current, saved)
	}
	back, _ := s.ViewByID(ctx, "alice", v.ID)
	if back.Description != "" || back.Version != 2 {
		t.Errorf("the stale update was written: %+v", back)
	}
}

func testConcurrentUpdates(t *testing.T, o opener) {
	s := o.open(t)
	v := mustCreate(t, s, view("alice", "Race", false))
	const n = 10
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			u := v
			u.Description = fmt.Sprintf("editor %d", i)
			_, errs[i] = s.UpdateView(ctxT(t), "alice", u, v.Version)
		})
	}
	wg.Wait()
	wins, winner := 0, -1
	for i, err := range errs {
		switch {
		case err == nil:
			wins++
			winner = i
		case !errors.Is(err, store.ErrConflict):
			t.Errorf("editor %d: err = %v, want nil or ErrConflict", i, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d updates with the same version won, want exactly 1", wins)
	}
	back, _ := s.ViewByID(ctxT(t), "alice", v.ID)
	if back.Version != 2 || back.Description != fmt.Sprintf("editor %d", winner) {
		t.Errorf("stored %+v, want version 2 and the winner's description", back)
	}
}

func testUpdateSlugTaken(t *testing.T, o opener) {
	ctx := ctxT(t)
	s := o.open(t)
	mustCreate(t, s, view("alice", "Taken", false))
	v := mustCreate(t, s, view("alice", "Mine", false))
	v.Slug = "taken"
	_, err := s.UpdateView(ctx, "alice", v, v.Version)
	var taken *store.SlugTakenError
	if !errors.As(err, &taken) || !errors.Is(err, store.ErrSlugTaken) || taken.Suggestion != "taken-2" {
		t.Fatalf("rename to a taken slug: err = %v, want ErrSlugTaken suggesting taken-2", err)
	}
	v.Slug = "taken-2"
	if got, err := s.UpdateView(ctx, "alice", v, v.Version); err != nil || got.Slug != "taken-2" {
		t.Errorf("rename to the suggestion: %+v, %v", got, err)
	}
	if _, err := s.ViewBySlug(ctx, "alice", "mine"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("old slug after rename: err = %v, want ErrNotFound", err)
	}
}

func testViewLimit(t *testing.T, o opener) {
	ctx := ctxT(t)
	s := o.open(t)
	limit := s.MaxViewsPerAccount()
	if limit != store.DefaultMaxViewsPerAccount {
		t.Fatalf("MaxViewsPerAccount = %d, want %d", limit, store.DefaultMaxViewsPerAccount)
	}
	for i := range limit - 1 {
		mustCreate(t, s, store.View{Owner: "alice", Name: "v", Slug: fmt.Sprintf("v%d", i), Path: "/jobs"})
	}
	// The last free place, raced for by several requests: one gets it.
	const racers = 8
	var wg sync.WaitGroup
	errs := make([]error, racers)
	for i := range racers {
		wg.Go(func() {
			_, errs[i] = s.CreateView(ctxT(t), store.View{Owner: "alice", Name: "r", Slug: fmt.Sprintf("race%d", i), Path: "/jobs"})
		})
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, store.ErrLimit):
			t.Errorf("racer %d: err = %v, want nil or ErrLimit", i, err)
		}
	}
	if ok != 1 {
		t.Errorf("%d racers created the %dth view, want 1", ok, limit)
	}
	if n, _ := s.CountViewsOwnedBy(ctx, "alice"); n != limit {
		t.Errorf("alice owns %d views, want %d", n, limit)
	}
	if _, err := s.CreateViewUniqueSlug(ctx, view("alice", "One more", false)); !errors.Is(err, store.ErrLimit) {
		t.Errorf("view %d: err = %v, want ErrLimit", limit+1, err)
	}
	// Another account is not limited by alice's views.
	mustCreate(t, s, view("bob", "Bob's", false))
	// Deleting one makes room again.
	views, _ := s.ViewsVisibleTo(ctx, "alice")
	if err := s.DeleteView(ctx, "alice", views[0].ID); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, view("alice", "One more", false))
}

func testVisibility(t *testing.T, o opener) {
	ctx := ctxT(t)
	s := o.open(t)
	private := mustCreate(t, s, view("alice", "Alice private", false))
	shared := mustCreate(t, s, view("alice", "Alice shared", true))
	bobs := mustCreate(t, s, view("bob", "Bob private", false))

	if _, err := s.ViewBySlug(ctx, "bob", private.Slug); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bob opens alice's private view: err = %v, want ErrNotFound", err)
	}
	if _, err := s.ViewByID(ctx, "bob", private.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bob opens alice's private view by ID: err = %v, want ErrNotFound", err)
	}
	if got, err := s.ViewBySlug(ctx, "bob", shared.Slug); err != nil || got.ID != shared.ID {
		t.Errorf("bob opens alice's shared view: %+v, %v", got, err)
	}
	slugs := func(account string) []string {
		vs, err := s.ViewsVisibleTo(ctx, account)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, v := range vs {
			out = append(out, v.Slug)
		}
		return out
	}
	if got := fmt.Sprint(slugs("bob")); got != "[alice-shared bob-private]" {
		t.Errorf("bob sees %s, want [alice-shared bob-private]", got)
	}
	if got := fmt.Sprint(slugs("alice")); got != "[alice-private alice-shared]" {
		t.Errorf("alice sees %s, want [alice-private alice-shared]", got)
	}
	if got := fmt.Sprint(slugs("carol")); got != "[alice-shared]" {
		t.Errorf("carol sees %s, want [alice-shared]", got)
	}

	// Changing and deleting: never for another account; the private view
	// is not even admitted to exist.
	edit := private
	edit.Name = "bob was here"
	if _, err := s.UpdateView(ctx, "bob", edit, edit.Version); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bob updates alice's private view: err = %v, want ErrNotFound", err)
	}
	edit = shared
	edit.Name = "bob was here"
	if _, err := s.UpdateView(ctx, "bob", edit, edit.Version); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("bob updates alice's shared view: err = %v, want ErrForbidden", err)
	}
	if err := s.DeleteView(ctx, "bob", private.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bob deletes alice's private view: err = %v, want ErrNotFound", err)
	}
	if err := s.DeleteView(ctx, "bob", shared.ID); !errors.Is(err, store.ErrForbidden) {
		t.Errorf("bob deletes alice's shared view: err = %v, want ErrForbidden", err)
	}
	for _, v := range []store.View{private, shared} {
		if got, err := s.ViewByID(ctx, "alice", v.ID); err != nil || got != v {
			t.Errorf("alice's view after bob's attempts: %+v, %v; want unchanged %+v", got, err, v)
		}
	}
	if err := s.DeleteView(ctx, "alice", bobs.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("alice deletes bob's private view: err = %v, want ErrNotFound", err)
	}
}

func testPins(t *testing.T, o opener) {
	ctx := ctxT(t)
	s := o.open(t)
	a := mustCreate(t, s, view("alice", "A", true))
	b := mustCreate(t, s, view("alice", "B", true))
	private := mustCreate(t, s, view("alice", "Private", false))
	for _, v := range []store.View{b, a, b} { // pinning twice is one pin
		if err := s.PinView(ctx, "bob", v.ID); err != nil {
			t.Fatalf("PinView(%s): %v", v.Slug, err)
		}
		o.clock.Advance(time.Second)
	}
	if err := s.PinView(ctx, "bob", private.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("bob pins alice's private view: err = %v, want ErrNotFound", err)
	}
	if err := s.PinView(ctx, "bob", 999999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("pin of no view: err = %v, want ErrNotFound", err)
	}
	pinned := func(account string) string {
		vs, err := s.PinnedViews(ctx, account)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, v := range vs {
			out = append(out, v.Slug)
		}
		return fmt.Sprint(out)
	}
	if got := pinned("bob"); got != "[b a]" {
		t.Errorf("bob's pins = %s, want [b a] (in pin order)", got)
	}
	if got := pinned("alice"); got != "[]" {
		t.Errorf("alice's pins = %s, want none", got)
	}
	// Alice makes b private: it drops off bob's pins.
	b.Shared = false
	if _, err := s.UpdateView(ctx, "alice", b, b.Version); err != nil {
		t.Fatal(err)
	}
	if got := pinned("bob"); got != "[a]" {
		t.Errorf("bob's pins after b went private = %s, want [a]", got)
	}
	if err := s.UnpinView(ctx, "bob", a.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.UnpinView(ctx, "bob", a.ID); err != nil {
		t.Errorf("second unpin: %v", err)
	}
	if got := pinned("bob"); got != "[]" {
		t.Errorf("bob's pins after unpinning = %s, want none", got)
	}
}

func testDeleteView(t *testing.T, o opener) {
	ctx := ctxT(t)
	s := o.open(t)
	v := mustCreate(t, s, view("alice", "Gone soon", true))
	if err := s.PinView(ctx, "bob", v.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteView(ctx, "alice", v.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ViewBySlug(ctx, "alice", v.Slug); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted view: err = %v, want ErrNotFound", err)
	}
	if pins, err := s.PinnedViews(ctx, "bob"); err != nil || len(pins) != 0 {
		t.Errorf("pins of a deleted view: %+v, %v", pins, err)
	}
	if err := s.DeleteView(ctx, "alice", v.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: err = %v, want ErrNotFound", err)
	}
	// The slug is free again.
	if free, err := s.NextFreeSlug(ctx, v.Slug); err != nil || free != v.Slug {
		t.Errorf("NextFreeSlug after delete = %q, %v; want %q", free, err, v.Slug)
	}
}

func session(id, account string, created time.Time) store.LiveSession {
	return store.LiveSession{IDHash: []byte(id), Account: account, CreatedAt: created, ExpiresAt: created.Add(12 * time.Hour)}
}

func testSessionCap(t *testing.T, o opener) {
	ctx := ctxT(t)
	s := o.open(t)
	const max = 3
	start := o.clock.Now()
	for i := range max {
		ended, err := s.CreateSession(ctx, session(fmt.Sprintf("s%d", i), "alice", start.Add(time.Duration(i)*time.Minute)), max)
		if err != nil || ended != 0 {
			t.Fatalf("session %d: ended %d, %v; want 0, nil", i, ended, err)
		}
	}
	if _, err := s.CreateSession(ctx, session("bob1", "bob", start), max); err != nil {
		t.Fatal(err)
	}
	ended, err := s.CreateSession(ctx, session("s3", "alice", start.Add(10*time.Minute)), max)
	if err != nil || ended != 1 {
		t.Fatalf("fourth session: ended %d, %v; want 1, nil", ended, err)
	}
	if _, err := s.LookupSession(ctx, []byte("s0")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the oldest session after the cap: err = %v, want ErrNotFound", err)
	}
	for _, id := range []string{"s1", "s2", "s3", "bob1"} {
		if _, err := s.LookupSession(ctx, []byte(id)); err != nil {
			t.Errorf("session %s: %v, want live", id, err)
		}
	}
	// A new session is never the one ended, even with an older time.
	ended, err = s.CreateSession(ctx, session("early", "alice", start.Add(-time.Hour)), max)
	if err != nil || ended != 1 {
		t.Fatalf("session with an early time: ended %d, %v; want 1, nil", ended, err)
	}
	live, err := s.AccountSessions(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, ls := range live {
		ids = append(ids, string(ls.IDHash))
	}
	if got := fmt.Sprint(ids); got != "[s3 s2 early]" {
		t.Errorf("alice's live sessions = %s, want [s3 s2 early]", got)
	}
	if _, err := s.CreateSession(ctx, session("s3", "alice", start), max); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a live ID again: err = %v, want ErrConflict", err)
	}
	// A cap of 1 leaves only the new session.
	if ended, err := s.CreateSession(ctx, session("only", "alice", start.Add(time.Hour)), 1); err != nil || ended != 3 {
		t.Errorf("cap 1: ended %d, %v; want 3", ended, err)
	}
}

func testSessionCapConcurrent(t *testing.T, o opener) {
	s := o.open(t)
	const max, signIns = 3, 12
	start := o.clock.Now()
	var wg sync.WaitGroup
	ended := make([]int, signIns)
	errs := make([]error, signIns)
	for i := range signIns {
		wg.Go(func() {
			ended[i], errs[i] = s.CreateSession(ctxT(t), session(fmt.Sprintf("c%d", i), "alice", start.Add(time.Duration(i)*time.Second)), max)
		})
	}
	wg.Wait()
	total := 0
	for i, err := range errs {
		if err != nil {
			t.Fatalf("sign-in %d: %v", i, err)
		}
		total += ended[i]
	}
	live, err := s.AccountSessions(ctxT(t), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if len(live) != max || total != signIns-max {
		t.Errorf("after %d concurrent sign-ins with a cap of %d: %d live, %d ended; want %d and %d",
			signIns, max, len(live), total, max, signIns-max)
	}
}

func testSessionExpiry(t *testing.T, o opener) {
	ctx := ctxT(t)
	s := o.open(t)
	now := o.clock.Now()
	ls := store.LiveSession{IDHash: []byte{0, 1, 2, 255}, Account: "alice", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if _, err := s.CreateSession(ctx, ls, 20); err != nil {
		t.Fatal(err)
	}
	got, err := s.LookupSession(ctx, ls.IDHash)
	if err != nil {
		t.Fatal(err)
	}
	want := ls
	want.CreatedAt, want.LastSeen, want.ExpiresAt = now.Truncate(time.Microsecond), now.Truncate(time.Microsecond), ls.ExpiresAt.Truncate(time.Microsecond)
	if !bytes.Equal(got.IDHash, want.IDHash) || got.Account != want.Account || !got.CreatedAt.Equal(want.CreatedAt) ||
		!got.LastSeen.Equal(want.LastSeen) || !got.ExpiresAt.Equal(want.ExpiresAt) {
		t.Errorf("LookupSession = %+v, want %+v", got, want)
	}
	if seen, err := s.SessionLastSeen(ctx, ls.IDHash); err != nil || !seen.Equal(want.LastSeen) {
		t.Errorf("SessionLastSeen = %s, %v; want %s", seen, err, want.LastSeen)
	}
	o.clock.Advance(time.Hour - time.Microsecond)
	if _, err := s.LookupSession(ctx, ls.IDHash); err != nil {
		t.Errorf("a microsecond before expiry: %v, want live", err)
	}
	if _, err := s.SessionLastSeen(ctx, ls.IDHash); err != nil {
		t.Errorf("SessionLastSeen a microsecond before expiry: %v, want live", err)
	}
	o.clock.Advance(time.Microsecond)
	if _, err := s.LookupSession(ctx, ls.IDHash); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("at expiry: err = %v, want ErrNotFound", err)
	}
	if _, err := s.SessionLastSeen(ctx, ls.IDHash); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SessionLastSeen at expiry: err = %v, want ErrNotFound", err)
	}
	if err := s.TouchSession(ctx, ls.IDHash, o.clock.Now()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("touching an expired session: err = %v, want ErrNotFound", err)
	}
	if live, _ := s.AccountSessions(ctx, "alice"); len(live) != 0 {
		t.Errorf("AccountSessions lists %d expired sessions", len(live))
	}
	// A new sign-in clears the account's expired sessions and counts
	// only live ones against the cap.
	if ended, err := s.CreateSession(ctx, session("new", "alice", o.clock.Now()), 1); err != nil || ended != 0 {
		t.Errorf("sign-in after expiry: ended %d, %v; want 0 (expired ones are not ended)", ended, err)
	}
	if _, err := s.CreateSession(ctx, store.LiveSession{IDHash: []byte("x"), Account: "a", CreatedAt: now, ExpiresAt: now}, 1); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("session expiring when made: err = %v, want ErrInvalid", err)
	}
}

func testSessionSweep(t *testing.T, o opener) {
	ctx := ctxT(t)
	s := o.open(t)
	now := o.clock.Now()
	for i := range 5 {
		ls := store.LiveSession{IDHash: fmt.Appendf(nil, "s%d", i), Account: fmt.Sprintf("u%d", i), CreatedAt: now,
			ExpiresAt: now.Add(time.Duration(i+1) * time.Hour)}
		if _, err := s.CreateSession(ctx, ls, 20); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.SweepExpiredSessions(ctx, now.Add(2*time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("sweep at +2h: %d, %v; want 2 (those expiring at +1h and +2h)", n, err)
	}
	o.clock.Advance(time.Minute)
	for i := range 5 {
		_, err := s.LookupSession(ctx, fmt.Appendf(nil, "s%d", i))
		if live := err == nil; live != (i >= 2) {
			t.Errorf("session s%d after the sweep: err = %v", i, err)
		}
	}
	if n, err := s.SweepExpiredSessions(ctx, now.Add(2*time.Hour)); err != nil || n != 0 {
		t.Errorf("second sweep: %d, %v; want 0", n, err)
	}
}

func testTouchDelete(t *testing.T, o opener) {
	ctx := ctxT(t)
	s := o.open(t)
	now := o.clock.Now()
	ls := session("t1", "alice", now)
	if _, err := s.CreateSession(ctx, ls, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateSession(ctx, session("t2", "alice", now), 20); err != nil {
		t.Fatal(err)
	}
	later := now.Add(5 * time.Minute)
	if err := s.TouchSession(ctx, ls.IDHash, later); err != nil {
		t.Fatal(err)
	}
	// An older touch (a slower replica) does not move it back.
	if err := s.TouchSession(ctx, ls.IDHash, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, err := s.LookupSession(ctx, ls.IDHash)
	if err != nil || !got.LastSeen.Equal(later.Truncate(time.Microsecond)) {
		t.Errorf("after touches: %+v, %v; want last seen %s", got, err, later)
	}
	if seen, err := s.SessionLastSeen(ctx, ls.IDHash); err != nil || !seen.Equal(later.Truncate(time.Microsecond)) {
		t.Errorf("SessionLastSeen after touches: %s, %v; want %s", seen, err, later)
	}
	if _, err := s.SessionLastSeen(ctx, []byte("none")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SessionLastSeen of no session: err = %v, want ErrNotFound", err)
	}
	if err := s.TouchSession(ctx, []byte("none"), later); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("touch of no session: err = %v, want ErrNotFound", err)
	}
	if err := s.DeleteSession(ctx, ls.IDHash); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LookupSession(ctx, ls.IDHash); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after sign-out: err = %v, want ErrNotFound", err)
	}
	if _, err := s.SessionLastSeen(ctx, ls.IDHash); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SessionLastSeen after sign-out: err = %v, want ErrNotFound", err)
	}
	if err := s.DeleteSession(ctx, ls.IDHash); err != nil {
		t.Errorf("second sign-out: %v, want nil", err)
	}
	if _, err := s.CreateSession(ctx, session("b1", "bob", now), 20); err != nil {
		t.Fatal(err)
	}
	if n, err := s.DeleteAccountSessions(ctx, "alice"); err != nil || n != 1 {
		t.Errorf("DeleteAccountSessions(alice) = %d, %v; want 1", n, err)
	}
	if _, err := s.LookupSession(ctx, []byte("b1")); err != nil {
		t.Errorf("bob's session after alice signed out everywhere: %v", err)
	}
}

func testSignInFailures(t *testing.T, o opener) {
	ctx := ctxT(t)
	s := o.open(t)
	now := o.clock.Now()
	for i := range 4 {
		if err := s.RecordSignInFailure(ctx, "alice", now.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordSignInFailure(ctx, "bob", now); err != nil {
		t.Fatal(err)
	}
	n, last, err := s.SignInFailures(ctx, "alice", now.Add(time.Minute))
	if err != nil || n != 3 || !last.Equal(now.Add(3*time.Minute).Truncate(time.Microsecond)) {
		t.Errorf("SignInFailures(alice, +1m) = %d, %s, %v; want 3, +3m", n, last, err)
	}
	if n, last, err := s.SignInFailures(ctx, "carol", now); err != nil || n != 0 || !last.IsZero() {
		t.Errorf("SignInFailures(carol) = %d, %s, %v; want 0, zero time", n, last, err)
	}
	if err := s.ClearSignInFailures(ctx, "alice"); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := s.SignInFailures(ctx, "alice", now.Add(-time.Hour)); n != 0 {
		t.Errorf("after clearing: %d failures", n)
	}
	if n, err := s.SweepSignInFailures(ctx, now.Add(time.Second)); err != nil || n != 1 {
		t.Errorf("sweep: %d, %v; want bob's one", n, err)
	}

	// An account under attack keeps only its newest failures.
	for i := range store.MaxSignInFailuresKept + 20 {
		if err := s.RecordSignInFailure(ctx, "carol", now.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	n, last, err = s.SignInFailures(ctx, "carol", time.Time{})
	wantLast := now.Add(time.Duration(store.MaxSignInFailuresKept+19) * time.Second).Truncate(time.Microsecond)
	if err != nil || n != store.MaxSignInFailuresKept || !last.Equal(wantLast) {
		t.Errorf("after %d failures: SignInFailures = %d, %s, %v; want %d, the newest %s",
			store.MaxSignInFailuresKept+20, n, last, err, store.MaxSignInFailuresKept, wantLast)
	}
	if n, _, _ := s.SignInFailures(ctx, "carol", now.Add(20*time.Second)); n != store.MaxSignInFailuresKept {
		t.Errorf("the kept failures are not the newest: %d since the 21st, want %d", n, store.MaxSignInFailuresKept)
	}
}

// testKnownSignInAddresses checks the addresses an account signed in
// from: known per account, bounded to the most recent, swept by age.
func testKnownSignInAddresses(t *testing.T, o opener) {
	ctx := ctxT(t)
	s := o.open(t)
	now := o.clock.Now()
	known := func(account, client string) bool {
		t.Helper()
		ok, err := s.KnownSignInAddress(ctx, account, client, now.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if err := s.RecordSignInSuccess(ctx, "alice", "ip:10.0.0.1", now); err != nil {
		t.Fatal(err)
	}
	if !known("alice", "ip:10.0.0.1") || known("alice", "ip:10.0.0.2") || known("bob", "ip:10.0.0.1") {
		t.Error("an address is known for the account it signed in to, and only there")
	}
	for i := range store.MaxKnownAddressesPerAccount {
		if err := s.RecordSignInSuccess(ctx, "alice", fmt.Sprintf("ip:10.0.1.%d", i), now.Add(time.Duration(i+1)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if known("alice", "ip:10.0.0.1") || !known("alice", "ip:10.0.1.0") {
		t.Errorf("beyond %d addresses the least recent is not the one forgotten", store.MaxKnownAddressesPerAccount)
	}
	if n, err := s.SweepKnownAddresses(ctx, now.Add(time.Minute)); err != nil || n != store.MaxKnownAddressesPerAccount {
		t.Errorf("sweep: %d, %v; want %d", n, err, store.MaxKnownAddressesPerAccount)
	}
}

func testCanceledContext(t *testing.T, o opener) {
	s := o.open(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.CreateView(ctx, view("alice", "x", false)); !errors.Is(err, context.Canceled) {
		t.Errorf("CreateView with a canceled context: err = %v, want context.Canceled", err)
	}
	if _, err := s.LookupSession(ctx, []byte("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("LookupSession with a canceled context: err = %v, want context.Canceled", err)
	}
	if _, err := s.SessionLastSeen(ctx, []byte("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("SessionLastSeen with a canceled context: err = %v, want context.Canceled", err)
	}
	if err := s.Ping(ctx); err == nil {
		t.Error("Ping with a canceled context: nil error")
	}
	if err := s.Ping(ctxT(t)); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

// TestPostgresDownAndBack: while the server is down every call fails
// with an error that is none of the sentinels (so a caller answers 503
// rather than "signed out" or "no such view"), quickly; once it is back
// the same Store works again and nothing was lost.
func TestPostgresDownAndBack(t *testing.T) {
	t.Parallel()
	srv := pgtest.StartServer(t)
	o := opener{dsn: srv.NewDatabase(t), clock: newClock()}
	s := o.open(t)
	ctx := ctxT(t)
	v := mustCreate(t, s, view("alice", "Survives", true))
	ls := session("down-1", "alice", o.clock.Now())
	if _, err := s.CreateSession(ctx, ls, 20); err != nil {
		t.Fatal(err)
	}

	srv.Kill()
	start := time.Now()
	sentinels := []error{store.ErrNotFound, store.ErrConflict, store.ErrSlugTaken, store.ErrLimit, store.ErrForbidden, store.ErrInvalid}
	check := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s with the server down: nil error", what)
			return
		}
		for _, sentinel := range sentinels {
			if errors.Is(err, sentinel) {
				t.Errorf("%s with the server down: %v, which matches %v", what, err, sentinel)
			}
		}
	}
	_, err := s.LookupSession(ctx, ls.IDHash)
	check("LookupSession", err)
	if !store.IsUnavailable(err) {
		t.Errorf("LookupSession with the server down: IsUnavailable(%v) = false", err)
	}
	_, err = s.SessionLastSeen(ctx, ls.IDHash)
	check("SessionLastSeen", err)
	check("DeleteSession", s.DeleteSession(ctx, ls.IDHash))
	_, err = s.ViewBySlug(ctx, "alice", v.Slug)
	check("ViewBySlug", err)
	check("Ping", s.Ping(ctx))
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("four calls with the server down took %s", d)
	}

	t.Logf("calls while down took %s", time.Since(start))
	restart := time.Now()
	srv.Restart()
	t.Logf("restart took %s", time.Since(restart))
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping after the server came back: %v", err)
	}
	if got, err := s.LookupSession(ctx, ls.IDHash); err != nil || got.Account != "alice" {
		t.Errorf("LookupSession after the server came back: %+v, %v", got, err)
	}
	if got, err := s.ViewBySlug(ctx, "bob", v.Slug); err != nil || got.ID != v.ID {
		t.Errorf("ViewBySlug after the server came back: %+v, %v", got, err)
	}
}

func testSweeper(t *testing.T, o opener) {
	ctx := ctxT(t)
	s := o.open(t)
	now := o.clock.Now()
	if _, err := s.CreateSession(ctx, session("old", "alice", now), 20); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{now.Add(-2 * time.Hour), now} {
		if err := s.RecordSignInFailure(ctx, "alice", at); err != nil {
			t.Fatal(err)
		}
	}
	o.clock.Advance(13 * time.Hour) // past the session's 12 h
	sweepCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { s.RunSweeper(sweepCtx, 10*time.Millisecond, 12*time.Hour); close(done) }()
	defer func() { stop(); <-done }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, _, err := s.SignInFailures(ctx, "alice", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the sweeper left %d sign-in failures older than its window", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	// The failures 15 h and 13 h old are gone; so is the session that
	// expired an hour ago (a sweep now finds nothing left).
	if n, err := s.SweepExpiredSessions(ctx, o.clock.Now()); err != nil || n != 0 {
		t.Errorf("after the sweeper: SweepExpiredSessions found %d, %v; want 0", n, err)
	}
}

func TestIsUnavailable(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{fmt.Errorf("store: x: %w", store.ErrNotFound), false},
		{&store.SlugTakenError{Slug: "a", Suggestion: "a-2"}, false},
		{fmt.Errorf("store: x: %w", &store.ConflictError{}), false},
		{fmt.Errorf("store: x: %w", store.ErrLimit), false},
		{errors.New("store: dial tcp 127.0.0.1:5432: connection refused"), true},
		{fmt.Errorf("store: x: %w", context.DeadlineExceeded), true},
	} {
		if got := store.IsUnavailable(tc.err); got != tc.want {
			t.Errorf("IsUnavailable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// testClosedStore: a closed Store answers every call with an unavailable
// error (never "not found"), which is how handler tests can make the
// store fail without stopping a database.
func testClosedStore(t *testing.T, o opener) {
	ctx := ctxT(t)
	s := o.open(t)
	v := mustCreate(t, s, view("alice", "Closed", true))
	s.Close()
	_, err := s.LookupSession(ctx, []byte("x"))
	errs := map[string]error{"LookupSession": err}
	_, errs["SessionLastSeen"] = s.SessionLastSeen(ctx, []byte("x"))
	errs["TouchSession"] = s.TouchSession(ctx, []byte("x"), time.Now())
	errs["DeleteSession"] = s.DeleteSession(ctx, []byte("x"))
	_, errs["CreateSession"] = s.CreateSession(ctx, session("x", "alice", o.clock.Now()), 20)
	_, errs["ViewBySlug"] = s.ViewBySlug(ctx, "alice", v.Slug)
	_, errs["ViewsVisibleTo"] = s.ViewsVisibleTo(ctx, "alice")
	_, errs["CreateView"] = s.CreateView(ctx, view("alice", "Other", false))
	_, errs["UpdateView"] = s.UpdateView(ctx, "alice", v, v.Version)
	errs["DeleteView"] = s.DeleteView(ctx, "alice", v.ID)
	errs["Ping"] = s.Ping(ctx)
	for name, err := range errs {
		if !store.IsUnavailable(err) {
			t.Errorf("%s on a closed store: err = %v, want an unavailable error", name, err)
		}
	}
}
