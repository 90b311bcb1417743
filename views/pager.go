package views

import (
	"context"
	"io"
	"strconv"

	"github.com/a-h/templ"

	"jobboard/internal/jobquery"
)

// pager moves between pages and page sizes with plain links:
//
//	<nav class="pager" aria-label="Pages"><ul class="pages">
//	<li><a href="…" hx-get="…" class="page-link" data-page="1" data-rel="first">« First</a></li> …
//	<li><span class="current" aria-current="page">2</span></li> …</ul>
//	<p class="sizes">Rows per page <a href="…" hx-get="…" class="size-link">10</a><span class="current" aria-current="true">20</span>…</p></nav>
//
// It is written in Go like the rows (cells.go): in templ its dozen links
// cost three attribute resolutions, a context and a closure each.
// pagerTempl (cells.templ) is its reference; TestPagerMatchesTempl holds
// one to the other.
func pager(d JobList) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		q, l := d.Query, d.L
		last := q.LastPage(d.Total)
		slab := getSlab()
		b := *slab
		b = append(b, `<nav class="pager" aria-label="`...)
		b = appendEscaped(b, l.T("pager.label"))
		b = append(b, `"><ul class="pages">`...)
		link := func(p int, label, rel string) {
			b = append(b, `<li>`...)
			b = appendPageLink(b, q.WithPage(p).Stable().URL(d.Path), p, label, rel)
			b = append(b, `</li>`...)
		}
		if q.Page > 1 {
			link(1, l.T("pager.first"), "first")
			link(q.Page-1, l.T("pager.prev"), "prev")
		}
		for p := max(1, q.Page-2); p <= min(last, q.Page+2); p++ {
			if p == q.Page {
				b = append(b, `<li><span class="current" aria-current="page">`...)
				b = appendEscaped(b, l.Count(p))
				b = append(b, `</span></li>`...)
			} else {
				link(p, l.Count(p), "")
			}
		}
		if q.Page < last {
			link(q.Page+1, l.T("pager.next"), "next")
			link(last, l.T("pager.last"), "last")
		}
		b = append(b, `</ul><p class="sizes">`...)
		b = appendEscaped(b, l.T("pager.size"))
		b = append(b, ' ')
		for _, n := range jobquery.Sizes {
			if n == q.Size {
				b = append(b, `<span class="current" aria-current="true">`...)
				b = strconv.AppendInt(b, int64(n), 10)
				b = append(b, `</span>`...)
				continue
			}
			u := q.WithSize(n).Stable().URL(d.Path)
			b = append(b, `<a href="`...)
			b = appendEscaped(b, u)
			b = append(b, `" hx-get="`...)
			b = appendEscaped(b, u)
			b = append(b, `" class="size-link">`...)
			b = strconv.AppendInt(b, int64(n), 10)
			b = append(b, `</a>`...)
		}
		b = append(b, `</p></nav>`...)
		_, err := w.Write(b)
		putSlab(slab, b)
		return err
	})
}

// appendPageLink appends pageLink's markup: the link u to page p.
func appendPageLink(b []byte, u string, p int, label, rel string) []byte {
	b = append(b, `<a href="`...)
	b = appendEscaped(b, u)
	b = append(b, `" hx-get="`...)
	b = appendEscaped(b, u)
	b = append(b, `" class="page-link" data-page="`...)
	b = strconv.AppendInt(b, int64(p), 10)
	if rel != "" {
		b = append(b, `" data-rel="`...)
		b = append(b, rel...)
	}
	b = append(b, `">`...)
	b = appendEscaped(b, label)
	return append(b, `</a>`...)
}
