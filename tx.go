package tracegraph

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// Identifier is an additional number of a node: (Scheme, Value) names at most
// one node. Containers' SSCCs are identifiers with the scheme "SSCC".
type Identifier struct {
	Scheme string `json:"scheme"`
	Value  string `json:"value"`
	Node   ID     `json:"node"`
}

// SchemeSSCC is the identifier scheme of containers' SSCCs.
const SchemeSSCC = "SSCC"

// GraphReader is what the projection reads of a store's committed state. Each
// store implements it over its own storage; a Tx implements it over a store's
// reader plus the changes of the events projected so far.
type GraphReader interface {
	// GetNode returns the node with its holds, or nil when it does not exist
	// or was voided. The caller owns the returned node and may change it.
	GetNode(ctx context.Context, id ID) (*Node, error)
	// ViewNode is GetNode for reading only: the node may be shared with the
	// reader and other callers, and the caller must not change it (nor its
	// Props or Holds). It saves a copy where the rules only look.
	ViewNode(ctx context.Context, id ID) (*Node, error)
	// IdentifierOwners returns every identifier with this value, any scheme.
	IdentifierOwners(ctx context.Context, value string) ([]Identifier, error)
	// NodeEdges returns the edges out of (Upstream) or into (Downstream) the
	// node, never voided ones; open ones only unless history is set. Props may
	// be left nil.
	NodeEdges(ctx context.Context, id ID, dir Direction, history bool) ([]Edge, error)
	// SelectEdges returns the edges of NodeEdges(ctx, id, sel.Dir,
	// sel.History) that sel selects (EdgeSelect.Selects), in the same order.
	SelectEdges(ctx context.Context, id ID, sel EdgeSelect) ([]Edge, error)
	// HeldBy returns the nodes that carry the hold with this id.
	HeldBy(ctx context.Context, holdID string) ([]ID, error)
	// EventByID returns a recorded event and the id of the event that voided
	// it (""), or nil when no event has this id.
	EventByID(ctx context.Context, id string) (*Event, string, error)
	// EdgesByEvent returns the edges the event with this seq created, voided
	// ones included.
	EdgesByEvent(ctx context.Context, seq uint64) ([]Edge, error)
}

// MutationOp is the kind of a Mutation.
type MutationOp uint8

// The mutation kinds a projection produces. Stores apply them in order.
const (
	// OpPutNode creates a node or replaces its Props, CreatedBy and Version
	// with Node's (holds are not part of it).
	OpPutNode MutationOp = iota + 1
	// OpVoidNode marks the node ID voided: it disappears from every answer
	// but the audit trail, and its key may be created again.
	OpVoidNode
	// OpAddEdge adds Edge.
	OpAddEdge
	// OpUpdateEdge replaces the state (ValidTo, ClosedBy, CloseReason,
	// Voided) of the existing edge Edge.ID with Edge's. Its Props and other
	// fields stay as stored (Edge.Props may be nil here).
	OpUpdateEdge
	// OpAddHold adds Hold to node ID.
	OpAddHold
	// OpRemoveHold removes the hold Hold.ID from node ID.
	OpRemoveHold
	// OpAddIdentifier indexes Ident.
	OpAddIdentifier
	// OpRemoveIdentifier drops Ident from the index.
	OpRemoveIdentifier
	// OpVoidEvent marks the event EventID voided by the event VoidedBy.
	OpVoidEvent
)

// Mutation is one change to the graph, made by the event with seq Seq.
type Mutation struct {
	Op       MutationOp
	Seq      uint64
	ID       ID
	Node     *Node
	Edge     *Edge
	Hold     *Hold
	Ident    *Identifier
	EventID  string
	VoidedBy string
}

