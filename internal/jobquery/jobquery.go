// Package jobquery owns the state of a jobs list: the filters, sort order,
// page, page size and "as of" pin that live in the URL. A Query is parsed
// from the URL once, at one instant (the request's "now"), validated once,
// rendered back to a canonical URL and translated once into the upstream
// apiclient.ListQuery.
package jobquery

import (
	"maps"
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
	// LayoutAsOf is the canonical form of asof: RFC 3339 in UTC, whole seconds.
	LayoutAsOf = "2006-01-02T15:04:05Z"
)

// Ranges lists the preset relative time ranges in display order.
var Ranges = []string{"1h", "24h", "7d", "30d"}

// rangeSpans are the preset ranges' lengths. A day is 24 hours: "the last
// 7 days" is the 168 hours before now, whatever the zone's clock changes.
var rangeSpans = map[string]time.Duration{
	"1h":  time.Hour,
	"24h": 24 * time.Hour,
	"7d":  7 * 24 * time.Hour,
	"30d": 30 * 24 * time.Hour,
}

// MaxAsOfSkew is how far in the future an asof may lie and still be
// accepted: replicas' clocks differ a little, and a page served by one may
// be followed by a click answered by another.
const MaxAsOfSkew = 5 * time.Second

// Query is the state of a jobs list. Its URL grammar, every parameter
// optional and defaults left out of canonical URLs:
//
//	name   case-insensitive substring of the job name (≤ 200 characters, spaces at the ends trimmed)
//	status a set of preparing | running | succeeded | failed | cancelled | stopping,
//	       comma-separated, canonically in that (code) order: status=failed,cancelled
//	       (also accepted on input: the codes 0–5, "success", "interrupted", "canceled",
//	       the shortcuts problems = failed,cancelled and inprogress =
//	       preparing,running,stopping, any case and order, repeats, and the
//	       parameter given several times); all six is no filter and left out
//	from   creation time lower bound, inclusive: YYYY-MM-DD (start of that day) or
//	       YYYY-MM-DDTHH:MM (start of that minute; seconds accepted on input), read in tz
//	to     creation time upper bound, inclusive: YYYY-MM-DD (the whole day) or
//	       YYYY-MM-DDTHH:MM (the whole minute), read in tz; must not be before from
//	range  1h | 24h | 7d | 30d: created in the last hour / 24 hours / 7 days / 30 days
//	       (days of 24 hours), counted back from asof when set, else from the
//	       request's instant; excludes from and to
//	tz     IANA zone the dates are read in and times shown in (default: the server's zone)
//	asof   the pin: only jobs created at or before this second are listed,
//	       RFC 3339 in UTC with seconds (2026-12-01T14:32:05Z; other offsets and
//	       fractions are accepted on input and normalised); not in the future
//	order  asc (oldest first); desc, the default, is left out
//	page   1-based page number (default 1)
//	size   10 | 20 | 50 | 100 (default 20)
//
// Every parameter but status holds one value: given several times with
// different values it is an error (field.<name>.repeated) and none of its
// copies applies, since the URL does not say which one it means; the same
// value repeated is that value.
//
// Examples:
//
//	/workflows/4216617528/jobs
//	/workflows/4216617528/jobs?status=failed
//	/workflows/4216617528/jobs?page=7&status=failed,cancelled
//	/workflows/4216617528/jobs?from=2026-11-01&name=pagerank&page=3&size=50&to=2026-11-30&tz=Europe%2FParis
//	/workflows/4216617528/jobs?from=2026-11-30T08%3A00&order=asc
//	/jobs?range=24h
//	/jobs?asof=2026-12-01T14%3A32%3A05Z&page=2&range=24h
//
// Canonical URLs list the parameters in alphabetical order (url.Values.Encode).
// An invalid value is reported in FieldErrors and that filter alone is
// ignored; everything else still applies.
type Query struct {
	Name   string
	Status StatusSet // the statuses listed; empty = any (never all six: see StatusSet.Normal)
	From   string    // canonical "2006-01-02" or "2006-01-02T15:04[:05]"; "" = no bound
	To     string    // same forms as From
	TZ     string    // IANA name from the URL; "" = the default zone
	Asc    bool
	Page   int       // ≥ 1
	Size   int       // one of Sizes
	Range  string    // one of Ranges; "" = no preset (never set together with From/To)
	AsOf   time.Time // the pin, UTC whole seconds; zero = live (the latest jobs)

	loc *time.Location // TZ resolved, or the default zone
	now time.Time      // the instant the Query is evaluated at, UTC whole seconds
}

