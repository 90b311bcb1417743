package apiclient

import (
	"bytes"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeListPageFast decodes a successful list answer, the envelope
// {"code":0,"message":…,"data":{"items":[…],"total":N,"Page":p,"PageSize":s}},
// into dst without encoding/json, straight into the Jobs: it fills the
// capacity dst.Items already has (the page size) before growing it, and
// the jobs' strings share one copy of the bytes they hold (not of the
// whole body: keys, numbers and skipped fields are most of it). It reads exactly the
// fields wireJobPage and wireJob hold and skips (while validating)
// everything else. It reports false, leaving dst's fields alone (the
// backing array of dst.Items may be written), on anything it does not expect: a
// non-zero or missing code, null data, a value of another type or form
// than the usual (a time as a string, a float where an integer goes), a
// key that is repeated, escaped, non-ASCII or matches a field only without
// regard to case, nesting deeper than fastMaxDepth, or invalid JSON. The
// caller then decodes the body with encoding/json, whose answers and
// errors are the reference: when this reports true, dst holds what
// encoding/json would have produced (FuzzDecodeListPage checks it).
func decodeListPageFast(body []byte, dst *JobPage) bool {
	sc, _ := keptPool.Get().(*keptScratch)
	if sc == nil {
		sc = new(keptScratch)
	}
	defer sc.release()
	s := fastScanner{b: body, kept: sc}
	page := JobPage{Items: dst.Items[:0]}
	if !s.envelope(&page) {
		return false
	}
	if page.Items == nil {
		page.Items = []Job{}
	}
	sc.set(page.Items)
	*dst = page
	return true
}

// keptScratch gathers the bytes of the strings a page keeps while it is
// decoded, and which job field each goes to; set then cuts the fields from
// one string of those bytes. Fields are named by job index, not pointer:
// the jobs' slice may grow while it is decoded.
type keptScratch struct {
	bytes []byte
	refs  []keptRef
}

type keptRef struct {
	job        int
	field      keptField
	start, end int
}

// keptField is a string field of Job.
type keptField uint8

const (
	keptName keptField = iota
	keptWorkflowID
	keptWorkflowName
)

var keptPool sync.Pool // *keptScratch

// maxPooledKept is the largest scratch kept for the next page.
const maxPooledKept = 64 << 10

// add appends text as field f of job i.
func (k *keptScratch) add(i int, f keptField, text []byte) {
	start := len(k.bytes)
	k.bytes = append(k.bytes, text...)
	k.refs = append(k.refs, keptRef{job: i, field: f, start: start, end: len(k.bytes)})
}

// set gives every recorded field of jobs its string.
func (k *keptScratch) set(jobs []Job) {
	all := string(k.bytes)
	for _, r := range k.refs {
		v := all[r.start:r.end]
		switch j := &jobs[r.job]; r.field {
		case keptName:
			j.Name = v
		case keptWorkflowID:
			j.WorkflowID = v
		case keptWorkflowName:
			j.WorkflowName = v
		}
	}
}

func (k *keptScratch) release() {
	if cap(k.bytes) > maxPooledKept {
		return
	}
	k.bytes, k.refs = k.bytes[:0], k.refs[:0]
	keptPool.Put(k)
}

// fastMaxDepth bounds the nesting of skipped values.
const fastMaxDepth = 64

// fastScanner reads a JSON document from b, position i. Its methods
// report false when the input is not what they expect.
type fastScanner struct {
	b    []byte
	i    int
	kept *keptScratch // the kept strings
	job  int          // index of the job being decoded
}

func (s *fastScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (s *fastScanner) peek() byte {
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *fastScanner) consume(c byte) bool {
	if s.peek() != c {
		return false
	}
	s.i++
	return true
}

// object reads an object, calling member for each key with the scanner
// before the value; member must read the value.
func (s *fastScanner) object(member func(key []byte) bool) bool {
	if !s.consume('{') {
		return false
	}
	if s.peek() == '}' {
		s.i++
		return true
	}
	for {
		if s.peek() != '"' {
			return false
		}
		// A non-ASCII key is left to encoding/json, which folds some
		// non-ASCII letters.
		start, end, plain, ascii, ok := s.str0()
		if !ok || !plain || !ascii {
			return false
		}
		if !s.consume(':') || !member(s.b[start:end]) {
			return false
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			return true
		default:
			return false
		}
	}
}

// strSpecial marks the bytes a string literal's scan must look at: the
// closing quote, a backslash, control characters (invalid) and the
// non-ASCII bytes (whose UTF-8 text must then be checked).
var strSpecial = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// str0 reads a string literal at s.i and returns the bounds of its
// content, whether it holds no escape sequence and whether it is all
// ASCII. Runs of ordinary bytes are skipped in a loop of one table
// look-up a byte: most of a list page's bytes are in strings.
func (s *fastScanner) str0() (start, end int, plain, ascii, ok bool) {
	b := s.b
	i := s.i + 1 // after the opening quote
	start, plain, ascii = i, true, true
	for {
		for i < len(b) && !strSpecial[b[i]] {
			i++
		}
		if i >= len(b) {
			return 0, 0, false, false, false
		}
		switch c := b[i]; {
		case c == '"':
			s.i = i + 1
			return start, i, plain, ascii, true
		case c >= utf8.RuneSelf:
			ascii = false
			i++
		case c < 0x20:
			return 0, 0, false, false, false
		default: // '\\'
			plain = false
			if i+1 >= len(b) {
				return 0, 0, false, false, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || hex4(b[i+2:i+6]) < 0 {
					return 0, 0, false, false, false
				}
				i += 6
			default:
				return 0, 0, false, false, false
			}
		}
	}
}

// hex4 returns the value of 4 hex digits, or -1.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// number reads a number literal and returns its bounds and whether it is
// an integer (no fraction, no exponent).
func (s *fastScanner) number() (start, end int, integer, ok bool) {
	start, integer = s.i, true
	b := s.b
	i := s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		return 0, 0, false, false
	}
	if i < len(b) && b[i] == '.' {
		integer = false
		i++
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == d {
			return 0, 0, false, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		integer = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		if i == d {
			return 0, 0, false, false
		}
	}
	s.i = i
	return start, i, integer, true
}

func (s *fastScanner) literal(word string) bool {
	if !bytes.HasPrefix(s.b[s.i:], []byte(word)) {
		return false
	}
	s.i += len(word)
	return true
}

// skip reads and discards any value.
func (s *fastScanner) skip(depth int) bool {
	if depth > fastMaxDepth {
		return false
	}
	switch s.peek() {
	case '"':
		_, _, _, _, ok := s.str0()
		return ok
	case '{':
		return s.object(func([]byte) bool { return s.skip(depth + 1) })
	case '[':
		return s.array(func() bool { return s.skip(depth + 1) })
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	_, _, _, ok := s.number()
	return ok
}

// array reads an array, calling elem before each element; elem must read it.
func (s *fastScanner) array(elem func() bool) bool {
	if !s.consume('[') {
		return false
	}
	if s.peek() == ']' {
		s.i++
		return true
	}
	for {
		if !elem() {
			return false
		}
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return true
		default:
			return false
		}
	}
}

// null reads a null if one comes next.
func (s *fastScanner) null() bool {
	return s.peek() == 'n' && s.literal("null")
}

// int64Lit reads an integer number literal of at most 18 digits, its
// value computed in the one pass over its digits. Anything else (a
// fraction, an exponent, a leading zero, more digits) reports false.
func (s *fastScanner) int64Lit() (int64, bool) {
	s.ws()
	b, i := s.b, s.i
	neg := i < len(b) && b[i] == '-'
	if neg {
		i++
	}
	first := i
	var v int64
	for i < len(b) && b[i]-'0' <= 9 {
		v = v*10 + int64(b[i]-'0')
		i++
	}
	switch n := i - first; {
	case n == 0 || n > 18, n > 1 && b[first] == '0':
		return 0, false
	case i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E'):
		return 0, false
	}
	s.i = i
	if neg {
		v = -v
	}
	return v, true
}

// smallInt parses -?[0-9]{1,18}.
func smallInt(b []byte) (int64, bool) {
	digits := b
	if len(b) > 0 && b[0] == '-' {
		digits = b[1:]
	}
	if len(digits) == 0 || len(digits) > 18 || !isDigits(digits) {
		return 0, false
	}
	v, err := parseInt64(b)
	return v, err == nil
}

// intField reads an int field: an integer, or null (left as is).
func (s *fastScanner) intField(dst *int) bool {
	if s.null() {
		return true
	}
	v, ok := s.int64Lit()
	if ok {
		*dst = int(v)
	}
	return ok
}

// stringField reads string field f of the job being decoded: a string
// literal, or null (the job is new, so its field is already "", which is
// what both a plain string and flexString make of null).
func (s *fastScanner) stringField(f keptField) bool {
	if s.null() {
		return true
	}
	if s.peek() != '"' {
		return false
	}
	start, end, plain, ascii, ok := s.str0()
	if !ok {
		return false
	}
	raw := s.b[start:end]
	if plain && (ascii || utf8.Valid(raw)) {
		s.kept.add(s.job, f, raw)
	} else {
		s.kept.add(s.job, f, text(raw))
	}
	return true
}

// text returns the content raw of a string literal with escapes or
// invalid UTF-8, decoded as encoding/json does: escapes resolved, invalid
// UTF-8 and lone surrogates replaced by U+FFFD.
func text(raw []byte) []byte {
	out := make([]byte, 0, len(raw)+8)
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\\':
			switch raw[i+1] {
			case 'b':
				out = append(out, '\b')
			case 'f':
				out = append(out, '\f')
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			case 'u':
				r := hex4(raw[i+2:])
				i += 6
				if utf16.IsSurrogate(r) {
					r2 := rune(-1)
					if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
						r2 = hex4(raw[i+2:])
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						i += 6
						r = dec
					} else {
						r = utf8.RuneError
					}
				}
				out = utf8.AppendRune(out, r)
				continue
			default: // '"', '\\', '/'
				out = append(out, raw[i+1])
			}
			i += 2
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(raw[i:])
			out = utf8.AppendRune(out, r)
			i += size
		}
	}
	return out
}

