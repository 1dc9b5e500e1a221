package embedded

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tracegraph/tracegraph"
)

// marks records, per node index, a visit: (depth+1)<<2 | precision. Arrays
// come from a pool and are cleared through the list of touched indexes, so a
// small traversal costs nothing for the nodes it does not reach.
type marks struct {
	v       []uint32
	touched []uint32
	// scratch for walk, kept with the marks so that a traversal allocates
	// little beyond its answer
	frontier, next []frontierItem
	level, ledges  []uint32
}

var marksPool sync.Pool

func getMarks(n int) *marks {
	if m, ok := marksPool.Get().(*marks); ok && len(m.v) >= n {
		return m
	}
	return &marks{v: make([]uint32, n+n/4+1024)}
}

func (m *marks) release() {
	for _, i := range m.touched {
		m.v[i] = 0
	}
	m.touched = m.touched[:0]
	marksPool.Put(m)
}

func (m *marks) seen(i uint32) bool { return m.v[i] != 0 }
func (m *marks) depth(i uint32) int { return int(m.v[i]>>2) - 1 }
func (m *marks) prec(i uint32) tracegraph.Precision {
	return tracegraph.Precision(m.v[i] & 3)
}
func (m *marks) set(i uint32, depth int, p tracegraph.Precision) {
	if m.v[i] == 0 {
		m.touched = append(m.touched, i)
	}
	m.v[i] = uint32(depth+1)<<2 | uint32(p)
}

// walkSpec says which edges a traversal follows.
type walkSpec struct {
	up        bool   // follow edges forward (upstream); else backward
	types     uint16 // bit per edge type code; 0: all
	asOf      int64
	history   bool
	minPrec   tracegraph.Precision
	maxDepth  int
	limit     int  // nodes, start nodes included; 0: none
	noEnter   bool // do not step onto Box, Pallet or Shipment nodes
	wantEdges bool
}

type walkResult struct {
	order     []uint32 // reached nodes, start nodes first, in BFS order
	edges     []uint32
	truncated bool
}

type frontierItem struct {
	node uint32
	prec tracegraph.Precision
}

var containerCodes = [3]uint8{uint8(tracegraph.LabelBox.Code()), uint8(tracegraph.LabelPallet.Code()), uint8(tracegraph.LabelShipment.Code())}

func (t *topo) isContainer(i uint32) bool {
	l := t.label[i]
	return l == containerCodes[0] || l == containerCodes[1] || l == containerCodes[2]
}

