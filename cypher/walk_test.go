package cypher

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// graph is an adjacency list for testing the walk's pure logic (the store
// expands frontiers with Cypher; this expands them from a slice).
type graph []tracegraph.Edge

func (g graph) expand(_ context.Context, ids []tracegraph.ID, up bool) (map[tracegraph.ID][]hop, error) {
	out := map[tracegraph.ID][]hop{}
	for _, id := range ids {
		for _, e := range g {
			from, other := e.Source, e.Target
			if !up {
				from, other = e.Target, e.Source
			}
			if from == id {
				out[id] = append(out[id], hop{edge: e, other: other, label: other.Label()})
			}
		}
	}
	return out, nil
}

func g(edges ...string) graph {
	var out graph
	for i, s := range edges {
		var src, dst, prec string
		fmt.Sscan(s, &src, &dst, &prec)
		p, _ := tracegraph.ParsePrecision(prec)
		out = append(out, tracegraph.Edge{ID: tracegraph.EdgeID(i + 1), Type: tracegraph.EdgeConsumed,
			Source: tracegraph.ID(src), Target: tracegraph.ID(dst), Precision: p})
	}
	return out
}

func visits(r *walkResult) []string {
	var out []string
	for _, id := range r.order {
		v := r.seen[id]
		out = append(out, fmt.Sprintf("%d %s %s", v.depth, id, v.prec))
	}
	sort.Strings(out)
	return out
}

func starts(ids ...tracegraph.ID) []*tracegraph.Node {
	var out []*tracegraph.Node
	for _, id := range ids {
		out = append(out, &tracegraph.Node{ID: id, Label: id.Label()})
	}
	return out
}

func TestWalk(t *testing.T) {
	// U1 consumes L1 through an ORDER link and L2 exactly; L2 derives from
	// L1: L1's best path is EXACT at depth 2, its shortest ORDER at depth 1.
	gr := g("Unit:U1 MaterialLot:L1 ORDER", "Unit:U1 MaterialLot:L2 EXACT", "MaterialLot:L2 MaterialLot:L1 EXACT",
		"MaterialLot:L1 WaferBatch:W1 EXACT", "Unit:U1 MaterialLot:L3 CANDIDATE", "MaterialLot:L3 WaferBatch:W2 EXACT",
		"Box:B1 Unit:U1 EXACT")
	tests := []struct {
		name  string
		from  []tracegraph.ID
		spec  walkSpec
		want  []string
		trunc bool
		edges int
	}{
		{"upstream best path", []tracegraph.ID{"Unit:U1"}, walkSpec{up: true, maxDepth: 10, wantEdges: true},
			[]string{"0 Unit:U1 EXACT", "1 MaterialLot:L1 EXACT", "1 MaterialLot:L2 EXACT", "1 MaterialLot:L3 CANDIDATE",
				"2 WaferBatch:W1 EXACT", "2 WaferBatch:W2 CANDIDATE"}, false, 6},
		{"depth bounds the best path", []tracegraph.ID{"Unit:U1"}, walkSpec{up: true, maxDepth: 1},
			[]string{"0 Unit:U1 EXACT", "1 MaterialLot:L1 ORDER", "1 MaterialLot:L2 EXACT", "1 MaterialLot:L3 CANDIDATE"}, false, 0},
		{"limit cuts and says so", []tracegraph.ID{"Unit:U1"}, walkSpec{up: true, maxDepth: 10, limit: 3},
			[]string{"0 Unit:U1 EXACT", "1 MaterialLot:L1 EXACT", "1 MaterialLot:L2 EXACT"}, true, 0},
		// U1 is first reached at depth 2 through the ORDER link, then at
		// depth 3 exactly through L2: depth 2, precision EXACT.
		{"downstream", []tracegraph.ID{"WaferBatch:W1"}, walkSpec{maxDepth: 10},
			[]string{"0 WaferBatch:W1 EXACT", "1 MaterialLot:L1 EXACT", "2 MaterialLot:L2 EXACT", "2 Unit:U1 EXACT", "3 Box:B1 EXACT"}, false, 0},
		{"downstream, not into containers", []tracegraph.ID{"WaferBatch:W1"}, walkSpec{maxDepth: 10, noEnter: true},
			[]string{"0 WaferBatch:W1 EXACT", "1 MaterialLot:L1 EXACT", "2 MaterialLot:L2 EXACT", "2 Unit:U1 EXACT"}, false, 0},
		{"duplicate starts count once", []tracegraph.ID{"WaferBatch:W2", "WaferBatch:W2"}, walkSpec{maxDepth: 1},
			[]string{"0 WaferBatch:W2 EXACT", "1 MaterialLot:L3 EXACT"}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := walk(context.Background(), gr.expand, starts(tt.from...), tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if got := visits(r); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("walk(%v) =\n%q\nwant\n%q", tt.from, got, tt.want)
			}
			if r.truncated != tt.trunc {
				t.Errorf("walk(%v).truncated = %v, want %v", tt.from, r.truncated, tt.trunc)
			}
			if len(r.edges) != tt.edges {
				t.Errorf("walk(%v) kept %d edges, want %d", tt.from, len(r.edges), tt.edges)
			}
		})
	}
}

