package tracegraph

// mergeMaps makes tx's overlay what applying from's mutations to it makes,
// from from's overlay: the last value of each node and edge, each node's
// list of edges added continued by from's, the identifiers added, the
// events voided. One map write a key where applying makes one a mutation
// (and a node's list written once, not once an edge: a placement adds
// dozens at its unit). from must have read over tx, and have recorded
// none of what applying answers from tx's state (Tx.replay): voided nodes,
// reopened edges, holds, identifiers removed.
func (tx *Tx) mergeMaps(from *Tx) {
	for id, n := range from.nodes {
		mk(&tx.nodes)[id] = n
	}
	for eid, e := range from.edges {
		mk(&tx.edges)[eid] = e
	}
	a := &tx.added
	off := len(a.links)
	a.links = append(grow(a.links, len(from.added.links)), from.added.links...)
	for k := off; k < len(a.links); k++ {
		if a.links[k].next >= 0 {
			a.links[k].next += off
		}
	}
	for id, e := range from.added.ends {
		e.first, e.last = e.first+off, e.last+off
		if have, ok := a.ends[id]; ok {
			a.links[have.last].next = e.first
			e.first = have.first
		}
		mk(&a.ends)[id] = e
	}
	for v, ids := range from.idAdd {
		for _, i := range ids {
			delete(tx.idDel, i)
		}
		mk(&tx.idAdd)[v] = append(tx.idAdd[v], ids...)
	}
	for id, by := range from.voided {
		mk(&tx.voided)[id] = by
	}
}
