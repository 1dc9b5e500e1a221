package resolvers

import (
	"context"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph/model"
)

// query returns the edge query of a node relation.
func query(dir tracegraph.Direction, t tracegraph.EdgeType) tracegraph.EdgeQuery {
	return tracegraph.EdgeQuery{Direction: dir, Types: []tracegraph.EdgeType{t}}
}

// The edge queries of the node relations.
func qTests() tracegraph.EdgeQuery { return query(tracegraph.Upstream, tracegraph.EdgeTestedBy) }
func qSteps() tracegraph.EdgeQuery { return query(tracegraph.Upstream, tracegraph.EdgeProcessedBy) }
func qTestedUnit() tracegraph.EdgeQuery {
	return query(tracegraph.Downstream, tracegraph.EdgeTestedBy)
}
func qStepUnits() tracegraph.EdgeQuery {
	return query(tracegraph.Downstream, tracegraph.EdgeProcessedBy)
}
func qHolders() tracegraph.EdgeQuery { return query(tracegraph.Downstream, tracegraph.EdgeContains) }
func qDerivedFrom() tracegraph.EdgeQuery {
	return query(tracegraph.Upstream, tracegraph.EdgeDerivedFrom)
}
func qDerivatives() tracegraph.EdgeQuery {
	return query(tracegraph.Downstream, tracegraph.EdgeDerivedFrom)
}
func qShippedTo() tracegraph.EdgeQuery { return query(tracegraph.Upstream, tracegraph.EdgeShippedTo) }
func qShipments() tracegraph.EdgeQuery {
	return query(tracegraph.Downstream, tracegraph.EdgeShippedTo)
}

func qContents(history *bool) tracegraph.EdgeQuery {
	q := query(tracegraph.Upstream, tracegraph.EdgeContains)
	q.History = deref(history)
	return q
}

func qConsumed(history *bool) tracegraph.EdgeQuery {
	q := query(tracegraph.Upstream, tracegraph.EdgeConsumed)
	q.History = deref(history)
	return q
}

// Filters on the label of an edge's source.
func byUnitSource() edgeFilter {
	return edgeFilter{key: "source Unit", keep: func(e tracegraph.Edge) bool { return e.Source.Label() == tracegraph.LabelUnit }}
}

func byContainerSource() edgeFilter {
	return edgeFilter{key: "source container", keep: func(e tracegraph.Edge) bool { return e.Source.Label().IsContainer() }}
}

// links returns the edges of the node for q that f keeps, loaded for the
// node's whole group.
func (r *Resolver) links(ctx context.Context, ref *model.Ref, q tracegraph.EdgeQuery, f edgeFilter) (*edgeSet, error) {
	g := groupOf(ref)
	if g == nil {
		g = newGroup(r.ld, []tracegraph.ID{ref.NodeID})
	}
	return g.loadEdges(ctx, ref.NodeID, q, f)
}

// targets returns the objects at the targets of the node's edges for q.
func (r *Resolver) targets(ctx context.Context, ref *model.Ref, q tracegraph.EdgeQuery) ([]model.Node, error) {
	set, err := r.links(ctx, ref, q, edgeFilter{})
	if err != nil {
		return nil, err
	}
	ids := make([]tracegraph.ID, len(set.edges))
	for i, e := range set.edges {
		ids[i] = e.Target
	}
	return objects(ctx, set.targets, ids)
}

// sources returns the objects at the sources of the node's edges for q.
func (r *Resolver) sources(ctx context.Context, ref *model.Ref, q tracegraph.EdgeQuery) ([]model.Node, error) {
	set, err := r.links(ctx, ref, q, edgeFilter{})
	if err != nil {
		return nil, err
	}
	ids := make([]tracegraph.ID, len(set.edges))
	for i, e := range set.edges {
		ids[i] = e.Source
	}
	return objects(ctx, set.sources, ids)
}

// typed converts node objects known to be of type T.
func typed[T any](nodes []model.Node, err error) ([]*T, error) {
	if err != nil {
		return nil, err
	}
	out := make([]*T, 0, len(nodes))
	for _, n := range nodes {
		if t, ok := any(n).(*T); ok {
			out = append(out, t)
		}
	}
	return out, nil
}

