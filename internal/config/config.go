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
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"jobboard/internal/session"
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
	// SessionIdleTimeout signs out a reader idle for this long.
	SessionIdleTimeout time.Duration
	ReadOnly           bool          // hide cancel/run and refuse their POSTs
	PollInterval       time.Duration // live refresh interval of pages with jobs in flight
	ExportCap          int           // most rows one export may hold

	// Operations: metrics, traces, proxies, production mode.

	// MetricsAddr is the separate listen address for GET /metrics
	// (DefaultMetricsAddr, loopback); "" when turned off ("off").
	MetricsAddr string
	// MetricsAddrDefault says MetricsAddr is the default address:
	// failing to listen there is then a warning, not a refusal to start
	// (several processes on one machine).
	MetricsAddrDefault bool
	// MetricsToken, when set, also serves GET /metrics on Addr to requests
	// with "Authorization: Bearer <MetricsToken>".
	MetricsToken string
	// Production refuses generated session keys and a cookie without
	// Secure (unless BehindTLSProxy), and logs JSON by default.
	Production bool
	// BehindTLSProxy says browsers reach jobboard over HTTPS through a
	// TLS-terminating proxy; it implies SecureCookie.
	BehindTLSProxy bool
	// TrustedProxies are the proxies (IPs or CIDRs) whose X-Forwarded-For
	// is believed for the client IP; nil → none.
	TrustedProxies []string
	// OTLPEndpoint is the OTLP/HTTP collector URL for traces; empty → no
	// export (traceparent is still propagated and logged).
	OTLPEndpoint string
	// OTLPTracesEndpoint is the full URL spans are posted to; it wins over
	// OTLPEndpoint (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).
	OTLPTracesEndpoint string
	// OTLPHeaders are sent with every export (OTEL_EXPORTER_OTLP_HEADERS
	// and OTEL_EXPORTER_OTLP_TRACES_HEADERS); they may hold credentials.
	OTLPHeaders map[string]string
	// ServiceName is the service.name of exported spans (OTEL_SERVICE_NAME).
	ServiceName string

	// Stored state: saved views and live sessions.

	// DBPath is the embedded SQLite file used when DatabaseURL is empty;
	// it is created on first start.
	DBPath string
	// DatabaseURL (postgres:// or postgresql://) moves the store to
	// PostgreSQL, shared by replicas. It may hold a password: never log it.
	DatabaseURL string
}

// StoreDSN is what the store opens: DatabaseURL when set, else the SQLite
// file.
func (c Config) StoreDSN() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return c.DBPath
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
	{flag: "behind-tls-proxy", env: "JOBBOARD_BEHIND_TLS_PROXY", def: "false", usage: "browsers reach jobboard over HTTPS through a TLS-terminating proxy: implies -secure-cookie and satisfies -production"},
	{flag: "trusted-proxies", env: "JOBBOARD_TRUSTED_PROXIES", def: "", usage: "comma-separated IPs or CIDRs of proxies whose X-Forwarded-For gives the client IP (sign-in rate limit, logs); empty = none"},
	{flag: "production", env: "JOBBOARD_PRODUCTION", def: "false", usage: "refuse to start with generated session keys or a cookie without Secure (unless -behind-tls-proxy); JSON logs by default"},
	{flag: "tz", env: "JOBBOARD_TZ", def: "", usage: "IANA time zone for times when the browser's zone is unknown (default: the machine's zone)"},
	{flag: "log-level", env: "JOBBOARD_LOG_LEVEL", def: "info", usage: "log level: debug, info, warn or error"},
	{flag: "log-format", env: "JOBBOARD_LOG_FORMAT", def: "", usage: "log format: text or json (default json with -production, text otherwise)"},
	{flag: "metrics-addr", env: "JOBBOARD_METRICS_ADDR", def: DefaultMetricsAddr, usage: "separate listen address for GET /metrics (loopback by default; e.g. :9090 for a scraper on the network); off = none"},
	{env: "JOBBOARD_METRICS_TOKEN", usage: "bearer token that also serves GET /metrics on -addr, to requests sending Authorization: Bearer <token>; unset = /metrics is never on -addr", secret: true},
	{env: "JOBBOARD_METRICS_TOKEN_FILE", usage: "file holding JOBBOARD_METRICS_TOKEN (used when JOBBOARD_METRICS_TOKEN is unset)", secret: true},
	{flag: "otlp-endpoint", env: "OTEL_EXPORTER_OTLP_ENDPOINT", def: "", usage: "OTLP/HTTP collector base URL for traces, e.g. http://otel-collector:4318 (/v1/traces is appended); empty = no export"},
	{flag: "otlp-traces-endpoint", env: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", def: "", usage: "OTLP/HTTP URL spans are posted to, used as is; wins over -otlp-endpoint"},
	{env: "OTEL_EXPORTER_OTLP_HEADERS", usage: "headers sent to the collector with every export, key=value pairs separated by commas, values URL-encoded (e.g. an API key)", secret: true},
	{env: "OTEL_EXPORTER_OTLP_TRACES_HEADERS", usage: "headers for trace exports only; added to (and winning over) OTEL_EXPORTER_OTLP_HEADERS", secret: true},
	{flag: "service-name", env: "OTEL_SERVICE_NAME", def: "jobboard", usage: "service.name of exported spans"},
	{flag: "db", env: "JOBBOARD_DB", def: "jobboard.db", usage: "SQLite file for saved views and live sessions, created on first start (used when DATABASE_URL is empty)"},
	{flag: "database-url", env: "DATABASE_URL", def: "", usage: "PostgreSQL for saved views and live sessions shared by replicas, e.g. postgres://jobboard@db:5432/jobboard; empty = the SQLite file of -db"},
	{flag: "read-only", env: "JOBBOARD_READ_ONLY", def: "false", usage: "hide cancel and run, and refuse their requests (for deployments where staff only look)"},
	{flag: "poll-interval", env: "JOBBOARD_POLL_INTERVAL", def: "5s", usage: "how often pages with running jobs refresh themselves"},
	{flag: "export-cap", env: "JOBBOARD_EXPORT_CAP", def: "10000", usage: "most rows one CSV/JSON export may hold"},
	{flag: "session-idle-timeout", env: "JOBBOARD_SESSION_IDLE_TIMEOUT", def: "12h", usage: "sign a reader out after this long without a request (the session never outlives the Explorer token)"},
	{flag: "shutdown-timeout", env: "JOBBOARD_SHUTDOWN_TIMEOUT", def: "15s", usage: "how long in-flight requests may finish after SIGINT/SIGTERM"},
}

