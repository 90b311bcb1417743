package jobquery

import (
	"math/bits"
	"strings"

	"jobboard/apiclient"
)

// StatusSet is a set of the documented statuses; the zero value is the
// empty set, which a Query reads as "no status filter". Every documented
// status at once is the same list, so sets are normalised to the empty set
// (see Normal).
type StatusSet uint8

// all is every documented status.
var all = SetOf(apiclient.Statuses...)

// SetOf returns the set of the given statuses; undocumented codes are left out.
func SetOf(sts ...apiclient.Status) StatusSet {
	var s StatusSet
	for _, st := range sts {
		if st.Known() {
			s |= 1 << uint(st)
		}
	}
	return s
}

// Has reports whether st is in the set.
func (s StatusSet) Has(st apiclient.Status) bool { return st.Known() && s&(1<<uint(st)) != 0 }

// Len is the number of statuses in the set.
func (s StatusSet) Len() int { return bits.OnesCount8(uint8(s)) }

// Normal returns the set as a filter means it: every status is no filter.
func (s StatusSet) Normal() StatusSet {
	if s&all == all {
		return 0
	}
	return s & all
}

// Toggled returns the set with st added, or removed when it was in it.
// From the empty set (no filter) it is the set of st alone: the first
// choice picks a status, later ones add or remove. Removing the last
// status leaves no filter.
func (s StatusSet) Toggled(st apiclient.Status) StatusSet {
	if s == 0 {
		return SetOf(st)
	}
	return (s ^ SetOf(st)).Normal()
}

// Statuses lists the set in code order (nil for the empty set).
func (s StatusSet) Statuses() []apiclient.Status {
	var out []apiclient.Status
	for _, st := range apiclient.Statuses {
		if s.Has(st) {
			out = append(out, st)
		}
	}
	return out
}

// Single returns the one status of a set of one.
func (s StatusSet) Single() (apiclient.Status, bool) {
	if s.Len() != 1 {
		return 0, false
	}
	return apiclient.Status(bits.TrailingZeros8(uint8(s))), true
}

// Word is the set's canonical URL value: the status words in code order,
// separated by commas ("failed,cancelled"); "" for the empty set.
func (s StatusSet) Word() string {
	if st, ok := s.Single(); ok {
		return st.Word()
	}
	var buf [64]byte
	return string(s.appendWord(buf[:0]))
}

// appendWord appends Word() to b.
func (s StatusSet) appendWord(b []byte) []byte {
	start := len(b)
	for _, st := range apiclient.Statuses {
		if s.Has(st) {
			if len(b) > start {
				b = append(b, ',')
			}
			b = append(b, st.Word()...)
		}
	}
	return b
}

// Shortcut is a named status set offered in the filter form.
type Shortcut struct {
	Word string    // accepted in the URL's status value; expands to Set
	Key  string    // message key of its label
	Set  StatusSet // what it stands for
}

// Shortcuts are the named sets, in display order. They are input only: a
// URL naming one is canonicalised to its statuses, so each list has one
// canonical URL.
var Shortcuts = []Shortcut{
	{Word: "problems", Key: "filter.problems", Set: SetOf(apiclient.StatusFailed, apiclient.StatusInterrupted)},
	{Word: "inprogress", Key: "filter.inProgress", Set: SetOf(apiclient.StatusPreparing, apiclient.StatusRunning, apiclient.StatusStopping)},
}

// ParseStatusSet reads a status value: comma-separated words, codes,
// aliases (as apiclient.ParseStatus accepts) or shortcut words, in any
// order and case; repeats and empty items are ignored. It reports false
// when any item is none of these.
func ParseStatusSet(values ...string) (StatusSet, bool) {
	var s StatusSet
	for _, v := range values {
		for item := range strings.SplitSeq(v, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			if sc, ok := shortcut(item); ok {
				s |= sc.Set
				continue
			}
			st, ok := apiclient.ParseStatus(item)
			if !ok {
				return 0, false
			}
			s |= SetOf(st)
		}
	}
	return s.Normal(), true
}

// shortcutSeparators drops the separators a shortcut's word may be
// written with. Built once: a Replacer builds its tables on first use, a
// dozen kilobytes that every status word of every list URL paid when it
// was built per call. A Replacer is safe for concurrent use.
var shortcutSeparators = strings.NewReplacer("-", "", "_", "")

// shortcut finds a shortcut by its word, any case; "in-progress" and
// "in_progress" are accepted too.
func shortcut(word string) (Shortcut, bool) {
	w := shortcutSeparators.Replace(strings.ToLower(word))
	for _, sc := range Shortcuts {
		if sc.Word == w {
			return sc, true
		}
	}
	return Shortcut{}, false
}
