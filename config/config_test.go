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
	if c.ReadOnly || c.PollInterval != 5*time.Second || c.ExportCap != 10000 {
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
