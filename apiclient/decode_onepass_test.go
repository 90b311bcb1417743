package apiclient

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzDecodeOnePass checks the one-pass decoder of list answers against
// the two-pass reference (envelope, then data): same success or the same
// error (kind, reason, code), and the same page.
func FuzzDecodeOnePass(f *testing.F) {
	for _, n := range []int{0, 1, 3} {
		f.Add(benchListBody(n))
	}
	for _, s := range []string{
		`{"code":0,"data":{"items":[{"id":"7","workflowId":42,"status":9,"runBeginTime":"2022-07-12T10:33:35+08:00","runEndTime":null,"createTime":" 1657874210088 "}]}}`,
		`{"code":0,"data":{"items":[{"id":"\u0037","name":"a\"b\\c\u00e9","workflowId":-1.5e3,"runBeginTime":"-5","createTime":"0012"}]}}`,
		`{"code":0,"data":{"items":[{"id":99999999999999999999}]}}`,
		`{"code":0,"data":{"items":[{"id":"+5","workflowId":true}]}}`,
		`{"code":0,"data":null}`, `{"code":0}`, `{"code":40104001,"message":"会话过期 tok-secret","data":{"items":7}}`,
		`{"code":0,"data":{"items":[{"runEndTime":1.5}]}}`, `{"data":{}}`, ` {"code":0,"data":{}} `, `[1]`, ``,
		`{"code":0,"data":{"items":[{"name":"` + "\xff" + `"}]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var one, two wireJobPage
		errOne := decodeBody("list jobs", 200, "application/json", body, &one, []string{"tok-secret"})
		errTwo := decodeTwoPass("list jobs", 200, "application/json", body, &two, []string{"tok-secret"})
		if (errOne == nil) != (errTwo == nil) {
			t.Fatalf("one pass: %v; two passes: %v", errOne, errTwo)
		}
		if errOne != nil {
			var r1, r2 *ResponseError
			var a1, a2 *APIError
			switch {
			case errors.As(errOne, &r1) && errors.As(errTwo, &r2):
				if r1.Reason != r2.Reason {
					t.Fatalf("reason %q, want %q", r1.Reason, r2.Reason)
				}
			case errors.As(errOne, &a1) && errors.As(errTwo, &a2):
				if *a1 != *a2 {
					t.Fatalf("API error %+v, want %+v", a1, a2)
				}
			default:
				t.Fatalf("error %T, want %T", errOne, errTwo)
			}
			return
		}
		if !reflect.DeepEqual(one.page(), two.page()) {
			t.Fatalf("page %+v, want %+v", one.page(), two.page())
		}
	})
}
