//go:build !linux

package childproc

import "syscall"

// dieWithParent does nothing where the kernel cannot tie a child's life to
// its parent's.
func dieWithParent(*syscall.SysProcAttr) {}
