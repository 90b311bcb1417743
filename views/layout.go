package views

import (
	"jobboard/internal/i18n"
)

// Page is what every full page needs: the reader's language, the asset URLs
// and who is signed in.
type Page struct {
	L        i18n.Localizer
	Asset    func(name string) string // content-hashed URL of a static asset
	Title    string                   // already localised
	SignedIn bool
	Account  string // "" when signed in with a pasted token
	ReadOnly bool   // the dashboard is read-only: no cancel or run controls
	// PollSeconds is the live-refresh interval written into the layout's
	// <meta name="jobboard-poll"> for static/app.js (0 → no meta).
	PollSeconds int
	// URL is the request's path and query: the page the language switch
	// returns to (static/app.js keeps it current after htmx navigation).
	URL string
	// Version is the build's version shown in the footer ("" → no footer).
	Version string
	// KeepURL tells static/app.js to leave the language switch's return
	// URL as rendered (the sign-in page after a POST, whose address is
	// /login without the page to return to).
	KeepURL bool
}
