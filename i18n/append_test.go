package i18n

import (
	"fmt"
	"math/rand"
	"testing"
	"time"
)

// agoDistances are distances from now that reach every branch of Ago and
// Duration and their edges.
func agoDistances(r *rand.Rand) []time.Duration {
	ds := []time.Duration{0, 1, time.Second, 59 * time.Second, time.Minute, time.Minute + time.Second,
		59*time.Minute + 59*time.Second, time.Hour, time.Hour + time.Minute, 2 * time.Hour, 23*time.Hour + 59*time.Minute,
		24 * time.Hour, 25 * time.Hour, 48 * time.Hour, 999 * 24 * time.Hour, 1000 * 24 * time.Hour, 12345 * 24 * time.Hour,
		-1, -time.Hour, -25 * time.Hour}
	for range 2000 {
		scale := []time.Duration{time.Second, time.Minute, time.Hour, 24 * time.Hour, 1000 * 24 * time.Hour}[r.Intn(5)]
		ds = append(ds, time.Duration(r.Int63n(int64(3*scale)))-scale/2)
	}
	return ds
}

// TestAppendAgoMatchesAgo checks that AppendAgo appends exactly Ago's
// text, after what dst held, in both languages.
func TestAppendAgoMatchesAgo(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	now := time.Date(2026, 11, 30, 14, 32, 0, 0, time.UTC)
	for _, lang := range Supported() {
		l := For(lang)
		for _, d := range agoDistances(r) {
			then := now.Add(-d)
			want := l.Ago(then, now)
			if got := string(l.AppendAgo([]byte("x|"), then, now)); got != "x|"+want {
				t.Fatalf("%s: AppendAgo(now-%v) = %q, want %q", lang, d, got, "x|"+want)
			}
		}
	}
}

// TestAppendDurationMatchesDuration checks AppendDuration against
// Duration in both languages.
func TestAppendDurationMatchesDuration(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	for _, lang := range Supported() {
		l := For(lang)
		for _, d := range agoDistances(r) {
			want := l.Duration(d)
			if got := string(l.AppendDuration([]byte("x|"), d)); got != "x|"+want {
				t.Fatalf("%s: AppendDuration(%v) = %q, want %q", lang, d, got, "x|"+want)
			}
		}
	}
}

// TestAppendMissingAndOddMessages checks the lookup and formatting paths a
// shipped catalog does not take: a key missing from the language (English
// used), missing from both (the key itself), and messages with verbs,
// counts of arguments or percent signs sprintf hands to fmt.
func TestAppendMissingAndOddMessages(t *testing.T) {
	l := Localizer{lang: "xx", language: language{plural: pluralEnglish, messages: map[string]string{
		"unit.s":          "%5d sec",
		"unit.min":        "%s min",
		"unit.h":          "%d h %d",
		"ago.min":         "100%% of %d",
		"ago.hours.other": "%x hrs",
		"ago.past":        "%v back %",
		"ago.future":      "soon",
	}}}
	now := time.Date(2026, 11, 30, 14, 32, 0, 0, time.UTC)
	for _, d := range []time.Duration{3 * time.Second, 2*time.Minute + 5*time.Second, 3*time.Hour + 4*time.Minute, 26 * time.Hour,
		5 * time.Minute, 3 * time.Hour, 1 * time.Hour, 50 * 24 * time.Hour, -5 * time.Minute, -2 * time.Hour} {
		if got, want := string(l.AppendDuration(nil, d)), l.Duration(d); got != want {
			t.Errorf("AppendDuration(%v) = %q, want %q", d, got, want)
		}
		if got, want := string(l.AppendAgo(nil, now.Add(-d), now)), l.Ago(now.Add(-d), now); got != want {
			t.Errorf("AppendAgo(now-%v) = %q, want %q", d, got, want)
		}
	}
	for _, msg := range []string{"", "plain", "%d", "%s", "%v %v", "%d %s", "%%", "%", "a %d b %d", "%q", "%d%%", "%5s"} {
		for _, args := range [][]msgArg{nil, {intArg(42)}, {textArg([]byte("t"))}, {intArg(-7), textArg([]byte("u"))}, {textArg([]byte("a")), textArg([]byte("b"))}} {
			vals := make([]any, len(args))
			for i, a := range args {
				vals[i] = a.value()
			}
			want := msg
			if len(args) > 0 {
				want = sprintf(msg, vals)
			}
			if got := string(appendFormatted([]byte("p:"), msg, args)); got != "p:"+want {
				t.Errorf("appendFormatted(%q, %v) = %q, want %q", msg, vals, got, "p:"+want)
			}
		}
	}
	if got, want := fmt.Sprint(string(l.appendMsg(nil, "no.such.key", intArg(1)))), l.T("no.such.key", 1); got != want {
		t.Errorf("missing key gives %q, want %q", got, want)
	}
}

// TestAppendAllocates checks that the append helpers allocate nothing
// when dst has room, for every branch of Ago and Duration.
func TestAppendAllocates(t *testing.T) {
	now := time.Date(2026, 11, 30, 14, 32, 0, 0, time.UTC)
	buf := make([]byte, 0, 256)
	for _, lang := range Supported() {
		l := For(lang)
		for _, d := range []time.Duration{5 * time.Second, 3 * time.Minute, 2*time.Hour + 5*time.Minute, 26 * time.Hour, -3 * time.Hour} {
			if n := testing.AllocsPerRun(100, func() { buf = l.AppendAgo(buf[:0], now.Add(-d), now) }); n != 0 {
				t.Errorf("%s: AppendAgo(now-%v) makes %v allocations", lang, d, n)
			}
			if n := testing.AllocsPerRun(100, func() { buf = l.AppendDuration(buf[:0], d) }); n != 0 {
				t.Errorf("%s: AppendDuration(%v) makes %v allocations", lang, d, n)
			}
		}
	}
}

// TestAppendTMatchesT checks AppendT against T for every message of both
// catalogs, with a text argument.
func TestAppendTMatchesT(t *testing.T) {
	for _, lang := range Supported() {
		l := For(lang)
		for key := range l.messages {
			for _, arg := range []string{"", "2 min 5 s", "<&>"} {
				if got, want := string(l.AppendT([]byte("x|"), key, []byte(arg))), "x|"+l.T(key, arg); got != want {
					t.Errorf("%s: AppendT(%q, %q) = %q, want %q", lang, key, arg, got, want)
				}
			}
		}
		if got, want := string(l.AppendT(nil, "no.such.key", []byte("a"))), l.T("no.such.key", "a"); got != want {
			t.Errorf("%s: missing key gives %q, want %q", lang, got, want)
		}
	}
}
