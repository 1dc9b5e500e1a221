package embedded

import (
	"hash/maphash"
	"slices"
	"sort"
	"unsafe"

	"github.com/tracegraph/tracegraph"
)

// Node status codes kept in memory.
const (
	stNone uint8 = iota
	stWIP
	stCompleted
	stShipped
	stScrapped
)

var statusCodes = map[string]uint8{
	tracegraph.StatusWIP: stWIP, tracegraph.StatusCompleted: stCompleted,
	tracegraph.StatusShipped: stShipped, tracegraph.StatusScrapped: stScrapped,
}

var statusNames = [...]string{"", tracegraph.StatusWIP, tracegraph.StatusCompleted, tracegraph.StatusShipped, tracegraph.StatusScrapped}

// Node flags kept in memory.
const (
	flVoided uint8 = 1 << iota
	flHeld
)

// Edge meta byte: type code in the low 4 bits, precision in bits 4–5, voided
// in bit 6, closed in bit 7.
const (
	emTypeMask  = 0x0f
	emPrecShift = 4
	emPrecMask  = 0x30
	emVoided    = 0x40
	emClosed    = 0x80
)

func edgeMeta(t tracegraph.EdgeType, p tracegraph.Precision, voided, closed bool) uint8 {
	m := uint8(t.Code()) | uint8(p)<<emPrecShift
	if voided {
		m |= emVoided
	}
	if closed {
		m |= emClosed
	}
	return m
}

// topo is the genealogy's topology in memory: node IDs interned to dense
// integers, per-node label, status and flags, flat per-edge arrays, and
// adjacency in compressed sparse rows per direction with an overflow for
// edges appended since the last rebuild. Properties stay on disk.
//
// topo is not safe for concurrent use; Store guards it with a RWMutex.
type topo struct {
	// nodes, by index
	names  []byte   // every node ID, back to back
	nameAt []uint32 // nameAt[i] is where node i's ID starts; nameAt[len] is the end
	slots  []uint32 // open-addressing hash index: node index + 1, 0 when empty
	seed   maphash.Seed
	label  []uint8
	status []uint8
	flags  []uint8
	part   []uint32 // interned part number (0: none)
	parts  []string
	partIx map[string]uint32
	holds  map[uint32]int32 // hold counts of held nodes

	// edges, by index in creation order (EdgeIDs ascend with the index)
	eid    []tracegraph.EdgeID
	er     []edgeHot
	emeta  []uint8
	eclose map[uint32]closing // closed edges

	// adjacency: out (edges whose source is the node) and in; cout and cin
	// again for CONTAINS edges alone, so that explode and the rollups of a
	// recall do not sift through every consumption and test of each unit.
	out, in   adjacency
	cout, cin adjacency
	chot      containsHot // beside cout's CSR: what explode reads (topo_contains.go)
	// order is the work order of each unit (node index + 1; 0: none).
	order []uint32
	// disk[i] is the persisted index of the node at position i (nil:
	// positions are persisted indexes); see renumber.go.
	disk []uint32
}

// edgeHot is what a traversal reads of an edge besides its meta byte, in
// one record (one cache line) rather than three arrays.
type edgeHot struct {
	src, dst uint32
	from     int64 // validFrom, Unix nanoseconds
}

type closing struct {
	to int64
	by string
}

// adjacency lists edge indexes per node: a CSR built at the last rebuild
// (off has one entry per node known then, plus one) and an overflow of edges
// added since.
type adjacency struct {
	off   []uint32
	list  []uint32
	extra map[uint32][]uint32
	nExt  int
}

func newTopo() *topo {
	t := &topo{seed: maphash.MakeSeed(), partIx: map[string]uint32{}, holds: map[uint32]int32{},
		eclose: map[uint32]closing{}, nameAt: []uint32{0}, parts: []string{""}}
	for _, a := range []*adjacency{&t.out, &t.in, &t.cout, &t.cin} {
		a.extra, a.off = map[uint32][]uint32{}, []uint32{0}
	}
	t.slots = make([]uint32, 1024)
	return t
}

func (t *topo) nodeCount() int { return len(t.label) }

// name returns node i's ID without copying (valid until the next write).
func (t *topo) nameBytes(i uint32) []byte { return t.names[t.nameAt[i]:t.nameAt[i+1]] }

// name returns node i's ID without copying: names are append-only, so the
// bytes a returned string points at never change.
func (t *topo) name(i uint32) tracegraph.ID {
	b := t.nameBytes(i)
	if len(b) == 0 {
		return ""
	}
	return tracegraph.ID(unsafe.String(&b[0], len(b)))
}

