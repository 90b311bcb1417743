package views

import (
	"context"
	"io"
	"time"

	"github.com/a-h/templ"

	"jobboard/apiclient"
	"jobboard/i18n"
)

// The components in this file are written in Go rather than templ: a jobs
// table renders them several times per row, and a hand-written component
// costs one small allocation where a templ one pays for contexts, class
// lists and buffers on every call. Their markup is as plain as templ's.

// StatusBadge shows a status as icon, word and colour (never colour alone):
// <span class="status status-failed"><span aria-hidden="true">✕</span> Failed</span>.
func StatusBadge(l i18n.Localizer, s apiclient.Status) templ.Component {
	return &statusBadge{l: l, s: s}
}

type statusBadge struct {
	l i18n.Localizer
	s apiclient.Status
}

// Render implements templ.Component.
func (c *statusBadge) Render(ctx context.Context, w io.Writer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return writeStrings(w,
		`<span class="status status-`, statusName(c.s), `"><span aria-hidden="true">`, statusIcon(c.s), `</span> `,
		templ.EscapeString(statusLabel(c.l, c.s)), `</span>`)
}

// Time shows an instant in zone, absolute with a relative hint, inside a
// <time> element carrying the UTC instant; "—" for the zero time:
// <time datetime="2026-11-30T13:32:00Z">2026-11-30 14:32 <span class="ago">3 min ago</span></time>.
func Time(l i18n.Localizer, t time.Time, zone *time.Location, now time.Time) templ.Component {
	return &timeCell{l: l, t: t, zone: zone, now: now}
}

type timeCell struct {
	l       i18n.Localizer
	t, now  time.Time
	zone    *time.Location
	scratch [96]byte // the formatted times, in the component's one allocation
}

// Render implements templ.Component.
func (c *timeCell) Render(ctx context.Context, w io.Writer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.t.IsZero() {
		_, err := io.WriteString(w, `<span class="none">—</span>`)
		return err
	}
	zone := c.zone
	if zone == nil {
		zone = time.UTC
	}
	b := append(c.scratch[:0], `<time datetime="`...)
	b = c.t.UTC().AppendFormat(b, time.RFC3339)
	b = append(b, `">`...)
	// l.DateTime, formatted in place: layouts are digits and separators,
	// escaped all the same.
	b = appendEscaped(b, c.t.In(zone).AppendFormat(make([]byte, 0, 32), c.l.T("format.datetime")))
	if _, err := w.Write(b); err != nil {
		return err
	}
	return writeStrings(w, ` <span class="ago">`, templ.EscapeString(c.l.Ago(c.t, c.now)), `</span></time>`)
}

// appendEscaped appends s to b, HTML-escaped like templ.EscapeString.
func appendEscaped(b, s []byte) []byte {
	for _, c := range s {
		switch c {
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '&':
			b = append(b, "&amp;"...)
		case '"':
			b = append(b, "&#34;"...)
		case '\'':
			b = append(b, "&#39;"...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// writeStrings writes each string to w in turn.
func writeStrings(w io.Writer, parts ...string) error {
	for _, p := range parts {
		if _, err := io.WriteString(w, p); err != nil {
			return err
		}
	}
	return nil
}
