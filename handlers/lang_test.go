package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// htmlLang returns the lang attribute of the page's <html>.
func htmlLang(t *testing.T, body string) string {
	t.Helper()
	els := byTag(parseHTML(t, body), "html")
	if len(els) != 1 {
		t.Fatalf("page has %d <html> elements", len(els))
	}
	v, _ := attr(els[0], "lang")
	return v
}

func TestLanguageFromAcceptLanguage(t *testing.T) {
	e := newEnv(t, 0)
	c := e.browser(t)
	cases := []struct{ accept, lang, title string }{
		{"", "en", "Sign in"},
		{"zh-CN,zh;q=0.9,en;q=0.8", "zh-CN", "登录"},
		{"en;q=0.4, zh;q=0.8", "zh-CN", "登录"},
		{"fr-FR, en;q=0.5", "en", "Sign in"},
	}
	for _, tc := range cases {
		a := e.get(t, c, "/login", "Accept-Language", tc.accept)
		if a.status != http.StatusOK {
			t.Fatalf("Accept-Language %q: status %d", tc.accept, a.status)
		}
		if got := htmlLang(t, a.body); got != tc.lang {
			t.Errorf("Accept-Language %q: <html lang=%q>, want %q", tc.accept, got, tc.lang)
		}
		h1 := byTag(parseHTML(t, a.body), "h1")
		if len(h1) == 0 || text(h1[0]) != tc.title {
			t.Errorf("Accept-Language %q: heading is not %q", tc.accept, tc.title)
		}
	}
}

func TestLanguageSwitch(t *testing.T) {
	e := newEnv(t, 0)
	c := e.browser(t)
	page := e.get(t, c, "/login?next=%2Fjobs%3Fstatus%3Dfailed", "Accept-Language", "en")
	doc := parseHTML(t, page.body)
	form := byID(doc, "lang-switch")
	if form == nil {
		t.Fatal("no language switch on the sign-in page")
	}
	if m, _ := attr(form, "method"); m != "post" {
		t.Errorf("switch method %q", m)
	}
	if got := inputValue(t, doc, "lang-next"); got != "/login?next=%2Fjobs%3Fstatus%3Dfailed" {
		t.Errorf("switch returns to %q", got)
	}
	zhButton := byID(doc, "lang-zh-CN")
	if zhButton == nil || text(zhButton) != "简体中文" {
		t.Fatal("no 简体中文 button")
	}
	if cur, _ := attr(byID(doc, "lang-en"), "aria-current"); cur != "true" {
		t.Error("English is not marked as the current language")
	}

	a := e.postForm(t, c, "/lang", url.Values{"lang": {"zh-CN"}, "next": {"/login?next=%2Fjobs%3Fstatus%3Dfailed"}}, "Accept-Language", "en")
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/login?next=%2Fjobs%3Fstatus%3Dfailed" {
		t.Fatalf("switch answered %d to %q", a.status, a.header.Get("Location"))
	}
	ck := a.header.Get("Set-Cookie")
	for _, want := range []string{"lang=zh-CN", "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age="} {
		if !strings.Contains(ck, want) {
			t.Errorf("cookie %q lacks %q", ck, want)
		}
	}
	// The cookie beats Accept-Language.
	page = e.get(t, c, "/login", "Accept-Language", "en")
	if got := htmlLang(t, page.body); got != "zh-CN" {
		t.Errorf("after switching: <html lang=%q>", got)
	}
	if cur, _ := attr(byID(parseHTML(t, page.body), "lang-zh-CN"), "aria-current"); cur != "true" {
		t.Error("Chinese is not marked as the current language")
	}
	// And back.
	a = e.postForm(t, c, "/lang", url.Values{"lang": {"en"}, "next": {"/login"}}, "Accept-Language", "zh-CN")
	if a.status != http.StatusSeeOther {
		t.Fatalf("switch back: %d", a.status)
	}
	if got := htmlLang(t, e.get(t, c, "/login", "Accept-Language", "zh-CN").body); got != "en" {
		t.Errorf("after switching back: <html lang=%q>", got)
	}
}

