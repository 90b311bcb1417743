// Package htmlcheck validates jobboard's HTML with the Nu Html Checker
// (vnu.jar, from npm's vnu-jar, run with the machine's Java). Its test boots
// the dashboard against the simulator, fetches every page and htmx
// fragment in English and Chinese and checks them all in one JVM run.
package htmlcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// VNUVersion is the vnu-jar release .ci/run installs.
const VNUVersion = "26.9.27"

// InstallHint is the command that installs vnu.jar where FindJar looks.
const InstallHint = "npm install --prefix \"$HOME/.cache/jobboard-vnu\" vnu-jar@" + VNUVersion

// FindJar returns the path of vnu.jar: $VNU_JAR when set, else the npm
// install under $HOME/.cache/jobboard-vnu (see InstallHint).
func FindJar() (string, error) {
	if p := os.Getenv("VNU_JAR"); p != "" {
		if _, err := os.Stat(p); err != nil { //nolint:gosec // G703: the developer names the jar; checking it exists is the point
			return "", fmt.Errorf("VNU_JAR: %w", err)
		}
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find vnu.jar: %w", err)
	}
	p := filepath.Join(home, ".cache", "jobboard-vnu", "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("find vnu.jar: %w", err)
	}
	return p, nil
}

// Message is one problem vnu reported.
type Message struct {
	File    string // the checked file's path
	Line    int    // last line of the problem (vnu's lastLine)
	Column  int
	Type    string // "error", "info" (with SubType "warning") or "non-document-error"
	Text    string // vnu's message
	Extract string // the markup around it
}

func (m Message) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s [%s]", m.File, m.Line, m.Column, m.Type, m.Text, strings.TrimSpace(m.Extract))
}

// report is vnu's --format json output.
type report struct {
	Messages []struct {
		Type        string `json:"type"`
		URL         string `json:"url"`
		LastLine    int    `json:"lastLine"`
		FirstColumn int    `json:"firstColumn"`
		Message     string `json:"message"`
		Extract     string `json:"extract"`
	} `json:"messages"`
}

// htmxAttribute matches vnu's complaint about an htmx attribute (hx-get,
// hx-target:inherited …). htmx's attributes are not in HTML's vocabulary
// and htmx 4's ":inherited" suffix cannot be spelled as a data-*
// attribute (a colon is not allowed there), so these — and only these —
// are allowed.
var htmxAttribute = regexp.MustCompile(`^Attribute “hx-[a-z-]+(:[a-z]+)?” not allowed on element “[a-z]+” at this point\.$`)

// Result is what one vnu run found.
type Result struct {
	Errors      []Message // every error but the htmx attributes
	IgnoredHTMX int       // complaints about htmx attributes, allowed
}

// Check runs vnu once over files (--errors-only --format json) and returns
// its errors, except the complaints about htmx attributes (see
// htmxAttribute), which it only counts. An error running Java or reading
// its report is returned as err.
func Check(ctx context.Context, jar string, files []string) (Result, error) {
	var res Result
	if len(files) == 0 {
		return res, nil
	}
	args := append([]string{"-jar", jar, "--errors-only", "--format", "json"}, files...)
	cmd := exec.CommandContext(ctx, "java", args...) //nolint:gosec // G204: runs the checker jar on the test's own temp files
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	// vnu writes its JSON report to stderr and exits 1 when it found errors.
	var rep report
	if err := json.Unmarshal(stderr.Bytes(), &rep); err != nil {
		if runErr != nil {
			return res, fmt.Errorf("run vnu: %w: %s", runErr, firstLine(stderr.String()+stdout.String()))
		}
		return res, fmt.Errorf("read vnu report: %w", err)
	}
	for _, m := range rep.Messages {
		if m.Type == "error" && htmxAttribute.MatchString(m.Message) {
			res.IgnoredHTMX++
			continue
		}
		res.Errors = append(res.Errors, Message{
			File: filePath(m.URL), Line: m.LastLine, Column: m.FirstColumn,
			Type: m.Type, Text: m.Message, Extract: m.Extract,
		})
	}
	var exit *exec.ExitError
	if runErr != nil && !errors.As(runErr, &exit) {
		return res, fmt.Errorf("run vnu: %w", runErr)
	}
	return res, nil
}

// filePath turns vnu's file: URL back into a path.
func filePath(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "file" {
		return u
	}
	return p.Path
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// WrapFragment makes an htmx fragment a minimal valid document, so that
// vnu checks the fragment's own markup: a doctype, <html lang>, a <title>,
// and the fragment as the body's content. ids the fragment points at in
// the page it is swapped into (form="filters") are supplied as empty
// elements after it, named by extraIDs.
func WrapFragment(lang, fragment string, formIDs ...string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"" + lang + "\"><head><meta charset=\"utf-8\"><title>fragment</title></head><body>\n")
	b.WriteString(fragment)
	for _, id := range formIDs {
		b.WriteString("\n<form id=\"" + id + "\"></form>")
	}
	b.WriteString("\n</body></html>\n")
	return b.String()
}
