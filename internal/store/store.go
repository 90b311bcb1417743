package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Sentinel errors. Every error the store returns is wrapped with
// "store: ..." context; compare with errors.Is. An error that is none of
// these means the database could not answer (unreachable, deadline,
// corrupt): callers show "unavailable right now" (503), never a 500.
var (
	// ErrNotFound: no such view or live session, or a private view of
	// another account (which is not revealed to exist).
	ErrNotFound = errors.New("store: not found")
	// ErrConflict: the stored view's version is not the one the caller
	// read (someone saved in between); see ConflictError for the stored
	// view. Also returned for a session ID hash that is already live.
	ErrConflict = errors.New("store: changed since it was read")
	// ErrSlugTaken: another view has that slug; see SlugTakenError for
	// the next free one.
	ErrSlugTaken = errors.New("store: slug taken")
	// ErrLimit: the account already owns MaxViewsPerAccount views.
	ErrLimit = errors.New("store: too many views")
	// ErrForbidden: the account may see the view (it is shared) but may
	// not change or delete it (it is not the owner).
	ErrForbidden = errors.New("store: not the owner")
	// ErrInvalid: a value the store will not keep (bad slug syntax, an
	// empty or too long name, ...). Callers validate first and show a
	// message beside the field; this is the backstop.
	ErrInvalid = errors.New("store: invalid value")
)

// IsUnavailable reports whether err is a failure of the database itself
// (unreachable, too slow, the caller's context ended) rather than an
// answer: not nil and none of the sentinels. Callers answer it with 503
// "unavailable right now", never with "not found" or "signed out".
func IsUnavailable(err error) bool {
	if err == nil {
		return false
	}
	for _, answer := range []error{ErrNotFound, ErrConflict, ErrSlugTaken, ErrLimit, ErrForbidden, ErrInvalid} {
		if errors.Is(err, answer) {
			return false
		}
	}
	return true
}

// Dialect names the database behind a Store.
type Dialect string

// The two dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DefaultSQLiteBusyTimeout is how long a SQLite write waits for another
// writer (SQLite has one writer at a time) before failing.
const DefaultSQLiteBusyTimeout = 5 * time.Second

// Config says which database to open.
type Config struct {
	// DSN: a postgres:// or postgresql:// URL opens PostgreSQL; anything
	// else is the path of a SQLite file, created when missing (its
	// directory must exist).
	DSN string
	// Logger receives one line at open (dialect, location without
	// password, migrations applied) and RunSweeper's failures. Nil:
	// slog.Default().
	Logger *slog.Logger
	// Now is the clock for created/updated times and for deciding that a
	// session has expired. Nil: time.Now.
	Now func() time.Time
	// MaxViewsPerAccount bounds the views one account owns. Zero:
	// DefaultMaxViewsPerAccount.
	MaxViewsPerAccount int
	// MaxConns bounds open database connections. Zero: 8 for SQLite,
	// pgxpool's default (or the DSN's pool_max_conns) for PostgreSQL.
	MaxConns int
}

// Store is the shared state of jobboard: saved views, pins, live sessions
// and sign-in failures, in SQLite or PostgreSQL. It is safe for
// concurrent use; every method takes the caller's context and gives up at
// its deadline.
type Store struct {
	db      *sql.DB
	pool    *pgxpool.Pool // nil for SQLite
	dialect Dialect
	path    string // the SQLite file

	log      *slog.Logger
	now      func() time.Time
	maxViews int

	schemaVersion     int64
	migrationsApplied int

	stmts prepared
}

// prepared holds, on SQLite, the statements of the per-request calls:
// SQLite compiles a query anew on every call that is not prepared (a
// third of a session look-up's cost). On PostgreSQL they stay nil: pgx
// caches statements per connection by itself, while a database/sql
// statement over pgx's pool is prepared again on every call (database/sql
// keeps no idle connection there), measured 7 times slower.
type prepared struct {
	sessionLastSeen *sql.Stmt
	touchSession    *sql.Stmt
}

func (p *prepared) prepare(ctx context.Context, db *sql.DB) error {
	for _, st := range []struct {
		dst   **sql.Stmt
		query string
	}{
		{&p.sessionLastSeen, sessionLastSeenSQL},
		{&p.touchSession, touchSessionSQL},
	} {
		stmt, err := db.PrepareContext(ctx, st.query)
		if err != nil {
			return fmt.Errorf("store: prepare: %w", err)
		}
		*st.dst = stmt
	}
	return nil
}

