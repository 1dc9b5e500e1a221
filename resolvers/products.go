package resolvers

import (
	"context"
	"sync"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph/model"
	"github.com/vikstrous/dataloadgen"
)

func (q *queryResolver) Product(ctx context.Context, partNumber string) (*model.Product, error) {
	if tracegraph.CheckKey(partNumber) != nil {
		return nil, nil // no product can have this part number
	}
	return q.productNode(ctx, tracegraph.ProductID(partNumber))
}

func (q *queryResolver) ProductByGtin(ctx context.Context, gtin string) (*model.Product, error) {
	g, ok := tracegraph.NormalizeIdentifier(tracegraph.SchemeGTIN, gtin)
	if !ok {
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "gtin", "gtin %q is not a GTIN (8, 12, 13 or 14 digits with a valid check digit)", gtin)
	}
	nodes, err := q.store().Lookup(ctx, g)
	if err != nil {
		return nil, err
	}
	for _, n := range nodes {
		if n.Label == tracegraph.LabelProduct && n.Str("gtin") == g {
			return loadedObjects(q.ld, []*tracegraph.Node{n})[0].(*model.Product), nil
		}
	}
	return nil, nil
}

// productNode returns the product object for id, nil when it does not exist.
func (r *Resolver) productNode(ctx context.Context, id tracegraph.ID) (*model.Product, error) {
	n, err := r.store().Node(ctx, id)
	if tracegraph.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return loadedObjects(r.ld, []*tracegraph.Node{n})[0].(*model.Product), nil
}

type productResolver struct{ *Resolver }

func (r *productResolver) Events(ctx context.Context, obj *model.Product) ([]*model.Event, error) {
	return r.events(ctx, &obj.Ref)
}

// Product returns the product of the unit's part number. The units of one
// list ask together: their products are read in one store call.
func (r *unitResolver) Product(ctx context.Context, obj *model.Unit) (*model.Product, error) {
	if obj.Node == nil || tracegraph.CheckKey(obj.PartNumber()) != nil {
		return nil, nil
	}
	id := tracegraph.ProductID(obj.PartNumber())
	g := groupOf(&obj.Ref)
	if g == nil {
		return r.productNode(ctx, id)
	}
	n, err := g.productLoader().Load(ctx, id)
	if err != nil || n == nil {
		return nil, err
	}
	return loadedObjects(r.ld, []*tracegraph.Node{n})[0].(*model.Product), nil
}

// productLoads is the loader of the products of a group's units.
type productLoads struct {
	once sync.Once
	ld   *dataloadgen.Loader[tracegraph.ID, *tracegraph.Node]
}

// productLoader returns the group's loader of products, made on first use:
// the siblings that ask within the batch wait are read in one call.
func (g *group) productLoader() *dataloadgen.Loader[tracegraph.ID, *tracegraph.Node] {
	g.products.once.Do(func() {
		g.products.ld = dataloadgen.NewLoader(func(ctx context.Context, ids []tracegraph.ID) ([]*tracegraph.Node, []error) {
			nodes, err := g.ld.store.Nodes(ctx, ids)
			if err != nil {
				return nil, []error{err}
			}
			return nodes, nil
		}, dataloadgen.WithWait(g.ld.wait))
	})
	return g.products.ld
}

func (r *mutationResolver) AllocateSerials(ctx context.Context, partNumber string, count int, request string) (*model.SerialAllocation, error) {
	a, err := tracegraph.AllocateSerials(ctx, r.store(), tracegraph.AllocationRequest{PartNumber: partNumber, Count: count,
		Request: request, Time: r.cfg.Now().UTC(), Operator: tracegraph.Actor(ctx)})
	if err != nil {
		return nil, err
	}
	return &model.SerialAllocation{A: a}, nil
}
