package apiclient_test

import (
	"testing"

	"jobboard/apiclient"
)

func TestStatus(t *testing.T) {
	tests := []struct {
		s                         apiclient.Status
		name, word, key, icon     string
		known, terminal, inFlight bool
	}{
		{apiclient.StatusPreparing, "Preparing", "preparing", "status.preparing", "◷", true, false, true},
		{apiclient.StatusRunning, "Running", "running", "status.running", "▶", true, false, true},
		{apiclient.StatusSuccess, "Success", "succeeded", "status.succeeded", "✓", true, true, false},
		{apiclient.StatusFailed, "Failed", "failed", "status.failed", "✕", true, true, false},
		{apiclient.StatusInterrupted, "Interrupted", "cancelled", "status.cancelled", "⊘", true, true, false},
		{apiclient.StatusStopping, "Stopping", "stopping", "status.stopping", "■", true, false, true},
		{apiclient.Status(9), "Unknown (9)", "9", "status.unknown", "?", false, false, false},
		{apiclient.Status(-1), "Unknown (-1)", "-1", "status.unknown", "?", false, false, false},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.name {
			t.Errorf("Status(%d).String() = %q, want %q", int(tt.s), got, tt.name)
		}
		if tt.s.Word() != tt.word || tt.s.MessageKey() != tt.key || tt.s.Icon() != tt.icon {
			t.Errorf("Status(%d): Word/MessageKey/Icon = %q/%q/%q, want %q/%q/%q", int(tt.s),
				tt.s.Word(), tt.s.MessageKey(), tt.s.Icon(), tt.word, tt.key, tt.icon)
		}
		if tt.s.Known() != tt.known || tt.s.Terminal() != tt.terminal || tt.s.InFlight() != tt.inFlight {
			t.Errorf("Status(%d): Known/Terminal/InFlight = %v/%v/%v, want %v/%v/%v", int(tt.s),
				tt.s.Known(), tt.s.Terminal(), tt.s.InFlight(), tt.known, tt.terminal, tt.inFlight)
		}
		if cancellable := tt.s == apiclient.StatusPreparing || tt.s == apiclient.StatusRunning; tt.s.Cancellable() != cancellable {
			t.Errorf("Status(%d).Cancellable() = %v, want %v", int(tt.s), tt.s.Cancellable(), cancellable)
		}
		if want := "status." + tt.s.Name(); tt.s.MessageKey() != want {
			t.Errorf("Status(%d): MessageKey %q is not status.+Name (%q)", int(tt.s), tt.s.MessageKey(), want)
		}
	}
	if len(apiclient.Statuses) != 6 {
		t.Errorf("Statuses has %d entries, want the 6 documented", len(apiclient.Statuses))
	}
}

// TestParseStatusRoundTrips checks every status's URL word (and code for an
// undocumented one) reads back as the same status, so links keep their filter.
func TestParseStatusRoundTrips(t *testing.T) {
	for _, s := range apiclient.Statuses {
		if got, ok := apiclient.ParseStatus(s.Word()); !ok || got != s {
			t.Errorf("ParseStatus(%q) = %v, %v; want %v", s.Word(), got, ok, s)
		}
	}
	for in, want := range map[string]apiclient.Status{
		"FAILED": apiclient.StatusFailed, "Success": apiclient.StatusSuccess, "canceled": apiclient.StatusInterrupted,
		"interrupted": apiclient.StatusInterrupted, "5": apiclient.StatusStopping, "0": apiclient.StatusPreparing,
	} {
		if got, ok := apiclient.ParseStatus(in); !ok || got != want {
			t.Errorf("ParseStatus(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "6", "05", "-1", "unknown", "fail", "\u212Aelvin", "ſucceeded"} {
		if got, ok := apiclient.ParseStatus(in); ok {
			t.Errorf("ParseStatus(%q) = %v, want refused", in, got)
		}
	}
}
