//go:build !linux

package embedded

import "unsafe"

// adviseHuge does nothing outside Linux.
func adviseHuge(unsafe.Pointer, uintptr, bool) {}
