package apiclient

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
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
// slices and the sorting of its keys: every list call sends it.
func (q ListQuery) Encode() string {
	f := q.Filter()
	if f != "" {
		f = url.QueryEscape(f)
	}
	b := make([]byte, 0, len(f)+len("filter=&page=&pageSize=")+40)
	// Keys in the order url.Values.Encode sorts them.
	sep := func() {
		if len(b) > 0 {
			b = append(b, '&')
		}
	}
	if f != "" {
		b = append(b, "filter="...)
		b = append(b, f...)
	}
	if q.Page != 0 {
		sep()
		b = append(b, "page="...)
		b = strconv.AppendInt(b, int64(q.Page), 10)
	}
	if q.PageSize != 0 {
		sep()
		b = append(b, "pageSize="...)
		b = strconv.AppendInt(b, int64(q.PageSize), 10)
	}
	return string(b)
}

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
