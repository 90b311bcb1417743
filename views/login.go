package views

// Login is the data of the sign-in page.
type Login struct {
	Page
	Next     string // validated local path to return to
	Account  string // kept after a failed attempt; never the password
	ErrorKey string // message key, "" for none
	// NoticeKey says why the page is shown (the session ended, the reader
	// signed out); "" for none.
	NoticeKey string
	Problem   *Problem
}
