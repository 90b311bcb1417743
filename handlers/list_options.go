package handlers

import (
	"time"

	"jobboard/internal/summarycache"
	"jobboard/views"
)

// listState holds what the lists' summary, live refresh and export need.
type listState struct {
	pollInterval time.Duration
	exportCap    int
	summaries    *summarycache.Cache[views.Outcomes]
}

// initLists applies the list options and their defaults. It reads h.now
// lazily, so it may run before New has defaulted it.
func (h *handler) initLists(opts Options) {
	h.lists = listState{pollInterval: opts.PollInterval, exportCap: opts.ExportCap}
	if h.lists.pollInterval <= 0 {
		h.lists.pollInterval = DefaultPollInterval
	}
	if h.lists.exportCap <= 0 {
		h.lists.exportCap = DefaultExportCap
	}
	ttl := opts.SummaryTTL
	if ttl <= 0 {
		ttl = DefaultSummaryTTL
	}
	h.lists.summaries = summarycache.New[views.Outcomes](summarycache.Options{
		TTL: ttl,
		Now: func() time.Time { return h.now() },
	})
}

// pollSeconds is the live-refresh interval in whole seconds (at least 1),
// for the layout's <meta name="jobboard-poll">.
func (h *handler) pollSeconds() int {
	return max(1, int((h.lists.pollInterval+time.Second/2)/time.Second))
}