// children returns the CONTAINS links out of the node.
func (r *Resolver) children(ctx context.Context, ref *model.Ref, history *bool) ([]*model.ContainsLink, error) {
	set, err := r.links(ctx, ref, qContents(history), edgeFilter{})
	if err != nil {
		return nil, err
	}
	out := make([]*model.ContainsLink, len(set.edges))
	for i, e := range set.edges {
		out[i] = &model.ContainsLink{Edge: &model.Edge{E: e, Sources: set.sources, Targets: set.targets}, Other: e.Target, Group: set.targets}
	}
	return out, nil
}

// holder returns the open CONTAINS link into the node that f keeps, if any.
func (r *Resolver) holder(ctx context.Context, ref *model.Ref, f edgeFilter) (*model.ContainsLink, error) {
	set, err := r.links(ctx, ref, qHolders(), f)
	if err != nil || len(set.edges) == 0 {
		return nil, err
	}
	e := set.edges[len(set.edges)-1]
	return &model.ContainsLink{Edge: &model.Edge{E: e, Sources: set.sources, Targets: set.targets}, Other: e.Source, Group: set.sources}, nil
}

func (r *Resolver) events(ctx context.Context, ref *model.Ref) ([]*model.Event, error) {
	evs, err := r.store().NodeEvents(ctx, ref.NodeID)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Event, len(evs))
	for i, e := range evs {
		out[i] = &model.Event{E: e}
	}
	return out, nil
}

func (r *Resolver) explode(ctx context.Context, ref *model.Ref, asOf *time.Time) ([]model.Node, error) {
	reached, err := r.store().Explode(ctx, ref.NodeID, deref(asOf))
	if err != nil {
		return nil, err
	}
	ids := make([]tracegraph.ID, 0, reached.Len())
	for k := range reached.Len() {
		if id := reached.ID(k); id != ref.NodeID {
			ids = append(ids, id)
		}
	}
	return objects(ctx, newGroup(r.ld, ids), ids)
}

type unitResolver struct{ *Resolver }

func (r *unitResolver) Tests(ctx context.Context, obj *model.Unit) ([]*model.TestRun, error) {
	return typed[model.TestRun](r.targets(ctx, &obj.Ref, qTests()))
}

func (r *unitResolver) ProcessSteps(ctx context.Context, obj *model.Unit) ([]*model.ProcessStep, error) {
	return typed[model.ProcessStep](r.targets(ctx, &obj.Ref, qSteps()))
}

func (r *unitResolver) Consumed(ctx context.Context, obj *model.Unit, history *bool, minPrecision *model.Precision) ([]*model.Consumption, error) {
	var f edgeFilter
	if minPrecision != nil {
		least := minPrecision.Domain()
		f = edgeFilter{key: "precision >= " + string(*minPrecision), keep: func(e tracegraph.Edge) bool {
			return e.Precision == tracegraph.PrecisionUnknown || e.Precision >= least
		}}
	}
	set, err := r.links(ctx, &obj.Ref, qConsumed(history), f)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Consumption, len(set.edges))
	for i, e := range set.edges {
		out[i] = &model.Consumption{Edge: &model.Edge{E: e, Sources: set.sources, Targets: set.targets}, Group: set.targets}
	}
	return out, nil
}

func (r *unitResolver) Children(ctx context.Context, obj *model.Unit, history *bool) ([]*model.ContainsLink, error) {
	return r.children(ctx, &obj.Ref, history)
}

func (r *unitResolver) Parent(ctx context.Context, obj *model.Unit) (*model.ContainsLink, error) {
	return r.holder(ctx, &obj.Ref, byUnitSource())
}

func (r *unitResolver) Container(ctx context.Context, obj *model.Unit) (*model.ContainsLink, error) {
	return r.holder(ctx, &obj.Ref, byContainerSource())
}

func (r *unitResolver) Events(ctx context.Context, obj *model.Unit) ([]*model.Event, error) {
	return r.events(ctx, &obj.Ref)
}