// Nodes returns the IDs of the nodes the mutation changes.
func (m *Mutation) Nodes() []ID {
	switch m.Op {
	case OpPutNode:
		return []ID{m.Node.ID}
	case OpAddEdge, OpUpdateEdge:
		return []ID{m.Edge.Source, m.Edge.Target}
	case OpAddIdentifier, OpRemoveIdentifier:
		return []ID{m.Ident.Node}
	case OpVoidEvent:
		return nil
	}
	return []ID{m.ID}
}

// Tx is a projection transaction: a GraphReader over a base reader plus the
// mutations recorded in it. Reads see the tx's own writes. A Tx is not safe
// for concurrent use.
type Tx struct {
	ctx  context.Context
	base GraphReader

	nodes  map[ID]*Node // after-images; nil value: voided in this tx
	holds  map[ID][]Hold
	edges  map[EdgeID]*Edge
	added  addedIndex              // edges added in this tx, by endpoint
	idAdd  map[string][]Identifier // by value
	idDel  map[Identifier]bool
	heldBy map[string]map[ID]bool
	events map[string]*Event
	voided map[string]string
	muts   []Mutation
	// chunks are the full lists before muts (see adoptChunk).
	chunks [][]Mutation
	// mutsFrom is where tx's own mutations start in muts: an event's Tx
	// appends to its batch's list (see mergeEvent).
	mutsFrom int
	seq      uint64
	ev       *Event
	// completed is the event's payload as the rules completed it (nil: as
	// sent); see complete.
	completed Payload
	nEdges    int
	visited   int
	// edges0 are the edges newEdge hands out next (kept by reset).
	edges0 []Edge
	// memo is what the rules decoded in this batch (nil: nothing kept).
	memo *memo
	// undo logs the changes of the event projected into tx, a batch's Tx,
	// while it is (nil: none; see undoLog); fellBack: the event is to be
	// projected in a Tx of its own.
	undo     *undoLog
	fellBack bool
	// replay: merging tx replays its mutations (see mergeMaps).
	replay bool
	// lineSides is what the batches projected over this Tx keep of the
	// stations' line sides (memo.stations): valid for as long as the
	// station's texts are the ones kept, whatever became of the batch that
	// kept them. A store's writer gives every group's Tx the same one
	// (KeepLineSides).
	lineSides *LineSideMemo
}

// NewTx returns an empty transaction over base. Its maps are made on first
// write: one Tx is made per event, and most events touch few of them.
func NewTx(ctx context.Context, base GraphReader) *Tx {
	return &Tx{ctx: ctx, base: base}
}

// reset empties tx for the next event of a batch: ProjectBatch projects
// each event in one Tx over the batch's and merges it. The maps are kept,
// emptied, unless an event made them large (clearing costs their size).
func (tx *Tx) reset() {
	clearSmall(&tx.nodes)
	clearSmall(&tx.holds)
	clearSmall(&tx.edges)
	tx.added.reset()
	clearSmall(&tx.idAdd)
	clearSmall(&tx.idDel)
	clearSmall(&tx.heldBy)
	clearSmall(&tx.events)
	clearSmall(&tx.voided)
	tx.muts, tx.chunks, tx.mutsFrom, tx.seq, tx.ev, tx.completed, tx.nEdges, tx.visited = nil, nil, 0, 0, nil, nil, 0, 0
	tx.replay = false
}

func clearSmall[K comparable, V any](m *map[K]V) {
	if len(*m) > 64 {
		*m = nil
	} else {
		clear(*m)
	}
}

func mk[K comparable, V any](m *map[K]V) map[K]V {
	if *m == nil {
		*m = make(map[K]V)
	}
	return *m
}

// Rebase makes base the reader under tx. The new base must show everything
// the old one did: it is for a store whose commit of the old base's changes
// has since become visible in its own reader.
func (tx *Tx) Rebase(base GraphReader) { tx.base = base }

