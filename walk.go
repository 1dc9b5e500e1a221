package tracegraph

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// The walk rules: one breadth-first traversal that every store runs over
// its own graph through the narrow Expander interface, so that every store
// answers alike, limits included.
//
//   - Frontier order: a level's frontier is expanded in the order its nodes
//     were reached, and each node's edges in the order they were recorded
//     (edge ID order). A node reached again with a better precision is
//     expanded again (at most three times, as there are three precisions).
//   - Depth: a node's depth is its fewest hops from a start node.
//   - Precision: that of the node's best path (the best, over the paths of
//     at most MaxDepth hops, of the path's weakest edge).
//   - Truncation: when the nodes of the levels so far and the next level
//     together exceed Limit, the walk keeps that level's smallest IDs up to
//     Limit and stops. The answer is then the first Limit nodes by depth,
//     then ID; their precisions are those of their best paths no longer than
//     the last level kept.
//   - Filters: EdgeFilter says which edges count: their types, the moment
//     whose structure is walked (or every edge that ever existed), a minimum
//     precision, never a voided edge, and, for recalls, never onto a
//     container.

// Hop is one edge a walk can take from a frontier node: the node's position
// in the frontier, the node at the edge's other end, the edge and its
// precision. Nodes and edges are handles the Expander chooses: dense small
// integers (a store's own indexes, or positions in a table it keeps).
type Hop struct {
	From uint32 // position in the frontier
	To   uint32 // node handle
	Edge uint32 // edge handle
	Prec Precision
}

// Expander is the part of a store the walk rules run over.
type Expander interface {
	// Expand appends to hops the hops leaving each frontier node, in
	// frontier order and, per node, in edge ID order: along edges out of the
	// node when up, into it otherwise; only the edges and nodes the store's
	// EdgeFilter admits, never a voided node. A node may appear in frontier
	// more than once.
	Expand(ctx context.Context, frontier []uint32, up bool, hops []Hop) ([]Hop, error)
	// CompareNodes orders two node handles by their nodes' IDs.
	CompareNodes(a, b uint32) int
}

// EdgeFilter says which edges a walk follows. Its zero value admits every
// edge that is not voided and holds at At == 0 (use NewEdgeFilter).
type EdgeFilter struct {
	// Types has bit 1<<EdgeType.Code() set for each type followed (0: all).
	Types uint32
	// At is the moment whose structure counts, in Unix nanoseconds.
	At int64
	// History admits every edge that ever existed instead.
	History bool
	// MinPrecision skips edges less precise than it.
	MinPrecision Precision
	// NoContainers never steps onto a Box, Pallet or Shipment (recalls).
	NoContainers bool
}

// NewEdgeFilter returns the filter for edges of types (empty: all) at asOf
// (zero: now), or ever with history, at least as precise as minPrec.
func NewEdgeFilter(types []EdgeType, asOf time.Time, history bool, minPrec Precision) EdgeFilter {
	f := EdgeFilter{At: AsOfOrNow(asOf).UnixNano(), History: history, MinPrecision: minPrec}
	for _, t := range types {
		f.Types |= 1 << t.Code()
	}
	return f
}

// AsOfOrNow returns t in UTC, or the current time when t is zero.
func AsOfOrNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now().UTC()
	}
	return t.UTC()
}

// Admits reports whether an edge of type code and precision p is followed.
func (f *EdgeFilter) Admits(code int, p Precision) bool {
	return (f.Types == 0 || f.Types&(1<<code) != 0) && p >= f.MinPrecision
}

// During reports whether an edge valid from from until to (Unix nanoseconds,
// to 0 while still true) counts: it held at At, or History is set.
func (f *EdgeFilter) During(from, to int64) bool {
	return f.History || (from <= f.At && (to == 0 || to > f.At))
}

// Enters reports whether a walk may step onto a node with label l.
func (f *EdgeFilter) Enters(l Label) bool { return !f.NoContainers || !l.IsContainer() }

// Keeps reports whether edge e counts (its Voided flag included). Stores
// whose edges are not Edge values use Admits and During.
func (f *EdgeFilter) Keeps(e *Edge) bool {
	return !e.Voided && f.Admits(e.Type.Code(), e.Precision) && f.During(Nanos(e.ValidFrom), Nanos(e.ValidTo))
}