// lookup returns the index of the node with this ID.
func (t *topo) lookup(id tracegraph.ID) (uint32, bool) {
	mask := uint64(len(t.slots) - 1)
	for h := maphash.String(t.seed, string(id)) & mask; ; h = (h + 1) & mask {
		s := t.slots[h]
		if s == 0 {
			return 0, false
		}
		if string(t.nameBytes(s-1)) == string(id) {
			return s - 1, true
		}
	}
}

// intern returns the index of id, adding the node when it is new.
func (t *topo) intern(id tracegraph.ID, l tracegraph.Label) uint32 {
	if i, ok := t.lookup(id); ok {
		return i
	}
	i := uint32(len(t.label))
	t.names = append(t.names, id...)
	t.nameAt = append(t.nameAt, uint32(len(t.names)))
	t.label = append(t.label, uint8(l.Code()))
	t.status = append(t.status, stNone)
	t.flags = append(t.flags, 0)
	t.part = append(t.part, 0)
	t.order = append(t.order, 0)
	t.appendIdentity(i)
	if (len(t.label))*10 > len(t.slots)*7 {
		t.rehash()
	} else {
		t.insertSlot(i)
	}
	return i
}

func (t *topo) insertSlot(i uint32) {
	mask := uint64(len(t.slots) - 1)
	h := maphash.Bytes(t.seed, t.nameBytes(i)) & mask
	for t.slots[h] != 0 {
		h = (h + 1) & mask
	}
	t.slots[h] = i + 1
}

func (t *topo) rehash() {
	n := len(t.slots) * 2
	for len(t.label)*10 > n*7 {
		n *= 2
	}
	t.slots = make([]uint32, n)
	for i := range t.label {
		t.insertSlot(uint32(i))
	}
}

func (t *topo) internPart(pn string) uint32 {
	if pn == "" {
		return 0
	}
	if i, ok := t.partIx[pn]; ok {
		return i
	}
	i := uint32(len(t.parts))
	t.parts = append(t.parts, pn)
	t.partIx[pn] = i
	return i
}

func (t *topo) labelOf(i uint32) tracegraph.Label { return tracegraph.Labels[t.label[i]] }

func (t *topo) live(i uint32) bool { return t.flags[i]&flVoided == 0 }

func (t *topo) setHoldDelta(i uint32, d int32) {
	c := t.holds[i] + d
	if c <= 0 {
		delete(t.holds, i)
		t.flags[i] &^= flHeld
		return
	}
	t.holds[i] = c
	t.flags[i] |= flHeld
}

// addEdge appends an edge and returns its index.
func (t *topo) addEdge(id tracegraph.EdgeID, src, dst uint32, from int64, meta uint8) uint32 {
	k := uint32(len(t.eid))
	t.eid = append(t.eid, id)
	t.er = append(t.er, edgeHot{src: src, dst: dst, from: from})
	t.emeta = append(t.emeta, meta)
	t.out.add(src, k)
	t.in.add(dst, k)
	t.indexEdge(k)
	return k
}

var (
	containsCode = uint8(tracegraph.EdgeContains.Code())
	forOrderCode = uint8(tracegraph.EdgeForOrder.Code())
)

// indexEdge adds edge k to the typed indexes (not to out and in).
func (t *topo) indexEdge(k uint32) {
	switch t.emeta[k] & emTypeMask {
	case containsCode:
		t.cout.add(t.er[k].src, k)
		t.cin.add(t.er[k].dst, k)
	case forOrderCode:
		if t.emeta[k]&emVoided == 0 {
			t.order[t.er[k].src] = t.er[k].dst + 1
		}
	}
}

func (a *adjacency) add(node, edge uint32) {
	a.extra[node] = append(a.extra[node], edge)
	a.nExt++
}

// each calls f for every edge index of node until f returns false.
func (a *adjacency) each(node uint32, f func(e uint32) bool) {
	if int(node)+1 < len(a.off) {
		for _, e := range a.list[a.off[node]:a.off[node+1]] {
			if !f(e) {
				return
			}
		}
	}
	if a.nExt > 0 {
		for _, e := range a.extra[node] {
			if !f(e) {
				return
			}
		}
	}
}

// eachIn is each over the edges of node from its lo-th to before its
// hi-th (in each's order).
func (a *adjacency) eachIn(node uint32, lo, hi int, f func(e uint32) bool) {
	c := 0
	if int(node)+1 < len(a.off) {
		l := a.list[a.off[node]:a.off[node+1]]
		c = len(l)
		for _, e := range l[min(lo, c):min(hi, c)] {
			if !f(e) {
				return
			}
		}
	}
	if a.nExt > 0 && hi > c {
		l := a.extra[node]
		for _, e := range l[min(max(lo-c, 0), len(l)):min(hi-c, len(l))] {
			if !f(e) {
				return
			}
		}
	}
}

