package embedded

import (
	"syscall"
	"unsafe"
)

// madvCollapse is MADV_COLLAPSE (Linux 6.1): back a range with huge pages
// now rather than when khugepaged comes by.
const madvCollapse = 25

// hugePage is the size of a transparent huge page on amd64 and arm64.
const hugePage = 2 << 20

// adviseHuge asks the kernel to back the whole 2 MiB pages inside the n
// bytes at p with transparent huge pages (where THP is "madvise" or
// "always"): a walk's random reads over a topology of gigabytes then miss
// the TLB far less. Pages not yet touched get huge pages when they are;
// with collapse, those already in small pages are moved now rather than
// whenever khugepaged comes by. Errors (an older kernel, THP off) are
// ignored: the memory simply stays in small pages.
func adviseHuge(p unsafe.Pointer, n uintptr, collapse bool) {
	lo := (uintptr(p) + hugePage - 1) &^ (hugePage - 1)
	hi := (uintptr(p) + n) &^ (hugePage - 1)
	if hi <= lo {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Add(p, lo-uintptr(p))), hi-lo)
	if syscall.Madvise(b, syscall.MADV_HUGEPAGE) == nil && collapse {
		syscall.Madvise(b, madvCollapse)
	}
}
