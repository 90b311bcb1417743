package i18n

import (
	"fmt"
	"strconv"
	"strings"
)

// sprintf formats msg with args exactly as fmt.Sprintf does, quickly for
// the verbs the catalogs use (%s and %v with a string, %d and %v with an
// int or int64, %%) and through fmt.Sprintf for anything else (other verbs,
// flags, widths, other argument types, missing or extra arguments). Views
// format a few messages per table cell, so this path must not reflect.
func sprintf(msg string, args []any) string {
	size := len(msg)
	for _, a := range args {
		if s, ok := a.(string); ok {
			size += len(s)
		} else {
			size += 20
		}
	}
	var b strings.Builder
	b.Grow(size)
	next := 0
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i++; i == len(msg) {
			return fmt.Sprintf(msg, args...)
		}
		verb := msg[i]
		if verb == '%' {
			b.WriteByte('%')
			continue
		}
		if next == len(args) {
			return fmt.Sprintf(msg, args...)
		}
		var buf [24]byte
		switch v := args[next].(type) {
		case string:
			if verb != 's' && verb != 'v' {
				return fmt.Sprintf(msg, args...)
			}
			b.WriteString(v)
		case int:
			if verb != 'd' && verb != 'v' {
				return fmt.Sprintf(msg, args...)
			}
			b.Write(strconv.AppendInt(buf[:0], int64(v), 10))
		case int64:
			if verb != 'd' && verb != 'v' {
				return fmt.Sprintf(msg, args...)
			}
			b.Write(strconv.AppendInt(buf[:0], v, 10))
		default:
			return fmt.Sprintf(msg, args...)
		}
		next++
	}
	if next != len(args) {
		return fmt.Sprintf(msg, args...)
	}
	return b.String()
}