// TestWalkQueriesPerLevel shows the walk is frontier by frontier: one
// expand call per depth, whatever the number of paths.
func TestWalkQueriesPerLevel(t *testing.T) {
	// A ladder: every node of level i feeds both nodes of level i+1, so the
	// number of paths doubles per level (2^30 here) while nodes grow by two.
	var gr graph
	for i := range 30 {
		for _, a := range []string{"A", "B"} {
			for _, b := range []string{"A", "B"} {
				gr = append(gr, tracegraph.Edge{ID: tracegraph.EdgeID(len(gr) + 1), Type: tracegraph.EdgeDerivedFrom,
					Source: tracegraph.ID(fmt.Sprintf("MaterialLot:%s%d", a, i)), Target: tracegraph.ID(fmt.Sprintf("MaterialLot:%s%d", b, i+1)),
					Precision: tracegraph.PrecisionExact})
			}
		}
	}
	calls := 0
	expand := func(ctx context.Context, ids []tracegraph.ID, up bool) (map[tracegraph.ID][]hop, error) {
		calls++
		return gr.expand(ctx, ids, up)
	}
	r, err := walk(context.Background(), expand, starts("MaterialLot:A0"), walkSpec{up: true, maxDepth: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.order) != 61 || calls != 31 {
		t.Errorf("walk over a 30-level ladder reached %d nodes in %d expand calls, want 61 in 31", len(r.order), calls)
	}
}

func TestTopsOf(t *testing.T) {
	parents := map[tracegraph.ID][]tracegraph.ID{
		"Unit:S": {"Unit:P"}, "Unit:P": {"Unit:T1", "Unit:T2"}, // history: P was in two products
	}
	memo := map[tracegraph.ID][]tracegraph.ID{}
	if got := topsOf("Unit:S", parents, memo); !reflect.DeepEqual(got, []tracegraph.ID{"Unit:T1", "Unit:T2"}) {
		t.Errorf("topsOf(S) = %v, want [T1 T2]", got)
	}
	if got := topsOf("Unit:X", parents, memo); !reflect.DeepEqual(got, []tracegraph.ID{"Unit:X"}) {
		t.Errorf("topsOf(X) = %v, want [X]", got)
	}
}

func TestClimb(t *testing.T) {
	gr := g("Pallet:P1 Box:B1 EXACT", "Box:B1 Unit:U1 EXACT", "Shipment:S1 Pallet:P1 EXACT", "Unit:U0 Unit:U1 EXACT")
	got, err := climb(context.Background(), gr.expand, []tracegraph.ID{"Unit:U1"}, func(h hop) bool { return h.label.IsContainer() })
	if err != nil {
		t.Fatal(err)
	}
	want := map[tracegraph.ID][]tracegraph.ID{"Unit:U1": {"Box:B1"}, "Box:B1": {"Pallet:P1"}, "Pallet:P1": {"Shipment:S1"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("climb = %v, want %v", got, want)
	}
}
