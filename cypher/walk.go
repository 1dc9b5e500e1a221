package cypher

import (
	"context"
	"maps"
	"strings"
	"time"

	"github.com/tracegraph/tracegraph"
)

// hop is one edge a frontier node can be left by: the edge and what is known
// of the node at its other end.
type hop struct {
	edge   tracegraph.Edge
	other  tracegraph.ID
	label  tracegraph.Label
	status string
	held   bool
}

// expandFunc returns, for each distinct id, the hops out of it (up) or into
// it (down) that pass the traversal's filters (types, time, precision,
// voided), in edge id order. The Store runs expand_out.cypher or
// expand_in.cypher.
type expandFunc func(ctx context.Context, ids []tracegraph.ID, up bool) (map[tracegraph.ID][]hop, error)

// nodeInfo is what a walk knows of a node it met.
type nodeInfo struct {
	label  tracegraph.Label
	status string
	held   bool
}

// table interns the nodes and edges one read transaction meets as the
// dense handles the walk and rollup rules run over.
type table struct {
	ids   []tracegraph.ID
	index map[tracegraph.ID]uint32
	nodes []nodeInfo
	edges []tracegraph.Edge
	eix   map[tracegraph.EdgeID]uint32
}

func newTable() *table {
	return &table{index: map[tracegraph.ID]uint32{}, eix: map[tracegraph.EdgeID]uint32{}}
}

// node returns id's handle, adding it with what is known of it.
func (t *table) node(id tracegraph.ID, info nodeInfo) uint32 {
	if i, ok := t.index[id]; ok {
		return i
	}
	i := uint32(len(t.ids))
	t.ids, t.nodes = append(t.ids, id), append(t.nodes, info)
	t.index[id] = i
	return i
}

// start returns the handles of start nodes, in order.
func (t *table) start(nodes []*tracegraph.Node) []uint32 {
	out := make([]uint32, len(nodes))
	for k, n := range nodes {
		out[k] = t.node(n.ID, nodeInfo{label: n.Label, status: n.Status(), held: n.OnHold()})
	}
	return out
}

func (t *table) edge(e tracegraph.Edge) uint32 {
	if i, ok := t.eix[e.ID]; ok {
		return i
	}
	i := uint32(len(t.edges))
	t.edges = append(t.edges, e)
	t.eix[e.ID] = i
	return i
}

func (t *table) name(i uint32) tracegraph.ID { return t.ids[i] }

// walker is the store's tracegraph.Expander, TraceGraph and Containment
// within one read transaction: each frontier one batched query, checked
// again against the walk's EdgeFilter. Its Containment answers from what
// prefetch read.
type walker struct {
	s      *Store
	tx     runner
	f      tracegraph.EdgeFilter
	expand expandFunc
	// ahead is expand's lookahead, nil when it reads one level per query.
	ahead *lookahead
	// lean walks read of each edge only its id, precision and validity:
	// the query checked the rest of the filter.
	lean bool
	// contained, when not nil, keeps the CONTAINS hops into each unit the
	// walk expands downstream (by the walk's query filter, before the walk
	// drops what it does not enter): a recall's rollup reads a unit's
	// holders from them (prefetch) instead of reading the unit again.
	contained map[uint32][]hop
	tab       *table
	// asOf, when set, is the moment whose unit statuses a recall reports.
	asOf time.Time
	// read by prefetch
	holders   map[uint32][]tracegraph.Holding
	customers map[uint32][]uint32
	orders    map[uint32]uint32
}

var _ interface {
	tracegraph.TraceGraph
	tracegraph.Containment
} = (*walker)(nil)

// walker returns the walker of filter f in tx, for walks of at most
// maxDepth levels; a lean one reads of each edge only its id and
// precision, for walks that report no edges.
func (s *Store) walker(tx runner, f tracegraph.EdgeFilter, maxDepth int, lean bool) *walker {
	return s.walkerReading(tx, f, maxDepth, lean, true)
}

// walkerReading is walker, reading whether each node met is held only
// when holds (else every node met is taken as not held: a walk that reads
// holds otherwise).
func (s *Store) walkerReading(tx runner, f tracegraph.EdgeFilter, maxDepth int, lean, holds bool) *walker {
	var types []tracegraph.EdgeType
	for c, t := range tracegraph.EdgeTypes {
		if f.Types == 0 || f.Types&(1<<c) != 0 {
			types = append(types, t)
		}
	}
	w := &walker{s: s, tx: tx, f: f, tab: newTable(), lean: lean}
	w.expand, w.ahead = s.lookahead(tx, types, expandParams(types, f.MinPrecision, time.Unix(0, f.At).UTC(), f.History, lean, holds), maxDepth)
	return w
}