// Mutations returns the changes recorded, in order. For a Tx merged into
// more than once it is a new list each time (see adoptChunk).
func (tx *Tx) Mutations() []Mutation {
	if len(tx.chunks) == 0 {
		return tx.muts[tx.mutsFrom:]
	}
	n := len(tx.muts)
	for _, c := range tx.chunks {
		n += len(c)
	}
	all := make([]Mutation, 0, n)
	for _, c := range tx.chunks {
		all = append(all, c...)
	}
	return append(all, tx.muts...)
}

// MergeInto records tx's mutations and events in parent. tx may share its
// state with parent afterwards: it must be neither changed nor read after.
func (tx *Tx) MergeInto(parent *Tx) {
	if tx.base == GraphReader(parent) && parent.empty() {
		// Applying tx's mutations to an empty parent, over which tx read,
		// makes tx's overlay again: take it as it is.
		parent.nodes, parent.holds, parent.edges, parent.added = tx.nodes, tx.holds, tx.edges, tx.added
		parent.idAdd, parent.idDel, parent.heldBy = tx.idAdd, tx.idDel, tx.heldBy
		parent.events, parent.voided = tx.events, tx.voided
		parent.muts, parent.chunks = tx.muts[tx.mutsFrom:], tx.chunks
		if tx.mutsFrom > 0 {
			parent.muts = slices.Clip(parent.muts)
		}
		parent.replay = tx.replay
		return
	}
	byMaps := tx.base == GraphReader(parent) && !tx.replay
	for _, c := range tx.chunks {
		parent.adoptChunk(c, !byMaps)
	}
	parent.adoptChunk(tx.muts[tx.mutsFrom:], !byMaps)
	if byMaps {
		parent.mergeMaps(tx)
	}
	// tx is done: its map of events may become parent's (mergeMap).
	parent.events = mergeMap(parent.events, tx.events)
	parent.replay = parent.replay || tx.replay
}

// adoptChunk appends ms, a merged Tx's list that nothing changes or
// appends to after, to the mutations and applies them (unless not apply:
// see mergeMaps). ms fits in the room
// left in tx's list, or becomes tx's list as it is (clipped: tx's next
// append makes a new one), the one before kept as a chunk: the mutations
// merged into a group, or a graph replayed, are never copied to grow a
// list (Mutations joins the chunks once, if asked).
func (tx *Tx) adoptChunk(ms []Mutation, apply bool) {
	if len(ms) == 0 {
		return
	}
	if cap(tx.muts)-len(tx.muts) >= len(ms) {
		tx.muts = append(tx.muts, ms...)
	} else {
		if len(tx.muts) > 0 {
			tx.chunks = append(tx.chunks, tx.muts)
		}
		// Clipped: an append to tx's list makes a new one, never writing
		// into the room after ms that belonged to the merged Tx.
		tx.muts = slices.Clip(ms)
	}
	if apply {
		tx.applyAll(ms)
	}
}

// empty reports whether tx recorded nothing.
func (tx *Tx) empty() bool {
	return len(tx.nodes) == 0 && len(tx.holds) == 0 && len(tx.edges) == 0 && len(tx.added.links) == 0 &&
		len(tx.idAdd) == 0 && len(tx.idDel) == 0 && len(tx.heldBy) == 0 && len(tx.events) == 0 &&
		len(tx.voided) == 0 && len(tx.muts) == 0 && len(tx.chunks) == 0
}

// mergeEvent is MergeInto for the Tx of one event of tx's batch, whose list
// of mutations is tx's own list continued (ProjectBatch).
func (tx *Tx) mergeEvent(ev *Tx) {
	tx.muts = ev.muts
	tx.applyAll(ev.muts[ev.mutsFrom:])
	tx.mergeEvents(ev)
}

// applyAll applies ms to the overlay.
func (tx *Tx) applyAll(ms []Mutation) {
	for i := range ms {
		tx.apply(&ms[i])
	}
}

func (tx *Tx) mergeEvents(from *Tx) {
	for id, e := range from.events {
		mk(&tx.events)[id] = e
	}
}