// degree returns how many edges node has in a.
func (a *adjacency) degree(node uint32) int {
	d := 0
	if a.nExt > 0 {
		d = len(a.extra[node])
	}
	if int(node)+1 < len(a.off) {
		d += int(a.off[node+1] - a.off[node])
	}
	return d
}

// maybeCompact folds the overflow into the CSR when it has grown large.
func (t *topo) maybeCompact() {
	total := len(t.eid)
	if t.out.nExt < 1<<16 || t.out.nExt*4 < total {
		return
	}
	t.compact()
}

// compact rebuilds the CSRs from the edge arrays (and asks for huge pages
// under the large arrays again: appends may have moved them).
func (t *topo) compact() {
	n := len(t.label)
	all := func(uint32) bool { return true }
	contains := func(e uint32) bool { return t.emeta[e]&emTypeMask == containsCode }
	t.out = buildCSR(n, t.er, false, all)
	t.in = buildCSR(n, t.er, true, all)
	t.cout = buildCSR(n, t.er, false, contains)
	t.cin = buildCSR(n, t.er, true, contains)
	t.buildContainsHot()
	t.adviseHugePages()
}

// buildCSR lists, per node, the edges e (in creation order) that keep
// accepts, by their source (by their target with byDst).
func buildCSR(n int, er []edgeHot, byDst bool, keep func(e uint32) bool) adjacency {
	end := func(e int) uint32 {
		if byDst {
			return er[e].dst
		}
		return er[e].src
	}
	off := make([]uint32, n+1)
	m := 0
	for e := range er {
		if keep(uint32(e)) {
			off[end(e)+1]++
			m++
		}
	}
	for i := 1; i <= n; i++ {
		off[i] += off[i-1]
	}
	list := make([]uint32, m)
	pos := slices.Clone(off[:n])
	for e := range er {
		if keep(uint32(e)) {
			v := end(e)
			list[pos[v]] = uint32(e)
			pos[v]++
		}
	}
	return adjacency{off: off, list: list, extra: map[uint32][]uint32{}}
}

// edgeIndex returns the index of the edge with this ID.
func (t *topo) edgeIndex(id tracegraph.EdgeID) (uint32, bool) {
	k := sort.Search(len(t.eid), func(i int) bool { return t.eid[i] >= id })
	if k < len(t.eid) && t.eid[k] == id {
		return uint32(k), true
	}
	return 0, false
}

// edgesOfSeq returns the index range of the edges created by event seq.
func (t *topo) edgesOfSeq(seq uint64) (int, int) {
	lo := sort.Search(len(t.eid), func(i int) bool { return t.eid[i] >= tracegraph.NewEdgeID(seq, 0) })
	hi := sort.Search(len(t.eid), func(i int) bool { return t.eid[i] >= tracegraph.NewEdgeID(seq+1, 0) })
	return lo, hi
}

func (t *topo) edgeType(e uint32) tracegraph.EdgeType {
	return tracegraph.EdgeTypes[t.emeta[e]&emTypeMask]
}

func (t *topo) edgePrec(e uint32) tracegraph.Precision {
	return tracegraph.Precision((t.emeta[e] & emPrecMask) >> emPrecShift)
}

// edgeCounts reports whether edge e counts for filter f (never a voided one).
func (t *topo) edgeCounts(f *tracegraph.EdgeFilter, e uint32) bool {
	m := t.emeta[e]
	return m&emVoided == 0 && f.Admits(int(m&emTypeMask), tracegraph.Precision((m&emPrecMask)>>emPrecShift)) &&
		f.During(t.er[e].from, t.closedAt(e))
}

// memBytes estimates the memory the topology holds.
func (t *topo) memBytes() (nodes, edges int64) {
	nodes = int64(cap(t.names) + 4*cap(t.nameAt) + 4*cap(t.slots) + cap(t.label) + cap(t.status) +
		cap(t.flags) + 4*cap(t.part) + 4*cap(t.order) + 4*cap(t.out.off) + 4*cap(t.in.off) +
		4*cap(t.cout.off) + 4*cap(t.cin.off) + 4*cap(t.disk))
	edges = int64(8*cap(t.eid) + 16*cap(t.er) + cap(t.emeta) +
		4*cap(t.out.list) + 4*cap(t.in.list) + 4*cap(t.cout.list) + 4*cap(t.cin.list))
	for _, a := range []*adjacency{&t.out, &t.in, &t.cout, &t.cin} {
		for _, l := range a.extra {
			edges += int64(4*cap(l)) + 48
		}
	}
	edges += int64(len(t.eclose))*48 + t.chot.memBytes()
	return nodes, edges
}
