package embedded

import (
	"slices"

	"github.com/tracegraph/tracegraph"
)

// Node positions. The store's records name a node by its persisted index
// (the order nodes were created in: node index keys, the two ends of edge
// records). In memory, the topology keeps its nodes at positions of its own
// choosing: renumber, at open, places them in traversal order, so that a
// product sits next to what it is made of and a walk's nodes share cache
// lines instead of being scattered in creation order. disk translates;
// nothing outside the topology sees positions except as opaque handles, and
// whatever the store hands out (export indexes, unit cursors, orders) is in
// persisted terms. Nodes created after open are appended at the position
// equal to their persisted index.

// diskIndex is the persisted index of the node at position i.
func (t *topo) diskIndex(i uint32) uint32 {
	if t.disk == nil {
		return i
	}
	return t.disk[i]
}

// inDiskOrder returns the positions of the nodes in persisted order (nil:
// they are the same). The reverse of disk is built on demand, not kept: it
// would cost 4 bytes per node for the few questions that need it.
func (t *topo) inDiskOrder() []uint32 {
	if t.disk == nil {
		return nil
	}
	at := make([]uint32, len(t.disk))
	for i, d := range t.disk {
		at[d] = uint32(i)
	}
	return at
}

// sortByDisk orders node positions by their persisted indexes.
func (t *topo) sortByDisk(is []uint32) {
	if t.disk == nil {
		slices.Sort(is)
		return
	}
	keyed := make([]uint64, len(is))
	for k, i := range is {
		keyed[k] = uint64(t.disk[i])<<32 | uint64(i)
	}
	slices.Sort(keyed)
	for k, x := range keyed {
		is[k] = uint32(x)
	}
}

// lookupDisk returns the persisted index of the node with this ID.
func (t *topo) lookupDisk(id tracegraph.ID) (uint32, bool) {
	i, ok := t.lookup(id)
	if !ok {
		return 0, false
	}
	return t.diskIndex(i), true
}

// appendIdentity records a node just appended at position i = its persisted
// index.
func (t *topo) appendIdentity(i uint32) {
	if t.disk != nil {
		t.disk = append(t.disk, i)
	}
}

// renumber places the nodes in traversal order and rebuilds the adjacency:
// depth first along edges out of a node (what it contains, consumed, was
// tested by: the way a genealogy walks), in edge ID order, from each node
// nothing points to (shipments, unpacked units, in creation order), then
// from whatever is left. Each node then sits right after the node that
// first reaches it: a shipment before its pallets, a pallet before its
// boxes, a unit before its boards, their components and their test runs.
func (t *topo) renumber() {
	n := t.nodeCount()
	out := buildCSR(n, t.er, false, func(uint32) bool { return true })
	pointed := make([]bool, n)
	for _, r := range t.er {
		pointed[r.dst] = true
	}
	seen := make([]bool, n)
	order := make([]uint32, 0, n)
	var stack []uint32
	dfs := func(r uint32) {
		stack = append(stack[:0], r)
		seen[r] = true
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			order = append(order, v)
			es := out.list[out.off[v]:out.off[v+1]]
			for k := len(es) - 1; k >= 0; k-- { // pushed last first: popped in edge ID order
				if w := t.er[es[k]].dst; !seen[w] {
					seen[w] = true
					stack = append(stack, w)
				}
			}
		}
	}
	for _, roots := range []bool{true, false} {
		for r := range uint32(n) {
			if !seen[r] && (!roots || !pointed[r]) {
				dfs(r)
			}
		}
	}
	t.permute(order)
}

// permute moves the node at position order[k] to position k and rebuilds
// the hash index and the adjacency.
func (t *topo) permute(order []uint32) {
	n := len(order)
	at := make([]uint32, n) // old position → new
	for k, old := range order {
		at[old] = uint32(k)
	}
	names := make([]byte, 0, len(t.names))
	nameAt := make([]uint32, 1, n+1)
	label, status, flags := make([]uint8, n), make([]uint8, n), make([]uint8, n)
	part, wo := make([]uint32, n), make([]uint32, n)
	disk := make([]uint32, n)
	for k, old := range order {
		names = append(names, t.nameBytes(old)...)
		nameAt = append(nameAt, uint32(len(names)))
		label[k], status[k], flags[k], part[k] = t.label[old], t.status[old], t.flags[old], t.part[old]
		if o := t.order[old]; o != 0 {
			wo[k] = at[o-1] + 1
		}
		disk[k] = t.diskIndex(old)
	}
	t.names, t.nameAt = names, nameAt
	t.label, t.status, t.flags, t.part, t.order = label, status, flags, part, wo
	holds := make(map[uint32]int32, len(t.holds))
	for i, c := range t.holds {
		holds[at[i]] = c
	}
	t.holds = holds
	for e := range t.er {
		t.er[e].src, t.er[e].dst = at[t.er[e].src], at[t.er[e].dst]
	}
	t.disk = disk
	t.slots = make([]uint32, len(t.slots))
	for i := range uint32(n) {
		t.insertSlot(i)
	}
	t.compact()
}
