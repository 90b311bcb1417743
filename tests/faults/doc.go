// Package faults proves, over real HTTP, how the dashboard behaves when
// Explorer misbehaves: a controllable fake upstream (the simulator, until it
// is switched into a fault) sits behind a real apiclient.Client and the real
// handlers, and a browser-like client checks every answer. It holds tests
// only; see matrix_test.go for the fault matrix.
package faults
