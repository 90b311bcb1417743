package childproc

import "syscall"

// dieWithParent makes the process get SIGKILL when the test process dies.
func dieWithParent(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