func TestLanguageSwitchRefusesBadInput(t *testing.T) {
	e := newEnv(t, 0)
	c := e.browser(t)
	for _, next := range []string{"https://evil.example/", "//evil.example", "/\\evil", ""} {
		a := e.postForm(t, c, "/lang", url.Values{"lang": {"en"}, "next": {next}})
		if a.status != http.StatusSeeOther || a.header.Get("Location") != "/" {
			t.Errorf("next %q: %d to %q, want 303 to /", next, a.status, a.header.Get("Location"))
		}
	}
	a := e.postForm(t, c, "/lang", url.Values{"lang": {"fr"}, "next": {"/"}})
	if a.status != http.StatusBadRequest || a.header.Get("Set-Cookie") != "" {
		t.Errorf("unknown language: %d, cookie %q", a.status, a.header.Get("Set-Cookie"))
	}
	if !strings.Contains(text(parseHTML(t, a.body)), "That language is not available") {
		t.Errorf("unknown language: no clear message in %s", a.body)
	}
	a = e.postForm(t, c, "/lang", url.Values{"lang": {"zh-CN"}, "next": {"/"}}, "Sec-Fetch-Site", "cross-site")
	if a.status != http.StatusForbidden || a.header.Get("Set-Cookie") != "" {
		t.Errorf("cross-site switch: %d, cookie %q", a.status, a.header.Get("Set-Cookie"))
	}
	a = e.get(t, c, "/lang?lang=zh-CN&next=/")
	if a.status == http.StatusSeeOther || a.header.Get("Set-Cookie") != "" {
		t.Errorf("GET /lang changed state: %d, cookie %q", a.status, a.header.Get("Set-Cookie"))
	}
}

// TestChinesePages: a signed-in Chinese reader sees the list in Chinese:
// statuses, counts, relative times and the language of the page.
func TestChinesePages(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	a := e.get(t, c, "/workflows/"+wf.ID+"/jobs?size=100", "Accept-Language", "zh-CN")
	if a.status != http.StatusOK {
		t.Fatalf("status %d", a.status)
	}
	doc := parseHTML(t, a.body)
	if htmlLang(t, a.body) != "zh-CN" {
		t.Error("list is not marked zh-CN")
	}
	showing := text(byID(doc, "showing"))
	if !strings.Contains(showing, "个作业") {
		t.Errorf("count line %q is not Chinese", showing)
	}
	words := map[string]bool{}
	for _, s := range byClass(doc, "status") {
		words[strings.TrimSpace(strings.TrimLeft(text(s), "◷▶✓✕⊘■? "))] = true
	}
	known := map[string]bool{"成功": true, "失败": true, "已取消": true, "运行中": true, "准备中": true, "停止中": true}
	if len(words) == 0 {
		t.Fatal("no statuses on the page")
	}
	for w := range words {
		if !known[w] {
			t.Errorf("status %q is not a Chinese status word", w)
		}
	}
	agos := byClass(doc, "ago")
	if len(agos) == 0 || !(strings.HasSuffix(text(agos[0]), "前") || text(agos[0]) == "刚刚") {
		t.Errorf("relative time is not Chinese")
	}
}

// TestLanguageSwitchReadsTagsInAnyCase: language tags are case-insensitive
// (as Accept-Language already reads them): "zh-cn" chooses Chinese, and
// the cookie holds the canonical tag.
func TestLanguageSwitchReadsTagsInAnyCase(t *testing.T) {
	e := newEnv(t, 0)
	for _, tc := range []struct{ sent, want string }{{"zh-cn", "zh-CN"}, {"ZH-CN", "zh-CN"}, {"EN", "en"}} {
		c := e.browser(t)
		a := e.postForm(t, c, "/lang", url.Values{"lang": {tc.sent}, "next": {"/login"}})
		if a.status != http.StatusSeeOther || a.header.Get("Location") != "/login" {
			t.Errorf("lang %q: %d to %q, want 303 to /login", tc.sent, a.status, a.header.Get("Location"))
			continue
		}
		if got := e.get(t, c, "/login"); !strings.Contains(got.body, `<html lang="`+tc.want+`"`) {
			t.Errorf("lang %q: the sign-in page is not in %s", tc.sent, tc.want)
		}
	}
}
