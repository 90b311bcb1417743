package i18n

import (
	"fmt"
	"strconv"
	"time"
)

// AppendAgo appends Ago(t, now) to dst and returns the extended slice. A
// table formats a relative time in every row: this builds the text in
// place, without a string per part; Ago is its string form.
func (l Localizer) AppendAgo(dst []byte, t, now time.Time) []byte {
	d := now.Sub(t)
	future := d < 0
	if future {
		d = -d
	}
	var scratch, count [64]byte
	var amount []byte
	switch {
	case d < time.Minute:
		return l.appendMsg(dst, "ago.now")
	case d < time.Hour:
		amount = l.appendMsg(scratch[:0], "ago.min", intArg(int64(d/time.Minute)))
	case d < 24*time.Hour:
		n := int(d / time.Hour)
		amount = l.appendN(scratch[:0], "ago.hours", n, intArg(int64(n)))
	default:
		days := int(d / (24 * time.Hour))
		amount = l.appendN(scratch[:0], "ago.days", days, textArg(l.appendCount(count[:0], days)))
	}
	if future {
		return l.appendMsg(dst, "ago.future", textArg(amount))
	}
	return l.appendMsg(dst, "ago.past", textArg(amount))
}

// AppendDuration appends Duration(d) to dst and returns the extended
// slice, without allocating (see AppendAgo); Duration is its string form.
func (l Localizer) AppendDuration(dst []byte, d time.Duration) []byte {
	if d < 0 {
		d = 0
	}
	secs := int64(d / time.Second)
	days, secs := secs/86400, secs%86400
	hours, secs := secs/3600, secs%3600
	mins, secs := secs/60, secs%60
	pair := func(bigKey string, big int64, smallKey string, small int64) []byte {
		if small == 0 {
			return l.appendMsg(dst, bigKey, intArg(big))
		}
		var bigText, smallText [64]byte
		return l.appendMsg(dst, "format.durationJoin",
			textArg(l.appendMsg(bigText[:0], bigKey, intArg(big))),
			textArg(l.appendMsg(smallText[:0], smallKey, intArg(small))))
	}
	switch {
	case days > 0:
		return pair("unit.d", days, "unit.h", hours)
	case hours > 0:
		return pair("unit.h", hours, "unit.min", mins)
	case mins > 0:
		return pair("unit.min", mins, "unit.s", secs)
	}
	return l.appendMsg(dst, "unit.s", intArg(secs))
}

// msgArg is an argument of appendMsg: an integer (as T receives an int
// or int64) or a text (as T receives a string).
type msgArg struct {
	text  []byte
	n     int64
	isInt bool
}

func intArg(n int64) msgArg   { return msgArg{n: n, isInt: true} }
func textArg(b []byte) msgArg { return msgArg{text: b} }
func (a msgArg) value() any {
	if a.isInt {
		return a.n
	}
	return string(a.text)
}

// appendMsg appends T(key, args...) to dst: the same lookup (the
// language's catalog, then English, then the key itself) and the same
// formatting, done in place for the verbs the catalogs use (%s, %d, %v,
// %%) and through fmt for anything else.
func (l Localizer) appendMsg(dst []byte, key string, args ...msgArg) []byte {
	msg, ok := l.messages[key]
	if !ok {
		msg, ok = english[key]
	}
	if !ok {
		return append(dst, key...)
	}
	return appendFormatted(dst, msg, args)
}

// appendN appends N(key, n, args...) to dst (see appendMsg).
func (l Localizer) appendN(dst []byte, key string, n int, args ...msgArg) []byte {
	var buf [64]byte
	full := append(append(append(buf[:0], key...), '.'), l.plural(n)...)
	msg, ok := l.messages[string(full)]
	if !ok {
		msg, ok = english[string(full)]
	}
	if !ok {
		return append(dst, full...)
	}
	return appendFormatted(dst, msg, args)
}

// appendFormatted appends msg formatted with args as fmt.Sprintf (and so
// T) does: a message without arguments is taken as it is. It is the one
// formatter of its own the package keeps: fmt.Appendf boxes every argument
// and the variadic slice, 17 allocations per table row, where this makes
// none; a verb, flag or width it does not take goes to fmt.
func appendFormatted(dst []byte, msg string, args []msgArg) []byte {
	if len(args) == 0 {
		return append(dst, msg...)
	}
	start, next := len(dst), 0
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		if c != '%' {
			dst = append(dst, c)
			continue
		}
		if i++; i == len(msg) {
			return appendSlow(dst[:start], msg, args)
		}
		verb := msg[i]
		if verb == '%' {
			dst = append(dst, '%')
			continue
		}
		if next == len(args) {
			return appendSlow(dst[:start], msg, args)
		}
		switch a := args[next]; {
		case a.isInt && (verb == 'd' || verb == 'v'):
			dst = strconv.AppendInt(dst, a.n, 10)
		case !a.isInt && (verb == 's' || verb == 'v'):
			dst = append(dst, a.text...)
		default:
			return appendSlow(dst[:start], msg, args)
		}
		next++
	}
	if next != len(args) {
		return appendSlow(dst[:start], msg, args)
	}
	return dst
}

// appendSlow appends fmt.Sprintf(msg, args...) to dst.
func appendSlow(dst []byte, msg string, args []msgArg) []byte {
	vals := make([]any, len(args))
	for i, a := range args {
		vals[i] = a.value()
	}
	return fmt.Appendf(dst, msg, vals...)
}

// appendCount appends Count(n) to dst.
func (l Localizer) appendCount(dst []byte, n int) []byte {
	if n > -1000 && n < 1000 {
		return strconv.AppendInt(dst, int64(n), 10)
	}
	return append(dst, l.Count(n)...)
}

// AppendT appends T(key, string(arg)) to dst (a message with one text
// argument, such as "running for %s") and returns the extended slice,
// without allocating for the usual messages.
func (l Localizer) AppendT(dst []byte, key string, arg []byte) []byte {
	return l.appendMsg(dst, key, textArg(arg))
}
