package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) Getenv { return func(k string) string { return m[k] } }

const (
	hashHex  = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	blockHex = "000102030405060708090a0b0c0d0e0f"
)

func TestDefaults(t *testing.T) {
	c, err := Parse(nil, env(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if c.Addr != ":8080" || c.ExplorerURL != "" || c.ExplorerTimeout != 10*time.Second || c.NebulaPort != 9669 {
		t.Errorf("defaults = %+v", c)
	}
	if c.ReadOnly || c.PollInterval != 5*time.Second || c.ExportCap != 10000 || c.SessionIdleTimeout != 12*time.Hour {
		t.Errorf("defaults = %+v", c)
	}
	if c.SessionKeys != nil || c.SecureCookie || c.LogFormat != "text" || c.Zone == nil {
		t.Errorf("defaults = %+v", c)
	}
}

func TestFlagWinsOverEnvironment(t *testing.T) {
	e := env(map[string]string{"JOBBOARD_ADDR": ":9000", "EXPLORER_URL": "http://env:7002", "NEBULA_ADDRESS": "graphd", "EXPLORER_TIMEOUT": "3s"})
	c, err := Parse([]string{"-addr", "127.0.0.1:9100", "-explorer-url", "https://flag:7002/"}, e, &bytes.Buffer{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if c.Addr != "127.0.0.1:9100" || c.ExplorerURL != "https://flag:7002" || c.ExplorerTimeout != 3*time.Second || c.NebulaAddress != "graphd" {
		t.Errorf("got %+v", c)
	}
}

func TestInvalidSettingsAreNamedOneLineEach(t *testing.T) {
	e := env(map[string]string{
		"EXPLORER_URL":        "ftp://x",
		"EXPLORER_TIMEOUT":    "soon",
		"NEBULA_PORT":         "70000",
		"JOBBOARD_TZ":         "Mars/Olympus",
		"SESSION_KEYS":        "nothex",
		"JOBBOARD_READ_ONLY":  "maybe",
		"JOBBOARD_EXPORT_CAP": "0",
	})
	_, err := Parse(nil, e, &bytes.Buffer{})
	if err == nil {
		t.Fatal("Parse accepted invalid settings")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{
		`jobboard: EXPLORER_URL "ftp://x" is not an http(s) URL`,
		`jobboard: EXPLORER_TIMEOUT "soon" is not a positive duration`,
		`jobboard: NEBULA_ADDRESS (-nebula-address) is required with EXPLORER_URL`,
		`jobboard: NEBULA_PORT "70000" is not a port number`,
		`jobboard: SESSION_KEYS: pair 1 is not HASHKEY:BLOCKKEY`,
		`jobboard: JOBBOARD_TZ "Mars/Olympus" is not an IANA time zone`,
		`jobboard: JOBBOARD_READ_ONLY "maybe" is not true or false`,
		`jobboard: JOBBOARD_EXPORT_CAP "0" is not a positive number of rows`,
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
}

func TestSessionKeys(t *testing.T) {
	keys, err := ParseSessionKeys(hashHex + ":" + blockHex + ", " + hashHex + ":" + blockHex + blockHex)
	if err != nil {
		t.Fatalf("ParseSessionKeys: %v", err)
	}
	if len(keys) != 4 || len(keys[0]) != 32 || len(keys[1]) != 16 || len(keys[3]) != 32 {
		t.Errorf("lengths wrong: %d keys", len(keys))
	}
	for _, bad := range []string{hashHex, "00:" + blockHex, hashHex + ":0011", hashHex + ":" + blockHex + ",x"} {
		if _, err := ParseSessionKeys(bad); err == nil {
			t.Errorf("ParseSessionKeys(%q) accepted", bad)
		} else if strings.Contains(err.Error(), hashHex) {
			t.Errorf("error echoes the key: %v", err)
		}
	}
}

func TestSessionKeysFromFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "keys")
	if err := os.WriteFile(p, []byte(hashHex+":"+blockHex+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Parse(nil, env(map[string]string{"SESSION_KEYS_FILE": p}), &bytes.Buffer{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(c.SessionKeys) != 2 {
		t.Errorf("got %d keys from file, want 2", len(c.SessionKeys))
	}
}

func TestHelpDocumentsEveryFlagAndVariable(t *testing.T) {
	var out bytes.Buffer
	_, err := Parse([]string{"-h"}, env(nil), &out)
	if !errors.Is(err, ErrHelp) {
		t.Fatalf("Parse(-h) err = %v, want ErrHelp", err)
	}
	for _, s := range settings {
		if s.flag != "" && !strings.Contains(out.String(), "-"+s.flag) {
			t.Errorf("help lacks -%s", s.flag)
		}
		if !strings.Contains(out.String(), s.env) {
			t.Errorf("help lacks %s", s.env)
		}
	}
}

func TestOperationsSettings(t *testing.T) {
	e := env(map[string]string{
		"JOBBOARD_METRICS_ADDR":       "127.0.0.1:9090",
		"JOBBOARD_TRUSTED_PROXIES":    "10.0.0.0/8, 192.168.1.7",
		"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318",
	})
	c, err := Parse([]string{"-behind-tls-proxy"}, e, &bytes.Buffer{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if c.MetricsAddr != "127.0.0.1:9090" || c.OTLPEndpoint != "http://collector:4318" {
		t.Errorf("metrics/otlp = %q %q", c.MetricsAddr, c.OTLPEndpoint)
	}
	if len(c.TrustedProxies) != 2 || c.TrustedProxies[0] != "10.0.0.0/8" || c.TrustedProxies[1] != "192.168.1.7" {
		t.Errorf("TrustedProxies = %q", c.TrustedProxies)
	}
	if !c.BehindTLSProxy || !c.SecureCookie {
		t.Errorf("-behind-tls-proxy: BehindTLSProxy=%v SecureCookie=%v, want both true", c.BehindTLSProxy, c.SecureCookie)
	}
	if c.Production || c.LogFormat != "text" {
		t.Errorf("Production=%v LogFormat=%q, want false, text", c.Production, c.LogFormat)
	}
}

func TestInvalidOperationsSettingsNeverEchoSecrets(t *testing.T) {
	e := env(map[string]string{
		"JOBBOARD_METRICS_ADDR":       "nine-thousand",
		"JOBBOARD_TRUSTED_PROXIES":    "10.0.0.0/8,proxy.example",
		"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318",
		"REDIS_URL":                   "http://:hunter2@redis:6379",
	})
	_, err := Parse(nil, e, &bytes.Buffer{})
	if err == nil {
		t.Fatal("Parse accepted invalid settings")
	}
	want := []string{
		`jobboard: JOBBOARD_TRUSTED_PROXIES: "proxy.example" is neither an IP address nor a CIDR`,
		`jobboard: JOBBOARD_METRICS_ADDR "nine-thousand" is not a listen address`,
		`jobboard: OTEL_EXPORTER_OTLP_ENDPOINT is not an http(s) URL`,
		`jobboard: REDIS_URL is no longer used: live sessions are kept in the store`,
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error echoes the Redis password: %v", err)
	}
}

// TestIdleTimeoutUnderAMinuteIsRefused checks that a timeout that would
// sign readers out between two clicks stops the start with a message
// naming the setting.
func TestIdleTimeoutUnderAMinuteIsRefused(t *testing.T) {
	for _, v := range []string{"5s", "59s"} {
		_, err := Parse(nil, env(map[string]string{"JOBBOARD_SESSION_IDLE_TIMEOUT": v}), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "JOBBOARD_SESSION_IDLE_TIMEOUT") || !strings.Contains(err.Error(), "minimum of one minute") {
			t.Errorf("idle timeout %s: err = %v, want the minimum named", v, err)
		}
	}
	if c, err := Parse([]string{"-session-idle-timeout", "1m"}, env(nil), &bytes.Buffer{}); err != nil || c.SessionIdleTimeout != time.Minute {
		t.Errorf("1m: %v %v, want accepted", c.SessionIdleTimeout, err)
	}
}

func TestProductionRefusals(t *testing.T) {
	keys := hashHex + ":" + blockHex
	cases := []struct {
		name    string
		env     map[string]string
		refused []string // substrings of the expected lines; none = accepted
	}{
		{"generated keys and no Secure cookie", map[string]string{"JOBBOARD_PRODUCTION": "true"},
			[]string{"needs SESSION_KEYS", "needs a Secure session cookie"}},
		{"secure cookie explicitly off", map[string]string{"JOBBOARD_PRODUCTION": "true", "SESSION_KEYS": keys, "JOBBOARD_SECURE_COOKIE": "false"},
			[]string{"needs a Secure session cookie"}},
		{"keys and Secure cookie", map[string]string{"JOBBOARD_PRODUCTION": "true", "SESSION_KEYS": keys, "JOBBOARD_SECURE_COOKIE": "true"}, nil},
		{"behind a TLS proxy", map[string]string{"JOBBOARD_PRODUCTION": "true", "SESSION_KEYS": keys, "JOBBOARD_SECURE_COOKIE": "false", "JOBBOARD_BEHIND_TLS_PROXY": "true"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse(nil, env(tc.env), &bytes.Buffer{})
			if len(tc.refused) == 0 {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if !c.Production || !c.SecureCookie || c.LogFormat != "json" {
					t.Errorf("Production=%v SecureCookie=%v LogFormat=%q, want true, true, json", c.Production, c.SecureCookie, c.LogFormat)
				}
				return
			}
			if err == nil {
				t.Fatal("production mode started")
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tc.refused) {
				t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(tc.refused), err)
			}
			for i, w := range tc.refused {
				if !strings.HasPrefix(lines[i], "jobboard: ") || !strings.Contains(lines[i], w) {
					t.Errorf("line %d = %q, want it to say %q", i, lines[i], w)
				}
			}
		})
	}
}

func TestProductionLogFormatCanBeText(t *testing.T) {
	e := env(map[string]string{"JOBBOARD_PRODUCTION": "1", "SESSION_KEYS": hashHex + ":" + blockHex, "JOBBOARD_BEHIND_TLS_PROXY": "true", "JOBBOARD_LOG_FORMAT": "text"})
	c, err := Parse(nil, e, &bytes.Buffer{})
	if err != nil || c.LogFormat != "text" {
		t.Fatalf("LogFormat = %q (err %v), want text", c.LogFormat, err)
	}
}

func TestMetricsAddrMustDifferFromAddr(t *testing.T) {
	_, err := Parse([]string{"-addr", ":8080", "-metrics-addr", ":8080"}, env(nil), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "-metrics-addr") {
		t.Fatalf("err = %v", err)
	}
}

func TestStoreSettings(t *testing.T) {
	c, err := Parse(nil, env(nil), &bytes.Buffer{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if c.DBPath != "jobboard.db" || c.DatabaseURL != "" || c.StoreDSN() != "jobboard.db" {
		t.Errorf("default store = %q %q %q, want the SQLite file jobboard.db", c.DBPath, c.DatabaseURL, c.StoreDSN())
	}
	c, err = Parse([]string{"-db", "/var/lib/jobboard/views.db"}, env(map[string]string{"DATABASE_URL": "postgres://jobboard:pw@db:5432/jobboard"}), &bytes.Buffer{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if c.StoreDSN() != "postgres://jobboard:pw@db:5432/jobboard" {
		t.Errorf("StoreDSN = %q, want DATABASE_URL to win over -db", c.StoreDSN())
	}
}

func TestInvalidDatabaseURLNeverEchoesIt(t *testing.T) {
	_, err := Parse(nil, env(map[string]string{"DATABASE_URL": "mysql://root:hunter2@db/jobboard"}), &bytes.Buffer{})
	if err == nil || !strings.HasPrefix(err.Error(), "jobboard: DATABASE_URL is not a PostgreSQL URL") {
		t.Fatalf("err = %v, want a line saying DATABASE_URL is not a PostgreSQL URL", err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error echoes the database password: %v", err)
	}
	_, err = Parse([]string{"-db", " "}, env(nil), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "-db is empty") {
		t.Errorf("err = %v, want a line saying -db is empty", err)
	}
}

func TestOTLPSettings(t *testing.T) {
	e := env(map[string]string{
		"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://collector.example/v1/traces",
		"OTEL_EXPORTER_OTLP_HEADERS":         "api-key=abc%3D1, x-tenant=ops",
		"OTEL_EXPORTER_OTLP_TRACES_HEADERS":  "x-tenant=traces",
		"OTEL_SERVICE_NAME":                  "jobboard-eu",
	})
	c, err := Parse(nil, e, &bytes.Buffer{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if c.OTLPTracesEndpoint != "https://collector.example/v1/traces" || c.ServiceName != "jobboard-eu" {
		t.Errorf("traces endpoint %q, service %q", c.OTLPTracesEndpoint, c.ServiceName)
	}
	if c.OTLPHeaders["Api-Key"] != "abc=1" || c.OTLPHeaders["X-Tenant"] != "traces" || len(c.OTLPHeaders) != 2 {
		t.Errorf("headers %q, want the decoded API key and the traces-only tenant", c.OTLPHeaders)
	}
	var out bytes.Buffer
	_, err = Parse(nil, env(map[string]string{"OTEL_EXPORTER_OTLP_HEADERS": "secret-key-without-equals"}), &out)
	if err == nil || !strings.Contains(err.Error(), "OTEL_EXPORTER_OTLP_HEADERS") || strings.Contains(err.Error()+out.String(), "secret-key") {
		t.Errorf("malformed headers: %v; want it named, its value never echoed", err)
	}
	if c, err := Parse(nil, env(nil), &bytes.Buffer{}); err != nil || c.ServiceName != "jobboard" {
		t.Errorf("default service name %q (%v), want jobboard", c.ServiceName, err)
	}
}