// starts returns the handles of a walk's start nodes ids, in order
// (NOT_FOUND under field for one that does not exist). Where the walk reads
// ahead, they are read with its first levels in direction up, in one
// query.
func (w *walker) starts(ctx context.Context, field string, ids []tracegraph.ID, up bool) ([]uint32, error) {
	if w.ahead != nil {
		infos, ok, err := w.ahead.prime(ctx, sortedIDs(ids), up)
		if err != nil {
			return nil, err
		}
		if ok {
			out := make([]uint32, len(ids))
			for k, id := range ids {
				info, found := infos[id]
				if !found {
					return nil, tracegraph.Errorf(tracegraph.CodeNotFound, field, "%s does not exist", id)
				}
				out[k] = w.tab.node(id, info)
			}
			return out, nil
		}
	}
	nodes, err := w.s.startNodes(ctx, w.tx, field, ids)
	if err != nil {
		return nil, err
	}
	return w.tab.start(nodes), nil
}

// Expand implements tracegraph.Expander: one query for the distinct nodes
// of the frontier.
func (w *walker) Expand(ctx context.Context, frontier []uint32, up bool, hops []tracegraph.Hop) ([]tracegraph.Hop, error) {
	ids := make([]tracegraph.ID, 0, len(frontier))
	for _, n := range frontier {
		ids = append(ids, w.tab.ids[n])
	}
	got, err := w.expand(ctx, sortedIDs(ids), up)
	if err != nil {
		return nil, err
	}
	for k, n := range frontier {
		if w.contained != nil && !up && w.tab.nodes[n].label == tracegraph.LabelUnit {
			in := []hop{}
			for _, h := range got[w.tab.ids[n]] {
				if h.edge.Type == tracegraph.EdgeContains {
					in = append(in, h)
				}
			}
			w.contained[n] = in
		}
		for _, h := range got[w.tab.ids[n]] {
			if !w.keeps(&h.edge) || !w.f.Enters(h.label) {
				continue
			}
			to := w.tab.node(h.other, nodeInfo{label: h.label, status: h.status, held: h.held})
			hops = append(hops, tracegraph.Hop{From: uint32(k), To: to, Edge: w.tab.edge(h.edge), Prec: h.edge.Precision})
		}
	}
	return hops, nil
}

// keeps reports whether the walk follows edge e: what the query checked
// checked again, but the moments of a lean walk's edges, which it did not
// read.
func (w *walker) keeps(e *tracegraph.Edge) bool {
	if w.lean {
		return !e.Voided && w.f.Admits(e.Type.Code(), e.Precision)
	}
	return w.f.Keeps(e)
}

// CompareNodes implements tracegraph.Expander.
func (w *walker) CompareNodes(a, b uint32) int {
	return strings.Compare(string(w.tab.ids[a]), string(w.tab.ids[b]))
}

// TraceNode implements tracegraph.TraceGraph.
func (w *walker) TraceNode(i uint32) tracegraph.TraceNode {
	n := &w.tab.nodes[i]
	return tracegraph.TraceNode{ID: w.tab.ids[i], Label: n.label, Status: n.status, OnHold: n.held}
}

// Edge implements tracegraph.TraceGraph.
func (w *walker) Edge(e uint32) tracegraph.Edge { return w.tab.edges[e] }

// Holders implements tracegraph.Containment from what prefetch read.
func (w *walker) Holders(i uint32, out []tracegraph.Holding) []tracegraph.Holding {
	return append(out, w.holders[i]...)
}

// Customers implements tracegraph.Containment from what prefetch read.
func (w *walker) Customers(i uint32, out []uint32) []uint32 { return append(out, w.customers[i]...) }

// WorkOrder implements tracegraph.Containment from what prefetch read.
func (w *walker) WorkOrder(i uint32) (uint32, bool) {
	wo, ok := w.orders[i]
	return wo, ok
}

