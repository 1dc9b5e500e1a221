package tracegraph

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// testGraph is a graph in memory for testing the walk and rollup rules
// alone: nodes are interned to handles in the order first named, edges are
// handles in the order given (their IDs ascend with it).
type testGraph struct {
	ids   []ID
	index map[ID]uint32
	edges []Edge
	f     EdgeFilter
	calls int // Expand calls
}

// newTestGraph parses edges "Source Target [PRECISION] [from[-to]]" (times
// in minutes; CONSUMED edges unless an end is a container or both are units,
// then CONTAINS; SHIPPED_TO from a shipment to a customer).
func newTestGraph(edges ...string) *testGraph {
	g := &testGraph{index: map[ID]uint32{}, f: EdgeFilter{History: true}}
	for k, s := range edges {
		f := strings.Fields(s)
		e := Edge{ID: EdgeID(k + 1), Source: ID(f[0]), Target: ID(f[1]), Precision: PrecisionExact, Type: EdgeConsumed}
		switch {
		case e.Source.Label() == LabelShipment && e.Target.Label() == LabelCustomer:
			e.Type = EdgeShippedTo
		case e.Source.Label().IsContainer(), e.Source.Label() == LabelUnit && e.Target.Label() == LabelUnit:
			e.Type = EdgeContains
		}
		for _, x := range f[2:] {
			if p, err := ParsePrecision(x); err == nil {
				e.Precision = p
				continue
			}
			from, to, _ := strings.Cut(x, "-")
			var a, b int
			fmt.Sscan(from, &a)
			e.ValidFrom = minute(a)
			if to != "" {
				fmt.Sscan(to, &b)
				e.ValidTo = minute(b)
			}
		}
		g.node(e.Source)
		g.node(e.Target)
		g.edges = append(g.edges, e)
	}
	return g
}

func minute(m int) time.Time { return time.Date(2026, 3, 2, 8, m, 0, 0, time.UTC) }

func (g *testGraph) node(id ID) uint32 {
	if i, ok := g.index[id]; ok {
		return i
	}
	g.index[id] = uint32(len(g.ids))
	g.ids = append(g.ids, id)
	return g.index[id]
}

func (g *testGraph) handles(ids ...string) []uint32 {
	var out []uint32
	for _, id := range ids {
		out = append(out, g.node(ID(id)))
	}
	return out
}

func (g *testGraph) Expand(_ context.Context, frontier []uint32, up bool, hops []Hop) ([]Hop, error) {
	g.calls++
	for k, n := range frontier {
		for e := range g.edges {
			ed := &g.edges[e]
			from, to := ed.Source, ed.Target
			if !up {
				from, to = to, from
			}
			if from == g.ids[n] && g.f.Keeps(ed) && g.f.Enters(to.Label()) {
				hops = append(hops, Hop{From: uint32(k), To: g.index[to], Edge: uint32(e), Prec: ed.Precision})
			}
		}
	}
	return hops, nil
}

func (g *testGraph) CompareNodes(a, b uint32) int {
	return strings.Compare(string(g.ids[a]), string(g.ids[b]))
}

func (g *testGraph) TraceNode(i uint32) TraceNode {
	return TraceNode{ID: g.ids[i], Label: g.ids[i].Label()}
}

func (g *testGraph) Edge(e uint32) Edge { return g.edges[e] }

func (g *testGraph) Holders(i uint32, out []Holding) []Holding {
	for _, e := range g.edges {
		if e.Type == EdgeContains && e.Target == g.ids[i] && !e.Voided && g.f.During(Nanos(e.ValidFrom), Nanos(e.ValidTo)) {
			out = append(out, Holding{Holder: g.index[e.Source], Label: e.Source.Label(), Span: SpanOf(Nanos(e.ValidFrom), Nanos(e.ValidTo))})
		}
	}
	return out
}

func (g *testGraph) Customers(i uint32, out []uint32) []uint32 {
	for _, e := range g.edges {
		if e.Type == EdgeShippedTo && e.Source == g.ids[i] {
			out = append(out, g.index[e.Target])
		}
	}
	return out
}

func (g *testGraph) WorkOrder(uint32) (uint32, bool) { return 0, false }

