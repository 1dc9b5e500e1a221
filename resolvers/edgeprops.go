package resolvers

import (
	"context"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph"
)

// selectedBelow reports whether the current field selects child and, under
// it, any of names.
func selectedBelow(ctx context.Context, child string, names ...string) bool {
	oc := graphql.GetOperationContext(ctx)
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name != child {
			continue
		}
		for _, g := range graphql.CollectFields(oc, f.Selections, nil) {
			if slices.Contains(names, g.Name) {
				return true
			}
		}
	}
	return false
}

// propKey names one edge among its source's edges.
type propKey struct {
	typ      tracegraph.EdgeType
	target   tracegraph.ID
	from, to time.Time
}

func keyOf(e *tracegraph.Edge) propKey {
	return propKey{e.Type, e.Target, e.ValidFrom.UTC(), e.ValidTo.UTC()}
}

// withProps returns edges with their Props and Event: a store may leave a
// trace's edges without them (tracegraph.Edge.Props), and refDes, position,
// quantity, station and event are read from them. One Edges call for all
// the sources whose edges lack them.
func withProps(ctx context.Context, store tracegraph.Store, edges []tracegraph.Edge) ([]tracegraph.Edge, error) {
	var srcs []tracegraph.ID
	seen := map[tracegraph.ID]bool{}
	for _, e := range edges {
		if (e.Props == nil || e.Event == "") && !seen[e.Source] {
			seen[e.Source] = true
			srcs = append(srcs, e.Source)
		}
	}
	if len(srcs) == 0 {
		return edges, nil
	}
	lists, err := store.Edges(ctx, srcs, tracegraph.EdgeQuery{Direction: tracegraph.Upstream, History: true})
	if err != nil {
		return nil, err
	}
	full := map[propKey]*tracegraph.Edge{}
	for _, list := range lists {
		for i := range list {
			full[keyOf(&list[i])] = &list[i]
		}
	}
	out := slices.Clone(edges)
	for i := range out {
		f := full[keyOf(&out[i])]
		if f == nil {
			continue
		}
		if out[i].Props == nil {
			out[i].Props = f.Props
		}
		if out[i].Event == "" {
			out[i].Event = f.Event
		}
	}
	return out, nil
}
