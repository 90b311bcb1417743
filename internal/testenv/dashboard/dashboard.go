// Package dashboard completes the test rig of package testenv with the
// dashboard itself (handlers.New) for the test packages outside handlers:
// the fault, load, HTML-validity, browser and benchmark tiers. It lives
// apart from testenv because handlers' in-package tests use testenv, and
// testenv importing handlers would make their import cycle.
package dashboard

import (
	"net/http"
	"testing"

	"jobboard/handlers"
	"jobboard/internal/testenv"
)

// Options are the handlers.Options every rig dashboard starts from: e's
// client, logger, session keys, zone, clock and store (e.Store), and
// testenv's graph database address.
func Options(tb testing.TB, e *testenv.Env) handlers.Options {
	return handlers.Options{
		Store:         e.Store(tb),
		Explorer:      e.Client,
		Logger:        e.Logger,
		NebulaAddress: testenv.NebulaAddress,
		SessionKeys:   e.Keys,
		DefaultZone:   e.Zone,
		Now:           e.Now(),
	}
}

// Handler builds the dashboard in front of e's client; edit, when not nil,
// changes the options before handlers.New.
func Handler(tb testing.TB, e *testenv.Env, edit func(*handlers.Options)) http.Handler {
	tb.Helper()
	o := Options(tb, e)
	if edit != nil {
		edit(&o)
	}
	h, err := handlers.New(o)
	if err != nil {
		tb.Fatalf("handlers.New: %v", err)
	}
	return h
}

// New starts the simulator and its client (testenv.New) and the dashboard
// on loopback (e.App); edit, when not nil, changes the dashboard's options.
func New(tb testing.TB, o testenv.Options, edit func(*handlers.Options)) *testenv.Env {
	tb.Helper()
	e := testenv.New(tb, o)
	e.Serve(tb, Handler(tb, e, edit))
	return e
}
