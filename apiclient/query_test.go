package apiclient_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"jobboard/apiclient"
)

// seedCurlQuery is the query string of the list endpoint's documented curl
// example (docs/explorer-api.md), whose filter is
// {"status": 2, "fromCreateTime": 1657874100000}.
const seedCurlQuery = "filter=%7B%22status%22%3A%202%2C%20%20%22fromCreateTime%22%3A%201657874100000%7D&pageSize=10&page=1"

func TestListQueryValuesMatchesSeedCurlExample(t *testing.T) {
	q := apiclient.ListQuery{
		Status:   statusPtr(apiclient.StatusSuccess),
		From:     time.UnixMilli(1657874100000),
		PageSize: 10,
		Page:     1,
	}
	gotFilter, gotRest := splitQuery(t, q.Values().Encode())
	wantFilter, wantRest := splitQuery(t, seedCurlQuery)
	if diff := cmp.Diff(wantFilter, gotFilter); diff != "" {
		t.Errorf("filter differs from the documented example (-doc +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantRest, gotRest); diff != "" {
		t.Errorf("pageSize/page differ from the documented example (-doc +got):\n%s", diff)
	}
}

func TestListQueryValues(t *testing.T) {
	tests := []struct {
		name       string
		q          apiclient.ListQuery
		wantFilter map[string]any
		wantRest   url.Values
	}{
		{
			name:     "zero query sends nothing",
			q:        apiclient.ListQuery{},
			wantRest: url.Values{},
		},
		{
			name:       "status 0 (Preparing) is a set filter, not a default",
			q:          apiclient.ListQuery{Status: statusPtr(apiclient.StatusPreparing)},
			wantFilter: map[string]any{"status": json.Number("0")},
			wantRest:   url.Values{},
		},
		{
			name: "every key",
			q: apiclient.ListQuery{
				Name:     "q745a 2022&x=1",
				Status:   statusPtr(apiclient.StatusFailed),
				From:     time.UnixMilli(1657848036000),
				To:       time.UnixMilli(1657848157000).In(time.FixedZone("CST", 8*3600)),
				Order:    apiclient.OrderAsc,
				Page:     3,
				PageSize: 50,
			},
			wantFilter: map[string]any{
				"name":              "q745a 2022&x=1",
				"status":            json.Number("3"),
				"fromCreateTime":    json.Number("1657848036000"),
				"toCreateTime":      json.Number("1657848157000"),
				"orderByCreateTime": "asc",
			},
			wantRest: url.Values{"page": {"3"}, "pageSize": {"50"}},
		},
		{
			name:       "Chinese name",
			q:          apiclient.ListQuery{Name: "工作流", Order: apiclient.OrderDesc},
			wantFilter: map[string]any{"name": "工作流", "orderByCreateTime": "desc"},
			wantRest:   url.Values{},
		},
		{
			name:     "page size only",
			q:        apiclient.ListQuery{PageSize: 100},
			wantRest: url.Values{"pageSize": {"100"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			enc := tt.q.Values().Encode()
			gotFilter, gotRest := splitQuery(t, enc)
			if diff := cmp.Diff(tt.wantFilter, gotFilter); diff != "" {
				t.Errorf("filter of %q (-want +got):\n%s", enc, diff)
			}
			if diff := cmp.Diff(tt.wantRest, gotRest); diff != "" {
				t.Errorf("other parameters of %q (-want +got):\n%s", enc, diff)
			}
		})
	}
}

func TestListQueryValidate(t *testing.T) {
	tests := []struct {
		name    string
		q       apiclient.ListQuery
		wantErr bool
	}{
		{"zero", apiclient.ListQuery{}, false},
		{"asc", apiclient.ListQuery{Order: apiclient.OrderAsc, Page: 2, PageSize: 20}, false},
		{"negative page", apiclient.ListQuery{Page: -1}, true},
		{"negative page size", apiclient.ListQuery{PageSize: -5}, true},
		{"unknown order", apiclient.ListQuery{Order: "sideways"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.q.Validate()
			if (err != nil) != tt.wantErr {
				t.Fatalf("Validate() = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, apiclient.ErrBadParam) {
				t.Errorf("Validate() = %v, want it to wrap ErrBadParam", err)
			}
		})
	}
}

func TestListRejectsInvalidQueryWithoutCalling(t *testing.T) {
	c, rec := serve(t, 200, `{"code":0,"data":{"items":[]}}`)
	_, err := c.ListJobs(ctxT(t), testToken, apiclient.ListQuery{Page: -2})
	if !errors.Is(err, apiclient.ErrBadParam) {
		t.Fatalf("ListJobs(page -2) = %v, want ErrBadParam", err)
	}
	if n := rec.count(); n != 0 {
		t.Errorf("server received %d requests, want none", n)
	}
}

// TestListQueryEncodeMatchesValues checks that the query string the list
// calls send is exactly url.Values' encoding of the same query, for empty,
// paged, filtered (names with characters that need escaping, statuses,
// times, order) queries.
func TestListQueryEncodeMatchesValues(t *testing.T) {
	from := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	failed := apiclient.StatusFailed
	for _, q := range []apiclient.ListQuery{
		{},
		{PageSize: 20},
		{Page: 3, PageSize: 100},
		{Page: 1},
		{Order: apiclient.OrderDesc, PageSize: 20, Page: 2},
		{Name: `a&b=c "d" +é%`, Status: &failed, From: from, To: from.Add(time.Hour), Order: apiclient.OrderAsc, PageSize: 50, Page: 7},
	} {
		if got, want := q.Encode(), q.Values().Encode(); got != want {
			t.Errorf("%+v: Encode %q, Values().Encode() %q", q, got, want)
		}
	}
}
