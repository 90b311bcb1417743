package views

import (
	"context"
	"io"

	"github.com/a-h/templ"
)

// shareControl offers the list's live and exact links, each as selectable
// text with a Copy button (shown by static/app.js where the Clipboard API
// is available), which says "Copied" in the live region below them.
//
// It is written in Go like the rows (cells.go): every list fragment
// carries it, and in templ its five components and dozen attributes were
// some forty allocations a fragment. shareControlTempl (cells.templ) is
// its reference; TestShareControlMatchesTempl holds one to the other.
func shareControl(d JobList) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		l := d.L
		slab := getSlab()
		b := *slab
		b = append(b, `<details class="share" id="share"><summary>`...)
		b = appendEscaped(b, l.T("share.toggle"))
		b = append(b, `</summary><div class="share-body" role="group" aria-label="`...)
		b = appendEscaped(b, l.T("share.label"))
		b = append(b, `">`...)
		copyText := l.T("share.copy")
		b = appendShareLink(b, "share-live", l.T("share.live"), l.T("share.liveHint"), copyText, l.T("share.copyLive"), d.Query.Live().URL(d.Path))
		b = appendShareLink(b, "share-exact", l.T("share.exact"), l.T("share.exactHint"), copyText, l.T("share.copyExact"), d.Query.Exact().URL(d.Path))
		b = append(b, `<p class="copy-status" id="share-status" role="status" aria-live="polite" data-text-copied="`...)
		b = appendEscaped(b, l.T("share.copied"))
		b = append(b, `" data-text-failed="`...)
		b = appendEscaped(b, l.T("share.copyFailed"))
		b = append(b, `"></p></div></details>`...)
		_, err := w.Write(b)
		putSlab(slab, b)
		return err
	})
}

// appendShareLink appends one link of the Share control (id is a fixed,
// HTML-safe name): its name, hint, the link as text and its Copy button.
func appendShareLink(b []byte, id, name, hint, copyText, copyLabel, u string) []byte {
	b = append(b, `<div class="share-link"><p><strong id="`...)
	b = append(b, id...)
	b = append(b, `-name">`...)
	b = appendEscaped(b, name)
	b = append(b, `</strong> <span id="`...)
	b = append(b, id...)
	b = append(b, `-hint">`...)
	b = appendEscaped(b, hint)
	b = append(b, `</span></p><p class="share-row"><a id="`...)
	b = append(b, id...)
	b = append(b, `" class="share-url" href="`...)
	b = appendEscaped(b, u)
	b = append(b, `" aria-describedby="`...)
	b = append(b, id...)
	b = append(b, `-hint">`...)
	b = appendEscaped(b, u)
	b = append(b, `</a><button type="button" class="copy-button button-secondary" data-copy="`...)
	b = append(b, id...)
	b = append(b, `" data-copy-status="share-status"`...)
	if copyLabel != "" {
		b = append(b, ` aria-label="`...)
		b = appendEscaped(b, copyLabel)
		b = append(b, `"`...)
	}
	b = append(b, ` hidden>`...)
	b = appendEscaped(b, copyText)
	return append(b, `</button></p></div>`...)
}
