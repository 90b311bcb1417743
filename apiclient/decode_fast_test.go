package apiclient

import (
	"reflect"
	"strings"
	"testing"
)

// fastSeeds are list answers the fast path must decode itself, each with
// something the usual answer lacks.
var fastSeeds = []string{
	`{"code":0,"message":"Success","data":{"items":[],"total":0,"Page":1,"PageSize":20}}`,
	// keys in another order, whitespace everywhere, unknown fields of every kind
	" \n{ \"data\" : {\t\"PageSize\" : 20 , \"items\" : [ { \"createTime\" : 1657874210088 , \"x\" : {\"a\":[1,2.5e-3,{\"b\":null}],\"c\":true} , \"id\" : 7 } ] , \"Page\" : 2 , \"total\" : 41 } , \"message\" : null , \"code\" : 0 } \r\n",
	// escapes and surrogate pairs, in skipped strings and in kept ones
	`{"code":0,"message":"ok \u00e9 \ud83d\ude00 \"q\"","data":{"note":"\ud83d\ude00\n\\\/\t","items":[{"id":"15","name":"a\"b\\c\u00e9\ud83d\ude00 lone \udc00 end","workflowId":"wf\u0031","workflowName":"数据 \ud800x","status":3,"runBeginTime":null,"runEndTime":0,"createTime":-5}]}}`,
	// numeric workflow ID kept as sent, negative and zero times, null fields
	`{"code":0,"data":{"items":[{"id":-3,"workflowId":-1.5e3,"name":null,"workflowName":null,"status":null,"runBeginTime":1,"runEndTime":0},{"workflowId":null}],"total":null}}`,
	// invalid UTF-8 in a kept string and in a skipped one, 18-digit and -0 integers
	`{"code":0,"data":{"items":[{"name":"a` + "\xff\xc3" + `b","x":"` + "\xe9" + `","id":999999999999999999,"status":-0}],"total":0}}`,
}

// fastRefused are answers the fast path must leave to encoding/json.
var fastRefused = []string{
	`{"code":40104001,"message":"expired","data":{"items":[]}}`,
	`{"message":"no code","data":{"items":[]}}`,
	`{"code":0,"data":null}`,
	`{"code":0}`,
	`{"code":0,"data":{"items":[{"id":1,"id":2}]}}`,                            // repeated key
	`{"code":0,"data":{"items":[{"ID":1}]}}`,                                   // matches only without regard to case
	`{"code":0,"data":{"items":[{"\u0069d":1}]}}`,                              // escaped key
	`{"code":0,"data":{"items":[{"runEndTime":"2022-07-12T10:33:35+08:00"}]}}`, // time as text
	`{"code":0,"data":{"items":[{"status":1.5}]}}`,
	`{"code":0,"data":{"items":[null]}}`,
	`{"code":0,"data":{"items":[]}} x`,
	`{"code":0,"data":{"items":[]}`,
	`{"code":0,"data":{"items":[],"x":"` + "\x01" + `"}}`,
	`{"code":0,"data":{"items":[],"x":"\x"}}`,
	`{"code":0,"data":{"items":[],"x":01}}`,
	`{"code":0,"data":{"items":[{"id":01}]}}`,                    // leading zero in a kept integer
	`{"code":0,"data":{"items":[{"status":2e0}]}}`,               // exponent
	`{"code":0,"data":{"items":[{"createTime":1.0}]}}`,           // fraction
	`{"code":0,"data":{"items":[],"total":1000000000000000000}}`, // 19 digits
	`{"code":0,"data":{"items":[],"total":-}}`,
	`{"code":0,"data":{"items":[{"` + "\xc3\xafd" + `":1}]}}`, // non-ASCII key
	`{"code":0,"data":{"items":[],"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}}`,
}

// referenceListPage decodes body with encoding/json only.
func referenceListPage(body []byte) (JobPage, error) {
	var w wireJobPage
	if err := decodeTwoPass("list jobs", 200, "application/json", body, &w, []string{"tok-secret"}); err != nil {
		return JobPage{}, err
	}
	return w.page(), nil
}

// TestDecodeListPageFastAccepts checks that usual and unusual but valid
// answers take the fast path and give encoding/json's result.
func TestDecodeListPageFastAccepts(t *testing.T) {
	seeds := append([]string{string(benchListBody(20)), string(benchListBody(1))}, fastSeeds...)
	for _, body := range seeds {
		var fast JobPage
		if !decodeListPageFast([]byte(body), &fast) {
			t.Errorf("fast path refused %s", body)
			continue
		}
		want, err := referenceListPage([]byte(body))
		if err != nil {
			t.Fatalf("reference refused %s: %v", body, err)
		}
		if !reflect.DeepEqual(fast, want) {
			t.Errorf("%s:\nfast      %+v\nreference %+v", body, fast, want)
		}
	}
	var p JobPage
	decodeListPageFast([]byte(fastSeeds[2]), &p)
	if got, want := p.Items[0].Name, "a\"b\\c\u00e9\U0001F600 lone \uFFFD end"; got != want {
		t.Errorf("name %q, want %q", got, want)
	}
	if got := p.Items[0].Created; !got.IsZero() {
		t.Errorf("negative createTime gives %v, want the zero time", got)
	}
}

// TestDecodeListPageFastFillsCapacity checks that a page decodes into the
// capacity its caller gave (the page size) without a new backing array.
func TestDecodeListPageFastFillsCapacity(t *testing.T) {
	p := JobPage{Items: make([]Job, 0, 20)}
	backing := &p.Items[:1][0]
	if !decodeListPageFast(benchListBody(20), &p) || len(p.Items) != 20 {
		t.Fatalf("decoded %d jobs, want 20", len(p.Items))
	}
	if &p.Items[0] != backing {
		t.Error("the jobs went to a new slice instead of the one sized for the page")
	}
}

// TestDecodeListPageFastRefuses checks that the fast path leaves errors,
// repeated and case-folded keys and unusual forms to encoding/json, and
// that decodeBody still answers them as before.
func TestDecodeListPageFastRefuses(t *testing.T) {
	for _, body := range fastRefused {
		var fast JobPage
		if decodeListPageFast([]byte(body), &fast) {
			t.Errorf("fast path accepted %s", body)
		}
		if !reflect.DeepEqual(fast, JobPage{}) {
			t.Errorf("fast path wrote %+v for %s", fast, body)
		}
		var got JobPage
		errGot := decodeBody("list jobs", 200, "application/json", []byte(body), &got, nil)
		want, errWant := referenceListPage([]byte(body))
		if (errGot == nil) != (errWant == nil) || errGot != nil && errGot.Error() != errWant.Error() {
			t.Errorf("%s: error %v, want %v", body, errGot, errWant)
		}
		if errGot == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%s: page %+v, want %+v", body, got, want)
		}
	}
}
