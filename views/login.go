package views

// Login is the data of the sign-in page.
type Login struct {
	Page
	Next     string // validated local path to return to
	Account  string // kept after a failed attempt; never the password
	ErrorKey string // message key, "" for none
	// Errors are the problems of single fields ("account", "password",
	// "token"), shown beside them.
	Errors map[string]Msg
	// NoticeKey says why the page is shown (the session ended, the reader
	// signed out); "" for none.
	NoticeKey string
	Problem   *Problem
}

// Err is field's problem, if it has one.
func (d Login) Err(field string) (Msg, bool) {
	m, ok := d.Errors[field]
	return m, ok
}
