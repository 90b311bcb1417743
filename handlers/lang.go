package handlers

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"jobboard/internal/i18n"
)

// langCookie holds the language the reader chose with the switch; it
// overrides Accept-Language.
const langCookie = "lang"

// langCookieMaxAge keeps a language choice for a year.
const langCookieMaxAge = 365 * 24 * time.Hour

// localizer returns the reader's Localizer: the language of the lang
// cookie when it names a supported one, else the best match for
// Accept-Language, else English.
func (h *handler) localizer(c *gin.Context) i18n.Localizer {
	var chosen string
	if ck, err := c.Request.Cookie(langCookie); err == nil {
		chosen = ck.Value
	}
	return i18n.Negotiate(chosen, c.Request.Header.Get("Accept-Language"))
}

// setLanguage handles POST /lang from the language switch: it remembers
// the chosen language in the lang cookie and returns to the validated
// local page in next. Like every POST it is same-origin only (middleware.SameOrigin
// in routes.go); it needs no session, so the sign-in page can switch too.
// Two different languages in one form choose none (400, no cookie); two
// different nexts are none, like a bad one.
func (h *handler) setLanguage(c *gin.Context) error {
	lang, repeated := postedOne(c, "lang")
	if repeated.Key != "" {
		// Two languages at once: neither is chosen for the reader.
		return &appError{status: http.StatusBadRequest, key: "form.repeatedLang", args: repeated.Args, back: true}
	}
	// Language tags are case-insensitive (BCP 47), as Accept-Language is
	// read; the cookie holds the canonical tag.
	for _, tag := range i18n.Supported() {
		if strings.EqualFold(lang, tag) {
			lang = tag
		}
	}
	if !i18n.IsSupported(lang) {
		return &appError{status: http.StatusBadRequest, key: "lang.invalid", back: true}
	}
	http.SetCookie(c.Writer, &http.Cookie{ //nolint:gosec // G124: HttpOnly and SameSite are set; Secure follows the deployment (SecureCookie or TLS) like the session cookie
		Name:     langCookie,
		Value:    lang,
		Path:     "/",
		MaxAge:   int(langCookieMaxAge / time.Second),
		HttpOnly: true,
		Secure:   h.sec.hsts || c.Request.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	})
	h.redirect(c, safeNext(formOne(c, "next")))
	return nil
}
