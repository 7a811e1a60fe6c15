//go:build unix

package outdir

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on f, held until f is closed
// or the process ends (killed included), which is what marks a stage as
// in use.
func lockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// tryLock reports whether f's lock was free (and so its stage abandoned).
func tryLock(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}
