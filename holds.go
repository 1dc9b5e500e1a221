package tracegraph

import (
	"context"
	"fmt"
	"slices"
)

// NodeHold is a hold in force and the node that carries it.
type NodeHold struct {
	Hold
	// Node carries the hold: the node asked about, or one inside it.
	Node ID `json:"node"`
}

// HoldsWithin returns the holds in force on n and, when n is a box or
// pallet, on everything inside it now at any depth (boxes, units,
// components), each with the node that carries it: n's own first, then
// level by level, nodes in ID order. A container is on hold when this is not
// empty, whether or not a hold was placed on the container itself: shipping
// it is refused (ON_HOLD) then, as the rules look inside it the same way.
// Other nodes carry the holds of what they contain already, so theirs are
// their own. Safe for concurrent use when g is.
func HoldsWithin(ctx context.Context, g Graph, n *Node) ([]NodeHold, error) {
	var out []NodeHold
	add := func(m *Node) {
		for _, h := range m.Holds {
			out = append(out, NodeHold{Hold: h, Node: m.ID})
		}
	}
	add(n)
	if !n.Label.IsContainer() {
		return out, nil
	}
	seen := map[ID]bool{n.ID: true}
	level := []ID{n.ID}
	// Open edges whatever their time, as the rules see them.
	inside := EdgeQuery{Direction: Upstream, Types: []EdgeType{EdgeContains}, History: true}
	for len(level) > 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		edges, err := g.Edges(ctx, level, inside)
		if err != nil {
			return nil, fmt.Errorf("holds within %s: %w", n.ID, err)
		}
		var next []ID
		for i, es := range edges {
			for _, e := range es {
				if e.Source == level[i] && e.Open() && !e.Voided && !seen[e.Target] {
					seen[e.Target] = true
					next = append(next, e.Target)
				}
			}
		}
		slices.Sort(next)
		nodes, err := g.Nodes(ctx, next)
		if err != nil {
			return nil, fmt.Errorf("holds within %s: %w", n.ID, err)
		}
		for _, m := range nodes {
			if m != nil {
				add(m)
			}
		}
		level = next
	}
	return out, nil
}
