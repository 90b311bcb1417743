package handlers

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzSafeNext checks the next/back validator: whatever it accepts is a
// local path (a single leading "/", no "//" or "\" that a browser would
// read as another host, no control characters) that parses as a URL
// without scheme or host; anything else becomes "/".
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{
		"/", "/workflows/1/jobs?status=failed&page=2", "//evil.example", "/\\evil", "https://evil.example/",
		"javascript:alert(1)", "/%2F%2Fevil", "/a\tb", "\\\\evil", "/ok#frag", "/%5cevil", "http:/evil",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if got != next && got != "/" {
			t.Fatalf("safeNext(%q) = %q: neither the input nor /", next, got)
		}
		if got == "/" {
			return
		}
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.Contains(got, "\\") {
			t.Fatalf("accepted %q", got)
		}
		for _, r := range got {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("accepted %q with a control character", got)
			}
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
			t.Fatalf("accepted %q: parses as %+v (%v)", got, u, err)
		}
		// What the browser follows after decoding must still be one path.
		if strings.HasPrefix(u.Path, "//") || strings.HasPrefix(u.Path, "/\\") {
			t.Fatalf("accepted %q: path %q", got, u.Path)
		}
		// Resolved against our origin, it stays on our origin.
		base, _ := url.Parse("https://jobboard.example/x/y")
		if r := base.ResolveReference(u); r.Host != "jobboard.example" || r.Scheme != "https" {
			t.Fatalf("accepted %q resolves to %s", got, r)
		}
	})
}
