package testenv

import "testing"

func TestFindersReadParsedStructure(t *testing.T) {
	doc := Parse(t, "<main id=\"m\">\n<p class=\"a b\">one <b>two</b></p>\n<p class=\"b\">three</p>\n<a hx-get=\"/x\">4</a></main>")
	if got := Text(ByID(doc, "m")); got != "one two three 4" {
		t.Errorf("Text(#m) = %q", got)
	}
	if n := len(ByClass(doc, "b")); n != 2 {
		t.Errorf("ByClass(b) found %d, want 2", n)
	}
	if n := len(ByClass(doc, "c")); n != 0 {
		t.Errorf("ByClass(c) found %d, want 0", n)
	}
	if ps := ByTag(doc, "p"); len(ps) != 2 || !HasClass(ps[0], "a") || HasClass(ps[1], "a") {
		t.Errorf("ByTag(p) = %d elements, classes wrong", len(ps))
	}
	if as := ByTag(doc, "a"); len(as) != 1 {
		t.Fatalf("ByTag(a) = %d elements", len(as))
	} else if v, ok := Attr(as[0], "hx-get"); !ok || v != "/x" {
		t.Errorf("Attr(hx-get) = %q, %v", v, ok)
	}
	if ByID(doc, "nope") != nil || Text(nil) != "" {
		t.Error("missing element not reported as nil / empty text")
	}
}
