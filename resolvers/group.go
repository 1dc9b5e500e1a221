package resolvers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph"
)

// DefaultBatchWait is the loaders' wait: how long a batch waits for more keys
// before it is fetched. It is a safety net only: the first sibling that asks
// puts every sibling's key in the batch, which fills it and fetches it at once.
const DefaultBatchWait = 10 * time.Millisecond

// loading is what every group of a schema shares.
type loading struct {
	store tracegraph.Store
	wait  time.Duration
}

// group is a set of sibling nodes returned in one list. A relation of its
// members (their properties for one GraphQL field, their edges for one
// query) is loaded for all of them the first time any of them asks, in one
// store call.
type group struct {
	ld     *loading
	ids    []tracegraph.ID                    // distinct, in order
	primed map[tracegraph.ID]*tracegraph.Node // loaded with the group

	mu    sync.Mutex
	props map[any]*fieldProps // by GraphQL field
	edges map[edgeKey]*batchLoader[*edgeSet]
	// products loads the products of member units (products.go).
	products productLoads
}

// fieldProps is what one GraphQL field needs of the members' properties.
type fieldProps struct {
	need   map[tracegraph.Label]bool // whether the selection asks properties of the label's type
	loader *batchLoader[*tracegraph.Node]
}

// edgeKey names one edge loader: the label of the members that ask, the
// query and the filter.
type edgeKey struct {
	label  tracegraph.Label
	query  string
	filter string
}

// edgeFilter keeps some of the edges a query returns, before the groups of
// their endpoints are formed. The zero filter keeps every edge.
type edgeFilter struct {
	key  string
	keep func(tracegraph.Edge) bool
}

// edgeSet is the answer of an edge loader for one member: its edges, and the
// groups of the sources and of the targets of all edges of the batch.
type edgeSet struct {
	edges            []tracegraph.Edge
	sources, targets *group
}

func newGroup(ld *loading, ids []tracegraph.ID) *group {
	members := make(map[tracegraph.ID]bool, len(ids))
	distinct := make([]tracegraph.ID, 0, len(ids))
	for _, id := range ids {
		if !members[id] {
			members[id] = true
			distinct = append(distinct, id)
		}
	}
	return newDistinctGroup(ld, distinct)
}

// newDistinctGroup is newGroup for ids already distinct (a trace's nodes),
// which it keeps.
func newDistinctGroup(ld *loading, ids []tracegraph.ID) *group {
	return &group{ld: ld, ids: ids}
}

// newLoadedGroup is newGroup for nodes already loaded with their properties.
func newLoadedGroup(ld *loading, nodes []*tracegraph.Node) *group {
	ids := make([]tracegraph.ID, len(nodes))
	for i, n := range nodes {
		ids[i] = n.ID
	}
	g := newGroup(ld, ids)
	g.primed = make(map[tracegraph.ID]*tracegraph.Node, len(nodes))
	for _, n := range nodes {
		g.primed[n.ID] = n
	}
	return g
}

// fieldProps returns what the current field needs of the members'
// properties, computed once per field.
func (g *group) fieldProps(ctx context.Context) *fieldProps {
	var key any = g
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		key = fc.Field.Field
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if fp, ok := g.props[key]; ok {
		return fp
	}
	if g.props == nil {
		g.props = map[any]*fieldProps{}
	}
	fp := &fieldProps{need: map[tracegraph.Label]bool{}}
	keys := make([]tracegraph.ID, 0, len(g.ids))
	for _, id := range g.ids {
		l := id.Label()
		need, ok := fp.need[l]
		if !ok {
			need = needsProps(ctx, typeName(l))
			fp.need[l] = need
		}
		if _, loaded := g.primed[id]; need && !loaded {
			keys = append(keys, id)
		}
	}
	fp.loader = newBatchLoader(keys, g.fetchNodes)
	g.props[key] = fp
	return fp
}

