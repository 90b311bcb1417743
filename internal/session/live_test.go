package session

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"jobboard/internal/store"
	"jobboard/internal/store/pgtest"
	"jobboard/internal/testenv"
)

// BenchmarkLiveCheck measures what a signed-in request pays to read its
// session: Load (cookie decode plus the live-set look-up), and the
// look-up alone, on the default SQLite store and on PostgreSQL.
//
//	go test ./internal/session -run '^$' -bench LiveCheck
func BenchmarkLiveCheck(b *testing.B) {
	for _, db := range []struct {
		name string
		open func(b *testing.B) *store.Store
	}{
		{"sqlite", func(b *testing.B) *store.Store { return testenv.OpenStore(b, nil) }},
		{"postgres", func(b *testing.B) *store.Store { return testenv.OpenStoreAt(b, pgtest.Start(b), nil) }},
	} {
		b.Run(db.name, func(b *testing.B) {
			st := db.open(b)
			s, err := New(Config{Keys: keyPair(1), Live: st})
			if err != nil {
				b.Fatal(err)
			}
			now := time.Now()
			rec := httptest.NewRecorder()
			d, err := s.Start(rec, httptest.NewRequest(http.MethodPost, "/login", nil), Data{Token: "t", Account: "demo"}, now)
			if err != nil {
				b.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodGet, "/jobs", nil)
			req.AddCookie(rec.Result().Cookies()[0])
			b.Run("Load", func(b *testing.B) {
				for b.Loop() {
					if _, err := s.Load(req, now); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("SessionLastSeen", func(b *testing.B) {
				h := idHash(d.ID)
				for b.Loop() {
					if _, err := st.SessionLastSeen(b.Context(), h); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
