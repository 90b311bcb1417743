package handlers

import (
	"net/url"
	"os"
	"time"

	"github.com/gin-gonic/gin"

	"jobboard/internal/config"
	"jobboard/internal/jobquery"
)

// zoneCookie holds the reader's IANA time zone as their browser reports it
// (static/app.js sets it from Intl.DateTimeFormat on every page), so that
// every page shows times in the reader's zone from its first paint, a job
// page opened from a link included. Without it (no JavaScript, or the very
// first page) the server's configured zone applies, named on the page.
const zoneCookie = "tz"

// readerZone returns the zone of the tz cookie when it names a zone the
// server knows (validated and bounded like a list URL's tz), and nil
// otherwise.
func (h *handler) readerZone(c *gin.Context) *time.Location {
	ck, err := c.Request.Cookie(zoneCookie)
	if err != nil || ck.Value == "" || len(ck.Value) > 64 {
		return nil
	}
	name := ck.Value
	if un, err := url.QueryUnescape(name); err == nil {
		name = un
	}
	loc, ok := jobquery.Zone(name)
	if !ok {
		return nil
	}
	return loc
}

// shownZone is the zone times are shown in: the reader's, else the
// server's.
func (h *handler) shownZone(c *gin.Context) *time.Location {
	if z := h.readerZone(c); z != nil {
		return z
	}
	return h.zone
}

// namedZone returns zone, or for time.Local (whose name, "Local", tells a
// reader nothing) the machine's zone under its IANA name or UTC.
func namedZone(zone *time.Location) *time.Location {
	switch {
	case zone == nil:
		return time.UTC
	case zone.String() == "Local":
		return config.MachineZone(os.Getenv)
	}
	return zone
}
