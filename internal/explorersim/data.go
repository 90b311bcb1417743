package explorersim

import (
	"encoding/hex"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Job and task status codes, as documented by Explorer.
const (
	StatusPreparing   = 0
	StatusRunning     = 1
	StatusSuccess     = 2
	StatusFailed      = 3
	StatusInterrupted = 4
	StatusStopping    = 5
)

// Lifecycle timings of jobs created through the API (start) and of cancels.
const (
	// StartPrepareDelay is how long a started job stays Preparing (the job
	// begins running at the next whole second after this delay).
	StartPrepareDelay = 5 * time.Second
	// StopDelay is how long a cancelled job stays Stopping before it is
	// Interrupted.
	StopDelay = 3 * time.Second
	// MaxStartedRun is the longest a started job runs before it ends in
	// Success or Failed (runs last between 10 s and this).
	MaxStartedRun = 40 * time.Second
)

const (
	msPerSec = int64(1000)
	msPerDay = 86400 * msPerSec
	// historyDays is how far back the seeded jobs go.
	historyDays = 180
	// jobIDStride separates the job ID ranges of accounts, so IDs are unique
	// across accounts whatever order accounts are generated in.
	jobIDStride = 1_000_000
)

// wfTemplate is a realistic workflow: its name, the typical run time of its
// jobs and the tasks of its DAG in execution order.
type wfTemplate struct {
	name    string
	baseSec int
	tasks   []string
}

// workflowTemplates is read-only: the workflows accounts are given.
var workflowTemplates = []wfTemplate{
	{"pagerank_daily", 240, []string{`nGQL: GO FROM "player100" OVER follow YIELD dst(edge) AS dst`, "PageRank", "DegreeCentrality"}},
	{"community_louvain", 600, []string{`nGQL: MATCH (v:player)-[e:follow]->(n:player) RETURN id(v), id(n), e.degree`, "Louvain", `nGQL: FETCH PROP ON player "player100" YIELD properties(vertex)`}},
	{"workflow_q745a", 30, []string{`nGQL: GO FROM "player100" OVER follow YIELD dst(edge)`, "BFS"}},
	{"wcc_fraud_rings", 420, []string{`nGQL: LOOKUP ON account WHERE account.risk > 0.8 YIELD id(vertex) AS id`, `nGQL: GO 2 STEPS FROM $-.id OVER transfer YIELD dst(edge)`, "WCC", "DegreeCentrality", "LPA"}},
	{"shortest_path_routes", 90, []string{`nGQL: FIND SHORTEST PATH FROM "team204" TO "team219" OVER * YIELD path AS p`, "ShortestPath", "BFS"}},
	{"lpa_weekly", 900, []string{`nGQL: MATCH (v:player) RETURN id(v) LIMIT 100000`, "LPA", "Louvain", "PageRank"}},
	{"degree_centrality_hourly", 45, []string{`nGQL: SHOW STATS`, "DegreeCentrality"}},
	{"bfs_reachability", 60, []string{`nGQL: GO FROM "player101" OVER serve YIELD dst(edge)`, "BFS", "WCC"}},
	{"kcore_influencers", 300, []string{`nGQL: GET SUBGRAPH 3 STEPS FROM "player100" YIELD VERTICES AS nodes`, "KCore", "PageRank", "BetweennessCentrality", "ClosenessCentrality"}},
	{"triangle_count_monthly", 1200, []string{`nGQL: MATCH (a)-[:follow]->(b)-[:follow]->(c) RETURN count(*)`, "TriangleCount", "ClusteringCoefficient"}},
}

// workflowsPerAccount is how many workflows each account owns.
const workflowsPerAccount = 6

// columnsFor is the number of sample-result columns a task named name has:
// community detection (vertex, score, community) has 3, the rest 2.
func columnsFor(name string) int {
	switch name {
	case "Louvain", "LPA", "HANP":
		return 3
	}
	return 2
}

type workflow struct {
	id   string
	name string
	tpl  *wfTemplate
}

// account is one simulated Explorer account: its workflows (made at New)
// and its jobs (made on first use).
type account struct {
	sim       *Sim
	idx       int
	acc       Account
	workflows []workflow

	once sync.Once
	data *acctData
}

// job is one job of an account. Its status is derived from the clock at
// read time (see view), unless frozen.
type job struct {
	id        int64
	createdMs int64
	beginMs   int64 // planned start of the run (0 for a frozen job not started)
	endMs     int64 // planned end of the run (0 for a frozen job not finished)
	cancelMs  int64 // when a cancel was requested, 0 if never
	stopMs    int64 // how long Stopping lasts after cancelMs
	outcome   int   // status once the run ends (the fixed status if frozen)
	wf        int16 // index into account.workflows
	failIdx   int8  // the task that fails when outcome is Failed
	frozen    bool  // added by AddJob: status and times as given
	upper     bool  // name has upper-case letters (only names given to AddJob)
	name      string
}

// nameHas reports whether the job's name contains sub, which is lower case.
func (j *job) nameHas(sub string) bool {
	if j.upper {
		return strings.Contains(strings.ToLower(j.name), sub)
	}
	return strings.Contains(j.name, sub)
}

// acctData holds an account's jobs, sorted by creation time, and indexes.
type acctData struct {
	mu     sync.RWMutex
	jobs   []job
	byWF   [][]int32 // per workflow, ascending indexes into jobs
	byID   map[int64]int32
	custom map[int64][]TaskRecord // tasks given to AddJob
	nextID int64
}

func newAccount(s *Sim, idx int, a Account) *account {
	ac := &account{sim: s, idx: idx, acc: a}
	n := len(workflowTemplates)
	for i := 0; i < workflowsPerAccount; i++ {
		tpl := &workflowTemplates[(idx*3+i)%n]
		ac.workflows = append(ac.workflows, workflow{id: workflowID(s.seed, idx, i), name: tpl.name, tpl: tpl})
	}
	return ac
}

// workflowID returns a 10-digit ID, unique per (account, workflow) for a
// seed: a seeded permutation of idx*16+wi onto [1e9, 1e10).
func workflowID(seed uint64, idx, wi int) string {
	const span = 9_000_000_000
	v := 1_000_000_000 + permute(seed, uint64(idx)*16+uint64(wi), span)
	var b [10]byte
	for i := 9; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b[:])
}