// FieldError is the problem with one URL parameter: the message key for
// i18n with its arguments, and the value as the reader typed it, so the form
// can show it again. A parameter that is only part of another one's
// problem (the dates next to a preset range) has no Key of its own and
// names that parameter in Of: its message is there.
type FieldError struct {
	Key   string
	Args  []any
	Value string
	Of    string
}

// FieldErrors maps a parameter name ("status", "to", ...) to its problem.
type FieldErrors map[string]FieldError

// Default returns the Query with no filters, shown in zone and evaluated
// at now.
func Default(zone *time.Location, now time.Time) Query {
	return Query{Page: 1, Size: DefaultSize, loc: zone, now: now.UTC().Truncate(time.Second)}
}

// Parse reads a Query from URL values at the instant now (the request's,
// read once: a preset range ends there and an asof may not pass it). Times
// are read in the tz parameter or, without one, in defaultZone. Invalid
// parameters are reported in the returned FieldErrors (nil when everything
// is valid) and left at their defaults; a preset range given with dates is
// an error on both and neither applies.
func Parse(v url.Values, defaultZone *time.Location, now time.Time) (Query, FieldErrors) {
	q := Default(defaultZone, now)
	errs := FieldErrors{}
	typed := v // as given: a date typed twice is still a date next to a range
	v = oneEach(v, errs)
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
	if vs := v["status"]; len(vs) > 0 {
		if set, ok := ParseStatusSet(vs...); ok {
			q.Status = set
		} else {
			errs["status"] = FieldError{Key: "field.status.invalid", Value: strings.Join(vs, ",")}
		}
	}
	if tz := strings.TrimSpace(v.Get("tz")); tz != "" {
		if loc, ok := Zone(tz); ok {
			q.TZ, q.loc = loc.String(), loc
		} else {
			bad("tz", "field.tz.invalid", v.Get("tz"))
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
	if s := strings.ToLower(strings.TrimSpace(v.Get("range"))); s != "" {
		if _, ok := rangeSpans[s]; !ok {
			bad("range", "field.range.invalid")
		} else if dates := typedDates(typed); len(dates) > 0 {
			bad("range", "field.range.conflict")
			for _, f := range dates {
				if _, own := errs[f]; !own {
					errs[f] = FieldError{Value: typed.Get(f), Of: "range"}
				}
			}
			q.From, q.To = "", ""
		} else {
			q.Range = s
		}
	}
	if s := strings.TrimSpace(v.Get("asof")); s != "" {
		t, ok := parseAsOf(s)
		switch {
		case !ok:
			bad("asof", "field.asof.invalid")
		case t.After(q.now.Add(MaxAsOfSkew)):
			bad("asof", "field.asof.future")
		default:
			q.AsOf = t
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

// singleParams are the parameters that hold one value, with the message
// key of their being given several times with different values.
var singleParams = [...]struct{ name, key string }{
	{"name", "field.name.repeated"},
	{"tz", "field.tz.repeated"},
	{"from", "field.from.repeated"},
	{"to", "field.to.repeated"},
	{"range", "field.range.repeated"},
	{"asof", "field.asof.repeated"},
	{"order", "field.order.repeated"},
	{"page", "field.page.repeated"},
	{"size", "field.size.repeated"},
}

// oneEach returns v with one value for each parameter of singleParams:
// one given several times with different values is reported in errs
// (the first copy kept as typed, the copies named in the message) and
// left out. v itself is not changed; without repeats it is returned as
// is, so the common case allocates nothing.
func oneEach(v url.Values, errs FieldErrors) url.Values {
	var out url.Values
	for _, p := range singleParams {
		vs := v[p.name]
		if len(vs) < 2 {
			continue
		}
		if out == nil {
			out = maps.Clone(v)
		}
		if one, ok := One(vs); ok {
			out[p.name] = []string{one}
			continue
		}
		errs[p.name] = FieldError{Key: p.key, Args: []any{Copies(vs)}, Value: vs[0]}
		delete(out, p.name)
	}
	if out == nil {
		return v
	}
	return out
}

// One reads a URL parameter that holds one value from its copies vs, in
// URL order: "" when absent, else its value when it is given once or
// every copy says the same (spaces at the ends aside). ok is false when
// copies differ: the URL does not say which one it means, and no page
// may pick one of them for the reader.
func One(vs []string) (value string, ok bool) {
	if len(vs) == 0 {
		return "", true
	}
	first := strings.TrimSpace(vs[0])
	for _, s := range vs[1:] {
		if strings.TrimSpace(s) != first {
			return "", false
		}
	}
	return vs[0], true
}

// Copies names the different values among vs for a message, in URL
// order and quoted: “2”, “3”. At most maxCopies values of at most
// maxCopyLen characters are named, "…" marking what was left out, so a
// URL of a thousand copies makes a short message.
func Copies(vs []string) string {
	const maxCopies, maxCopyLen = 3, 40
	var b strings.Builder
	seen := make(map[string]bool, maxCopies)
	for _, s := range vs {
		s = strings.TrimSpace(s)
		if seen[s] {
			continue
		}
		if len(seen) == maxCopies {
			b.WriteString(", …")
			break
		}
		seen[s] = true
		if len(seen) > 1 {
			b.WriteString(", ")
		}
		b.WriteString("“")
		if r := []rune(s); len(r) > maxCopyLen {
			s = string(r[:maxCopyLen]) + "…"
		}
		b.WriteString(s)
		b.WriteString("”")
	}
	return b.String()
}

// typedDates returns the date parameters (from, to) the URL sets.
func typedDates(v url.Values) []string {
	var set []string
	for _, f := range [...]string{"from", "to"} {
		if strings.TrimSpace(v.Get(f)) != "" {
			set = append(set, f)
		}
	}
	return set
}

// parseAsOf reads an RFC 3339 instant and returns it in UTC, truncated to
// the second. A "+" of an offset that arrived unescaped reads as a space.
func parseAsOf(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		if t, err = time.Parse(time.RFC3339, strings.Replace(s, " ", "+", 1)); err != nil {
			return time.Time{}, false
		}
	}
	t = t.UTC().Truncate(time.Second)
	if t.Year() < 1970 || t.Year() > 9999 {
		return time.Time{}, false
	}
	return t, true
}

// Now returns the instant the Query is evaluated at (UTC, whole seconds):
// a preset range ends there and a pin made from this request holds it.
func (q Query) Now() time.Time { return q.now }

// Pinned reports whether the Query lists jobs as of a fixed instant.
func (q Query) Pinned() bool { return !q.AsOf.IsZero() }

// Location returns the zone the Query reads dates in and shows times in.
func (q Query) Location() *time.Location {
	if q.loc == nil {
		return time.UTC
	}
	return q.loc
}

// Filtered reports whether any filter (name, status, from, to, range) is set.
func (q Query) Filtered() bool {
	return q.Name != "" || q.Status != 0 || q.From != "" || q.To != "" || q.Range != ""
}

// Values renders the Query as canonical URL values: defaults left out.
// URL and AppendURL write the same query string by hand, and
// FuzzParseQuery holds them to Values().Encode().
func (q Query) Values() url.Values {
	v := url.Values{}
	if q.Pinned() {
		v.Set("asof", q.AsOf.Format(LayoutAsOf))
	}
	if q.Range != "" {
		v.Set("range", q.Range)
	}
	if q.Name != "" {
		v.Set("name", q.Name)
	}
	if q.Status != 0 {
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
// It is AppendURL into a buffer on the stack, so a URL costs the one
// allocation of its string: a jobs page renders a few dozen links.
func (q Query) URL(path string) string {
	var buf [256]byte
	b := q.AppendURL(buf[:0], path)
	if len(b) == len(path) {
		return path
	}
	return string(b)
}

// AppendURL appends URL(path) to b and returns the extended slice, without
// allocating when b has room: the parameters in the order
// url.Values.Encode sorts the keys, their values escaped as it escapes
// them (url.QueryEscape).
func (q Query) AppendURL(b []byte, path string) []byte {
	b = append(b, path...)
	sep := byte('?')
	if q.Pinned() {
		b = append(b, sep)
		b = append(b, "asof="...)
		var asof [len(LayoutAsOf)]byte
		b = AppendQueryEscaped(b, q.AsOf.AppendFormat(asof[:0], LayoutAsOf))
		sep = '&'
	}
	if q.From != "" {
		b = append(append(b, sep), "from="...)
		b = AppendQueryEscaped(b, q.From)
		sep = '&'
	}
	if q.Name != "" {
		b = append(append(b, sep), "name="...)
		b = AppendQueryEscaped(b, q.Name)
		sep = '&'
	}
	if q.Asc {
		b = append(append(b, sep), "order=asc"...)
		sep = '&'
	}
	if q.Page > 1 {
		b = append(append(b, sep), "page="...)
		b = strconv.AppendInt(b, int64(q.Page), 10)
		sep = '&'
	}
	if q.Range != "" {
		b = append(append(b, sep), "range="...)
		b = append(b, q.Range...)
		sep = '&'
	}
	if q.Size != DefaultSize && q.Size != 0 {
		b = append(append(b, sep), "size="...)
		b = strconv.AppendInt(b, int64(q.Size), 10)
		sep = '&'
	}
	if q.Status != 0 {
		// Words and commas, unescaped: a readable failed,cancelled.
		b = append(append(b, sep), "status="...)
		b = q.Status.appendWord(b)
		sep = '&'
	}
	if q.To != "" {
		b = append(append(b, sep), "to="...)
		b = AppendQueryEscaped(b, q.To)
		sep = '&'
	}
	if q.TZ != "" {
		b = append(append(b, sep), "tz="...)
		b = AppendQueryEscaped(b, q.TZ)
	}
	return b
}

// AppendQueryEscaped appends s escaped as url.QueryEscape escapes it: the
// unreserved bytes as they are, a space as '+', every other byte as %XX
// (so the result holds nothing HTML escapes either).
func AppendQueryEscaped[T string | []byte](b []byte, s T) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case !escapes(c):
			b = append(b, c)
		case c == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', hex[c>>4], hex[c&15])
		}
	}
	return b
}

// escapes reports whether url.QueryEscape changes the byte c.
func escapes(c byte) bool {
	return !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~')
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

// WithStatus returns the Query listing the statuses of s (normalised:
// every status is none), back on the first page.
func (q Query) WithStatus(s StatusSet) Query {
	q.Status, q.Page = s.Normal(), 1
	return q
}

// WithOrderToggled returns the Query in the other creation-time order, back
// on the first page.
func (q Query) WithOrderToggled() Query {
	q.Asc, q.Page = !q.Asc, 1
	return q
}

// Cleared returns the live Query without filters, keeping zone, order and
// size.
func (q Query) Cleared() Query {
	q.Name, q.Status, q.From, q.To, q.Range, q.Page = "", 0, "", "", "", 1
	q.AsOf = time.Time{}
	return q
}

// WithRange returns the live Query of the preset range r ("" = any time)
// instead of its dates, on the first page.
func (q Query) WithRange(r string) Query {
	q.Range, q.From, q.To, q.Page, q.AsOf = r, "", "", 1, time.Time{}
	return q
}

// Live returns the Query of the latest jobs of these filters: no pin, the
// first page; a preset range stays relative.
func (q Query) Live() Query {
	q.AsOf, q.Page = time.Time{}, 1
	return q
}

// Pin returns the Query pinned: as it is, or, when live, as of its Now.
func (q Query) Pin() Query {
	if !q.Pinned() && !q.now.IsZero() {
		q.AsOf = q.now
	}
	return q
}

// Stable returns the Query as a link to it must say it, so pages never
// shift: past the first page it is pinned (as of the moment this request
// was served, when live); the first page of a live list stays live.
func (q Query) Stable() Query {
	if q.Page > 1 {
		return q.Pin()
	}
	return q
}

// Exact returns the Query of these very rows for anyone, any time: pinned,
// a preset range turned into absolute from/to in the list's zone, the zone
// named (when it has an IANA name), the page kept.
func (q Query) Exact() Query {
	q = q.Pin()
	if span, ok := rangeSpans[q.Range]; ok && q.Pinned() {
		zone := q.Location()
		q.From = formatBound(q.AsOf.Add(-span).In(zone))
		q.To = formatBound(q.AsOf.In(zone))
		q.Range = ""
	}
	if q.TZ == "" {
		if name := q.Location().String(); name != "Local" {
			if _, ok := loadZone(name); ok {
				q.TZ = name
			}
		}
	}
	return q
}

// formatBound writes an instant as a from/to value in its canonical form
// (a minute, or a second when it has seconds).
func formatBound(t time.Time) string {
	if t.Second() == 0 {
		return t.Format(layoutMinute)
	}
	return t.Format(layoutSeconds)
}

// Upstream translates the Query into the list call's parameters: the
// creation-time window is the dates, or the preset range ending at the pin
// (else at Now), capped at the end of the pin's second. Its Status is set
// only for a set of one; a list of several statuses is one call per status
// (see internal/joblist) with Status.Statuses().
func (q Query) Upstream() apiclient.ListQuery {
	lq := apiclient.ListQuery{Name: q.Name, Order: apiclient.OrderDesc, Page: q.Page, PageSize: q.Size}
	if st, ok := q.Status.Single(); ok {
		lq.Status = &st
	}
	if q.From != "" {
		_, lq.From, _, _ = parseBound(q.From, q.Location())
	}
	if q.To != "" {
		_, _, lq.To, _ = parseBound(q.To, q.Location())
	}
	if span, ok := rangeSpans[q.Range]; ok {
		end := q.now
		if q.Pinned() {
			end = q.AsOf
		}
		if !end.IsZero() {
			lq.From = end.Add(-span)
		}
	}
	if q.Pinned() {
		if end := q.AsOf.Add(time.Second - time.Millisecond); lq.To.IsZero() || end.Before(lq.To) {
			lq.To = end
		}
	}
	if q.Asc {
		lq.Order = apiclient.OrderAsc
	}
	return lq
}

// Newer returns the upstream call counting the jobs that match these
// filters live but came after the pin: one job a page (only its total is
// read), created from the second after AsOf. ok is false when the Query is
// not pinned or no job can be newer (the dates end before the pin does).
func (q Query) Newer() (lq apiclient.ListQuery, ok bool) {
	if !q.Pinned() {
		return apiclient.ListQuery{}, false
	}
	lq = q.Live().Upstream()
	if after := q.AsOf.Add(time.Second); lq.From.Before(after) {
		lq.From = after
	}
	if !lq.To.IsZero() && lq.To.Before(lq.From) {
		return apiclient.ListQuery{}, false
	}
	lq.Page, lq.PageSize, lq.Order = 1, 1, apiclient.OrderDesc
	return lq, true
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

// Zone returns the zone a tz value names, by the rule Parse applies to
// the tz parameter (surrounding spaces ignored), and false when it names
// none the server knows. A blank value names none (time.LoadLocation
// would answer UTC).
func Zone(name string) (*time.Location, bool) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, false
	}
	return loadZone(name)
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
