package explorersim_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"jobboard/internal/explorersim"
)

// A Sim is an http.Handler: serve it, connect with an account, then call
// the Workflow API with the explorer_token cookie.
func Example() {
	clock := explorersim.NewManualClock(time.Date(2026, 3, 15, 9, 30, 0, 0, time.UTC))
	sim := explorersim.New(explorersim.Options{Clock: clock, JobsPerAccount: 100})
	srv := httptest.NewServer(sim)
	defer srv.Close()

	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api-open/v1/connect", strings.NewReader(`{"address":"127.0.0.1","port":9669}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+base64.StdEncoding.EncodeToString([]byte("demo:demo")))
	res, err := srv.Client().Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	res.Body.Close()
	token := res.Cookies()[0]

	wf := sim.Workflows("demo")[0]
	req, _ = http.NewRequest(http.MethodGet, srv.URL+"/api-open/v1/workflows/"+wf.ID+"/jobs?pageSize=3", nil)
	req.AddCookie(token)
	res, err = srv.Client().Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer res.Body.Close()
	var env struct {
		Code int
		Data struct {
			Items    []struct{ WorkflowName string }
			Total    int
			Page     int `json:"Page"`
			PageSize int `json:"PageSize"`
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&env); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(token.Name, env.Code, len(env.Data.Items), env.Data.Page, env.Data.PageSize, env.Data.Items[0].WorkflowName)
	// Output: explorer_token 0 3 1 3 pagerank_daily
}
