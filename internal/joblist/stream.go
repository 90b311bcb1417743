package joblist

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"jobboard/apiclient"
)

// Merge reads the merged list of several statuses front to back, in
// q.Order (merged as List merges), holding at most one upstream page of
// 100 per status: an export of any size needs k pages of memory. Callers
// pin an instant (an upper bound on creation time) so that the pages of one
// status do not shift while it is read. A Merge is not safe for concurrent
// use.
type Merge struct {
	order   merger // only its key order is used
	cursors []*cursor
	started bool
}

// NewMerge prepares the merged reading of q's filters for statuses (no
// status: the unfiltered list). q.Page and q.PageSize are ignored; q.Status
// is replaced. Nothing is read until Next.
func NewMerge(l Lister, q apiclient.ListQuery, statuses []apiclient.Status) *Merge {
	sts := dedupe(statuses)
	if len(sts) == 0 {
		sts = []apiclient.Status{-1} // -1: no status filter
	}
	m := &Merge{order: merger{asc: q.Order == apiclient.OrderAsc}}
	for _, st := range sts {
		c := &cursor{l: l, q: q}
		c.q.Status = nil
		if st >= 0 {
			c.q.Status = &st
		}
		c.q.Page, c.q.PageSize = 0, MaxUpstreamPageSize
		m.cursors = append(m.cursors, c)
	}
	return m
}

// Total is the sum of the per-status totals as last read (0 before Next).
func (m *Merge) Total() int {
	n := 0
	for _, c := range m.cursors {
		n += c.total
	}
	return n
}

// Next returns up to n more jobs in merged order; fewer than n only at the
// end of the list.
func (m *Merge) Next(ctx context.Context, n int) ([]apiclient.Job, error) {
	if !m.started {
		m.started = true
		g, gctx := errgroup.WithContext(ctx)
		for _, c := range m.cursors {
			g.Go(func() error { return c.next(gctx) })
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
	}
	out := make([]apiclient.Job, 0, n)
	for len(out) < n {
		var best *cursor
		for _, c := range m.cursors {
			if c.empty() {
				continue
			}
			if best == nil || m.order.keyOf(c.head()).cmp(m.order.keyOf(best.head())) < 0 {
				best = c
			}
		}
		if best == nil {
			break
		}
		out = append(out, best.head())
		best.i++
		if best.empty() && best.more() {
			if err := best.next(ctx); err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// Stream calls yield with every job of the merged list in order (see
// Merge) until yield returns false, and returns the total.
func Stream(ctx context.Context, l Lister, q apiclient.ListQuery, statuses []apiclient.Status, yield func(apiclient.Job) bool) (total int, err error) {
	m := NewMerge(l, q, statuses)
	for {
		batch, err := m.Next(ctx, MaxUpstreamPageSize)
		for _, j := range batch {
			if !yield(j) {
				return m.Total(), nil
			}
		}
		if err != nil || len(batch) < MaxUpstreamPageSize {
			return m.Total(), err
		}
	}
}

// cursor reads one status's list page by page.
type cursor struct {
	l     Lister
	q     apiclient.ListQuery
	items []apiclient.Job
	i     int
	read  int // jobs read so far, pages included
	total int
	done  bool
}

func (c *cursor) empty() bool         { return c.i >= len(c.items) }
func (c *cursor) head() apiclient.Job { return c.items[c.i] }
func (c *cursor) more() bool          { return !c.done && c.read < c.total }

func (c *cursor) next(ctx context.Context) error {
	c.q.Page++
	jp, err := c.l.List(ctx, c.q)
	if err != nil {
		return fmt.Errorf("merged list, page %d: %w", c.q.Page, err)
	}
	c.items, c.i, c.total = jp.Items, 0, jp.Total
	c.read += len(jp.Items)
	if len(jp.Items) < c.q.PageSize {
		c.done = true
	}
	return nil
}
