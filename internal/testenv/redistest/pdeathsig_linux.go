package redistest

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes cmd get SIGKILL if the test process dies first (a
// test timeout's panic runs no cleanup).
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
