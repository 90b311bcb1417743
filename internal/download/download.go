// Package download writes the dashboard's downloads: CSV that opens safely
// and legibly in a spreadsheet, and the headers that name the file. Every
// download (a list's export, a task's sample result) goes through it, so
// there is one rule for spreadsheet formulas and one for file names.
package download

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// BOM is the UTF-8 byte-order mark a CSV starts with: without it Excel
// reads the file in the machine's legacy code page and garbles Chinese.
const BOM = "\ufeff"

// CSV writes RFC 4180 CSV for spreadsheets: a byte-order mark first, and
// every cell defused (see Defuse).
type CSV struct {
	out     io.Writer
	w       *csv.Writer
	started bool
	rec     []string // reused copy of each record, so callers' slices stay as they were
}

// NewCSV returns a CSV writing to w. Nothing is written before the first
// record.
func NewCSV(w io.Writer) *CSV { return &CSV{out: w, w: csv.NewWriter(w)} }

// Write writes one record, defusing each cell.
func (c *CSV) Write(record []string) error {
	if !c.started {
		c.started = true
		if _, err := io.WriteString(c.out, BOM); err != nil {
			return fmt.Errorf("csv: write byte-order mark: %w", err)
		}
	}
	c.rec = c.rec[:0]
	for _, cell := range record {
		c.rec = append(c.rec, Defuse(cell))
	}
	if err := c.w.Write(c.rec); err != nil {
		return fmt.Errorf("csv: write record: %w", err)
	}
	return nil
}

// Flush writes buffered records to the underlying writer.
func (c *CSV) Flush() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return fmt.Errorf("csv: flush: %w", err)
	}
	return nil
}

// separators are where a spreadsheet may start a new cell inside one of
// ours: its list separator (',' or, in many European locales, ';'), tab
// when text is pasted, and line breaks for importers that ignore quotes.
const separators = ",;\t\r\n"

// triggers make a spreadsheet read a cell as a formula (tab and carriage
// return because Excel skips them before looking for '=').
const triggers = "=+-@\t\r"

// Defuse makes s safe to open in a spreadsheet: wherever a cell could
// begin (the start of s and after every separator), text starting with a
// formula trigger (= + - @ tab CR, after any spaces) gets a leading
// apostrophe, so "x;=cmd|' /C calc'!A0" becomes "x;'=cmd|' /C calc'!A0"
// and stays text even where ';' splits cells. A plain number such as
// "-0.5" or "+7" is left alone, so numbers stay numbers.
func Defuse(s string) string {
	if !strings.ContainsAny(s, triggers) {
		return s
	}
	var b []byte // nil until something changes
	for start := 0; ; {
		end := len(s)
		if i := strings.IndexAny(s[start:], separators); i >= 0 {
			end = start + i
		}
		if risky(s[start:end], s[start:]) {
			if b == nil {
				b = append(make([]byte, 0, len(s)+4), s[:start]...)
			}
			b = append(b, '\'')
		}
		if b != nil {
			b = append(b, s[start:min(end+1, len(s))]...)
		}
		if end == len(s) {
			break
		}
		start = end + 1
	}
	if b == nil {
		return s
	}
	return string(b)
}

// risky reports whether the text at a cell start (rest, whose segment up
// to the next separator is seg) would be run as a formula.
func risky(seg, rest string) bool {
	t := strings.TrimLeft(rest, " ")
	if t == "" || !strings.ContainsRune(triggers, rune(t[0])) {
		return false
	}
	return !IsNumber(strings.TrimLeft(seg, " "))
}

// IsNumber reports whether a cell reads as a decimal number ("0.150000",
// "-3", "1e-5", "+2"): such cells are right-aligned in tables and are not
// formulas.
func IsNumber(s string) bool {
	i, n := 0, len(s)
	if i < n && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < n && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < n && s[i] == '.' {
		i++
		for i < n && s[i] >= '0' && s[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return false
	}
	if i < n && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < n && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < n && s[i] >= '0' && s[i] <= '9' {
			i, exp = i+1, exp+1
		}
		if exp == 0 {
			return false
		}
	}
	return i == n
}

// maxPartRunes bounds each part of a file name, so a long job name or an
// nGQL query used as a task name cannot make an unwieldy name.
const maxPartRunes = 48

// FileName names a download after what it holds: the parts, each reduced
// to letters, digits and '_' (any script; every other run of characters
// becomes one '-'), joined by '-', then "." and ext. Empty parts are left
// out. The result holds no quote, slash, control character or dot before
// the extension, so it is safe in any header and on any file system.
func FileName(ext string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if p = slug(p); p != "" {
			kept = append(kept, p)
		}
	}
	if len(kept) == 0 {
		kept = []string{"download"}
	}
	return strings.Join(kept, "-") + "." + ext
}

// slug keeps letters, digits and '_' of s and turns every other run of
// characters into one '-', without a '-' at either end.
func slug(s string) string {
	var b strings.Builder
	dash, n := false, 0
	for _, r := range s {
		if n >= maxPartRunes {
			break
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
				n++
			}
			dash = false
			b.WriteRune(r)
			n++
			continue
		}
		dash = true
	}
	return b.String()
}

// Disposition is the Content-Disposition of an attachment named name (a
// FileName): an ASCII-only filename for old clients, with non-ASCII runs
// dropped, and the full name as RFC 5987 filename* for the others.
func Disposition(name string) string {
	ascii := asciiName(name)
	if ascii == name {
		return `attachment; filename="` + name + `"`
	}
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + pathEscape(name)
}

// asciiName drops the non-ASCII characters of a FileName, merging the
// hyphens around them, and falls back to "download" when nothing is left
// before the extension.
func asciiName(name string) string {
	dot := strings.LastIndexByte(name, '.')
	base, ext := name[:dot], name[dot:]
	var b strings.Builder
	for _, part := range strings.Split(base, "-") {
		var p strings.Builder
		for _, r := range part {
			if r < utf8.RuneSelf {
				p.WriteRune(r)
			}
		}
		if p.Len() == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(p.String())
	}
	if b.Len() == 0 {
		b.WriteString("download")
	}
	return b.String() + ext
}

// pathEscape percent-encodes every byte outside RFC 5987's attr-char set.
func pathEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < utf8.RuneSelf && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// Attach sets the headers of a download named name (a FileName) of
// contentType: the disposition, and no caching or type sniffing, since a
// download holds one reader's data.
func Attach(h http.Header, contentType, name string) {
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", Disposition(name))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
}
