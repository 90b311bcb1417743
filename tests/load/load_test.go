//go:build loadtest

package load

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/html"

	"jobboard/apiclient"
	"jobboard/internal/explorersim"
	"jobboard/internal/jobquery"
	"jobboard/internal/testenv"
	"jobboard/internal/testenv/dashboard"
)

// Size of the run; LOADTEST_REQUESTS and LOADTEST_WORKERS override the
// defaults.
const (
	accounts        = 200
	jobsPerAccount  = 300
	defaultRequests = 20_000
	defaultWorkers  = 64
	signInWorkers   = 8 // sign-ins at once (the limiter judges 4 of one address at a time, the rest wait)
)

// owner is which account an ID belongs to, for every job, workflow and
// task the simulator holds (the truth the pages are checked against).
type owner struct {
	jobs      map[string]string // job ID → account
	workflows map[string]string // workflow ID → account
	tasks     map[string]string // task ID → account
}

// acct is one signed-in account and what it owns.
type acct struct {
	name      string
	hc        *http.Client
	tr        *http.Transport
	jobs      []explorersim.JobRecord
	workflows []explorersim.WorkflowRecord
	jobWF     map[string]string // job ID → workflow ID
}

// kind is one type of request in the mix, with its weight.
type kind struct {
	name   string
	weight int
}

func kinds() []kind {
	return []kind{
		{"home", 8},
		{"workflow list", 20},
		{"workflow list fragment", 20},
		{"all jobs", 10},
		{"all jobs fragment", 10},
		{"job detail", 27},
		{"other account's job (404)", 5},
	}
}

