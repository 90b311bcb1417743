package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/gin-gonic/gin"

	"jobboard/apiclient"
	"jobboard/internal/middleware"
	"jobboard/internal/session"
	"jobboard/internal/store"
	"jobboard/views"
)

// maxTokenLen bounds a pasted token: the longest a session cookie holds.
const maxTokenLen = session.MaxTokenLen

// loginPage serves GET /login: the two ways in.
func (h *handler) loginPage(c *gin.Context) error {
	form := views.Login{Next: safeNext(queryOne(c, "next"))}
	switch queryOne(c, "reason") {
	case views.LoginEnded:
		form.NoticeKey = "login.ended"
	case views.LoginSignedOut:
		form.NoticeKey = "login.signedOut"
	}
	if err := h.checkSessionStore(c.Request.Context()); err != nil {
		return h.loginFailed(c, form, err, "") // 503 panel above the form
	}
	return h.renderLogin(c, http.StatusOK, form)
}

// loginSubmit serves POST /login: account and password through Explorer's
// connect (graphd address from the server's configuration), or a pasted
// token checked with a one-row list call. On success the token goes into
// the session and the reader lands on next. An account, password or token
// given twice with different values is a 400 beside that field.
func (h *handler) loginSubmit(c *gin.Context) error {
	next := safeNext(formOne(c, "next"))
	account, accountRep := postedOne(c, "account")
	account = strings.TrimSpace(account)
	password, passwordRep := postedSecret(c, "password")
	token, tokenRep := postedSecret(c, "token")
	token = strings.TrimSpace(token)
	form := views.Login{Next: next, Account: account}
	ctx := c.Request.Context()
	// A field given twice with different values is refused like an empty
	// form: before the limits and Explorer, since no credential was tried
	// (which copy is meant is not jobboard's to guess), so it counts
	// against neither the address nor the account.
	for field, rep := range map[string]views.Msg{"account": accountRep, "password": passwordRep, "token": tokenRep} {
		if rep.Key != "" {
			if form.Errors == nil {
				form.Errors = map[string]views.Msg{}
			}
			form.Errors[field] = rep
		}
	}
	if form.Errors != nil {
		return h.renderLogin(c, http.StatusBadRequest, form)
	}

	method := "token"
	switch {
	case token != "":
		account, form.Account = "", ""
	case account != "" && password != "":
		method = "password"
	default:
		form.ErrorKey = "login.missing"
		return h.renderLogin(c, http.StatusBadRequest, form)
	}
	// A session store that is down would refuse the new session on every
	// page: say so now, before Explorer issues a token.
	if err := h.checkSessionStore(ctx); err != nil {
		h.logSignIn(c, method, account, "unavailable")
		return h.loginFailed(c, form, err, "")
	}
	// The limits (admitSignIn): a turn among the attempts in flight, then
	// the address's failures, the account's successes and back-off.
	try, err := h.admitSignIn(c, token, account)
	if try.release != nil {
		defer try.release()
	}
	var limited *signInLimited
	if errors.As(err, &limited) {
		h.logSignIn(c, method, account, "rate-limited")
		c.Header("Retry-After", retryAfterSeconds(limited.wait))
		form.ErrorKey = limited.key
		return h.renderLogin(c, http.StatusTooManyRequests, form)
	}
	if err != nil {
		h.logSignIn(c, method, account, "unavailable")
		return h.loginFailed(c, form, errSessionStore(err), "")
	}
	// failed re-renders the form; only a rejection by Explorer counts
	// against the limits.
	failed := func(err error, rejectedKey string) error {
		if errors.Is(err, apiclient.ErrUnauthorized) {
			h.signInRejected(c, try)
			h.logSignIn(c, method, account, "rejected")
		} else {
			h.logSignIn(c, method, account, "error")
		}
		return h.loginFailed(c, form, err, rejectedKey)
	}

	var data session.Data
	if method == "token" {
		if len(token) > maxTokenLen {
			return failed(apiclient.ErrUnauthorized, "login.badToken")
		}
		tok := apiclient.Token(token)
		if _, err := h.explorer.ListJobs(ctx, tok, apiclient.ListQuery{PageSize: 1}); err != nil {
			return failed(err, "login.badToken")
		}
		data = session.Data{Token: tok}
	} else {
		if len(account) > session.MaxAccountLen {
			return failed(apiclient.ErrUnauthorized, "login.wrongPassword")
		}
		creds, err := h.explorer.Connect(ctx, account, password, h.nebulaAddr, h.nebulaPort)
		if err != nil {
			return failed(err, "login.wrongPassword")
		}
		data = session.Data{Token: creds.Token, Account: account, Expires: creds.Expires}
		if creds.MaxAge > 0 {
			// Measured on our clock, so that the session ends with the token.
			data.Expires = h.now().Add(creds.MaxAge)
		}
	}
	h.signInSucceeded(c, try)
	// A new session (new ID) at every sign-in; the one it replaces, if
	// any, ends (a failure to end it is logged by endSession, and the
	// store being down then fails Start too).
	_ = h.endSession(c, "signed in again")
	if _, err := h.sessions.Start(c.Writer, c.Request, data, h.now()); err != nil {
		h.logSignIn(c, method, account, "error")
		if errors.Is(err, session.ErrUnavailable) {
			return h.loginFailed(c, form, errSessionStore(err), "")
		}
		if errors.Is(err, session.ErrUnusable) {
			// Explorer's answer gave a token jobboard cannot use: a 502
			// beside the form, like any answer it cannot read.
			return h.loginFailed(c, form, fmt.Errorf("%w: %w", apiclient.ErrBadResponse, err), "")
		}
		return fmt.Errorf("sign in: %w", err)
	}
	h.logSignIn(c, method, account, "ok")
	h.redirect(c, next)
	return nil
}

