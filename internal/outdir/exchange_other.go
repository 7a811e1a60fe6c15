//go:build !linux

package outdir

import "errors"

// exchange is Linux-only; elsewhere Commit uses two renames.
func exchange(a, b string) error { return errors.ErrUnsupported }
