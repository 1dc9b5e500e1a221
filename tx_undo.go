package tracegraph

// An event of a batch is projected straight into the batch's Tx (one
// overlay fewer to write, merge and read through) with an undo log that
// takes its changes out again when it is refused. Its reads then see the
// batch's maps with its own changes in them, where a Tx of its own over
// the batch's saw its changes above the batch's: the same answers, but for
// a few cases, each of which makes the event fall back to a Tx of its own
// (Tx.fellBack; projectBatch undoes the event and projects it again so):
//
//   - it voids a node (a Tx of its own hides the batch's edges and holds
//     of a node it voided),
//   - it puts a node the batch voided (a Tx of its own still hides the
//     node's edges and holds of the store),
//   - it reads or changes the holds the batch keeps for a node the batch
//     voided (a Tx of its own reads none),
//   - it reopens an edge the batch changed (a Tx of its own lists it after
//     the batch's edges, the batch at its place),
//   - it removes an identifier, or adds one the batch removed (a Tx of its
//     own lists it after the batch's, the batch at its place).
//
// None of these happen in a factory's ordinary stream: they are voids and
// corrections.

// undoKind is the map an undoEntry restores.
type undoKind uint8

const (
	undoHolds undoKind = iota + 1
	undoHeldBy
	undoIdAdd
	undoIdDel
	undoVoided
)

// undoLog is what an event projected straight into its batch's Tx changed
// there: the length of the lists it appended to, and each map entry as it
// was before, in order for each map (the maps are restored one after the
// other). The edges it added are not logged: their ids are its own
// (NewEdgeID(seq, k), k < nEdges), in none of the maps before; nor are
// the lists of edges added at each node: its entries are the links from
// links on (addedIndex.truncate).
type undoLog struct {
	muts, links int
	nodes       []nodeUndo
	edges       []edgeUndo
	others      []undoEntry
}

// nodeUndo is a key of Tx.nodes as it was (had: it was there).
type nodeUndo struct {
	id   ID
	node *Node
	had  bool
}

// edgeUndo is a key of Tx.edges as it was.
type edgeUndo struct {
	eid  EdgeID
	edge *Edge
	had  bool
}

// undoEntry is what a key of one of a Tx's other maps held before an
// event changed it (had: it was there).
type undoEntry struct {
	kind undoKind
	had  bool
	// old is heldBy's or idDel's value before; made: the event made
	// heldBy's map of the hold.
	old, made bool
	key       string
	id        ID
	holds     []Hold
	idents    []Identifier
	ident     Identifier
	by        string
}

// beginEvent makes tx, a batch's Tx, project the event ev with seq seq
// itself (see undoLog), with the batch's memo m.
func (tx *Tx) beginEvent(seq uint64, ev *Event, m *memo, u *undoLog) {
	u.muts, u.links = len(tx.muts), len(tx.added.links)
	tx.undo, tx.fellBack = u, false
	tx.seq, tx.ev, tx.memo, tx.completed, tx.nEdges = seq, ev, m, nil, 0
}

// endEvent ends what beginEvent began: tx is the batch's again.
func (tx *Tx) endEvent() {
	u := tx.undo
	clear(u.nodes)
	clear(u.edges)
	clear(u.others)
	u.nodes, u.edges, u.others = u.nodes[:0], u.edges[:0], u.others[:0]
	tx.undo, tx.fellBack = nil, false
	tx.seq, tx.ev, tx.memo, tx.completed, tx.nEdges = 0, nil, nil, nil, 0
}

// fallBack marks the event being projected into tx as one to project in
// a Tx of its own (see undoLog), for the reason why.
func (tx *Tx) fallBack(why string) {
	if !tx.fellBack && tx.memo != nil && tx.memo.fallbacks != nil {
		tx.memo.fallbacks[why]++
	}
	tx.fellBack = true
}

// rollback takes the changes of the event being projected out of tx.
func (tx *Tx) rollback() {
	u := tx.undo
	// First: the edges of the links it takes out are still in tx.edges.
	tx.added.truncate(u.links, tx.edges)
	for i := len(u.nodes) - 1; i >= 0; i-- {
		restoreKey(tx.nodes, u.nodes[i].id, u.nodes[i].node, u.nodes[i].had)
	}
	for i := len(u.edges) - 1; i >= 0; i-- {
		restoreKey(tx.edges, u.edges[i].eid, u.edges[i].edge, u.edges[i].had)
	}
	// After: an update of an edge the event added restores that edge.
	for k := range tx.nEdges {
		delete(tx.edges, NewEdgeID(tx.seq, k))
	}
	for i := len(u.others) - 1; i >= 0; i-- {
		e := &u.others[i]
		switch e.kind {
		case undoHolds:
			restoreKey(tx.holds, e.id, e.holds, e.had)
		case undoHeldBy:
			if e.made {
				delete(tx.heldBy, e.key)
			} else {
				restoreKey(tx.heldBy[e.key], e.id, e.old, e.had)
			}
		case undoIdAdd:
			restoreKey(tx.idAdd, e.key, e.idents, e.had)
		case undoIdDel:
			restoreKey(tx.idDel, e.ident, e.old, e.had)
		case undoVoided:
			restoreKey(tx.voided, e.key, e.by, e.had)
		}
	}
	tx.muts = tx.muts[:u.muts]
}

// restoreKey sets m[k] to v, or deletes it when it was not there (had).
func restoreKey[K comparable, V any](m map[K]V, k K, v V, had bool) {
	if had {
		m[k] = v
	} else {
		delete(m, k)
	}
}

// log records e when an event is projected into tx (else nothing).
func (tx *Tx) log(e undoEntry) {
	if tx.undo != nil {
		tx.undo.others = append(tx.undo.others, e)
	}
}
