package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/gin-gonic/gin"
	"golang.org/x/sync/errgroup"

	"jobboard/apiclient"
	"jobboard/internal/jobquery"
	"jobboard/internal/summarycache"
	"jobboard/views"
)

// summaryConcurrency bounds the count calls one summary makes at a time.
const summaryConcurrency = 3

// listSummary serves GET /jobs/summary and GET /workflows/:id/jobs/summary:
// the outcome summary of a list's filters ("2,345 jobs · 2,101 succeeded ·
// 198 failed …"). The list's status filter, page, size and order do not
// change the counts; name, dates and zone do. htmx gets the line alone
// (it lazily fills #summary); other requests a small page, so the "Show
// counts" link works without JavaScript.
//
// Identical requests of one session within Options.SummaryTTL are answered
// once (single-flight plus a short cache keyed by a hash of the token and
// the canonical filters). Answers 200, or 400 with the counts of the valid
// filters when a parameter is invalid; an upstream failure shows a short
// "not available" line with a Retry.
func (h *handler) listSummary(c *gin.Context) error {
	lr, err := h.readList(c)
	if err != nil {
		return err
	}
	sess, src, q, fieldErrs := lr.sess, lr.src, lr.q, lr.fieldErrs
	d := views.Summary{Page: h.page(c, &sess), Path: src.path(), Query: q}
	// A saved view's counts on the board or Home: one line of many.
	d.Board = isFragment(c.Request) && strings.HasPrefix(header(c.Request, hdrHXTarget), "div#"+views.CountsIDPrefix)
	d.Title = d.L.T("summary.title")
	d.Outcomes, err = h.outcomes(c.Request.Context(), sess.Token, src, q)
	if err != nil {
		err = src.upstreamError(err, lr.sess)
		var ae *appError
		if errors.Is(err, apiclient.ErrUnauthorized) || errors.As(err, &ae) {
			return err
		}
		// The closure gets its own copy, so that d stays off the heap
		// (jobList says why).
		failed := d
		return inFrame(err, func(p views.Problem) templ.Component {
			failed.Problem = &p
			return h.summaryView(c, failed)
		})
	}
	status := http.StatusOK
	if fieldErrs != nil {
		status = http.StatusBadRequest
	}
	return h.render(c, status, h.summaryView(c, d))
}

func (h *handler) summaryView(c *gin.Context, d views.Summary) templ.Component {
	if isFragment(c.Request) {
		return views.SummaryLine(d)
	}
	return views.SummaryPage(d)
}

// summaryKey is the canonical request a summary answers: the list's path
// and its filters without status, page, size or order.
func summaryKey(src listSource, q jobquery.Query) string {
	q = q.WithSize(jobquery.DefaultSize)
	q.Status, q.Asc = 0, false
	return q.URL(src.path())
}

// outcomes returns the counts of q's filters (its status replaced), from
// the session's short-lived cache or from Explorer.
func (h *handler) outcomes(ctx context.Context, tok apiclient.Token, src listSource, q jobquery.Query) (views.Outcomes, error) {
	key := summarycache.KeyFor(tok.Reveal(), summaryKey(src, q))
	out, _, err := h.lists.summaries.Get(ctx, key, func(ctx context.Context) (views.Outcomes, error) {
		return h.countOutcomes(ctx, tok, src, q)
	})
	return out, err
}

// countOutcomes asks Explorer for one count per documented status (pages
// of one job; only total is read), at most summaryConcurrency calls at a
// time. The total is their sum: every job has one of the documented
// statuses (docs/explorer-api.md), so a call for it would only repeat them.
func (h *handler) countOutcomes(ctx context.Context, tok apiclient.Token, src listSource, q jobquery.Query) (views.Outcomes, error) {
	base := q.Upstream()
	base.Page, base.PageSize, base.Status, base.Order = 1, 1, nil, ""
	counts := make([]int, len(apiclient.Statuses))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(summaryConcurrency)
	for i, st := range apiclient.Statuses {
		lq := base
		lq.Status = &st
		g.Go(func() error {
			page, err := src.list(gctx, h.explorer, tok, lq)
			if err != nil {
				return fmt.Errorf("count outcomes: %w", err)
			}
			counts[i] = page.Total
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return views.Outcomes{}, err
	}
	out := views.Outcomes{ByStatus: make(map[apiclient.Status]int, len(apiclient.Statuses))}
	for i, st := range apiclient.Statuses {
		out.ByStatus[st] = counts[i]
		out.Total += counts[i]
	}
	return out, nil
}
