package views

// Visibility values of the save form.
const (
	VisibilityPrivate = "private" // only me
	VisibilityShared  = "shared"  // everyone who signs in to this jobboard
)

// FormError is a form field's problem: a message key and its arguments.
type FormError struct {
	Key  string
	Args []any
}

// ViewForm is the data of the save form (a new view) and the edit form
// (an owner's view): the values as typed, with a problem per field.
type ViewForm struct {
	Page
	// ID and Version are the view being edited (0 for a new one); Version
	// is the one the editor read, checked when the change is saved.
	ID          int64
	Version     int64
	Name        string
	Slug        string
	Description string
	Visibility  string
	Path        string
	Errors      map[string]FormError // by field: name, slug, description, visibility, path, form
	// PathChanged: the edit form carries the current list instead of the
	// stored one ("Save changes to this view").
	PathChanged bool
	// Conflict is the stored view when someone saved it since the editor
	// opened the form; the form then holds the editor's values.
	Conflict *SavedView
	// Owned are the reader's views the current list could be saved into
	// instead (on the save form).
	Owned     []SavedView
	CannotOwn bool     // a pasted-token session: it cannot own views
	Problem   *Problem // the store could not be read or written
	// Saved is the view just saved (the htmx answer of a save).
	Saved *SavedView
}

// Editing reports whether the form edits a stored view.
func (f ViewForm) Editing() bool { return f.ID != 0 }

// Action is where the form is sent.
func (f ViewForm) Action() string {
	if f.Editing() {
		return ViewPath(f.ID)
	}
	return ViewsPath
}

// Err returns the problem of field, if any.
func (f ViewForm) Err(field string) (FormError, bool) {
	e, ok := f.Errors[field]
	return e, ok
}

// ViewDelete is the data of a view's delete confirmation, and of the
// answer after deleting.
type ViewDelete struct {
	Page
	View    SavedView
	Deleted bool
	Problem *Problem
}

// pathHint explains the list address field; on the edit form reached
// from a list it says the address is that list's.
func pathHint(d ViewForm) string {
	if d.PathChanged {
		return d.L.T("views.hint.pathChanged")
	}
	return d.L.T("views.hint.path")
}
