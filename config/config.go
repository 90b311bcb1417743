// Package config reads jobboard's settings from command-line flags with
// environment-variable fallbacks, once, and validates them with messages a
// person can act on. The result is a plain struct passed down by main.
package config

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of the dashboard process.
type Config struct {
	Addr            string         // listen address
	ExplorerURL     string         // Explorer base URL; empty = embedded simulator
	ExplorerTimeout time.Duration  // per-call deadline for Explorer
	NebulaAddress   string         // graphd host sent on connect
	NebulaPort      int            // graphd port sent on connect
	SessionKeys     [][]byte       // securecookie pairs: hash, block[, hash, block]
	SecureCookie    bool           // force the Secure cookie attribute
	Zone            *time.Location // default display zone
	LogLevel        slog.Level
	LogFormat       string // "text" or "json"
	ShutdownTimeout time.Duration
	ReadOnly        bool          // hide cancel/run and refuse their POSTs
	PollInterval    time.Duration // live refresh interval of pages with jobs in flight
	ExportCap       int           // most rows one export may hold
}

// Getenv looks up an environment variable (os.Getenv in production, a map
// in tests).
type Getenv func(string) string

// setting describes one flag with its environment fallback; the table below
// drives parsing, -h and the README.
type setting struct {
	flag, env, def, usage string
	secret                bool // env (or *_FILE) only: never a flag, never printed
}

var settings = []setting{
	{flag: "addr", env: "JOBBOARD_ADDR", def: ":8080", usage: "listen address of the dashboard"},
	{flag: "explorer-url", env: "EXPLORER_URL", def: "", usage: "base URL of NebulaGraph Explorer, e.g. http://explorer:7002; empty starts the embedded simulator"},
	{flag: "explorer-timeout", env: "EXPLORER_TIMEOUT", def: "10s", usage: "deadline for each call to Explorer (Go duration)"},
	{flag: "nebula-address", env: "NEBULA_ADDRESS", def: "", usage: "NebulaGraph graphd host Explorer connects to at sign-in (required with -explorer-url)"},
	{flag: "nebula-port", env: "NEBULA_PORT", def: "9669", usage: "NebulaGraph graphd port sent at sign-in"},
	{env: "SESSION_KEYS", usage: "session cookie keys: comma-separated pairs HASHKEY:BLOCKKEY (hex or base64; hash key ≥ 32 bytes, block key 16, 24 or 32 bytes); the first pair signs, later pairs are still accepted (rotation); unset = random keys at start", secret: true},
	{env: "SESSION_KEYS_FILE", usage: "file holding SESSION_KEYS (used when SESSION_KEYS is unset)", secret: true},
	{flag: "secure-cookie", env: "JOBBOARD_SECURE_COOKIE", def: "false", usage: "mark the session cookie Secure (set it when served over HTTPS, also behind a TLS-terminating proxy)"},
	{flag: "tz", env: "JOBBOARD_TZ", def: "", usage: "IANA time zone for times when the browser's zone is unknown (default: the machine's zone)"},
	{flag: "log-level", env: "JOBBOARD_LOG_LEVEL", def: "info", usage: "log level: debug, info, warn or error"},
	{flag: "log-format", env: "JOBBOARD_LOG_FORMAT", def: "text", usage: "log format: text or json"},
	{flag: "read-only", env: "JOBBOARD_READ_ONLY", def: "false", usage: "hide cancel and run, and refuse their requests (for deployments where staff only look)"},
	{flag: "poll-interval", env: "JOBBOARD_POLL_INTERVAL", def: "5s", usage: "how often pages with running jobs refresh themselves"},
	{flag: "export-cap", env: "JOBBOARD_EXPORT_CAP", def: "10000", usage: "most rows one CSV/JSON export may hold"},
	{flag: "shutdown-timeout", env: "JOBBOARD_SHUTDOWN_TIMEOUT", def: "15s", usage: "how long in-flight requests may finish after SIGINT/SIGTERM"},
}

// ErrHelp is returned by Parse when -h or -help was given; the usage text
// has then been written to the output.
var ErrHelp = flag.ErrHelp

