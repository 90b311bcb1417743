package session

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"

	"jobboard/apiclient"
	"jobboard/internal/testenv"
)

func keyPair(b byte) [][]byte {
	return [][]byte{bytes.Repeat([]byte{b}, 32), bytes.Repeat([]byte{b + 1}, 32)}
}

func newStore(t *testing.T, cfg Config) *Store {
	t.Helper()
	if cfg.Keys == nil {
		cfg.Keys = keyPair(1)
	}
	if cfg.Live == nil {
		cfg.Live = testenv.OpenStore(t, nil)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// start begins a session with store s at now and returns the session and
// the cookie it set.
func start(t *testing.T, s *Store, d Data, now time.Time) (Data, *http.Cookie) {
	t.Helper()
	rec := httptest.NewRecorder()
	got, err := s.Start(rec, httptest.NewRequest(http.MethodPost, "/login", nil), d, now)
	if err != nil {
		t.Fatal(err)
	}
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("%d cookies set", len(cookies))
	}
	return got, cookies[0]
}

// load reads the session of a request carrying ck.
func load(s *Store, ck *http.Cookie, at time.Time) (Data, error) {
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(ck)
	return s.Load(req, at)
}

func TestStartLoadPlainHTTP(t *testing.T) {
	s := newStore(t, Config{MaxAge: time.Hour})
	now := time.Unix(1_800_000_000, 0)
	d := Data{Token: "tok-123", Account: "demo", Expires: now.Add(30 * time.Minute)}
	saved, ck := start(t, s, d, now)
	got, err := load(s, ck, now.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if got != saved || got.Token != "tok-123" || got.Account != "demo" || !got.Expires.Equal(d.Expires) ||
		!got.Created.Equal(now) || !got.LastSeen.Equal(now) {
		t.Fatalf("loaded %+v, saved %+v", got, saved)
	}
	if len(got.ID) != 32 || strings.Trim(got.ID, "0123456789abcdef") != "" {
		t.Errorf("ID %q: want 128 bits in hex", got.ID)
	}
	if ck.Name != PlainCookieName || ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Domain != "" {
		t.Errorf("plain-HTTP cookie attributes %+v", ck)
	}
	if ck.MaxAge != 30*60 {
		t.Errorf("MaxAge %d, want the token's remaining 1800 s", ck.MaxAge)
	}
	if strings.Contains(ck.Value, "tok-123") || strings.Contains(ck.Value, "demo") {
		t.Error("session values readable in the cookie")
	}
	// The session ends with the token.
	if _, err := load(s, ck, d.Expires); !errors.Is(err, ErrNoSession) {
		t.Errorf("at expiry: %v, want ErrNoSession", err)
	}
}

func TestSecureCookieIsHostPrefixed(t *testing.T) {
	now := time.Now()
	for name, tc := range map[string]struct {
		secure bool
		tls    bool
	}{"configured": {secure: true}, "over TLS": {tls: true}} {
		s := newStore(t, Config{Secure: tc.secure})
		req := httptest.NewRequest(http.MethodPost, "/login", nil)
		if tc.tls {
			req.TLS = &tls.ConnectionState{}
		}
		rec := httptest.NewRecorder()
		if _, err := s.Start(rec, req, Data{Token: "t"}, now); err != nil {
			t.Fatal(err)
		}
		ck := rec.Result().Cookies()[0]
		if ck.Name != CookieName || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/" || ck.Domain != "" {
			t.Errorf("%s: cookie %+v, want __Host-, Secure, HttpOnly, Lax, Path=/, no Domain", name, ck)
		}
		raw := rec.Header().Get("Set-Cookie")
		if strings.Contains(strings.ToLower(raw), "domain=") || strings.Contains(raw, "SameSite=None") {
			t.Errorf("%s: Set-Cookie %q", name, raw)
		}
		// The plain name is not read on a secure request.
		plain := &http.Cookie{Name: PlainCookieName, Value: ck.Value}
		req2 := httptest.NewRequest(http.MethodGet, "/", nil)
		req2.TLS = req.TLS
		req2.AddCookie(plain)
		if _, err := s.Load(req2, now); !errors.Is(err, ErrNoSession) {
			t.Errorf("%s: cookie under the plain name accepted", name)
		}
	}
}

func TestMaxAgeBoundsSession(t *testing.T) {
	s := newStore(t, Config{MaxAge: time.Hour, IdleTimeout: 10 * time.Hour})
	now := time.Now()
	saved, ck := start(t, s, Data{Token: "t", Expires: now.Add(100 * time.Hour)}, now)
	if ck.MaxAge != 3600 || saved.Expires.Sub(now) != time.Hour {
		t.Errorf("MaxAge=%d Expires in %v, want 1 h", ck.MaxAge, saved.Expires.Sub(now))
	}
	if _, err := load(s, ck, now.Add(59*time.Minute)); err != nil {
		t.Errorf("within the hour: %v", err)
	}
	if _, err := load(s, ck, now.Add(time.Hour)); !errors.Is(err, ErrNoSession) {
		t.Errorf("after the hour: %v", err)
	}
}

func TestIdleTimeoutAndTouch(t *testing.T) {
	s := newStore(t, Config{IdleTimeout: 10 * time.Minute})
	now := time.Now().Truncate(time.Second)
	d, ck := start(t, s, Data{Token: "t"}, now)

	// Within the touch interval (1/48 of the idle timeout) nothing is re-issued.
	rec := httptest.NewRecorder()
	if err := s.Touch(rec, httptest.NewRequest(http.MethodGet, "/", nil), d, now.Add(10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if len(rec.Result().Cookies()) != 0 {
		t.Error("cookie re-issued within the touch interval")
	}
	// Used after 9 minutes: a new cookie with the new last-seen time keeps it alive.
	at := now.Add(9 * time.Minute)
	got, err := load(s, ck, at)
	if err != nil {
		t.Fatal(err)
	}
	rec = httptest.NewRecorder()
	if err := s.Touch(rec, httptest.NewRequest(http.MethodGet, "/", nil), got, at); err != nil {
		t.Fatal(err)
	}
	touched := rec.Result().Cookies()
	if len(touched) != 1 {
		t.Fatalf("%d cookies after touch, want 1", len(touched))
	}
	// The last use is the live set's, shared by every copy of the cookie.
	later := now.Add(18 * time.Minute)
	for name, c := range map[string]*http.Cookie{"old": ck, "touched": touched[0]} {
		again, err := load(s, c, later)
		if err != nil {
			t.Fatalf("%s cookie 9 minutes after last use: %v", name, err)
		}
		if again.ID != d.ID || !again.Created.Equal(d.Created) || !again.LastSeen.Equal(at) {
			t.Errorf("%s cookie: touch changed identity: %+v vs %+v", name, again, d)
		}
		if _, err := load(s, c, at.Add(10*time.Minute)); !errors.Is(err, ErrNoSession) {
			t.Errorf("%s cookie idle for the timeout: %v, want ErrNoSession", name, err)
		}
	}
}

func TestEveryStartHasANewID(t *testing.T) {
	s := newStore(t, Config{})
	seen := map[string]bool{}
	for range 50 {
		d, _ := start(t, s, Data{Token: "same-token"}, time.Now())
		if seen[d.ID] {
			t.Fatalf("ID %s reused", d.ID)
		}
		seen[d.ID] = true
	}
}

func TestEndedSessionIsRefused(t *testing.T) {
	now := time.Now()
	s := newStore(t, Config{})
	d, ck := start(t, s, Data{Token: "t"}, now)
	other, otherCk := start(t, s, Data{Token: "t"}, now)
	if err := s.End(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	if _, err := load(s, ck, now); !errors.Is(err, ErrNoSession) {
		t.Errorf("ended session loads: %v", err)
	}
	if got, err := load(s, otherCk, now); err != nil || got.ID != other.ID {
		t.Errorf("another session of the same token refused: %v", err)
	}
}

// TestLiveSetDownIsAnError checks that a live set that does not answer
// is neither "signed in" nor "signed out", and that an end that was not
// recorded says so; once the set is back, the session is as it was.
func TestLiveSetDownIsAnError(t *testing.T) {
	flaky := testenv.NewFlakyStore(testenv.OpenStore(t, nil))
	s := newStore(t, Config{Live: flaky})
	now := time.Now()
	d, ck := start(t, s, Data{Token: "t"}, now)
	flaky.SetDown(true)
	_, err := load(s, ck, now)
	if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrNoSession) {
		t.Errorf("Load with the set down: %v, want ErrUnavailable and not ErrNoSession", err)
	}
	if err := s.End(context.Background(), d); !errors.Is(err, ErrUnavailable) {
		t.Errorf("End with the set down: %v, want ErrUnavailable", err)
	}
	rec := httptest.NewRecorder()
	if _, err := s.Start(rec, httptest.NewRequest(http.MethodPost, "/login", nil), Data{Token: "t"}, now); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Start with the set down: %v, want ErrUnavailable", err)
	}
	if len(rec.Result().Cookies()) != 0 {
		t.Error("Start with the set down wrote a cookie")
	}
	flaky.SetDown(false)
	if _, err := load(s, ck, now); err != nil {
		t.Errorf("after the set came back: %v", err)
	}
}

// TestCapEndsOldestSessions checks that an account's sessions beyond the
// cap end oldest first, and only that account's.
func TestCapEndsOldestSessions(t *testing.T) {
	s := newStore(t, Config{MaxPerAccount: 2})
	now := time.Now()
	_, other := start(t, s, Data{Token: "u", Account: "analyst"}, now)
	var cks []*http.Cookie
	for i := range 3 {
		_, ck := start(t, s, Data{Token: "t", Account: "demo"}, now.Add(time.Duration(i)*time.Second))
		cks = append(cks, ck)
	}
	at := now.Add(3 * time.Second)
	for i, want := range []bool{false, true, true} {
		_, err := load(s, cks[i], at)
		if got := err == nil; got != want {
			t.Errorf("session %d of 3 with a cap of 2: live %v (%v), want %v", i+1, got, err, want)
		}
	}
	if _, err := load(s, other, at); err != nil {
		t.Errorf("another account's session: %v", err)
	}
}

// TestIdleTimeoutOfAMinuteKeepsActiveReaders checks that with the
// shortest idle timeout a reader making a request every 50 s stays
// signed in for ten minutes, and is signed out a minute after stopping.
func TestIdleTimeoutOfAMinuteKeepsActiveReaders(t *testing.T) {
	s := newStore(t, Config{IdleTimeout: time.Minute})
	now := time.Now().Truncate(time.Second)
	_, ck := start(t, s, Data{Token: "t"}, now)
	at := now
	for range 12 {
		at = at.Add(50 * time.Second)
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.AddCookie(ck)
		d, err := s.Load(req, at)
		if err != nil {
			t.Fatalf("active reader %v after sign-in: %v", at.Sub(now), err)
		}
		rec := httptest.NewRecorder()
		if err := s.Touch(rec, req, d, at); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := load(s, ck, at.Add(time.Minute)); !errors.Is(err, ErrNoSession) {
		t.Errorf("a minute after the last request: %v, want ErrNoSession", err)
	}
}

func TestIdleTimeoutUnderAMinuteIsRefused(t *testing.T) {
	_, err := New(Config{Keys: keyPair(1), Live: testenv.OpenStore(t, nil), IdleTimeout: 5 * time.Second})
	if err == nil {
		t.Error("New with a 5 s idle timeout: no error")
	}
}

func TestKeyRotationAndForeignKeys(t *testing.T) {
	now := time.Now()
	d := Data{Token: "t"}
	live := testenv.OpenStore(t, nil) // one set, as replicas share it
	old := newStore(t, Config{Keys: keyPair(1), Live: live})
	rotated := newStore(t, Config{Keys: append(keyPair(5), keyPair(1)...), Live: live})
	dropped := newStore(t, Config{Keys: keyPair(5), Live: live})
	_, oldCk := start(t, old, d, now)
	if _, err := load(rotated, oldCk, now); err != nil {
		t.Errorf("cookie signed with the previous key refused during rotation: %v", err)
	}
	if _, err := load(dropped, oldCk, now); !errors.Is(err, ErrNoSession) {
		t.Errorf("cookie of a removed key accepted: %v", err)
	}
	_, newCk := start(t, rotated, d, now)
	if _, err := load(old, newCk, now); !errors.Is(err, ErrNoSession) {
		t.Errorf("cookie signed with an unknown key accepted: %v", err)
	}
	if _, err := load(dropped, newCk, now); err != nil {
		t.Errorf("cookie of the current key refused after the rotation: %v", err)
	}
}

func TestTamperedAndCleared(t *testing.T) {
	s := newStore(t, Config{})
	now := time.Now()
	_, ck := start(t, s, Data{Token: "t"}, now)
	ck.Value = ck.Value[:len(ck.Value)-2] + "xx"
	if _, err := load(s, ck, now); !errors.Is(err, ErrNoSession) {
		t.Errorf("tampered cookie: %v", err)
	}
	// Clear replaces a session cookie set earlier in the same response.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/logout", nil)
	if _, err := s.Start(rec, req, Data{Token: "t"}, now); err != nil {
		t.Fatal(err)
	}
	http.SetCookie(rec, &http.Cookie{Name: "other", Value: "kept"})
	s.Clear(rec, req)
	c := rec.Result().Cookies()
	if len(c) != 2 || c[0].Name != "other" || c[1].Name != PlainCookieName || c[1].MaxAge >= 0 || c[1].Value != "" {
		t.Errorf("Clear left %+v", c)
	}
}

// TestCookieSizeLimit: a MaxTokenLen token of incompressible characters
// with a MaxAccountLen account fits browsers' 4096 bytes (name + value);
// anything longer is refused by Start with an error, not a broken cookie.
func TestCookieSizeLimit(t *testing.T) {
	s := newStore(t, Config{Secure: true})
	raw := make([]byte, MaxTokenLen)
	_, _ = rand.Read(raw)
	tok := base64.RawURLEncoding.EncodeToString(raw)[:MaxTokenLen]
	account := strings.Repeat("a", MaxAccountLen)
	now := time.Now()
	_, ck := start(t, s, Data{Token: apiclient.Token(tok), Account: account}, now)
	size := len(ck.Name) + len(ck.Value)
	t.Logf("cookie name+value for a %d-byte token and a %d-byte account: %d bytes", MaxTokenLen, MaxAccountLen, size)
	if size >= 4096 {
		t.Errorf("cookie is %d bytes, want < 4096", size)
	}
	if got, err := load(s, ck, now); err != nil || got.Token.Reveal() != tok {
		t.Errorf("2 KB token does not round-trip: %v", err)
	}
	rec := httptest.NewRecorder()
	if _, err := s.Start(rec, httptest.NewRequest(http.MethodPost, "/", nil), Data{Token: apiclient.Token(tok + "x")}, now); err == nil {
		t.Error("over-long token accepted")
	}
	if len(rec.Result().Cookies()) != 0 {
		t.Error("a cookie was set for a refused session")
	}
}

func TestNewRejectsBadKeys(t *testing.T) {
	for name, keys := range map[string][][]byte{
		"none":       nil,
		"odd":        {bytes.Repeat([]byte{1}, 32)},
		"short hash": {bytes.Repeat([]byte{1}, 16), bytes.Repeat([]byte{1}, 32)},
		"block 20":   {bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{1}, 20)},
	} {
		if _, err := New(Config{Keys: keys, Live: testenv.OpenStore(t, nil)}); err == nil {
			t.Errorf("%s: keys accepted", name)
		}
	}
}

// FuzzSessionDecode feeds arbitrary cookie values to Load: it never panics
// and never yields a session other than the one the seed cookie holds, and
// the value decoder never panics on arbitrary bytes.
func FuzzSessionDecode(f *testing.F) {
	s, err := New(Config{Keys: keyPair(1), Live: testenv.OpenStore(f, nil)})
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
		var d Data
		_ = compactSerializer{}.Deserialize([]byte(value), &d)
	})
}

