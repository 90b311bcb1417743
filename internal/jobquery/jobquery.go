// Package jobquery owns the state of a jobs list: the filters, sort order,
// page and page size that live in the URL. A Query is parsed from the URL
// once, validated once, rendered back to a canonical URL and translated once
// into the upstream apiclient.ListQuery.
package jobquery

import (
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"jobboard/apiclient"
)

// Page sizes a reader may choose; DefaultSize is left out of URLs.
const (
	DefaultSize = 20
	// MaxNameLen is the longest name filter accepted, in characters.
	MaxNameLen = 200
	// MaxPage bounds the page number so that arithmetic on it cannot overflow.
	MaxPage = 1_000_000
)

// Sizes lists the accepted page sizes in display order.
var Sizes = []int{10, 20, 50, 100}

// Date layouts accepted in from/to; the first two are canonical.
const (
	layoutDate    = "2006-01-02"
	layoutMinute  = "2006-01-02T15:04"
	layoutSeconds = "2006-01-02T15:04:05"
)

// Query is the state of a jobs list. Its URL grammar, every parameter
// optional and defaults left out of canonical URLs:
//
//	name   case-insensitive substring of the job name (≤ 200 characters, spaces at the ends trimmed)
//	status preparing | running | succeeded | failed | cancelled | stopping
//	       (also accepted on input: the codes 0–5, "success", "interrupted", "canceled"; any case)
//	from   creation time lower bound, inclusive: YYYY-MM-DD (start of that day) or
//	       YYYY-MM-DDTHH:MM (start of that minute; seconds accepted on input), read in tz
//	to     creation time upper bound, inclusive: YYYY-MM-DD (the whole day) or
//	       YYYY-MM-DDTHH:MM (the whole minute), read in tz; must not be before from
//	tz     IANA zone the dates are read in and times shown in (default: the server's zone)
//	order  asc (oldest first); desc, the default, is left out
//	page   1-based page number (default 1)
//	size   10 | 20 | 50 | 100 (default 20)
//
// Examples:
//
//	/workflows/4216617528/jobs
//	/workflows/4216617528/jobs?status=failed
//	/workflows/4216617528/jobs?from=2026-11-01&name=pagerank&page=3&size=50&to=2026-11-30&tz=Europe%2FParis
//	/workflows/4216617528/jobs?from=2026-11-30T08%3A00&order=asc
//
// Canonical URLs list the parameters in alphabetical order (url.Values.Encode).
// An invalid value is reported in FieldErrors and that filter alone is
// ignored; everything else still applies.
type Query struct {
	Name      string
	HasStatus bool
	Status    apiclient.Status // meaningful only when HasStatus
	From      string           // canonical "2006-01-02" or "2006-01-02T15:04[:05]"; "" = no bound
	To        string           // same forms as From
	TZ        string           // IANA name from the URL; "" = the default zone
	Asc       bool
	Page      int // ≥ 1
	Size      int // one of Sizes

	loc *time.Location // TZ resolved, or the default zone
}

// FieldError is the problem with one URL parameter: the message key for
// i18n with its arguments, and the value as the reader typed it, so the form
// can show it again.
type FieldError struct {
	Key   string
	Args  []any
	Value string
}

// FieldErrors maps a parameter name ("status", "to", ...) to its problem.
type FieldErrors map[string]FieldError

// Default returns the Query with no filters, shown in zone.
func Default(zone *time.Location) Query {
	return Query{Page: 1, Size: DefaultSize, loc: zone}
}

