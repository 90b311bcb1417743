package app

import (
	"runtime/debug"
	"testing"
)

// TestApplyGCSettings checks the default GC percent and soft memory limit
// apply only when GOGC and GOMEMLIMIT are unset.
func TestApplyGCSettings(t *testing.T) {
	limit, percent := debug.SetMemoryLimit(-1), debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetMemoryLimit(limit); debug.SetGCPercent(percent) })

	debug.SetMemoryLimit(1 << 40)
	debug.SetGCPercent(50)
	set := func(k string) string { return map[string]string{"GOGC": "50", "GOMEMLIMIT": "1TiB"}[k] }
	if p, l := applyGCSettings(set); p != 50 || l != 1<<40 {
		t.Errorf("with GOGC and GOMEMLIMIT set: GOGC %d, limit %d; want the runtime's own (50, %d)", p, l, int64(1<<40))
	}
	if p, l := applyGCSettings(func(string) string { return "" }); p != defaultGCPercent || l != defaultMemoryLimit {
		t.Errorf("without GOGC and GOMEMLIMIT: GOGC %d, limit %d; want %d, %d", p, l, defaultGCPercent, defaultMemoryLimit)
	}
	if debug.SetGCPercent(-1) != defaultGCPercent || debug.SetMemoryLimit(-1) != defaultMemoryLimit {
		t.Error("the runtime does not have the settings applyGCSettings returned")
	}
}
