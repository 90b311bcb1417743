package apiclient

import (
	"fmt"
	"strings"
	"testing"
)

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