// permute maps x < span (span ≤ 2^34) to a distinct value < span: a keyed
// 4-round Feistel network on 34 bits, cycle-walked back into range.
func permute(key, x, span uint64) uint64 {
	const half, mask = 17, 1<<17 - 1
	for {
		l, r := x>>half, x&mask
		for round := range uint64(4) {
			l, r = r, l^(mix(key, round, r)&mask)
		}
		x = l<<half | r
		if x < span {
			return x
		}
	}
}

// workflowIndex returns the index of the workflow with ID id, or -1.
func (ac *account) workflowIndex(id string) int {
	for i := range ac.workflows {
		if ac.workflows[i].id == id {
			return i
		}
	}
	return -1
}

// load returns the account's job data, generating it on first use.
func (ac *account) load() *acctData {
	ac.once.Do(func() { ac.data = ac.generate() })
	return ac.data
}

// ceilSec rounds ms up to a whole second.
func ceilSec(ms int64) int64 { return (ms + msPerSec - 1) / msPerSec * msPerSec }

// liveSpec plans one of the jobs in flight at the clock's start.
type liveSpec struct {
	agoMs, prepMs, runMs int64
	outcome              int
	cancelAgoMs, stopMs  int64 // cancelAgoMs > 0: cancel requested that long before start
}

// liveSpecs are the newest jobs of every account, chosen so that a fresh
// simulator shows Preparing, Running and Stopping jobs, some of which end
// within minutes (one of them in failure).
var liveSpecs = []liveSpec{
	{agoMs: 40_000, prepMs: 5_000, runMs: 12 * 60_000, outcome: StatusSuccess},
	{agoMs: 20_000, prepMs: 90_000, runMs: 5 * 60_000, outcome: StatusSuccess},
	{agoMs: 180_000, prepMs: 4_000, runMs: 4 * 60_000, outcome: StatusFailed},
	{agoMs: 120_000, prepMs: 3_000, runMs: 20 * 60_000, outcome: StatusSuccess, cancelAgoMs: 10_000, stopMs: 10 * 60_000},
	{agoMs: 70_000, prepMs: 5_000, runMs: 25 * 60_000, outcome: StatusSuccess},
}