func (g *testGraph) visits(m *Marks, order []uint32) []string {
	var out []string
	for _, i := range order {
		out = append(out, fmt.Sprintf("%d %s %s", m.Depth(i), g.ids[i], m.Precision(i)))
	}
	slices.Sort(out)
	return out
}

func TestWalk(t *testing.T) {
	// U1 consumes L1 through an ORDER link and L2 exactly; L2 derives from
	// L1: L1's best path is EXACT at depth 2, its shortest ORDER at depth 1.
	edges := []string{"Unit:U1 MaterialLot:L1 ORDER", "Unit:U1 MaterialLot:L2 EXACT", "MaterialLot:L2 MaterialLot:L1 EXACT",
		"MaterialLot:L1 WaferBatch:W1 EXACT", "Unit:U1 MaterialLot:L3 CANDIDATE", "MaterialLot:L3 WaferBatch:W2 EXACT",
		"Box:B1 Unit:U1 EXACT"}
	tests := []struct {
		name    string
		edges   []string
		from    []string
		spec    WalkSpec
		noEnter bool
		want    []string
		trunc   bool
		nEdges  int
	}{
		{"upstream best path", edges, []string{"Unit:U1"}, WalkSpec{Up: true, MaxDepth: 10, WantEdges: true}, false,
			[]string{"0 Unit:U1 EXACT", "1 MaterialLot:L1 EXACT", "1 MaterialLot:L2 EXACT", "1 MaterialLot:L3 CANDIDATE",
				"2 WaferBatch:W1 EXACT", "2 WaferBatch:W2 CANDIDATE"}, false, 7},
		{"depth bounds the best path", edges, []string{"Unit:U1"}, WalkSpec{Up: true, MaxDepth: 1}, false,
			[]string{"0 Unit:U1 EXACT", "1 MaterialLot:L1 ORDER", "1 MaterialLot:L2 EXACT", "1 MaterialLot:L3 CANDIDATE"}, false, 0},
		{"limit cuts and says so", edges, []string{"Unit:U1"}, WalkSpec{Up: true, MaxDepth: 10, Limit: 3, WantEdges: true}, false,
			[]string{"0 Unit:U1 EXACT", "1 MaterialLot:L1 ORDER", "1 MaterialLot:L2 EXACT"}, true, 2},
		// The limit keeps the smallest IDs of the level it cuts, not the
		// nodes met first: U1 consumed LB, then LA.
		{"limit keeps the smallest IDs", []string{"Unit:U1 MaterialLot:LB", "Unit:U1 MaterialLot:LA"}, []string{"Unit:U1"},
			WalkSpec{Up: true, MaxDepth: 10, Limit: 2, WantEdges: true}, false,
			[]string{"0 Unit:U1 EXACT", "1 MaterialLot:LA EXACT"}, true, 1},
		{"a limit the answer fits is no cut", edges, []string{"Unit:U1"}, WalkSpec{Up: true, MaxDepth: 10, Limit: 6}, false,
			[]string{"0 Unit:U1 EXACT", "1 MaterialLot:L1 EXACT", "1 MaterialLot:L2 EXACT", "1 MaterialLot:L3 CANDIDATE",
				"2 WaferBatch:W1 EXACT", "2 WaferBatch:W2 CANDIDATE"}, false, 0},
		// U1 is first reached at depth 2 through the ORDER link, then at
		// depth 3 exactly through L2: depth 2, precision EXACT.
		{"downstream", edges, []string{"WaferBatch:W1"}, WalkSpec{MaxDepth: 10}, false,
			[]string{"0 WaferBatch:W1 EXACT", "1 MaterialLot:L1 EXACT", "2 MaterialLot:L2 EXACT", "2 Unit:U1 EXACT", "3 Box:B1 EXACT"}, false, 0},
		{"downstream, not into containers", edges, []string{"WaferBatch:W1"}, WalkSpec{MaxDepth: 10}, true,
			[]string{"0 WaferBatch:W1 EXACT", "1 MaterialLot:L1 EXACT", "2 MaterialLot:L2 EXACT", "2 Unit:U1 EXACT"}, false, 0},
		{"duplicate starts count once", edges, []string{"WaferBatch:W2", "WaferBatch:W2"}, WalkSpec{MaxDepth: 1}, false,
			[]string{"0 WaferBatch:W2 EXACT", "1 MaterialLot:L3 EXACT"}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newTestGraph(tt.edges...)
			g.f.NoContainers = tt.noEnter
			m := NewMarks(0)
			r, err := Walk(context.Background(), g, m, g.handles(tt.from...), tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := g.visits(m, r.Order); !slices.Equal(got, tt.want) {
				t.Errorf("Walk(%v) =\n%q\nwant\n%q", tt.from, got, tt.want)
			}
			if r.Truncated != tt.trunc {
				t.Errorf("Walk(%v).Truncated = %v, want %v", tt.from, r.Truncated, tt.trunc)
			}
			if len(r.Edges) != tt.nEdges {
				t.Errorf("Walk(%v) followed %d edges, want %d", tt.from, len(r.Edges), tt.nEdges)
			}
			// Expanded a few hops at a time, with the lists in the marks:
			// the same nodes in the same order, the same edges.
			for _, budget := range []int{1, 2, 3} {
				spec := tt.spec
				spec.HopBudget, spec.Scratch = budget, true
				m2 := NewMarks(0)
				r2, err := Walk(context.Background(), g, m2, g.handles(tt.from...), spec)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(r2.Order, r.Order) || !slices.Equal(r2.Edges, r.Edges) || r2.Truncated != r.Truncated ||
					!slices.Equal(g.visits(m2, r2.Order), g.visits(m, r.Order)) {
					t.Errorf("Walk(%v) with a hop budget of %d = %v %v, want %v %v", tt.from, budget, r2.Order, r2.Edges, r.Order, r.Edges)
				}
			}
		})
	}
}