// queryRow runs query through stmt when it is prepared, else directly.
func (s *Store) queryRow(ctx context.Context, stmt *sql.Stmt, query string, args ...any) *sql.Row {
	if stmt != nil {
		return stmt.QueryRowContext(ctx, args...)
	}
	return s.db.QueryRowContext(ctx, query, args...)
}

// pointRead returns the context a read of one row by its key runs
// under: ctx itself on PostgreSQL, where the query crosses the network;
// on SQLite ctx without its cancellation, once ctx is checked not to have
// ended. Under a cancellable context database/sql and the SQLite driver
// each start a goroutine per query to watch it, which cost a session
// look-up 8 allocations and a third of its CPU time; a read of one
// indexed row of a local file in WAL mode takes no lock that waits, and
// the busy timeout bounds it anyway.
func (s *Store) pointRead(ctx context.Context) (context.Context, error) {
	if s.dialect != SQLite {
		return ctx, nil
	}
	if err := ctx.Err(); err != nil {
		return ctx, err
	}
	return context.WithoutCancel(ctx), nil
}

// exec is queryRow for statements that return no rows.
func (s *Store) exec(ctx context.Context, stmt *sql.Stmt, query string, args ...any) (sql.Result, error) {
	if stmt != nil {
		return stmt.ExecContext(ctx, args...)
	}
	return s.db.ExecContext(ctx, query, args...)
}

func (p *prepared) close() {
	for _, stmt := range []*sql.Stmt{p.sessionLastSeen, p.touchSession} {
		if stmt != nil {
			_ = stmt.Close()
		}
	}
}

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// IsPostgresDSN reports whether dsn selects PostgreSQL rather than a
// SQLite file.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to the database cfg.DSN names and brings its schema up to
// date. Migrations run each in a transaction; on PostgreSQL under an
// advisory lock, so replicas starting at once apply them once.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.DSN == "" {
		return nil, errors.New("store: open: no DSN (a SQLite file path or a postgres:// URL)")
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Store{log: log, now: cfg.Now, maxViews: cfg.MaxViewsPerAccount}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxViews <= 0 {
		s.maxViews = DefaultMaxViewsPerAccount
	}
	var where string
	var err error
	if IsPostgresDSN(cfg.DSN) {
		where, err = s.openPostgres(ctx, cfg)
	} else {
		// Processes (or Opens in one process) starting at once on one file
		// take turns from the journal-mode switch to the last migration:
		// the switch to WAL needs the file to itself, and a connection
		// opening while another makes it fails with SQLITE_BUSY at once,
		// whatever the busy timeout.
		var unlock func()
		unlock, err = lockSQLiteSetUp(ctx, cfg.DSN)
		if err != nil {
			return nil, err
		}
		defer unlock()
		where, err = s.openSQLite(ctx, cfg)
	}
	if err != nil {
		return nil, err
	}
	s.migrationsApplied, s.schemaVersion, err = s.migrate(ctx)
	if err == nil && s.dialect == SQLite {
		err = s.stmts.prepare(ctx, s.db)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	log.Info("store opened", "dialect", string(s.dialect), "database", where,
		"schema_version", s.schemaVersion, "migrations_applied", s.migrationsApplied)
	return s, nil
}

func (s *Store) openSQLite(ctx context.Context, cfg Config) (string, error) {
	s.dialect = SQLite
	path, err := filepath.Abs(cfg.DSN)
	if err != nil {
		return "", fmt.Errorf("store: open SQLite %q: %w", cfg.DSN, err)
	}
	// A file: URI so the path may hold any character; "immediate"
	// transactions take the write lock at BEGIN, so two read-then-write
	// transactions wait for each other (busy timeout) instead of failing
	// with SQLITE_BUSY at the first write.
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", DefaultSQLiteBusyTimeout.Milliseconds()))
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return "", fmt.Errorf("store: open SQLite %s: %w", path, err)
	}
	conns := cfg.MaxConns
	if conns <= 0 {
		conns = 8
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	s.db, s.path = db, path
	// WAL lets readers run beside the one writer. The mode is kept in the
	// file, so it is set once here rather than by every new connection:
	// connections opening at once would contend for the lock the change
	// takes, and during a connection's set-up SQLite waits for a lock in
	// whole seconds, not in the ms steps (ending with ctx) of a query.
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		_ = db.Close()
		return "", fmt.Errorf("store: open SQLite %s: %w", path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		_ = db.Close()
		return "", fmt.Errorf("store: open SQLite %s: journal mode is %q, not WAL", path, mode)
	}
	return path, nil
}

