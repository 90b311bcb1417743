// Package load holds the load test of the dashboard: 200 simulator
// accounts signed in at once, at least 20,000 mixed page and fragment
// requests from concurrent workers over real HTTP on loopback, checked for
// data of another account, 5xx answers and transport errors, with latency
// figures printed at the end; and 200 accounts signing in and out
// concurrently while 50 others browse, every signed-out cookie replayed
// (none may work again) and every page checked for another account's data.
//
// The test is behind the build tag loadtest, so a plain go test ./... does
// not compile it:
//
//	go test -v -count=1 -tags loadtest ./loadtest/
//
// (-v prints the figures.) LOADTEST_REQUESTS and LOADTEST_WORKERS change the
// request count (at least 20,000 by default) and the worker count.
package load
