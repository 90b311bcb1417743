// Package explorersim simulates the Workflow API of NebulaGraph Explorer as
// documented in docs/explorer-api.md: the seven endpoints under
// /api-open/v1/, the {"code","message","data"} envelope and its error codes,
// cookie tokens from connect, and deterministic per-account data (workflows,
// thousands of jobs over months, tasks and sample results) whose newest jobs
// move through their lifecycle on an injectable Clock. Faults (latency,
// error envelopes, broken bodies) can be switched on for tests.
//
// A Sim is an http.Handler: mount it on a loopback listener (or
// httptest.NewServer) and point an API client at it.
package explorersim

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Account is a simulated Explorer account that connect accepts.
type Account struct{ Name, Password string }

// DemoAccounts returns the default accounts: demo/demo first, then
// analyst/analyst. Each has its own workflows and jobs.
func DemoAccounts() []Account {
	return []Account{{Name: "demo", Password: "demo"}, {Name: "analyst", Password: "analyst"}}
}

// Options configures a Sim. The zero value is usable.
type Options struct {
	// Clock is read for every time the simulator needs; nil means real time.
	Clock Clock
	// Seed drives the generated data; 0 means 1. The same seed and the same
	// clock reading at New give identical data.
	Seed int64
	// TokenTTL is how long a token from connect stays valid; older tokens
	// answer ErrSession (40104001). 0 means 72h (259200 s).
	TokenTTL time.Duration
	// Accounts lists the accounts connect accepts; nil means DemoAccounts().
	// When a name appears twice the first entry wins.
	Accounts []Account
	// JobsPerAccount is the number of seeded jobs per account; 0 means 3000,
	// spread over about six months before the clock's reading at New.
	JobsPerAccount int
	// Logger receives one Debug record per request (never the token); nil
	// discards.
	Logger *slog.Logger
}

// DefaultTokenTTL is the token validity used when Options.TokenTTL is 0
// (Explorer's default of 259,200 s).
const DefaultTokenTTL = 72 * time.Hour

// DefaultJobsPerAccount is the number of seeded jobs per account used when
// Options.JobsPerAccount is 0.
const DefaultJobsPerAccount = 3000

// Sim is the simulated Explorer Workflow API. It implements http.Handler
// and is safe for concurrent use.
type Sim struct {
	clock    Clock
	seed     uint64
	ttl      time.Duration
	log      *slog.Logger
	perAcct  int
	startMs  int64          // clock reading at New, in epoch ms: the anchor of the seeded data
	loc      *time.Location // Explorer's display zone (+08:00): job names, task times
	accounts []*account
	byName   map[string]*account

	tokMu  sync.Mutex
	tokens map[string]tokenInfo

	bufs sync.Pool // *[]byte response buffers

	fault atomic.Pointer[Fault]
	calls atomic.Int64
}

