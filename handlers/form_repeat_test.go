package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"jobboard/internal/explorersim"
	"jobboard/internal/i18n"
	"jobboard/internal/middleware"
	"jobboard/internal/testenv"
)

// Every POSTed form reads a field that holds one value once: given twice
// with different values it is refused beside the field (a name, an
// account) or on the page (a language, a button), never one copy picked;
// the same value twice is that value; a field whose bad value a page
// reads as none (the page to go on to, the list to go back to) reads two
// different values as none.

// problemMessage is the text of the page's problem panel.
func problemMessage(doc *html.Node) string {
	if ps := byClass(doc, "problem-message"); len(ps) > 0 {
		return text(ps[0])
	}
	return ""
}

// invalid reports whether the control with id is marked invalid and
// described by its message.
func invalid(doc *html.Node, id string) bool {
	n := byID(doc, id)
	inv, _ := attr(n, "aria-invalid")
	desc, _ := attr(n, "aria-describedby")
	return inv == "true" && strings.Contains(desc, id+"-error")
}

func TestSignInRepeatedFieldsSaySoBesideThem(t *testing.T) {
	e := newEnv(t, 0)
	c := e.browser(t)
	for _, lang := range langs {
		l := i18n.For(lang.tag)
		a := e.postForm(t, c, "/login", url.Values{"account": {"demo", " analyst"}, "password": {"demo"}}, "Accept-Language", lang.accept)
		doc := parseHTML(t, a.body)
		if want := l.T("form.repeated", "“demo”, “analyst”"); a.status != http.StatusBadRequest || text(byID(doc, "account-error")) != want {
			t.Errorf("%s: two accounts: %d %q, want 400 %q", lang.tag, a.status, text(byID(doc, "account-error")), want)
		}
		if got := inputValue(t, doc, "account"); got != "demo" || !invalid(doc, "account") {
			t.Errorf("%s: two accounts: the box shows %q (invalid %v), want the first as typed", lang.tag, got, invalid(doc, "account"))
		}

		a = e.postForm(t, c, "/login", url.Values{"account": {"demo"}, "password": {"first-secret-1a", "second-secret-2b"}}, "Accept-Language", lang.accept)
		doc = parseHTML(t, a.body)
		if want := l.T("form.repeatedSecret"); a.status != http.StatusBadRequest || text(byID(doc, "password-error")) != want || !invalid(doc, "password") {
			t.Errorf("%s: two passwords: %d %q, want 400 %q", lang.tag, a.status, text(byID(doc, "password-error")), want)
		}
		if inputValue(t, doc, "account") != "demo" {
			t.Errorf("%s: two passwords: the account is not kept", lang.tag)
		}
		if strings.Contains(a.body, "secret-1a") || strings.Contains(a.body, "secret-2b") {
			t.Errorf("%s: a password is echoed", lang.tag)
		}
	}

	// A password's spaces are part of it: these are two passwords.
	if a := e.postForm(t, c, "/login", url.Values{"account": {"demo"}, "password": {"demo", "demo "}}); a.status != http.StatusBadRequest || byID(parseHTML(t, a.body), "password-error") == nil {
		t.Errorf("passwords differing by a space: %d, want 400 beside the password", a.status)
	}
	tok := testenv.ExplorerToken(t, e.simHS.URL, "analyst")
	a := e.postForm(t, c, "/login", url.Values{"token": {tok, tok + "0"}})
	doc := parseHTML(t, a.body)
	if a.status != http.StatusBadRequest || text(byID(doc, "token-error")) != i18n.For(i18n.English).T("form.repeatedSecret") || !invalid(doc, "token") {
		t.Errorf("two tokens: %d %q, want 400 beside the token", a.status, text(byID(doc, "token-error")))
	}
	if strings.Contains(a.body, tok) {
		t.Error("a token is echoed")
	}

	// The same value twice is one value; two different ways on are none.
	a = e.postForm(t, c, "/login", url.Values{"account": {"demo", "demo"}, "password": {"demo", "demo"}, "next": {"/views", "/jobs"}})
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/" {
		t.Errorf("the same account and password twice, two nexts: %d to %q, want 303 to /", a.status, a.header.Get("Location"))
	}
}

