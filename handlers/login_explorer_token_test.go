package handlers

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"jobboard/apiclient"
	"jobboard/internal/i18n"
	"jobboard/internal/session"
)

// oddCredentials is Explorer answering connect with a token jobboard cannot
// keep (longer than the cookie holds) or one about to expire.
type oddCredentials struct {
	Explorer
	token  apiclient.Token
	maxAge time.Duration
}

func (o oddCredentials) Connect(ctx context.Context, account, password, address string, port int) (apiclient.Credentials, error) {
	creds, err := o.Explorer.Connect(ctx, account, password, address, port)
	if err != nil {
		return creds, err
	}
	if o.token != "" {
		creds.Token = o.token
	}
	if o.maxAge > 0 {
		creds.MaxAge, creds.Expires = o.maxAge, time.Time{}
	}
	return creds, nil
}

// TestSignInWithATokenNoSessionCanHold: a connect answer whose token is too
// long for the cookie or expires within the second is Explorer's failure:
// 502 beside the sign-in form, in the reader's language, the account kept,
// no session started — never a 500.
func TestSignInWithATokenNoSessionCanHold(t *testing.T) {
	for name, odd := range map[string]oddCredentials{
		"token too long":         {token: apiclient.Token(strings.Repeat("T", session.MaxTokenLen+1))},
		"Max-Age under a second": {maxAge: 500 * time.Millisecond},
	} {
		e := newEnv(t, 0, func(_ *testEnv, o *Options) {
			odd.Explorer = o.Explorer
			o.Explorer = odd
		})
		for _, lang := range langs {
			c := e.browser(t)
			a := e.postForm(t, c, "/login", url.Values{"account": {"demo"}, "password": {"demo"}, "next": {"/jobs"}},
				"Accept-Language", lang.accept)
			if a.status != http.StatusBadGateway {
				t.Errorf("%s (%s): status %d, want 502", name, lang.tag, a.status)
			}
			doc := parseHTML(t, a.body)
			if got := inputValue(t, doc, "account"); got != "demo" {
				t.Errorf("%s (%s): account field %q, want demo kept", name, lang.tag, got)
			}
			if want := i18n.For(lang.tag).T("problem.unavailable"); !strings.Contains(text(doc), want) {
				t.Errorf("%s (%s): page lacks %q", name, lang.tag, want)
			}
			if got := e.get(t, c, "/jobs"); got.status != http.StatusSeeOther {
				t.Errorf("%s (%s): /jobs after the failed sign-in: status %d, want 303 to sign-in", name, lang.tag, got.status)
			}
		}
	}
}
