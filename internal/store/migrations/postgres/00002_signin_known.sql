-- +goose Up
-- Addresses (an IPv4 address or an IPv6 /64, as the caller names them)
-- from which an account has signed in successfully: a sign-in from one
-- of them is not held back by failures from elsewhere.
CREATE TABLE signin_known (
    account TEXT    NOT NULL,
    client  TEXT    NOT NULL,
    at_us   BIGINT  NOT NULL,
    PRIMARY KEY (account, client)
);
CREATE INDEX signin_known_at ON signin_known (at_us);

-- +goose Down
DROP TABLE signin_known;