// Parse reads a Query from URL values. Times are read in the tz parameter or,
// without one, in defaultZone. Invalid parameters are reported in the
// returned FieldErrors (nil when everything is valid) and left at their
// defaults.
func Parse(v url.Values, defaultZone *time.Location) (Query, FieldErrors) {
	q := Default(defaultZone)
	errs := FieldErrors{}
	bad := func(field, key string, args ...any) {
		errs[field] = FieldError{Key: key, Args: args, Value: v.Get(field)}
	}

	if name := strings.TrimSpace(v.Get("name")); name != "" {
		switch {
		case utf8.RuneCountInString(name) > MaxNameLen:
			bad("name", "field.name.long", MaxNameLen)
		case strings.IndexFunc(name, unicode.IsControl) >= 0 || !utf8.ValidString(name):
			bad("name", "field.name.invalid")
		default:
			q.Name = name
		}
	}
	if s := strings.TrimSpace(v.Get("status")); s != "" {
		if st, ok := apiclient.ParseStatus(s); ok {
			q.HasStatus, q.Status = true, st
		} else {
			bad("status", "field.status.invalid")
		}
	}
	if tz := strings.TrimSpace(v.Get("tz")); tz != "" {
		if loc, ok := loadZone(tz); ok {
			q.TZ, q.loc = loc.String(), loc
		} else {
			bad("tz", "field.tz.invalid")
		}
	}
	var from time.Time
	if s := strings.TrimSpace(v.Get("from")); s != "" {
		if canon, start, _, ok := parseBound(s, q.loc); ok {
			q.From, from = canon, start
		} else {
			bad("from", "field.date.invalid")
		}
	}
	if s := strings.TrimSpace(v.Get("to")); s != "" {
		canon, _, end, ok := parseBound(s, q.loc)
		switch {
		case !ok:
			bad("to", "field.date.invalid")
		case !from.IsZero() && end.Before(from):
			bad("to", "field.to.before")
		default:
			q.To = canon
		}
	}
	switch o := strings.ToLower(strings.TrimSpace(v.Get("order"))); o {
	case "", "desc":
	case "asc":
		q.Asc = true
	default:
		bad("order", "field.order.invalid")
	}
	if s := strings.TrimSpace(v.Get("page")); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= MaxPage {
			q.Page = n
		} else {
			bad("page", "field.page.invalid")
		}
	}
	if s := strings.TrimSpace(v.Get("size")); s != "" {
		n, err := strconv.Atoi(s)
		if err == nil && validSize(n) {
			q.Size = n
		} else {
			bad("size", "field.size.invalid")
		}
	}
	if len(errs) == 0 {
		return q, nil
	}
	return q, errs
}

// Location returns the zone the Query reads dates in and shows times in.
func (q Query) Location() *time.Location {
	if q.loc == nil {
		return time.UTC
	}
	return q.loc
}

// Filtered reports whether any filter (name, status, from, to) is set.
func (q Query) Filtered() bool {
	return q.Name != "" || q.HasStatus || q.From != "" || q.To != ""
}

// Values renders the Query as canonical URL values: defaults left out.
func (q Query) Values() url.Values {
	v := url.Values{}
	if q.Name != "" {
		v.Set("name", q.Name)
	}
	if q.HasStatus {
		v.Set("status", q.Status.Word())
	}
	if q.From != "" {
		v.Set("from", q.From)
	}
	if q.To != "" {
		v.Set("to", q.To)
	}
	if q.TZ != "" {
		v.Set("tz", q.TZ)
	}
	if q.Asc {
		v.Set("order", "asc")
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if q.Size != DefaultSize && q.Size != 0 {
		v.Set("size", strconv.Itoa(q.Size))
	}
	return v
}

// URL returns path with the canonical query string, e.g.
// "/workflows/1/jobs?status=failed&page=2".
//
// It builds the string directly, in the order url.Values.Encode would sort
// the keys, in one allocation: a jobs page renders a few dozen links.
func (q Query) URL(path string) string {
	var num [2][20]byte
	var page, size []byte
	if q.Page > 1 {
		page = strconv.AppendInt(num[0][:0], int64(q.Page), 10)
	}
	if q.Size != DefaultSize && q.Size != 0 {
		size = strconv.AppendInt(num[1][:0], int64(q.Size), 10)
	}
	status := ""
	if q.HasStatus {
		status = q.Status.Word()
	}
	order := ""
	if q.Asc {
		order = "asc"
	}
	// Keys in alphabetical order; values escaped like url.Values.Encode.
	params := [...]struct {
		key, value string
		escape     bool
	}{
		{"from", q.From, true},
		{"name", q.Name, true},
		{"order", order, false},
		{"page", string(page), false},
		{"size", string(size), false},
		{"status", status, true},
		{"to", q.To, true},
		{"tz", q.TZ, true},
	}
	n := len(path)
	for i := range params {
		if params[i].value == "" {
			continue
		}
		if params[i].escape && needsEscape(params[i].value) {
			params[i].value = url.QueryEscape(params[i].value)
		}
		n += len(params[i].key) + len(params[i].value) + 2
	}
	if n == len(path) {
		return path
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(path)
	sep := byte('?')
	for _, p := range params {
		if p.value == "" {
			continue
		}
		b.WriteByte(sep)
		b.WriteString(p.key)
		b.WriteByte('=')
		b.WriteString(p.value)
		sep = '&'
	}
	return b.String()
}

// needsEscape reports whether url.QueryEscape would change s.
func needsEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			continue
		}
		return true
	}
	return false
}

