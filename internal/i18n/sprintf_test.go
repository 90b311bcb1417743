package i18n

import (
	"fmt"
	"testing"
)

// TestSprintfMatchesFmt checks the fast formatter against fmt.Sprintf on
// the verbs the catalogs use and on everything it hands over to fmt.
func TestSprintfMatchesFmt(t *testing.T) {
	cases := []struct {
		msg  string
		args []any
	}{
		{"%d min", []any{7}},
		{"%s ago", []any{"7 min"}},
		{"Showing %s–%s of %s jobs", []any{"21", "40", "2,345"}},
		{"%d %%", []any{int64(-42)}},
		{"%v and %v", []any{"a", 3}},
		{"no verbs", nil},
		{"100%% sure", nil},
		{"%s", []any{"<b>"}},
		{"%s %s", []any{"only one"}},          // missing argument
		{"%s", []any{"a", "b"}},               // extra argument
		{"%d", []any{"not a number"}},         // wrong type
		{"%s", []any{12}},                     // wrong type
		{"%q", []any{"quoted"}},               // other verb
		{"%5d", []any{3}},                     // width
		{"%[2]s %[1]s", []any{"a", "b"}},      // explicit index
		{"%d", []any{uint8(3)}},               // other integer type
		{"%s", []any{fmt.Errorf("an error")}}, // a Stringer/error
		{"trailing %", []any{}},               // lone percent
		{"状态 %s，共 %d 个", []any{"失败", 2345}},   // multi-byte text
	}
	for _, c := range cases {
		if got, want := sprintf(c.msg, c.args), fmt.Sprintf(c.msg, c.args...); got != want {
			t.Errorf("sprintf(%q, %v) = %q, want %q", c.msg, c.args, got, want)
		}
	}
}

// FuzzSprintf checks the fast formatter never differs from fmt.Sprintf.
func FuzzSprintf(f *testing.F) {
	f.Add("%s ago", "7 min", 3)
	f.Add("%d h %d min", "x", -1)
	f.Add("%%%s%", "", 0)
	f.Fuzz(func(t *testing.T, msg, s string, n int) {
		for _, args := range [][]any{{s}, {n}, {s, n}, {n, s}, nil} {
			if got, want := sprintf(msg, args), fmt.Sprintf(msg, args...); got != want {
				t.Fatalf("sprintf(%q, %v) = %q, want %q", msg, args, got, want)
			}
		}
	})
}

// BenchmarkT formats a message with a count, as every table cell does.
func BenchmarkT(b *testing.B) {
	l := For(English)
	b.ReportAllocs()
	for b.Loop() {
		_ = l.T("ago.past", l.T("ago.min", 7))
	}
}
