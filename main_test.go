package main

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// layoutRow is a path cell of the README's layout table: `main.go`,
// `handlers/`, `internal/app/`.
var layoutRow = regexp.MustCompile("^\\| `([^`]+)` \\|")

// TestReadmeLayoutMatchesTree keeps the README's layout table true: every
// top-level entry and every folder holding Go code is named there, and
// everything named there exists.
func TestReadmeLayoutMatchesTree(t *testing.T) {
	f, err := os.Open("README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var named []string
	inLayout := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			inLayout = line == "## Layout"
			continue
		}
		if m := layoutRow.FindStringSubmatch(line); inLayout && m != nil {
			named = append(named, strings.TrimSuffix(m[1], "/"))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(named) == 0 {
		t.Fatal("README.md has no layout table under '## Layout'")
	}

	want := map[string]bool{}
	top, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range top {
		name := e.Name()
		if strings.HasPrefix(name, ".") || name == "jobboard" || strings.HasPrefix(name, "jobboard.db") || name == "screenshots" {
			continue // dotfiles, and what a local build or run leaves behind (git-ignored)
		}
		if !e.IsDir() && (strings.HasSuffix(name, "_test.go") || name == "go.sum") {
			continue
		}
		want[name] = true
	}
	err = filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata" || d.Name() == "screenshots") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && strings.Contains(path, "/") {
			want[filepath.Dir(path)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for path := range want {
		if !slices.Contains(named, path) {
			t.Errorf("README layout table does not name %s", path)
		}
	}
	for _, path := range named {
		if _, err := os.Stat(path); err != nil {
			t.Errorf("README layout table names %s, which does not exist", path)
		}
	}
}
