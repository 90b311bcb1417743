package i18n

import (
	"fmt"
	"strconv"
	"time"
)

// AppendAgo appends Ago(t, now) to dst and returns the extended slice. A
// table formats a relative time in every row: this builds the text in
// place, without a string per part, from messages looked up once per
// language; Ago is its string form.
func (l Localizer) AppendAgo(dst []byte, t, now time.Time) []byte {
	m := l.cellMessages()
	d := now.Sub(t)
	future := d < 0
	if future {
		d = -d
	}
	var scratch, count [64]byte
	var amount []byte
	switch {
	case d < time.Minute:
		return m.agoNow.append(dst)
	case d < time.Hour:
		amount = m.agoMin.append(scratch[:0], intArg(int64(d/time.Minute)))
	case d < 24*time.Hour:
		n := int(d / time.Hour)
		amount = m.agoHours.of(l, n).append(scratch[:0], intArg(int64(n)))
	default:
		days := int(d / (24 * time.Hour))
		amount = m.agoDays.of(l, days).append(scratch[:0], textArg(l.AppendCount(count[:0], days)))
	}
	if future {
		return m.agoFuture.append(dst, textArg(amount))
	}
	return m.agoPast.append(dst, textArg(amount))
}

// AppendDuration appends Duration(d) to dst and returns the extended
// slice, without allocating (see AppendAgo); Duration is its string form.
func (l Localizer) AppendDuration(dst []byte, d time.Duration) []byte {
	m := l.cellMessages()
	if d < 0 {
		d = 0
	}
	secs := int64(d / time.Second)
	days, secs := secs/86400, secs%86400
	hours, secs := secs/3600, secs%3600
	mins, secs := secs/60, secs%60
	pair := func(bigUnit message, big int64, smallUnit message, small int64) []byte {
		if small == 0 {
			return bigUnit.append(dst, intArg(big))
		}
		var bigText, smallText [64]byte
		return m.durationJoin.append(dst,
			textArg(bigUnit.append(bigText[:0], intArg(big))),
			textArg(smallUnit.append(smallText[:0], intArg(small))))
	}
	switch {
	case days > 0:
		return pair(m.unitD, days, m.unitH, hours)
	case hours > 0:
		return pair(m.unitH, hours, m.unitMin, mins)
	case mins > 0:
		return pair(m.unitMin, mins, m.unitS, secs)
	}
	return m.unitS.append(dst, intArg(secs))
}

// cellMessages are the messages AppendAgo and AppendDuration format with,
// looked up once per language rather than a few times in every table row.
type cellMessages struct {
	agoNow, agoMin, agoPast, agoFuture message
	agoHours, agoDays                  pluralMessage
	unitD, unitH, unitMin, unitS       message
	durationJoin                       message
}

// newCellMessages looks up l's cell messages.
func newCellMessages(l Localizer) *cellMessages {
	return &cellMessages{
		agoNow: l.message("ago.now"), agoMin: l.message("ago.min"),
		agoPast: l.message("ago.past"), agoFuture: l.message("ago.future"),
		agoHours: l.pluralMessage("ago.hours"), agoDays: l.pluralMessage("ago.days"),
		unitD: l.message("unit.d"), unitH: l.message("unit.h"),
		unitMin: l.message("unit.min"), unitS: l.message("unit.s"),
		durationJoin: l.message("format.durationJoin"),
	}
}

// cellMessages returns the language's cell messages, looked up at package
// initialisation for the catalogs (and now for any other language value).
func (l Localizer) cellMessages() *cellMessages {
	if l.cells != nil {
		return l.cells
	}
	return newCellMessages(l)
}

// message is a catalog message looked up ahead of formatting: its text, or
// (found false) the missing key itself, which T shows as it is.
type message struct {
	text  string
	found bool
}

// message looks key up as T does: the language's catalog, then English.
func (l Localizer) message(key string) message {
	if msg, ok := l.messages[key]; ok {
		return message{text: msg, found: true}
	}
	if msg, ok := english[key]; ok {
		return message{text: msg, found: true}
	}
	return message{text: key}
}

// append appends the message formatted with args to dst (see appendMsg).
func (m message) append(dst []byte, args ...msgArg) []byte {
	if !m.found {
		return append(dst, m.text...)
	}
	return appendFormatted(dst, m.text, args)
}

// pluralMessage is the message key+"."+category of N, looked up ahead for
// the categories the catalogs use.
type pluralMessage struct {
	key        string
	one, other message
}

func (l Localizer) pluralMessage(key string) pluralMessage {
	return pluralMessage{key: key, one: l.message(key + ".one"), other: l.message(key + ".other")}
}

// of is the message N uses for n.
func (p pluralMessage) of(l Localizer, n int) message {
	switch c := l.plural(n); c {
	case "one":
		return p.one
	case "other":
		return p.other
	default:
		return l.message(p.key + "." + c)
	}
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
	return l.message(key).append(dst, args...)
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

// AppendCount appends Count(n) to dst and returns the extended slice,
// without allocating below a thousand.
func (l Localizer) AppendCount(dst []byte, n int) []byte {
	var digits [20]byte
	s := strconv.AppendInt(digits[:0], int64(n), 10)
	if n > -1000 && n < 1000 {
		return append(dst, s...)
	}
	if s[0] == '-' {
		dst, s = append(dst, '-'), s[1:]
	}
	sep := l.T("format.group")
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			dst = append(dst, sep...)
		}
		dst = append(dst, c)
	}
	return dst
}

// AppendT appends T(key, string(arg)) to dst (a message with one text
// argument, such as "running for %s") and returns the extended slice,
// without allocating for the usual messages.
func (l Localizer) AppendT(dst []byte, key string, arg []byte) []byte {
	return l.appendMsg(dst, key, textArg(arg))
}

// AppendTexts appends T(key, args...) with text arguments (each read as
// string(arg)) to dst and returns the extended slice, without allocating
// for the usual messages of up to four arguments.
func (l Localizer) AppendTexts(dst []byte, key string, args ...[]byte) []byte {
	return l.message(key).appendTexts(dst, args)
}

// AppendN appends N(key, n, args...) with text arguments to dst, as
// AppendTexts does.
func (l Localizer) AppendN(dst []byte, key string, n int, args ...[]byte) []byte {
	var buf [64]byte
	full := append(append(append(buf[:0], key...), '.'), l.plural(n)...)
	return l.message(string(full)).appendTexts(dst, args)
}

// appendTexts appends the message formatted with text arguments.
func (m message) appendTexts(dst []byte, args [][]byte) []byte {
	var a [4]msgArg
	if len(args) > len(a) {
		if !m.found {
			return append(dst, m.text...)
		}
		vals := make([]any, len(args))
		for i, x := range args {
			vals[i] = string(x)
		}
		return fmt.Appendf(dst, m.text, vals...)
	}
	for i, x := range args {
		a[i] = textArg(x)
	}
	return m.append(dst, a[:len(args)]...)
}
