package download

import (
	"bytes"
	"encoding/csv"
	"mime"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDefuse(t *testing.T) {
	for in, want := range map[string]string{
		`x;=cmd|' /C calc'!A0`:    `x;'=cmd|' /C calc'!A0`,
		`=cmd|' /C calc'!A0`:      `'=cmd|' /C calc'!A0`,
		`a,=HYPERLINK("x")`:       `a,'=HYPERLINK("x")`,
		"a\t@SUM(A1)":             "a\t'@SUM(A1)",
		"a; +1+2":                 "a;' +1+2",
		"line\n-2+3":              "line\n'-2+3",
		"\tTAB":                   "'\tTAB",
		"\r=x":                    "'\r'=x",
		"@cmd":                    "'@cmd",
		" =1":                     "' =1",
		"-0.5":                    "-0.5",
		"+7":                      "+7",
		"1e-3":                    "1e-3",
		"1;-2,+3":                 "1;-2,+3",
		"-":                       "'-",
		"pagerank_20261124091445": "pagerank_20261124091445",
		"a-b=c":                   "a-b=c",
		"":                        "",
		"图计算;=1+1":                "图计算;'=1+1",
	} {
		if got := Defuse(in); got != want {
			t.Errorf("Defuse(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzDefuse checks that no cell a spreadsheet could split out of a
// defused value starts a formula, and that defusing only ever adds
// apostrophes.
func FuzzDefuse(f *testing.F) {
	for _, s := range []string{`x;=cmd|' /C calc'!A0`, "-0.5", "\t=1", "a,b;c\td", " @x", "=1;=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Defuse(s)
		if strings.ReplaceAll(out, "'", "") != strings.ReplaceAll(s, "'", "") {
			t.Fatalf("Defuse(%q) = %q changed more than apostrophes", s, out)
		}
		if out != "" && (out[0] == '\t' || out[0] == '\r') {
			t.Fatalf("Defuse(%q) = %q starts with a tab or CR", s, out)
		}
		for _, seg := range strings.FieldsFunc(out, func(r rune) bool { return strings.ContainsRune(separators, r) }) {
			seg = strings.TrimLeft(seg, " ")
			if seg != "" && strings.ContainsRune(triggers, rune(seg[0])) && !IsNumber(seg) {
				t.Fatalf("Defuse(%q) = %q: cell %q starts a formula", s, out, seg)
			}
		}
	})
}

func TestCSVStartsWithBOMAndDefusesEveryCell(t *testing.T) {
	var buf bytes.Buffer
	w := NewCSV(&buf)
	rec := []string{"名字", `x;=cmd|' /C calc'!A0`, "-0.5"}
	for _, r := range [][]string{{"Name", "Cell", "Value"}, rec} {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if rec[1] != `x;=cmd|' /C calc'!A0` {
		t.Error("Write changed the caller's record")
	}
	body, ok := bytes.CutPrefix(buf.Bytes(), []byte{0xEF, 0xBB, 0xBF})
	if !ok {
		t.Fatalf("CSV starts with % x, want the UTF-8 byte-order mark", buf.Bytes()[:min(3, buf.Len())])
	}
	got, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1][0] != "名字" || got[1][1] != `x;'=cmd|' /C calc'!A0` || got[1][2] != "-0.5" {
		t.Errorf("records %q", got)
	}
	var empty bytes.Buffer
	if err := NewCSV(&empty).Flush(); err != nil || empty.Len() != 0 {
		t.Errorf("a CSV with no records wrote %q", empty.String())
	}
}

func TestFileName(t *testing.T) {
	for _, tc := range []struct {
		parts []string
		want  string
	}{
		{[]string{"jobs", "all", "failed", "2026-12-01"}, "jobs-all-failed-2026-12-01.csv"},
		{[]string{"jobs", "图计算 PageRank", "2026-12-01"}, "jobs-图计算-PageRank-2026-12-01.csv"},
		{[]string{"jobs", "a\"; filename=evil.exe\r\nX-Injected: 1", ""}, "jobs-a-filename-evil-exe-X-Injected-1.csv"},
		{[]string{"../../etc/passwd"}, "etc-passwd.csv"},
		{[]string{"", "  ", "\u202Egnp.exe"}, "gnp-exe.csv"},
		{nil, "download.csv"},
		{[]string{strings.Repeat("x", 100)}, strings.Repeat("x", maxPartRunes) + ".csv"},
	} {
		if got := FileName("csv", tc.parts...); got != tc.want {
			t.Errorf("FileName(%q) = %q, want %q", tc.parts, got, tc.want)
		}
	}
}

func TestDispositionASCIIFallbackAndRFC5987(t *testing.T) {
	for _, tc := range []struct{ name, ascii string }{
		{"jobs-all-2026-12-01.csv", "jobs-all-2026-12-01.csv"},
		{"jobs-图计算-2026-12-01.csv", "jobs-2026-12-01.csv"},
		{"图计算-页面排名-10-rows.csv", "10-rows.csv"},
		{"图计算.csv", "download.csv"},
		{"Ünïcode_x-1.json", "ncode_x-1.json"},
	} {
		d := Disposition(tc.name)
		if strings.ContainsAny(d, "\r\n") || !utf8.ValidString(d) || strings.IndexFunc(d, func(r rune) bool { return r >= utf8.RuneSelf }) >= 0 {
			t.Errorf("Disposition(%q) = %q is not plain ASCII on one line", tc.name, d)
		}
		if !strings.Contains(d, `filename="`+tc.ascii+`"`) {
			t.Errorf("Disposition(%q) = %q, want the ASCII fallback %q", tc.name, d, tc.ascii)
		}
		disp, params, err := mime.ParseMediaType(d)
		if err != nil || disp != "attachment" || params["filename"] != tc.name {
			t.Errorf("Disposition(%q) = %q parses as %q %q %v", tc.name, d, disp, params, err)
		}
	}
}

func TestAttach(t *testing.T) {
	h := http.Header{}
	Attach(h, "text/csv; charset=utf-8", "jobs-all.csv")
	for k, v := range map[string]string{
		"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="jobs-all.csv"`,
		"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
	} {
		if h.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, h.Get(k), v)
		}
	}
}

func TestIsNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"0.150000": true, "1003": true, "-3": true, "+2": true, "1e-5": true, "2.5E+3": true, ".5": true, "5.": true,
		"": false, "player110": false, "-": false, ".": false, "1e": false, "0x1F": false, "NaN": false, "Inf": false,
		"1,000": false, " 1": false, "1 ": false, "=1+2": false, "-1+2": false, "1_000": false,
	} {
		if got := IsNumber(s); got != want {
			t.Errorf("IsNumber(%q) = %v, want %v", s, got, want)
		}
	}
}
