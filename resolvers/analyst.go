package resolvers

import (
	"context"
	"slices"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/model"
)

// materialFilter converts a MaterialFilter input (nil: none).
func materialFilter(m *model.MaterialFilter) *tracegraph.MaterialFilter {
	if m == nil {
		return nil
	}
	return &tracegraph.MaterialFilter{
		PartNumber: deref(m.PartNumber), MPN: deref(m.Mpn), Manufacturer: deref(m.Manufacturer),
		Supplier: deref(m.Supplier), CountryOfOrigin: deref(m.CountryOfOrigin),
		DateCodeFrom: deref(m.DateCodeFrom), DateCodeTo: deref(m.DateCodeTo),
	}
}

func (q *queryResolver) WhereUsed(ctx context.Context, material model.MaterialFilter, shippedFrom, shippedTo, asOf *time.Time,
	history *bool) (*model.WhereUsedReport, error) {
	// One store call answers the counts and the page of units: the page is
	// the one the selection's units field asks for.
	page, err := unitsPage(ctx)
	if err != nil {
		return nil, err
	}
	req := tracegraph.WhereUsedRequest{Material: *materialFilter(&material), ShippedFrom: deref(shippedFrom), ShippedTo: deref(shippedTo),
		AsOf: deref(asOf), History: deref(history), Page: page}
	rep, err := q.store().WhereUsed(ctx, req)
	if err != nil {
		return nil, err
	}
	return &model.WhereUsedReport{R: rep, Req: req}, nil
}

// unitsPage returns the page the units fields of the current field's
// selection ask for (INVALID when they ask for different pages).
func unitsPage(ctx context.Context) (tracegraph.Page, error) {
	var page tracegraph.Page
	seen := false
	vars := graphql.GetOperationContext(ctx).Variables
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name != "units" {
			continue
		}
		args := f.ArgumentMap(vars)
		var p tracegraph.Page
		if v, ok := args["first"].(int64); ok {
			p.First = int(v)
		} else if v, ok := args["first"].(int); ok {
			p.First = v
		} else if args["first"] != nil {
			return page, tracegraph.Errorf(tracegraph.CodeInvalid, "first", "first must be an integer")
		}
		if p.First != 0 || args["first"] != nil {
			if err := checkFirst(p.First); err != nil {
				return page, err
			}
		}
		if v, ok := args["after"].(string); ok {
			p.After = v
		}
		if seen && p != page {
			return page, tracegraph.Errorf(tracegraph.CodeInvalid, "units", "ask for one page of units per whereUsed")
		}
		page, seen = p, true
	}
	return page, nil
}

func (q *queryResolver) Material(ctx context.Context, filter model.MaterialFilter, first *int, after *string) (*model.MaterialConnection, error) {
	ids, err := q.store().FindMaterial(ctx, *materialFilter(&filter))
	if err != nil {
		return nil, err
	}
	return materialConnection(ctx, q.ld, ids, first, after)
}

// materialConnection pages a list of material IDs in memory; the nodes of
// the page are loaded with their properties in one store call.
func materialConnection(ctx context.Context, ld *loading, ids []tracegraph.ID, first *int, after *string) (*model.MaterialConnection, error) {
	lo, hi, err := window(len(ids), first, after, defaultListPage)
	if err != nil {
		return nil, err
	}
	nodes, err := ld.store.Nodes(ctx, ids[lo:hi])
	if err != nil {
		return nil, err
	}
	nodes = slices.DeleteFunc(nodes, func(n *tracegraph.Node) bool { return n == nil })
	objs := loadedObjects(ld, nodes)
	conn := &model.MaterialConnection{Edges: make([]*model.MaterialEdge, len(objs)),
		PageInfo: pageInfo(lo, hi, len(ids), offsetCursor), TotalCount: len(ids)}
	for i, o := range objs {
		conn.Edges[i] = &model.MaterialEdge{Cursor: offsetCursor(lo + i), Node: o}
	}
	return conn, nil
}

func (q *queryResolver) ProcessUnits(ctx context.Context, filter model.ProcessFilter, first *int, after *string) (*model.UnitConnection, error) {
	page, err := pageOf(first, after)
	if err != nil {
		return nil, err
	}
	pq := tracegraph.ProcessQuery{Station: deref(filter.Station), Recipe: deref(filter.Recipe), Step: deref(filter.Step),
		From: deref(filter.From), To: deref(filter.To), Parameter: deref(filter.Parameter), Min: filter.Min, Max: filter.Max}
	res, err := q.store().ProcessUnits(ctx, pq, page)
	if err != nil {
		return nil, err
	}
	return unitConnection(q.ld, res, page), nil
}

func (q *queryResolver) TestUnits(ctx context.Context, filter model.TestFilter, first *int, after *string) (*model.UnitConnection, error) {
	page, err := pageOf(first, after)
	if err != nil {
		return nil, err
	}
	tq := tracegraph.TestQuery{TestType: deref(filter.TestType), Measurement: deref(filter.Measurement),
		WithinPercent: deref(filter.WithinPercent), Failed: deref(filter.Failed), From: deref(filter.From), To: deref(filter.To),
		FirmwareVersion: deref(filter.FirmwareVersion), FirmwareChecksum: deref(filter.FirmwareChecksum)}
	res, err := q.store().TestUnits(ctx, tq, page)
	if err != nil {
		return nil, err
	}
	return unitConnection(q.ld, res, page), nil
}

