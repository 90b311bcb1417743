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
