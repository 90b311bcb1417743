package i18n_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"jobboard/apiclient"
	"jobboard/internal/i18n"
)

// pluralSuffixes are the plural categories a key may end with.
var pluralSuffixes = []string{".one", ".other"}

// pluralBase returns the key without its plural suffix, and whether it had one.
func pluralBase(key string) (string, bool) {
	for _, s := range pluralSuffixes {
		if base, ok := strings.CutSuffix(key, s); ok {
			return base, true
		}
	}
	return key, false
}

// TestCatalogsComplete fails when a key is in one catalog and not the
// other. Plural keys are compared by their base: every language has each
// of its own plural forms of every plural key of English (Chinese has only
// ".other").
func TestCatalogsComplete(t *testing.T) {
	en := i18n.Messages(i18n.English)
	for _, lang := range i18n.Supported() {
		cat := i18n.Messages(lang)
		forms := i18n.PluralForms(lang)
		for key := range en {
			base, plural := pluralBase(key)
			if !plural {
				if _, ok := cat[key]; !ok {
					t.Errorf("%s lacks %q (English: %q)", lang, key, en[key])
				}
				continue
			}
			for form := range forms {
				if _, ok := cat[base+"."+form]; !ok {
					t.Errorf("%s lacks plural form %q of %q", lang, base+"."+form, base)
				}
			}
		}
		for key := range cat {
			base, plural := pluralBase(key)
			if plural {
				if _, ok := en[base+".other"]; !ok {
					t.Errorf("%s has plural key %q that English lacks", lang, key)
				}
				if form := strings.TrimPrefix(key, base+"."); !forms[form] {
					t.Errorf("%s has %q, but it has no %q plural form", lang, key, form)
				}
				continue
			}
			if _, ok := en[key]; !ok {
				t.Errorf("%s has %q that English lacks", lang, key)
			}
		}
	}
}

// verbs parses a catalog format and returns, for each argument index
// (from 1), the verb it is formatted with. Only %s, %d (optionally with an
// explicit index, %[2]s, for languages that reorder) and %% are allowed.
func verbs(format string) (map[int]byte, error) {
	out := map[int]byte{}
	next := 1
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		if i >= len(format) {
			return nil, fmt.Errorf("format ends with %%")
		}
		if format[i] == '%' {
			continue
		}
		if format[i] == '[' {
			end := strings.IndexByte(format[i:], ']')
			var n int
			if end < 0 {
				return nil, fmt.Errorf("unclosed argument index")
			}
			if _, err := fmt.Sscanf(format[i+1:i+end], "%d", &n); err != nil || n < 1 {
				return nil, fmt.Errorf("bad argument index %q", format[i:i+end+1])
			}
			next = n
			i += end + 1
			if i >= len(format) {
				return nil, fmt.Errorf("format ends after an argument index")
			}
		}
		switch v := format[i]; v {
		case 's', 'd':
			if prev, ok := out[next]; ok && prev != v {
				return nil, fmt.Errorf("argument %d used as %%%c and %%%c", next, prev, v)
			}
			out[next] = v
			next++
		default:
			return nil, fmt.Errorf("unexpected verb %%%c", v)
		}
	}
	return out, nil
}

func TestVerbsParser(t *testing.T) {
	for format, want := range map[string]string{
		"%s of %d":       "1s 2d",
		"%[2]d，%[1]s":    "1s 2d",
		"100%% of %s":    "1s",
		"no args":        "",
		"%[2]s then %s?": "2s 3s",
	} {
		got, err := verbs(format)
		if err != nil {
			t.Errorf("verbs(%q): %v", format, err)
			continue
		}
		if s := describe(got); s != want {
			t.Errorf("verbs(%q) = %q, want %q", format, s, want)
		}
	}
	for _, bad := range []string{"50%", "%v", "%x", "%[0]s", "%[2", "%[1]"} {
		if _, err := verbs(bad); err == nil {
			t.Errorf("verbs(%q) accepted a bad format", bad)
		}
	}
}