func (g *group) fetchNodes(ctx context.Context, ids []tracegraph.ID) ([]*tracegraph.Node, []error) {
	nodes, err := g.ld.store.Nodes(ctx, ids)
	if err != nil {
		return nil, []error{fmt.Errorf("load %d nodes: %w", len(ids), err)}
	}
	var errs []error
	for i, n := range nodes {
		if n == nil {
			if errs == nil {
				errs = make([]error, len(ids))
			}
			errs[i] = tracegraph.Errorf(tracegraph.CodeNotFound, "", "%s does not exist", ids[i])
		}
	}
	return nodes, errs
}

// node returns member id with its properties when the current field's
// selection asks for any of its type, nil otherwise.
func (g *group) node(ctx context.Context, id tracegraph.ID) (*tracegraph.Node, error) {
	fp := g.fieldProps(ctx)
	if !fp.need[id.Label()] {
		return nil, nil
	}
	if n, ok := g.primed[id]; ok {
		return n, nil
	}
	return fp.loader.load(ctx, id)
}

// loadNodes is node for several members, in order.
func (g *group) loadNodes(ctx context.Context, ids []tracegraph.ID) ([]*tracegraph.Node, error) {
	fp := g.fieldProps(ctx)
	out := make([]*tracegraph.Node, len(ids))
	for i, id := range ids {
		n, ok := g.primed[id]
		switch {
		case !fp.need[id.Label()]:
		case ok:
			out[i] = n
		default:
			n, err := fp.loader.load(ctx, id)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
	}
	return out, nil
}

func queryKey(q tracegraph.EdgeQuery) string {
	var b strings.Builder
	b.WriteString(string(q.Direction))
	for _, t := range q.Types {
		b.WriteByte(' ')
		b.WriteString(string(t))
	}
	if q.History {
		b.WriteString(" history")
	} else if !q.AsOf.IsZero() {
		b.WriteString(" asOf " + q.AsOf.UTC().Format(time.RFC3339Nano))
	}
	return b.String()
}

func (g *group) edgeLoader(l tracegraph.Label, q tracegraph.EdgeQuery, f edgeFilter) *batchLoader[*edgeSet] {
	k := edgeKey{l, queryKey(q), f.key}
	g.mu.Lock()
	defer g.mu.Unlock()
	if ld, ok := g.edges[k]; ok {
		return ld
	}
	if g.edges == nil {
		g.edges = map[edgeKey]*batchLoader[*edgeSet]{}
	}
	var keys []tracegraph.ID
	for _, id := range g.ids {
		if id.Label() == l {
			keys = append(keys, id)
		}
	}
	fetch := func(ctx context.Context, ids []tracegraph.ID) ([]*edgeSet, []error) {
		lists, err := g.ld.store.Edges(ctx, ids, q)
		if err != nil {
			return nil, []error{fmt.Errorf("load edges of %d nodes: %w", len(ids), err)}
		}
		var srcs, dsts []tracegraph.ID
		for i, es := range lists {
			es = slices.Clone(es)
			if f.keep != nil {
				es = slices.DeleteFunc(es, func(e tracegraph.Edge) bool { return !f.keep(e) })
			}
			slices.SortStableFunc(es, func(a, b tracegraph.Edge) int {
				if c := a.ValidFrom.Compare(b.ValidFrom); c != 0 {
					return c
				}
				return compareUint(uint64(a.ID), uint64(b.ID))
			})
			lists[i] = es
			for _, e := range es {
				srcs = append(srcs, e.Source)
				dsts = append(dsts, e.Target)
			}
		}
		src, dst := newGroup(g.ld, srcs), newGroup(g.ld, dsts)
		out := make([]*edgeSet, len(ids))
		for i, es := range lists {
			out[i] = &edgeSet{edges: es, sources: src, targets: dst}
		}
		return out, nil
	}
	ld := newBatchLoader(keys, fetch)
	g.edges[k] = ld
	return ld
}

func compareUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// loadEdges returns the edges of member id for q that f keeps, loaded with those
// of every member of the same label.
func (g *group) loadEdges(ctx context.Context, id tracegraph.ID, q tracegraph.EdgeQuery, f edgeFilter) (*edgeSet, error) {
	return g.edgeLoader(id.Label(), q, f).load(ctx, id)
}
