package apiclient

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// FuzzDecodeListPage feeds arbitrary bodies to the list decoder production
// uses (decodeBody into a JobPage sized for the page: the hand-written
// decoder, and encoding/json for what it refuses) and holds it against the
// encoding/json reference (envelope, then data): the same success or the
// same error (kind, reason, code), and the same page. It must never panic,
// must fail with a typed error that never keeps the token, and a success
// has non-nil Items.
func FuzzDecodeListPage(f *testing.F) {
	for _, n := range []int{0, 1, 3} {
		f.Add(benchListBody(n))
	}
	for _, s := range append(append([]string{
		`{"code":0,"data":{"items":[{"id":115,"name":"workflow_q745a_20220715163650","workflowId":"4216617528","workflowName":"workflow_q745a","status":2,"runBeginTime":1657874212000,"runEndTime":1657874218000,"createTime":1657874210088}],"total":1,"Page":1,"PageSize":10},"message":"Success"}`,
		`{"code":0,"data":{"items":null,"total":0,"Page":3,"PageSize":10}}`,
		`{"code":0,"data":{"items":[{"id":"7","workflowId":42,"status":9,"runBeginTime":"2022-07-12T10:33:35+08:00","runEndTime":null,"createTime":" 1657874210088 "}]}}`,
		`{"code":0,"data":{"items":[{"id":"\u0037","name":"a\"b\\c\u00e9","workflowId":-1.5e3,"runBeginTime":"-5","createTime":"0012"}]}}`,
		`{"code":0,"data":{"items":[{"id":99999999999999999999}]}}`,
		`{"code":0,"data":{"items":[{"id":"+5","workflowId":true}]}}`,
		`{"code":0,"data":{"items":[{"runEndTime":1.5}]}}`,
		`{"code":0,"data":{"items":[{"name":"` + "\xff" + `"}]}}`,
		`{"code":40104001,"message":"会话过期 tok-secret","data":{"items":7}}`,
		`{"code":0,"data":null}`, `{"code":0}`, `{"data":{}}`, ` {"code":0,"data":{}} `, `[1]`,
		`<html><body>502 Bad Gateway</body></html>`,
		`{"code":0,"data":{"items":[{"id":1`,
		``,
	}, fastSeeds...), fastRefused...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got := JobPage{Items: make([]Job, 0, 3)}
		errGot := decodeBody("list jobs", 200, "application/json", body, &got, []string{"tok-secret"})
		want, errWant := referenceListPage(body)
		if (errGot == nil) != (errWant == nil) {
			t.Fatalf("decodeBody: %v; reference: %v", errGot, errWant)
		}
		if errGot != nil {
			var r1, r2 *ResponseError
			var a1, a2 *APIError
			switch {
			case errors.As(errGot, &r1) && errors.As(errWant, &r2):
				if r1.Reason != r2.Reason {
					t.Fatalf("reason %q, want %q", r1.Reason, r2.Reason)
				}
				if !errors.Is(errGot, ErrBadResponse) {
					t.Fatalf("ResponseError %v does not match ErrBadResponse", errGot)
				}
			case errors.As(errGot, &a1) && errors.As(errWant, &a2):
				if *a1 != *a2 {
					t.Fatalf("API error %+v, want %+v", a1, a2)
				}
				if strings.Contains(a1.Message, "tok-secret") {
					t.Fatalf("message %q keeps the token", a1.Message)
				}
			default:
				t.Fatalf("error %T (%v), want %T", errGot, errGot, errWant)
			}
			return
		}
		if got.Items == nil {
			t.Fatalf("success with nil Items for %q", body)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("page %+v\nwant %+v", got, want)
		}
	})
}

// benchListBody is a list answer of n jobs shaped like Explorer's: epoch
// milliseconds, string workflow IDs, a running job without an end time.
func benchListBody(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"code":0,"message":"Success","data":{"items":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		end := 1657874218000 + int64(i)*1000
		status := 2 + i%3
		if i%7 == 0 {
			end, status = 0, 1
		}
		fmt.Fprintf(&b, `{"id":%d,"name":"workflow_q745a_20220715%06d","workflowId":"4216617528","workflowName":"workflow_q745a","status":%d,"runBeginTime":%d,"runEndTime":%d,"createTime":%d,"tasks":null}`,
			115+i, i, status, 1657874212000+int64(i)*1000, end, 1657874210088+int64(i)*1000)
	}
	fmt.Fprintf(&b, `],"total":%d,"Page":1,"PageSize":%d}}`, 2345, n)
	return []byte(b.String())
}

// decodeListBody decodes a list call's body as Client.listJobs does, into
// a page sized for pageSize.
func decodeListBody(body []byte, pageSize int) (JobPage, error) {
	p := JobPage{Items: make([]Job, 0, pageCapacity(pageSize))}
	err := decodeBody("list jobs", 200, "application/json", body, &p, []string{"tok-secret"})
	return p, err
}

// BenchmarkDecodeListPage decodes an upstream list page of 20 and 100 jobs
// into a JobPage.
func BenchmarkDecodeListPage(b *testing.B) {
	for _, n := range []int{20, 100} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			body := benchListBody(n)
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				p, err := decodeListBody(body, n)
				if err != nil || len(p.Items) != n {
					b.Fatalf("decode: %d items, %v", len(p.Items), err)
				}
			}
		})
	}
}
