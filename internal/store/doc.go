// Package store keeps the state of jobboard that must survive a restart
// and be seen by every replica: saved views (with their pins), live
// sessions, and sign-in failures per account.
//
// # Databases
//
// Open takes a DSN. A postgres:// or postgresql:// URL opens PostgreSQL
// through a pgx connection pool (github.com/jackc/pgx/v5/pgxpool), for
// replicas that share it. Anything else is the path of a SQLite file
// (modernc.org/sqlite, pure Go), created on first start: WAL journal (so
// readers run beside the one writer), a busy timeout of
// DefaultSQLiteBusyTimeout, foreign keys on, and transactions that take
// the write lock when they begin. One SQLite file serves one process.
//
// One Store type serves both: it talks database/sql (on PostgreSQL over
// the pool, through pgx's stdlib adapter), and every query is written
// once, in the SQL both dialects accept ($n parameters, ON CONFLICT,
// RETURNING). Only the schema differs per dialect (identity vs
// AUTOINCREMENT, BOOLEAN vs INTEGER, BYTEA vs BLOB), in
// migrations/postgres and migrations/sqlite. The same test suite runs
// against both.
//
// # Migrations
//
// The schema is versioned SQL embedded in the binary and applied by
// goose (github.com/pressly/goose/v3) when Open runs, each migration in a
// transaction. Replicas starting at once are serialised: on PostgreSQL by
// goose's advisory session lock (a replica that races the very first
// start may wait a second while goose retries creating its version table),
// on SQLite by an flock on the file "<database>-migrate.lock". The version
// table is goose_db_version. Add a migration as the next numbered file in
// both directories; never edit one that has shipped.
//
// # Schema (version 1)
//
// Times are Unix microseconds, UTC, in 64-bit integer columns (the same in
// both dialects, so comparisons and the Go code do not depend on either
// database's time types).
//
//	accounts         account PK, created_at_us
//	                 one row per account that owns a view or a session; its
//	                 row lock serialises that account's view creation (the
//	                 view limit) and session creation (the session cap)
//	views            id PK (never reused), slug UNIQUE, name, description,
//	                 owner → accounts, shared, path, version,
//	                 created_at_us, updated_at_us; index on owner, partial
//	                 index on shared
//	view_pins        (account, view_id) PK, view_id → views ON DELETE CASCADE,
//	                 pinned_at_us
//	live_sessions    id_hash PK, account, created_at_us, last_seen_us,
//	                 expires_at_us; indexes on (account, created_at_us) and
//	                 expires_at_us
//	signin_failures  account, at_us; indexes on (account, at_us) and at_us
//
// # Schema (version 2)
//
//	signin_known     (account, client) PK, at_us; index on at_us
//	                 the addresses (as the caller names them: an IPv4
//	                 address, an IPv6 /64) each account last signed in from
//	                 successfully, at most MaxKnownAddressesPerAccount per
//	                 account, forgotten after KnownAddressTTL
//
// # Saved views
//
// A View is a name and a list's canonical path and query, owned by the
// Explorer account that saved it, visible to its owner alone or, when
// Shared, to everyone signed in to this jobboard. The store enforces who
// may do what, so callers pass the acting account: a private view of
// another account is ErrNotFound everywhere (its existence is not
// revealed); another account's shared view can be read and pinned, and
// changing or deleting it is ErrForbidden. Slugs are unique in the
// instance: CreateView reports a taken one with the next free suggestion
// (SlugTakenError), CreateViewUniqueSlug picks the next free one itself.
// Every update names the version it read; a different stored version is
// a ConflictError carrying the stored view, never a silent overwrite. An
// account owns at most MaxViewsPerAccount views (ErrLimit), checked under
// the account's lock so concurrent saves cannot exceed it.
//
// # Live sessions
//
// The set of signed-in sessions, keyed by a hash of the session ID that
// the caller computes (the ID and the Explorer token stay in the
// encrypted cookie; neither is stored). A cookie whose hash is not in the
// set is signed out: sign-out deletes the entry, so nothing can bring it
// back, and the set is bounded by the real sessions. CreateSession caps
// an account's live sessions, ending the oldest in the same transaction.
// Expired entries are never returned as live; RunSweeper (or
// SweepExpiredSessions) reclaims them.
//
// # Sign-in failures
//
// One row per failed sign-in, per account, for a back-off that no other
// account's traffic can evict and every replica sees: the newest
// MaxSignInFailuresKept per account are kept, older ones beyond a window
// are swept. The caller decides the back-off from SignInFailures, and may
// let an address the account signed in from before (KnownSignInAddress)
// past it.
//
// # Errors
//
// Errors are wrapped "store: ..." and match the sentinels ErrNotFound,
// ErrConflict, ErrSlugTaken, ErrLimit, ErrForbidden and ErrInvalid with
// errors.Is. Any other error (IsUnavailable) means the database did not
// answer in time or at all: show "unavailable right now" (503) and keep
// the rest of the page working. Every method takes the request's context and gives up at
// its deadline.
package store
