package hotpath_test

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time the process has used, user and system, on all
// threads: the dashboard, the canned upstream and the garbage collector.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loopCPU runs fn in a b.Loop and reports the process's CPU time per
// iteration as cpu-ns/op. On a shared machine wall time per operation
// grows with the other processes' load; CPU time much less, so ratios
// between arms measured this way hold across a busy run.
func loopCPU(b *testing.B, fn func()) {
	b.Helper()
	b.ReportAllocs()
	start := cpuTime(b)
	n := 0
	for b.Loop() {
		fn()
		n++
	}
	b.ReportMetric(float64(cpuTime(b)-start)/float64(n), "cpu-ns/op")
}