// TestTouchIntervalGrowsWithIdleTimeout checks that with the default idle
// timeout (12 h) the cookie is re-issued a quarter of an hour after the
// last one, not every minute: a client that drops Set-Cookie does not get
// a new cookie on every request, and the idle timeout still holds to
// within 15 minutes.
func TestTouchIntervalGrowsWithIdleTimeout(t *testing.T) {
	s := newStore(t, Config{})
	now := time.Now().Truncate(time.Second)
	d, _ := start(t, s, Data{Token: "t"}, now)
	for _, tc := range []struct {
		after time.Duration
		want  int
	}{{2 * time.Minute, 0}, {14 * time.Minute, 0}, {15 * time.Minute, 1}} {
		rec := httptest.NewRecorder()
		if err := s.Touch(rec, httptest.NewRequest(http.MethodGet, "/", nil), d, now.Add(tc.after)); err != nil {
			t.Fatal(err)
		}
		if got := len(rec.Result().Cookies()); got != tc.want {
			t.Errorf("used %v after the last cookie: %d cookies issued, want %d", tc.after, got, tc.want)
		}
	}
}

// TestCookieFormatIsStable checks the cookie's sealed values byte for
// byte against the layout compactSerializer documents, both ways: a
// cookie written before a deploy, sealed by hand here, still loads after
// it, and what Start writes is that layout, so a reader stays signed in
// across versions.
func TestCookieFormatIsStable(t *testing.T) {
	s := newStore(t, Config{})
	now := time.Now().Truncate(time.Second)
	d, ck := start(t, s, Data{Token: "tok-é", Account: "demo"}, now)
	raw := []byte{codecVersion}
	for _, str := range []string{d.ID, "tok-é", "demo"} {
		raw = append(raw, byte(len(str)))
		raw = append(raw, str...)
	}
	for _, tm := range []time.Time{d.Created, d.LastSeen, d.Expires} {
		raw = binary.AppendVarint(raw, tm.Unix())
	}
	keys := keyPair(1)
	nop := securecookie.New(keys[0], keys[1]).SetSerializer(securecookie.NopEncoder{})

	var written []byte
	if err := nop.Decode(PlainCookieName, ck.Value, &written); err != nil {
		t.Fatalf("the cookie Start wrote does not open with the keys: %v", err)
	}
	if !bytes.Equal(written, raw) {
		t.Errorf("Start wrote values %x, want the documented layout %x", written, raw)
	}

	sealed, err := nop.Encode(PlainCookieName, raw)
	if err != nil {
		t.Fatal(err)
	}
	got, err := load(s, &http.Cookie{Name: PlainCookieName, Value: sealed}, now.Add(time.Minute))
	if err != nil {
		t.Fatalf("a cookie sealed in the documented layout does not load: %v", err)
	}
	if got.ID != d.ID || got.Token != "tok-é" || got.Account != "demo" || !got.Created.Equal(d.Created) ||
		!got.LastSeen.Equal(d.LastSeen) || !got.Expires.Equal(d.Expires) {
		t.Errorf("loaded %+v, want %+v", got, d)
	}
}