// walk runs a breadth-first traversal from starts. A node's depth is its
// fewest hops; its precision is that of its best path (the best over paths of
// the weakest edge), found by re-expanding a node whenever it is reached
// with a better precision (at most three times, as there are three). s.mu is
// held for reading.
func (t *topo) walk(ctx context.Context, m *marks, starts []uint32, spec walkSpec) (*walkResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &walkResult{}
	frontier, next := m.frontier[:0], m.next[:0]
	defer func() { m.frontier, m.next = frontier[:0], next[:0] }()
	for _, s := range starts {
		if !m.seen(s) {
			m.set(s, 0, tracegraph.PrecisionExact)
			res.order = append(res.order, s)
			frontier = append(frontier, frontierItem{s, tracegraph.PrecisionExact})
		}
	}
	adj := &t.in
	if spec.up {
		adj = &t.out
	}
	if spec.types == 1<<containsCode {
		adj = &t.cin
		if spec.up {
			adj = &t.cout
		}
	}
	steps := 0
	var err error
	level, levelEdges := m.level[:0], m.ledges[:0]
	defer func() { m.level, m.ledges = level[:0], levelEdges[:0] }()
	for d := 1; d <= spec.maxDepth && len(frontier) > 0; d++ {
		next, level, levelEdges = next[:0], level[:0], levelEdges[:0]
		for _, f := range frontier {
			if steps++; steps&4095 == 0 {
				if err = ctx.Err(); err != nil {
					return nil, err
				}
			}
			adj.each(f.node, func(e uint32) bool {
				meta := t.emeta[e]
				if spec.types != 0 && spec.types&(1<<(meta&emTypeMask)) == 0 {
					return true
				}
				if !t.edgeValid(e, spec.asOf, spec.history) {
					return true
				}
				p := tracegraph.Precision((meta & emPrecMask) >> emPrecShift)
				if p < spec.minPrec {
					return true
				}
				v := t.edst[e]
				if !spec.up {
					v = t.esrc[e]
				}
				if t.flags[v]&flVoided != 0 || (spec.noEnter && t.isContainer(v)) {
					return true
				}
				if f.prec < p {
					p = f.prec
				}
				if m.seen(v) {
					if p > m.prec(v) {
						m.set(v, m.depth(v), p)
						next = append(next, frontierItem{v, p})
					}
				} else {
					m.set(v, d, p)
					level = append(level, v)
					next = append(next, frontierItem{v, p})
				}
				if spec.wantEdges {
					levelEdges = append(levelEdges, e)
				}
				return true
			})
		}
		if spec.limit > 0 && len(res.order)+len(level) > spec.limit {
			// The limit cuts this level: keep its smallest IDs, so that every
			// store answers the same, and stop.
			slices.SortFunc(level, func(a, b uint32) int { return bytes.Compare(t.nameBytes(a), t.nameBytes(b)) })
			keep := spec.limit - len(res.order)
			dropped := make(map[uint32]bool, len(level)-keep)
			for _, v := range level[keep:] {
				dropped[v] = true
			}
			res.order = append(res.order, level[:keep]...)
			for _, e := range levelEdges {
				if !dropped[t.esrc[e]] && !dropped[t.edst[e]] {
					res.edges = append(res.edges, e)
				}
			}
			res.truncated = true
			return res, nil
		}
		res.order = append(res.order, level...)
		res.edges = append(res.edges, levelEdges...)
		frontier, next = next, frontier
	}
	return res, nil
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

func typeMask(types []tracegraph.EdgeType) uint16 {
	var m uint16
	for _, t := range types {
		m |= 1 << t.Code()
	}
	return m
}

func asOfNanos(t time.Time) int64 {
	if t.IsZero() {
		return time.Now().UnixNano()
	}
	return t.UnixNano()
}

// Trace implements tracegraph.Graph.
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
	spec := walkSpec{types: typeMask(req.EdgeTypes), asOf: asOfNanos(req.AsOf), history: req.History,
		minPrec: req.MinPrecision, maxDepth: req.MaxDepth, limit: req.Limit, wantEdges: !req.SkipEdges}
	dirs := []tracegraph.Direction{req.Direction}
	if req.Direction == tracegraph.Both {
		dirs = []tracegraph.Direction{tracegraph.Upstream, tracegraph.Downstream}
	}
	out := &tracegraph.TraceResult{Nodes: []tracegraph.TraceNode{}, Edges: []tracegraph.Edge{}}
	var in map[uint32]int // node → position in out.Nodes, for BOTH
	if len(dirs) > 1 {
		in = map[uint32]int{}
	}
	var edges []uint32
	for k, dir := range dirs {
		m := getMarks(t.nodeCount())
		spec.up = dir == tracegraph.Upstream
		if k > 0 {
			spec.limit = req.Limit - len(out.Nodes) + len(starts)
		}
		r, err := t.walk(ctx, m, starts, spec)
		if err != nil {
			m.release()
			return nil, err
		}
		out.Truncated = out.Truncated || r.truncated
		out.Nodes = slices.Grow(out.Nodes, len(r.order))
		for _, i := range r.order {
			d := m.depth(i)
			if len(dirs) == 1 {
				out.Nodes = append(out.Nodes, s.traceNode(i, d, m.prec(i), dir))
				continue
			}
			if j, ok := in[i]; ok {
				if d < out.Nodes[j].Depth {
					out.Nodes[j].Depth = d
				}
				if p := m.prec(i); p > out.Nodes[j].Precision {
					out.Nodes[j].Precision = p
				}
				continue
			}
			nd := dir
			if d == 0 {
				nd = req.Direction
			}
			in[i] = len(out.Nodes)
			out.Nodes = append(out.Nodes, s.traceNode(i, d, m.prec(i), nd))
		}
		edges = append(edges, r.edges...)
		m.release()
	}
	sortTraceNodes(out.Nodes)
	slices.Sort(edges)
	edges = slices.Compact(edges)
	out.Edges = slices.Grow(out.Edges, len(edges))
	for _, e := range edges {
		out.Edges = append(out.Edges, s.edgeLocked(e))
	}
	return out, nil
}

func (s *Store) traceNode(i uint32, depth int, p tracegraph.Precision, dir tracegraph.Direction) tracegraph.TraceNode {
	t := s.t
	return tracegraph.TraceNode{ID: t.name(i), Label: t.labelOf(i), Depth: depth, Precision: p,
		Direction: dir, Status: statusNames[t.status[i]], OnHold: t.flags[i]&flHeld != 0}
}

func sortTraceNodes(ns []tracegraph.TraceNode) {
	slices.SortFunc(ns, func(a, b tracegraph.TraceNode) int {
		if a.Depth != b.Depth {
			return a.Depth - b.Depth
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
}

// Explode implements tracegraph.Graph.
func (s *Store) Explode(ctx context.Context, id tracegraph.ID, asOf time.Time) ([]tracegraph.TraceNode, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.t
	starts, err := t.startIndexes("id", []tracegraph.ID{id})
	if err != nil {
		return nil, err
	}
	m := getMarks(t.nodeCount())
	defer m.release()
	r, err := t.walk(ctx, m, starts, walkSpec{up: true, types: typeMask([]tracegraph.EdgeType{tracegraph.EdgeContains}),
		asOf: asOfNanos(asOf), maxDepth: tracegraph.MaxTraceDepth})
	if err != nil {
		return nil, err
	}
	unit, comp := uint8(tracegraph.LabelUnit.Code()), uint8(tracegraph.LabelComponent.Code())
	out := make([]tracegraph.TraceNode, 0, len(r.order))
	// Breadth-first order: level by level, each level in packing and
	// installation order.
	for _, i := range r.order[1:] {
		if l := t.label[i]; l == unit || l == comp {
			out = append(out, s.traceNode(i, m.depth(i), tracegraph.PrecisionExact, tracegraph.Upstream))
		}
	}
	return out, nil
}