// DefaultMetricsAddr serves /metrics on loopback only: metrics tell about
// the deployment and are not for the dashboard's readers.
const DefaultMetricsAddr = "127.0.0.1:9090"

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
		v := &flagValue{isBool: s.def == "false" || s.def == "true"}
		fs.Var(v, s.flag, s.usage)
		vals[s.flag] = &v.s
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
	keys := secret(getenv, "SESSION_KEYS", bad)
	if keys != "" {
		var err error
		if c.SessionKeys, err = ParseSessionKeys(keys); err != nil {
			bad("SESSION_KEYS: %v", err)
		}
	}
	v, src = get(byFlag["secure-cookie"])
	c.SecureCookie = boolean(v, src, bad)
	v, src = get(byFlag["tz"])
	c.Zone = MachineZone(getenv)
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
	v, src = get(byFlag["production"])
	c.Production = boolean(v, src, bad)
	c.LogFormat, src = get(byFlag["log-format"])
	switch {
	case c.LogFormat == "" && c.Production:
		c.LogFormat = "json"
	case c.LogFormat == "":
		c.LogFormat = "text"
	case c.LogFormat != "text" && c.LogFormat != "json":
		bad("%s %q is not text or json", src, c.LogFormat)
	}
	v, src = get(byFlag["shutdown-timeout"])
	c.ShutdownTimeout = duration(v, src, bad)
	v, src = get(byFlag["session-idle-timeout"])
	c.SessionIdleTimeout = duration(v, src, bad)
	if c.SessionIdleTimeout > 0 && c.SessionIdleTimeout < session.MinIdleTimeout {
		bad("%s %q is under the minimum of one minute: a reader would be signed out between two clicks", src, v)
	}
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
	parseOperations(&c, get, byFlag, getenv, bad)
	return c, errors.Join(errs...)
}

