package testenv

// The helpers below read the dashboard's HTML as parsed structure
// (golang.org/x/net/html) rather than as text, so that a test asserts what a
// browser would see: find elements by id, class or tag, read attributes and
// text content.

import (
	"compress/gzip"
	"io"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Parse parses a page or fragment, failing the test when it cannot.
func Parse(t testing.TB, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	return doc
}

// Attr returns the value of n's attribute name and whether it is present.
func Attr(n *html.Node, name string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val, true
		}
	}
	return "", false
}

// AttrValue returns the value of n's attribute name, "" when absent.
func AttrValue(n *html.Node, name string) string {
	v, _ := Attr(n, name)
	return v
}

// HasClass reports whether n's class attribute lists class.
func HasClass(n *html.Node, class string) bool {
	v, _ := Attr(n, "class")
	for _, c := range strings.Fields(v) {
		if c == class {
			return true
		}
	}
	return false
}

// FindAll returns the element nodes under n matching match, in document
// order.
func FindAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// ByID returns the first element under n with the given id, or nil.
func ByID(n *html.Node, id string) *html.Node {
	found := FindAll(n, func(n *html.Node) bool { v, ok := Attr(n, "id"); return ok && v == id })
	if len(found) == 0 {
		return nil
	}
	return found[0]
}

// ByTag returns the elements under n with the given tag name.
func ByTag(n *html.Node, tag string) []*html.Node {
	return FindAll(n, func(n *html.Node) bool { return n.Data == tag })
}

// ByClass returns the elements under n whose class attribute lists class.
func ByClass(n *html.Node, class string) []*html.Node {
	return FindAll(n, func(n *html.Node) bool { return HasClass(n, class) })
}

// Text returns the text content of n with runs of white space collapsed
// ("" for nil).
func Text(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// Gunzip decompresses a gzipped response body, failing the test when it
// is not a whole gzip stream.
func Gunzip(t testing.TB, body string) string {
	t.Helper()
	zr, err := gzip.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("bad gzip stream: %v", err)
	}
	return string(b)
}

// RowIDs returns the job IDs (data-job-id) of the table rows under n, in
// document order.
func RowIDs(n *html.Node) []string {
	var ids []string
	for _, tr := range ByTag(n, "tr") {
		if id, ok := Attr(tr, "data-job-id"); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// InputValue returns the value attribute of the element with id, failing
// the test when there is no such element.
func InputValue(t testing.TB, n *html.Node, id string) string {
	t.Helper()
	return AttrOfID(t, n, id, "value")
}

// AttrOfID returns attribute name of the element with id ("" when the
// element lacks it), failing the test when there is no such element.
func AttrOfID(t testing.TB, n *html.Node, id, name string) string {
	t.Helper()
	el := ByID(n, id)
	if el == nil {
		t.Fatalf("no element #%s", id)
	}
	return AttrValue(el, name)
}

// JobRowIDs parses page and returns the job IDs of the rows of its jobs
// table (table#jobs), failing the test when the page has no such table.
func JobRowIDs(t testing.TB, page string) []string {
	t.Helper()
	table := ByID(Parse(t, page), "jobs")
	if table == nil || table.Data != "table" {
		t.Fatalf("no table#jobs in the page:\n%s", page)
	}
	return RowIDs(table)
}

// Thousands writes a count as the English pages do, independently of the
// code under test: 12345 → "12,345".
func Thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