// A form with two accounts or two passwords tries no credential: it
// counts against neither the address nor the account, however often it
// comes, like a form left empty.
func TestSignInRepeatedFieldsAreNotCountedAsFailures(t *testing.T) {
	e := newEnv(t, 0)
	c := e.browser(t)
	for i := range middleware.LoginLimit + 2 {
		form := url.Values{"account": {"demo", "analyst"}, "password": {"x"}}
		if i%2 == 1 {
			form = url.Values{"account": {"demo"}, "password": {"x", "y"}}
		}
		if a := e.postForm(t, c, "/login", form); a.status != http.StatusBadRequest {
			t.Fatalf("attempt %d: %d, want 400", i+1, a.status)
		}
	}
	if a := e.postForm(t, c, "/login", url.Values{"account": {"demo"}, "password": {"demo"}}); a.status != http.StatusSeeOther {
		t.Errorf("a right sign-in after the repeated forms: %d, want 303", a.status)
	}
	if strings.Contains(e.logs.String(), "outcome=rejected") || strings.Contains(e.logs.String(), "outcome=rate-limited") {
		t.Error("a repeated form was tried against Explorer or the limits")
	}
}

func TestLanguageSwitchRepeatedLanguage(t *testing.T) {
	e := newEnv(t, 0)
	c := e.browser(t)
	for _, lang := range langs {
		a := e.postForm(t, c, "/lang", url.Values{"lang": {"en", "zh-CN"}, "next": {"/"}}, "Accept-Language", lang.accept)
		want := i18n.For(lang.tag).T("form.repeatedLang", "“en”, “zh-CN”")
		if got := problemMessage(parseHTML(t, a.body)); a.status != http.StatusBadRequest || got != want {
			t.Errorf("%s: two languages: %d %q, want 400 %q", lang.tag, a.status, got, want)
		}
		if ck := a.header.Get("Set-Cookie"); ck != "" {
			t.Errorf("%s: two languages set a cookie: %q", lang.tag, ck)
		}
	}
	a := e.postForm(t, c, "/lang", url.Values{"lang": {"zh-CN", "zh-CN"}, "next": {"/views", "/jobs"}})
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/" || !strings.Contains(a.header.Get("Set-Cookie"), "lang=zh-CN") {
		t.Errorf("one language twice, two nexts: %d to %q, cookie %q; want zh-CN and /", a.status, a.header.Get("Location"), a.header.Get("Set-Cookie"))
	}
}

func TestSaveViewRepeatedFieldsSaySoBesideThem(t *testing.T) {
	e, _ := newViewsEnv(t)
	demo := e.signedIn(t, "demo")
	en := i18n.For(i18n.English)
	twice := func(field, first, second string) url.Values {
		f := viewFields("Failures", "failures", "private", "/jobs?status=failed")
		f[field] = []string{first, second}
		return f
	}
	for _, c := range []struct{ field, first, second string }{
		{"name", "Failures", "Problems"},
		{"slug", "failures", "problems"},
		{"description", "nightly check", "weekly check"},
		{"path", "/jobs?status=failed", "/jobs?status=running"},
	} {
		a := e.postForm(t, demo, "/views", twice(c.field, c.first, c.second))
		doc := parseHTML(t, a.body)
		msg, value := fieldErrorOf(t, doc, c.field)
		if want := en.T("form.repeated", "“"+c.first+"”, “"+c.second+"”"); a.status != http.StatusBadRequest || msg != want {
			t.Errorf("two %ss: %d %q, want 400 %q", c.field, a.status, msg, want)
		}
		if value != c.first || !invalid(doc, "v-"+c.field) {
			t.Errorf("two %ss: the box shows %q, want the first as typed", c.field, value)
		}
		if _, name := fieldErrorOf(t, doc, "name"); name != "Failures" {
			t.Errorf("two %ss: the name is kept as %q", c.field, name)
		}
	}
	for _, lang := range langs {
		a := e.postForm(t, demo, "/views", twice("visibility", "private", "shared"), "Accept-Language", lang.accept)
		want := i18n.For(lang.tag).T("form.repeatedVisibility")
		if got := text(byID(parseHTML(t, a.body), "v-visibility-error")); a.status != http.StatusBadRequest || got != want {
			t.Errorf("%s: two visibilities: %d %q, want 400 %q", lang.tag, a.status, got, want)
		}
	}
	if names := e.boardNames(t, demo); len(names) != 0 {
		t.Fatalf("refused forms saved views: %q", names)
	}

	// The same value twice is that value.
	e.saveView(t, demo, twice("name", "Failures", " Failures"))
	id := e.viewIDOf(t, demo, "Failures")

	// An edit reads its fields the same way. Two versions are none, like
	// one that is not a number: the stored version is shown as changed.
	edit := twice("name", "Renamed", "Other")
	edit.Set("version", "1")
	a := e.postForm(t, demo, "/views/"+id, edit, "Accept-Language", "zh-CN")
	if msg, _ := fieldErrorOf(t, parseHTML(t, a.body), "name"); a.status != http.StatusBadRequest || msg != i18n.For("zh-CN").T("form.repeated", "“Renamed”, “Other”") {
		t.Errorf("edit with two names: %d %q", a.status, msg)
	}
	edit = viewFields("Renamed", "failures", "private", "/jobs?status=failed")
	edit["version"] = []string{"1", "2"}
	a = e.postForm(t, demo, "/views/"+id, edit)
	doc := parseHTML(t, a.body)
	if _, name := fieldErrorOf(t, doc, "name"); a.status != http.StatusConflict || text(byID(doc, "conflict-name")) != "Failures" || name != "Renamed" {
		t.Errorf("edit with two versions: %d, stored %q, form %q; want 409 showing both", a.status, text(byID(doc, "conflict-name")), name)
	}
	edit["version"] = []string{"1", "1"}
	if a := e.postForm(t, demo, "/views/"+id, edit); a.status != http.StatusSeeOther {
		t.Errorf("edit with the same version twice: %d, want 303", a.status)
	}
}

