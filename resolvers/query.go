package resolvers

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph/model"
)

type queryResolver struct{ *Resolver }

func (q *queryResolver) Node(ctx context.Context, id string) (model.Node, error) {
	if _, _, err := tracegraph.ParseID(id); err != nil {
		return nil, err
	}
	n, err := q.store().Node(ctx, tracegraph.ID(id))
	if tracegraph.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return loadedObjects(q.ld, []*tracegraph.Node{n})[0], nil
}

func (q *queryResolver) Lookup(ctx context.Context, code string) ([]model.Node, error) {
	if strings.TrimSpace(code) == "" {
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "code", "code is empty")
	}
	nodes, err := q.store().Lookup(ctx, code)
	if err != nil {
		return nil, err
	}
	return loadedObjects(q.ld, nodes), nil
}

// selected reports whether the current field's selection includes name.
func selected(ctx context.Context, name string) bool {
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == name {
			return true
		}
	}
	return false
}

// selectedPath reports whether the current field's selection includes the
// field path (names of fields, each in the selection of the one before),
// through fragments, aliases, @skip and @include as gqlgen collects them.
func selectedPath(ctx context.Context, path ...string) bool {
	return anySelected(graphql.GetOperationContext(ctx), graphql.CollectFieldsCtx(ctx, nil), path)
}

func anySelected(oc *graphql.OperationContext, fields []graphql.CollectedField, path []string) bool {
	for _, f := range fields {
		if f.Name != path[0] {
			continue
		}
		if len(path) == 1 || anySelected(oc, graphql.CollectFields(oc, f.Selections, nil), path[1:]) {
			return true
		}
	}
	return false
}

func (q *queryResolver) Trace(ctx context.Context, from []string, direction model.TraceDirection, maxDepth *int,
	edgeTypes []model.EdgeType, asOf *time.Time, history *bool, minPrecision *model.Precision, first *int, after *string) (*model.Trace, error) {
	req := tracegraph.TraceRequest{
		Direction: direction.Domain(),
		AsOf:      deref(asOf),
		History:   deref(history),
		SkipEdges: !selected(ctx, "edges"),
	}
	if maxDepth != nil {
		if *maxDepth <= 0 {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "maxDepth", "maxDepth must be positive (leave it out for no bound)")
		}
		req.MaxDepth = *maxDepth
	}
	for _, f := range from {
		req.From = append(req.From, tracegraph.ID(f))
	}
	for _, t := range edgeTypes {
		req.EdgeTypes = append(req.EdgeTypes, t.Domain())
	}
	if minPrecision != nil {
		req.MinPrecision = minPrecision.Domain()
	}
	res, err := q.store().Trace(ctx, req)
	if err != nil {
		return nil, err
	}
	lo, hi, err := window(len(res.Nodes), first, after, defaultTracePage)
	if err != nil {
		return nil, err
	}
	page := res.Nodes[lo:hi]
	ids := make([]tracegraph.ID, len(page))
	for i, n := range page {
		ids[i] = n.ID
	}
	g := newDistinctGroup(q.ld, ids) // a trace lists each node once
	conn := &model.TraceNodeConnection{
		Edges:      make([]*model.TraceNodeEdge, len(page)),
		PageInfo:   pageInfo(lo, hi, len(res.Nodes), offsetCursor),
		TotalCount: len(res.Nodes),
	}
	// One allocation for the page's edges and one for its cursors: a
	// genealogy has hundreds of nodes. The cursors are made only when the
	// query asks for them (nothing else reads an edge's cursor).
	edges := make([]model.TraceNodeEdge, len(page))
	var cursors []string
	if selectedPath(ctx, "nodes", "edges", "cursor") {
		cursors = offsetCursors(lo, hi)
	}
	for i := range page {
		edges[i] = model.TraceNodeEdge{N: &page[i], Group: g}
		if cursors != nil {
			edges[i].Cursor = cursors[i]
		}
		conn.Edges[i] = &edges[i]
	}
	out := &model.Trace{Nodes: conn, Truncated: res.Truncated, Edges: []*model.Edge{}}
	if !req.SkipEdges {
		edges := pageEdges(res, lo, hi)
		// refDes, position, quantity and station are read from Props.
		if selectedBelow(ctx, "edges", "refDes", "position", "quantity", "station", "event") {
			if edges, err = withProps(ctx, q.store(), edges); err != nil {
				return nil, err
			}
		}
		out.Edges = edgeObjects(q.ld, edges)
	}
	return out, nil
}