// timeField reads a time sent as epoch milliseconds or null, as wireTime
// does; other forms (strings) are left to encoding/json.
func (s *fastScanner) timeField(dst *time.Time) bool {
	if s.null() {
		*dst = time.Time{}
		return true
	}
	ms, ok := s.int64Lit()
	if !ok {
		return false
	}
	if ms <= 0 {
		*dst = time.Time{}
	} else {
		*dst = time.UnixMilli(ms).UTC()
	}
	return true
}

// once records which of up to 64 keys an object has had, to refuse a
// repeated one.
type once uint64

func (o *once) first(bit uint) bool {
	if *o&(1<<bit) != 0 {
		return false
	}
	*o |= 1 << bit
	return true
}

// other handles a key that names no field: skipped, unless it matches one
// of names without regard to case (encoding/json would decode it).
func (s *fastScanner) other(key []byte, names ...string) bool {
	for _, n := range names {
		if bytes.EqualFold(key, []byte(n)) {
			return false
		}
	}
	return s.skip(1)
}

func (s *fastScanner) envelope(page *JobPage) bool {
	var seen once
	ok := s.object(func(key []byte) bool {
		switch string(key) {
		case "code":
			if !seen.first(0) {
				return false
			}
			code, ok := s.int64Lit()
			return ok && code == CodeSuccess
		case "message": // checked, not kept: a successful answer's message is not used
			if !seen.first(1) {
				return false
			}
			if s.null() {
				return true
			}
			if s.peek() != '"' {
				return false
			}
			_, _, _, _, ok := s.str0()
			return ok
		case "data":
			return seen.first(2) && s.page(page)
		}
		return s.other(key, "code", "message", "data")
	})
	if !ok || seen&1 == 0 || seen&4 == 0 {
		return false
	}
	s.ws()
	return s.i == len(s.b)
}