// signInTry is one sign-in attempt admitted by admitSignIn.
type signInTry struct {
	client   string // the address's key (an IPv6 client by its /64)
	account  string // the account's key; for a pasted token, the token's
	known    bool   // the account signed in from this address before
	password bool   // an account and password (not a pasted token)
	release  func() // ends its turn among the attempts in flight
}

// signInLimited is a sign-in refused by a limit: 429 with Retry-After
// and the message key.
type signInLimited struct {
	wait time.Duration
	key  string
}

func (l *signInLimited) Error() string { return "sign-in limited for " + l.wait.String() }

// admitSignIn applies the sign-in limits (docs/operations.md, "Sign-in
// limits") to an attempt with token or account: it waits for a turn among
// the attempts in flight of the address and the account, then refuses it
// (a *signInLimited) when the address has used its failures, the account
// its successes, or the account's back-off is running and the address is
// not one the account signed in from before. Any other error is the
// store's.
func (h *handler) admitSignIn(c *gin.Context, token, account string) (signInTry, error) {
	try := signInTry{client: middleware.ClientKey(c.ClientIP()), password: token == ""}
	if try.password {
		try.account = accountKey(account)
	} else {
		try.account = "token:" + accountKey(token)[len("account:"):]
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), signInWaitLimit)
	defer cancel()
	release, err := h.sec.inFlight.Enter(ctx, try.client, try.account)
	if err != nil {
		return try, &signInLimited{wait: time.Second, key: "login.tooMany"}
	}
	try.release = release
	if wait := h.sec.failures.Wait(try.client); wait > 0 {
		return try, &signInLimited{wait: wait, key: "login.tooMany"}
	}
	if wait := h.sec.successes.Wait(try.account); wait > 0 {
		return try, &signInLimited{wait: wait, key: "login.tooMany"}
	}
	if !try.password {
		return try, nil
	}
	now := h.now()
	if try.known, err = h.sec.records.KnownSignInAddress(ctx, try.account, try.client, now.Add(-store.KnownAddressTTL)); err != nil {
		return try, fmt.Errorf("sign-in limits: %w", err)
	}
	if try.known {
		return try, nil // failures from elsewhere do not hold it back
	}
	n, last, err := h.sec.records.SignInFailures(ctx, try.account, now.Add(-middleware.AccountFailureWindow))
	if err != nil {
		return try, fmt.Errorf("sign-in limits: %w", err)
	}
	if wait := middleware.AccountBackoff(n, last, now); wait > 0 {
		return try, &signInLimited{wait: wait, key: "login.backoff"}
	}
	return try, nil
}

// signInRejected counts a sign-in Explorer rejected: against the address,
// and against the account in the store (a failure to record it is logged;
// the reader still gets the answer).
func (h *handler) signInRejected(c *gin.Context, try signInTry) {
	h.sec.failures.Record(try.client)
	if !try.password {
		return
	}
	if err := h.sec.records.RecordSignInFailure(c.Request.Context(), try.account, h.now()); err != nil {
		h.logLimitError(c, "record a sign-in failure", err)
	}
}

