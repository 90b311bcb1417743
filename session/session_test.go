package session

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"jobboard/apiclient"
)

func keyPair(b byte) [][]byte {
	return [][]byte{bytes.Repeat([]byte{b}, 32), bytes.Repeat([]byte{b + 1}, 32)}
}

// roundTrip saves d with store w and loads it with store r at time at.
func roundTrip(t *testing.T, w, r *Store, d Data, now, at time.Time) (Data, bool, *http.Cookie) {
	t.Helper()
	rec := httptest.NewRecorder()
	if err := w.Save(rec, httptest.NewRequest(http.MethodPost, "/login", nil), d, now); err != nil {
		t.Fatal(err)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("%d cookies set", len(cookies))
	}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(cookies[0])
	got, ok := r.Load(req, at)
	return got, ok, cookies[0]
}

func TestSaveLoad(t *testing.T) {
	s, err := New(keyPair(1), time.Hour, false)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	d := Data{Token: apiclient.Token("tok-123"), Account: "demo", Expires: now.Add(30 * time.Minute)}
	got, ok, ck := roundTrip(t, s, s, d, now, now)
	if !ok || got.Token != d.Token || got.Account != "demo" || got.Expires.Unix() != d.Expires.Unix() {
		t.Fatalf("got %+v ok=%v", got, ok)
	}
	if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Secure {
		t.Errorf("cookie attributes %+v", ck)
	}
	if ck.MaxAge != 30*60 {
		t.Errorf("MaxAge %d, want the token's remaining 1800 s", ck.MaxAge)
	}
	if bytes.Contains([]byte(ck.Value), []byte("tok-123")) {
		t.Error("token readable in the cookie")
	}
	// The session ends with the token.
	if _, ok, _ := roundTrip(t, s, s, d, now, now.Add(31*time.Minute)); ok {
		t.Error("expired session still loads")
	}
}

func TestMaxAgeBoundsSession(t *testing.T) {
	s, _ := New(keyPair(1), time.Hour, true)
	now := time.Now()
	_, ok, ck := roundTrip(t, s, s, Data{Token: "t", Expires: now.Add(100 * time.Hour)}, now, now)
	if !ok || ck.MaxAge != 3600 || !ck.Secure {
		t.Errorf("ok=%v MaxAge=%d Secure=%v, want a 1 h Secure cookie", ok, ck.MaxAge, ck.Secure)
	}
}

func TestKeyRotationAndForeignKeys(t *testing.T) {
	now := time.Now()
	d := Data{Token: "t", Expires: now.Add(time.Hour)}
	old, _ := New(keyPair(1), 0, false)
	rotated, _ := New(append(keyPair(5), keyPair(1)...), 0, false)
	foreign, _ := New(keyPair(9), 0, false)
	if _, ok, _ := roundTrip(t, old, rotated, d, now, now); !ok {
		t.Error("cookie signed with the previous key refused during rotation")
	}
	if _, ok, _ := roundTrip(t, rotated, old, d, now, now); ok {
		t.Error("cookie signed with an unknown key accepted")
	}
	if _, ok, _ := roundTrip(t, foreign, old, d, now, now); ok {
		t.Error("foreign-keyed cookie accepted")
	}
}

func TestTamperedAndCleared(t *testing.T) {
	s, _ := New(keyPair(1), 0, false)
	now := time.Now()
	_, _, ck := roundTrip(t, s, s, Data{Token: "t"}, now, now)
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	ck.Value = ck.Value[:len(ck.Value)-2] + "xx"
	req.AddCookie(ck)
	if _, ok := s.Load(req, now); ok {
		t.Error("tampered cookie accepted")
	}
	rec := httptest.NewRecorder()
	s.Clear(rec, httptest.NewRequest(http.MethodPost, "/logout", nil))
	if c := rec.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 || c[0].Value != "" {
		t.Errorf("Clear set %+v", c)
	}
}

func TestNewRejectsBadKeys(t *testing.T) {
	for name, keys := range map[string][][]byte{
		"none":       nil,
		"odd":        {bytes.Repeat([]byte{1}, 32)},
		"short hash": {bytes.Repeat([]byte{1}, 16), bytes.Repeat([]byte{1}, 32)},
		"block 20":   {bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{1}, 20)},
	} {
		if _, err := New(keys, 0, false); err == nil {
			t.Errorf("%s: keys accepted", name)
		}
	}
}
