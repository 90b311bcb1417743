package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"

	"jobboard/internal/config"
	"jobboard/internal/session"
	"jobboard/internal/session/redisrevoke"
	"jobboard/internal/telemetry"
)

// sharedSessions returns what cfg.RedisURL selects for sessions across
// replicas: with no URL, nothing (the handlers keep revocations in memory);
// with one, a revocation list in Redis, a /readyz check named "redis", and
// a function that closes the client.
//
// An unreachable Redis at start-up is not fatal: it is logged, /readyz says
// not ready and pages answer 503 until Redis answers, with no restart
// needed. Replicas and Redis are often started together, and a crash loop
// would only delay recovery. A malformed URL is fatal.
func sharedSessions(ctx context.Context, cfg config.Config, logger *slog.Logger) (session.Revocations, []telemetry.Check, func(), error) {
	if cfg.RedisURL == "" {
		return nil, nil, func() {}, nil
	}
	opts, err := redisrevoke.ClientOptions(cfg.RedisURL, cfg.RedisPassword)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("jobboard: %w", err)
	}
	client := redis.NewClient(opts)
	store := redisrevoke.New(client, redisrevoke.Options{})
	if err := store.Ping(ctx); err != nil {
		logger.Warn("Redis does not answer yet: not ready, and sign-in and pages answer 503 until it does", "redis", opts.Addr, "error", err.Error())
	} else {
		logger.Info("sessions: revocations shared through Redis", "redis", opts.Addr)
	}
	check := telemetry.Check{Name: "redis", Check: store.Ping}
	return store, []telemetry.Check{check}, func() { _ = client.Close() }, nil
}
