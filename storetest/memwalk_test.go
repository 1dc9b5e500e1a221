package storetest

import (
	"context"
	"strings"
	"time"

	"github.com/tracegraph/tracegraph"
)

// memWalker is the reference store seen through an edge filter: the
// tracegraph.Expander, TraceGraph and Containment the walk and rollup rules
// run over, nodes and edges interned as they are met. mu is held.
type memWalker struct {
	s     *memStore
	f     tracegraph.EdgeFilter
	ids   []tracegraph.ID
	index map[tracegraph.ID]uint32
	edges []tracegraph.Edge
	eix   map[tracegraph.EdgeID]uint32
	// asOf, when set, is the moment whose unit statuses a recall reports.
	asOf time.Time
}

var _ interface {
	tracegraph.TraceGraph
	tracegraph.Containment
} = (*memWalker)(nil)

func (s *memStore) walker(f tracegraph.EdgeFilter) *memWalker {
	return &memWalker{s: s, f: f, index: map[tracegraph.ID]uint32{}, eix: map[tracegraph.EdgeID]uint32{}}
}

func (w *memWalker) node(id tracegraph.ID) uint32 {
	if i, ok := w.index[id]; ok {
		return i
	}
	w.index[id] = uint32(len(w.ids))
	w.ids = append(w.ids, id)
	return w.index[id]
}

func (w *memWalker) handles(ids []tracegraph.ID) []uint32 {
	out := make([]uint32, len(ids))
	for k, id := range ids {
		out[k] = w.node(id)
	}
	return out
}

func (w *memWalker) name(i uint32) tracegraph.ID { return w.ids[i] }

func (w *memWalker) Expand(_ context.Context, frontier []uint32, up bool, hops []tracegraph.Hop) ([]tracegraph.Hop, error) {
	dir := tracegraph.Downstream
	if up {
		dir = tracegraph.Upstream
	}
	for k, n := range frontier {
		for _, e := range w.s.edgesOf(w.ids[n], dir, w.f.Keeps) {
			other := e.Other(w.ids[n])
			if w.s.nodes[other] == nil || !w.f.Enters(other.Label()) {
				continue
			}
			h, ok := w.eix[e.ID]
			if !ok {
				h = uint32(len(w.edges))
				w.edges, w.eix[e.ID] = append(w.edges, e), h
			}
			hops = append(hops, tracegraph.Hop{From: uint32(k), To: w.node(other), Edge: h, Prec: e.Precision})
		}
	}
	return hops, nil
}

func (w *memWalker) CompareNodes(a, b uint32) int {
	return strings.Compare(string(w.ids[a]), string(w.ids[b]))
}

func (w *memWalker) TraceNode(i uint32) tracegraph.TraceNode {
	n := w.s.nodes[w.ids[i]]
	return tracegraph.TraceNode{ID: n.ID, Label: n.Label, Status: n.Status(), OnHold: n.OnHold()}
}

func (w *memWalker) Edge(e uint32) tracegraph.Edge { return w.edges[e] }

func (w *memWalker) Holders(i uint32, out []tracegraph.Holding) []tracegraph.Holding {
	for _, e := range w.s.edgesOf(w.ids[i], tracegraph.Downstream, func(e *tracegraph.Edge) bool {
		return e.Type == tracegraph.EdgeContains && w.f.During(tracegraph.Nanos(e.ValidFrom), tracegraph.Nanos(e.ValidTo))
	}) {
		if w.s.nodes[e.Source] != nil {
			out = append(out, tracegraph.Holding{Holder: w.node(e.Source), Label: e.Source.Label(),
				Span: tracegraph.SpanOf(tracegraph.Nanos(e.ValidFrom), tracegraph.Nanos(e.ValidTo))})
		}
	}
	return out
}

func (w *memWalker) Customers(i uint32, out []uint32) []uint32 {
	for _, e := range w.s.edgesOf(w.ids[i], tracegraph.Upstream, func(e *tracegraph.Edge) bool { return e.Type == tracegraph.EdgeShippedTo }) {
		out = append(out, w.node(e.Target))
	}
	return out
}

func (w *memWalker) WorkOrder(i uint32) (uint32, bool) {
	for _, e := range w.s.edgesOf(w.ids[i], tracegraph.Upstream, func(e *tracegraph.Edge) bool { return e.Type == tracegraph.EdgeForOrder }) {
		return w.node(e.Target), true
	}
	return 0, false
}

// recallUnit is unit i as a recall reports it, its status that of w.asOf
// when set.
func (w *memWalker) recallUnit(m *tracegraph.Marks, i uint32) tracegraph.RecallUnit {
	n := w.s.nodes[w.ids[i]]
	st := n.Status()
	if !w.asOf.IsZero() {
		st = tracegraph.StatusAt(n, w.asOf)
	}
	return tracegraph.RecallUnit{ID: n.ID, Precision: m.Precision(i), Depth: m.Depth(i), Status: st, OnHold: n.OnHold()}
}

// memRecall is one recall walk: its walker, marks and the units reached in
// walk order.
type memRecall struct {
	w     *memWalker
	m     *tracegraph.Marks
	units []uint32
}

// recallWalk walks downstream from starts as every recall question does.
// mu is held.
func (s *memStore) recallWalk(ctx context.Context, starts []tracegraph.ID, asOf time.Time, history bool) (*memRecall, error) {
	f := tracegraph.NewEdgeFilter([]tracegraph.EdgeType{tracegraph.EdgeContains, tracegraph.EdgeConsumed, tracegraph.EdgeDerivedFrom}, asOf, history, 0)
	f.NoContainers = true
	rc := &memRecall{w: s.walker(f), m: tracegraph.NewMarks(0)}
	if !asOf.IsZero() && !history {
		rc.w.asOf = asOf
	}
	r, err := tracegraph.Walk(ctx, rc.w, rc.m, rc.w.handles(starts), tracegraph.WalkSpec{MaxDepth: tracegraph.MaxTraceDepth})
	if err != nil {
		return nil, err
	}
	for _, i := range r.Order {
		if rc.w.ids[i].Label() == tracegraph.LabelUnit {
			rc.units = append(rc.units, i)
		}
	}
	return rc, nil
}
