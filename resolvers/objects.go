package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph/model"
)

// propFree reports whether field of type typeName is answered without the
// node's properties: its ID, and the relations loaded by ID. Unit.customer
// is a property, Shipment.customer an edge.
func propFree(typeName, field string) bool {
	switch field {
	case "id", "__typename", "tests", "processSteps", "consumed", "children", "parent", "container",
		"events", "derivedFrom", "derivatives", "contents", "explode", "shipments", "units":
		return true
	case "customer":
		return typeName == "Shipment"
	case "unit":
		return typeName == "TestRun"
	}
	return false
}

// needsProps reports whether the current field's selection asks, for an
// object of type typeName, for anything that needs the node's properties.
func needsProps(ctx context.Context, typeName string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return true
	}
	opCtx := graphql.GetOperationContext(ctx)
	for _, f := range graphql.CollectFields(opCtx, fc.Field.Selections, []string{typeName, "Node"}) {
		if !propFree(typeName, f.Name) {
			return true
		}
	}
	return false
}

func typeName(l tracegraph.Label) string { return model.TypeName(l) }

// object returns the node object for member id of g, with its properties
// when the current field's selection asks for any.
func object(ctx context.Context, g *group, id tracegraph.ID) (model.Node, error) {
	n, err := g.node(ctx, id)
	if err != nil {
		return nil, err
	}
	return model.NewNode(id, n, g), nil
}

// objects is object for several members of g.
func objects(ctx context.Context, g *group, ids []tracegraph.ID) ([]model.Node, error) {
	nodes, err := g.loadNodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]model.Node, len(ids))
	for i, id := range ids {
		out[i] = model.NewNode(id, nodes[i], g)
	}
	return out, nil
}

// loadedObjects wraps nodes already loaded with their properties, as one group.
func loadedObjects(ld *loading, nodes []*tracegraph.Node) []model.Node {
	g := newLoadedGroup(ld, nodes)
	out := make([]model.Node, len(nodes))
	for i, n := range nodes {
		out[i] = model.NewNode(n.ID, n, g)
	}
	return out
}

// groupOf returns the batch group of a node object.
func groupOf(r *model.Ref) *group {
	if g, ok := r.Group.(*group); ok {
		return g
	}
	return nil
}
