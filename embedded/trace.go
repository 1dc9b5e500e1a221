package embedded

import (
	"bytes"
	"context"
	"math"
	"sync"
	"time"

	"github.com/tracegraph/tracegraph"
)

// marksPool keeps per-node marks sized for the whole topology, so that a
// small traversal costs nothing for the nodes it does not reach: marks are
// cleared through their list of touched nodes.
var marksPool sync.Pool

func getMarks(n int) *tracegraph.Marks {
	if m, ok := marksPool.Get().(*tracegraph.Marks); ok && m.Cap() >= n {
		return m
	}
	return newMarks(n + n/4 + 1024)
}

func putMarks(m *tracegraph.Marks) {
	m.Reset()
	marksPool.Put(m)
}

var containerCodes = [3]uint8{uint8(tracegraph.LabelBox.Code()), uint8(tracegraph.LabelPallet.Code()), uint8(tracegraph.LabelShipment.Code())}

func (t *topo) isContainer(i uint32) bool {
	l := t.label[i]
	return l == containerCodes[0] || l == containerCodes[1] || l == containerCodes[2]
}

// closedAt is when edge e was closed (Unix nanoseconds), 0 while open.
func (t *topo) closedAt(e uint32) int64 {
	if t.emeta[e]&emClosed == 0 {
		return 0
	}
	return t.eclose[e].to
}

// expander is the topology seen through an edge filter: the store's
// tracegraph.Expander, TraceGraph and Containment, over node and edge
// indexes. s.mu is held for reading while it is used.
type expander struct {
	s       *Store
	t       *topo
	f       tracegraph.EdgeFilter
	out, in *adjacency
	// asOf, when set, is the moment whose unit statuses a recall reports.
	asOf time.Time
}

var _ interface {
	tracegraph.TraceGraph
	tracegraph.Containment
} = (*expander)(nil)

// expander returns the expander of filter f. s.mu is held for reading.
func (s *Store) expander(f tracegraph.EdgeFilter) *expander {
	t := s.t
	x := &expander{s: s, t: t, f: f, out: &t.out, in: &t.in}
	if f.Types == 1<<containsCode {
		x.out, x.in = &t.cout, &t.cin
	}
	return x
}

// Expand implements tracegraph.Expander from the flat adjacency arrays.
func (x *expander) Expand(ctx context.Context, frontier []uint32, up bool, hops []tracegraph.Hop) ([]tracegraph.Hop, error) {
	return x.expand(ctx, frontier, up, hops, nil)
}

// expand is Expand, noting and pruning for a recall walk when o is set
// (see expandNotes).
func (x *expander) expand(ctx context.Context, frontier []uint32, up bool, hops []tracegraph.Hop, o *expandNotes) ([]tracegraph.Hop, error) {
	for k, n := range frontier {
		if k&4095 == 4095 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		hops = x.expandNode(n, uint32(k), up, 0, math.MaxInt, true, hops, o)
	}
	return hops, nil
}

// expandNode appends the hops along edges lo to hi (excluded) of frontier
// node n (at position k), in their order in its adjacency; o, when set,
// prunes, and notes what holds n when they are all its edges (whole).
func (x *expander) expandNode(n, k uint32, up bool, lo, hi int, whole bool, hops []tracegraph.Hop, o *expandNotes) []tracegraph.Hop {
	t, f := x.t, &x.f
	adj := x.in
	if up {
		adj = x.out
	}
	var h heldBy
	adj.eachIn(n, lo, hi, func(e uint32) bool {
		if !t.edgeCounts(f, e) {
			return true
		}
		v := t.er[e].dst
		if !up {
			v = t.er[e].src
		}
		if t.flags[v]&flVoided != 0 {
			return true
		}
		// A container's label is another memory read per hop: only the
		// recall's notes and NoContainers need it.
		container := (o != nil || f.NoContainers) && t.isContainer(v)
		if o != nil {
			h.see(t, e, v, container)
		}
		if f.NoContainers && container || o != nil && o.prune(v, t.edgePrec(e)) {
			return true
		}
		hops = append(hops, tracegraph.Hop{From: k, To: v, Edge: e, Prec: t.edgePrec(e)})
		return true
	})
	if o != nil && whole {
		o.note(t, n, &h)
	}
	return hops
}

// CompareNodes implements tracegraph.Expander.
func (x *expander) CompareNodes(a, b uint32) int {
	return bytes.Compare(x.t.nameBytes(a), x.t.nameBytes(b))
}

// TraceNode implements tracegraph.TraceGraph.
func (x *expander) TraceNode(i uint32) tracegraph.TraceNode {
	t := x.t
	return tracegraph.TraceNode{ID: t.name(i), Label: t.labelOf(i), Status: statusNames[t.status[i]], OnHold: t.flags[i]&flHeld != 0}
}

// Edge implements tracegraph.TraceGraph (without Props).
func (x *expander) Edge(e uint32) tracegraph.Edge { return x.s.edgeLocked(e) }

// Holders implements tracegraph.Containment.
func (x *expander) Holders(i uint32, out []tracegraph.Holding) []tracegraph.Holding {
	t := x.t
	t.cin.each(i, func(e uint32) bool {
		if t.emeta[e]&emVoided != 0 {
			return true
		}
		from, to := t.er[e].from, t.closedAt(e)
		if src := t.er[e].src; x.f.During(from, to) && t.live(src) {
			out = append(out, tracegraph.Holding{Holder: src, Label: t.labelOf(src), Span: tracegraph.SpanOf(from, to)})
		}
		return true
	})
	return out
}

// Customers implements tracegraph.Containment.
func (x *expander) Customers(i uint32, out []uint32) []uint32 {
	t := x.t
	t.out.each(i, func(e uint32) bool {
		if t.emeta[e]&emTypeMask == shippedTo && t.emeta[e]&emVoided == 0 {
			out = append(out, t.er[e].dst)
		}
		return true
	})
	return out
}

// WorkOrder implements tracegraph.Containment.
func (x *expander) WorkOrder(i uint32) (uint32, bool) {
	wo := x.t.order[i]
	return wo - 1, wo != 0
}

// startIndexes resolves start nodes (NOT_FOUND for a missing one). s.mu is held.
func (t *topo) startIndexes(field string, ids []tracegraph.ID) ([]uint32, error) {
	out := make([]uint32, 0, len(ids))
	for _, id := range ids {
		i, ok := t.lookup(id)
		if !ok || !t.live(i) {
			return nil, tracegraph.Errorf(tracegraph.CodeNotFound, field, "%s does not exist", id)
		}
		out = append(out, i)
	}
	return out, nil
}

// Trace implements tracegraph.Graph by the walk rules (tracegraph.RunTrace).
func (s *Store) Trace(ctx context.Context, req tracegraph.TraceRequest) (*tracegraph.TraceResult, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.t
	starts, err := t.startIndexes("from", req.From)
	if err != nil {
		return nil, err
	}
	m := getMarks(t.nodeCount())
	defer putMarks(m)
	x := s.expander(tracegraph.NewEdgeFilter(req.EdgeTypes, req.AsOf, req.History, req.MinPrecision))
	return tracegraph.RunTrace(ctx, x, m, starts, &req)
}
