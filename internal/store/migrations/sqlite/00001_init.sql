-- The first schema: saved views, their pins, live sessions and sign-in
-- failures. Times are Unix microseconds (UTC) in INTEGER columns, the same
-- representation as the PostgreSQL schema, so one set of queries serves both.

-- +goose Up
-- One row per Explorer account that owns a view or a session. Its row is
-- the lock that serialises that account's view creation (the 200-view
-- limit) and session creation (the per-account session cap).
CREATE TABLE accounts (
    account       TEXT    PRIMARY KEY,
    created_at_us INTEGER NOT NULL
);

CREATE TABLE views (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    slug          TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    description   TEXT    NOT NULL DEFAULT '',
    owner         TEXT    NOT NULL REFERENCES accounts (account),
    shared        INTEGER NOT NULL DEFAULT 0 CHECK (shared IN (0, 1)),
    path          TEXT    NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at_us INTEGER NOT NULL,
    updated_at_us INTEGER NOT NULL
);
CREATE INDEX views_owner ON views (owner);
CREATE INDEX views_shared ON views (shared) WHERE shared = 1;

CREATE TABLE view_pins (
    account      TEXT    NOT NULL,
    view_id      INTEGER NOT NULL REFERENCES views (id) ON DELETE CASCADE,
    pinned_at_us INTEGER NOT NULL,
    PRIMARY KEY (account, view_id)
);
CREATE INDEX view_pins_view ON view_pins (view_id);

CREATE TABLE live_sessions (
    id_hash       BLOB    PRIMARY KEY,
    account       TEXT    NOT NULL,
    created_at_us INTEGER NOT NULL,
    last_seen_us  INTEGER NOT NULL,
    expires_at_us INTEGER NOT NULL
);
CREATE INDEX live_sessions_account ON live_sessions (account, created_at_us);
CREATE INDEX live_sessions_expiry ON live_sessions (expires_at_us);

CREATE TABLE signin_failures (
    account TEXT    NOT NULL,
    at_us   INTEGER NOT NULL
);
CREATE INDEX signin_failures_account ON signin_failures (account, at_us);
CREATE INDEX signin_failures_at ON signin_failures (at_us);

-- +goose Down
DROP TABLE signin_failures;
DROP TABLE live_sessions;
DROP TABLE view_pins;
DROP TABLE views;
DROP TABLE accounts;
