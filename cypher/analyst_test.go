package cypher

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// graph is an adjacency list for testing bestPath's pure logic (the store
// expands frontiers with Cypher; this expands them from a slice).
type graph []tracegraph.Edge

func (gr graph) expand(_ context.Context, ids []tracegraph.ID, up bool) (map[tracegraph.ID][]hop, error) {
	out := map[tracegraph.ID][]hop{}
	for _, id := range ids {
		for _, e := range gr {
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

// g builds a graph of CONSUMED edges "Source Target PRECISION", IDs in order.
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

// atLeast returns g's expand limited to edges of precision p or better, as
// the store's expander with a minimum precision does.
func (gr graph) atLeast(p tracegraph.Precision) expandFunc {
	return func(ctx context.Context, ids []tracegraph.ID, up bool) (map[tracegraph.ID][]hop, error) {
		all, err := gr.expand(ctx, ids, up)
		for id, hs := range all {
			all[id] = slices.DeleteFunc(hs, func(h hop) bool { return h.edge.Precision < p })
		}
		return all, err
	}
}

func (gr graph) bestFirst() []expandFunc {
	return []expandFunc{gr.atLeast(tracegraph.PrecisionExact), gr.atLeast(tracegraph.PrecisionCandidate), gr.atLeast(tracegraph.PrecisionOrder)}
}

func TestBestPath(t *testing.T) {
	// The graph of storetest's evidence fixture, edges in the order recorded.
	gr := g(
		"Unit:P1 MaterialLot:L1 CANDIDATE", "Unit:B1 MaterialLot:L1 EXACT", "Unit:A2 MaterialLot:L1 EXACT",
		"Unit:A3 MaterialLot:L1 CANDIDATE", "Unit:R1 MaterialLot:L1 ORDER", "Unit:A4 MaterialLot:L1 EXACT",
		"Unit:A5 MaterialLot:L1 EXACT", "Unit:A1 Unit:B1 EXACT", "Unit:Q1 Unit:A2 EXACT", "Unit:R1 Unit:A3 EXACT",
		"Unit:T1 Unit:A4 EXACT", "Unit:T1 Unit:A5 EXACT", "Unit:P1 Unit:A1 EXACT", "Unit:Q1 MaterialLot:L1 EXACT",
		"Unit:X1 Box:BX1 EXACT", "Box:BX1 MaterialLot:L1 EXACT")
	lot := func(id tracegraph.ID) bool { return id == "MaterialLot:L1" }
	tests := []struct {
		unit  tracegraph.ID
		want  []string
		found bool
	}{
		{"Unit:P1", []string{"Unit:B1->MaterialLot:L1", "Unit:A1->Unit:B1", "Unit:P1->Unit:A1"}, true}, // EXACT over a shorter CANDIDATE
		{"Unit:Q1", []string{"Unit:Q1->MaterialLot:L1"}, true},                                         // fewest hops
		{"Unit:R1", []string{"Unit:A3->MaterialLot:L1", "Unit:R1->Unit:A3"}, true},                     // CANDIDATE over a shorter ORDER
		{"Unit:T1", []string{"Unit:A4->MaterialLot:L1", "Unit:T1->Unit:A4"}, true},                     // tie: the first recorded
		{"Unit:X1", nil, false},              // never through a container
		{"MaterialLot:L1", []string{}, true}, // a suspect itself
	}
	for _, tt := range tests {
		path, found, err := bestPath(context.Background(), gr.bestFirst(), tt.unit, lot)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		if path != nil {
			got = []string{}
		}
		for _, e := range path {
			got = append(got, fmt.Sprintf("%s->%s", e.Source, e.Target))
		}
		if found != tt.found || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("bestPath(%s) = %q, %v; want %q, %v", tt.unit, got, found, tt.want, tt.found)
		}
	}
}

// TestBestPathQueriesPerLevel: one expand call per level and precision,
// whatever the number of paths.
func TestBestPathQueriesPerLevel(t *testing.T) {
	var gr graph
	for i := range 20 {
		for _, a := range []string{"A", "B"} {
			for _, b := range []string{"A", "B"} {
				gr = append(gr, tracegraph.Edge{ID: tracegraph.EdgeID(len(gr) + 1), Type: tracegraph.EdgeDerivedFrom,
					Source: tracegraph.ID(fmt.Sprintf("MaterialLot:%s%d", a, i)), Target: tracegraph.ID(fmt.Sprintf("MaterialLot:%s%d", b, i+1)),
					Precision: tracegraph.PrecisionExact})
			}
		}
	}
	calls := 0
	counted := func(ctx context.Context, ids []tracegraph.ID, up bool) (map[tracegraph.ID][]hop, error) {
		calls++
		return gr.expand(ctx, ids, up)
	}
	path, found, err := bestPath(context.Background(), []expandFunc{counted}, "MaterialLot:A0",
		func(id tracegraph.ID) bool { return id == "MaterialLot:B20" })
	if err != nil || !found || len(path) != 20 || calls != 20 {
		t.Errorf("bestPath over a 20-level ladder = %d edges, %v, %v in %d expand calls; want 20 edges in 20 calls", len(path), found, err, calls)
	}
}

func TestPageOf(t *testing.T) {
	ids := []tracegraph.ID{"Unit:A", "Unit:B", "Unit:C", "Unit:D"}
	tests := []struct {
		after tracegraph.ID
		n     int
		want  []tracegraph.ID
		more  bool
	}{
		{"", 2, ids[:2], true},
		{"Unit:B", 2, ids[2:], false},
		{"Unit:BB", 1, ids[2:3], true}, // a cursor need not name a member
		{"Unit:D", 5, []tracegraph.ID{}, false},
		{"", 10, ids, false},
	}
	for _, tt := range tests {
		got, more := pageOf(ids, tt.after, tt.n)
		if !slices.Equal(got, tt.want) || more != tt.more {
			t.Errorf("pageOf(after %q, %d) = %v, %v; want %v, %v", tt.after, tt.n, got, more, tt.want, tt.more)
		}
	}
}

func TestQueryChoice(t *testing.T) {
	mats := []struct {
		f      tracegraph.MaterialFilter
		query  string
		params map[string]any
	}{
		{tracegraph.MaterialFilter{Supplier: "S", MPN: "M", DateCodeFrom: "2501"}, qMaterialByMPN, map[string]any{"value": "M"}},
		{tracegraph.MaterialFilter{Supplier: "S", PartNumber: "P"}, qMaterialByPartNumber, map[string]any{"value": "P"}},
		{tracegraph.MaterialFilter{Supplier: "S", Manufacturer: "X"}, qMaterialBySupplier, map[string]any{"value": "S"}},
		{tracegraph.MaterialFilter{Manufacturer: "X", CountryOfOrigin: "CN"}, qMaterialByManufacturer, map[string]any{"value": "X"}},
		{tracegraph.MaterialFilter{CountryOfOrigin: "CN"}, qMaterialByCountry, map[string]any{"value": "CN"}},
		{tracegraph.MaterialFilter{DateCodeFrom: "2501"}, qMaterialByDateCode, map[string]any{"dateFrom": "2501", "dateTo": "9999"}},
		{tracegraph.MaterialFilter{DateCodeTo: "2510"}, qMaterialByDateCode, map[string]any{"dateFrom": "0000", "dateTo": "2510"}},
	}
	for _, tt := range mats {
		q, p := materialQuery(&tt.f)
		if q != tt.query || !reflect.DeepEqual(p, tt.params) {
			t.Errorf("materialQuery(%+v) = %s %v, want %s %v", tt.f, q, p, tt.query, tt.params)
		}
	}
	if q, v := processQuery(&tracegraph.ProcessQuery{Station: "S", Recipe: "R", Step: "X"}); q != qProcessByRecipe || v != "R" {
		t.Errorf("processQuery(recipe, station, step) = %s %s, want the recipe", q, v)
	}
	if q, v := processQuery(&tracegraph.ProcessQuery{Station: "S", Step: "X"}); q != qProcessByStation || v != "S" {
		t.Errorf("processQuery(station, step) = %s %s, want the station", q, v)
	}
	if q, v := processQuery(&tracegraph.ProcessQuery{Step: "X"}); q != qProcessByStep || v != "X" {
		t.Errorf("processQuery(step) = %s %s, want the step", q, v)
	}
	if q, v := testQuery(&tracegraph.TestQuery{TestType: "FCT", FirmwareVersion: "1", FirmwareChecksum: "c"}); q != qTestsByChecksum || v != "c" {
		t.Errorf("testQuery(type, version, checksum) = %s %s, want the checksum", q, v)
	}
	if q, v := testQuery(&tracegraph.TestQuery{TestType: "FCT", FirmwareVersion: "1"}); q != qTestsByFirmware || v != "1" {
		t.Errorf("testQuery(type, version) = %s %s, want the version", q, v)
	}
	if q, v := testQuery(&tracegraph.TestQuery{TestType: "FCT"}); q != qTestsByType || v != "FCT" {
		t.Errorf("testQuery(type) = %s %s, want the type", q, v)
	}
}

// TestFirmwareSearchCopies: a test run's firmware is stored as JSON and
// copied to indexed search properties that decoding leaves out.
func TestFirmwareSearchCopies(t *testing.T) {
	n := &tracegraph.Node{ID: "TestRun:t-1", Label: tracegraph.LabelTestRun, Version: 3,
		Props: map[string]any{"testType": "FCT", "firmware": map[string]any{"version": "1.4.0", "checksum": "ab12"}}}
	stored, err := encodeProps(n)
	if err != nil {
		t.Fatal(err)
	}
	if stored[propFwVersion] != "1.4.0" || stored[propFwChecksum] != "ab12" || stored["_json_firmware"] != `{"checksum":"ab12","version":"1.4.0"}` {
		t.Errorf("encodeProps(test run) = %v, want the firmware as JSON and its search copies", stored)
	}
	back, err := decodeNode(stored)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Props, n.Props) {
		t.Errorf("decodeNode(encodeProps(test run)).Props = %v, want %v", back.Props, n.Props)
	}
	u, _ := encodeProps(&tracegraph.Node{ID: "Unit:U1", Label: tracegraph.LabelUnit, Props: map[string]any{"firmware": map[string]any{"version": "x"}}})
	if _, ok := u[propFwVersion]; ok {
		t.Errorf("encodeProps(unit) = %v: search copies are for test runs only", u)
	}
}