// generate builds the account's seeded jobs.
func (ac *account) generate() *acctData {
	s := ac.sim
	rng := rand.New(rand.NewPCG(s.seed, uint64(ac.idx)^0x9e3779b97f4a7c15))
	total := s.perAcct
	nLive := min(len(liveSpecs), total)
	nHist := total - nLive
	start := s.startMs
	winStart := start - historyDays*msPerDay
	winEnd := start - 15*60*msPerSec

	// Workflow weights: some run more often than others.
	cum := make([]float64, len(ac.workflows))
	sum := 0.0
	for i := range cum {
		sum += 0.4 + rng.Float64()
		cum[i] = sum
	}
	jobs := make([]job, 0, total+8)
	for range nHist {
		x := rng.Float64() * sum
		wi := sort.SearchFloat64s(cum, x)
		if wi >= len(cum) {
			wi = len(cum) - 1
		}
		tpl := ac.workflows[wi].tpl
		j := job{wf: int16(wi), createdMs: winStart + rng.Int64N(winEnd-winStart)}
		j.beginMs = ceilSec(j.createdMs) + (1+rng.Int64N(8))*msPerSec
		run := int64(float64(tpl.baseSec)*(0.5+1.5*rng.Float64())) * msPerSec
		run = max(run, 2*msPerSec)
		run = min(run, start-60*msPerSec-j.beginMs)
		j.endMs = j.beginMs + run
		j.failIdx = int8(rng.IntN(len(tpl.tasks)))
		switch r := rng.IntN(100); {
		case r < 84:
			j.outcome = StatusSuccess
		case r < 94:
			j.outcome = StatusFailed
		default:
			j.outcome = StatusSuccess
			j.cancelMs = j.beginMs + rng.Int64N(run)
			j.stopMs = (2 + rng.Int64N(4)) * msPerSec
		}
		jobs = append(jobs, j)
	}
	for i := range nLive {
		sp := liveSpecs[i]
		wi := i % len(ac.workflows)
		j := job{wf: int16(wi), outcome: sp.outcome, createdMs: start - sp.agoMs + rng.Int64N(1000)}
		j.beginMs = ceilSec(j.createdMs + sp.prepMs)
		j.endMs = j.beginMs + sp.runMs
		j.failIdx = int8(rng.IntN(len(ac.workflows[wi].tpl.tasks)))
		if sp.cancelAgoMs > 0 {
			j.cancelMs = start - sp.cancelAgoMs
			j.stopMs = sp.stopMs
		}
		jobs = append(jobs, j)
	}
	slices.SortFunc(jobs, func(a, b job) int {
		switch {
		case a.createdMs < b.createdMs:
			return -1
		case a.createdMs > b.createdMs:
			return 1
		}
		return 0
	})
	loc := s.loc
	base := int64(ac.idx)*jobIDStride + 100
	var buf []byte
	for i := range jobs {
		j := &jobs[i]
		j.id = base + int64(i)
		buf = ac.appendJobName(buf[:0], int(j.wf), j.createdMs, loc)
		j.name = string(buf)
	}
	d := &acctData{jobs: jobs, nextID: base + int64(len(jobs)), custom: make(map[int64][]TaskRecord)}
	d.reindex(len(ac.workflows))
	return d
}

// appendJobName appends "<workflowName>_<yyyymmddHHMMSS>" of createdMs in +08:00.
func (ac *account) appendJobName(b []byte, wf int, createdMs int64, loc *time.Location) []byte {
	b = append(b, ac.workflows[wf].name...)
	b = append(b, '_')
	return time.UnixMilli(createdMs).In(loc).AppendFormat(b, "20060102150405")
}

// reindex rebuilds byWF and byID from jobs.
func (d *acctData) reindex(nwf int) {
	d.byWF = make([][]int32, nwf)
	d.byID = make(map[int64]int32, len(d.jobs))
	for i := range d.jobs {
		j := &d.jobs[i]
		d.byWF[j.wf] = append(d.byWF[j.wf], int32(i))
		d.byID[j.id] = int32(i)
	}
}

// insert adds j keeping jobs sorted by creation time. Callers hold d.mu.
func (d *acctData) insert(j job, nwf int) {
	n := len(d.jobs)
	if n == 0 || d.jobs[n-1].createdMs <= j.createdMs {
		d.jobs = append(d.jobs, j)
		d.byWF[j.wf] = append(d.byWF[j.wf], int32(n))
		d.byID[j.id] = int32(n)
		return
	}
	i := sort.Search(n, func(k int) bool { return d.jobs[k].createdMs > j.createdMs })
	d.jobs = slices.Insert(d.jobs, i, j)
	d.reindex(nwf)
}

// find returns the job with ID id, or nil. Callers hold d.mu.
func (d *acctData) find(id int64) *job {
	i, ok := d.byID[id]
	if !ok {
		return nil
	}
	return &d.jobs[i]
}

