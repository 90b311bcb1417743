package static

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// TestVendoredHTMXMatchesRecordedHash proves static/htmx.min.js is the file
// recorded in htmx.version (version and SHA-256), so nobody swaps it silently.
func TestVendoredHTMXMatchesRecordedHash(t *testing.T) {
	f, err := os.Open("htmx.version")
	if err != nil {
		t.Fatalf("open htmx.version: %v", err)
	}
	defer f.Close()
	var wantSum, version string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) >= 3 && fields[0] == "sha256" && fields[2] == "htmx.min.js":
			wantSum = fields[1]
		case len(fields) >= 2 && fields[0] == "htmx.org":
			version = fields[1]
		}
	}
	if wantSum == "" || version == "" {
		t.Fatalf("htmx.version lacks a version or a sha256 line for htmx.min.js")
	}
	body, err := os.ReadFile("htmx.min.js")
	if err != nil {
		t.Fatalf("read htmx.min.js: %v", err)
	}
	sum := sha256.Sum256(body)
	if got := hex.EncodeToString(sum[:]); got != wantSum {
		t.Errorf("htmx.min.js sha256 = %s, htmx.version records %s", got, wantSum)
	}
	if !strings.Contains(string(body), `version="`+version+`"`) {
		t.Errorf("htmx.min.js does not declare version %s", version)
	}
}