func (s *fastScanner) page(page *JobPage) bool {
	var seen once
	return s.object(func(key []byte) bool {
		switch string(key) {
		case "items":
			if !seen.first(0) {
				return false
			}
			if s.null() {
				page.Items = page.Items[:0]
				return true
			}
			if page.Items == nil {
				page.Items = make([]Job, 0, 10)
			}
			return s.array(func() bool {
				if s.peek() != '{' {
					return false
				}
				page.Items = append(page.Items, Job{})
				s.job = len(page.Items) - 1
				return s.decodeJob(&page.Items[s.job])
			})
		case "total":
			return seen.first(1) && s.intField(&page.Total)
		case "Page":
			return seen.first(2) && s.intField(&page.Page)
		case "PageSize":
			return seen.first(3) && s.intField(&page.PageSize)
		}
		return s.other(key, "items", "total", "Page", "PageSize")
	})
}

// decodeJob reads job s.job into j; its strings are set once the page is
// decoded (keptScratch).
func (s *fastScanner) decodeJob(j *Job) bool {
	var seen once
	return s.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			if !seen.first(0) {
				return false
			}
			return s.idField(&j.ID)
		case "name":
			return seen.first(1) && s.stringField(keptName)
		case "workflowId":
			return seen.first(2) && s.workflowID()
		case "workflowName":
			return seen.first(3) && s.stringField(keptWorkflowName)
		case "status":
			var st int
			if !seen.first(4) || !s.intField(&st) {
				return false
			}
			j.Status = Status(st)
			return true
		case "runBeginTime":
			return seen.first(5) && s.timeField(&j.RunBegin)
		case "runEndTime":
			return seen.first(6) && s.timeField(&j.RunEnd)
		case "createTime":
			return seen.first(7) && s.timeField(&j.Created)
		}
		return s.other(key, "id", "name", "workflowId", "workflowName", "status", "runBeginTime", "runEndTime", "createTime")
	})
}

// idField reads an ID as flexInt64 does: an integer, a string of digits,
// or null.
func (s *fastScanner) idField(dst *int64) bool {
	if s.null() {
		*dst = 0
		return true
	}
	if s.peek() == '"' {
		start, end, plain, _, ok := s.str0()
		if !ok || !plain {
			return false
		}
		v, ok := smallInt(s.b[start:end])
		*dst = v
		return ok
	}
	v, ok := s.int64Lit()
	*dst = v
	return ok
}

// workflowID reads the workflow ID of the job being decoded as
// flexString does: a string, a number (its literal text) or null.
func (s *fastScanner) workflowID() bool {
	switch c := s.peek(); {
	case c == '"' || c == 'n':
		return s.stringField(keptWorkflowID)
	case c == '-' || '0' <= c && c <= '9':
		start, end, _, ok := s.number()
		if !ok {
			return false
		}
		s.kept.add(s.job, keptWorkflowID, s.b[start:end])
		return true
	}
	return false
}
