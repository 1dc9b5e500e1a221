package resolvers

import (
	"context"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph/model"
)

type recallReportResolver struct{ *Resolver }

func (r *recallReportResolver) units(req *tracegraph.RecallRequest, list []tracegraph.RecallUnit, first *int, after *string) (*model.RecallUnitConnection, error) {
	lo, hi, err := window(len(list), first, after, defaultListPage)
	if err != nil {
		return nil, err
	}
	page := list[lo:hi]
	ids := make([]tracegraph.ID, len(page))
	for i, u := range page {
		ids[i] = u.ID
	}
	g := newGroup(r.ld, ids)
	conn := &model.RecallUnitConnection{Edges: make([]*model.RecallUnitEdge, len(page)),
		PageInfo: pageInfo(lo, hi, len(list), offsetCursor), TotalCount: len(list)}
	for i, u := range page {
		conn.Edges[i] = &model.RecallUnitEdge{U: u, Cursor: offsetCursor(lo + i), Group: g, Req: req}
	}
	return conn, nil
}

func (r *recallReportResolver) Confirmed(_ context.Context, obj *model.RecallReport, first *int, after *string) (*model.RecallUnitConnection, error) {
	return r.units(&obj.Req, obj.R.Confirmed, first, after)
}

func (r *recallReportResolver) Possible(_ context.Context, obj *model.RecallReport, first *int, after *string) (*model.RecallUnitConnection, error) {
	return r.units(&obj.Req, obj.R.Possible, first, after)
}

// rollup wraps rollup entries, their nodes as one group.
func rollup(ld *loading, list []tracegraph.RollupEntry) []*model.RollupEntry {
	ids := make([]tracegraph.ID, len(list))
	for i, e := range list {
		ids[i] = e.ID
	}
	g := newGroup(ld, ids)
	out := make([]*model.RollupEntry, len(list))
	for i, e := range list {
		out[i] = &model.RollupEntry{R: e, Group: g}
	}
	return out
}

func (r *recallReportResolver) Products(_ context.Context, obj *model.RecallReport) ([]*model.RollupEntry, error) {
	return rollup(r.ld, obj.R.Products), nil
}

func (r *recallReportResolver) WorkOrders(_ context.Context, obj *model.RecallReport) ([]*model.RollupEntry, error) {
	return rollup(r.ld, obj.R.WorkOrders), nil
}

func (r *recallReportResolver) Boxes(_ context.Context, obj *model.RecallReport) ([]*model.RollupEntry, error) {
	return rollup(r.ld, obj.R.Boxes), nil
}

func (r *recallReportResolver) Pallets(_ context.Context, obj *model.RecallReport) ([]*model.RollupEntry, error) {
	return rollup(r.ld, obj.R.Pallets), nil
}

func (r *recallReportResolver) Shipments(_ context.Context, obj *model.RecallReport) ([]*model.RollupEntry, error) {
	return rollup(r.ld, obj.R.Shipments), nil
}

func (r *recallReportResolver) Customers(_ context.Context, obj *model.RecallReport) ([]*model.RollupEntry, error) {
	return rollup(r.ld, obj.R.Customers), nil
}

type recallUnitEdgeResolver struct{ *Resolver }

func (r *recallUnitEdgeResolver) Node(ctx context.Context, obj *model.RecallUnitEdge) (*model.Unit, error) {
	n, err := object(ctx, obj.Group.(*group), obj.U.ID)
	if err != nil {
		return nil, err
	}
	u, ok := n.(*model.Unit)
	if !ok {
		return nil, tracegraph.Errorf(tracegraph.CodeInternal, "", "recall unit %s is not a unit", obj.U.ID)
	}
	return u, nil
}

type rollupEntryResolver struct{ *Resolver }

func (r *rollupEntryResolver) Node(ctx context.Context, obj *model.RollupEntry) (model.Node, error) {
	return object(ctx, obj.Group.(*group), obj.R.ID)
}