// parseOperations reads the settings of running in production:
// proxies, metrics, traces, and production mode's refusals.
func parseOperations(c *Config, get func(setting) (string, string), byFlag map[string]setting, getenv Getenv, bad func(string, ...any)) {
	v, src := get(byFlag["behind-tls-proxy"])
	c.BehindTLSProxy = boolean(v, src, bad)
	if c.BehindTLSProxy {
		c.SecureCookie = true
	}
	v, src = get(byFlag["trusted-proxies"])
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			bad("%s: %q is neither an IP address nor a CIDR such as 10.0.0.0/8", src, p)
			continue
		}
		c.TrustedProxies = append(c.TrustedProxies, p)
	}
	c.MetricsAddr, src = get(byFlag["metrics-addr"])
	c.MetricsAddrDefault = c.MetricsAddr == DefaultMetricsAddr
	c.MetricsToken = secret(getenv, "JOBBOARD_METRICS_TOKEN", bad)
	if c.MetricsAddr == "off" {
		c.MetricsAddr = ""
	} else {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			bad("%s %q is not a listen address like :9090 or 127.0.0.1:9090", src, c.MetricsAddr)
		} else if c.MetricsAddr == c.Addr && port != "0" {
			bad("%s %q is the same as the dashboard's address; to serve /metrics there set JOBBOARD_METRICS_TOKEN (and -metrics-addr=off)", src, c.MetricsAddr)
		}
	}
	c.OTLPEndpoint, src = get(byFlag["otlp-endpoint"])
	checkOTLP := func(v, src string) {
		if v == "" {
			return
		}
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			bad("%s is not an http(s) URL of an OTLP/HTTP collector, e.g. http://otel-collector:4318", src)
		}
	}
	checkOTLP(c.OTLPEndpoint, src)
	c.OTLPTracesEndpoint, src = get(byFlag["otlp-traces-endpoint"])
	checkOTLP(c.OTLPTracesEndpoint, src)
	c.OTLPHeaders = map[string]string{}
	for _, name := range []string{"OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"} {
		if err := parseOTLPHeaders(getenv(name), c.OTLPHeaders); err != nil {
			bad("%s: %v", name, err) // never echo the value: it may hold a key
		}
	}
	c.ServiceName, _ = get(byFlag["service-name"])
	// Sessions used to be shared through Redis; a deployment still
	// setting it would otherwise run each replica on its own SQLite file
	// without noticing. Never echo the URL: it may hold a password.
	if getenv("REDIS_URL") != "" {
		bad("REDIS_URL is no longer used: live sessions are kept in the store; replicas share them through DATABASE_URL (PostgreSQL). Unset REDIS_URL")
	}
	c.DBPath, src = get(byFlag["db"])
	if strings.TrimSpace(c.DBPath) == "" {
		bad("%s is empty: name the SQLite file for saved views and sessions, e.g. jobboard.db", src)
	}
	c.DatabaseURL, src = get(byFlag["database-url"])
	if c.DatabaseURL != "" {
		// Never echo the URL: it may hold a password.
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			bad("%s is not a PostgreSQL URL such as postgres://jobboard@db:5432/jobboard", src)
		}
	}
	if c.Production {
		if c.SessionKeys == nil {
			bad("production mode (JOBBOARD_PRODUCTION) needs SESSION_KEYS or SESSION_KEYS_FILE: generated keys sign everyone out at restart and cannot be shared by replicas")
		}
		if !c.SecureCookie {
			bad("production mode (JOBBOARD_PRODUCTION) needs a Secure session cookie: set JOBBOARD_SECURE_COOKIE=true when served over HTTPS, or JOBBOARD_BEHIND_TLS_PROXY=true behind a TLS-terminating proxy")
		}
	}
}

// secret reads the environment variable name or, when it is unset, the
// file named by name_FILE (trimmed of surrounding white space). Problems
// name the variable, never the value.
// parseOTLPHeaders adds the headers of an OTEL_EXPORTER_OTLP_*HEADERS
// value ("key1=value1,key2=value2", values URL-encoded) to into.
func parseOTLPHeaders(v string, into map[string]string) error {
	for pair := range strings.SplitSeq(v, ",") {
		if strings.TrimSpace(pair) == "" {
			continue
		}
		k, val, ok := strings.Cut(pair, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.ContainsAny(k, " \t\r\n:") {
			return errors.New("not a list of key=value pairs separated by commas")
		}
		dec, err := url.PathUnescape(strings.TrimSpace(val))
		if err != nil || strings.ContainsAny(dec, "\r\n") {
			return fmt.Errorf("the value of %s is not URL-encoded text", k)
		}
		into[http.CanonicalHeaderKey(k)] = dec
	}
	return nil
}

func secret(getenv Getenv, name string, bad func(string, ...any)) string {
	if v := getenv(name); v != "" {
		return v
	}
	file := getenv(name + "_FILE")
	if file == "" {
		return ""
	}
	b, err := os.ReadFile(file) //nolint:gosec // G304: the operator names this file; reading it is the point
	if err != nil {
		bad("%s_FILE: %v", name, err)
		return ""
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		bad("%s_FILE: %s is empty", name, file)
	}
	return v
}

// flagValue holds a flag's text; a boolean setting's flag may be given
// without a value (-read-only means -read-only=true).
type flagValue struct {
	s      string
	isBool bool
}

func (v *flagValue) String() string     { return v.s }
func (v *flagValue) Set(s string) error { v.s = s; return nil }
func (v *flagValue) IsBoolFlag() bool   { return v.isBool }

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