// view derives the job's status and run times (epoch ms, 0 = not started /
// not finished) at now.
func (j *job) view(now int64) (status int, begin, end int64) {
	if j.cancelMs != 0 {
		begin = j.beginMs
		if begin > j.cancelMs {
			begin = 0
		}
		stopEnd := j.cancelMs + j.stopMs
		if now < stopEnd {
			if begin > now {
				begin = 0
			}
			return StatusStopping, begin, 0
		}
		return StatusInterrupted, begin, stopEnd
	}
	if j.frozen {
		return j.outcome, j.beginMs, j.endMs
	}
	if now < j.beginMs {
		return StatusPreparing, 0, 0
	}
	if now < j.endMs {
		return StatusRunning, j.beginMs, 0
	}
	return j.outcome, j.beginMs, j.endMs
}

// startJob creates a job of workflow wi created at now that prepares for
// StartPrepareDelay, runs 10 s to MaxStartedRun and ends in Success or
// Failed, all determined by the seed and the job ID.
func (ac *account) startJob(wi int, now int64) int64 {
	d := ac.load()
	d.mu.Lock()
	defer d.mu.Unlock()
	id := d.nextID
	d.nextID++
	h := mix(ac.sim.seed, uint64(id), 0x5747)
	tpl := ac.workflows[wi].tpl
	j := job{id: id, wf: int16(wi), createdMs: now, outcome: StatusSuccess}
	j.beginMs = ceilSec(now + StartPrepareDelay.Milliseconds())
	const minRunSec = 10
	maxRunSec := uint64(MaxStartedRun / time.Second)
	j.endMs = j.beginMs + int64(minRunSec+h%(maxRunSec-minRunSec+1))*msPerSec
	if (h>>20)%5 == 0 {
		j.outcome = StatusFailed
	}
	j.failIdx = int8((h >> 32) % uint64(len(tpl.tasks)))
	j.name = string(ac.appendJobName(nil, wi, now, ac.sim.loc))
	d.insert(j, len(ac.workflows))
	return id
}

// addJob implements Sim.AddJob.
func (ac *account) addJob(wi int, r JobRecord, now int64) JobRecord {
	d := ac.load()
	d.mu.Lock()
	defer d.mu.Unlock()
	if r.ID == 0 {
		r.ID = d.nextID
		d.nextID++
	} else if _, taken := d.byID[r.ID]; taken || ac.sim.idOwnedElsewhere(ac, r.ID) {
		panic("explorersim: AddJob: job ID already in use")
	}
	j := job{id: r.ID, wf: int16(wi), frozen: true, outcome: r.Status, createdMs: now}
	if !r.Created.IsZero() {
		j.createdMs = r.Created.UnixMilli()
	}
	if !r.Begin.IsZero() {
		j.beginMs = r.Begin.UnixMilli()
	}
	if !r.End.IsZero() {
		j.endMs = r.End.UnixMilli()
	}
	j.name = r.Name
	if j.name == "" {
		j.name = string(ac.appendJobName(nil, wi, j.createdMs, ac.sim.loc))
	}
	j.upper = strings.ToLower(j.name) != j.name
	tpl := ac.workflows[wi].tpl
	j.failIdx = int8(mix(ac.sim.seed, uint64(r.ID), 0xfa11) % uint64(len(tpl.tasks)))
	if r.Tasks != nil {
		tasks := slices.Clone(r.Tasks)
		for i := range tasks {
			if tasks[i].ID == "" {
				tasks[i].ID = taskID(ac.sim.seed, r.ID, i)
			}
			if tasks[i].Columns == 0 {
				tasks[i].Columns = columnsFor(tasks[i].Name)
			}
		}
		d.custom[r.ID] = tasks
	}
	d.insert(j, len(ac.workflows))
	return ac.record(d, d.find(r.ID), now)
}

// idOwnedElsewhere reports whether id falls in another account's range of
// generated IDs. AddJob refuses such IDs so job IDs stay unique.
func (s *Sim) idOwnedElsewhere(ac *account, id int64) bool {
	owner := id / jobIDStride
	return owner != int64(ac.idx) && owner >= 0 && owner < int64(len(s.accounts))
}

// record converts j to a JobRecord as of now. Callers hold d.mu.
func (ac *account) record(d *acctData, j *job, now int64) JobRecord {
	st, b, e := j.view(now)
	w := ac.workflows[j.wf]
	return JobRecord{
		ID: j.id, Name: j.name, WorkflowID: w.id, WorkflowName: w.name,
		Status: st, Created: msTime(j.createdMs), Begin: msTime(b), End: msTime(e),
		Tasks: ac.tasks(d, j, now),
	}
}

// msTime converts epoch ms to a UTC time, 0 to the zero time.
func msTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// secTime is msTime truncated to whole seconds, as task times are served.
func secTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.Unix(ms/msPerSec, 0).UTC()
}