type whereUsedReportResolver struct{ *Resolver }

func (r *whereUsedReportResolver) Units(_ context.Context, obj *model.WhereUsedReport, _ *int, _ *string) (*model.RecallUnitConnection, error) {
	rep := obj.R
	ids := make([]tracegraph.ID, len(rep.Units))
	for i, u := range rep.Units {
		ids[i] = u.ID
	}
	g := newGroup(r.ld, ids)
	req := &tracegraph.RecallRequest{Material: &obj.Req.Material, AsOf: obj.Req.AsOf, History: obj.Req.History}
	conn := &model.RecallUnitConnection{Edges: make([]*model.RecallUnitEdge, len(rep.Units)), TotalCount: rep.TotalUnits(),
		PageInfo: &model.PageInfo{HasNextPage: rep.HasNextPage, HasPreviousPage: obj.Req.Page.After != ""}}
	for i, u := range rep.Units {
		conn.Edges[i] = &model.RecallUnitEdge{U: u, Cursor: rep.Cursors[i], Group: g, Req: req}
	}
	if n := len(rep.Cursors); n > 0 {
		s, e := rep.Cursors[0], rep.Cursors[n-1]
		conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = &s, &e
	}
	return conn, nil
}

func (r *whereUsedReportResolver) WorkOrders(_ context.Context, obj *model.WhereUsedReport) ([]*model.RollupEntry, error) {
	return rollup(r.ld, obj.R.WorkOrders), nil
}

func (r *whereUsedReportResolver) Customers(_ context.Context, obj *model.WhereUsedReport) ([]*model.RollupEntry, error) {
	return rollup(r.ld, obj.R.Customers), nil
}

// WhereUsedReport returns the WhereUsedReport resolver.
func (r *Resolver) WhereUsedReport() graph.WhereUsedReportResolver {
	return &whereUsedReportResolver{r}
}

func (r *recallReportResolver) MatchedMaterial(ctx context.Context, obj *model.RecallReport, first *int, after *string) (*model.MaterialConnection, error) {
	var ids []tracegraph.ID
	if obj.Req.Material != nil {
		var err error
		if ids, err = r.store().FindMaterial(ctx, *obj.Req.Material); err != nil {
			return nil, err
		}
	}
	return materialConnection(ctx, r.ld, ids, first, after)
}

func (r *recallUnitEdgeResolver) Evidence(ctx context.Context, obj *model.RecallUnitEdge) ([]*model.Edge, error) {
	if obj.Req == nil {
		return []*model.Edge{}, nil
	}
	edges, err := r.store().Evidence(ctx, *obj.Req, obj.U.ID)
	if err != nil {
		return nil, err
	}
	return edgeObjects(r.ld, edges), nil
}

func (r *mutationResolver) Contain(ctx context.Context, suspects []string, reason string, material *model.MaterialFilter, containment *string) (*model.ContainResult, error) {
	req := tracegraph.ContainRequest{Material: materialFilter(material), Reason: reason, Containment: deref(containment),
		Time: r.cfg.Now().UTC(), Operator: tracegraph.Actor(ctx)}
	for _, s := range suspects {
		req.Suspects = append(req.Suspects, tracegraph.ID(s))
	}
	res, err := tracegraph.Contain(ctx, r.store(), req)
	if err != nil {
		return nil, err
	}
	return &model.ContainResult{Containment: res.Containment, Material: res.Material, Units: res.Units, Placed: res.Placed,
		AlreadyPlaced: res.AlreadyPlaced, Refused: res.Refused, Refusals: outcomes(res.Refusals)}, nil
}

func (r *mutationResolver) ReleaseContainment(ctx context.Context, containment string, reason string) (*model.ReleaseResult, error) {
	res, err := tracegraph.ReleaseContainment(ctx, r.store(), containment, reason, tracegraph.Actor(ctx), r.cfg.Now().UTC())
	if err != nil {
		return nil, err
	}
	out := &model.ReleaseResult{Containment: res.Containment, Released: res.Released, AlreadyReleased: res.AlreadyReleased,
		Kept: res.Kept, KeptTargets: make([]*model.KeptHold, len(res.KeptTargets)), Refused: res.Refused, Refusals: outcomes(res.Refusals)}
	for i, k := range res.KeptTargets {
		out.KeptTargets[i] = &model.KeptHold{Target: string(k.Target), Holds: model.Holds(k.Target, k.Holds)}
	}
	return out, nil
}

func (r *mutationResolver) PublishRecall(ctx context.Context, containment string, text string, title *string, suspects []string) (*tracegraph.PublishResult, error) {
	req := tracegraph.PublishRequest{Containment: containment, Title: deref(title), Text: text, Time: r.cfg.Now().UTC(), Operator: tracegraph.Actor(ctx)}
	for _, s := range suspects {
		req.Suspects = append(req.Suspects, tracegraph.ID(s))
	}
	return tracegraph.PublishRecall(ctx, r.store(), req)
}

func outcomes(os []tracegraph.Outcome) []*model.Outcome {
	out := make([]*model.Outcome, len(os))
	for i, o := range os {
		out[i] = outcome(o)
	}
	return out
}
