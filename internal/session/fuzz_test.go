package session

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// FuzzSessionDecode feeds arbitrary cookie values to Load: it never panics
// and never yields a session other than the one the seed cookie holds, and
// the value decoder never panics on arbitrary bytes.
func FuzzSessionDecode(f *testing.F) {
	s, err := New(Config{Keys: keyPair(1)})
	if err != nil {
		f.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	rec := httptest.NewRecorder()
	if _, err := s.Start(rec, httptest.NewRequest(http.MethodPost, "/", nil), Data{Token: "t", Account: "a"}, now); err != nil {
		f.Fatal(err)
	}
	valid := rec.Result().Cookies()[0].Value
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add("")
	f.Add("MTgwMDAwMDAwMHx8")
	f.Add("not|a|cookie")
	f.Fuzz(func(t *testing.T, value string) {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("Cookie", PlainCookieName+"="+value)
		// Only a sealed seed (the same keys, values and time in every
		// fuzz worker, but a different random IV) may load; anything the
		// fuzzer builds would have to forge the HMAC.
		if d, err := s.Load(req, now); err == nil && (d.Token != "t" || d.Account != "a" || !d.Created.Equal(now)) {
			t.Fatalf("cookie %q yields session %+v", value, d)
		}
		var m map[any]any
		_ = compactSerializer{}.Deserialize([]byte(value), &m)
	})
}