// signInSucceeded counts a successful sign-in against the account's
// successes and remembers its address; the account's failures are
// forgotten unless they came from elsewhere while it signed in from a
// known address (then they are someone else's, and keep their back-off).
func (h *handler) signInSucceeded(c *gin.Context, try signInTry) {
	h.sec.successes.Record(try.account)
	if !try.password {
		return
	}
	ctx := c.Request.Context()
	if err := h.sec.records.RecordSignInSuccess(ctx, try.account, try.client, h.now()); err != nil {
		h.logLimitError(c, "record a sign-in success", err)
	}
	if !try.known {
		if err := h.sec.records.ClearSignInFailures(ctx, try.account); err != nil {
			h.logLimitError(c, "clear sign-in failures", err)
		}
	}
}

func (h *handler) logLimitError(c *gin.Context, what string, err error) {
	h.log.LogAttrs(c.Request.Context(), slog.LevelWarn, "sign-in limits: could not "+what,
		slog.String("request_id", reqID(c)), slog.String("error", err.Error()))
}

// accountKey is the sign-in limits' key for an account: a hash of its
// name in lower case, so that a long account name costs no more than a
// short one and case variants share one count.
func accountKey(account string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(account)))
	return "account:" + hex.EncodeToString(sum[:16])
}

// loginFailed re-renders the form: a rejected account or token with a plain
// message (401), an Explorer failure with its panel.
func (h *handler) loginFailed(c *gin.Context, form views.Login, err error, rejectedKey string) error {
	if errors.Is(err, apiclient.ErrUnauthorized) {
		form.ErrorKey = rejectedKey
		return h.renderLogin(c, http.StatusUnauthorized, form)
	}
	e := *classify(err)
	// The form is the way on: no Retry of a POST, no way back to pages a
	// signed-out reader cannot open.
	e.retry, e.back = false, false
	if errors.Is(err, apiclient.ErrForbidden) {
		// "may not see this" would misstate a refused sign-in.
		e.key = "login.denied"
	}
	return inFrame(&e, func(p views.Problem) templ.Component {
		form.Problem = &p
		return h.loginView(c, form)
	})
}

// classifyNoRetry is classify without the Retry link: a retry of a POST
// must be a new submission of the form.
func classifyNoRetry(err error) error {
	e := *classify(err)
	e.retry = false
	return &e
}

func (h *handler) loginView(c *gin.Context, form views.Login) templ.Component {
	form.Page = h.page(c, nil)
	form.Title = form.L.T("login.title")
	// The language switch comes back to the sign-in page with the same
	// page to return to, also after a POST (a wrong password, a refused
	// token), whose own URL has no next.
	form.URL = views.LoginURL(form.Next, "")
	form.KeepURL = true
	return views.LoginPage(form)
}

func (h *handler) renderLogin(c *gin.Context, status int, form views.Login) error {
	return h.render(c, status, h.loginView(c, form))
}

// safeNext returns next when it is a path on this site, and "/" otherwise.
// Accepted: an absolute path with an optional query, such as
// "/workflows/1/jobs?status=failed&page=2". Refused: anything with a scheme
// or host ("https://evil.example", "javascript:…"), protocol-relative
// "//evil.example", backslashes anywhere ("/\evil", which browsers read as
// "//evil"), control characters, and a path that decodes to start with "//"
// or "/\" ("/%2F%2Fevil": harmless to browsers today, refused to be safe).
func safeNext(next string) string {
	const fallback = "/"
	if next == "" || len(next) > 2048 || next[0] != '/' {
		return fallback
	}
	if strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') {
		return fallback
	}
	for _, r := range next {
		if r < 0x20 || r == 0x7f {
			return fallback
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return fallback
	}
	if strings.HasPrefix(u.Path, "//") || strings.HasPrefix(u.Path, "/\\") {
		return fallback
	}
	return next
}

// logSignIn records a sign-in outcome: method ("password", "token"),
// account ("" for a token), outcome and client IP. Never the password or
// the token.
func (h *handler) logSignIn(c *gin.Context, method, account, outcome string) {
	if len(account) > 128 {
		account = account[:128] + "…"
	}
	h.obs.metrics.SignIn(method, outcome)
	level := slog.LevelInfo
	if outcome != "ok" {
		level = slog.LevelWarn
	}
	h.log.LogAttrs(c.Request.Context(), level, "sign-in",
		slog.String("request_id", reqID(c)),
		slog.String("method", method),
		slog.String("account", account),
		slog.String("outcome", outcome),
		slog.String("client_ip", c.ClientIP()),
	)
}

// retryAfterSeconds renders d for a Retry-After header: whole seconds,
// rounded up, at least 1.
func retryAfterSeconds(d time.Duration) string {
	s := int64((d + time.Second - 1) / time.Second)
	return fmt.Sprint(max(s, 1))
}
