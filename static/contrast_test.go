package static

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// palettes reads the colour custom properties of app.css: the light theme
// (every top-level :root block, in order) and the dark theme (the light one
// overridden by the :root block inside @media (prefers-color-scheme: dark)).
func palettes(t *testing.T) (light, dark map[string]string) {
	t.Helper()
	css, err := files.ReadFile("app.css")
	if err != nil {
		t.Fatal(err)
	}
	src := regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(string(css), "")
	prop := regexp.MustCompile(`(--[a-z-]+)\s*:\s*(#[0-9a-fA-F]{6})\s*;`)
	read := func(block string, into map[string]string) {
		for _, m := range prop.FindAllStringSubmatch(block, -1) {
			into[m[1]] = strings.ToLower(m[2])
		}
	}
	light = map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^:root\s*\{([^}]*)\}`).FindAllStringSubmatch(src, -1) {
		read(m[1], light)
	}
	darkBlock := regexp.MustCompile(`@media\s*\(prefers-color-scheme:\s*dark\)\s*\{\s*:root\s*\{([^}]*)\}`).FindStringSubmatch(src)
	if darkBlock == nil {
		t.Fatal("app.css has no :root block for prefers-color-scheme: dark")
	}
	dark = map[string]string{}
	for k, v := range light {
		dark[k] = v
	}
	read(darkBlock[1], dark)
	return light, dark
}

// luminance is the WCAG 2.2 relative luminance of "#rrggbb".
func luminance(hex string) (float64, error) {
	if len(hex) != 7 || hex[0] != '#' {
		return 0, fmt.Errorf("not #rrggbb: %q", hex)
	}
	var ch [3]float64
	for i := range ch {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			return 0, fmt.Errorf("colour %q: %w", hex, err)
		}
		c := float64(v) / 255
		if c <= 0.04045 {
			ch[i] = c / 12.92
		} else {
			ch[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*ch[0] + 0.7152*ch[1] + 0.0722*ch[2], nil
}

// contrast is the WCAG contrast ratio of two colours.
func contrast(a, b string) (float64, error) {
	la, err := luminance(a)
	if err != nil {
		return 0, err
	}
	lb, err := luminance(b)
	if err != nil {
		return 0, err
	}
	hi, lo := math.Max(la, lb), math.Min(la, lb)
	return (hi + 0.05) / (lo + 0.05), nil
}

func TestContrastFormula(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want float64
	}{{"#000000", "#ffffff", 21}, {"#777777", "#ffffff", 4.48}, {"#ffffff", "#ffffff", 1}} {
		got, err := contrast(c.a, c.b)
		if err != nil || math.Abs(got-c.want) > 0.01 {
			t.Errorf("contrast(%s, %s) = %.2f, %v; want %.2f", c.a, c.b, got, err, c.want)
		}
	}
}

// TestThemesMeetContrastAA checks, in both themes, every text colour
// against each background it is drawn on (4.5:1, WCAG 1.4.3) and the
// borders of form fields and the focus ring against the page (3:1, WCAG
// 1.4.11). It logs the ratios for the record.
func TestThemesMeetContrastAA(t *testing.T) {
	light, dark := palettes(t)
	type pair struct {
		fg, bg string
		min    float64
	}
	pairs := []pair{
		{"--fg", "--bg", 4.5}, {"--muted", "--bg", 4.5}, {"--accent", "--bg", 4.5},
		{"--ok", "--bg", 4.5}, {"--bad", "--bg", 4.5}, {"--warn", "--bg", 4.5}, {"--run", "--bg", 4.5},
		// Problem panels and failed task rows.
		{"--fg", "--panel", 4.5}, {"--bad", "--panel", 4.5}, {"--muted", "--panel", 4.5}, {"--accent", "--panel", 4.5},
		{"--fg", "--note-bg", 4.5}, {"--accent", "--note-bg", 4.5},
		// Buttons: text on accent and on danger backgrounds.
		{"--on-accent", "--accent", 4.5}, {"--on-accent", "--bad", 4.5},
		// A status cell while it flashes after a change.
		{"--ok", "--flash", 4.5}, {"--bad", "--flash", 4.5}, {"--warn", "--flash", 4.5}, {"--run", "--flash", 4.5}, {"--muted", "--flash", 4.5},
		// Non-text: input borders (--muted) and the focus ring (--accent).
		{"--muted", "--bg", 3}, {"--accent", "--bg", 3},
	}
	for name, pal := range map[string]map[string]string{"light": light, "dark": dark} {
		for _, p := range pairs {
			fg, bg := pal[p.fg], pal[p.bg]
			if fg == "" || bg == "" {
				t.Errorf("%s theme: %s or %s is not defined in app.css", name, p.fg, p.bg)
				continue
			}
			ratio, err := contrast(fg, bg)
			if err != nil {
				t.Errorf("%s theme: %v", name, err)
				continue
			}
			t.Logf("%-5s %-11s %s on %-9s %s: %5.2f:1", name, p.fg, fg, p.bg, bg, ratio)
			if ratio < p.min {
				t.Errorf("%s theme: %s (%s) on %s (%s) is %.2f:1, below %.1f:1", name, p.fg, fg, p.bg, bg, ratio, p.min)
			}
		}
	}
	if light["--bg"] == dark["--bg"] {
		t.Error("the dark theme does not change the background")
	}
}