// prefetch reads, level by level, what the rollup rules ask of units: the
// CONTAINS edges into them and into everything holding them (as the
// walker's filter counts them; the levels in one query where it reads
// ahead), the customers of the shipments among those, and the units' work
// orders.
func (w *walker) prefetch(ctx context.Context, units []uint32) error {
	w.holders, w.customers, w.orders = map[uint32][]tracegraph.Holding{}, map[uint32][]uint32{}, map[uint32]uint32{}
	at := time.Unix(0, w.f.At).UTC()
	// The rollup asks nothing of a holder but its label and span: no holds
	// read.
	in := []tracegraph.EdgeType{tracegraph.EdgeContains}
	contains, ahead := w.s.lookahead(w.tx, in, expandParams(in, tracegraph.PrecisionUnknown, at, w.f.History, false, false), tracegraph.MaxTraceDepth)
	if ahead != nil {
		ahead.wide = levelWhole // the containers of every unit, level after level
	}
	var shipments []tracegraph.ID
	level := make([]tracegraph.ID, 0, len(units))
	for _, u := range units {
		level = append(level, w.tab.ids[u])
	}
	level = sortedIDs(level)
	done := map[tracegraph.ID]bool{}
	for len(level) > 0 {
		for _, id := range level {
			done[id] = true
		}
		got, err := w.holdersOf(ctx, contains, level)
		if err != nil {
			return err
		}
		var next []tracegraph.ID
		for _, id := range level {
			i := w.tab.index[id]
			for _, h := range got[id] {
				if h.edge.Voided || !w.f.During(tracegraph.Nanos(h.edge.ValidFrom), tracegraph.Nanos(h.edge.ValidTo)) {
					continue
				}
				p := w.tab.node(h.other, nodeInfo{label: h.label, status: h.status, held: h.held})
				w.holders[i] = append(w.holders[i], tracegraph.Holding{Holder: p, Label: h.label,
					Span: tracegraph.SpanOf(tracegraph.Nanos(h.edge.ValidFrom), tracegraph.Nanos(h.edge.ValidTo))})
				if !done[h.other] {
					done[h.other] = true
					next = append(next, h.other)
					if h.label == tracegraph.LabelShipment {
						shipments = append(shipments, h.other)
					}
				}
			}
		}
		level = sortedIDs(next)
	}
	// SHIPPED_TO and FOR_ORDER count whenever they were recorded and not voided.
	ever := func(t tracegraph.EdgeType, ids []tracegraph.ID, add func(from, to uint32)) error {
		types := []tracegraph.EdgeType{t}
		got, err := w.s.expandWith(w.tx, expandParams(types, tracegraph.PrecisionUnknown, at, true, false, false))(ctx, sortedIDs(ids), true)
		if err != nil {
			return err
		}
		for id, hs := range got {
			for _, h := range hs {
				add(w.tab.index[id], w.tab.node(h.other, nodeInfo{label: h.label}))
			}
		}
		return nil
	}
	if err := ever(tracegraph.EdgeShippedTo, shipments, func(s, c uint32) { w.customers[s] = append(w.customers[s], c) }); err != nil {
		return err
	}
	// The work orders the walk read (lookahead.orders), the rest read here.
	var uids []tracegraph.ID
	for _, u := range units {
		if w.ahead != nil {
			if wo, ok := w.ahead.orders[w.tab.ids[u]]; ok {
				if wo.ok {
					w.orders[u] = w.tab.node(wo.id, nodeInfo{label: wo.label})
				}
				continue
			}
		}
		uids = append(uids, w.tab.ids[u])
	}
	return ever(tracegraph.EdgeForOrder, uids, func(u, wo uint32) { w.orders[u] = wo })
}

// holdersOf returns the CONTAINS hops into each of ids: those the walk
// kept (contained), read by contains for the rest.
func (w *walker) holdersOf(ctx context.Context, contains expandFunc, ids []tracegraph.ID) (map[tracegraph.ID][]hop, error) {
	got := make(map[tracegraph.ID][]hop, len(ids))
	var missing []tracegraph.ID
	for _, id := range ids {
		i, known := w.tab.index[id]
		if hs, ok := w.contained[i]; known && ok {
			got[id] = hs
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return got, nil
	}
	read, err := contains(ctx, missing, false)
	maps.Copy(got, read)
	return got, err
}

// statuses sets the units' statuses to those of w.asOf (when set), read
// from their properties (tracegraph.StatusAt).
func (w *walker) statuses(ctx context.Context, units []uint32) error {
	if w.asOf.IsZero() {
		return nil
	}
	var ids []tracegraph.ID
	for _, u := range units {
		if tracegraph.NeedsStatusAt(w.tab.nodes[u].status) {
			ids = append(ids, w.tab.ids[u])
		}
	}
	got, err := w.s.readNodes(ctx, w.tx, ids)
	if err != nil {
		return err
	}
	for id, n := range got {
		w.tab.nodes[w.tab.index[id]].status = tracegraph.StatusAt(n, w.asOf)
	}
	return nil
}

// recallUnit is unit i as a recall reports it, its depth and precision
// from m.
func (w *walker) recallUnit(m *tracegraph.Marks, i uint32) tracegraph.RecallUnit {
	n := &w.tab.nodes[i]
	return tracegraph.RecallUnit{ID: w.tab.ids[i], Precision: m.Precision(i), Depth: m.Depth(i), Status: n.status, OnHold: n.held}
}
