package cypher

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

func node(id tracegraph.ID, props map[string]any) *tracegraph.Node {
	return &tracegraph.Node{ID: id, Label: id.Label(), Props: props, CreatedBy: "ev"}
}

func edge(seq uint64, n int, t tracegraph.EdgeType, src, dst tracegraph.ID) *tracegraph.Edge {
	return &tracegraph.Edge{ID: tracegraph.NewEdgeID(seq, n), Type: t, Source: src, Target: dst,
		ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Precision: tracegraph.PrecisionExact, Event: fmt.Sprint("ev", seq)}
}

// shape is a statement without its rows' contents: the query, the number of
// rows and the count it must return.
type shape struct {
	query string
	rows  int
	want  int
}

func shapes(sts []statement) []shape {
	out := make([]shape, len(sts))
	for i, st := range sts {
		var n int
		for _, v := range st.params {
			n = len(v.([]any))
		}
		if rows, ok := st.params["rows"]; ok { // beside a table of what they name
			n = len(rows.([]any))
		}
		out[i] = shape{st.query, n, st.want}
	}
	return out
}

func TestPlanMutations(t *testing.T) {
	hold := &tracegraph.Hold{ID: "h1", Source: "MaterialLot:L1", Reason: "bad", Since: time.Unix(0, 0)}
	muts := []tracegraph.Mutation{
		{Op: tracegraph.OpPutNode, Seq: 1, Node: node("Unit:U1", map[string]any{"status": "WIP"})},
		{Op: tracegraph.OpPutNode, Seq: 1, Node: node("WorkOrder:WO1", nil)},
		{Op: tracegraph.OpPutNode, Seq: 1, Node: node("Unit:U2", nil)},
		{Op: tracegraph.OpAddEdge, Seq: 1, Edge: edge(1, 0, tracegraph.EdgeForOrder, "Unit:U1", "WorkOrder:WO1")},
		{Op: tracegraph.OpAddEdge, Seq: 1, Edge: edge(1, 1, tracegraph.EdgeConsumed, "Unit:U1", "MaterialLot:L1")},
		{Op: tracegraph.OpAddEdge, Seq: 1, Edge: edge(1, 2, tracegraph.EdgeForOrder, "Unit:U2", "WorkOrder:WO1")},
		{Op: tracegraph.OpPutNode, Seq: 2, Node: node("Unit:U1", map[string]any{"status": "COMPLETED"})},
		{Op: tracegraph.OpAddHold, Seq: 2, ID: "Unit:U1", Hold: hold},
		{Op: tracegraph.OpAddHold, Seq: 2, ID: "Unit:U2", Hold: hold},
		{Op: tracegraph.OpRemoveHold, Seq: 3, ID: "Unit:U2", Hold: hold},
		{Op: tracegraph.OpAddIdentifier, Seq: 3, Ident: &tracegraph.Identifier{Scheme: "IMEI", Value: "1", Node: "Unit:U1"}},
		{Op: tracegraph.OpVoidNode, Seq: 4, ID: "Unit:U2"},
		{Op: tracegraph.OpVoidEvent, Seq: 4, EventID: "ev2", VoidedBy: "ev4"},
	}
	sts, err := planMutations(muts, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []shape{
		{"node_put_Unit", 2, 2}, {"node_put_WorkOrder", 1, 1},
		{"edge_add_FOR_ORDER", 2, 2}, {"edge_add_CONSUMED", 1, 1},
		{qHoldAdd, 2, 2},
		{qHoldRemove, 1, -1},
		{qIdentAdd, 1, 1},
		{qNodeVoid, 1, 1},
		{qEventVoid, 1, 1},
	}
	if got := shapes(sts); !reflect.DeepEqual(got, want) {
		t.Errorf("planMutations shapes =\n%v\nwant\n%v", got, want)
	}
	// U1's second put, after the edges that needed U1 to exist, replaced
	// the props of its first.
	if props := sts[0].params["rows"].([]any)[0].(map[string]any)["props"].(map[string]any); props["status"] != "COMPLETED" {
		t.Errorf("U1 put with %v, want its last props", props)
	}
	// Hold rows keep the mutation's place, for the order of holds.
	rows := sts[4].params["rows"].([]any)
	if o := rows[1].(map[string]any)["ord"]; o != int64(8) {
		t.Errorf("second hold row ord = %v, want 8 (its index in the batch)", o)
	}
	if ids := sts[7].params["ids"].([]any); !reflect.DeepEqual(ids, []any{"Unit:U2"}) {
		t.Errorf("void rows = %v, want [Unit:U2]", ids)
	}
}

// TestPlanMutationsBatchesInterleaved: a batch that receives components one
// by one (put, edge to its supplier, put, edge, ...) becomes one statement
// of puts and one of edges, while a mutation that depends on a later one
// of another query still comes after it.
func TestPlanMutationsBatchesInterleaved(t *testing.T) {
	var muts []tracegraph.Mutation
	for i := range 50 {
		c := tracegraph.NewID(tracegraph.LabelComponent, fmt.Sprint("C", i))
		muts = append(muts,
			tracegraph.Mutation{Op: tracegraph.OpPutNode, Seq: uint64(i + 1), Node: node(c, nil)},
			tracegraph.Mutation{Op: tracegraph.OpAddEdge, Seq: uint64(i + 1), Edge: edge(uint64(i+1), 0, tracegraph.EdgeSuppliedBy, c, "Supplier:S")})
	}
	hold := &tracegraph.Hold{ID: "h1", Source: "Component:C7", Reason: "bad", Since: time.Unix(0, 0)}
	muts = append(muts,
		// A put after the edge that needed the node: it only replaces the
		// props of the first put.
		tracegraph.Mutation{Op: tracegraph.OpPutNode, Seq: 51, Node: node("Component:C3", map[string]any{"status": "SCRAPPED"})},
		tracegraph.Mutation{Op: tracegraph.OpAddHold, Seq: 51, ID: "Component:C7", Hold: hold},
		// A put after the void of the node (it revives it): after it, not
		// with the first puts.
		tracegraph.Mutation{Op: tracegraph.OpVoidNode, Seq: 52, ID: "Component:C7"},
		tracegraph.Mutation{Op: tracegraph.OpPutNode, Seq: 53, Node: node("Component:C7", map[string]any{"status": "SCRAPPED"})},
		// Unrelated: joins the latest statement of puts.
		tracegraph.Mutation{Op: tracegraph.OpPutNode, Seq: 53, Node: node("Component:C99", nil)},
	)
	sts, err := planMutations(muts, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []shape{{"node_put_Component", 50, 50}, {"edge_add_SUPPLIED_BY", 50, 50}, {qHoldAdd, 1, 1}, {qNodeVoid, 1, 1}, {"node_put_Component", 2, 2}}
	if got := shapes(sts); !reflect.DeepEqual(got, want) {
		t.Errorf("planMutations shapes =\n%v\nwant\n%v", got, want)
	}
}

func TestPlanMutationsLastPutWins(t *testing.T) {
	muts := []tracegraph.Mutation{
		{Op: tracegraph.OpPutNode, Seq: 5, Node: node("Unit:U1", map[string]any{"status": "WIP"})},
		{Op: tracegraph.OpPutNode, Seq: 5, Node: node("Unit:U2", nil)},
		{Op: tracegraph.OpPutNode, Seq: 6, Node: node("Unit:U1", map[string]any{"status": "SHIPPED"})},
	}
	sts, err := planMutations(muts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) != 1 || sts[0].want != 2 {
		t.Fatalf("planMutations = %v, want one statement of two rows", shapes(sts))
	}
	row := sts[0].params["rows"].([]any)[0].(map[string]any)
	if row["id"] != "Unit:U1" || row["seq"] != int64(5) || row["ord"] != int64(0) || row["props"].(map[string]any)["status"] != "SHIPPED" {
		t.Errorf("row for U1 = %v, want the first place (5, 0) and the last props", row)
	}
}

func TestPlanMutationsLastEdgeStateWins(t *testing.T) {
	e1 := edge(1, 0, tracegraph.EdgeContains, "Box:B", "Unit:U")
	closed := *e1
	closed.ValidTo, closed.ClosedBy = e1.ValidFrom.Add(time.Hour), "ev9"
	reopened := *e1
	sts, err := planMutations([]tracegraph.Mutation{
		{Op: tracegraph.OpUpdateEdge, Seq: 9, Edge: &closed},
		{Op: tracegraph.OpUpdateEdge, Seq: 10, Edge: &reopened},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows := sts[0].params["rows"].([]any)
	if len(rows) != 1 || rows[0].(map[string]any)["closedBy"] != nil || rows[0].(map[string]any)["validTo"] != nil {
		t.Errorf("update rows = %v, want one row, reopened", rows)
	}
}

func TestPlanMutationsChunks(t *testing.T) {
	var muts []tracegraph.Mutation
	for i := range maxRows + 10 {
		muts = append(muts, tracegraph.Mutation{Op: tracegraph.OpPutNode, Seq: 1, Node: node(tracegraph.NewID(tracegraph.LabelComponent, fmt.Sprint("C", i)), nil)})
	}
	sts, err := planMutations(muts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := shapes(sts), []shape{{"node_put_Component", maxRows, maxRows}, {"node_put_Component", 10, 10}}; !reflect.DeepEqual(got, want) {
		t.Errorf("planMutations(%d puts) = %v, want %v", len(muts), got, want)
	}
}

func TestPlanMutationsRefusesBadInput(t *testing.T) {
	for _, m := range []tracegraph.Mutation{
		{Op: tracegraph.OpPutNode, Node: &tracegraph.Node{ID: "Unit:U1", Label: tracegraph.LabelBox}},
		{Op: tracegraph.OpAddEdge, Edge: &tracegraph.Edge{Type: "LIKES"}},
		{Op: 99},
	} {
		if _, err := planMutations([]tracegraph.Mutation{m}, nil); err == nil {
			t.Errorf("planMutations(%+v): no error", m)
		}
	}
}

func TestLinkStatements(t *testing.T) {
	muts := []tracegraph.Mutation{
		{Op: tracegraph.OpPutNode, Seq: 1, Node: node("Unit:U1", nil)},
		{Op: tracegraph.OpAddEdge, Seq: 1, Edge: edge(1, 0, tracegraph.EdgeConsumed, "Unit:U1", "MaterialLot:L1")},
		{Op: tracegraph.OpVoidEvent, Seq: 2, EventID: "x", VoidedBy: "y"},
		{Op: tracegraph.OpAddHold, Seq: 2, ID: "Unit:U1", Hold: &tracegraph.Hold{ID: "h"}},
		{Op: tracegraph.OpAddEdge, Seq: 3, Edge: edge(3, 0, tracegraph.EdgeConsumed, "Unit:U2", "MaterialLot:L1")},
	}
	got := linkStatements(muts)
	want := []statement{{query: qEventsLink, want: 5, params: map[string]any{
		"seqs": []any{int64(1), int64(2), int64(3)},
		"rows": []any{
			map[string]any{"node": "Unit:U1", "events": []any{int64(0), int64(1)}},
			map[string]any{"node": "MaterialLot:L1", "events": []any{int64(0), int64(2)}},
			map[string]any{"node": "Unit:U2", "events": []any{int64(2)}},
		},
	}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("linkStatements =\n%v\nwant\n%v", got, want)
	}
}

// TestLinkStatementsChunks: more links than maxRows make several
// statements, each with its own events and nodes, counting its links.
func TestLinkStatementsChunks(t *testing.T) {
	var muts []tracegraph.Mutation
	for i := range maxRows + 10 {
		muts = append(muts, tracegraph.Mutation{Op: tracegraph.OpPutNode, Seq: uint64(1 + i/2),
			Node: node(tracegraph.NewID(tracegraph.LabelComponent, fmt.Sprint("C", i)), nil)})
	}
	sts := linkStatements(muts)
	if len(sts) != 2 || sts[0].want != maxRows || sts[1].want != 10 {
		t.Fatalf("linkStatements(%d puts) = %d statements, want %d and 10 links", len(muts), len(sts), maxRows)
	}
	if seqs := sts[1].params["seqs"].([]any); len(seqs) != 5 || seqs[0] != int64(1+maxRows/2) {
		t.Errorf("second statement's seqs = %v, want the 5 of its own links", seqs)
	}
}

// TestEdgeStatements: an edge_add statement names each end once and its
// rows point into that table, in the order of the rows.
func TestEdgeStatements(t *testing.T) {
	muts := []tracegraph.Mutation{
		{Op: tracegraph.OpAddEdge, Seq: 1, Edge: edge(1, 0, tracegraph.EdgeConsumed, "Unit:U1", "MaterialLot:L1")},
		{Op: tracegraph.OpAddEdge, Seq: 2, Edge: edge(2, 0, tracegraph.EdgeConsumed, "Unit:U2", "MaterialLot:L1")},
		{Op: tracegraph.OpAddEdge, Seq: 2, Edge: edge(2, 1, tracegraph.EdgeConsumed, "Unit:U2", "MaterialLot:L2")},
	}
	sts, err := planMutations(muts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := shapes(sts), []shape{{"edge_add_CONSUMED", 3, 3}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("planMutations shapes = %v, want %v", got, want)
	}
	if ids, want := sts[0].params["ids"], []any{"Unit:U1", "MaterialLot:L1", "Unit:U2", "MaterialLot:L2"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("ids = %v, want %v", ids, want)
	}
	for i, want := range [][2]int64{{0, 1}, {2, 1}, {2, 3}} {
		row := sts[0].params["rows"].([]any)[i].(map[string]any)
		if row["source"] != want[0] || row["target"] != want[1] || row["props"] == nil {
			t.Errorf("row %d = %v, want source %d, target %d and its props", i, row, want[0], want[1])
		}
	}
}

func TestEventRows(t *testing.T) {
	ev := &tracegraph.Event{ID: "e1", Type: tracegraph.EventHoldPlaced, Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Data: []byte(`{"target":"Unit:U1","reason":"x"}`)}
	ev.Seal(1, time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC), "")
	rows, err := eventRows([]*tracegraph.Event{ev})
	if err != nil {
		t.Fatal(err)
	}
	row := rows[0].(map[string]any)
	back, err := tracegraph.UnmarshalRecord([]byte(row["record"].(string)))
	if err != nil {
		t.Fatal(err)
	}
	if back.ComputeHash() != ev.Hash || row["hash"] != ev.Hash || row["seq"] != int64(1) {
		t.Errorf("event row %v does not keep the sealed record", row)
	}
}

// TestPlanMutationsCreatesAbsent: the first put of a node read as absent
// creates it (node_create), its later put in the same statement only
// replaces the row's props, and a put after the node's void, in a
// statement of its own, merges (node_put); a node not absent merges.
func TestPlanMutationsCreatesAbsent(t *testing.T) {
	muts := []tracegraph.Mutation{
		{Op: tracegraph.OpPutNode, Seq: 1, Node: node("Unit:U1", map[string]any{"status": "WIP"})},
		{Op: tracegraph.OpPutNode, Seq: 1, Node: node("Unit:U2", nil)},
		{Op: tracegraph.OpPutNode, Seq: 2, Node: node("Unit:U1", map[string]any{"status": "COMPLETED"})},
		{Op: tracegraph.OpVoidNode, Seq: 3, ID: "Unit:U1"},
		{Op: tracegraph.OpPutNode, Seq: 4, Node: node("Unit:U1", nil)},
	}
	sts, err := planMutations(muts, func(id tracegraph.ID) bool { return id == "Unit:U1" })
	if err != nil {
		t.Fatal(err)
	}
	want := []shape{{"node_create_Unit", 1, 1}, {"node_put_Unit", 1, 1}, {qNodeVoid, 1, 1}, {"node_put_Unit", 1, 1}}
	if got := shapes(sts); !reflect.DeepEqual(got, want) {
		t.Fatalf("planMutations shapes = %v, want %v", got, want)
	}
	if props := sts[0].params["rows"].([]any)[0].(map[string]any)["props"].(map[string]any); props["status"] != "COMPLETED" {
		t.Errorf("U1 created with %v, want its last props before the void", props)
	}
}