// Nanos is t in Unix nanoseconds, 0 for the zero time.
func Nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// Marks holds one uint32 per node handle, zero until set, and forgets the
// ones it set when Reset: a walk's visits, a rollup's slots. It grows as
// handles come, so a store may size it for all its nodes up front (and pool
// it) or let it grow with the nodes it meets.
type Marks struct {
	v       []uint32
	touched []uint32
	// scratch kept with the marks so that a walk allocates little beyond
	// its answer
	frontier, next, level []uint32
	fprec, nprec          []Precision
	hops, ledges          []Hop
	keys                  []levelKey
	order, edges          []uint32 // a walk's lists with WalkSpec.Scratch
}

// NewMarks returns marks sized for n node handles.
func NewMarks(n int) *Marks { return MarksOver(make([]uint32, n)) }

// MarksOver returns marks whose per-handle words are v, all zero (as many
// handles as it holds without growing): for a store that places that memory
// itself (in huge pages, say).
func MarksOver(v []uint32) *Marks { return &Marks{v: v} }

// Cap is how many node handles the marks hold without growing.
func (m *Marks) Cap() int { return len(m.v) }

// Reset forgets every mark set since the last Reset.
func (m *Marks) Reset() {
	for _, i := range m.touched {
		m.v[i] = 0
	}
	m.touched = m.touched[:0]
}

// ResetOn is Reset on up to w goroutines, for marks set on millions of
// nodes.
func (m *Marks) ResetOn(w int) {
	InParallel(len(m.touched), Parts(len(m.touched), w, 1<<16), func(_, lo, hi int) {
		for _, i := range m.touched[lo:hi] {
			m.v[i] = 0
		}
	})
	m.touched = m.touched[:0]
}

// ClearOn zeroes the words of nodes is (each listed once), on up to w
// goroutines: for words set by Note, on nodes the caller knows. It does
// not change what Reset forgets.
func (m *Marks) ClearOn(is []uint32, w int) {
	InParallel(len(is), Parts(len(is), w, 1<<16), func(_, lo, hi int) {
		for _, i := range is[lo:hi] {
			if m.v[i] != 0 {
				m.v[i] = 0
			}
		}
	})
}

// Get returns node i's mark (0: none).
func (m *Marks) Get(i uint32) uint32 {
	if int(i) < len(m.v) {
		return m.v[i]
	}
	return 0
}

// Set sets node i's mark to x (not 0).
func (m *Marks) Set(i, x uint32) {
	if int(i) >= len(m.v) {
		m.grow(i)
	}
	if m.v[i] == 0 {
		m.touched = append(m.touched, i)
	}
	m.v[i] = x
}

// Note sets node i's word to x (not 0) if it holds none, for writers on
// several goroutines at once (atomic: of two setting the same word, one
// does). i must be below Cap; Reset does not forget the words Note sets:
// clear them first (ClearOn).
func (m *Marks) Note(i, x uint32) {
	if atomic.LoadUint32(&m.v[i]) == 0 {
		atomic.CompareAndSwapUint32(&m.v[i], 0, x)
	}
}

// Reached reports whether a walk reached node i by a path at least as
// precise as p.
func (m *Marks) Reached(i uint32, p Precision) bool {
	mk := m.Get(i)
	return mk != 0 && Precision(mk&3) >= p
}

// Seen reports whether a walk reached node i.
func (m *Marks) Seen(i uint32) bool { return m.Get(i) != 0 }

// Depth is node i's fewest hops from a start node (-1: not reached).
func (m *Marks) Depth(i uint32) int { return int(m.Get(i)>>2) - 1 }

// Precision is the precision of node i's best path.
func (m *Marks) Precision(i uint32) Precision { return Precision(m.Get(i) & 3) }

func (m *Marks) grow(i uint32) {
	n := max(int(i)+1, 2*len(m.v), 64)
	m.v = append(m.v, make([]uint32, n-len(m.v))...)
}

func (m *Marks) visit(i uint32, depth int, p Precision) { m.Set(i, uint32(depth+1)<<2|uint32(p)) }