func (s *Store) openPostgres(ctx context.Context, cfg Config) (string, error) {
	s.dialect = Postgres
	pc, err := pgxpool.ParseConfig(cfg.DSN)
	if err != nil {
		// pgconn's parse errors print the URL with the password masked.
		return "", fmt.Errorf("store: parse PostgreSQL URL: %w", err)
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = int32(cfg.MaxConns)
	}
	where := fmt.Sprintf("postgres://%s@%s/%s", pc.ConnConfig.User,
		hostPort(pc.ConnConfig.Host, pc.ConnConfig.Port), pc.ConnConfig.Database)
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return "", fmt.Errorf("store: connect to %s: %w", where, err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return "", fmt.Errorf("store: connect to %s: %w", where, err)
	}
	s.pool = pool
	s.db = stdlib.OpenDBFromPool(pool)
	return where, nil
}

func hostPort(host string, port uint16) string {
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return fmt.Sprintf("%s:%d", host, port)
}

// migrate applies the embedded migrations not yet applied and returns how
// many ran and the schema version after.
func (s *Store) migrate(ctx context.Context) (int, int64, error) {
	dir, dialect := "migrations/sqlite", goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if s.dialect == Postgres {
		dir, dialect = "migrations/postgres", goose.DialectPostgres
		// pg_advisory_lock on one connection for the whole run.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return 0, 0, fmt.Errorf("store: migrations: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	fsys, err := fs.Sub(migrations, dir)
	if err != nil {
		return 0, 0, fmt.Errorf("store: migrations: %w", err)
	}
	p, err := goose.NewProvider(dialect, s.db, fsys, opts...)
	if err != nil {
		return 0, 0, fmt.Errorf("store: migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("store: apply migrations: %w", err)
	}
	version, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("store: read schema version: %w", err)
	}
	return len(results), version, nil
}

// Dialect says which database the store uses.
func (s *Store) Dialect() Dialect { return s.dialect }

// SchemaVersion is the schema's migration version after Open.
func (s *Store) SchemaVersion() int64 { return s.schemaVersion }

// MigrationsApplied is how many migrations this Open applied (0 when the
// schema was already up to date, for example because another replica
// applied them).
func (s *Store) MigrationsApplied() int { return s.migrationsApplied }

// Ping checks that the database answers, for /readyz.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping %s: %w", s.dialect, err)
	}
	// database/sql over a pgxpool may ping a connection the pool keeps
	// even after the server went away; a query proves it answers.
	var one int
	if err := s.db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping %s: %w", s.dialect, err)
	}
	return nil
}

// Close closes the database connections. Calls after it fail with an
// error IsUnavailable reports (handler tests use that to stand for a
// database that is down); closing twice is harmless.
func (s *Store) Close() {
	s.stmts.close()
	if s.db != nil {
		_ = s.db.Close()
	}
	if s.pool != nil {
		s.pool.Close()
	}
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inTx runs fn in a transaction (on SQLite an immediate one: it holds the
// write lock from the start), committing when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// lockAccount makes sure the account's row exists and, on PostgreSQL,
// holds its row lock until the transaction ends, so per-account checks
// (view count, session cap) and the writes after them are not interleaved
// with another transaction's for the same account. On SQLite the
// immediate transaction already excludes every other writer.
func lockAccount(ctx context.Context, tx *sql.Tx, account string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO accounts (account, created_at_us) VALUES ($1, $2)
		ON CONFLICT (account) DO UPDATE SET account = excluded.account`, account, us(now))
	if err != nil {
		return fmt.Errorf("lock account: %w", err)
	}
	return nil
}

// isUniqueViolation reports whether err is a unique or primary key
// constraint failure, in either dialect.
func isUniqueViolation(err error) bool {
	return isConstraint(err, "23505", sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

// isForeignKeyViolation reports whether err is a foreign key failure, in
// either dialect.
func isForeignKeyViolation(err error) bool {
	return isConstraint(err, "23503", sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY)
}

// isConstraint reports whether err is PostgreSQL's SQLSTATE pgCode or one
// of SQLite's extended result codes sqliteCodes.
func isConstraint(err error, pgCode string, sqliteCodes ...int) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == pgCode
	}
	var sqErr *sqlite.Error
	return errors.As(err, &sqErr) && slices.Contains(sqliteCodes, sqErr.Code())
}

// affected is how many rows an Exec changed.
func affected(res sql.Result, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// us is t in the store's time representation: Unix microseconds.
func us(t time.Time) int64 { return t.UnixMicro() }

// fromUS is the inverse of us, in UTC.
func fromUS(v int64) time.Time { return time.UnixMicro(v).UTC() }
