// Package joblist lists jobs of several statuses at once over Explorer's
// list endpoint, which filters by one status only. It asks for each status
// with the same other filters and merges the answers by creation time (ties
// by job ID, in the same direction) into one list with exact numbered
// pages, at a bounded number of upstream calls.
//
// # Cost
//
// For k statuses a page p of size s (positions a = (p−1)·s … b−1 = p·s−1 of
// the merged order) costs:
//
//   - b ≤ 100: k calls (the first b jobs of every status, page size b).
//     Page 1 is always this case.
//   - deeper: at most 4·k calls in all, in rounds of concurrent calls,
//     none with a page size over 100:
//     1. a page of one job per status, for the totals n_i (N = Σ n_i);
//     2. per status, the whole range of own-list positions the totals allow
//     when it fits one page (a job's merged position is at least its
//     own-list position and at most that plus the other statuses'
//     totals), otherwise a page around the position a·n_i/N;
//     3. and on while the budget lasts: from everything read, per status
//     the own-list positions that can still hold the page or must bracket
//     it for the others; when they fit one page, that page; otherwise, the
//     first time, the 100 jobs at or after a creation-time pivot estimated
//     by interpolation (that call's total is the exact count before it),
//     later consecutive pages over them when the calls left allow (a
//     status that needed no call leaves its share), else a page placed by
//     interpolation between the bracketing jobs.
//
// After every round the page is checked: a job's merged position is its
// own-list position plus, for every other status, the number of that
// status's jobs before it, and that number is known only when a window
// read from that status brackets the job. The page is returned only when
// every one of its positions holds a job whose merged position is known
// exactly; otherwise, when the rounds are spent, List returns ErrTooDeep
// (with the total) rather than a page that might be wrong.
//
// The merge relies on one status's list being ordered by creation time and,
// within one creation time, by job ID in the list's direction (the
// simulator's order: Explorer hands out rising IDs). Callers pin an instant
// (an upper bound on creation time) for pages past the first so that new
// jobs do not shift them.
package joblist

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"golang.org/x/sync/errgroup"

	"jobboard/apiclient"
)

// MaxUpstreamPageSize is the largest page size List asks Explorer for.
const MaxUpstreamPageSize = 100

// CallsPerStatus bounds the upstream calls of one List: at most
// CallsPerStatus·k for k statuses.
const CallsPerStatus = 4

// ErrTooDeep reports a page that cannot be determined exactly within the
// call bound. The Page returned with it still carries the total.
var ErrTooDeep = errors.New("joblist: page too deep to merge exactly within the upstream call bound")

// Lister makes one upstream list call.
type Lister interface {
	List(ctx context.Context, q apiclient.ListQuery) (apiclient.JobPage, error)
}

// ListerFunc adapts a function to Lister.
type ListerFunc func(ctx context.Context, q apiclient.ListQuery) (apiclient.JobPage, error)

// List calls f.
func (f ListerFunc) List(ctx context.Context, q apiclient.ListQuery) (apiclient.JobPage, error) {
	return f(ctx, q)
}

// Page is one page of a merged list.
type Page struct {
	Items []apiclient.Job // never nil on success
	Total int             // sum of the per-status totals
	Calls int             // upstream calls made
}

