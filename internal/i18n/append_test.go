package i18n

import (
	"fmt"
	"testing"
	"time"
)

// TestAppendMissingAndOddMessages checks the formatter against fmt: a
// missing key, the verbs it formats itself and those it leaves to fmt.
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
	// The expected texts are composed with T and N (fmt's formatting), the
	// independent slow path: odd verbs and a missing join message must come
	// out exactly as fmt writes them.
	now := time.Date(2026, 11, 30, 14, 32, 0, 0, time.UTC)
	join := func(a, b string) string { return l.T("format.durationJoin", a, b) }
	i := func(n int64) int64 { return n }
	cases := []struct{ name, got, want string }{
		{"Duration(3s)", l.Duration(3 * time.Second), l.T("unit.s", i(3))},
		{"Duration(2m5s)", l.Duration(2*time.Minute + 5*time.Second), join(l.T("unit.min", i(2)), l.T("unit.s", i(5)))},
		{"Duration(3h4m)", l.Duration(3*time.Hour + 4*time.Minute), join(l.T("unit.h", i(3)), l.T("unit.min", i(4)))},
		{"Duration(26h)", l.Duration(26 * time.Hour), join(l.T("unit.d", i(1)), l.T("unit.h", i(2)))},
		{"Duration(1h)", l.Duration(time.Hour), l.T("unit.h", i(1))},
		{"Ago(-5m)", l.Ago(now.Add(-5*time.Minute), now), l.T("ago.past", l.T("ago.min", i(5)))},
		{"Ago(-3h)", l.Ago(now.Add(-3*time.Hour), now), l.T("ago.past", l.N("ago.hours", 3, i(3)))},
		{"Ago(-50d)", l.Ago(now.Add(-50*24*time.Hour), now), l.T("ago.past", l.N("ago.days", 50, l.Count(50)))},
		{"Ago(+2h)", l.Ago(now.Add(2*time.Hour), now), l.T("ago.future", l.N("ago.hours", 2, i(2)))},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
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
				want = fmt.Sprintf(msg, vals...)
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

// TestAppendTextsMatchesT checks AppendTexts and AppendN against T and N
// (fmt's formatting) for every catalog message, with text arguments, and
// for odd and missing messages.
func TestAppendTextsMatchesT(t *testing.T) {
	odd := Localizer{lang: "xx", language: language{plural: pluralEnglish, messages: map[string]string{
		"five": "%s %s %s %s %s", "width": "%5s|%-3s", "none": "100%", "rows.one": "%s row", "rows.other": "%s rows",
	}}}
	ls := []Localizer{For(English), For(Chinese), odd}
	args := [][]byte{[]byte("a<b"), []byte("2,345"), []byte(""), []byte("%d"), []byte("五")}
	for _, l := range ls {
		keys := []string{"five", "width", "none", "missing.key"}
		for k := range l.messages {
			keys = append(keys, k)
		}
		for _, k := range keys {
			for n := 0; n <= len(args); n++ {
				vals := make([]any, n)
				for i := range vals {
					vals[i] = string(args[i])
				}
				if got, want := string(l.AppendTexts([]byte("x"), k, args[:n]...)), "x"+l.T(k, vals...); got != want {
					t.Errorf("%s: AppendTexts(%q, %d args) = %q, want %q", l.Lang(), k, n, got, want)
				}
			}
		}
		for _, k := range []string{"rows", "jobs.total", "jobs.showing", "missing"} {
			for _, c := range []int{0, 1, 2} {
				if got, want := string(l.AppendN(nil, k, c, args[1], args[0], args[3])), l.N(k, c, "2,345", "a<b", "%d"); got != want {
					t.Errorf("%s: AppendN(%q, %d) = %q, want %q", l.Lang(), k, c, got, want)
				}
			}
		}
	}
}