// WalkSpec says how far a walk goes; the edge filters are the Expander's.
type WalkSpec struct {
	Up       bool // follow edges forward (upstream); else backward
	MaxDepth int
	// Limit bounds the nodes kept, start nodes included (0: none).
	Limit int
	// WantEdges lists the edges followed.
	WantEdges bool
	// Scratch builds the result's lists in the Marks' own memory: they stay
	// valid only until the Marks run another walk or are Reset. (Without a
	// Limit, on Marks that hold no mark, Order is then the Marks' list of
	// the nodes they set: the same nodes in the same order, held once.)
	Scratch bool
	// HopBudget expands a level's frontier a part at a time (0: all at
	// once), so that the hops held are about HopBudget rather than a whole
	// level's (16 bytes each: a recall's widest level has millions at M). A
	// part halves while its hops exceed the budget, down to one node (whose
	// hops are its own edges), and doubles while they are under half of
	// it. For stores whose Expand costs little per call; the answer is the
	// same.
	HopBudget int
}

// WalkResult is what a walk reached. Each node's depth and precision are
// in the Marks it ran with.
type WalkResult struct {
	// Order lists the nodes reached, start nodes first (by ID), level by level,
	// each level in the order its nodes were first reached (a truncated
	// level: its kept nodes by ID).
	Order []uint32
	// Edges lists the edges followed between nodes kept (with WantEdges),
	// an edge again each time it was followed.
	Edges     []uint32
	Truncated bool
}

// Walk runs the walk rules from starts (each once) over x, marking what it
// reaches in m (which it does not Reset). It checks ctx once per level.
func Walk(ctx context.Context, x Expander, m *Marks, starts []uint32, spec WalkSpec) (*WalkResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &WalkResult{}
	if spec.Scratch {
		res.Order, res.Edges = m.order[:0], m.edges[:0]
	}
	// The nodes reached, listed once: in m.touched when it lists nothing
	// else (each node is touched when first visited, as it joins Order).
	touchedOrder := spec.Scratch && spec.Limit == 0 && len(m.touched) == 0
	frontier, fprec := m.frontier[:0], m.fprec[:0]
	next, nprec, level := m.next[:0], m.nprec[:0], m.level[:0]
	hops, ledges := m.hops[:0], m.ledges[:0]
	defer func() {
		m.frontier, m.fprec, m.next, m.nprec, m.level = frontier[:0], fprec[:0], next[:0], nprec[:0], level[:0]
		m.hops, m.ledges = hops[:0], ledges[:0]
		if spec.Scratch {
			if !touchedOrder {
				m.order = res.Order[:0]
			}
			m.edges = res.Edges[:0]
		}
	}()
	// Start nodes in ID order, whatever order the store found them in (an
	// index scan of matching material, a suspect list), so that every store
	// reaches, truncates and emits alike.
	if !slices.IsSortedFunc(starts, x.CompareNodes) {
		starts = slices.SortedFunc(slices.Values(starts), x.CompareNodes)
	}
	for _, s := range starts {
		if !m.Seen(s) {
			m.visit(s, 0, PrecisionExact)
			if !touchedOrder {
				res.Order = append(res.Order, s)
			}
			frontier, fprec = append(frontier, s), append(fprec, PrecisionExact)
		}
	}
	var err error
	part := 1 // frontier nodes expanded at once, within spec.HopBudget
	hops = slices.Grow(hops, 2*spec.HopBudget)
	for d := 1; d <= spec.MaxDepth && len(frontier) > 0; d++ {
		if err = ctx.Err(); err != nil {
			return nil, err
		}
		next, nprec, level, ledges = next[:0], nprec[:0], level[:0], ledges[:0]
		if spec.HopBudget == 0 {
			part = len(frontier)
		}
		for lo, hi := 0, 0; lo < len(frontier); lo = hi {
			hi = min(lo+part, len(frontier))
			if hops, err = x.Expand(ctx, frontier[lo:hi], spec.Up, hops[:0]); err != nil {
				return nil, err
			}
			switch {
			case spec.HopBudget == 0:
			case len(hops) > spec.HopBudget && part > 1:
				part /= 2
			case len(hops) < spec.HopBudget/2:
				part *= 2
			}
			for _, h := range hops {
				p := min(h.Prec, fprec[lo+int(h.From)])
				if mk := m.Get(h.To); mk != 0 {
					if p > Precision(mk&3) {
						m.Set(h.To, mk&^3|uint32(p))
						next, nprec = append(next, h.To), append(nprec, p)
					}
				} else {
					m.visit(h.To, d, p)
					// Without a limit a level is never cut: its nodes go
					// straight into the answer.
					if spec.Limit > 0 {
						level = append(level, h.To)
					} else if !touchedOrder {
						res.Order = append(res.Order, h.To)
					}
					next, nprec = append(next, h.To), append(nprec, p)
				}
				if spec.WantEdges {
					ledges = append(ledges, h)
				}
			}
		}
		if spec.Limit > 0 && len(res.Order)+len(level) > spec.Limit {
			// The limit cuts this level: keep its smallest IDs, so that
			// every store answers the same, and stop.
			slices.SortFunc(level, x.CompareNodes)
			keep := spec.Limit - len(res.Order)
			res.Order = append(res.Order, level[:keep]...)
			for _, v := range level[keep:] {
				m.v[v] = 0 // not reached, as far as the answer goes
			}
			for _, h := range ledges {
				if m.Seen(h.To) {
					res.Edges = append(res.Edges, h.Edge)
				}
			}
			res.Truncated = true
			return res, nil
		}
		res.Order = append(res.Order, level...)
		res.Edges = slices.Grow(res.Edges, len(ledges))
		for _, h := range ledges {
			res.Edges = append(res.Edges, h.Edge)
		}
		frontier, next = next, frontier
		fprec, nprec = nprec, fprec
	}
	if touchedOrder {
		res.Order = m.touched
	}
	return res, nil
}

