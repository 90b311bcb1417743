package app

import (
	"runtime/debug"

	"jobboard/internal/config"
)

// GC settings when the environment sets none. A request allocates tens of
// kilobytes that are garbage when it ends, and the live heap is small, so
// the collector's pace decides much of the cost: GOGC 200 (a heap goal of
// three times the live heap, not two) halves the collections for a few
// MiB more memory. The soft memory limit is a bound for bursts, high
// enough that the collector never runs back to back under load (a 40 MiB
// limit did at 1,000 keep-alive connections and starved throughput) and
// below the 128 MiB container limit of deploy/kubernetes; the in-flight
// bound (handlers.DefaultMaxInFlight) keeps the heap of a burst below it.
const (
	defaultGCPercent   = 200
	defaultMemoryLimit = 100 << 20
)

// applyGCSettings sets defaultGCPercent unless GOGC is set and
// defaultMemoryLimit unless GOMEMLIMIT is set (the runtime has applied
// what the environment sets), and returns the settings in force.
func applyGCSettings(getenv config.Getenv) (gcPercent int, memoryLimit int64) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(defaultGCPercent)
	}
	gcPercent = debug.SetGCPercent(-1)
	debug.SetGCPercent(gcPercent)
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	return gcPercent, debug.SetMemoryLimit(-1)
}