// grow returns s with room for n more, doubling its room when it must
// grow: append grows a long slice by a quarter at a time, copying it about
// five times over as it grows to its length (a group's or a replayed
// graph's list of mutations, the edges it added).
func grow[T any](s []T, n int) []T {
	if cap(s)-len(s) >= n {
		return s
	}
	g := make([]T, len(s), max(2*cap(s), len(s)+n, 16))
	copy(g, s)
	return g
}

// record applies m to the overlay and appends it.
func (tx *Tx) record(m Mutation) {
	tx.apply(&m)
	tx.muts = append(grow(tx.muts, 1), m)
}

// apply applies m to the overlay. While an event is projected into tx
// (tx.undo), what each change replaces is logged, and the changes that a
// Tx of the event's own would read otherwise make it fall back (see
// undoLog).
func (tx *Tx) apply(m *Mutation) {
	switch m.Op {
	case OpPutNode:
		// The projection hands over the node and does not change it again,
		// so the overlay and the mutation share it (GetNode returns copies).
		m.Node.Holds = nil
		if tx.undo != nil {
			old, had := tx.nodes[m.Node.ID]
			if had && old == nil {
				tx.fallBack("put a node the batch voided")
			}
			tx.undo.nodes = append(tx.undo.nodes, nodeUndo{m.Node.ID, old, had})
		}
		mk(&tx.nodes)[m.Node.ID] = m.Node
	case OpVoidNode:
		tx.replay = true
		if tx.undo != nil {
			old, had := tx.nodes[m.ID]
			tx.fallBack("void a node")
			tx.undo.nodes = append(tx.undo.nodes, nodeUndo{m.ID, old, had})
		}
		mk(&tx.nodes)[m.ID] = nil
	case OpAddEdge:
		e := m.Edge
		// Not logged: the event's own edges (undoLog).
		mk(&tx.edges)[e.ID] = e
		tx.added.add(e.Source, e.ID)
		tx.added.add(e.Target, e.ID)
	case OpUpdateEdge:
		e := m.Edge
		old, known := tx.edges[e.ID]
		reopened := e.Open() && !e.Voided
		tx.replay = tx.replay || reopened
		if tx.undo != nil {
			if known && reopened {
				tx.fallBack("reopen an edge the batch changed")
			}
			tx.undo.edges = append(tx.undo.edges, edgeUndo{e.ID, old, known})
		}
		mk(&tx.edges)[e.ID] = e
		if !known && reopened {
			// Reopened: base reads of open edges no longer return it.
			tx.added.add(e.Source, e.ID)
			tx.added.add(e.Target, e.ID)
		}
	case OpAddHold, OpRemoveHold:
		tx.replay = true
		hs, _ := tx.currentHolds(m.ID)
		hs = slices.DeleteFunc(slices.Clone(hs), func(h Hold) bool { return h.ID == m.Hold.ID })
		if m.Op == OpAddHold {
			hs = append(hs, *m.Hold)
		}
		if tx.undo != nil {
			old, had := tx.holds[m.ID]
			tx.log(undoEntry{kind: undoHolds, id: m.ID, holds: old, had: had})
		}
		mk(&tx.holds)[m.ID] = hs
		hb := mk(&tx.heldBy)
		if hb[m.Hold.ID] == nil {
			tx.log(undoEntry{kind: undoHeldBy, key: m.Hold.ID, made: true})
			hb[m.Hold.ID] = map[ID]bool{}
		} else if tx.undo != nil {
			old, had := hb[m.Hold.ID][m.ID]
			tx.log(undoEntry{kind: undoHeldBy, key: m.Hold.ID, id: m.ID, old: old, had: had})
		}
		hb[m.Hold.ID][m.ID] = m.Op == OpAddHold
	case OpAddIdentifier:
		if tx.undo != nil {
			tx.logIdentifier(*m.Ident)
			if tx.idDel[*m.Ident] {
				tx.fallBack("add an identifier the batch removed")
			}
		}
		delete(tx.idDel, *m.Ident)
		idAdd := mk(&tx.idAdd)
		idAdd[m.Ident.Value] = append(idAdd[m.Ident.Value], *m.Ident)
	case OpRemoveIdentifier:
		tx.replay = true
		if tx.undo != nil {
			tx.logIdentifier(*m.Ident)
			tx.fallBack("remove an identifier")
		}
		mk(&tx.idDel)[*m.Ident] = true
		if tx.idAdd != nil {
			ids := tx.idAdd[m.Ident.Value]
			if tx.undo != nil {
				// Not in place: the log keeps the list as it was.
				ids = slices.Clone(ids)
			}
			tx.idAdd[m.Ident.Value] = slices.DeleteFunc(ids, func(i Identifier) bool { return i == *m.Ident })
		}
	case OpVoidEvent:
		if tx.undo != nil {
			old, had := tx.voided[m.EventID]
			tx.log(undoEntry{kind: undoVoided, key: m.EventID, by: old, had: had})
		}
		mk(&tx.voided)[m.EventID] = m.VoidedBy
	}
}