// tasks derives j's tasks at now. Callers hold d.mu.
//
// A job's run is split into consecutive task segments. A succeeded job has
// every task Success; a failed one has tasks Success up to its failing task,
// that one Failed and the rest not started; a running one has the task
// whose segment holds now Running; a cancelled one has the task that held
// the cancel Stopping, then Interrupted.
func (ac *account) tasks(d *acctData, j *job, now int64) []TaskRecord {
	if custom, ok := d.custom[j.id]; ok {
		return slices.Clone(custom)
	}
	names := ac.workflows[j.wf].tpl.tasks
	n := len(names)
	recs := make([]TaskRecord, n)
	for i := range recs {
		recs[i] = TaskRecord{ID: taskID(ac.sim.seed, j.id, i), Name: names[i], Columns: columnsFor(names[i])}
	}
	st, begin, end := j.view(now)
	if begin == 0 {
		if st == StatusSuccess {
			for i := range recs {
				recs[i].Status = StatusSuccess
			}
		}
		return recs
	}
	k := n
	if j.outcome == StatusFailed {
		k = int(j.failIdx) + 1
	}
	planEnd := j.endMs
	if planEnd == 0 || planEnd < begin {
		planEnd = begin + int64(n)*60*msPerSec
	}
	bounds := segments(ac.sim.seed, j.id, begin, planEnd, k)
	var cut, cutEnd int64
	var cutStatus int // set by every case that reaches the loop below
	switch st {
	case StatusSuccess, StatusFailed:
		for i := 0; i < k; i++ {
			recs[i].Status = StatusSuccess
			recs[i].Begin, recs[i].End = secTime(bounds[i]), secTime(bounds[i+1])
		}
		if st == StatusFailed {
			recs[k-1].Status = StatusFailed
			recs[k-1].End = secTime(end)
		}
		return recs
	case StatusRunning:
		cut, cutStatus = now, StatusRunning
	case StatusStopping:
		cut, cutStatus = j.cancelMs, StatusStopping
		if cut == 0 {
			cut = now
		}
	case StatusInterrupted:
		cut, cutStatus, cutEnd = j.cancelMs, StatusInterrupted, end
		if cut == 0 {
			cut = begin + (max(end, begin)-begin)/2
		}
	default:
		return recs
	}
	for i := 0; i < k; i++ {
		if bounds[i+1] <= cut && i < k-1 {
			recs[i].Status = StatusSuccess
			recs[i].Begin, recs[i].End = secTime(bounds[i]), secTime(bounds[i+1])
			continue
		}
		recs[i].Status = cutStatus
		recs[i].Begin, recs[i].End = secTime(bounds[i]), secTime(cutEnd)
		break
	}
	return recs
}

// segments splits [begin, end] into k consecutive whole-second segments of
// seeded relative lengths; it returns the k+1 bounds.
func segments(seed uint64, jobID int64, begin, end int64, k int) []int64 {
	w := make([]int64, k)
	var sum int64
	for i := range w {
		w[i] = 1 + int64(mix(seed, uint64(jobID), uint64(i)+0x5e9)%4)
		sum += w[i]
	}
	b := make([]int64, k+1)
	b[0] = begin
	var acc int64
	for i := range w {
		acc += w[i]
		b[i+1] = begin + (end-begin)*acc/sum/msPerSec*msPerSec
	}
	b[k] = end
	for i := 1; i < k; i++ {
		b[i] = max(b[i], b[i-1])
	}
	return b
}

// mix hashes its inputs (splitmix64 rounds).
func mix(vals ...uint64) uint64 {
	h := uint64(0x243f6a8885a308d3)
	for _, v := range vals {
		h ^= v
		h += 0x9e3779b97f4a7c15
		h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9
		h = (h ^ (h >> 27)) * 0x94d049bb133111eb
		h ^= h >> 31
	}
	return h
}

// taskID is the deterministic 32-hex ID of task i of job jobID.
func taskID(seed uint64, jobID int64, i int) string {
	var raw [16]byte
	a, b := mix(seed, uint64(jobID), uint64(i), 1), mix(seed, uint64(jobID), uint64(i), 2)
	for k := range 8 {
		raw[k] = byte(a >> (8 * k))
		raw[8+k] = byte(b >> (8 * k))
	}
	return hex.EncodeToString(raw[:])
}

// sampleRows returns the number of sample rows task i of job jobID has.
func sampleRows(seed uint64, jobID int64, taskID string) int {
	return 1000 + int(mix(seed, uint64(jobID), strHash(taskID), 3)%4001)
}

// strHash is FNV-1a of s.
func strHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