// TestWalkExpandsPerLevel shows the walk is frontier by frontier: one
// Expand call per depth, whatever the number of paths.
func TestWalkExpandsPerLevel(t *testing.T) {
	// A ladder: every node of level i feeds both nodes of level i+1, so the
	// number of paths doubles per level (2^30 here) while nodes grow by two.
	var edges []string
	for i := range 30 {
		for _, a := range []string{"A", "B"} {
			for _, b := range []string{"A", "B"} {
				edges = append(edges, fmt.Sprintf("MaterialLot:%s%d MaterialLot:%s%d", a, i, b, i+1))
			}
		}
	}
	g := newTestGraph(edges...)
	r, err := Walk(context.Background(), g, NewMarks(0), g.handles("MaterialLot:A0"), WalkSpec{Up: true, MaxDepth: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Order) != 61 || g.calls != 31 {
		t.Errorf("Walk over a 30-level ladder reached %d nodes in %d Expand calls, want 61 in 31", len(r.Order), g.calls)
	}
}

func TestRunTrace(t *testing.T) {
	// U1 holds C1 and C2 and is in box B1; M is a lot of U1. Upstream from
	// U1: C1, C2, M at 1; downstream: B1 at 1.
	g := newTestGraph("Unit:U1 Unit:C2", "Unit:U1 Unit:C1", "Unit:U1 MaterialLot:M", "Box:B1 Unit:U1")
	fmtTrace := func(r *TraceResult) string {
		var out []string
		for _, n := range r.Nodes {
			out = append(out, fmt.Sprintf("%d %s %s", n.Depth, n.ID, n.Direction))
		}
		return fmt.Sprintf("%v edges %d truncated %v", out, len(r.Edges), r.Truncated)
	}
	tests := []struct {
		name string
		req  TraceRequest
		want string
	}{
		{"both", TraceRequest{Direction: Both}, "[0 Unit:U1 BOTH 1 Box:B1 DOWNSTREAM 1 MaterialLot:M UPSTREAM 1 Unit:C1 UPSTREAM 1 Unit:C2 UPSTREAM] edges 4 truncated false"},
		// The first 3 of the union by depth, then ID: the downstream B1
		// sorts before the upstream nodes.
		{"both cut by the limit", TraceRequest{Direction: Both, Limit: 3}, "[0 Unit:U1 BOTH 1 Box:B1 DOWNSTREAM 1 MaterialLot:M UPSTREAM] edges 2 truncated true"},
		{"upstream cut by the limit", TraceRequest{Direction: Upstream, Limit: 2}, "[0 Unit:U1 UPSTREAM 1 MaterialLot:M UPSTREAM] edges 1 truncated true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.From = []ID{"Unit:U1"}
			if err := tt.req.Validate(); err != nil {
				t.Fatal(err)
			}
			r, err := RunTrace(context.Background(), g, NewMarks(0), g.handles("Unit:U1"), &tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmtTrace(r); got != tt.want {
				t.Errorf("RunTrace(%s) = %s, want %s", tt.name, got, tt.want)
			}
		})
	}
}

func TestRollup(t *testing.T) {
	// A board A1 was in product P1 from minute 3 to 10 and in P7 from 11.
	// P1 was in box X1 from 5 to 8 and in B1 from 12, after A1 left it; P7
	// in X7 from 20. X1 and X7 went on pallet L1 at 30 (X1 empty by then)
	// and in shipment S1 at 40, to customer CU1.
	g := newTestGraph("Unit:P1 Unit:A1 3-10", "Unit:P7 Unit:A1 11", "Box:X1 Unit:P1 5-8", "Box:B1 Unit:P1 12",
		"Box:X7 Unit:P7 20", "Pallet:L1 Box:X1 30", "Pallet:L1 Box:X7 30", "Shipment:S1 Pallet:L1 40", "Shipment:S1 Customer:CU1 40")
	unrolled := func(r *Rollup) []string {
		var out []string
		for k, i := range r.Nodes {
			out = append(out, fmt.Sprintf("%s %d/%d", g.ids[i], r.Tallies[k].Confirmed, r.Tallies[k].Possible))
		}
		slices.Sort(out)
		return out
	}
	tests := []struct {
		name    string
		history bool
		at      int
		units   []string
		want    []string
	}{
		{"history: only while inside", true, 0, []string{"Unit:A1"},
			[]string{"Box:X1 1/0", "Box:X7 1/0", "Customer:CU1 1/0", "Pallet:L1 1/0", "Shipment:S1 1/0", "Unit:P1 1/0", "Unit:P7 1/0"}},
		{"history: the product itself", true, 0, []string{"Unit:P1"}, []string{"Box:B1 1/0", "Box:X1 1/0", "Unit:P1 1/0"}},
		{"history: each unit counts once", true, 0, []string{"Unit:A1", "Unit:P1"},
			[]string{"Box:B1 1/0", "Box:X1 2/0", "Box:X7 1/0", "Customer:CU1 1/0", "Pallet:L1 1/0", "Shipment:S1 1/0", "Unit:P1 2/0", "Unit:P7 1/0"}},
		{"as of minute 6", false, 6, []string{"Unit:A1"}, []string{"Box:X1 1/0", "Unit:P1 1/0"}},
		{"as of minute 12", false, 12, []string{"Unit:A1", "Unit:P1"}, []string{"Box:B1 1/0", "Unit:P1 1/0", "Unit:P7 1/0"}},
		{"as of minute 50", false, 50, []string{"Unit:A1", "Unit:P1"},
			[]string{"Box:B1 1/0", "Box:X7 1/0", "Customer:CU1 1/0", "Pallet:L1 1/0", "Shipment:S1 1/0", "Unit:P1 1/0", "Unit:P7 1/0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g.f = EdgeFilter{History: tt.history, At: minute(tt.at).UnixNano()}
			r := NewRollup(g, &g.f, nil)
			for _, u := range g.handles(tt.units...) {
				r.Add(u, true)
			}
			r.Finish()
			if got := unrolled(r); !slices.Equal(got, tt.want) {
				t.Errorf("Rollup(%v) =\n%q\nwant\n%q", tt.units, got, tt.want)
			}
		})
	}
	t.Run("shipped in", func(t *testing.T) {
		g.f = EdgeFilter{History: true}
		r := NewRollup(g, &g.f, nil)
		any := func(time.Time) bool { return true }
		for u, want := range map[string]bool{"Unit:A1": true, "Unit:P7": true, "Unit:P1": false} {
			if got := r.ShippedIn(g.node(ID(u)), any); got != want {
				t.Errorf("ShippedIn(%s) = %v, want %v", u, got, want)
			}
		}
		// B1 holds P1 from 12: P1 left in S1 through X1 only.
		g2 := newTestGraph("Unit:P1 Unit:A1 3-10", "Box:B1 Unit:P1 12", "Shipment:S1 Box:B1 40")
		g2.f = EdgeFilter{History: true}
		if NewRollup(g2, &g2.f, nil).ShippedIn(g2.node("Unit:A1"), any) {
			t.Errorf("ShippedIn(A1) = true for a board taken out before its product was packed, want false")
		}
	})
}

func TestPartCounts(t *testing.T) {
	g := newTestGraph("Unit:P1 Unit:A1", "Unit:P2 Unit:A2", "Unit:P3 Unit:A3")
	g.f = EdgeFilter{At: minute(10).UnixNano()}
	r := NewRollup(g, &g.f, nil)
	for _, u := range g.handles("Unit:A3", "Unit:A1", "Unit:A2") {
		r.Add(u, true)
	}
	part := map[ID]string{"Unit:P1": "PRD-1", "Unit:P2": "PRD-1", "Unit:P3": "PRD-0"}
	got, n := r.PartCounts(func(i uint32) string { return part[g.ids[i]] }, func(i uint32) bool { return g.ids[i] != "Unit:P2" })
	want := []PartCount{{PartNumber: "PRD-0", Confirmed: 1}, {PartNumber: "PRD-1", Confirmed: 1, Possible: 1}}
	if !slices.Equal(got, want) || n != 3 {
		t.Errorf("PartCounts = %+v, %d; want %+v, 3", got, n, want)
	}
}

func TestStatusAt(t *testing.T) {
	unit := func(status string, times ...string) *Node {
		n := &Node{ID: "Unit:U", Label: LabelUnit, Props: map[string]any{"status": status}}
		for k := 0; k+1 < len(times); k += 2 {
			n.Props[times[k]] = minute(0).Add(time.Duration(len(times[k+1])) * time.Minute).Format(time.RFC3339Nano)
		}
		return n
	}
	// Times by the length of the second string: "xx" is minute 2.
	tests := []struct {
		n    *Node
		at   int
		want string
	}{
		{unit(StatusShipped, "completedAt", "xx", "shippedAt", "xxxx"), 5, StatusShipped},
		{unit(StatusShipped, "completedAt", "xx", "shippedAt", "xxxx"), 3, StatusCompleted},
		{unit(StatusShipped, "completedAt", "xx", "shippedAt", "xxxx"), 1, StatusWIP},
		{unit(StatusShipped, "shippedAt", "xxxx"), 3, StatusWIP},
		{unit(StatusScrapped, "scrappedAt", "xxx"), 3, StatusScrapped},
		{unit(StatusScrapped, "scrappedAt", "xxx"), 2, StatusWIP},
		{unit(StatusCompleted, "completedAt", "xx"), 1, StatusWIP},
		{unit(StatusCompleted), 1, StatusCompleted},
		{unit(StatusWIP), 1, StatusWIP},
	}
	for _, tt := range tests {
		if got := StatusAt(tt.n, minute(tt.at)); got != tt.want {
			t.Errorf("StatusAt(%v, minute %d) = %s, want %s", tt.n.Props, tt.at, got, tt.want)
		}
	}
}

// TestSortLevelsMatchesSortTraceNodes checks the one-direction ordering of
// RunTrace (each level of a walk's order sorted by ID in place) against
// SortTraceNodes, on random levels.
func TestSortLevelsMatchesSortTraceNodes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var keys []levelKey
	for round := range 2000 {
		var ns []TraceNode
		depth := 0
		for _, k := range rng.Perm(rng.IntN(60)) { // each ID once, in random order
			if rng.IntN(4) == 0 {
				depth++
			}
			ns = append(ns, TraceNode{ID: NewID(LabelUnit, fmt.Sprintf("S%03d", k)), Depth: depth, Status: fmt.Sprint(round)})
		}
		want := slices.Clone(ns)
		SortTraceNodes(want)
		keys = sortLevels(ns, keys)
		if !slices.Equal(ns, want) {
			t.Fatalf("round %d:\n got %v\nwant %v", round, ns, want)
		}
	}
}
