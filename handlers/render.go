package handlers

import (
	"fmt"
	"net/http"

	"github.com/a-h/templ"
	"github.com/gin-gonic/gin"

	"jobboard/internal/session"
	"jobboard/views"
)

// varyHTMX lists the request headers that choose between page and fragment.
const varyHTMX = "HX-Request, HX-Request-Type, HX-History-Restore-Request"

// Request headers htmx sends, in canonical form (textproto's), so that
// they are looked up in the header map directly: Header.Get would
// canonicalise (and allocate) the key on every call, several per request.
const (
	hdrHXRequest        = "Hx-Request"
	hdrHXRequestType    = "Hx-Request-Type"
	hdrHXHistoryRestore = "Hx-History-Restore-Request"
	hdrHXTarget         = "Hx-Target"
)

// header returns the first value of the request header key, which must
// be in canonical form; it is Header.Get without the canonicalisation.
func header(r *http.Request, key string) string {
	if v := r.Header[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// isHTMX reports whether htmx sent the request.
func isHTMX(r *http.Request) bool { return header(r, hdrHXRequest) == "true" }

// isFragment reports whether the request wants only the swapped region:
// an htmx request that targets part of the page and is not a history
// restore (htmx 4 restores history by swapping a full page into <body>).
func isFragment(r *http.Request) bool {
	return isHTMX(r) &&
		header(r, hdrHXRequestType) != "full" &&
		header(r, hdrHXHistoryRestore) != "true"
}

// render writes comp with status, rendering it fully into a buffer first so
// that a render error never sends half a page.
func (h *handler) render(c *gin.Context, status int, comp templ.Component) error {
	buf, err := h.bufs.acquire(c.Request.Context())
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	err = comp.Render(c.Request.Context(), buf)
	h.bufs.done() // the slot bounds rendering, not the client's reading
	defer h.bufs.put(buf)
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	hd := c.Writer.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Add("Vary", varyHTMX)
	c.Status(status)
	_, _ = c.Writer.Write(buf.Bytes())
	return nil
}

// redirect sends the browser to a local URL: htmx requests get HX-Redirect
// (a full navigation, not a swap of the target page), others 303.
func (h *handler) redirect(c *gin.Context, to string) {
	c.Header("Vary", varyHTMX)
	if isHTMX(c.Request) {
		c.Header("HX-Redirect", to)
		c.Status(http.StatusNoContent)
		return
	}
	c.Redirect(http.StatusSeeOther, to)
}

// page returns the common data of a full page; sess is nil when signed out.
func (h *handler) page(c *gin.Context, sess *session.Data) views.Page {
	p := views.Page{L: h.localizer(c), Asset: h.assets.URL, ReadOnly: h.readOnly}
	p.URL = c.Request.URL.RequestURI() // where the language switch returns
	p.PollSeconds = h.pollSeconds()
	p.Version = h.obs.version
	if sess != nil {
		p.SignedIn, p.Account = true, sess.Account
	}
	return p
}