// logIdentifier logs what tx's identifier maps hold for i.
func (tx *Tx) logIdentifier(i Identifier) {
	del, hadDel := tx.idDel[i]
	tx.log(undoEntry{kind: undoIdDel, ident: i, old: del, had: hadDel})
	ids, hadAdd := tx.idAdd[i.Value]
	tx.log(undoEntry{kind: undoIdAdd, key: i.Value, idents: ids, had: hadAdd})
}

func (tx *Tx) currentHolds(id ID) ([]Hold, error) {
	if hs, ok := tx.holds[id]; ok {
		if tx.undo != nil {
			if n, ok := tx.nodes[id]; ok && n == nil {
				// A Tx of the event's own reads no holds of a node its
				// batch voided.
				tx.fallBack("holds of a node the batch voided")
			}
		}
		return hs, nil
	}
	if n, ok := tx.nodes[id]; ok && n == nil {
		return nil, nil
	}
	// Only its holds are read, and never changed (callers copy them to
	// change them): a view spares the copy of the node.
	n, err := tx.base.ViewNode(tx.ctx, id)
	if err != nil || n == nil {
		return nil, err
	}
	return n.Holds, nil
}

// GetNode implements GraphReader.
func (tx *Tx) GetNode(ctx context.Context, id ID) (*Node, error) {
	n, ok := tx.nodes[id]
	if ok && n == nil {
		return nil, nil
	}
	if ok {
		n = n.Clone()
		hs, err := tx.currentHolds(id)
		if err != nil {
			return nil, err
		}
		n.Holds = slices.Clone(hs)
		return n, nil
	}
	n, err := tx.base.GetNode(ctx, id)
	if err != nil || n == nil {
		return n, err
	}
	if hs, ok := tx.holds[id]; ok {
		n = n.Clone()
		n.Holds = slices.Clone(hs)
	}
	return n, nil
}

// ViewNode implements GraphReader. A node of the overlay is shared with
// it (the projection never changes a node it has put); its holds are the
// overlay's.
func (tx *Tx) ViewNode(ctx context.Context, id ID) (*Node, error) {
	n, ok := tx.nodes[id]
	if ok && n == nil {
		return nil, nil
	}
	if ok {
		hs, err := tx.currentHolds(id)
		if err != nil {
			return nil, err
		}
		if hs == nil && n.Holds == nil {
			// The node as the overlay holds it is the view: no copy.
			return n, nil
		}
		c := *n
		c.Holds = hs
		return &c, nil
	}
	n, err := tx.base.ViewNode(ctx, id)
	if err != nil || n == nil {
		return n, err
	}
	if hs, ok := tx.holds[id]; ok {
		c := *n
		c.Holds = hs
		return &c, nil
	}
	return n, nil
}

