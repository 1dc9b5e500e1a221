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
	"github.com/vikstrous/dataloadgen"
)

// DefaultBatchWait is how long a loader waits for siblings that never ask
// (when a sibling's parent field failed, say) before fetching what it has. In
// the normal case the batch is full, and fetched at once, long before.
const DefaultBatchWait = 50 * time.Millisecond

// loading is what every group of a schema shares.
type loading struct {
	store tracegraph.Store
	wait  time.Duration
}

// group is a set of sibling nodes returned in one list. Relations of its
// members are loaded for all of them at once: each loader's batch capacity
// is the number of distinct members with the label that asks.
type group struct {
	ld     *loading
	counts map[tracegraph.Label]int

	mu      sync.Mutex
	nodes   map[any]*dataloadgen.Loader[tracegraph.ID, *tracegraph.Node] // by GraphQL field
	edgeLds map[edgeKey]*dataloadgen.Loader[tracegraph.ID, *edgeSet]
	primed  map[tracegraph.ID]*tracegraph.Node
	members map[tracegraph.ID]bool
}

// edgeKey names one edge loader: the label of the members that ask, the
// query and the filter.
type edgeKey struct {
	label  tracegraph.Label
	query  string
	filter string
}

// edgeFilter keeps some of the edges a query returns, before the groups of
// their endpoints are formed (so that every member of those groups is asked
// for). The zero filter keeps every edge.
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
	g := &group{ld: ld, counts: map[tracegraph.Label]int{}, members: make(map[tracegraph.ID]bool, len(ids))}
	for _, id := range ids {
		if !g.members[id] {
			g.members[id] = true
			g.counts[id.Label()]++
		}
	}
	return g
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

// capacity is the number of distinct members with label l.
func (g *group) capacity(l tracegraph.Label) int {
	if c := g.counts[l]; c > 0 {
		return c
	}
	return 1
}

// nodeLoader returns the loader of the members' properties for the current
// field. Its batch capacity is the number of distinct members, not yet
// loaded, whose type the field's selection asks properties of: every sibling
// object of the field asks for exactly those.
func (g *group) nodeLoader(ctx context.Context) *dataloadgen.Loader[tracegraph.ID, *tracegraph.Node] {
	var key any = g
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		key = fc.Field.Field
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if ld, ok := g.nodes[key]; ok {
		return ld
	}
	if g.nodes == nil {
		g.nodes = map[any]*dataloadgen.Loader[tracegraph.ID, *tracegraph.Node]{}
	}
	need := newPropsNeeded(ctx)
	n := 0
	for id := range g.members {
		if _, ok := g.primed[id]; !ok && need.of(id.Label()) {
			n++
		}
	}
	ld := dataloadgen.NewLoader(g.fetchNodes, dataloadgen.WithBatchCapacity(max(n, 1)), dataloadgen.WithWait(g.ld.wait))
	g.nodes[key] = ld
	return ld
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

// node returns member id with its properties. Call it only for members
// whose type the current field's selection asks properties of.
func (g *group) node(ctx context.Context, id tracegraph.ID) (*tracegraph.Node, error) {
	if n, ok := g.primed[id]; ok {
		return n, nil
	}
	return g.nodeLoader(ctx).Load(ctx, id)
}

// loadNodes returns members ids with their properties, in order; the same
// rule as for node applies.
func (g *group) loadNodes(ctx context.Context, ids []tracegraph.ID) ([]*tracegraph.Node, error) {
	thunks := make([]func() (*tracegraph.Node, error), len(ids))
	for i, id := range ids {
		if n, ok := g.primed[id]; ok {
			thunks[i] = func() (*tracegraph.Node, error) { return n, nil }
			continue
		}
		thunks[i] = g.nodeLoader(ctx).LoadThunk(ctx, id)
	}
	out := make([]*tracegraph.Node, len(ids))
	for i, th := range thunks {
		n, err := th()
		if err != nil {
			return nil, err
		}
		out[i] = n
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

func (g *group) edgeLoader(l tracegraph.Label, q tracegraph.EdgeQuery, f edgeFilter) *dataloadgen.Loader[tracegraph.ID, *edgeSet] {
	k := edgeKey{l, queryKey(q), f.key}
	g.mu.Lock()
	defer g.mu.Unlock()
	if ld, ok := g.edgeLds[k]; ok {
		return ld
	}
	if g.edgeLds == nil {
		g.edgeLds = map[edgeKey]*dataloadgen.Loader[tracegraph.ID, *edgeSet]{}
	}
	fetch := func(ctx context.Context, ids []tracegraph.ID) ([]*edgeSet, []error) {
		lists, err := g.ld.store.Edges(ctx, ids, q)
		if err != nil {
			return nil, []error{fmt.Errorf("load edges of %d nodes: %w", len(ids), err)}
		}
		if f.keep != nil {
			for i, es := range lists {
				lists[i] = slices.DeleteFunc(slices.Clone(es), func(e tracegraph.Edge) bool { return !f.keep(e) })
			}
		}
		var srcs, dsts []tracegraph.ID
		for _, es := range lists {
			for _, e := range es {
				srcs = append(srcs, e.Source)
				dsts = append(dsts, e.Target)
			}
		}
		src, dst := newGroup(g.ld, srcs), newGroup(g.ld, dsts)
		out := make([]*edgeSet, len(ids))
		for i, es := range lists {
			es = slices.Clone(es)
			slices.SortStableFunc(es, func(a, b tracegraph.Edge) int {
				if c := a.ValidFrom.Compare(b.ValidFrom); c != 0 {
					return c
				}
				return compareUint(uint64(a.ID), uint64(b.ID))
			})
			out[i] = &edgeSet{edges: es, sources: src, targets: dst}
		}
		return out, nil
	}
	ld := dataloadgen.NewLoader(fetch, dataloadgen.WithBatchCapacity(g.capacity(l)), dataloadgen.WithWait(g.ld.wait))
	g.edgeLds[k] = ld
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

// edges returns the edges of member id for q that f keeps, loaded with those
// of every member of the same label.
func (g *group) edges(ctx context.Context, id tracegraph.ID, q tracegraph.EdgeQuery, f edgeFilter) (*edgeSet, error) {
	return g.edgeLoader(id.Label(), q, f).Load(ctx, id)
}
