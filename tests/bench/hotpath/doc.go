// Package hotpath holds in-process Go benchmarks of the dashboard's request
// path (handlers.New in front of a canned upstream started as a process of
// its own, so that what is measured is the dashboard's alone), for
// profiling what `go run ./tests/bench` measures from outside:
//
//	go test ./tests/bench/hotpath -run '^$' -bench . -benchmem -cpuprofile cpu.out
//	go tool pprof -top cpu.out
package hotpath