// Span is a stretch of time [From, To) in Unix nanoseconds.
type Span struct{ From, To int64 }

// Forever is every moment.
var Forever = Span{math.MinInt64, math.MaxInt64}

// SpanOf is the span an edge valid from from until to (0: still true) holds.
func SpanOf(from, to int64) Span {
	if to == 0 {
		to = math.MaxInt64
	}
	return Span{from, to}
}

// Moment is the span of the one moment at (a nanosecond long).
func Moment(at int64) Span { return Span{at, at + 1} }

// Empty reports whether s holds no moment.
func (s Span) Empty() bool { return s.From >= s.To }

// Intersect is the span both s and o hold.
func (s Span) Intersect(o Span) Span { return Span{max(s.From, o.From), min(s.To, o.To)} }

// QuerySpan is the span a query looks at: every moment with history, the
// filter's moment otherwise.
func (f *EdgeFilter) QuerySpan() Span {
	if f.History {
		return Forever
	}
	return Moment(f.At)
}

// TraceGraph is an Expander that can describe what it reaches.
type TraceGraph interface {
	Expander
	// TraceNode describes node i: its ID, Label, Status and OnHold (the
	// walk rules fill in the rest).
	TraceNode(i uint32) TraceNode
	// Edge returns edge e (Props may be left out).
	Edge(e uint32) Edge
}