// pageEdges returns the edges of a trace whose later endpoint, in node
// order, is on the page [lo, hi): each edge appears on exactly one page.
func pageEdges(res *tracegraph.TraceResult, lo, hi int) []tracegraph.Edge {
	pos := make(map[tracegraph.ID]int, len(res.Nodes))
	for i, n := range res.Nodes {
		pos[n.ID] = i
	}
	var keep []tracegraph.Edge
	for _, e := range res.Edges {
		s, sok := pos[e.Source]
		t, tok := pos[e.Target]
		if !sok {
			s = t
		}
		if !tok {
			t = s
		}
		if k := max(s, t); k >= lo && k < hi {
			keep = append(keep, e)
		}
	}
	return keep
}

// edgeObjects wraps edges, with one group for their sources and one for
// their targets.
func edgeObjects(ld *loading, edges []tracegraph.Edge) []*model.Edge {
	srcs := make([]tracegraph.ID, len(edges))
	dsts := make([]tracegraph.ID, len(edges))
	for i, e := range edges {
		srcs[i], dsts[i] = e.Source, e.Target
	}
	sg, dg := newGroup(ld, srcs), newGroup(ld, dsts)
	out := make([]*model.Edge, len(edges))
	for i, e := range edges {
		out[i] = &model.Edge{E: e, Sources: sg, Targets: dg}
	}
	return out
}

func (q *queryResolver) RecallImpact(ctx context.Context, suspects []string, material *model.MaterialFilter, asOf *time.Time, history *bool) (*model.RecallReport, error) {
	req := tracegraph.RecallRequest{AsOf: deref(asOf), History: deref(history), Material: materialFilter(material)}
	for _, s := range suspects {
		req.Suspects = append(req.Suspects, tracegraph.ID(s))
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	rep, err := q.store().RecallImpact(ctx, req)
	if err != nil {
		return nil, err
	}
	return &model.RecallReport{R: rep, Req: req}, nil
}

// unitStatuses are the values UnitFilter.status accepts.
func unitStatuses() []string {
	return []string{tracegraph.StatusWIP, tracegraph.StatusCompleted, tracegraph.StatusShipped, tracegraph.StatusScrapped}
}

func (q *queryResolver) Units(ctx context.Context, filter *model.UnitFilter, first *int, after *string) (*model.UnitConnection, error) {
	var f tracegraph.UnitFilter
	if filter != nil {
		f = tracegraph.UnitFilter{
			PartNumber:   deref(filter.PartNumber),
			WorkOrder:    deref(filter.WorkOrder),
			Status:       strings.ToUpper(deref(filter.Status)),
			OnHold:       filter.OnHold,
			SerialPrefix: deref(filter.SerialPrefix),
			CreatedFrom:  deref(filter.CreatedFrom),
			CreatedTo:    deref(filter.CreatedTo),
		}
		if statuses := unitStatuses(); f.Status != "" && !slices.Contains(statuses, f.Status) {
			return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "filter.status", "status %q is not one of %s", f.Status, strings.Join(statuses, ", "))
		}
	}
	page, err := pageOf(first, after)
	if err != nil {
		return nil, err
	}
	res, err := q.store().Units(ctx, f, page)
	if err != nil {
		return nil, err
	}
	return unitConnection(q.ld, res, page), nil
}

// unitConnection wraps a page of units, loaded with their properties, as a
// connection.
func unitConnection(ld *loading, res *tracegraph.UnitPage, page tracegraph.Page) *model.UnitConnection {
	g := newLoadedGroup(ld, res.Units)
	conn := &model.UnitConnection{Edges: make([]*model.UnitEdge, len(res.Units)), TotalCount: res.TotalCount,
		PageInfo: &model.PageInfo{HasNextPage: res.HasNextPage, HasPreviousPage: page.After != ""}}
	for i, n := range res.Units {
		conn.Edges[i] = &model.UnitEdge{Cursor: res.Cursors[i], Node: &model.Unit{Ref: model.Ref{NodeID: n.ID, Node: n, Group: g}}}
	}
	if len(res.Cursors) > 0 {
		s, e := res.Cursors[0], res.Cursors[len(res.Cursors)-1]
		conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = &s, &e
	}
	return conn
}

func (q *queryResolver) Stats(ctx context.Context) (*model.Stats, error) {
	s, err := q.store().Stats(ctx)
	if err != nil {
		return nil, err
	}
	nodes := map[string]int{}
	for l, n := range s.Nodes {
		nodes[string(l)] = n
	}
	edges := map[string]int{}
	for t, n := range s.Edges {
		edges[string(t)] = n
	}
	return &model.Stats{Events: int(s.Events), Nodes: nodes, Edges: edges,
		DiskBytes: float64(s.DiskBytes), MemBytes: float64(s.MemBytes)}, nil
}