type componentResolver struct{ *Resolver }

func (r *componentResolver) DerivedFrom(ctx context.Context, obj *model.Component) ([]model.Node, error) {
	return r.targets(ctx, &obj.Ref, qDerivedFrom())
}

func (r *componentResolver) Parent(ctx context.Context, obj *model.Component) (*model.ContainsLink, error) {
	return r.holder(ctx, &obj.Ref, byUnitSource())
}

func (r *componentResolver) Events(ctx context.Context, obj *model.Component) ([]*model.Event, error) {
	return r.events(ctx, &obj.Ref)
}

type materialLotResolver struct{ *Resolver }

func (r *materialLotResolver) DerivedFrom(ctx context.Context, obj *model.MaterialLot) ([]model.Node, error) {
	return r.targets(ctx, &obj.Ref, qDerivedFrom())
}

func (r *materialLotResolver) Derivatives(ctx context.Context, obj *model.MaterialLot) ([]model.Node, error) {
	return r.sources(ctx, &obj.Ref, qDerivatives())
}

func (r *materialLotResolver) Events(ctx context.Context, obj *model.MaterialLot) ([]*model.Event, error) {
	return r.events(ctx, &obj.Ref)
}

type waferBatchResolver struct{ *Resolver }

func (r *waferBatchResolver) Derivatives(ctx context.Context, obj *model.WaferBatch) ([]model.Node, error) {
	return r.sources(ctx, &obj.Ref, qDerivatives())
}

func (r *waferBatchResolver) Events(ctx context.Context, obj *model.WaferBatch) ([]*model.Event, error) {
	return r.events(ctx, &obj.Ref)
}

// holdsWithin returns the holds in force on a container and on everything
// inside it (tracegraph.HoldsWithin).
func (r *Resolver) holdsWithin(ctx context.Context, ref *model.Ref) ([]*model.Hold, error) {
	n := ref.Node
	if n == nil {
		var err error
		if n, err = r.store().Node(ctx, ref.NodeID); err != nil {
			return nil, err
		}
	}
	hs, err := tracegraph.HoldsWithin(ctx, r.store(), n)
	if err != nil {
		return nil, err
	}
	out := make([]*model.Hold, len(hs))
	for i, h := range hs {
		out[i] = model.NewHold(h)
	}
	return out, nil
}

// containerOnHold reports whether a container or anything inside it is on hold.
func (r *Resolver) containerOnHold(ctx context.Context, ref *model.Ref) (bool, error) {
	hs, err := r.holdsWithin(ctx, ref)
	return len(hs) > 0, err
}

type boxResolver struct{ *Resolver }

func (r *boxResolver) OnHold(ctx context.Context, obj *model.Box) (bool, error) {
	return r.containerOnHold(ctx, &obj.Ref)
}

func (r *boxResolver) Holds(ctx context.Context, obj *model.Box) ([]*model.Hold, error) {
	return r.holdsWithin(ctx, &obj.Ref)
}

func (r *boxResolver) Contents(ctx context.Context, obj *model.Box, history *bool) ([]*model.ContainsLink, error) {
	return r.children(ctx, &obj.Ref, history)
}

func (r *boxResolver) Explode(ctx context.Context, obj *model.Box, asOf *time.Time) ([]model.Node, error) {
	return r.explode(ctx, &obj.Ref, asOf)
}

func (r *boxResolver) Container(ctx context.Context, obj *model.Box) (*model.ContainsLink, error) {
	return r.holder(ctx, &obj.Ref, byContainerSource())
}

func (r *boxResolver) Events(ctx context.Context, obj *model.Box) ([]*model.Event, error) {
	return r.events(ctx, &obj.Ref)
}

type palletResolver struct{ *Resolver }

func (r *palletResolver) OnHold(ctx context.Context, obj *model.Pallet) (bool, error) {
	return r.containerOnHold(ctx, &obj.Ref)
}

func (r *palletResolver) Holds(ctx context.Context, obj *model.Pallet) ([]*model.Hold, error) {
	return r.holdsWithin(ctx, &obj.Ref)
}