// List returns page q.Page (size q.PageSize) of the jobs matching q's
// other filters whose status is one of statuses, in q.Order. q.Status is
// ignored. With no status or one, it makes exactly one call, q passed on as
// it is (the status set, if any); every status of the documented six is the
// caller's "no filter", which the caller expresses as an empty set.
// Repeated statuses count once.
func List(ctx context.Context, l Lister, q apiclient.ListQuery, statuses []apiclient.Status) (Page, error) {
	sts := dedupe(statuses)
	if len(sts) <= 1 {
		q.Status = nil
		if len(sts) == 1 {
			st := sts[0]
			q.Status = &st
		}
		jp, err := l.List(ctx, q)
		if err != nil {
			return Page{Calls: 1}, err
		}
		items := jp.Items
		if items == nil {
			items = []apiclient.Job{}
		}
		return Page{Items: items, Total: jp.Total, Calls: 1}, nil
	}
	if err := q.Validate(); err != nil {
		return Page{}, fmt.Errorf("merged list: %w", err)
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.PageSize == 0 {
		q.PageSize = 10
	}
	if q.PageSize > MaxUpstreamPageSize {
		return Page{}, fmt.Errorf("merged list: page size %d is over %d: %w", q.PageSize, MaxUpstreamPageSize, apiclient.ErrBadParam)
	}
	m := &merger{l: l, base: q, sts: sts, asc: q.Order == apiclient.OrderAsc}
	m.base.Status = nil
	m.a = int64(q.Page-1) * int64(q.PageSize)
	m.b = m.a + int64(q.PageSize)
	items, err := m.run(ctx)
	return Page{Items: items, Total: m.total(), Calls: m.calls}, err
}

// dedupe returns sts without repeats, in code order.
func dedupe(sts []apiclient.Status) []apiclient.Status {
	out := slices.Clone(sts)
	slices.Sort(out)
	return slices.Compact(out)
}

// key orders jobs of the merged list: u is the creation time in epoch ms
// (negated for newest first), uid the job ID (negated likewise). Smaller
// keys come first.
type key struct{ u, uid int64 }

var (
	minKey = key{math.MinInt64, math.MinInt64}
	maxKey = key{math.MaxInt64, math.MaxInt64}
)

func (k key) cmp(o key) int {
	switch {
	case k.u < o.u:
		return -1
	case k.u > o.u:
		return 1
	case k.uid < o.uid:
		return -1
	case k.uid > o.uid:
		return 1
	}
	return 0
}

// ms is a job's creation time in epoch ms (0 when unknown).
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// segment is a run of consecutive own-list positions of one status that
// was read, with what is known about the jobs around it.
type segment struct {
	start int
	keys  []key
	items []apiclient.Job
	// low: every job of this status before start precedes any x ⪰ low.
	low key
	// high: every job of this status after the segment follows any x ⪯ high.
	high key
}

func (s *segment) end() int { return s.start + len(s.keys) }

// stream is what is known of one status's list.
type stream struct {
	st    apiclient.Status
	n     int  // total (after round 1)
	known bool // n is known
	segs  []segment
	// pivots are exact counts from time-bounded calls: count of jobs with
	// u < pivot.u is pivot.n.
	pivots []pivotCount
}

type pivotCount struct {
	u int64
	n int
}

// merger computes one merged page.
type merger struct {
	l     Lister
	base  apiclient.ListQuery
	sts   []apiclient.Status
	asc   bool
	a, b  int64 // wanted merged positions [a, b)
	calls int
	lists []*stream
}

func (m *merger) keyOf(j apiclient.Job) key {
	if m.asc {
		return key{ms(j.Created), j.ID}
	}
	return key{-ms(j.Created), -j.ID}
}

func (m *merger) total() int {
	n := 0
	for _, s := range m.lists {
		n += s.n
	}
	return n
}

// call is one planned upstream call and what to do with its answer.
type call struct {
	s    *stream
	q    apiclient.ListQuery
	done func(s *stream, jp apiclient.JobPage)
}

// do runs one round of calls concurrently and applies the answers in
// order.
func (m *merger) do(ctx context.Context, calls []call) error {
	pages := make([]apiclient.JobPage, len(calls))
	g, gctx := errgroup.WithContext(ctx)
	for i, c := range calls {
		g.Go(func() error {
			jp, err := m.l.List(gctx, c.q)
			if err != nil {
				return fmt.Errorf("merged list, status %d: %w", int(c.s.st), err)
			}
			pages[i] = jp
			return nil
		})
	}
	m.calls += len(calls)
	if err := g.Wait(); err != nil {
		return err
	}
	for i, c := range calls {
		c.done(c.s, pages[i])
	}
	return nil
}

func (m *merger) query(st apiclient.Status, page, size int) apiclient.ListQuery {
	q := m.base
	q.Status = &st
	q.Page, q.PageSize = page, size
	return q
}

func (m *merger) run(ctx context.Context) ([]apiclient.Job, error) {
	for _, st := range m.sts {
		m.lists = append(m.lists, &stream{st: st})
	}
	if m.b <= MaxUpstreamPageSize {
		return m.shallow(ctx)
	}
	// Round 1: totals.
	var r1 []call
	for _, s := range m.lists {
		r1 = append(r1, call{s: s, q: m.query(s.st, 1, 1), done: m.addHead})
	}
	if err := m.do(ctx, r1); err != nil {
		return nil, err
	}
	n := int64(m.total())
	if m.a >= n {
		return []apiclient.Job{}, nil
	}
	var live []*stream
	for _, s := range m.lists {
		if s.n > 0 {
			live = append(live, s)
		}
	}
	if len(live) == 1 {
		// Only one status has jobs: its own page is the merged page.
		s := live[0]
		var items []apiclient.Job
		err := m.do(ctx, []call{{s: s, q: m.query(s.st, int(m.a/(m.b-m.a))+1, int(m.b-m.a)), done: func(_ *stream, jp apiclient.JobPage) {
			items = jp.Items
			s.n = jp.Total
		}}})
		if items == nil {
			items = []apiclient.Job{}
		}
		return items, err
	}
	// Round 2: around the estimated start of the page in each status.
	var r2 []call
	for _, s := range live {
		r2 = append(r2, m.windowCall(s, n))
	}
	if err := m.do(ctx, r2); err != nil {
		return nil, err
	}
	if items, ok := m.answer(); ok {
		return items, nil
	}
	// Further rounds narrow down with what was learnt, while the budget of
	// CallsPerStatus·k calls lasts (a status that needs no call in a round
	// leaves its share to the others).
	budget := CallsPerStatus * len(m.lists)
	for m.calls < budget {
		calls := m.refine(live, budget-m.calls)
		if len(calls) == 0 {
			break
		}
		if err := m.do(ctx, calls); err != nil {
			return nil, err
		}
		if items, ok := m.answer(); ok {
			return items, nil
		}
	}
	return nil, ErrTooDeep
}

// shallow answers a page within the first 100 merged positions: the first
// b jobs of every status hold it.
func (m *merger) shallow(ctx context.Context) ([]apiclient.Job, error) {
	var calls []call
	for _, s := range m.lists {
		calls = append(calls, call{s: s, q: m.query(s.st, 1, int(m.b)), done: func(s *stream, jp apiclient.JobPage) {
			s.n, s.known = jp.Total, true
			m.addSegment(s, 0, jp.Items, nil, nil)
		}})
	}
	if err := m.do(ctx, calls); err != nil {
		return nil, err
	}
	var all []apiclient.Job
	for _, s := range m.lists {
		for _, sg := range s.segs {
			all = append(all, sg.items...)
		}
	}
	slices.SortFunc(all, func(x, y apiclient.Job) int { return m.keyOf(x).cmp(m.keyOf(y)) })
	lo, hi := min(int(m.a), len(all)), min(int(m.b), len(all))
	return slices.Clone(all[lo:hi]), nil
}

// addHead records the answer of a page-size-1 call: the total and the first job.
func (m *merger) addHead(s *stream, jp apiclient.JobPage) {
	s.n, s.known = jp.Total, true
	m.addSegment(s, 0, jp.Items, nil, nil)
}

// addSegment records jobs read at own positions start… of s. low guards
// the jobs before start and high the jobs after the segment; nil means
// "derived from the jobs read" (the first and the last one). Either end of
// the list needs no guard.
func (m *merger) addSegment(s *stream, start int, items []apiclient.Job, low, high *key) {
	sg := segment{start: start, items: items, keys: make([]key, len(items))}
	for i, j := range items {
		sg.keys[i] = m.keyOf(j)
	}
	switch {
	case start == 0:
		sg.low = minKey
	case low != nil:
		sg.low = *low
	case len(items) > 0:
		sg.low = sg.keys[0]
	default:
		return
	}
	switch {
	case s.known && sg.end() >= s.n:
		sg.high = maxKey
	case high != nil:
		sg.high = *high
	case len(items) > 0:
		sg.high = sg.keys[len(sg.keys)-1]
	default:
		return
	}
	s.segs = append(s.segs, sg)
	s.coalesce()
}

// coalesce merges overlapping or touching segments.
func (s *stream) coalesce() {
	slices.SortFunc(s.segs, func(x, y segment) int { return x.start - y.start })
	out := s.segs[:1]
	for _, sg := range s.segs[1:] {
		cur := &out[len(out)-1]
		if sg.start > cur.end() {
			out = append(out, sg)
			continue
		}
		if sg.start == cur.start && sg.low.cmp(cur.low) < 0 {
			cur.low = sg.low
		}
		switch {
		case sg.end() > cur.end():
			skip := cur.end() - sg.start
			cur.items = append(slices.Clip(cur.items), sg.items[skip:]...)
			cur.keys = append(slices.Clip(cur.keys), sg.keys[skip:]...)
			cur.high = sg.high
		case sg.end() == cur.end() && sg.high.cmp(cur.high) > 0:
			cur.high = sg.high
		}
	}
	s.segs = out
}

// bounds returns lo ≤ hi with lo ≤ (jobs of s before x) ≤ hi, from
// everything read; lo == hi means the number is known.
func (s *stream) bounds(x key) (lo, hi int) {
	lo, hi = 0, s.n
	for i := range s.segs {
		sg := &s.segs[i]
		n := sort.Search(len(sg.keys), func(i int) bool { return sg.keys[i].cmp(x) >= 0 })
		if n > 0 {
			lo = max(lo, sg.start+n)
		}
		if n < len(sg.keys) {
			hi = min(hi, sg.start+n)
		}
		if x.cmp(sg.low) >= 0 {
			lo = max(lo, sg.start)
		}
		if x.cmp(sg.high) <= 0 {
			hi = min(hi, sg.end())
		}
	}
	for _, p := range s.pivots {
		if x.u >= p.u {
			lo = max(lo, p.n)
		} else {
			hi = min(hi, p.n)
		}
	}
	return lo, hi
}

// before returns how many jobs of s precede x, when what was read tells.
func (s *stream) before(x key) (int, bool) {
	lo, hi := s.bounds(x)
	return lo, lo == hi
}

// mergedBounds bounds the merged position of the job at own position r
// of list i.
func (m *merger) mergedBounds(i, r int, x key) (lo, hi int64) {
	lo, hi = int64(r), int64(r)
	for j, o := range m.lists {
		if j == i {
			continue
		}
		l, h := o.bounds(x)
		lo += int64(l)
		hi += int64(h)
	}
	return lo, hi
}

// candidates returns the own positions [first, last] of list i that must
// be read to place the page: every job before first is before the page,
// every job after last after it, and the two ends bracket it for the other
// lists. mLo and mHi are the merged positions known at the ends.
func (m *merger) candidates(i int) (first, last int, mLo, mHi int64) {
	s := m.lists[i]
	n := int64(m.total())
	first, mLo = -1, -1
	if r := m.a - (n - int64(s.n)) - 1; r >= 0 {
		first, mLo = int(r), m.a-1
	}
	last, mHi = int(min(int64(s.n), m.b)), m.b
	for _, sg := range s.segs {
		for p, x := range sg.keys {
			r := sg.start + p
			lo, hi := m.mergedBounds(i, r, x)
			if hi < m.a && r > first {
				first, mLo = r, hi
			}
			if lo >= m.b && r < last {
				last, mHi = r, lo
			}
		}
	}
	return max(first, 0), min(last, s.n-1), mLo, mHi
}

// unread returns the first and last positions in [first, last] not read.
func (s *stream) unread(first, last int) (int, int, bool) {
	isRead := func(r int) bool {
		for _, sg := range s.segs {
			if r >= sg.start && r < sg.end() {
				return true
			}
		}
		return false
	}
	lo, hi := first, last
	for lo <= hi && isRead(lo) {
		lo++
	}
	for hi >= lo && isRead(hi) {
		hi--
	}
	return lo, hi, lo <= hi
}

// refine plans a round of at most left calls: per list, the unread
// positions that can still hold or bracket the page, in one call when they
// fit one page; wider ones, the first time, the 100 jobs at or after a
// creation-time pivot, later consecutive pages of 100 over them when the
// budget allows, else one page placed by interpolation.
func (m *merger) refine(live []*stream, left int) []call {
	var out []call
	type need struct {
		s      *stream
		lo, hi int // unread span
		guess  int // where the page probably starts in it
		pages  int // calls to read all of it
	}
	var wide []need
	for i, s := range m.lists {
		if s.n == 0 {
			continue
		}
		first, last, mLo, mHi := m.candidates(i)
		lo, hi, any := s.unread(first, last)
		if !any {
			continue
		}
		if page, size, ok := cover(int64(lo), int64(hi)+1); ok {
			out = append(out, m.positionCall(s, page, size))
			continue
		}
		// Interpolate where the page starts within the candidates.
		frac := 0.5
		if mHi > mLo {
			frac = min(1, max(0, float64(m.a+(m.b-m.a)/2-mLo)/float64(mHi-mLo)))
		}
		c := int64(first) + int64(frac*float64(last-first))
		wide = append(wide, need{s: s, lo: lo, hi: hi, guess: int(min(max(c, int64(lo)), int64(hi))),
			pages: (hi/MaxUpstreamPageSize - lo/MaxUpstreamPageSize) + 1})
	}
	if len(out) >= left {
		return out[:left]
	}
	left -= len(out)
	if len(wide) == 0 {
		return out
	}
	// A pivot splits every list at one creation time and the calls tell the
	// exact counts before it; once a list has one, reading the span (or a
	// page placed by interpolation) works better: inside a run of equal
	// creation times no pivot can split it.
	u := m.estimatePivot(live)
	spare := left - len(wide) // calls beyond one per wide list
	for _, w := range wide {
		if left == 0 {
			break
		}
		if len(w.s.pivots) == 0 {
			out = append(out, m.pivotCall(w.s, u))
			left--
			continue
		}
		if extra := w.pages - 1; extra <= spare {
			for p := w.lo / MaxUpstreamPageSize; p <= w.hi/MaxUpstreamPageSize; p++ {
				out = append(out, m.positionCall(w.s, p+1, MaxUpstreamPageSize))
			}
			spare -= extra
			left -= w.pages
			continue
		}
		page, size := around(int64(w.guess))
		out = append(out, m.positionCall(w.s, page, size))
		left--
	}
	return out
}

// answer returns the page when every one of its positions is known.
func (m *merger) answer() ([]apiclient.Job, bool) {
	want := min(m.b, int64(m.total())) - m.a
	if want <= 0 {
		return []apiclient.Job{}, true
	}
	page := make([]apiclient.Job, want)
	filled := make([]bool, want)
	left := want
	for i, s := range m.lists {
		for si := range s.segs {
			sg := &s.segs[si]
			for p, x := range sg.keys {
				pos := int64(sg.start + p)
				if pos >= m.b {
					break
				}
				ok := true
				for j, o := range m.lists {
					if j == i {
						continue
					}
					c, known := o.before(x)
					if !known {
						ok = false
						break
					}
					pos += int64(c)
				}
				if !ok || pos < m.a || pos >= m.b {
					continue
				}
				if !filled[pos-m.a] {
					filled[pos-m.a] = true
					page[pos-m.a] = sg.items[p]
					left--
				}
			}
		}
	}
	return page, left == 0
}

// windowCall plans round 2 for s: the whole range of own positions the
// counts allow when it fits one page, otherwise a page around the
// proportional estimate.
func (m *merger) windowCall(s *stream, n int64) call {
	others := n - int64(s.n)
	lo := max(0, m.a-others-1)
	hi := min(int64(s.n), m.b+1)
	if first, size, ok := cover(lo, hi); ok {
		return m.positionCall(s, first, size)
	}
	guess := m.a * int64(s.n) / n
	center := min(max(guess+(m.b-m.a)/2, lo), hi)
	first, size := around(center)
	return m.positionCall(s, first, size)
}

func (m *merger) positionCall(s *stream, page, size int) call {
	start := (page - 1) * size
	return call{s: s, q: m.query(s.st, page, size), done: func(s *stream, jp apiclient.JobPage) {
		s.n = jp.Total
		m.addSegment(s, start, jp.Items, nil, nil)
	}}
}

// cover returns a page number and a page size ≤ 100 whose page holds own
// positions [lo, hi), preferring large pages.
func cover(lo, hi int64) (page, size int, ok bool) {
	if hi <= lo {
		return 1, 1, true
	}
	for sz := int64(MaxUpstreamPageSize); sz >= hi-lo; sz-- {
		p := lo / sz
		if p*sz+sz >= hi {
			return int(p) + 1, int(sz), true
		}
	}
	return 0, 0, false
}

// around returns the page (size 50–100) whose span best centres on pos.
func around(pos int64) (page, size int) {
	best, bestScore := int64(0), int64(-1)
	for sz := int64(MaxUpstreamPageSize); sz >= MaxUpstreamPageSize/2; sz-- {
		p := pos / sz
		score := min(pos-p*sz, p*sz+sz-pos)
		if score > bestScore {
			best, bestScore = sz, score
		}
	}
	return int(pos/best) + 1, int(best)
}

// pivotQuery is the first page of 100 of s's jobs with u ≥ pivot.
func (m *merger) pivotQuery(s *stream, pivot int64) apiclient.ListQuery {
	q := m.query(s.st, 1, MaxUpstreamPageSize)
	// In epoch ms: asc u = t, desc u = −t.
	if m.asc {
		q.From = laterOf(q.From, epochMs(pivot))
	} else {
		q.To = earlierOf(q.To, epochMs(-pivot))
	}
	return q
}

// epochMs is the instant t ms after the epoch; Explorer refuses negative
// bounds, and no job was created before the epoch.
func epochMs(t int64) time.Time { return time.UnixMilli(max(0, t)) }

func laterOf(a, b time.Time) time.Time {
	if a.IsZero() || b.After(a) {
		return b
	}
	return a
}

func earlierOf(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

// pivotCall plans the 100 jobs of s at or after the pivot; the call's
// total also tells how many come before it.
func (m *merger) pivotCall(s *stream, pivot int64) call {
	return call{s: s, q: m.pivotQuery(s, pivot), done: func(s *stream, jp apiclient.JobPage) {
		c := s.n - jp.Total
		s.pivots = append(s.pivots, pivotCount{u: pivot, n: c})
		m.addSegment(s, c, jp.Items, &key{pivot, math.MinInt64}, nil)
	}}
}

func (s *stream) pivotCount(u int64) (int, bool) {
	for _, p := range s.pivots {
		if p.u == u {
			return p.n, true
		}
	}
	return 0, false
}

// anchor is a known (own position, u) pair of one status.
type anchor struct {
	pos int
	u   int64
}

func (s *stream) anchors() []anchor {
	var out []anchor
	for _, sg := range s.segs {
		for i, k := range sg.keys {
			out = append(out, anchor{sg.start + i, k.u})
		}
	}
	// A pivot count says the job at position n−1 is before the pivot; the
	// jobs read win over this approximation at the same position.
	for _, p := range s.pivots {
		if p.n > 0 {
			out = append(out, anchor{p.n - 1, p.u - 1})
		}
	}
	slices.SortStableFunc(out, func(x, y anchor) int { return x.pos - y.pos })
	return slices.CompactFunc(out, func(x, y anchor) bool { return x.pos == y.pos })
}

// density is a fallback spread of u per job, from all the anchors.
func (m *merger) density(live []*stream) float64 {
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, s := range live {
		for _, a := range s.anchors() {
			lo, hi = min(lo, a.u), max(hi, a.u)
		}
	}
	if hi <= lo {
		return 1
	}
	return float64(hi-lo) / float64(max(1, m.total()))
}

// estimate guesses how many jobs of s have u < pivot by interpolating
// between the known positions.
func (s *stream) estimate(pivot int64, fallback float64) float64 {
	as := s.anchors()
	if len(as) == 0 {
		return float64(s.n) / 2
	}
	dens := fallback * float64(max(1, s.n))
	if first, last := as[0], as[len(as)-1]; last.pos > first.pos && last.u > first.u {
		dens = float64(last.u-first.u) / float64(last.pos-first.pos)
	}
	i := sort.Search(len(as), func(i int) bool { return as[i].u >= pivot })
	switch {
	case i == 0:
		b := as[0]
		return max(0, float64(b.pos)-float64(b.u-pivot)/dens)
	case i == len(as):
		a := as[i-1]
		return min(float64(s.n), float64(a.pos+1)+float64(pivot-a.u)/dens)
	}
	a, b := as[i-1], as[i]
	frac := float64(pivot-a.u) / float64(b.u-a.u)
	return float64(a.pos+1) + float64(b.pos-a.pos-1)*frac
}

// estimatePivot picks the u whose estimated count of earlier merged jobs
// puts the wanted page in the middle of the 100 jobs read from it.
func (m *merger) estimatePivot(live []*stream) int64 {
	target := float64(m.a+m.b-MaxUpstreamPageSize) / 2
	target = max(target, 0)
	fb := m.density(live)
	f := func(u int64) float64 {
		var sum float64
		for _, s := range live {
			if c, ok := s.pivotCount(u); ok {
				sum += float64(c)
				continue
			}
			sum += s.estimate(u, fb)
		}
		return sum
	}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for _, s := range live {
		for _, a := range s.anchors() {
			lo, hi = min(lo, a.u), max(hi, a.u)
		}
	}
	span := max(hi-lo, 1)
	for f(lo) > target && lo > math.MinInt64/4 {
		lo -= span
		span *= 2
	}
	span = max(hi-lo, 1)
	for f(hi+1) < target && hi < math.MaxInt64/4 {
		hi += span
		span *= 2
	}
	hi++
	// Smallest u with f(u) ≥ target.
	for lo < hi {
		mid := lo + (hi-lo)/2
		if f(mid) >= target {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
