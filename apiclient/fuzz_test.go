package apiclient

import (
	"errors"
	"strings"
	"testing"
)

// FuzzDecodeListPage feeds arbitrary bodies to the list decoder: it must
// never panic, must fail with a typed error, never quote a body it refuses,
// and a success must have non-nil Items.
func FuzzDecodeListPage(f *testing.F) {
	f.Add([]byte(`{"code":0,"data":{"items":[{"id":115,"name":"workflow_q745a_20220715163650","workflowId":"4216617528","workflowName":"workflow_q745a","status":2,"runBeginTime":1657874212000,"runEndTime":1657874218000,"createTime":1657874210088}],"total":1,"Page":1,"PageSize":10},"message":"Success"}`))
	f.Add([]byte(`{"code":0,"data":{"items":null,"total":0,"Page":3,"PageSize":10}}`))
	f.Add([]byte(`{"code":0,"data":{"items":[{"id":"7","workflowId":42,"status":9,"runBeginTime":"2022-07-12T10:33:35+08:00","runEndTime":null}]}}`))
	f.Add([]byte(`{"code":40104001,"message":"会话过期","data":null}`))
	f.Add([]byte(`<html><body>502 Bad Gateway</body></html>`))
	f.Add([]byte(`{"code":0,"data":{"items":[{"id":1`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, body []byte) {
		data, err := decodeEnvelope("list jobs", 200, "application/json", body, "tok-secret")
		if err != nil {
			var apiErr *APIError
			var respErr *ResponseError
			if !errors.As(err, &apiErr) && !errors.As(err, &respErr) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			if apiErr != nil && strings.Contains(apiErr.Message, "tok-secret") {
				t.Fatalf("message %q keeps the token", apiErr.Message)
			}
			if respErr != nil && !errors.Is(err, ErrBadResponse) {
				t.Fatalf("ResponseError %v does not match ErrBadResponse", err)
			}
			return
		}
		page, err := decodeJobPage(data)
		if err == nil && page.Items == nil {
			t.Fatalf("success with nil Items for %q", body)
		}
	})
}
