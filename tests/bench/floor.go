package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"jobboard/apiclient"
)

// floorEnv, when set in the environment, makes the bench binary serve
// only the floor F against the upstream it names, as a process of its own
// like D.
const floorEnv = "JOBBOARD_BENCH_FLOOR_UPSTREAM"

// floor is F, the least a server can do to answer what the fragment
// answers: the same upstream list call through the project's apiclient
// (its transport, decoder and breaker), then the page's jobs as an HTML
// table written with plain appends. It has no session, no middleware, no
// request log, no templ and none of the page around the rows, so the
// dashboard's distance from it is the cost of everything the product adds.
type floor struct {
	client *apiclient.Client
	bufs   sync.Pool // *[]byte
}

// ServeHTTP answers GET /workflows/ID/jobs?size=N.
func (f *floor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/workflows/"), "/jobs"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	size, err := strconv.Atoi(r.URL.Query().Get("size"))
	if err != nil || size <= 0 {
		size = 20
	}
	page, err := f.client.ListWorkflowJobs(r.Context(), cannedToken, id, apiclient.ListQuery{Order: apiclient.OrderDesc, Page: 1, PageSize: size})
	if err != nil {
		http.Error(w, "upstream failed", http.StatusBadGateway)
		return
	}
	bp, _ := f.bufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	b := (*bp)[:0]
	b = append(b, `<table class="jobs"><thead><tr><th>Job</th><th>Status</th><th>Created</th><th>Started</th><th>Finished</th></tr></thead><tbody>`...)
	for _, j := range page.Items {
		b = append(b, `<tr><td><a href="/jobs/`...)
		b = strconv.AppendInt(b, j.ID, 10)
		b = append(b, `">`...)
		b = append(b, html.EscapeString(j.Name)...)
		b = append(b, `</a></td><td>`...)
		b = append(b, j.Status.Word()...)
		b = append(b, `</td>`...)
		for _, t := range []time.Time{j.Created, j.RunBegin, j.RunEnd} {
			b = appendFloorTime(b, t)
		}
		b = append(b, `</tr>`...)
	}
	b = append(b, `</tbody></table>`...)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
	*bp = b
	f.bufs.Put(bp)
}

// appendFloorTime appends one time cell: machine-readable and shown to
// the minute, or a dash for a time not reached.
func appendFloorTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, `<td>—</td>`...)
	}
	t = t.UTC()
	b = append(b, `<td><time datetime="`...)
	b = t.AppendFormat(b, time.RFC3339)
	b = append(b, `">`...)
	b = t.AppendFormat(b, "2006-01-02 15:04")
	return append(b, `</time></td>`...)
}

// serveFloor runs F until ctx ends.
func serveFloor(ctx context.Context, upstream string, stdout io.Writer) error {
	client, err := apiclient.New(upstream)
	if err != nil {
		return fmt.Errorf("floor: %w", err)
	}
	return serveLoopback(ctx, "floor", &floor{client: client}, stdout)
}

// serveRole runs the process as D or F when the harness started it as
// one (served reports whether it did).
func serveRole(ctx context.Context, stdout io.Writer) (served bool, err error) {
	if upstream := os.Getenv(proxyEnv); upstream != "" {
		return true, serveProxy(ctx, upstream, stdout)
	}
	if upstream := os.Getenv(floorEnv); upstream != "" {
		return true, serveFloor(ctx, upstream, stdout)
	}
	return false, nil
}
