package app

import (
	"runtime/debug"

	"jobboard/internal/config"
)

// defaultMemoryLimit is the Go runtime's soft memory limit when GOMEMLIMIT
// is not set: the collector works harder as the process nears it (and
// returns freed memory to the system sooner), which keeps the dashboard
// within its memory budget under a burst of clients (the benchmark's
// target: ≤ 50 MB with 500 concurrent keep-alive clients). It is soft: a heap that truly
// needs more gets it, at the price of more frequent collections.
const defaultMemoryLimit = 40 << 20

// applyMemoryLimit sets defaultMemoryLimit unless the environment sets
// GOMEMLIMIT (which the runtime has applied already), and returns the
// limit in force.
func applyMemoryLimit(getenv config.Getenv) int64 {
	if getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1)
	}
	debug.SetMemoryLimit(defaultMemoryLimit)
	return defaultMemoryLimit
}
