package store_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jobboard/internal/store"
	"jobboard/internal/store/pgtest"
	"jobboard/internal/testenv"
)

// TestOpenFailsClearly: a DSN that cannot be opened is an error that
// says what and where, quickly, and never shows a password.
func TestOpenFailsClearly(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	missingDir := filepath.Join(t.TempDir(), "no-such-dir", "jobboard.db")
	for _, tc := range []struct {
		name, dsn string
		want      []string
	}{
		{"empty", "", []string{"no DSN"}},
		{"SQLite in a missing directory", missingDir, []string{"store: open SQLite", missingDir}},
		{"malformed PostgreSQL URL", "postgres://jobboard:s3cret-pw@127.0.0.1:notaport/db", []string{"store: parse PostgreSQL URL"}},
		{"nothing listening", "postgres://jobboard:s3cret-pw@127.0.0.1:1/db?connect_timeout=5", []string{"store: connect to postgres://jobboard@127.0.0.1:1/db"}},
	} {
		start := time.Now()
		s, err := store.Open(ctx, store.Config{DSN: tc.dsn, Logger: slog.New(slog.DiscardHandler)})
		if err == nil {
			s.Close()
			t.Errorf("%s: Open succeeded", tc.name)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", tc.name, err, w)
			}
		}
		if strings.Contains(err.Error(), "s3cret-pw") {
			t.Errorf("%s: error %q shows the password", tc.name, err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: took %s", tc.name, d)
		}
	}
}

// TestOpenLogsWhereWithoutPassword: the start-up line names the database
// (so an operator sees which file or server is used) without the
// password in its URL.
func TestOpenLogsWhereWithoutPassword(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// The test server trusts loopback, so the password is accepted and
	// ignored.
	dsn := strings.Replace(pgtest.Start(t), "postgres@", "postgres:s3cret-pw@", 1)
	path := filepath.Join(t.TempDir(), "jobboard.db")
	for _, tc := range []struct{ dsn, want string }{
		{dsn, `"dialect":"postgres"`},
		{path, `"database":"` + path + `"`},
	} {
		logs := &testenv.SyncBuffer{}
		s, err := store.Open(ctx, store.Config{DSN: tc.dsn, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		out := logs.String()
		if !strings.Contains(out, `"msg":"store opened"`) || !strings.Contains(out, tc.want) {
			t.Errorf("open log %s: want a \"store opened\" line with %s", out, tc.want)
		}
		if strings.Contains(out, "s3cret-pw") {
			t.Errorf("open log shows the password: %s", out)
		}
	}
}