func TestPinRepeatedAnswerChangesNothing(t *testing.T) {
	e, _ := newViewsEnv(t)
	demo := e.signedIn(t, "demo")
	e.saveView(t, demo, viewFields("Failures", "failures", "private", "/jobs?status=failed"))
	id := e.viewIDOf(t, demo, "Failures")
	for _, lang := range langs {
		a := e.postForm(t, demo, "/views/"+id+"/pin", url.Values{"pin": {"1", "0"}, "next": {"/"}}, "Accept-Language", lang.accept)
		want := i18n.For(lang.tag).T("form.repeatedPin", "Failures", "“1”, “0”")
		if got := problemMessage(parseHTML(t, a.body)); a.status != http.StatusBadRequest || got != want {
			t.Errorf("%s: pin and unpin: %d %q, want 400 %q", lang.tag, a.status, got, want)
		}
	}
	pinned := func() int {
		return len(byClass(byID(parseHTML(t, e.get(t, demo, "/").body), "pinned-views"), "view-name"))
	}
	if pinned() != 0 {
		t.Error("pin and unpin at once pinned the view")
	}
	a := e.postForm(t, demo, "/views/"+id+"/pin", url.Values{"pin": {"1", "1"}, "next": {"/views", "/jobs"}})
	if a.status != http.StatusSeeOther || a.header.Get("Location") != "/" {
		t.Errorf("pin twice, two nexts: %d to %q, want 303 to /", a.status, a.header.Get("Location"))
	}
	if pinned() != 1 {
		t.Error("pin given twice did not pin")
	}
}

func TestRunFormRepeatedActionDoesNothing(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	before := len(e.sim.Jobs("demo"))
	row := [3]string{taskA, "damping", "0.85"}
	for _, lang := range langs {
		form := rowsForm("add", row)
		form.Add("action", "run")
		a := e.postForm(t, c, "/workflows/"+wf.ID+"/run", form, "Accept-Language", lang.accept)
		doc := parseHTML(t, a.body)
		want := i18n.For(lang.tag).T("form.repeatedAction", "“add”, “run”")
		if a.status != http.StatusBadRequest || text(byID(doc, "run-error")) != want {
			t.Errorf("%s: add and run: %d %q, want 400 %q", lang.tag, a.status, text(byID(doc, "run-error")), want)
		}
		if got := runFormRows(t, doc); len(got) != 1 || got[0] != row {
			t.Errorf("%s: add and run: rows %q, want the one typed", lang.tag, got)
		}
	}
	if after := len(e.sim.Jobs("demo")); after != before {
		t.Error("add and run at once started a job")
	}
	form := rowsForm("run", row)
	form.Add("action", "run")
	if a := e.postForm(t, c, "/workflows/"+wf.ID+"/run", form); a.status != http.StatusSeeOther {
		t.Errorf("run twice: %d, want 303", a.status)
	}
}