// WithPage returns the Query showing page n.
func (q Query) WithPage(n int) Query {
	q.Page = max(1, n)
	return q
}

// WithSize returns the Query with page size n, back on the first page.
func (q Query) WithSize(n int) Query {
	q.Size, q.Page = n, 1
	return q
}

// WithOrderToggled returns the Query in the other creation-time order, back
// on the first page.
func (q Query) WithOrderToggled() Query {
	q.Asc, q.Page = !q.Asc, 1
	return q
}

// Cleared returns the Query without filters, keeping zone, order and size.
func (q Query) Cleared() Query {
	q.Name, q.HasStatus, q.Status, q.From, q.To, q.Page = "", false, 0, "", "", 1
	return q
}

// Upstream translates the Query into the list call's parameters.
func (q Query) Upstream() apiclient.ListQuery {
	lq := apiclient.ListQuery{Name: q.Name, Order: apiclient.OrderDesc, Page: q.Page, PageSize: q.Size}
	if q.HasStatus {
		st := q.Status
		lq.Status = &st
	}
	if q.From != "" {
		_, lq.From, _, _ = parseBound(q.From, q.Location())
	}
	if q.To != "" {
		_, _, lq.To, _ = parseBound(q.To, q.Location())
	}
	if q.Asc {
		lq.Order = apiclient.OrderAsc
	}
	return lq
}

// LastPage returns the last page number holding any of total jobs at the
// Query's page size (1 for an empty list).
func (q Query) LastPage(total int) int {
	size := q.Size
	if size <= 0 {
		size = DefaultSize
	}
	return max(1, (total+size-1)/size)
}

func validSize(n int) bool {
	for _, s := range Sizes {
		if s == n {
			return true
		}
	}
	return false
}

// loadZone accepts an IANA zone name; "Local" and file-system tricks are
// refused so the server's own setting never leaks into a shared URL.
func loadZone(name string) (*time.Location, bool) {
	if name == "Local" || len(name) > 64 || strings.ContainsAny(name, "\\\x00") {
		return nil, false
	}
	if loc, ok := zoneCache.Load(name); ok {
		return loc.(*time.Location), true
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	if zoneCacheSize.Load() < maxCachedZones {
		if _, loaded := zoneCache.LoadOrStore(name, loc); !loaded {
			zoneCacheSize.Add(1)
		}
	}
	return loc, true
}

// maxCachedZones bounds zoneCache; names beyond it are loaded each time.
// The IANA database has about 600 names, so real zones all fit.
const maxCachedZones = 1000

// zoneCache memoises time.LoadLocation by zone name: loading reads and
// parses the zone file on every call (about 100 µs), and nearly every list
// request names a zone. This is the package's only mutable state, and it
// is acceptable because it is a pure memo of an immutable lookup: a
// *time.Location is never modified after LoadLocation returns it, only
// successful loads are stored, and a cached answer is the one a fresh load
// would give (the zone database does not change while the process runs).
// It is bounded by maxCachedZones and safe for concurrent use.
var (
	zoneCache     sync.Map // zone name → *time.Location
	zoneCacheSize atomic.Int64
)

// parseBound reads a date or date-time in loc and returns its canonical
// text, the first and the last instant it covers (a day or a minute, or a
// second when seconds were given).
func parseBound(s string, loc *time.Location) (canon string, start, end time.Time, ok bool) {
	if loc == nil {
		loc = time.UTC
	}
	if t, err := time.ParseInLocation(layoutDate, s, loc); err == nil {
		next := time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
		return t.Format(layoutDate), t, next.Add(-time.Millisecond), true
	}
	s = strings.Replace(s, " ", "T", 1)
	if t, err := time.ParseInLocation(layoutMinute, s, loc); err == nil {
		return t.Format(layoutMinute), t, t.Add(time.Minute - time.Millisecond), true
	}
	if t, err := time.ParseInLocation(layoutSeconds, s, loc); err == nil {
		if t.Second() == 0 {
			return t.Format(layoutMinute), t, t.Add(time.Minute - time.Millisecond), true
		}
		return t.Format(layoutSeconds), t, t.Add(time.Second - time.Millisecond), true
	}
	return "", time.Time{}, time.Time{}, false
}
