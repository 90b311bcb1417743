// Package i18n holds jobboard's message catalogs (English and Simplified
// Chinese) and the locale-dependent formatting of counts, durations,
// relative times and dates. Every user-facing string goes through a
// Localizer; the reader's language is negotiated by Negotiate.
package i18n

import (
	"fmt"
	"strconv"
	"time"
)

// Language tags with a catalog, as written in <html lang> and in the
// language cookie.
const (
	English = "en"
	Chinese = "zh-CN"
)

// DefaultLang is the language used when none is requested or the requested
// one has no catalog.
const DefaultLang = English

// language is one catalog with its formatting rules.
type language struct {
	messages map[string]string
	// plural returns the plural category of n, the suffix N appends to a
	// key: "one" or "other" in English; Chinese has only "other".
	plural func(n int) string
	// cells are the messages of the table cells' formatters, looked up
	// once (see cellMessages); nil builds them on each call.
	cells *cellMessages
}

// languages maps a language tag to its catalog and rules. It is read-only
// after package initialisation.
var languages = map[string]language{
	English: {messages: english, plural: pluralEnglish},
	Chinese: {messages: chinese, plural: pluralOther},
}

func init() {
	for tag, lang := range languages {
		lang.cells = newCellMessages(Localizer{lang: tag, language: lang})
		languages[tag] = lang
	}
}

func pluralEnglish(n int) string {
	if n == 1 {
		return "one"
	}
	return "other"
}

func pluralOther(int) string { return "other" }

// Supported returns the language tags that have a catalog, the default
// first.
func Supported() []string { return []string{English, Chinese} }

// IsSupported reports whether tag is exactly one of Supported.
func IsSupported(tag string) bool {
	_, ok := languages[tag]
	return ok
}

// Localizer looks messages up and formats values for one language.
// The zero value is not usable; get one with For or Negotiate.
type Localizer struct {
	lang string
	language
}

// For returns the Localizer for a language tag such as "en" or "zh-CN";
// unknown tags fall back to DefaultLang.
func For(lang string) Localizer {
	if l, ok := languages[lang]; ok {
		return Localizer{lang: lang, language: l}
	}
	return Localizer{lang: DefaultLang, language: languages[DefaultLang]}
}

// Lang returns the language tag of the Localizer, for <html lang>.
func (l Localizer) Lang() string { return l.lang }

// T returns the message for key, formatted with args in fmt.Sprintf style.
// A key missing from the language's catalog falls back to English, and one
// missing from both returns the key itself so that the gap is visible
// without breaking the page (the catalog tests catch both).
func (l Localizer) T(key string, args ...any) string {
	msg, ok := l.messages[key]
	if !ok {
		msg, ok = english[key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// N returns the message key+"."+category, where category is the plural
// form of n in the Localizer's language ("one" or "other" in English,
// always "other" in Chinese), formatted with args (the count itself is
// usually among them).
func (l Localizer) N(key string, n int, args ...any) string {
	// Look the full key up without building a string for it (a table
	// formats counts for every row); a missing key takes T's path.
	var buf [64]byte
	full := append(append(append(buf[:0], key...), '.'), l.plural(n)...)
	if msg, ok := l.messages[string(full)]; ok {
		if len(args) == 0 {
			return msg
		}
		return fmt.Sprintf(msg, args...)
	}
	return l.T(string(full), args...)
}

// Has reports whether the catalog holds key.
func (l Localizer) Has(key string) bool {
	_, ok := l.messages[key]
	return ok
}

// Count formats an integer with the language's digit grouping (the
// "format.group" message): 2345 → "2,345" in English and in Chinese, where
// readers of software interfaces expect the same grouping.
func (l Localizer) Count(n int) string {
	if n > -1000 && n < 1000 {
		return strconv.Itoa(n) // nothing to group
	}
	var buf [40]byte
	return string(l.AppendCount(buf[:0], n))
}

// Duration formats an elapsed time with its two largest units, rounded
// down to whole seconds: "6 s", "2 min 5 s", "1 h 3 min", "2 d 4 h" in
// English, "6 秒", "2 分 5 秒", "1 小时 3 分" in Chinese (the unit.* and
// format.durationJoin messages). Negative durations read as zero.
func (l Localizer) Duration(d time.Duration) string {
	return string(l.AppendDuration(nil, d))
}

// Ago describes t relative to now in words: "just now", "3 min ago",
// "2 hours ago", "5 days ago", or for future times "in 2 hours"; in Chinese
// "刚刚", "3 分钟前", "2 小时后".
func (l Localizer) Ago(t, now time.Time) string {
	return string(l.AppendAgo(nil, t, now))
}

// DateTime formats an instant, already in the reader's zone, absolutely,
// with the language's layout (the format.datetime message): "2026-11-30
// 14:32" in both languages (ISO order is what Chinese readers of software
// interfaces expect, and it sorts).
func (l Localizer) DateTime(t time.Time) string {
	return t.Format(l.T("format.datetime"))
}
