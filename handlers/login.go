package handlers

import (
	"errors"
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/gin-gonic/gin"

	"jobboard/apiclient"
	"jobboard/session"
	"jobboard/views"
)

// maxTokenLen bounds a pasted token.
const maxTokenLen = 4096

// loginPage serves GET /login: the two ways in.
func (h *handler) loginPage(c *gin.Context) error {
	return h.renderLogin(c, http.StatusOK, views.Login{Next: safeNext(c.Query("next"))})
}

// loginSubmit serves POST /login: account and password through Explorer's
// connect (graphd address from the server's configuration), or a pasted
// token checked with a one-row list call. On success the token goes into
// the session and the reader lands on next.
func (h *handler) loginSubmit(c *gin.Context) error {
	next := safeNext(c.PostForm("next"))
	account := strings.TrimSpace(c.PostForm("account"))
	password := c.PostForm("password")
	token := strings.TrimSpace(c.PostForm("token"))
	form := views.Login{Next: next, Account: account}
	ctx := c.Request.Context()

	var data session.Data
	switch {
	case token != "":
		if len(token) > maxTokenLen {
			form.ErrorKey = "login.badToken"
			return h.renderLogin(c, http.StatusUnauthorized, form)
		}
		tok := apiclient.Token(token)
		if _, err := h.explorer.ListJobs(ctx, tok, apiclient.ListQuery{PageSize: 1}); err != nil {
			return h.loginFailed(c, form, err, "login.badToken")
		}
		data = session.Data{Token: tok}
	case account != "" && password != "":
		creds, err := h.explorer.Connect(ctx, account, password, h.nebulaAddr, h.nebulaPort)
		if err != nil {
			return h.loginFailed(c, form, err, "login.wrongPassword")
		}
		data = session.Data{Token: creds.Token, Account: account, Expires: creds.Expires}
		if creds.MaxAge > 0 {
			// Measured on our clock, so that the session ends with the token.
			data.Expires = h.now().Add(creds.MaxAge)
		}
	default:
		form.ErrorKey = "login.missing"
		return h.renderLogin(c, http.StatusBadRequest, form)
	}
	if err := h.sessions.Save(c.Writer, c.Request, data, h.now()); err != nil {
		return err
	}
	h.redirect(c, next)
	return nil
}

// loginFailed re-renders the form: a rejected account or token with a plain
// message (401), an Explorer failure with its panel.
func (h *handler) loginFailed(c *gin.Context, form views.Login, err error, rejectedKey string) error {
	if errors.Is(err, apiclient.ErrUnauthorized) {
		form.ErrorKey = rejectedKey
		return h.renderLogin(c, http.StatusUnauthorized, form)
	}
	return inFrame(classifyNoRetry(err), func(p views.Problem) templ.Component {
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
	return views.LoginPage(form)
}

func (h *handler) renderLogin(c *gin.Context, status int, form views.Login) error {
	return h.render(c, status, h.loginView(c, form))
}
