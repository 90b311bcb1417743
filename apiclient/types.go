// Package apiclient is a typed client for the Workflow API of NebulaGraph
// Explorer (see docs/explorer-api.md). It knows nothing of HTTP handlers
// or HTML: one method per endpoint, ctx first, typed results and typed errors.
package apiclient

import (
	"log/slog"
	"time"
)

// Token is an explorer_token. Its String, GoString, LogValue and
// MarshalJSON methods redact the value so that it cannot leak through fmt or slog by accident;
// use Reveal only where the value must be sent to Explorer.
type Token string

// String returns a redacted placeholder, never the token.
func (t Token) String() string { return "[redacted]" }

// GoString returns a redacted placeholder, never the token.
func (t Token) GoString() string { return "apiclient.Token([redacted])" }

// LogValue keeps the token out of slog output.
func (t Token) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// MarshalJSON keeps the token out of JSON (slog's JSON handler encodes
// structs such as Credentials with encoding/json). To persist a token,
// store the string from Reveal, not the Token.
func (t Token) MarshalJSON() ([]byte, error) { return []byte(`"[redacted]"`), nil }

// Reveal returns the raw token value, to be sent to Explorer or stored in
// an encrypted session, nowhere else.
func (t Token) Reveal() string { return string(t) }

// Credentials is what a successful connect returns: the token and how long
// Explorer says it stays valid.
type Credentials struct {
	Token Token
	// MaxAge is the cookie's Max-Age as sent by Explorer (0 if absent).
	MaxAge time.Duration
	// Expires is the absolute expiry: receipt time + MaxAge, else the
	// cookie's Expires attribute (zero if Explorer sent neither).
	Expires time.Time
}

// Order is the creation-time sort order of a list call.
type Order string

// The two documented orders; the zero value means Explorer's default (desc).
const (
	OrderDesc Order = "desc"
	OrderAsc  Order = "asc"
)

// ListQuery holds the parameters of the two list endpoints. Zero values mean
// "not set" and are left out of the request, so Explorer's defaults apply.
type ListQuery struct {
	Name     string    // case-insensitive substring of the job name
	Status   *Status   // one status, nil for any
	From     time.Time // inclusive lower bound on creation time; zero = none
	To       time.Time // inclusive upper bound on creation time; zero = none
	Order    Order     // "" = Explorer's default (desc)
	Page     int       // 1-based; 0 = default (1)
	PageSize int       // 0 = default (10)
}

// Job is one run of a workflow as the list and job endpoints describe it.
// Times are zero when Explorer sent 0 or nothing.
type Job struct {
	ID           int64
	Name         string
	WorkflowID   string
	WorkflowName string
	Status       Status
	RunBegin     time.Time
	RunEnd       time.Time
	Created      time.Time
}

// JobPage is one page of a list call.
type JobPage struct {
	Items    []Job // never nil after a successful call (empty for an empty page)
	Total    int
	Page     int
	PageSize int
}

// Task is one component of a job.
type Task struct {
	ID       string
	Name     string
	Status   Status
	RunBegin time.Time
	RunEnd   time.Time
}

// JobDetail is a job with its tasks, from the one-job endpoint.
type JobDetail struct {
	Job
	Tasks []Task
}

// Input holds the optional input parameters of a start-job call:
// task ID → parameter name → value (a string or a number).
type Input map[string]map[string]any
