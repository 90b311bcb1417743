// Package i18n holds jobboard's message catalogs and the locale-dependent
// formatting of counts, durations and relative times. Every user-facing
// string goes through a Localizer, so a later language needs only a catalog
// and its formatting rules.
package i18n

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultLang is the language used when none is requested or the requested
// one has no catalog.
const DefaultLang = "en"

// Localizer looks messages up and formats values for one language.
// The zero value is not usable; get one with For.
type Localizer struct {
	lang    string
	catalog map[string]string
}

// For returns the Localizer for a language tag such as "en"; unknown tags
// fall back to DefaultLang.
func For(lang string) Localizer {
	if c, ok := catalogs[lang]; ok {
		return Localizer{lang: lang, catalog: c}
	}
	return Localizer{lang: DefaultLang, catalog: catalogs[DefaultLang]}
}

// Lang returns the language tag of the Localizer, for <html lang>.
func (l Localizer) Lang() string { return l.lang }

// T returns the message for key, formatted with args in fmt.Sprintf style.
// A missing key returns the key itself so that the gap is visible (and a
// catalog test catches it) without breaking the page.
func (l Localizer) T(key string, args ...any) string {
	msg, ok := l.catalog[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// N returns the message key+".one" when n is 1 and key+".other" otherwise,
// formatted with args (the count itself is usually among them).
func (l Localizer) N(key string, n int, args ...any) string {
	if n == 1 {
		return l.T(key+".one", args...)
	}
	return l.T(key+".other", args...)
}

// Has reports whether the catalog holds key.
func (l Localizer) Has(key string) bool {
	_, ok := l.catalog[key]
	return ok
}

// Count formats an integer with thousands separators: 2345 → "2,345".
func (l Localizer) Count(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Duration formats an elapsed time with its two largest units, rounded
// down to whole seconds: "6 s", "2 min 5 s", "1 h 3 min", "2 d 4 h".
// Negative durations read as zero.
func (l Localizer) Duration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	secs := int64(d / time.Second)
	days, secs := secs/86400, secs%86400
	hours, secs := secs/3600, secs%3600
	mins, secs := secs/60, secs%60
	pair := func(bigKey string, big int64, smallKey string, small int64) string {
		if small == 0 {
			return l.T(bigKey, big)
		}
		return l.T(bigKey, big) + " " + l.T(smallKey, small)
	}
	switch {
	case days > 0:
		return pair("unit.d", days, "unit.h", hours)
	case hours > 0:
		return pair("unit.h", hours, "unit.min", mins)
	case mins > 0:
		return pair("unit.min", mins, "unit.s", secs)
	}
	return l.T("unit.s", secs)
}

// Ago describes t relative to now in words: "just now", "3 min ago",
// "2 hours ago", "5 days ago", or for future times "in 2 hours".
func (l Localizer) Ago(t, now time.Time) string {
	d := now.Sub(t)
	future := d < 0
	if future {
		d = -d
	}
	var amount string
	switch {
	case d < time.Minute:
		return l.T("ago.now")
	case d < time.Hour:
		amount = l.T("ago.min", int(d/time.Minute))
	case d < 24*time.Hour:
		amount = l.N("ago.hours", int(d/time.Hour), int(d/time.Hour))
	default:
		days := int(d / (24 * time.Hour))
		amount = l.N("ago.days", days, l.Count(days))
	}
	if future {
		return l.T("ago.future", amount)
	}
	return l.T("ago.past", amount)
}

// catalogs maps a language tag to its messages. It is read-only after
// package initialisation.
var catalogs = map[string]map[string]string{
	"en": english,
}

// DateTime formats an instant, already in the reader's zone, absolutely:
// "2026-11-30 14:32".
func (l Localizer) DateTime(t time.Time) string {
	return t.Format(l.T("format.datetime"))
}
