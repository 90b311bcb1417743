// Package multireplica proves that jobboard runs as several replicas
// behind a load balancer, with real parts on loopback: the simulator
// (jobboard simulate), a PostgreSQL server (internal/store/pgtest), two
// jobboard processes sharing SESSION_KEYS and DATABASE_URL (the live
// sessions and saved views), and Debian's nginx round-robin in front of
// them. Its test is behind the build tag multireplica (it builds the
// binary and starts processes) and is run by .ci/run:
//
//	go test -tags multireplica -count=1 -v ./deploy/multireplica/
//
// It signs in through nginx and spreads 100 list requests over both
// replicas, signs out through one replica and replays the cookie at each,
// restarts one replica (SIGTERM, start again) under a steady stream of
// requests, rotates the session keys with a rolling restart, and saves a
// view through one replica that then opens through the other, printing
// the figures of each step.
package multireplica
