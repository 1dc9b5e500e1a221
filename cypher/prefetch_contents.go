package cypher

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tracegraph/tracegraph"
)

// maxContentsDepth bounds the levels prefetchContents reads below a packed
// or shipped item (a pallet holds boxes, which hold units, which hold
// sub-assemblies); what lies deeper is read on demand.
const maxContentsDepth = 6

// prefetchContents reads what the rules look up for the items a batch packs
// or ships (and the container it packs them in): each item's contents,
// level by level (the open edges out of it
// and into it, and the nodes it contains), and the test runs of every unit
// among them (whether it completed its route), in three queries per level
// instead of three per node.
func (r *txReader) prefetchContents(ctx context.Context, events []*tracegraph.Event) error {
	var frontier []tracegraph.ID
	for _, ev := range events {
		items, err := packedItems(ev)
		if err != nil {
			return err
		}
		for _, ref := range items {
			frontier = append(frontier, r.candidates(ref)...)
		}
	}
	for depth := 0; len(frontier) > 0 && depth < maxContentsDepth; depth++ {
		var out, in []tracegraph.ID
		for _, id := range frontier {
			if _, cached := r.edges[edgeKey{id, tracegraph.Upstream, false}]; !cached {
				out = append(out, id)
			}
			if _, cached := r.edges[edgeKey{id, tracegraph.Downstream, false}]; !cached {
				in = append(in, id)
			}
		}
		if err := r.fillEdges(ctx, out, true, false); err != nil {
			return err
		}
		if err := r.fillEdges(ctx, in, false, false); err != nil {
			return err
		}
		var nodes, next []tracegraph.ID
		for _, id := range frontier {
			for _, e := range r.edges[edgeKey{id, tracegraph.Upstream, false}] {
				switch e.Type {
				case tracegraph.EdgeContains:
					next = append(next, e.Target)
				case tracegraph.EdgeTestedBy:
				default:
					continue
				}
				if _, cached := r.nodes[e.Target]; !cached {
					nodes = append(nodes, e.Target)
				}
			}
		}
		if err := r.fillNodes(ctx, nodes); err != nil {
			return err
		}
		frontier = next
	}
	return nil
}

// candidates returns the nodes a reference to an item may name: a global
// ID, or a key of a unit, box or pallet (one the batch itself makes too),
// or an identifier's value (an SSCC).
func (r *txReader) candidates(ref string) []tracegraph.ID {
	if tracegraph.LooksLikeID(ref) {
		return []tracegraph.ID{tracegraph.ID(ref)}
	}
	var out []tracegraph.ID
	for _, l := range []tracegraph.Label{tracegraph.LabelUnit, tracegraph.LabelBox, tracegraph.LabelPallet} {
		out = append(out, tracegraph.NewID(l, ref))
	}
	for _, o := range r.idents[ref] {
		out = append(out, o.Node)
	}
	return out
}

// packedItems returns the items a packed or shipped event names, and the
// container it packs them in.
func packedItems(ev *tracegraph.Event) ([]string, error) {
	var d struct {
		Container string   `json:"container"`
		Items     []string `json:"items"`
	}
	switch ev.Type {
	case tracegraph.EventPacked, tracegraph.EventShipped:
	default:
		return nil, nil
	}
	if err := json.Unmarshal(ev.Data, &d); err != nil {
		return nil, fmt.Errorf("event %q: read data: %w", ev.ID, err)
	}
	if d.Container != "" {
		return append(d.Items, d.Container), nil
	}
	return d.Items, nil
}
