package apiclient

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestReadCappedInto checks the pooled body reader returns exactly the
// body, whatever its length and whether it was announced, refuses bodies
// over the cap, and reads the usual body without allocating.
func TestReadCappedInto(t *testing.T) {
	body := make([]byte, 100<<10)
	for i := range body {
		body[i] = byte(rand.IntN(256))
	}
	var buf bytes.Buffer
	for _, tc := range []struct {
		name          string
		size          int
		contentLength int64
		limit         int64
		over          bool
	}{
		{"small, announced", 4000, 4000, 1 << 20, false},
		{"small, unannounced", 4000, -1, 1 << 20, false},
		{"large, unannounced", len(body), -1, 1 << 20, false},
		{"exactly the cap", 5000, -1, 5000, false},
		{"one over the cap", 5001, -1, 5000, true},
		{"over the cap after the pooled part", len(body), -1, 50 << 10, true},
		{"announced over the cap", 10, 20 << 20, 1 << 20, true},
	} {
		got, over, err := readCappedInto(&buf, bytes.NewReader(body[:tc.size]), tc.contentLength, tc.limit)
		if err != nil || over != tc.over || (!over && !bytes.Equal(got, body[:tc.size])) {
			t.Errorf("%s: %d bytes, over=%v, err=%v; want the body, over=%v", tc.name, len(got), over, err, tc.over)
		}
	}
	allocs := testing.AllocsPerRun(20, func() {
		if _, _, err := readCappedInto(&buf, bytes.NewReader(body[:4000]), -1, 1<<20); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 1 {
		t.Errorf("reading a 4 KB body into a warm buffer: %.0f allocations", allocs)
	}
}
