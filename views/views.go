// Package views holds jobboard's templ components: the layout, one file per
// page (matching the handler of the same name) and shared pieces. Views only
// format what handlers give them; every user-facing string comes from the
// page's i18n.Localizer.
package views