// Parse reads args (without the program name) and the environment. A flag
// wins over its variable, which wins over the default. Problems are joined
// into one error, one line per problem, each starting with "jobboard: ".
func Parse(args []string, getenv Getenv, output io.Writer) (Config, error) {
	fs := flag.NewFlagSet("jobboard", flag.ContinueOnError)
	fs.SetOutput(output)
	fs.Usage = func() { Usage(output) }
	vals := map[string]*string{}
	for _, s := range settings {
		if s.flag == "" {
			continue
		}
		vals[s.flag] = fs.String(s.flag, "", s.usage)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Config{}, ErrHelp
		}
		return Config{}, fmt.Errorf("jobboard: %w", err)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("jobboard: unexpected argument %q (run with -h for help)", fs.Arg(0))
	}
	get := func(s setting) (value, source string) {
		if p := vals[s.flag]; p != nil && isSet(fs, s.flag) {
			return *p, "-" + s.flag
		}
		if v := getenv(s.env); v != "" {
			return v, s.env
		}
		return s.def, "-" + s.flag
	}
	byFlag := map[string]setting{}
	for _, s := range settings {
		byFlag[s.flag] = s
	}
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf("jobboard: "+format, a...)) }

	var c Config
	var src string
	c.Addr, src = get(byFlag["addr"])
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		bad("%s %q is not a listen address like :8080 or 127.0.0.1:8080", src, c.Addr)
	}
	c.ExplorerURL, src = get(byFlag["explorer-url"])
	if c.ExplorerURL != "" {
		u, err := url.Parse(c.ExplorerURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("%s %q is not an http(s) URL", src, c.ExplorerURL)
		}
		c.ExplorerURL = strings.TrimRight(c.ExplorerURL, "/")
	}
	var v string
	v, src = get(byFlag["explorer-timeout"])
	c.ExplorerTimeout = duration(v, src, bad)
	c.NebulaAddress, _ = get(byFlag["nebula-address"])
	if c.ExplorerURL != "" && c.NebulaAddress == "" {
		bad("NEBULA_ADDRESS (-nebula-address) is required with EXPLORER_URL: it is the graphd host Explorer connects to at sign-in")
	}
	v, src = get(byFlag["nebula-port"])
	if p, err := strconv.Atoi(v); err != nil || p < 1 || p > 65535 {
		bad("%s %q is not a port number (1-65535)", src, v)
	} else {
		c.NebulaPort = p
	}
	keys := getenv("SESSION_KEYS")
	if keys == "" {
		if file := getenv("SESSION_KEYS_FILE"); file != "" {
			b, err := os.ReadFile(file) //nolint:gosec // G304: the operator names this file; reading it is the point
			if err != nil {
				bad("SESSION_KEYS_FILE: %v", err)
			}
			keys = strings.TrimSpace(string(b))
		}
	}
	if keys != "" {
		var err error
		if c.SessionKeys, err = ParseSessionKeys(keys); err != nil {
			bad("SESSION_KEYS: %v", err)
		}
	}
	v, src = get(byFlag["secure-cookie"])
	c.SecureCookie = boolean(v, src, bad)
	v, src = get(byFlag["tz"])
	c.Zone = time.Local
	if v != "" {
		if loc, err := time.LoadLocation(v); err != nil {
			bad("%s %q is not an IANA time zone such as Asia/Shanghai or UTC", src, v)
		} else {
			c.Zone = loc
		}
	}
	v, src = get(byFlag["log-level"])
	if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
		bad("%s %q is not one of debug, info, warn, error", src, v)
	}
	c.LogFormat, src = get(byFlag["log-format"])
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("%s %q is not text or json", src, c.LogFormat)
	}
	v, src = get(byFlag["shutdown-timeout"])
	c.ShutdownTimeout = duration(v, src, bad)
	v, src = get(byFlag["read-only"])
	c.ReadOnly = boolean(v, src, bad)
	v, src = get(byFlag["poll-interval"])
	c.PollInterval = duration(v, src, bad)
	v, src = get(byFlag["export-cap"])
	if n, err := strconv.Atoi(v); err != nil || n < 1 {
		bad("%s %q is not a positive number of rows", src, v)
	} else {
		c.ExportCap = n
	}
	return c, errors.Join(errs...)
}

func isSet(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			found = true
		}
	})
	return found
}

func boolean(v, src string, bad func(string, ...any)) bool {
	b, err := strconv.ParseBool(v)
	if err != nil {
		bad("%s %q is not true or false", src, v)
	}
	return b
}

func duration(v, src string, bad func(string, ...any)) time.Duration {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		bad("%s %q is not a positive duration such as 10s or 1m30s", src, v)
	}
	return d
}

// ParseSessionKeys reads "HASH:BLOCK[,HASH:BLOCK...]" where each key is hex
// or base64 (standard or URL alphabet, padded or not). Hash keys must have at
// least 32 bytes; block keys 16, 24 or 32 (AES). Messages never echo keys.
func ParseSessionKeys(s string) ([][]byte, error) {
	var out [][]byte
	for i, pair := range strings.Split(s, ",") {
		hashS, blockS, ok := strings.Cut(strings.TrimSpace(pair), ":")
		if !ok {
			return nil, fmt.Errorf("pair %d is not HASHKEY:BLOCKKEY", i+1)
		}
		hash, err := decodeKey(hashS)
		if err != nil || len(hash) < 32 {
			return nil, fmt.Errorf("pair %d: hash key must be hex or base64 of at least 32 bytes", i+1)
		}
		block, err := decodeKey(blockS)
		if err != nil || (len(block) != 16 && len(block) != 24 && len(block) != 32) {
			return nil, fmt.Errorf("pair %d: block key must be hex or base64 of 16, 24 or 32 bytes", i+1)
		}
		out = append(out, hash, block)
	}
	return out, nil
}

func decodeKey(s string) ([]byte, error) {
	if b, err := hex.DecodeString(s); err == nil {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not hex or base64")
}

// Usage writes the help text: every flag with its variable and default,
// and the variables that have no flag.
func Usage(w io.Writer) {
	fmt.Fprint(w, `jobboard: a web dashboard for the jobs of NebulaGraph Explorer workflows.

Usage:
  jobboard [flags]                       serve the dashboard
  jobboard simulate [-addr host:port]    serve only the simulated Explorer Workflow API
  jobboard -version                      print the version

Every flag can also be set by the environment variable shown; a flag wins.

`)
	for _, s := range settings {
		name := "(no flag)"
		if s.flag != "" {
			name = "-" + s.flag
		}
		def := ""
		if s.def != "" {
			def = fmt.Sprintf(" (default %s)", s.def)
		}
		fmt.Fprintf(w, "  %-20s %-26s %s%s\n", name, s.env, s.usage, def)
	}
}
