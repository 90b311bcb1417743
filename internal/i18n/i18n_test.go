package i18n

import (
	"testing"
	"time"
)

func TestCount(t *testing.T) {
	for _, lang := range Supported() {
		l := For(lang)
		for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 2345: "2,345", 1234567: "1,234,567", -4500: "-4,500", -999: "-999", -1000: "-1,000", 100000: "100,000", -9223372036854775808: "-9,223,372,036,854,775,808"} {
			if got := l.Count(n); got != want {
				t.Errorf("%s: Count(%d) = %q, want %q", lang, n, got, want)
			}
			if got := string(l.AppendCount([]byte("x"), n)); got != "x"+want {
				t.Errorf("%s: AppendCount(%d) = %q, want %q", lang, n, got, "x"+want)
			}
		}
	}
}

func TestDuration(t *testing.T) {
	type want struct{ en, zh string }
	cases := map[time.Duration]want{
		0:                                    {"0 s", "0 秒"},
		6 * time.Second:                      {"6 s", "6 秒"},
		6*time.Second + 900*time.Millisecond: {"6 s", "6 秒"},
		2*time.Minute + 5*time.Second:        {"2 min 5 s", "2 分 5 秒"},
		2 * time.Minute:                      {"2 min", "2 分"},
		time.Hour + 3*time.Minute + 9*time.Second: {"1 h 3 min", "1 小时 3 分"},
		50 * time.Hour: {"2 d 2 h", "2 天 2 小时"},
		-time.Second:   {"0 s", "0 秒"},
	}
	en, zh := For(English), For(Chinese)
	for d, w := range cases {
		if got := en.Duration(d); got != w.en {
			t.Errorf("en Duration(%v) = %q, want %q", d, got, w.en)
		}
		if got := zh.Duration(d); got != w.zh {
			t.Errorf("zh Duration(%v) = %q, want %q", d, got, w.zh)
		}
	}
}

func TestAgo(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	type want struct{ en, zh string }
	cases := map[time.Duration]want{
		-10 * time.Second:      {"just now", "刚刚"},
		-3 * time.Minute:       {"3 min ago", "3 分钟前"},
		-time.Hour:             {"1 hour ago", "1 小时前"},
		-2 * time.Hour:         {"2 hours ago", "2 小时前"},
		-26 * time.Hour:        {"1 day ago", "1 天前"},
		-1500 * 24 * time.Hour: {"1,500 days ago", "1,500 天前"},
		2 * time.Hour:          {"in 2 hours", "2 小时后"},
	}
	en, zh := For(English), For(Chinese)
	for off, w := range cases {
		if got := en.Ago(now.Add(off), now); got != w.en {
			t.Errorf("en Ago(%v) = %q, want %q", off, got, w.en)
		}
		if got := zh.Ago(now.Add(off), now); got != w.zh {
			t.Errorf("zh Ago(%v) = %q, want %q", off, got, w.zh)
		}
	}
}

func TestDateTime(t *testing.T) {
	at := time.Date(2026, 11, 30, 14, 32, 59, 0, time.UTC)
	for _, lang := range Supported() {
		if got := For(lang).DateTime(at); got != "2026-11-30 14:32" {
			t.Errorf("%s: DateTime = %q", lang, got)
		}
	}
}

func TestLookup(t *testing.T) {
	l := For("xx")
	if l.Lang() != DefaultLang {
		t.Errorf("unknown language gives %q", l.Lang())
	}
	if got := l.T("problem.noWorkflow", "42"); got != "No workflow with ID 42." {
		t.Errorf("T = %q", got)
	}
	if got := l.T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key gives %q", got)
	}
	if got := l.N("jobs.total", 1, "1"); got != "1 job" {
		t.Errorf("N one = %q", got)
	}
	if got := l.N("jobs.total", 2, "2"); got != "2 jobs" {
		t.Errorf("N other = %q", got)
	}
}

func TestChinese(t *testing.T) {
	zh := For(Chinese)
	if zh.Lang() != "zh-CN" {
		t.Fatalf("Lang = %q", zh.Lang())
	}
	cases := map[string]string{
		zh.T("status.succeeded"): "成功",
		zh.T("status.failed"):    "失败",
		zh.T("status.cancelled"): "已取消",
		zh.T("status.running"):   "运行中",
		zh.T("status.preparing"): "准备中",
		zh.T("status.stopping"):  "停止中",
		// One plural form: 1 and 2 read alike.
		zh.N("jobs.total", 1, zh.Count(1)):       "1 个作业",
		zh.N("jobs.total", 2345, zh.Count(2345)): "2,345 个作业",
	}
	for got, want := range cases {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	if !zh.Has("status.failed") || zh.Has("jobs.total.one") {
		t.Error("Has does not reflect the Chinese catalog")
	}
}

// TestMissingKeyFallsBackToEnglish: a key a Chinese catalog lacks shows in
// English rather than as a raw key (TestCatalogsComplete keeps this from
// happening in a commit).
func TestMissingKeyFallsBackToEnglish(t *testing.T) {
	zh := For(Chinese)
	if got := zh.T("jobs.total.one", "1"); got != "1 job" {
		t.Errorf("fallback gives %q", got)
	}
}

func TestNegotiate(t *testing.T) {
	cases := []struct {
		cookie, accept, want string
	}{
		{"", "", English},
		{"", "zh-CN,zh;q=0.9,en;q=0.8", Chinese},
		{"", "zh", Chinese},
		{"", "zh-Hans-SG", Chinese},
		{"", "en-GB,en;q=0.9", English},
		{"", "fr-FR", English},
		{"", "fr;q=1, zh-CN;q=0.5", Chinese},
		{"", "en;q=0.3, zh-CN;q=0.7", Chinese},
		{"", "zh-CN;q=0.3, en;q=0.7", English},
		{"", "zh-CN;q=0", English},
		{"", "!!garbage,,;q=x", English},
		{"en", "zh-CN", English},
		{"zh-CN", "en-US", Chinese},
		{"de", "zh-CN", Chinese}, // an unknown cookie is ignored
		{"zh-cn", "", English},   // cookie values are exact
	}
	for _, c := range cases {
		if got := Negotiate(c.cookie, c.accept).Lang(); got != c.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", c.cookie, c.accept, got, c.want)
		}
	}
}
