package apiclient

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// wireFilter is the documented filter object of the list endpoints, in the
// documentation's key order; unset keys are left out.
type wireFilter struct {
	Name              string `json:"name,omitempty"`
	Status            *int   `json:"status,omitempty"`
	FromCreateTime    *int64 `json:"fromCreateTime,omitempty"`
	ToCreateTime      *int64 `json:"toCreateTime,omitempty"`
	OrderByCreateTime string `json:"orderByCreateTime,omitempty"`
}

// Filter returns the documented filter JSON object of q (only the keys
// that are set; creation times as epoch milliseconds), or "" when no key
// is set.
func (q ListQuery) Filter() string {
	var f wireFilter
	f.Name = q.Name
	if q.Status != nil {
		s := int(*q.Status)
		f.Status = &s
	}
	if !q.From.IsZero() {
		ms := q.From.UnixMilli()
		f.FromCreateTime = &ms
	}
	if !q.To.IsZero() {
		ms := q.To.UnixMilli()
		f.ToCreateTime = &ms
	}
	f.OrderByCreateTime = string(q.Order)
	if f == (wireFilter{}) {
		return ""
	}
	// Marshal cannot fail on strings and integers (invalid UTF-8 in Name is
	// replaced by U+FFFD).
	b, _ := json.Marshal(f)
	return string(b)
}

// Values returns the query parameters of a list call, like the
// documentation's curl example: filter (JSON, only the set keys; absent if
// none), pageSize and page (only when non-zero). Defaults are left out.
func (q ListQuery) Values() url.Values {
	v := url.Values{}
	if f := q.Filter(); f != "" {
		v.Set("filter", f)
	}
	if q.PageSize != 0 {
		v.Set("pageSize", strconv.Itoa(q.PageSize))
	}
	if q.Page != 0 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	return v
}

// Encode is Values().Encode() appended directly, without the map, its
// slices and the sorting of its keys: every list call sends it. It is
// built in a strings.Builder sized up front: one allocation, the string.
func (q ListQuery) Encode() string {
	f := q.Filter()
	if f != "" {
		f = url.QueryEscape(f)
	}
	var b strings.Builder
	b.Grow(len(f) + len("filter=&page=&pageSize=") + 2*maxIntLen)
	// Keys in the order url.Values.Encode sorts them.
	sep := func() {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
	}
	if f != "" {
		b.WriteString("filter=")
		b.WriteString(f)
	}
	var n [maxIntLen]byte
	if q.Page != 0 {
		sep()
		b.WriteString("page=")
		b.Write(strconv.AppendInt(n[:0], int64(q.Page), 10))
	}
	if q.PageSize != 0 {
		sep()
		b.WriteString("pageSize=")
		b.Write(strconv.AppendInt(n[:0], int64(q.PageSize), 10))
	}
	return b.String()
}

// maxIntLen is the longest decimal int, sign included.
const maxIntLen = 20

// Validate reports, as an error wrapping ErrBadParam, a query that Explorer
// would reject: a negative page or page size, or an order other than ""
// (default), "asc" and "desc". The list methods check the same before
// sending.
func (q ListQuery) Validate() error {
	if p := q.problem(); p != "" {
		return newError(p, ErrBadParam)
	}
	return nil
}

func (q ListQuery) problem() string {
	switch {
	case q.Page < 0:
		return fmt.Sprintf("page must not be negative, got %d", q.Page)
	case q.PageSize < 0:
		return fmt.Sprintf("page size must not be negative, got %d", q.PageSize)
	case q.Order != "" && q.Order != OrderAsc && q.Order != OrderDesc:
		return fmt.Sprintf("order must be %q or %q", OrderAsc, OrderDesc)
	}
	return ""
}
