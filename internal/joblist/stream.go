package joblist

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"jobboard/apiclient"
)

// Stream calls yield with every job matching q's filters whose status is
// one of statuses, in q.Order (merged as List merges), until yield returns
// false. It reads each status in upstream pages of 100 and holds at most
// one page per status, so an export of any size needs k pages of memory.
// q.Page and q.PageSize are ignored; q.Status is replaced. It returns the
// sum of the per-status totals as first read. Callers pin an instant (an
// upper bound on creation time) so that the pages of one status do not
// shift while it is read.
func Stream(ctx context.Context, l Lister, q apiclient.ListQuery, statuses []apiclient.Status, yield func(apiclient.Job) bool) (total int, err error) {
	sts := dedupe(statuses)
	if len(sts) == 0 {
		sts = []apiclient.Status{-1} // -1: no status filter
	}
	m := &merger{asc: q.Order == apiclient.OrderAsc}
	heads := make([]*cursor, len(sts))
	g, gctx := errgroup.WithContext(ctx)
	for i, st := range sts {
		c := &cursor{l: l, q: q}
		c.q.Status = nil
		if st >= 0 {
			c.q.Status = &st
		}
		c.q.Page, c.q.PageSize = 0, MaxUpstreamPageSize
		heads[i] = c
		g.Go(func() error { return c.next(gctx) })
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	for _, c := range heads {
		total += c.total
	}
	for {
		best := -1
		for i, c := range heads {
			if c.empty() {
				continue
			}
			if best < 0 || m.keyOf(c.head()).cmp(m.keyOf(heads[best].head())) < 0 {
				best = i
			}
		}
		if best < 0 {
			return total, nil
		}
		c := heads[best]
		if !yield(c.head()) {
			return total, nil
		}
		c.i++
		if c.i == len(c.items) && c.more() {
			if err := c.next(ctx); err != nil {
				return total, err
			}
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
		return fmt.Errorf("merged export, page %d: %w", c.q.Page, err)
	}
	c.items, c.i, c.total = jp.Items, 0, jp.Total
	c.read += len(jp.Items)
	if len(jp.Items) < c.q.PageSize {
		c.done = true
	}
	return nil
}
