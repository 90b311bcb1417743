package apiclient_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"jobboard/apiclient"
)

func TestTokenRedacted(t *testing.T) {
	const raw = "eyJ-raw-token-value"
	tok := apiclient.Token(raw)
	creds := apiclient.Credentials{Token: tok}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("signed in", "token", tok, "creds", creds)
	for _, out := range []string{
		fmt.Sprint(tok), fmt.Sprintf("%s %v %+v %#v", tok, tok, tok, tok),
		fmt.Sprintf("%v %+v", creds, creds), logged.String(),
	} {
		if strings.Contains(out, raw) {
			t.Errorf("output %q reveals the token", out)
		}
	}
	if tok.Reveal() != raw {
		t.Errorf("Reveal() = %q, want the raw value", tok.Reveal())
	}
}

func TestStatus(t *testing.T) {
	tests := []struct {
		s                         apiclient.Status
		name                      string
		known, terminal, inFlight bool
	}{
		{apiclient.StatusPreparing, "Preparing", true, false, true},
		{apiclient.StatusRunning, "Running", true, false, true},
		{apiclient.StatusSuccess, "Success", true, true, false},
		{apiclient.StatusFailed, "Failed", true, true, false},
		{apiclient.StatusInterrupted, "Interrupted", true, true, false},
		{apiclient.StatusStopping, "Stopping", true, false, true},
		{apiclient.Status(9), "Unknown (9)", false, false, false},
		{apiclient.Status(-1), "Unknown (-1)", false, false, false},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.name {
			t.Errorf("Status(%d).String() = %q, want %q", int(tt.s), got, tt.name)
		}
		if tt.s.Known() != tt.known || tt.s.Terminal() != tt.terminal || tt.s.InFlight() != tt.inFlight {
			t.Errorf("Status(%d): Known/Terminal/InFlight = %v/%v/%v, want %v/%v/%v", int(tt.s),
				tt.s.Known(), tt.s.Terminal(), tt.s.InFlight(), tt.known, tt.terminal, tt.inFlight)
		}
	}
	if len(apiclient.Statuses) != 6 {
		t.Errorf("Statuses has %d entries, want the 6 documented", len(apiclient.Statuses))
	}
}