// The cancel form carries only the list to go back to and the zone: two
// different ones are none, and the cancel still happens.
func TestCancelRepeatedBackIsNone(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	j := findJob(t, e, "demo", withStatus(explorersim.StatusRunning))
	a := e.postForm(t, c, jobPath(j.ID)+"/cancel", url.Values{"back": {"/jobs?status=running", "/jobs?status=failed"}, "tz": {"Europe/Paris", "Asia/Kolkata"}})
	if a.status != http.StatusSeeOther || a.header.Get("Location") != jobPath(j.ID) {
		t.Errorf("cancel with two backs and zones: %d to %q, want 303 to %s", a.status, a.header.Get("Location"), jobPath(j.ID))
	}
}

// A run form holds at most maxRunRows rows: one that sends more with
// something typed in them is refused in words, not run without the rest;
// empty rows past the limit lose nothing and are dropped.
func TestRunFormTooManyRowsIsNotCut(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	before := len(e.sim.Jobs("demo"))
	rows := make([][3]string, maxRunRows+1)
	for i := range rows {
		rows[i] = [3]string{taskA, "p" + strconv.Itoa(i), "1"}
	}
	for _, lang := range langs {
		a := e.postForm(t, c, "/workflows/"+wf.ID+"/run", rowsForm("run", rows...), "Accept-Language", lang.accept)
		doc := parseHTML(t, a.body)
		want := i18n.For(lang.tag).T("run.tooMany", maxRunRows)
		if a.status != http.StatusBadRequest || text(byID(doc, "run-error")) != want {
			t.Errorf("%s: %d rows: %d %q, want 400 %q", lang.tag, len(rows), a.status, text(byID(doc, "run-error")), want)
		}
		if got := runFormRows(t, doc); len(got) != maxRunRows {
			t.Errorf("%s: %d rows shown, want %d", lang.tag, len(got), maxRunRows)
		}
	}
	if after := len(e.sim.Jobs("demo")); after != before {
		t.Fatal("a form with more rows than it holds started a job")
	}
	form := rowsForm("run", rows[:maxRunRows]...)
	form.Add("task", "")
	form.Add("param", " ")
	if a := e.postForm(t, c, "/workflows/"+wf.ID+"/run", form); a.status != http.StatusSeeOther {
		t.Errorf("%d rows and an empty one: %d, want 303", maxRunRows, a.status)
	}
}

// TestPostsThatAreNotFormsAnswer415: every POST route reads a form; a body
// sent in another format (JSON, plain text) is a 415 saying so (en, zh),
// nothing done, instead of reading as an empty form ("enter your
// account") or a missing field. A POST with no body still works.
func TestPostsThatAreNotFormsAnswer415(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	for _, tc := range []struct{ path, ctype, body string }{
		{"/login", "text/plain", "account=demo&password=demo"},
		{"/login", "application/json", `{"account":"demo","password":"demo"}`},
		{"/views", "application/json", `{"name":"x","path":"/jobs"}`},
		{"/lang", "text/plain", "lang=zh-CN"},
	} {
		for _, lang := range langs {
			req, err := http.NewRequest(http.MethodPost, e.app.URL+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", tc.ctype)
			req.Header.Set("Origin", e.app.URL)
			req.Header.Set("Accept-Language", lang.accept)
			a := e.do(t, c, req)
			if a.status != http.StatusUnsupportedMediaType {
				t.Errorf("POST %s as %s (%s): status %d, want 415", tc.path, tc.ctype, lang.tag, a.status)
				continue
			}
			if want := i18n.For(lang.tag).T("security.notAForm"); !strings.Contains(text(parseHTML(t, a.body)), want) {
				t.Errorf("POST %s as %s (%s): page lacks %q", tc.path, tc.ctype, lang.tag, want)
			}
		}
	}
	// Nothing was done: still signed in, still in English.
	if a := e.get(t, c, "/jobs"); a.status != http.StatusOK || htmlLang(t, a.body) != "en" {
		t.Errorf("after the refused posts: /jobs status %d, <html lang=%q>, want 200 and en", a.status, htmlLang(t, a.body))
	}
	req, err := http.NewRequest(http.MethodPost, e.app.URL+"/logout", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", e.app.URL)
	if a := e.do(t, c, req); a.status != http.StatusSeeOther {
		t.Errorf("POST /logout without a body: status %d, want 303", a.status)
	}
}