// IdentifierOwners implements GraphReader.
func (tx *Tx) IdentifierOwners(ctx context.Context, value string) ([]Identifier, error) {
	base, err := tx.base.IdentifierOwners(ctx, value)
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(slices.Clone(base), func(i Identifier) bool { return tx.idDel[i] })
	for _, i := range tx.idAdd[value] {
		if !slices.Contains(out, i) {
			out = append(out, i)
		}
	}
	return out, nil
}

// NodeEdges implements GraphReader.
func (tx *Tx) NodeEdges(ctx context.Context, id ID, dir Direction, history bool) ([]Edge, error) {
	return tx.SelectEdges(ctx, id, EdgeSelect{Dir: dir, History: history})
}

// SelectEdges implements GraphReader. The base's answer is filtered in its
// own memory: a reel's node can have thousands of edges, and every layer of
// overlay would otherwise copy them all.
func (tx *Tx) SelectEdges(ctx context.Context, id ID, sel EdgeSelect) ([]Edge, error) {
	keep := func(e *Edge) bool {
		if e.Voided || (!sel.History && !e.Open()) || !sel.Selects(e) {
			return false
		}
		switch sel.Dir {
		case Upstream:
			return e.Source == id
		case Downstream:
			return e.Target == id
		}
		return e.Source == id || e.Target == id
	}
	var out []Edge
	var fromBase map[EdgeID]bool
	added := tx.added.head(id)
	if n, ok := tx.nodes[id]; !ok || n != nil || sel.History {
		base, err := tx.base.SelectEdges(ctx, id, sel)
		if err != nil {
			return nil, err
		}
		if added >= 0 {
			fromBase = make(map[EdgeID]bool, len(base))
		}
		out = base[:0]
		for i := range base {
			e := &base[i]
			if fromBase != nil {
				fromBase[e.ID] = true
			}
			if o, ok := tx.edges[e.ID]; ok {
				e = o
			}
			if keep(e) {
				out = append(out, *e)
			}
		}
	}
	for k := added; k >= 0; k = tx.added.links[k].next {
		eid := tx.added.links[k].eid
		if e := tx.edges[eid]; keep(e) && !fromBase[eid] {
			out = append(out, *e)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// HeldBy implements GraphReader.
func (tx *Tx) HeldBy(ctx context.Context, holdID string) ([]ID, error) {
	base, err := tx.base.HeldBy(ctx, holdID)
	if err != nil {
		return nil, err
	}
	over := tx.heldBy[holdID]
	out := slices.DeleteFunc(slices.Clone(base), func(id ID) bool { v, ok := over[id]; return ok && !v })
	for id, v := range over {
		if v && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out, nil
}

// EventByID implements GraphReader.
func (tx *Tx) EventByID(ctx context.Context, id string) (*Event, string, error) {
	e, ok := tx.events[id]
	var by string
	if !ok {
		var err error
		e, by, err = tx.base.EventByID(ctx, id)
		if err != nil {
			return nil, "", err
		}
	}
	if v, ok := tx.voided[id]; ok {
		by = v
	}
	return e, by, nil
}

// EdgesByEvent implements GraphReader.
func (tx *Tx) EdgesByEvent(ctx context.Context, seq uint64) ([]Edge, error) {
	base, err := tx.base.EdgesByEvent(ctx, seq)
	if err != nil {
		return nil, err
	}
	for i := range base {
		if o, ok := tx.edges[base[i].ID]; ok {
			base[i] = *o
		}
	}
	// Edges this tx added (rare: a void in the batch of what it voids).
	for eid, e := range tx.edges {
		if eid.Seq() == seq && !slices.ContainsFunc(base, func(b Edge) bool { return b.ID == eid }) {
			base = append(base, *e)
		}
	}
	slices.SortFunc(base, func(a, b Edge) int { return cmp.Compare(a.ID, b.ID) })
	return base, nil
}

// ---- writes used by the projection

func (tx *Tx) putNode(n *Node) {
	n.Version = tx.seq
	tx.record(Mutation{Op: OpPutNode, Seq: tx.seq, Node: n})
}

func (tx *Tx) voidNode(id ID) { tx.record(Mutation{Op: OpVoidNode, Seq: tx.seq, ID: id}) }

func (tx *Tx) addEdge(t EdgeType, src, dst ID, p Precision, props map[string]any) *Error {
	return tx.addEdgeAt(t, src, dst, p, props, tx.ev.Time)
}

// addEdgeAt adds an edge valid from the time from rather than the event's:
// a consumption derived from a placement holds from the placement's time.
func (tx *Tx) addEdgeAt(t EdgeType, src, dst ID, p Precision, props map[string]any, from time.Time) *Error {
	if tx.nEdges >= MaxEdgesPerEvent {
		return Errorf(CodeLimit, "data", "one event may create at most %d edges", MaxEdgesPerEvent)
	}
	if p == PrecisionUnknown {
		p = PrecisionExact
	}
	e := tx.newEdge()
	*e = Edge{ID: NewEdgeID(tx.seq, tx.nEdges), Type: t, Source: src, Target: dst, ValidFrom: from,
		Precision: p, Props: props, Event: tx.ev.ID}
	tx.nEdges++
	tx.record(Mutation{Op: OpAddEdge, Seq: tx.seq, Edge: e})
	return nil
}

func (tx *Tx) updateEdge(e Edge) {
	n := tx.newEdge()
	*n = e
	tx.record(Mutation{Op: OpUpdateEdge, Seq: tx.seq, Edge: n})
}

// edgeSlab is how many edges newEdge allocates at a time.
const edgeSlab = 32

// newEdge returns a new zero Edge for a mutation. Edges are allocated
// edgeSlab at a time (the Tx of a batch's events keeps the rest from event
// to event): one allocation for many, where an event derives dozens of
// edges. An edge of a mutation is never changed after, so they can share
// one array; it lives as long as one of them.
func (tx *Tx) newEdge() *Edge {
	if len(tx.edges0) == 0 {
		tx.edges0 = make([]Edge, edgeSlab)
	}
	e := &tx.edges0[0]
	tx.edges0 = tx.edges0[1:]
	return e
}

// addHold adds h to node id unless the node carries it already, so that
// stores can count holds per node from the mutations.
func (tx *Tx) addHold(id ID, h Hold) error {
	hs, err := tx.currentHolds(id)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(hs, func(x Hold) bool { return x.ID == h.ID }) {
		tx.record(Mutation{Op: OpAddHold, Seq: tx.seq, ID: id, Hold: &h})
	}
	return nil
}

// removeHold removes the hold h.ID from node id if the node carries it.
func (tx *Tx) removeHold(id ID, h Hold) error {
	hs, err := tx.currentHolds(id)
	if err != nil {
		return err
	}
	if k := slices.IndexFunc(hs, func(x Hold) bool { return x.ID == h.ID }); k >= 0 {
		h = hs[k]
		tx.record(Mutation{Op: OpRemoveHold, Seq: tx.seq, ID: id, Hold: &h})
	}
	return nil
}

func (tx *Tx) addIdentifier(i Identifier) {
	tx.record(Mutation{Op: OpAddIdentifier, Seq: tx.seq, Ident: &i})
}

func (tx *Tx) removeIdentifier(i Identifier) {
	tx.record(Mutation{Op: OpRemoveIdentifier, Seq: tx.seq, Ident: &i})
}

// complete records p as the payload of the event being projected: the rules
// filled in what its request left to them.
func (tx *Tx) complete(p Payload) { tx.completed = p }

// now is the event's floor time.
func (tx *Tx) now() time.Time { return tx.ev.Time }
