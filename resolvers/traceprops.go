package resolvers

import (
	"context"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/model"
)

var _ graph.TraceNodePropsReader = (*traceNodeEdgeResolver)(nil)

// ReadTraceNodeProps implements graph.TraceNodePropsReader: the properties
// of the edges' nodes, read from the store in one call when it implements
// tracegraph.PropsReader (the embedded store). Node resolves an edge to the
// node of its ID with the props the store's Nodes returns, which
// PropsReader's values are by its contract.
func (r *traceNodeEdgeResolver) ReadTraceNodeProps(ctx context.Context, edges []*model.TraceNodeEdge, keys []string, found []bool, out []tracegraph.PropValue) (bool, error) {
	pr, ok := r.store().(tracegraph.PropsReader)
	if !ok {
		return false, nil
	}
	ids := make([]tracegraph.ID, len(edges))
	for i, e := range edges {
		ids[i] = e.N.ID
	}
	if err := pr.ReadProps(ctx, ids, keys, found, out); err != nil {
		return false, err
	}
	return true, nil
}
