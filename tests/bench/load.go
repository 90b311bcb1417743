package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// newLoadClient returns the HTTP client the load generator uses against one
// server: keep-alive with up to conns idle connections, no Accept-Encoding
// sent (so bodies are measured uncompressed), redirects not followed.
func newLoadClient(conns int) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Stats are the aggregated results of one cell (one arm, one page size,
// one mode) over all its interleaved rounds.
type Stats struct {
	Requests int           // responses received
	Errors   int           // responses that were not 200, and transport errors
	ErrorMsg string        // the first error seen
	RPS      float64       // successful requests per second of attack time
	P50, P99 time.Duration // latency quantiles over all rounds
	CPU      time.Duration // CPU time of the tracked process during the rounds
	BenchCPU time.Duration // the bench process's own CPU time then: load generator, canned upstream

	lat  vegeta.Metrics
	busy time.Duration // attack time summed over rounds (vegeta's duration + wait)
}

// CPUPerReq is the tracked process's CPU time per request.
func (s *Stats) CPUPerReq() time.Duration {
	if s.Requests == 0 {
		return 0
	}
	return s.CPU / time.Duration(s.Requests)
}

// attack is one vegeta attack on tgt: at rate req/s when rate > 0, else
// closed loop with workers workers. The CPU time of pid (0: none) during the
// attack is added to the cell.
func (s *Stats) attack(ctx context.Context, client *http.Client, tgt vegeta.Target, rate, workers int, dur time.Duration, pid int) error {
	cpu0, err := cpuTime(pid)
	if err != nil {
		return err
	}
	self0, err := cpuTime(os.Getpid())
	if err != nil {
		return err
	}
	// MaxBody(0): the body is read to its end and dropped, as wrk does,
	// rather than kept whole in every result (vegeta's default), which made
	// the generator's own CPU grow with the answer's size on the same two
	// cores: 214 against 122 µs a request for the 20 KB fragment against
	// the proxy's 4 KB JSON, bounding B'/D by the generator, not the server.
	opts := []func(*vegeta.Attacker){vegeta.Client(client), vegeta.MaxBody(0)}
	pacer := vegeta.Rate{Freq: rate, Per: time.Second}
	if rate <= 0 {
		// Zero rate: every worker sends its next request as soon as the
		// previous one is answered.
		pacer = vegeta.Rate{}
		opts = append(opts, vegeta.Workers(uint64(workers)), vegeta.MaxWorkers(uint64(workers)))
	}
	atk := vegeta.NewAttacker(opts...)
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()
	var round vegeta.Metrics
	for res := range atk.Attack(vegeta.NewStaticTargeter(tgt), pacer, dur, "") {
		round.Add(res)
		s.lat.Add(res)
		s.Requests++
		if res.Code != http.StatusOK || res.Error != "" {
			s.Errors++
			if s.ErrorMsg == "" {
				s.ErrorMsg = fmt.Sprintf("%s: status %d %s", tgt.URL, res.Code, res.Error)
			}
		}
	}
	round.Close()
	s.busy += round.Duration + round.Wait
	cpu1, err := cpuTime(pid)
	if err != nil {
		return err
	}
	self1, err := cpuTime(os.Getpid())
	if err != nil {
		return err
	}
	s.CPU += cpu1 - cpu0
	s.BenchCPU += self1 - self0
	return ctx.Err()
}

// BenchCPUPerReq is the bench process's CPU time per request of the cell.
func (s *Stats) BenchCPUPerReq() time.Duration {
	if s.Requests == 0 {
		return 0
	}
	return s.BenchCPU / time.Duration(s.Requests)
}

// finish computes the cell's quantiles and rate.
func (s *Stats) finish() {
	s.lat.Close()
	s.P50, s.P99 = s.lat.Latencies.P50, s.lat.Latencies.P99
	if s.busy > 0 {
		s.RPS = float64(s.Requests-s.Errors) / s.busy.Seconds()
	}
}

// cell is one thing to measure: a request, the client to send it with, and
// the process whose CPU time it costs.
type cell struct {
	stats  *Stats
	client *http.Client
	target vegeta.Target
	pid    int
}

// interleave runs rounds rounds; in each, every cell is attacked for
// perRound in turn, so that machine noise hits all cells alike.
func interleave(ctx context.Context, cells []cell, rounds int, perRound time.Duration, rate, workers int) error {
	for range rounds {
		for _, c := range cells {
			if err := c.stats.attack(ctx, c.client, c.target, rate, workers, perRound, c.pid); err != nil {
				return err
			}
		}
	}
	for _, c := range cells {
		c.stats.finish()
	}
	return nil
}
