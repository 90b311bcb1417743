package e2e

import (
	"context"
	"net/url"
	"strings"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// heldRequest is what became of a request held by holdRequest.
type heldRequest struct {
	URL        *url.URL // as the page sent it
	Status     int64    // the dashboard's answer
	HXRedirect string   // its HX-Redirect header, "" without one
}

// holdRequest holds the first request the page makes with fetch (as htmx
// does) that match accepts, after start (nil: none) has run: while the
// request waits in the browser, during changes the world; then the request
// goes on to the dashboard and holdRequest returns its answer. The page's
// other requests pass untouched. It makes "the session expires while this
// part of the page is loading" happen at exactly that moment.
func (b *tab) holdRequest(what string, match func(*url.URL) bool, start, during func()) heldRequest {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 2*actionTimeout)
	defer cancel()
	paused := chromedp.Events(ctx, fetch.RequestPaused) // subscribed from here on
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
		{URLPattern: "*", ResourceType: network.ResourceTypeFetch, RequestStage: fetch.RequestStageRequest},
	}}); err != nil {
		b.t.Fatalf("%s: intercept the page's requests: %v", what, err)
	}
	defer func() {
		if _, err := chromedp.Call(b.ctx, fetch.Disable, cdp.Empty{}); err != nil {
			b.t.Errorf("%s: stop intercepting: %v", what, err)
		}
	}()
	if start != nil {
		start()
	}
	var held heldRequest
	var heldID network.RequestID
	for ev, err := range paused {
		if err != nil {
			b.t.Fatalf("%s: no such request: %v\npage: %s", what, err, b.describe()) //nolint:contextcheck // describe reads the tab through its own context, b.ctx
		}
		if ev.ResponseStatusCode != 0 || ev.ResponseErrorReason != "" { // the held request's answer
			if ev.NetworkID != heldID {
				b.t.Fatalf("%s: an answer to another request was intercepted: %s", what, ev.Request.URL)
			}
			held.Status = ev.ResponseStatusCode
			for _, h := range ev.ResponseHeaders {
				if strings.EqualFold(h.Name, "HX-Redirect") {
					held.HXRedirect = h.Value
				}
			}
			if _, err := chromedp.Call(ctx, fetch.ContinueResponse, fetch.ContinueResponseParams{RequestID: ev.RequestID}); err != nil {
				b.t.Fatalf("%s: let the answer through: %v", what, err)
			}
			return held
		}
		u, err := url.Parse(ev.Request.URL)
		hold := err == nil && heldID == "" && match(u)
		if hold {
			held.URL, heldID = u, ev.NetworkID
			during()
		}
		_, err = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{
			RequestID: ev.RequestID, InterceptResponse: new(hold),
		})
		switch {
		case err != nil && hold:
			b.t.Fatalf("%s: let %s go: %v", what, ev.Request.URL, err)
		case err != nil:
			// A request of a page that start navigated away from: the
			// browser dropped it already.
			b.t.Logf("%s: a dropped request (%s): %v", what, ev.Request.URL, err)
		}
	}
	b.t.Fatalf("%s: the interception ended early", what)
	return held
}