func (r *palletResolver) Contents(ctx context.Context, obj *model.Pallet, history *bool) ([]*model.ContainsLink, error) {
	return r.children(ctx, &obj.Ref, history)
}

func (r *palletResolver) Explode(ctx context.Context, obj *model.Pallet, asOf *time.Time) ([]model.Node, error) {
	return r.explode(ctx, &obj.Ref, asOf)
}

func (r *palletResolver) Container(ctx context.Context, obj *model.Pallet) (*model.ContainsLink, error) {
	return r.holder(ctx, &obj.Ref, byContainerSource())
}

func (r *palletResolver) Events(ctx context.Context, obj *model.Pallet) ([]*model.Event, error) {
	return r.events(ctx, &obj.Ref)
}

type shipmentResolver struct{ *Resolver }

func (r *shipmentResolver) Customer(ctx context.Context, obj *model.Shipment) (*model.Customer, error) {
	cs, err := typed[model.Customer](r.targets(ctx, &obj.Ref, qShippedTo()))
	if err != nil || len(cs) == 0 {
		return nil, err
	}
	return cs[0], nil
}

func (r *shipmentResolver) Contents(ctx context.Context, obj *model.Shipment) ([]*model.ContainsLink, error) {
	return r.children(ctx, &obj.Ref, nil)
}

func (r *shipmentResolver) Explode(ctx context.Context, obj *model.Shipment, asOf *time.Time) ([]model.Node, error) {
	return r.explode(ctx, &obj.Ref, asOf)
}

func (r *shipmentResolver) Events(ctx context.Context, obj *model.Shipment) ([]*model.Event, error) {
	return r.events(ctx, &obj.Ref)
}

type customerResolver struct{ *Resolver }

func (r *customerResolver) Shipments(ctx context.Context, obj *model.Customer) ([]*model.Shipment, error) {
	return typed[model.Shipment](r.sources(ctx, &obj.Ref, qShipments()))
}

type testRunResolver struct{ *Resolver }

func (r *testRunResolver) Unit(ctx context.Context, obj *model.TestRun) (*model.Unit, error) {
	us, err := typed[model.Unit](r.sources(ctx, &obj.Ref, qTestedUnit()))
	if err != nil || len(us) == 0 {
		return nil, err
	}
	return us[0], nil
}

type processStepResolver struct{ *Resolver }

func (r *processStepResolver) Units(ctx context.Context, obj *model.ProcessStep) ([]*model.Unit, error) {
	return typed[model.Unit](r.sources(ctx, &obj.Ref, qStepUnits()))
}

type containsLinkResolver struct{ *Resolver }

func (r *containsLinkResolver) Node(ctx context.Context, obj *model.ContainsLink) (model.Node, error) {
	return object(ctx, obj.Group.(*group), obj.Other)
}

type consumptionResolver struct{ *Resolver }

func (r *consumptionResolver) Lot(ctx context.Context, obj *model.Consumption) (*model.MaterialLot, error) {
	n, err := object(ctx, obj.Group.(*group), obj.Edge.E.Target)
	if err != nil {
		return nil, err
	}
	lot, ok := n.(*model.MaterialLot)
	if !ok {
		return nil, tracegraph.Errorf(tracegraph.CodeInternal, "", "consumed %s is not a material lot", obj.Edge.E.Target)
	}
	return lot, nil
}

type edgeResolver struct{ *Resolver }

func (r *edgeResolver) Source(ctx context.Context, obj *model.Edge) (model.Node, error) {
	return object(ctx, obj.Sources.(*group), obj.E.Source)
}

func (r *edgeResolver) Target(ctx context.Context, obj *model.Edge) (model.Node, error) {
	return object(ctx, obj.Targets.(*group), obj.E.Target)
}

type traceNodeEdgeResolver struct{ *Resolver }

func (r *traceNodeEdgeResolver) Node(ctx context.Context, obj *model.TraceNodeEdge) (model.Node, error) {
	return object(ctx, obj.Group.(*group), obj.N.ID)
}
