package embedded

import (
	"unsafe"

	"github.com/tracegraph/tracegraph"
)

// hugeMin is the smallest array worth huge pages: below it, the array is a
// few pages and its TLB entries are not what a walk waits for.
const hugeMin = 8 << 20

// advise asks for huge pages under s's backing array when it is large,
// moving what is already in memory into them.
func advise[T any](s []T) {
	if n := uintptr(cap(s)) * unsafe.Sizeof(*new(T)); n >= hugeMin {
		adviseHuge(unsafe.Pointer(unsafe.SliceData(s)), n, true)
	}
}

// newMarks returns marks for n node handles whose words, when many, are
// in huge pages as they are first touched: a walk reads and sets them at
// random.
func newMarks(n int) *tracegraph.Marks {
	v := make([]uint32, n)
	if uintptr(n)*4 >= hugeMin {
		adviseHuge(unsafe.Pointer(unsafe.SliceData(v)), uintptr(n)*4, false)
	}
	return tracegraph.MarksOver(v)
}

// adviseHugePages asks for huge pages under the topology's large arrays:
// what walks, explodes and rollups read at random.
func (t *topo) adviseHugePages() {
	advise(t.names)
	advise(t.nameAt)
	advise(t.slots)
	advise(t.label)
	advise(t.status)
	advise(t.flags)
	advise(t.part)
	advise(t.order)
	advise(t.disk)
	advise(t.eid)
	advise(t.er)
	advise(t.emeta)
	for _, a := range []*adjacency{&t.out, &t.in, &t.cout, &t.cin} {
		advise(a.off)
		advise(a.list)
	}
	advise(t.chot.dst)
	advise(t.chot.meta)
}
