package app

import (
	"runtime/debug"
	"testing"
)

// TestApplyMemoryLimit checks the default soft limit applies only when
// GOMEMLIMIT is unset.
func TestApplyMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })

	debug.SetMemoryLimit(1 << 40)
	if got := applyMemoryLimit(func(string) string { return "1GiB" }); got != 1<<40 || debug.SetMemoryLimit(-1) != 1<<40 {
		t.Errorf("with GOMEMLIMIT set: limit %d, want the runtime's own", got)
	}
	if got := applyMemoryLimit(func(string) string { return "" }); got != defaultMemoryLimit || debug.SetMemoryLimit(-1) != defaultMemoryLimit {
		t.Errorf("without GOMEMLIMIT: limit %d, want %d", got, defaultMemoryLimit)
	}
}
