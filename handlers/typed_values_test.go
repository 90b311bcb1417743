package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// forbiddenInHTML reports the first byte sequence of body an HTML page may
// not hold: invalid UTF-8 or a control character other than whitespace.
func forbiddenInHTML(body string) (string, bool) {
	for i, r := range body {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(body[i:], "\uFFFD"):
			return body[max(0, i-40):min(len(body), i+10)], true
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f', r == 0x7f:
			return body[max(0, i-40):min(len(body), i+10)], true
		}
	}
	return "", false
}

// TestTypedBytesNoPageMayHoldAreShownAsReplacements: what a reader typed is
// shown back in the form, but bytes that are not UTF-8 text and control
// characters (which no HTML page may hold) come back as U+FFFD, so the page
// stays valid; the message about the field is still given.
func TestTypedBytesNoPageMayHoldAreShownAsReplacements(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	wf := e.workflow(t, "demo")
	const odd = "a\xff\x01b"
	gets := []string{
		"/jobs?name=" + url.QueryEscape(odd),
		"/jobs?from=" + url.QueryEscape(odd),
		"/workflows/go?id=" + url.QueryEscape(odd),
	}
	for _, p := range gets {
		a := e.get(t, c, p)
		if a.status != http.StatusBadRequest {
			t.Errorf("GET %s: status %d, want 400", p, a.status)
		}
		if at, bad := forbiddenInHTML(a.body); bad {
			t.Errorf("GET %s: the page holds bytes no HTML page may: %q", p, at)
		}
	}
	posts := []struct {
		path string
		form url.Values
	}{
		{"/login", url.Values{"account": {odd}, "password": {"x"}}},
		{"/views", url.Values{"name": {odd}, "path": {"/jobs"}, "visibility": {"private"}}},
		{"/workflows/" + wf.ID + "/run", url.Values{"action": {"run"}, "task": {odd}, "param": {odd}, "value": {odd}}},
	}
	for _, p := range posts {
		client := c
		if p.path == "/login" {
			client = e.browser(t)
		}
		a := e.postForm(t, client, p.path, p.form)
		if a.status < 400 || a.status >= 500 {
			t.Errorf("POST %s: status %d, want 4xx", p.path, a.status)
		}
		if at, bad := forbiddenInHTML(a.body); bad {
			t.Errorf("POST %s: the page holds bytes no HTML page may: %q", p.path, at)
		}
	}
}

// TestTypedBytesInMessages: messages that quote what was sent (an address
// that is not a workflow ID, two different copies of a parameter) quote
// it in text a page may hold.
func TestTypedBytesInMessages(t *testing.T) {
	e := newEnv(t, 0)
	c := e.signedIn(t, "demo")
	for _, p := range []string{
		"/workflows/a%FF%01b/jobs",
		"/jobs?page=a%FF%01b&page=2",
		"/jobs/a%FF%01b",
		"/v/a%FF%01b",
	} {
		a := e.get(t, c, p)
		if a.status < 400 || a.status >= 500 {
			t.Errorf("GET %s: status %d, want 4xx", p, a.status)
		}
		if at, bad := forbiddenInHTML(a.body); bad {
			t.Errorf("GET %s: the page holds bytes no HTML page may: %q", p, at)
		}
	}
}
