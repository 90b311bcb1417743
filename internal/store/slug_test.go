package store_test

import (
	"strings"
	"testing"

	"jobboard/internal/store"
)

func TestSlugify(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"Nightly PageRank failures", "nightly-pagerank-failures"},
		{"  Everything   running -- now!  ", "everything-running-now"},
		{"last week's Louvain runs", "last-week-s-louvain-runs"},
		{"PageRank_v2 (prod)", "pagerank-v2-prod"},
		{"2026 Q4", "2026-q4"},
		{"Café déjà vu", "caf-dj-vu"},
		{"夜间失败", "view"},
		{"夜间 PageRank", "pagerank"},
		{"", "view"},
		{"---", "view"},
		// Long names are cut at a word boundary, within 40.
		{"The quick brown fox jumps over the lazy dog again", "the-quick-brown-fox-jumps-over-the-lazy"},
		// One long word is cut at 40.
		{strings.Repeat("a", 50), strings.Repeat("a", 40)},
	} {
		if got := store.Slugify(tc.name); got != tc.want {
			t.Errorf("Slugify(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestValidSlug(t *testing.T) {
	for _, ok := range []string{"a", "nightly-pagerank-failures", "v2", "2026-q4", strings.Repeat("a", 40)} {
		if !store.ValidSlug(ok) {
			t.Errorf("ValidSlug(%q) = false, want true", ok)
		}
	}
	for _, bad := range []string{"", "-a", "a-", "a--b", "A", "a b", "a_b", "é", "a/b", "a.b", strings.Repeat("a", 41)} {
		if store.ValidSlug(bad) {
			t.Errorf("ValidSlug(%q) = true, want false", bad)
		}
	}
}

// FuzzSlugify: whatever the name, the slug is one the store accepts.
func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"Nightly PageRank failures", "", "夜间", "a-b--c", strings.Repeat("ab-", 30), "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		slug := store.Slugify(name)
		if !store.ValidSlug(slug) {
			t.Fatalf("Slugify(%q) = %q, which ValidSlug refuses", name, slug)
		}
	})
}