// New returns a Sim configured by opts. Per-account jobs are generated
// lazily, on the account's first use, so many accounts cost little.
func New(opts Options) *Sim {
	s := &Sim{
		clock:   opts.Clock,
		seed:    uint64(opts.Seed),
		ttl:     opts.TokenTTL,
		log:     opts.Logger,
		perAcct: opts.JobsPerAccount,
		tokens:  make(map[string]tokenInfo),
		byName:  make(map[string]*account),
		loc:     time.FixedZone("CST", 8*3600),
	}
	if s.clock == nil {
		s.clock = realClock{}
	}
	if s.seed == 0 {
		s.seed = 1
	}
	if s.ttl <= 0 {
		s.ttl = DefaultTokenTTL
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.perAcct <= 0 {
		s.perAcct = DefaultJobsPerAccount
	}
	s.startMs = s.clock.Now().UnixMilli()
	accts := opts.Accounts
	if accts == nil {
		accts = DemoAccounts()
	}
	for _, a := range accts {
		if _, dup := s.byName[a.Name]; dup {
			continue
		}
		ac := newAccount(s, len(s.accounts), a)
		s.accounts = append(s.accounts, ac)
		s.byName[a.Name] = ac
	}
	return s
}

// nowMs is the clock's reading in epoch milliseconds.
func (s *Sim) nowMs() int64 { return s.clock.Now().UnixMilli() }

// WorkflowRecord describes one workflow of an account.
type WorkflowRecord struct {
	ID   string // 10-digit numeric string
	Name string
}

// TaskRecord is the truth about one task of a job. Zero Begin/End mean not
// started / not finished. Columns is the number of columns of its sample
// result rows (2 or 3).
type TaskRecord struct {
	ID, Name   string
	Status     int
	Begin, End time.Time
	Columns    int
}

// JobRecord is the truth about one job, as of the clock's reading when it
// was taken. Zero Begin/End mean not started / not finished.
type JobRecord struct {
	ID                       int64
	Name                     string
	WorkflowID, WorkflowName string
	Status                   int
	Created, Begin, End      time.Time
	Tasks                    []TaskRecord
}

// Workflows returns the account's workflows in a stable order (nil for an
// unknown account).
func (s *Sim) Workflows(account string) []WorkflowRecord {
	ac := s.byName[account]
	if ac == nil {
		return nil
	}
	out := make([]WorkflowRecord, len(ac.workflows))
	for i, w := range ac.workflows {
		out[i] = WorkflowRecord{ID: w.id, Name: w.name}
	}
	return out
}

// Jobs returns a snapshot of all the account's jobs with their tasks, as of
// the clock's current reading, newest first (nil for an unknown account).
func (s *Sim) Jobs(account string) []JobRecord {
	ac := s.byName[account]
	if ac == nil {
		return nil
	}
	d := ac.load()
	now := s.nowMs()
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]JobRecord, 0, len(d.jobs))
	for i := len(d.jobs) - 1; i >= 0; i-- {
		out = append(out, ac.record(d, &d.jobs[i], now))
	}
	return out
}

// AddJob inserts a job into the account's workflow workflowID and returns
// it as stored. A zero j.ID gets a fresh ID; an empty Name becomes
// "<workflowName>_<yyyymmddHHMMSS>" of the creation time; a zero Created
// means the clock's reading. Status, Begin and End are kept as given and do
// not change with the clock (a Preparing/Running one can still be
// cancelled). Nil Tasks are generated from the workflow; given tasks are
// kept (an empty task ID is filled in, Columns 0 is derived from the name).
// WorkflowID/WorkflowName of j are ignored. It panics on an unknown account
// or workflow or an ID already in use: it is a test hook.
func (s *Sim) AddJob(account, workflowID string, j JobRecord) JobRecord {
	ac := s.byName[account]
	if ac == nil {
		panic(fmt.Sprintf("explorersim: AddJob: unknown account %q", account))
	}
	wi := ac.workflowIndex(workflowID)
	if wi < 0 {
		panic(fmt.Sprintf("explorersim: AddJob: account %q has no workflow %q", account, workflowID))
	}
	return ac.addJob(wi, j, s.nowMs())
}

// RevokeTokens invalidates every token issued to account: they then answer
// ErrUnauthorized (40104000).
func (s *Sim) RevokeTokens(account string) {
	s.tokMu.Lock()
	defer s.tokMu.Unlock()
	for tok, ti := range s.tokens {
		if ti.account.acc.Name == account {
			delete(s.tokens, tok)
		}
	}
}

// SetFault replaces the active fault; the zero Fault switches faults off.
func (s *Sim) SetFault(f Fault) {
	if f == (Fault{}) {
		s.fault.Store(nil)
		return
	}
	s.fault.Store(&f)
}

// Calls returns the number of API requests received so far (every request
// ServeHTTP saw, faulty answers included).
func (s *Sim) Calls() int64 { return s.calls.Load() }

// Banner returns a few human lines naming the demo accounts, their
// passwords and their workflows, for a program to print at start. With
// many accounts only the first few are listed.
func (s *Sim) Banner() string {
	const maxListed = 4
	var b strings.Builder
	b.WriteString("Simulated NebulaGraph Explorer: sign in with one of these accounts (any graphd address and port):\n")
	for i, ac := range s.accounts {
		if i == maxListed {
			fmt.Fprintf(&b, "  … and %d more accounts\n", len(s.accounts)-maxListed)
			break
		}
		fmt.Fprintf(&b, "  account %q, password %q; workflows:", ac.acc.Name, ac.acc.Password)
		for j, w := range ac.workflows {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, " %s %s", w.id, w.name)
		}
		b.WriteString("\n")
	}
	return b.String()
}
