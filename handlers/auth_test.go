package handlers

import "testing"

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
