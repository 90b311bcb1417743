package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"jobboard/internal/store"
	"jobboard/internal/store/pgtest"
)

// BenchmarkStore measures the calls a request makes, on each database:
// the session look-up (under a cancellable context, as a request's) and
// the touch every signed-in request may do, a sign-in, and the board's
// list of 20 views.
//
//	go test ./internal/store -run '^$' -bench . -benchmem
func BenchmarkStore(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		benchStore(b, func(b *testing.B) string { return filepath.Join(b.TempDir(), "bench.db") })
	})
	b.Run("postgres", func(b *testing.B) {
		srv := pgtest.StartServer(b)
		benchStore(b, func(b *testing.B) string { return srv.NewDatabase(b) })
	})
}

func benchStore(b *testing.B, newDSN func(b *testing.B) string) {
	ctx := context.Background()
	open := func(b *testing.B) *store.Store {
		s, err := store.Open(ctx, store.Config{DSN: newDSN(b), Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(s.Close)
		return s
	}
	hash := func(i int) []byte {
		h := sha256.Sum256(binary.BigEndian.AppendUint64(nil, uint64(i)))
		return h[:]
	}
	// 1,000 accounts with 2 live sessions each.
	withSessions := func(b *testing.B) *store.Store {
		s := open(b)
		now := time.Now()
		for i := range 2000 {
			ls := store.LiveSession{IDHash: hash(i), Account: fmt.Sprintf("user%d", i%1000), CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
			if _, err := s.CreateSession(ctx, ls, 20); err != nil {
				b.Fatal(err)
			}
		}
		return s
	}
	b.Run("SessionLastSeen", func(b *testing.B) {
		s := withSessions(b)
		i := 0
		for b.Loop() {
			if _, err := s.SessionLastSeen(b.Context(), hash(i%2000)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("TouchSession", func(b *testing.B) {
		s := withSessions(b)
		i := 0
		for b.Loop() {
			if err := s.TouchSession(ctx, hash(i%2000), time.Now()); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("CreateSession", func(b *testing.B) {
		s := open(b)
		now := time.Now()
		i := 0
		for b.Loop() {
			ls := store.LiveSession{IDHash: hash(i), Account: fmt.Sprintf("user%d", i%100), CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
			if _, err := s.CreateSession(ctx, ls, 20); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("ViewsVisibleTo20", func(b *testing.B) {
		s := open(b)
		for i := range 20 {
			v := store.View{Owner: fmt.Sprintf("user%d", i%4), Name: fmt.Sprintf("View %d", i), Shared: i%2 == 0, Path: "/jobs?status=failed"}
			if _, err := s.CreateViewUniqueSlug(ctx, v); err != nil {
				b.Fatal(err)
			}
		}
		for b.Loop() {
			if _, err := s.ViewsVisibleTo(ctx, "user0"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