// RunTrace answers req (validated: see TraceRequest.Validate) from the
// start nodes by the walk rules, using m (Reset before each direction and
// after) for the visits. BOTH is the union of an upstream and a downstream
// walk: a node both reach is reported as the one that reaches it in fewer
// hops reports it (upstream on a tie), start nodes with the request's
// direction. A union larger than the limit keeps its first req.Limit nodes
// by depth, then ID, and the edges between them.
func RunTrace(ctx context.Context, g TraceGraph, m *Marks, starts []uint32, req *TraceRequest) (*TraceResult, error) {
	dirs := []Direction{req.Direction}
	var pos map[uint32]int // node → position in out.Nodes, for BOTH
	if req.Direction == Both {
		dirs = []Direction{Upstream, Downstream}
		pos = map[uint32]int{}
	}
	out := &TraceResult{Nodes: []TraceNode{}, Edges: []Edge{}}
	var edges []uint32
	defer m.Reset()
	for _, dir := range dirs {
		m.Reset()
		// One direction uses the walk's lists before m walks again.
		r, err := Walk(ctx, g, m, starts, WalkSpec{Up: dir == Upstream, MaxDepth: req.MaxDepth, Limit: req.Limit,
			WantEdges: !req.SkipEdges, Scratch: len(dirs) == 1})
		if err != nil {
			return nil, err
		}
		out.Truncated = out.Truncated || r.Truncated
		out.Nodes = slices.Grow(out.Nodes, len(r.Order))
		for _, i := range r.Order {
			d, p := m.Depth(i), m.Precision(i)
			if j, ok := pos[i]; ok {
				if n := &out.Nodes[j]; d < n.Depth {
					n.Depth, n.Precision, n.Direction = d, p, dir
				}
				continue
			}
			tn := g.TraceNode(i)
			tn.Depth, tn.Precision, tn.Direction = d, p, dir
			if d == 0 {
				tn.Direction = req.Direction
			}
			if pos != nil {
				pos[i] = len(out.Nodes)
			}
			out.Nodes = append(out.Nodes, tn)
		}
		if edges == nil {
			edges = r.Edges
		} else {
			edges = append(edges, r.Edges...)
		}
	}
	if pos != nil {
		SortTraceNodes(out.Nodes)
	} else {
		// One direction: the walk listed its nodes level by level, so
		// ordering each level by ID orders them as SortTraceNodes would.
		m.keys = sortLevels(out.Nodes, m.keys[:0])
	}
	var kept map[ID]bool
	if len(out.Nodes) > req.Limit {
		out.Nodes, out.Truncated = out.Nodes[:req.Limit], true
		kept = make(map[ID]bool, len(out.Nodes))
		for _, n := range out.Nodes {
			kept[n.ID] = true
		}
	}
	slices.Sort(edges)
	edges = slices.Compact(edges)
	out.Edges = slices.Grow(out.Edges, len(edges))
	for _, e := range edges {
		ed := g.Edge(e)
		if kept == nil || (kept[ed.Source] && kept[ed.Target]) {
			out.Edges = append(out.Edges, ed)
		}
	}
	SortEdges(out.Edges)
	return out, nil
}

// levelKey is a node's ID and its place in the walk's order.
type levelKey struct {
	id ID
	at int
}

// sortLevels orders each run of nodes of one depth in ns (a walk's order:
// depths never decrease along it) by ID, sorting keys rather than whole
// TraceNodes and then moving each node once. It returns keys, its scratch.
func sortLevels(ns []TraceNode, keys []levelKey) []levelKey {
	sorted := true
	for k := 1; k < len(ns) && sorted; k++ {
		sorted = ns[k-1].Depth < ns[k].Depth || ns[k-1].Depth == ns[k].Depth && ns[k-1].ID < ns[k].ID
	}
	if sorted {
		return keys
	}
	for k := range ns {
		keys = append(keys, levelKey{ns[k].ID, k})
	}
	for lo := 0; lo < len(ns); {
		hi := lo + 1
		for hi < len(ns) && ns[hi].Depth == ns[lo].Depth {
			hi++
		}
		slices.SortFunc(keys[lo:hi], func(a, b levelKey) int { return strings.Compare(string(a.id), string(b.id)) })
		lo = hi
	}
	// Place node keys[k].at at k, following each cycle of the permutation.
	for k := range keys {
		if keys[k].at == k || keys[k].at < 0 {
			continue
		}
		tmp, p := ns[k], k
		for {
			src := keys[p].at
			keys[p].at = -1
			if src == k {
				ns[p] = tmp
				break
			}
			ns[p] = ns[src]
			p = src
		}
	}
	return keys[:0]
}

// SortTraceNodes orders nodes by depth, then ID.
func SortTraceNodes(ns []TraceNode) {
	slices.SortFunc(ns, func(a, b TraceNode) int {
		if a.Depth != b.Depth {
			return a.Depth - b.Depth
		}
		return strings.Compare(string(a.ID), string(b.ID))
	})
}

// SortEdges orders edges by ID.
func SortEdges(es []Edge) {
	for k := 1; k < len(es); k++ {
		if es[k-1].ID > es[k].ID {
			break
		}
		if k == len(es)-1 {
			return // in order already (a store listing edges by ID)
		}
	}
	slices.SortFunc(es, func(a, b Edge) int { return cmp.Compare(a.ID, b.ID) })
}
