package tracegraph

// addedIndex lists, for each node, the edges a Tx added (or reopened) at
// it, in the order it added them. The lists of all nodes share one array
// of links: a Tx records about two entries an edge at every layer (event,
// batch, group), and a slice for each node made two allocations or more
// for each of them.
type addedIndex struct {
	ends  map[ID]addedEnds
	links []addedLink
}

// addedEnds are the first and last links of a node's list.
type addedEnds struct{ first, last int }

// addedLink is an entry of a node's list; next is the next entry's link
// (-1: none).
type addedLink struct {
	eid  EdgeID
	next int
}

// add appends eid to the list of id.
func (a *addedIndex) add(id ID, eid EdgeID) {
	k := len(a.links)
	a.links = append(grow(a.links, 1), addedLink{eid: eid, next: -1})
	e, ok := a.ends[id]
	if ok {
		a.links[e.last].next = k
		e.last = k
	} else {
		e = addedEnds{k, k}
	}
	mk(&a.ends)[id] = e
}

// truncate takes the links from k on out of the lists, as they were before
// they were added; edges holds the edges they name (their ends are the
// nodes whose lists they are in).
func (a *addedIndex) truncate(k int, edges map[EdgeID]*Edge) {
	for _, l := range a.links[k:] {
		e := edges[l.eid]
		a.cut(e.Source, k)
		a.cut(e.Target, k)
	}
	a.links = a.links[:k]
}

// cut ends id's list before the link k.
func (a *addedIndex) cut(id ID, k int) {
	e := a.ends[id]
	switch {
	case e.last < k:
		// Cut already, or none of its links are from k on.
	case e.first >= k:
		delete(a.ends, id)
	default:
		last := e.first
		for a.links[last].next >= 0 && a.links[last].next < k {
			last = a.links[last].next
		}
		a.links[last].next = -1
		a.ends[id] = addedEnds{e.first, last}
	}
}

// head returns the first link of id's list, -1 when it is empty.
func (a *addedIndex) head(id ID) int {
	if e, ok := a.ends[id]; ok {
		return e.first
	}
	return -1
}

// reset empties the index, keeping its room unless it grew large.
func (a *addedIndex) reset() {
	clearSmall(&a.ends)
	if cap(a.links) > 1024 {
		a.links = nil
	} else {
		a.links = a.links[:0]
	}
}
