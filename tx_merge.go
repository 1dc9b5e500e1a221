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
	tx.nodes = mergeMap(tx.nodes, from.nodes)
	tx.edges = mergeMap(tx.edges, from.edges)
	a := &tx.added
	off := len(a.links)
	a.links = append(grow(a.links, len(from.added.links)), from.added.links...)
	for k := off; k < len(a.links); k++ {
		if a.links[k].next >= 0 {
			a.links[k].next += off
		}
	}
	a.ends = mergeEnds(a.ends, from.added.ends, a.links, off)
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

// mergeMap returns dst with src's entries set in it (src's value where both
// have a key). It may return src itself with dst's other entries added:
// the smaller map is written into the larger, so that a group merging a
// batch larger than itself grows no map (a batch's maps are made for it).
// src must be neither changed nor read after (MergeInto).
func mergeMap[K comparable, V any](dst, src map[K]V) map[K]V {
	if len(src) > len(dst) {
		for k, v := range dst {
			if _, ok := src[k]; !ok {
				src[k] = v
			}
		}
		return src
	}
	for k, v := range src {
		dst[k] = v
	}
	return dst
}

// mergeEnds returns the ends of the lists of an added index whose links
// are dst's, then src's from off on (links, where src's next links are
// moved already): each node's list in dst continued by its list in src.
// As mergeMap, it writes the smaller map into the larger: src's may be
// the one returned.
func mergeEnds(dst, src map[ID]addedEnds, links []addedLink, off int) map[ID]addedEnds {
	into, swap := dst, len(src) > len(dst)
	if swap {
		into = src
	}
	for id, e := range src {
		e.first, e.last = e.first+off, e.last+off
		if have, ok := dst[id]; ok {
			links[have.last].next = e.first
			e.first = have.first
		}
		mk(&into)[id] = e
	}
	if swap {
		for id, have := range dst {
			if _, ok := src[id]; !ok {
				src[id] = have
			}
		}
	}
	return into
}