func describe(v map[int]byte) string {
	var parts []string
	for i, verb := range v {
		parts = append(parts, fmt.Sprintf("%d%c", i, verb))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// TestCatalogVerbs checks that every message uses only allowed verbs and
// that each translation takes the same arguments, as the same kinds, as
// English, so no page shows %!d(string=…) or %!(EXTRA …).
func TestCatalogVerbs(t *testing.T) {
	en := i18n.Messages(i18n.English)
	for _, lang := range i18n.Supported() {
		for key, msg := range i18n.Messages(lang) {
			got, err := verbs(msg)
			if err != nil {
				t.Errorf("%s %s: %v in %q", lang, key, err, msg)
				continue
			}
			ref, ok := en[key]
			if !ok {
				if base, plural := pluralBase(key); plural {
					ref, ok = en[base+".other"]
				}
			}
			if !ok || lang == i18n.English {
				continue
			}
			want, err := verbs(ref)
			if err != nil {
				continue // reported for English
			}
			if describe(got) != describe(want) {
				t.Errorf("%s %s: arguments %q differ from English %q (%q vs %q)", lang, key, describe(got), describe(want), msg, ref)
			}
		}
	}
}

// keyLiteral matches a string literal that looks like a message key.
var keyLiteral = regexp.MustCompile(`"([a-z][a-zA-Z]*\.[a-zA-Z0-9.]*)"`)

// TestKeysUsedExist scans the code that renders text (views, handlers,
// jobquery's field errors, apiclient's status table) for string literals in a catalog namespace and
// fails when one is not a key. A literal ending in "." is a prefix joined
// with a status word or a field name at run time; every such expansion
// must exist. A plural key is used without its suffix.
func TestKeysUsedExist(t *testing.T) {
	en := i18n.Messages(i18n.English)
	namespaces := map[string]bool{}
	for key := range en {
		namespaces[strings.SplitN(key, ".", 2)[0]] = true
	}
	var words []string
	for _, s := range apiclient.Statuses {
		words = append(words, s.Word())
	}
	// The run-time suffixes of each prefix literal.
	expansions := map[string][]string{
		"status.":       words,
		"home.lastrun.": words,
		"summary.":      words,
		"filter.":       {"from", "to"},
		"range.":        {"1h", "24h", "7d", "30d"}, // jobquery.Ranges
		"print.range.":  {"1h", "24h", "7d", "30d"},
	}
	exists := func(key string) bool {
		if _, ok := en[key]; ok {
			return true
		}
		_, ok := en[key+".other"]
		return ok
	}
	files := sourceFiles(t, "../../views", "../../handlers", "../jobquery", "../../apiclient")
	used := 0
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyLiteral.FindAllStringSubmatch(string(src), -1) {
			lit := m[1]
			if !namespaces[strings.SplitN(lit, ".", 2)[0]] || strings.HasSuffix(lit, ".css") || strings.HasSuffix(lit, ".js") {
				continue
			}
			used++
			if strings.HasSuffix(lit, ".") {
				suffixes, ok := expansions[lit]
				if !ok {
					t.Errorf("%s: key prefix %q is joined at run time with something this test does not know; add its expansions here", file, lit)
				}
				for _, s := range suffixes {
					if !exists(lit + s) {
						t.Errorf("%s: %q + %q is not a key", file, lit, s)
					}
				}
				continue
			}
			if !exists(lit) {
				t.Errorf("%s: %q is not a key of the catalogs", file, lit)
			}
		}
	}
	if used < 100 {
		t.Fatalf("found only %d key literals in %d files; is the scan broken?", used, len(files))
	}
}

// sourceFiles lists the hand-written .go and .templ files of dirs (not
// tests, not templ's generated code).
func sourceFiles(t *testing.T, dirs ...string) []string {
	t.Helper()
	var out []string
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := e.Name()
			if strings.HasSuffix(name, "_test.go") || strings.HasSuffix(name, "_templ.go") {
				continue
			}
			if strings.HasSuffix(name, ".go") || strings.HasSuffix(name, ".templ") {
				out = append(out, filepath.Join(dir, name))
			}
		}
	}
	return out
}
