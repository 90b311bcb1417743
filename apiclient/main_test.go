package apiclient_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any test leaves a goroutine behind (a hung
// upstream call, a connection never closed, a retry timer...).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
