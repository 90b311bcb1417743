// Command jobboard serves a web dashboard for the jobs of NebulaGraph
// Explorer workflows. With no Explorer configured it starts an embedded
// simulator of Explorer's Workflow API, so `go run .` gives a working demo.
package main

import "jobboard/internal/app"

func main() { app.Main() }
