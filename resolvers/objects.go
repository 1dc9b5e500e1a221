package resolvers

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph/model"
)

// propFree are the fields of node types answered without the node's
// properties: its ID and the relations loaded by ID.
var propFree = map[string]bool{
	"id": true, "__typename": true, "tests": true, "processSteps": true, "consumed": true,
	"children": true, "parent": true, "container": true, "events": true, "derivedFrom": true,
	"derivatives": true, "contents": true, "explode": true, "shipments": true, "units": true,
}

// propFreeOf are fields answered from edges on one type whose name is a
// property on another (Unit.customer is a property; Shipment.customer an edge).
var propFreeOf = map[string]bool{"Shipment.customer": true, "TestRun.unit": true}

// needsProps reports whether the current field's selection asks, for an
// object of type typeName, for anything that needs the node's properties.
func needsProps(ctx context.Context, typeName string) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return true
	}
	opCtx := graphql.GetOperationContext(ctx)
	for _, f := range graphql.CollectFields(opCtx, fc.Field.Selections, []string{typeName, "Node"}) {
		if !propFree[f.Name] && !propFreeOf[typeName+"."+f.Name] {
			return true
		}
	}
	return false
}

// propsNeeded memoizes needsProps per label for one field.
type propsNeeded struct {
	ctx  context.Context
	memo map[tracegraph.Label]bool
}

func newPropsNeeded(ctx context.Context) *propsNeeded {
	return &propsNeeded{ctx: ctx, memo: map[tracegraph.Label]bool{}}
}

func (p *propsNeeded) of(l tracegraph.Label) bool {
	v, ok := p.memo[l]
	if !ok {
		v = needsProps(p.ctx, model.TypeName(l))
		p.memo[l] = v
	}
	return v
}

// object returns the node object for member id of g, loading its properties
// only when the selection needs them.
func object(ctx context.Context, g *group, id tracegraph.ID) (model.Node, error) {
	var n *tracegraph.Node
	if needsProps(ctx, model.TypeName(id.Label())) {
		var err error
		if n, err = g.node(ctx, id); err != nil {
			return nil, err
		}
	}
	return model.NewNode(id, n, g), nil
}

// objects returns the node objects for members ids of g, loading properties
// only for the labels whose selection needs them.
func objects(ctx context.Context, g *group, ids []tracegraph.ID) ([]model.Node, error) {
	need := newPropsNeeded(ctx)
	var load []tracegraph.ID
	for _, id := range ids {
		if need.of(id.Label()) {
			load = append(load, id)
		}
	}
	nodes := map[tracegraph.ID]*tracegraph.Node{}
	if len(load) > 0 {
		ns, err := g.loadNodes(ctx, load)
		if err != nil {
			return nil, err
		}
		for i, n := range ns {
			nodes[load[i]] = n
		}
	}
	out := make([]model.Node, len(ids))
	for i, id := range ids {
		out[i] = model.NewNode(id, nodes[id], g)
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