// result is one request's outcome.
type result struct {
	kind    int
	status  int
	latency time.Duration
	err     string // transport error or failed check ("" = fine)
	leak    bool   // the answer carried another account's data
	ids     int    // IDs checked in the answer
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

// TestLoad signs in 200 accounts and sends at least 20,000 mixed requests
// from concurrent workers, each as a random account: list pages and
// fragments with random filters, pages and sizes, the home page, the
// all-jobs list, the account's own job pages and, as a probe, other
// accounts' job pages. Every job, workflow and task ID in every answer must
// belong to the requesting account; there must be no 5xx and no transport
// error.
func TestLoad(t *testing.T) {
	total := envInt(t, "LOADTEST_REQUESTS", defaultRequests)
	workers := envInt(t, "LOADTEST_WORKERS", defaultWorkers)

	names := make([]explorersim.Account, accounts)
	for i := range names {
		n := fmt.Sprintf("user%03d", i+1)
		names[i] = explorersim.Account{Name: n, Password: "pw-" + n + "-7Q"}
	}
	e := dashboard.New(t, testenv.Options{
		Sim:         explorersim.Options{Seed: 42, Accounts: names, JobsPerAccount: jobsPerAccount},
		RealClock:   true,
		DiscardLogs: true,
	}, nil)
	sim, app := e.Sim, e.App

	start := time.Now()
	truth, accts := loadTruth(t, sim, names)
	t.Logf("truth: %d jobs, %d workflows, %d tasks over %d accounts (%s)",
		len(truth.jobs), len(truth.workflows), len(truth.tasks), len(accts), time.Since(start).Round(time.Millisecond))
	defer func() {
		for _, a := range accts {
			a.tr.CloseIdleConnections()
		}
	}()

	start = time.Now()
	signIn(t, app.URL, accts, names)
	t.Logf("signed in %d accounts in %s", len(accts), time.Since(start).Round(time.Millisecond))

	ks := kinds()
	weights := 0
	for _, k := range ks {
		weights += k.weight
	}
	results := make([][]result, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	start = time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := mrand.New(mrand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			for next.Add(1) <= int64(total) {
				r := rng.IntN(weights)
				k := 0
				for r >= ks[k].weight {
					r -= ks[k].weight
					k++
				}
				a := accts[rng.IntN(len(accts))]
				res := request(app.URL, a, accts, truth, k, ks[k].name, rng)
				results[w] = append(results[w], res)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	all := slices.Concat(results...)
	report(t, ks, all, elapsed, workers)
}

// loadTruth reads every account's jobs, workflows and tasks from the
// simulator and checks that no ID is shared by two accounts (else the
// isolation check below could not tell them apart).
func loadTruth(t *testing.T, sim *explorersim.Sim, names []explorersim.Account) (owner, []*acct) {
	t.Helper()
	o := owner{jobs: map[string]string{}, workflows: map[string]string{}, tasks: map[string]string{}}
	claim := func(m map[string]string, id, name, what string) {
		if prev, ok := m[id]; ok && prev != name {
			t.Fatalf("%s %s belongs to both %s and %s", what, id, prev, name)
		}
		m[id] = name
	}
	var out []*acct
	for _, n := range names {
		a := &acct{name: n.Name, jobs: sim.Jobs(n.Name), workflows: sim.Workflows(n.Name), jobWF: map[string]string{}}
		if len(a.jobs) == 0 || len(a.workflows) == 0 {
			t.Fatalf("account %s has %d jobs and %d workflows", n.Name, len(a.jobs), len(a.workflows))
		}
		for _, w := range a.workflows {
			claim(o.workflows, w.ID, n.Name, "workflow")
		}
		for _, j := range a.jobs {
			id := strconv.FormatInt(j.ID, 10)
			claim(o.jobs, id, n.Name, "job")
			a.jobWF[id] = j.WorkflowID
			for _, tk := range j.Tasks {
				claim(o.tasks, tk.ID, n.Name, "task")
			}
		}
		out = append(out, a)
	}
	return o, out
}

// signIn gives each account its own browser (cookie jar, keep-alive
// transport) and signs it in.
func signIn(t *testing.T, base string, accts []*acct, names []explorersim.Account) {
	t.Helper()
	errs := make(chan error, len(accts))
	sem := make(chan struct{}, signInWorkers)
	var wg sync.WaitGroup
	for i, a := range accts {
		a.tr = &http.Transport{MaxIdleConnsPerHost: 4, IdleConnTimeout: time.Minute}
		a.hc = testenv.NewBrowser(t, base, testenv.WithTransport(a.tr), testenv.WithTimeout(30*time.Second), testenv.FollowRedirects()).Client
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			form := url.Values{"account": {a.name}, "password": {names[i].Password}, "next": {"/"}}
			noFollow := *a.hc
			noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			resp, err := noFollow.PostForm(base+"/login", form)
			if err != nil {
				errs <- fmt.Errorf("sign in %s: %w", a.name, err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				errs <- fmt.Errorf("sign in %s: status %d", a.name, resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
}

// request sends one request of kind k as account a and checks the answer.
func request(base string, a *acct, accts []*acct, truth owner, k int, kindName string, rng *mrand.Rand) result {
	res := result{kind: k}
	var path string
	var headers []string
	wantStatus := http.StatusOK
	wantRows := false  // a list with no filter must show rows
	wantText := ""     // text the page must hold
	forbidText := ""   // text the page must not hold
	wantWorkflow := "" // every row must be a job of this workflow
	switch kindName {
	case "home":
		path = "/"
	case "workflow list", "workflow list fragment":
		wf := a.workflows[rng.IntN(len(a.workflows))]
		q, filtered := randomQuery(rng, wf.Name)
		path = q.URL("/workflows/" + wf.ID + "/jobs")
		wantRows, wantWorkflow = !filtered, wf.ID
	case "all jobs", "all jobs fragment":
		wf := a.workflows[rng.IntN(len(a.workflows))]
		q, filtered := randomQuery(rng, wf.Name)
		path = q.URL("/jobs")
		wantRows = !filtered
	case "job detail":
		j := a.jobs[rng.IntN(len(a.jobs))]
		path = "/jobs/" + strconv.FormatInt(j.ID, 10)
		wantText = j.Name
	case "other account's job (404)":
		other := accts[rng.IntN(len(accts))]
		for other == a {
			other = accts[rng.IntN(len(accts))]
		}
		j := other.jobs[rng.IntN(len(other.jobs))]
		path = "/jobs/" + strconv.FormatInt(j.ID, 10)
		wantStatus = http.StatusNotFound
		if !slices.ContainsFunc(a.jobs, func(own explorersim.JobRecord) bool { return own.Name == j.Name }) {
			forbidText = j.Name
		}
	}
	if strings.HasSuffix(kindName, "fragment") {
		headers = testenv.HTMX("section#results")
	}

	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		res.err = err.Error()
		return res
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	began := time.Now()
	resp, err := a.hc.Do(req)
	if err != nil {
		res.latency = time.Since(began)
		res.err = "transport: " + err.Error()
		return res
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	res.latency = time.Since(began)
	res.status = resp.StatusCode
	if err != nil {
		res.err = "transport: read body: " + err.Error()
		return res
	}
	if resp.Request.URL.Path == "/login" {
		res.err = "signed out: redirected to " + resp.Request.URL.String()
		return res
	}
	if res.status != wantStatus {
		res.err = fmt.Sprintf("GET %s: status %d, want %d", path, res.status, wantStatus)
		return res
	}
	ids, text, err := scan(body, path)
	if err != nil {
		res.err = "parse HTML: " + err.Error()
		return res
	}
	rows := 0
	for _, id := range ids {
		res.ids++
		var m map[string]string
		switch id.what {
		case "job":
			m = truth.jobs
		case "workflow":
			m = truth.workflows
		case "task":
			m = truth.tasks
		}
		who, known := m[id.value]
		if known && who != a.name {
			res.leak = true
			res.err = fmt.Sprintf("GET %s as %s shows %s %s of %s", path, a.name, id.what, id.value, who)
			return res
		}
		if !known && wantStatus == http.StatusOK {
			res.err = fmt.Sprintf("GET %s as %s shows unknown %s %s", path, a.name, id.what, id.value)
			return res
		}
		if id.row {
			rows++
			if wantWorkflow != "" && a.jobWF[id.value] != wantWorkflow {
				res.err = fmt.Sprintf("GET %s shows job %s of workflow %s", path, id.value, a.jobWF[id.value])
				return res
			}
		}
	}
	switch {
	case wantRows && rows == 0:
		res.err = fmt.Sprintf("GET %s as %s: an unfiltered list with no rows", path, a.name)
	case wantText != "" && !strings.Contains(text, wantText):
		res.err = fmt.Sprintf("GET %s as %s: the page does not name the job %q", path, a.name, wantText)
	case forbidText != "" && strings.Contains(text, forbidText):
		res.leak = true
		res.err = fmt.Sprintf("GET %s as %s: the 404 page names the other account's job %q", path, a.name, forbidText)
	}
	return res
}

// randomQuery returns a canonical list query with random filters (a part
// of wfName, a status, an order, a date range, a page and a size) and
// whether any filter is set.
func randomQuery(rng *mrand.Rand, wfName string) (jobquery.Query, bool) {
	v := url.Values{}
	if rng.IntN(3) == 0 {
		start := rng.IntN(max(1, len(wfName)-4))
		v.Set("name", wfName[start:min(len(wfName), start+4+rng.IntN(6))])
	}
	if rng.IntN(3) == 0 {
		v.Set("status", apiclient.Statuses[rng.IntN(len(apiclient.Statuses))].Word())
	}
	if rng.IntN(2) == 0 {
		v.Set("order", "asc")
	}
	if rng.IntN(6) == 0 {
		to := time.Now().AddDate(0, 0, -rng.IntN(120))
		v.Set("from", to.AddDate(0, 0, -30).Format("2006-01-02"))
		v.Set("to", to.Format("2006-01-02"))
	}
	if rng.IntN(2) == 0 {
		v.Set("page", strconv.Itoa(1+rng.IntN(8)))
	}
	v.Set("size", strconv.Itoa(jobquery.Sizes[rng.IntN(len(jobquery.Sizes))]))
	q, errs := jobquery.Parse(v, time.UTC, time.Now())
	if errs != nil {
		panic(fmt.Sprintf("random query %v is invalid: %v", v, errs))
	}
	return q, q.Filtered()
}

// foundID is an ID found in a page.
type foundID struct {
	what  string // job, workflow or task
	value string
	row   bool // a jobs table row's data-job-id
}

var (
	jobPath      = regexp.MustCompile(`/jobs/(\d+)`)
	workflowPath = regexp.MustCompile(`/workflows/(\d+)`)
	taskPath     = regexp.MustCompile(`/tasks/([0-9a-fA-F]{32})`)
)

// scan tokenizes an HTML answer and returns every job, workflow and task
// ID in its attributes (data-job-id / data-task-id, and the IDs in links
// and htmx URLs, query strings unescaped so that a back link's list URL
// counts too) and its text, white space collapsed. An attribute that only
// repeats self, the page's own URL (e.g. the language switch's way back,
// the sign-in link that comes back to it), is not data and is skipped.
func scan(body []byte, self string) ([]foundID, string, error) {
	var out []foundID
	var text strings.Builder
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			if err := z.Err(); !errors.Is(err, io.EOF) {
				return nil, "", err
			}
			return out, strings.Join(strings.Fields(text.String()), " "), nil
		case html.TextToken:
			text.Write(z.Text())
			text.WriteByte(' ')
		case html.StartTagToken, html.SelfClosingTagToken:
			name, more := z.TagName()
			tag := string(name)
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				if !repeatsSelf(string(v), self) {
					out = appendIDs(out, tag, string(k), string(v))
				}
			}
		}
	}
}

// repeatsSelf reports whether an attribute only names the page's own URL:
// the URL itself, or a sign-in link coming back to it (the "sign in as
// someone else" link of another account's job).
func repeatsSelf(val, self string) bool {
	if val == self {
		return true
	}
	u, err := url.Parse(val)
	return err == nil && u.Path == "/login" && u.Query().Get("next") == self
}

// appendIDs adds the IDs in one attribute of a tag to out.
func appendIDs(out []foundID, tag, key, val string) []foundID {
	switch key {
	case "data-job-id":
		return append(out, foundID{what: "job", value: val, row: tag == "tr"})
	case "data-task-id":
		return append(out, foundID{what: "task", value: val})
	}
	if !strings.Contains(val, "/") && !strings.Contains(val, "%2F") {
		return out
	}
	if u, err := url.QueryUnescape(val); err == nil {
		val = u
	}
	for _, m := range jobPath.FindAllStringSubmatch(val, -1) {
		out = append(out, foundID{what: "job", value: m[1]})
	}
	for _, m := range workflowPath.FindAllStringSubmatch(val, -1) {
		out = append(out, foundID{what: "workflow", value: m[1]})
	}
	for _, m := range taskPath.FindAllStringSubmatch(val, -1) {
		out = append(out, foundID{what: "task", value: m[1]})
	}
	return out
}

// report logs the figures and fails on any leak, 5xx, transport error or
// failed check.
func report(t *testing.T, ks []kind, all []result, elapsed time.Duration, workers int) {
	t.Helper()
	var lat []time.Duration
	byKind := make([][]time.Duration, len(ks))
	var fivexx, transport, leaks, failed, ids int
	statuses := map[int]int{}
	var samples []string
	for _, r := range all {
		lat = append(lat, r.latency)
		byKind[r.kind] = append(byKind[r.kind], r.latency)
		statuses[r.status]++
		ids += r.ids
		switch {
		case strings.HasPrefix(r.err, "transport"):
			transport++
		case r.status >= 500:
			fivexx++
		case r.leak:
			leaks++
		case r.err != "":
			failed++
		}
		if r.err != "" && len(samples) < 10 {
			samples = append(samples, r.err)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d requests, %d workers, %d accounts, in %s: %.0f req/s\n",
		len(all), workers, accounts, elapsed.Round(time.Millisecond), float64(len(all))/elapsed.Seconds())
	p50, p99, pmax := percentiles(lat)
	fmt.Fprintf(&b, "latency p50 %s  p99 %s  max %s\n", p50, p99, pmax)
	fmt.Fprintf(&b, "errors: 5xx %d, transport %d, other account's data %d, failed checks %d; IDs checked %d; statuses %v\n",
		fivexx, transport, leaks, failed, ids, statuses)
	for i, k := range ks {
		p50, p99, pmax := percentiles(byKind[i])
		fmt.Fprintf(&b, "  %-27s %6d  p50 %-10s p99 %-10s max %s\n", k.name, len(byKind[i]), p50, p99, pmax)
	}
	t.Log("load test\n" + b.String())
	for _, s := range samples {
		t.Error(s)
	}
	if len(all) < defaultRequests && os.Getenv("LOADTEST_REQUESTS") == "" {
		t.Errorf("only %d requests sent", len(all))
	}
	if ids == 0 {
		t.Error("no ID was checked: the pages could not be read")
	}
}

// percentiles returns the 50th and 99th percentiles and the maximum.
func percentiles(d []time.Duration) (p50, p99, pmax time.Duration) {
	if len(d) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	at := func(p float64) time.Duration {
		return s[min(len(s)-1, int(p*float64(len(s))))].Round(10 * time.Microsecond)
	}
	return at(0.50), at(0.99), s[len(s)-1].Round(10 * time.Microsecond)
}

// Size of the sign-in churn: churnAccounts sign in and out churnCycles
// times each, all at once, while browseWorkers browse as other accounts.
const (
	churnAccounts = 200
	churnCycles   = 3
	browseWorkers = 16
)

// TestSignInSignOutWhileOthersBrowse signs 200 accounts in and out
// concurrently (each cycle: sign in on a fresh browser, read the jobs
// list, sign out, replay the signed-out cookie) while 50 other accounts
// browse. No signed-out cookie may work again, neither right after its
// sign-out nor once everything is over, and no page may show another
// account's data.
func TestSignInSignOutWhileOthersBrowse(t *testing.T) {
	const browsers = 50
	names := make([]explorersim.Account, churnAccounts+browsers)
	for i := range names {
		n := fmt.Sprintf("user%03d", i+1)
		names[i] = explorersim.Account{Name: n, Password: "pw-" + n + "-7Q"}
	}
	e := dashboard.New(t, testenv.Options{
		Sim:         explorersim.Options{Seed: 43, Accounts: names, JobsPerAccount: 40},
		RealClock:   true,
		DiscardLogs: true,
	}, nil)
	truth, accts := loadTruth(t, e.Sim, names)
	churners, readers := accts[:churnAccounts], accts[churnAccounts:]
	signIn(t, e.App.URL, readers, names[churnAccounts:])
	defer func() {
		for _, a := range accts {
			if a.tr != nil {
				a.tr.CloseIdleConnections()
			}
		}
	}()

	var stop atomic.Bool
	var mu sync.Mutex
	var browsed []result
	var wg sync.WaitGroup
	ks := kinds()
	for w := range browseWorkers {
		wg.Go(func() {
			rng := mrand.New(mrand.NewPCG(uint64(w), 7))
			for !stop.Load() {
				k := rng.IntN(len(ks) - 1) // not the 404 probe: the churners' jobs are theirs
				res := request(e.App.URL, readers[rng.IntN(len(readers))], readers, truth, k, ks[k].name, rng)
				mu.Lock()
				browsed = append(browsed, res)
				mu.Unlock()
			}
		})
	}

	var resurrected, leaks, failures atomic.Int64
	var outMu sync.Mutex
	var signedOut []*http.Cookie
	var churn sync.WaitGroup
	start := time.Now()
	for i, a := range churners {
		churn.Go(func() {
			rng := mrand.New(mrand.NewPCG(uint64(i), 11))
			for range churnCycles {
				ck, res, err := churnCycle(t, e.App.URL, a, names[i].Password, churners, truth, rng)
				switch {
				case err != nil:
					failures.Add(1)
					t.Errorf("%s: %v", a.name, err)
				case res.leak:
					leaks.Add(1)
					t.Errorf("%s: %s", a.name, res.err)
				case res.err != "":
					failures.Add(1)
					t.Errorf("%s: %s", a.name, res.err)
				}
				if ck == nil {
					continue
				}
				if live(t, e.App.URL, ck) {
					resurrected.Add(1)
					t.Errorf("%s: the cookie answered 200 right after its sign-out", a.name)
				}
				outMu.Lock()
				signedOut = append(signedOut, ck)
				outMu.Unlock()
			}
		})
	}
	churn.Wait()
	churned := time.Since(start)
	stop.Store(true)
	wg.Wait()
	for _, ck := range signedOut {
		if live(t, e.App.URL, ck) {
			resurrected.Add(1)
		}
	}
	for _, r := range browsed {
		switch {
		case r.leak:
			leaks.Add(1)
			t.Error(r.err)
		case r.err != "" && failures.Add(1) <= 10:
			t.Error(r.err)
		}
	}
	t.Logf("sign-in churn: %d accounts × %d cycles in %s (%.0f cycles/s) beside %d reads by %d workers; "+
		"signed-out cookies replayed %d, resurrected %d; other account's data %d; failed checks %d",
		churnAccounts, churnCycles, churned.Round(time.Millisecond), float64(churnAccounts*churnCycles)/churned.Seconds(),
		len(browsed), browseWorkers, len(signedOut), resurrected.Load(), leaks.Load(), failures.Load())
	if resurrected.Load() != 0 || leaks.Load() != 0 {
		t.Errorf("%d signed-out sessions came back, %d answers held another account's data; want 0 and 0", resurrected.Load(), leaks.Load())
	}
	if len(signedOut) != churnAccounts*churnCycles {
		t.Errorf("%d sign-outs, want %d", len(signedOut), churnAccounts*churnCycles)
	}
}

// churnCycle signs a in on a fresh browser, reads its jobs list (checked
// like the load test's requests), signs out, and returns the cookie the
// browser held while signed in.
func churnCycle(t *testing.T, base string, a *acct, password string, accts []*acct, truth owner, rng *mrand.Rand) (*http.Cookie, result, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: 1}
	defer tr.CloseIdleConnections()
	b := testenv.NewBrowser(t, base, testenv.WithTransport(tr), testenv.WithTimeout(30*time.Second))
	form := url.Values{"account": {a.name}, "password": {password}, "next": {"/"}}
	resp, err := b.Client.PostForm(base+"/login", form)
	if err != nil {
		return nil, result{}, fmt.Errorf("sign in: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, result{}, fmt.Errorf("sign in: status %d", resp.StatusCode)
	}
	u, _ := url.Parse(base)
	var ck *http.Cookie
	for _, c := range b.Client.Jar.Cookies(u) {
		if c.Name == "jobboard" {
			ck = &http.Cookie{Name: c.Name, Value: c.Value}
		}
	}
	if ck == nil {
		return nil, result{}, errors.New("sign in: no session cookie")
	}
	follow := *b.Client
	follow.CheckRedirect = nil
	reader := *a
	reader.hc = &follow
	res := request(base, &reader, accts, truth, 3, "all jobs", rng)
	resp, err = b.Client.PostForm(base+"/logout", url.Values{})
	if err != nil {
		return ck, res, fmt.Errorf("sign out: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return ck, res, fmt.Errorf("sign out: status %d", resp.StatusCode)
	}
	return ck, res, nil
}

// live reports whether a request carrying only ck reads the jobs list
// (200) rather than being sent to sign-in.
func live(t *testing.T, base string, ck *http.Cookie) bool {
	req, err := http.NewRequest(http.MethodGet, base+"/jobs", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(ck)
	c := http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Errorf("replay: %v", err)
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
