package views

import (
	"context"
	"io"
)

// txt is a text node written escaped straight into the render buffer. In
// the hot list fragment, @txt(s) stands in for templ's { s }, which boxes s
// for a fmt.Sprint and escapes it into a new string (two allocations per
// expression, some sixty per fragment); the escaping is the same
// (html.EscapeString's five characters, see appendEscapedByte).
type txt string

// Render writes s escaped to w.
func (s txt) Render(ctx context.Context, w io.Writer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	start := 0
	for i := 0; i < len(s); i++ {
		if !needsEscape[s[i]] {
			continue
		}
		if _, err := io.WriteString(w, string(s[start:i])); err != nil {
			return err
		}
		if _, err := io.WriteString(w, entity(s[i])); err != nil {
			return err
		}
		start = i + 1
	}
	_, err := io.WriteString(w, string(s[start:]))
	return err
}

// entity is the escaped form of one of the bytes needsEscape marks.
func entity(c byte) string {
	switch c {
	case '<':
		return "&lt;"
	case '>':
		return "&gt;"
	case '&':
		return "&amp;"
	case '"':
		return "&#34;"
	}
	return "&#39;"
}

// space is the blank templ writes after a { s } that a line break
// separates from the next element.
const space txt = " "
