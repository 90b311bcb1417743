package apiclient

import "strconv"

// Status is a job or task status code as documented by Explorer.
type Status int

// The six documented status codes.
const (
	StatusPreparing   Status = 0
	StatusRunning     Status = 1
	StatusSuccess     Status = 2
	StatusFailed      Status = 3
	StatusInterrupted Status = 4
	StatusStopping    Status = 5
)

// Statuses lists the documented statuses in code order.
var Statuses = []Status{StatusPreparing, StatusRunning, StatusSuccess, StatusFailed, StatusInterrupted, StatusStopping}

// statusInfo is one row of the status table: everything the program says
// about a status code, kept together so the URL, the page, the download and
// the cancel logic can never disagree about a status.
type statusInfo struct {
	explorer string   // Explorer's own English name
	word     string   // the dashboard's URL word, also the CSS name and per-status message-key suffix
	key      string   // the i18n key of the status in words
	aliases  []string // other words a hand-typed URL may use
	icon     string   // glyph shown beside the word, never instead of it
	terminal bool     // the job will not change any more
	cancel   bool     // Explorer accepts a cancel of a job in this status
}

// statusTable is indexed by code; read-only.
var statusTable = [...]statusInfo{
	StatusPreparing:   {explorer: "Preparing", word: "preparing", key: "status.preparing", icon: "◷", cancel: true},
	StatusRunning:     {explorer: "Running", word: "running", key: "status.running", icon: "▶", cancel: true},
	StatusSuccess:     {explorer: "Success", word: "succeeded", key: "status.succeeded", aliases: []string{"success"}, icon: "✓", terminal: true},
	StatusFailed:      {explorer: "Failed", word: "failed", key: "status.failed", icon: "✕", terminal: true},
	StatusInterrupted: {explorer: "Interrupted", word: "cancelled", key: "status.cancelled", aliases: []string{"interrupted", "canceled"}, icon: "⊘", terminal: true},
	StatusStopping:    {explorer: "Stopping", word: "stopping", key: "status.stopping", icon: "■"},
}

// unknownStatus describes a code Explorer did not document: shown as
// "Unknown (N)", never mistaken for a finished job.
var unknownStatus = statusInfo{word: "unknown", key: "status.unknown", icon: "?"}

func (s Status) info() *statusInfo {
	if s.Known() {
		return &statusTable[s]
	}
	return &unknownStatus
}

// Known reports whether s is one of the six documented codes.
func (s Status) Known() bool { return s >= StatusPreparing && s <= StatusStopping }

// Terminal reports whether a job in status s will not change any more.
func (s Status) Terminal() bool { return s.info().terminal }

// InFlight reports whether a job in status s is still moving (Preparing,
// Running or Stopping); an undocumented code is neither in flight nor
// terminal, so nothing polls for it or offers to cancel it.
func (s Status) InFlight() bool { return s.Known() && !s.Terminal() }

// Cancellable reports whether a job in status s can be cancelled: only
// before it stops on its own (a Stopping job is already being cancelled).
func (s Status) Cancellable() bool { return s.info().cancel }

// String returns Explorer's English name of the status, or "Unknown (N)".
func (s Status) String() string {
	if !s.Known() {
		return "Unknown (" + strconv.Itoa(int(s)) + ")"
	}
	return statusTable[s].explorer
}

// Word returns the dashboard's URL word of a status ("failed"), or the
// code's digits for an undocumented status, so a link round-trips.
func (s Status) Word() string {
	if !s.Known() {
		return strconv.Itoa(int(s))
	}
	return statusTable[s].word
}

// Name returns the stable lower-case name of a status: its URL word, or
// "unknown" for an undocumented code. Pages use it as the CSS class and the
// suffix of per-status message keys ("home.lastrun.failed").
func (s Status) Name() string { return s.info().word }

// MessageKey returns the i18n key of the status in words
// ("status.succeeded"); for an undocumented code it is "status.unknown",
// whose message takes the code as its one argument.
func (s Status) MessageKey() string { return s.info().key }

// Icon returns the glyph shown next to the status word.
func (s Status) Icon() string { return s.info().icon }

// ParseStatus reads a status from a URL: its word, Explorer's name, the
// American spelling of "canceled", or the one-digit code, case-insensitively.
func ParseStatus(word string) (Status, bool) {
	for i := range statusTable {
		row := &statusTable[i]
		if equalFold(word, row.word) {
			return Status(i), true
		}
		for _, a := range row.aliases {
			if equalFold(word, a) {
				return Status(i), true
			}
		}
	}
	if len(word) == 1 && word[0] >= '0' && int(word[0]-'0') < len(statusTable) {
		return Status(word[0] - '0'), true
	}
	return 0, false
}

// equalFold compares ASCII case-insensitively: the table's words are ASCII,
// and a Unicode fold would accept look-alikes such as the Kelvin sign.
func equalFold(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
