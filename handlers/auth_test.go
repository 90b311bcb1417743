package handlers

import (
	"net/url"
	"strings"
	"testing"
)

func TestSafeNext(t *testing.T) {
	cases := []struct{ in, want string }{
		{"/workflows/1/jobs?status=failed&page=2", "/workflows/1/jobs?status=failed&page=2"},
		{"/", "/"},
		{"/workflows/1/jobs?name=a%2Fb", "/workflows/1/jobs?name=a%2Fb"},
		{"", "/"},
		{"//evil.example", "/"},
		{"//evil.example/path", "/"},
		{"https://evil.example", "/"},
		{"http:/evil.example", "/"},
		{"/\\evil", "/"},
		{"\\\\evil", "/"},
		{"/a\\b", "/"},
		{"javascript:alert(1)", "/"},
		{"JavaScript:alert(1)", "/"},
		{"/%2F%2Fevil", "/"},
		{"/%2f%5cevil", "/"},
		{"/jobs\r\nSet-Cookie: x=1", "/"},
		{"/jobs\x00", "/"},
		{"/jobs\tx", "/"},
		{"relative/path", "/"},
		{"?page=2", "/"},
	}
	for _, tc := range cases {
		if got := safeNext(tc.in); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestSignInReturnsToTheAddressBarPage: a signed-out htmx request for a
// piece of a page (the lazy summary, the cancel dialog) sends the reader to
// sign-in and back to the page in the address bar, not to the piece; a
// filter change (same path, new query) returns to the new state; a foreign
// HX-Current-URL is ignored.
func TestSignInReturnsToTheAddressBarPage(t *testing.T) {
	e := newEnv(t, 0)
	c := e.browser(t)
	list := "/workflows/1234567890/jobs?status=failed"
	host := strings.TrimPrefix(e.app.URL, "http://")
	cases := []struct{ path, current, want string }{
		{"/workflows/1234567890/jobs/summary?status=failed", "http://" + host + list, list},
		{"/workflows/1234567890/jobs?name=x&status=failed", "http://" + host + list, "/workflows/1234567890/jobs?name=x&status=failed"},
		{"/workflows/1234567890/jobs/summary", "http://evil.example" + list, "/workflows/1234567890/jobs/summary"},
		{"/jobs/5/cancel", "http://" + host + "//evil.example/jobs", "/jobs/5/cancel"},
	}
	for _, tc := range cases {
		resp := e.get(t, c, tc.path, "HX-Request", "true", "HX-Current-URL", tc.current)
		loc, err := url.Parse(resp.header.Get("HX-Redirect"))
		if err != nil || loc.Path != "/login" {
			t.Errorf("GET %s (current %s): HX-Redirect = %q, want /login?next=…", tc.path, tc.current, resp.header.Get("HX-Redirect"))
			continue
		}
		if got := loc.Query().Get("next"); got != tc.want {
			t.Errorf("GET %s (current %s): next = %q, want %q", tc.path, tc.current, got, tc.want)
		}
	}
}
