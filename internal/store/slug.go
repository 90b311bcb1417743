package store

import (
	"strconv"
	"strings"
)

// MaxSlugLen is the longest slug, in bytes (slugs are ASCII).
const MaxSlugLen = 40

// fallbackSlug is the slug of a name with no ASCII letter or digit.
const fallbackSlug = "view"

// Slugify makes a slug from a view's name: ASCII letters lower-cased,
// digits kept, every run of anything else one hyphen, no hyphen at either
// end, at most MaxSlugLen bytes (cut at a hyphen when one is near the end,
// so a word is not split). Non-ASCII letters are dropped, not
// transliterated; a name with nothing left gives "view".
//
//	Slugify("Nightly PageRank failures") == "nightly-pagerank-failures"
func Slugify(name string) string {
	var b strings.Builder
	pendingHyphen := false
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		default:
			// Bytes of non-ASCII characters are dropped without
			// separating what is around them ("café" → "caf"); ASCII
			// punctuation and spaces separate words.
			if c < 0x80 && b.Len() > 0 {
				pendingHyphen = true
			}
			continue
		}
		if pendingHyphen {
			b.WriteByte('-')
			pendingHyphen = false
		}
		b.WriteByte(c)
	}
	s := b.String()
	if len(s) > MaxSlugLen {
		s = s[:MaxSlugLen]
		// Cut back to the last whole word when that loses little.
		if i := strings.LastIndexByte(s, '-'); i >= MaxSlugLen/2 {
			s = s[:i]
		}
		s = strings.TrimRight(s, "-")
	}
	if s == "" {
		return fallbackSlug
	}
	return s
}

// ValidSlug reports whether s is a slug the store keeps: 1 to MaxSlugLen
// lower-case ASCII letters, digits and single hyphens, starting and ending
// with a letter or digit.
func ValidSlug(s string) bool {
	if s == "" || len(s) > MaxSlugLen || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-':
			if s[i-1] == '-' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// slugWithSuffix is base with "-n" appended (n ≥ 2), base cut so the
// result fits MaxSlugLen.
func slugWithSuffix(base string, n int) string {
	suffix := "-" + strconv.Itoa(n)
	if len(base)+len(suffix) > MaxSlugLen {
		base = strings.TrimRight(base[:MaxSlugLen-len(suffix)], "-")
	}
	return base + suffix
}
