package embedded

import "slices"

// containsHot is, beside the CONTAINS adjacency's CSR (t.cout's off and
// list, built at the last rebuild), in the same order, what explode reads of
// each of those edges: its target and its meta byte. The edge arrays are in
// creation order, so reading a pallet's contents through them costs a cache
// miss or two per edge (a unit's CONTAINS edges were made when it was
// assembled, far from its box's); these arrays put a container's contents
// side by side, and a pallet's subtree (whose nodes renumber places
// together) in one stretch. 5 bytes an edge, for CONTAINS edges only.
//
// Upkeep: built with the CSR (compact, at open and when the overflow has
// grown); the meta bytes follow each update of an edge's meta (publish);
// edges added since the rebuild are in the overflow and read the old way.
// The targets never change but by a rebuild.
type containsHot struct {
	dst  []uint32 // dst[k]: the target of edge t.cout.list[k]
	meta []uint8  // meta[k]: the meta byte of edge t.cout.list[k], kept current
	// maxFrom is the latest validFrom among these edges: a walk at or after
	// it need not read any of their validFroms.
	maxFrom int64
	// edges is how many edges there were at the rebuild: every CONTAINS
	// edge of a lower index is in the CSR.
	edges int
}

// buildContainsHot builds t.chot over t.cout's CSR.
func (t *topo) buildContainsHot() {
	list := t.cout.list
	h := containsHot{dst: make([]uint32, len(list)), meta: make([]uint8, len(list)), edges: len(t.er)}
	for k, e := range list {
		r := &t.er[e]
		h.dst[k], h.meta[k] = r.dst, t.emeta[e]
		if k == 0 || r.from > h.maxFrom {
			h.maxFrom = r.from
		}
	}
	t.chot = h
}

// containsMetaChanged copies edge k's meta byte, just changed, into
// t.chot when k is a CONTAINS edge of the CSR.
func (t *topo) containsMetaChanged(k uint32) {
	if t.emeta[k]&emTypeMask != containsCode || int(k) >= t.chot.edges {
		return
	}
	src := t.er[k].src
	lo, hi := t.cout.off[src], t.cout.off[src+1]
	// A node's edges are in creation order: ascending indexes.
	if p, ok := slices.BinarySearch(t.cout.list[lo:hi], k); ok {
		t.chot.meta[lo+uint32(p)] = t.emeta[k]
	}
}

// memBytes is what t.chot holds.
func (h *containsHot) memBytes() int64 { return int64(4*cap(h.dst) + cap(h.meta)) }
