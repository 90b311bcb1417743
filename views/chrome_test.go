package views

import (
	"bytes"
	"fmt"
	"net/url"
	"strconv"
	"testing"
	"time"

	"jobboard/apiclient"
	"jobboard/internal/i18n"
	"jobboard/internal/jobquery"
)

// FuzzChromeMatchTempl renders the markup around a jobs table for random
// lists (any page of any length at any size, any name filter, zone, status
// set, order and pin, either language, a job of any name and creation time
// for the table's notes and the live region's refresh, one workflow's or
// every workflow's, a problem or a page too deep to place) with
// chrome.go's writers and with
// their templ reference (chrome.templ), and requires the same bytes: the
// hand-written markup, escaping and URLs are templ's.
func FuzzChromeMatchTempl(f *testing.F) {
	f.Add(2, 2345, 1, "", "", uint8(0), false, int64(0), false, false, "workflow_q745a_20261130200000", int64(-60), 2, false, false)
	f.Add(117, 2345, 0, `a&b=<c>"'`, "Europe/Berlin", uint8(0b1100), true, int64(-3600), true, true, `<b>&"'_20261130121500`, int64(-1), 1, true, false)
	f.Add(1, 0, 3, "\x00\xff ", "Asia/Shanghai", uint8(0b111111), false, int64(-86400*400), false, true, "", int64(0), 0, false, true)
	f.Add(9, 20, 2, "x", "Nope/Zone", uint8(1), true, int64(1), true, false, "job_20261130120000", int64(0), 9, false, false)
	f.Fuzz(func(t *testing.T, page, total, size int, name, tz string, statuses uint8, asc bool, asof int64, chinese, all bool, jobName string, created int64, status int, problem, tooDeep bool) {
		now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		v := url.Values{"name": {name}, "tz": {tz}, "page": {strconv.Itoa(page)}}
		if size >= 0 {
			v.Set("size", strconv.Itoa(jobquery.Sizes[size%len(jobquery.Sizes)]))
		}
		for i, s := range []string{"preparing", "running", "succeeded", "failed", "cancelled", "stopping"} {
			if statuses&(1<<i) != 0 {
				v.Add("status", s)
			}
		}
		if asc {
			v.Set("order", "asc")
		}
		if asof != 0 {
			v.Set("asof", now.Add(time.Duration(asof%(1<<32))*time.Second).Format(time.RFC3339))
		}
		q, _ := jobquery.Parse(v, time.UTC, now)
		lang := i18n.English
		if chinese {
			lang = i18n.Chinese
		}
		d := JobList{Page: Page{L: i18n.For(lang)}, Path: "/workflows/42/jobs", Query: q, Now: now, Total: max(0, total%(1<<40)), All: all}
		if jobName != "" {
			d.Jobs = []apiclient.Job{{ID: 7, Name: jobName, Status: apiclient.Status(status), Created: now.Add(time.Duration(created%(1<<32)) * time.Second)}}
		}
		if problem {
			d.Problem = &Problem{Status: 502, Key: "problem.upstream", RequestID: name, RetryURL: d.ListURL(), BackURL: "/", BackKey: "nav.home"}
		}
		d.TooDeep = tooDeep
		for _, c := range []struct {
			name      string
			got, want []byte
		}{
			{"pager", renderTo(t, pager(&d)), renderTo(t, pagerTempl(&d))},
			{"share control", renderTo(t, shareControl(&d)), renderTo(t, shareControlTempl(&d))},
			{"print header", renderTo(t, printHeader(&d)), renderTo(t, printHeaderTempl(&d))},
			{"jobs table", renderTo(t, jobTable(&d)), renderTo(t, jobTableTempl(&d))},
			{"updated line", renderTo(t, updatedLine(&d)), renderTo(t, updatedLineTempl(&d))},
			{"summary placeholder", renderTo(t, summaryPlaceholder(&d)), renderTo(t, summaryPlaceholderTempl(&d))},
			{"export links", renderTo(t, exportLinks(&d)), renderTo(t, exportLinksTempl(&d))},
			{"save-view link", renderTo(t, saveViewLink(&d)), renderTo(t, saveViewLinkTempl(&d))},
			{"live region", renderTo(t, jobListLive(&d)), renderTo(t, jobListLiveTempl(&d))},
			{"results region", renderTo(t, jobListResults(&d)), renderTo(t, jobListResultsTempl(&d))},
		} {
			if !bytes.Equal(c.got, c.want) {
				t.Fatalf("hand-written %s:\n%s\ntempl's:\n%s", c.name, c.got, c.want)
			}
		}
	})
}

// TestUTCOffsetWords checks the "+08:00" form of the offsets a job name's
// clock can be at, on both sides of UTC.
func TestUTCOffsetWords(t *testing.T) {
	for off := -14 * time.Hour; off <= 14*time.Hour; off += 15 * time.Minute {
		want := ""
		if off != 0 {
			sign, abs := "+", off
			if off < 0 {
				sign, abs = "-", -off
			}
			want = fmt.Sprintf("%s%02d:%02d", sign, int(abs/time.Hour), int(abs%time.Hour/time.Minute))
		}
		if got := utcOffset(off); got != want {
			t.Errorf("utcOffset(%v) = %q, want %q", off, got, want)
		}
	}
}
