package cypher

import (
	"context"
	"slices"

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
// expand_in.cypher; tests of the walk use a graph in memory.
type expandFunc func(ctx context.Context, ids []tracegraph.ID, up bool) (map[tracegraph.ID][]hop, error)

// walkSpec says how far a walk goes; the edge filters live in expandFunc.
type walkSpec struct {
	up        bool
	maxDepth  int
	limit     int  // nodes, start nodes included; 0: none
	noEnter   bool // do not step onto Box, Pallet or Shipment nodes
	wantEdges bool
}

// visit is what a walk knows of a reached node.
type visit struct {
	depth  int
	prec   tracegraph.Precision
	label  tracegraph.Label
	status string
	held   bool
}

type walkResult struct {
	order     []tracegraph.ID // reached nodes, start nodes first, in BFS order
	seen      map[tracegraph.ID]*visit
	edges     map[tracegraph.EdgeID]tracegraph.Edge
	truncated bool
}

type frontierItem struct {
	id   tracegraph.ID
	prec tracegraph.Precision
}

// walk is a node-unique breadth-first traversal from starts, one expand
// call per frontier: never path enumeration. A node's depth is its fewest
// hops; its precision that of its best path (the best over paths of the
// weakest edge), found by expanding a node again whenever it is reached with
// a better precision (at most three times). It is the embedded store's walk,
// frontier for frontier, so both stores answer alike, limits included.
func walk(ctx context.Context, expand expandFunc, starts []*tracegraph.Node, spec walkSpec) (*walkResult, error) {
	res := &walkResult{seen: map[tracegraph.ID]*visit{}, edges: map[tracegraph.EdgeID]tracegraph.Edge{}}
	var frontier []frontierItem
	for _, n := range starts {
		if _, ok := res.seen[n.ID]; ok {
			continue
		}
		res.seen[n.ID] = &visit{depth: 0, prec: tracegraph.PrecisionExact, label: n.Label, status: n.Status(), held: n.OnHold()}
		res.order = append(res.order, n.ID)
		frontier = append(frontier, frontierItem{n.ID, tracegraph.PrecisionExact})
	}
	for d := 1; d <= spec.maxDepth && len(frontier) > 0; d++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		ids := make([]tracegraph.ID, 0, len(frontier))
		for _, f := range frontier {
			ids = append(ids, f.id)
		}
		slices.Sort(ids)
		hops, err := expand(ctx, slices.Compact(ids), spec.up)
		if err != nil {
			return nil, err
		}
		var next []frontierItem
		for _, f := range frontier {
			for _, h := range hops[f.id] {
				if spec.noEnter && h.label.IsContainer() {
					continue
				}
				p := min(h.edge.Precision, f.prec)
				if v, ok := res.seen[h.other]; ok {
					if p > v.prec {
						v.prec = p
						next = append(next, frontierItem{h.other, p})
					}
					if spec.wantEdges {
						res.edges[h.edge.ID] = h.edge
					}
					continue
				}
				if spec.limit > 0 && len(res.order) >= spec.limit {
					res.truncated = true
					continue
				}
				res.seen[h.other] = &visit{depth: d, prec: p, label: h.label, status: h.status, held: h.held}
				res.order = append(res.order, h.other)
				next = append(next, frontierItem{h.other, p})
				if spec.wantEdges {
					res.edges[h.edge.ID] = h.edge
				}
			}
		}
		frontier = next
	}
	return res, nil
}

// sortedEdges returns the walk's edges in id order.
func (r *walkResult) sortedEdges() []tracegraph.Edge {
	out := make([]tracegraph.Edge, 0, len(r.edges))
	for _, e := range r.edges {
		out = append(out, e)
	}
	sortEdges(out)
	return out
}

func sortEdges(es []tracegraph.Edge) {
	slices.SortFunc(es, func(a, b tracegraph.Edge) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
}

func sortTraceNodes(ns []tracegraph.TraceNode) {
	slices.SortFunc(ns, func(a, b tracegraph.TraceNode) int {
		if a.Depth != b.Depth {
			return a.Depth - b.Depth
		}
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
}
