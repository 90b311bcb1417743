package faults

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when any test leaves a goroutine behind: every
// server, upstream client and browser transport must be closed.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
