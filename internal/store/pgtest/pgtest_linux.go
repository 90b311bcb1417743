package pgtest

import "syscall"

// dieWithParent makes the process get SIGKILL if the test process dies
// first (a test timeout's panic runs no cleanup).
func dieWithParent(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
