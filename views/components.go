package views

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"jobboard/apiclient"
	"jobboard/internal/i18n"
	"jobboard/internal/jobquery"
)

// Problem is a plain-language error shown in a panel: a message key with
// its arguments, and optionally a Retry or a way back.
type Problem struct {
	Status    int
	Key       string
	Args      []any
	RequestID string
	RetryURL  string // "" = no Retry button
	BackURL   string // "" = no way back
	BackKey   string
	SwitchURL string // sign in as someone else and come back ("" = not offered)
}

// statusName returns the i18n key suffix and CSS name of a status.
func statusName(s apiclient.Status) string { return s.Name() }

// statusLabel is the status in words: "Succeeded", "Unknown (7)".
func statusLabel(l i18n.Localizer, s apiclient.Status) string {
	if !s.Known() {
		return l.T(s.MessageKey(), int(s))
	}
	return l.T(s.MessageKey())
}

// statusKeys are the message keys of the documented statuses by code, as
// apiclient's status table gives them (read-only).
var statusKeys = func() (keys [6]string) {
	for _, s := range apiclient.Statuses {
		keys[s] = s.MessageKey()
	}
	return keys
}()

// statusIcon is a glyph shown next to the word (never instead of it).
func statusIcon(s apiclient.Status) string { return s.Icon() }

// utc is the machine-readable instant of a <time> element.
func utc(t time.Time) string {
	var buf [32]byte
	return string(appendRFC3339UTC(buf[:0], t))
}

// duration describes how long a job ran: "2 min 5 s", "running for 3 min",
// or "—" when it has not started.
func duration(l i18n.Localizer, j apiclient.Job, now time.Time) string {
	switch {
	case j.RunBegin.IsZero():
		return "—"
	case j.RunEnd.IsZero():
		if j.Status == apiclient.StatusStopping {
			return l.T("job.stopping")
		}
		if j.Status.InFlight() {
			return l.T("job.runningFor", l.Duration(now.Sub(j.RunBegin)))
		}
		return "—"
	}
	return l.T("job.duration", l.Duration(j.RunEnd.Sub(j.RunBegin)))
}

// itoa formats an int for attributes and URLs (no separators).
func itoa(n int) string { return strconv.Itoa(n) }

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// stampLayout is the time stamp Explorer ends job names with
// (workflow_q745a_20220715163650), written on Explorer's clock.
const stampLayout = "20060102150405"

// nameStamp reads the time stamp at the end of a job's name and the
// offset from UTC of the clock it was written on. ok is false when the
// name has no stamp of its creation, or when it reads the same as the
// Created time shown in zone (nothing to explain).
func nameStamp(name string, created time.Time, zone *time.Location) (stamp time.Time, offset time.Duration, ok bool) {
	i := strings.LastIndexByte(name, '_')
	if i < 0 || len(name)-i-1 != len(stampLayout) || created.IsZero() {
		return time.Time{}, 0, false
	}
	raw := name[i+1:]
	stamp, err := time.ParseInLocation(stampLayout, raw, time.UTC)
	if err != nil {
		return time.Time{}, 0, false
	}
	if zone == nil {
		zone = time.UTC
	}
	var shown [len(stampLayout) + 8]byte
	if string(created.In(zone).AppendFormat(shown[:0], stampLayout)) == raw {
		return time.Time{}, 0, false
	}
	// The stamp is the creation time on a clock some whole quarter hours
	// away from UTC; anything else is not a creation stamp.
	off := stamp.Sub(created.Truncate(time.Second))
	quarter := off.Round(15 * time.Minute)
	if drift := off - quarter; drift < -time.Minute || drift > time.Minute || quarter.Abs() > 14*time.Hour {
		return time.Time{}, 0, false
	}
	return stamp, quarter, true
}

// utcOffset writes an offset from UTC as "+08:00" ("" for none).
func utcOffset(off time.Duration) string {
	var buf [16]byte
	return string(appendUTCOffset(buf[:0], off))
}

// appendUTCOffset appends utcOffset(off) to b.
func appendUTCOffset(b []byte, off time.Duration) []byte {
	if off == 0 {
		return b
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	h, m := int(off/time.Hour), int(off%time.Hour/time.Minute)
	if h > 99 {
		return fmt.Appendf(b, "%c%02d:%02d", sign, h, m)
	}
	return append2(append(append2(append(b, sign), h), ':'), m)
}

// updatedText is the server-rendered "Updated at 14:32:05" of a live
// region; static/app.js turns it into "Updated 3 s ago".
func updatedText(l i18n.Localizer, now time.Time, zone *time.Location) string {
	var buf [128]byte
	return string(appendUpdatedText(buf[:0], l, now, zone))
}

// appendUpdatedText appends the text of updatedText to b.
func appendUpdatedText(b []byte, l i18n.Localizer, now time.Time, zone *time.Location) []byte {
	var clock [16]byte
	return l.AppendTexts(b, "poll.updatedAt", now.In(zone).AppendFormat(clock[:0], "15:04:05"))
}

// zoneNote names the zone times are shown in and, when a link's dates are
// read in another zone, that one too, in one sentence.
func zoneNote(l i18n.Localizer, shown *time.Location, q jobquery.Query) string {
	var buf [256]byte
	return string(appendZoneNote(buf[:0], l, shown, q))
}

// appendZoneNote appends the text of zoneNote to b.
func appendZoneNote(b []byte, l i18n.Localizer, shown *time.Location, q jobquery.Query) []byte {
	var name, tz [64]byte
	if q.TZ != "" && q.TZ != shown.String() {
		return l.AppendTexts(b, "jobs.zoneNoteTwo", append(name[:0], shown.String()...), append(tz[:0], q.TZ...))
	}
	return l.AppendTexts(b, "jobs.zoneNote", append(name[:0], shown.String()...))
}

// shown is a value as typed, fit to be shown back in a page: bytes that are
// not UTF-8 and control characters other than whitespace, which no HTML
// page may hold, become U+FFFD; everything else is kept. Messages about the
// field still come from the value as sent.
func shown(s string) string {
	bad := func(r rune) bool {
		return r == utf8.RuneError || (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f
	}
	if utf8.ValidString(s) && !strings.ContainsFunc(s, bad) {
		return s // the usual case, without a copy
	}
	return strings.Map(func(r rune) rune {
		if bad(r) {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
