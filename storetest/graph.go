package storetest

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

const nodesFixture = `
0  rcv-l1  lot.received       {"lot":"L1","partNumber":"R-10K","mpn":"RC0402FR-0710KL","manufacturer":"Yageo","supplier":"ACME","dateCode":"2609","quantity":5000,"countryOfOrigin":"TW","expiresAt":"2027-03-02T00:00:00Z","msl":"1"}
1  mk-u1   unit.created       {"serial":"U1","partNumber":"PCBA-1","revision":"R2A","workOrder":"WO-1","kind":"pcba","identifiers":{"imei":"356938035643809"}}
2  u1-l1   material.consumed  {"unit":"U1","lot":"L1","refDes":["R1","R2"],"quantity":2}
3  tr-u1   test.recorded      {"unit":"U1","testType":"ict","result":"passed","program":"ICT-7","measurements":[{"name":"vcc","value":3.31,"unit":"V","low":3.2,"high":3.4}],"firmware":{"version":"1.4.2","checksum":"9f2c"}}
4  pk-b1   packed             {"container":"B1","items":["U1"]}
`

// testNodes: properties as the projection sets them, round-tripped exactly;
// Node, Nodes and Stats.
func testNodes(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, nodesFixture)
	tests := []struct {
		id        string
		props     map[string]any
		createdBy string
		version   uint64
	}{
		{"Unit:U1", map[string]any{
			"serial": "U1", "partNumber": "PCBA-1", "revision": "R2A", "workOrder": "WO-1", "kind": "pcba", "origin": "made",
			"identifiers": map[string]any{"IMEI": "356938035643809"}, "createdAt": "2026-03-02T08:01:00Z",
			"status": "COMPLETED", "completedAt": "2026-03-02T08:04:00Z", "completedBy": "pk-b1",
		}, "mk-u1", 5},
		{"MaterialLot:L1", map[string]any{
			"lot": "L1", "partNumber": "R-10K", "mpn": "RC0402FR-0710KL", "manufacturer": "Yageo", "supplier": "ACME",
			"dateCode": "2609", "quantity": 5000.0, "countryOfOrigin": "TW", "expiresAt": "2027-03-02T00:00:00Z", "msl": "1",
			"receivedAt": "2026-03-02T08:00:00Z",
		}, "rcv-l1", 1},
		{"TestRun:tr-u1", map[string]any{
			"testType": "ICT", "result": "pass", "program": "ICT-7", "at": "2026-03-02T08:03:00Z", "unit": "Unit:U1",
			"measurements": []any{map[string]any{"name": "vcc", "value": 3.31, "unit": "V", "low": 3.2, "high": 3.4}},
			"firmware":     map[string]any{"version": "1.4.2", "checksum": "9f2c"},
		}, "tr-u1", 4},
		{"WorkOrder:WO-1", map[string]any{"workOrder": "WO-1", "partNumber": "PCBA-1"}, "mk-u1", 2},
		{"Supplier:ACME", map[string]any{"supplier": "ACME"}, "rcv-l1", 1},
		{"Box:B1", map[string]any{"createdAt": "2026-03-02T08:04:00Z"}, "pk-b1", 5},
	}
	for _, tt := range tests {
		n := node(t, s, tt.id)
		if !reflect.DeepEqual(n.Props, tt.props) {
			t.Errorf("Node(%q).Props =\n\t%#v\nwant\n\t%#v", tt.id, n.Props, tt.props)
		}
		if n.Label != tracegraph.ID(tt.id).Label() || n.CreatedBy != tt.createdBy || n.Version != tt.version || n.OnHold() {
			t.Errorf("Node(%q) = label %s createdBy %q version %d holds %v, want %s %q %d none",
				tt.id, n.Label, n.CreatedBy, n.Version, n.Holds, tracegraph.ID(tt.id).Label(), tt.createdBy, tt.version)
		}
	}
	ns, err := s.Nodes(bg, ids("Unit:U1", "Unit:NOPE", "MaterialLot:L1"))
	if err != nil || len(ns) != 3 || ns[0] == nil || ns[0].ID != "Unit:U1" || ns[1] != nil || ns[2] == nil || ns[2].ID != "MaterialLot:L1" {
		t.Errorf("Nodes(U1, NOPE, L1) = %v, %v; want [U1 nil L1]", ns, err)
	}
	_, err = s.Node(bg, "garbage")
	wantCode(t, `Node("garbage")`, err, tracegraph.CodeInvalid)
	notFound(t, s, "Unit:NOPE")
	notFound(t, s, "MaterialLot:U1")

	st, err := s.Stats(bg)
	if err != nil {
		t.Fatalf("Stats() error: %v", err)
	}
	wantNodes := map[tracegraph.Label]int{"Unit": 1, "MaterialLot": 1, "Supplier": 1, "WorkOrder": 1, "TestRun": 1, "Box": 1}
	wantEdges := map[tracegraph.EdgeType]int{"SUPPLIED_BY": 1, "FOR_ORDER": 1, "CONSUMED": 1, "TESTED_BY": 1, "CONTAINS": 1}
	if st.Events != 5 || !reflect.DeepEqual(nonZero(st.Nodes), wantNodes) || !reflect.DeepEqual(nonZero(st.Edges), wantEdges) {
		t.Errorf("Stats() = %d events, %v, %v; want 5, %v, %v", st.Events, st.Nodes, st.Edges, wantNodes, wantEdges)
	}
}

// testEdges: one call serves many nodes, in the order asked; edges carry
// their props, precision, validity and creating event.
func testEdges(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, nodesFixture)
	all, err := s.Edges(bg, ids("Unit:U1", "Unit:NOPE", "MaterialLot:L1", "Box:B1"), tracegraph.EdgeQuery{Direction: tracegraph.Both})
	if err != nil {
		t.Fatalf("Edges() error: %v", err)
	}
	want := [][]string{
		{"CONSUMED Unit:U1->MaterialLot:L1 EXACT from m2", "CONTAINS Box:B1->Unit:U1 EXACT from m4",
			"FOR_ORDER Unit:U1->WorkOrder:WO-1 EXACT from m1", "TESTED_BY Unit:U1->TestRun:tr-u1 EXACT from m3"},
		{},
		{"CONSUMED Unit:U1->MaterialLot:L1 EXACT from m2", "SUPPLIED_BY MaterialLot:L1->Supplier:ACME EXACT from m0"},
		{"CONTAINS Box:B1->Unit:U1 EXACT from m4"},
	}
	if len(all) != len(want) {
		t.Fatalf("Edges(4 ids) returned %d lists", len(all))
	}
	for i := range want {
		if got := fmtEdges(all[i]); !slices.Equal(got, want[i]) {
			t.Errorf("Edges(...)[%d] =\n%s\nwant\n%s", i, lines(got), lines(want[i]))
		}
	}
	tests := []struct {
		id   string
		q    tracegraph.EdgeQuery
		want []string
	}{
		{"Unit:U1", tracegraph.EdgeQuery{Direction: tracegraph.Upstream, Types: []tracegraph.EdgeType{tracegraph.EdgeConsumed, tracegraph.EdgeTestedBy}},
			[]string{"CONSUMED Unit:U1->MaterialLot:L1 EXACT from m2", "TESTED_BY Unit:U1->TestRun:tr-u1 EXACT from m3"}},
		{"Unit:U1", tracegraph.EdgeQuery{Direction: tracegraph.Downstream}, []string{"CONTAINS Box:B1->Unit:U1 EXACT from m4"}},
		{"Unit:U1", tracegraph.EdgeQuery{Direction: tracegraph.Downstream, AsOf: At(3)}, nil},
		{"Unit:U1", tracegraph.EdgeQuery{Direction: tracegraph.Upstream, AsOf: At(2)},
			[]string{"CONSUMED Unit:U1->MaterialLot:L1 EXACT from m2", "FOR_ORDER Unit:U1->WorkOrder:WO-1 EXACT from m1"}},
		{"MaterialLot:L1", tracegraph.EdgeQuery{Direction: tracegraph.Downstream}, []string{"CONSUMED Unit:U1->MaterialLot:L1 EXACT from m2"}},
	}
	for _, tt := range tests {
		checkEdges(t, s, tt.id, tt.q, tt.want)
	}
	es := edgesOf(t, s, "Unit:U1", tracegraph.EdgeQuery{Direction: tracegraph.Upstream, Types: []tracegraph.EdgeType{tracegraph.EdgeConsumed}})
	if len(es) == 1 {
		e := es[0]
		u1l1, err := s.Event(bg, "u1-l1")
		if err != nil {
			t.Fatal(err)
		}
		wantProps := map[string]any{"refDes": []any{"R1", "R2"}, "quantity": 2.0}
		if e.Event != "u1-l1" || e.ID.Seq() != u1l1.Seq || e.ID != tracegraph.NewEdgeID(u1l1.Seq, 0) || !reflect.DeepEqual(e.Props, wantProps) || e.Voided {
			t.Errorf("Edges(Unit:U1 CONSUMED) = %+v, want id %d (seq %d, first edge), event u1-l1, props %v", e, tracegraph.NewEdgeID(u1l1.Seq, 0), u1l1.Seq, wantProps)
		}
	}
	none, err := s.Edges(bg, nil, tracegraph.EdgeQuery{Direction: tracegraph.Both})
	if err != nil || len(none) != 0 {
		t.Errorf("Edges(no ids) = %v, %v; want empty", none, err)
	}
}

const reworkFixture = `
0   mk-p1   unit.created        {"serial":"P1","partNumber":"PRD-100"}
0   mk-a1   unit.created        {"serial":"A1","partNumber":"PCBA-7"}
0   mk-a2   unit.created        {"serial":"A2","partNumber":"PCBA-7"}
1   rcv-m   component.received  {"serials":["M1","M2"],"partNumber":"MOD-LTE"}
2   a1-m1   material.consumed   {"unit":"A1","component":"M1","refDes":["U7"]}
3   p1-a1   unit.assembled      {"parent":"P1","child":"A1","position":"main"}
# the module fails RF test and is replaced
10  a1-rm   component.removed   {"parent":"A1","child":"M1","reason":"no RF"}
11  a1-m2   material.consumed   {"unit":"A1","component":"M2","refDes":["U7"]}
# the whole board is swapped
20  p1-rm   component.removed   {"parent":"P1","child":"A1","reason":"rework"}
21  p1-a2   unit.assembled      {"parent":"P1","child":"A2","position":"main"}
`

// traceCase is one row of a trace table.
type traceCase struct {
	name string
	req  tracegraph.TraceRequest
	want []string
}

func runTraces(t *testing.T, s tracegraph.Store, tests []traceCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkTrace(t, s, tt.req, tt.want) })
	}
}

func up(from ...string) tracegraph.TraceRequest {
	return tracegraph.TraceRequest{From: ids(from...), Direction: tracegraph.Upstream}
}

func down(from ...string) tracegraph.TraceRequest {
	return tracegraph.TraceRequest{From: ids(from...), Direction: tracegraph.Downstream}
}

func asOf(r tracegraph.TraceRequest, m int) tracegraph.TraceRequest { r.AsOf = At(m); return r }
func history(r tracegraph.TraceRequest) tracegraph.TraceRequest     { r.History = true; return r }
func depth(r tracegraph.TraceRequest, d int) tracegraph.TraceRequest {
	r.MaxDepth = d
	return r
}
func minPrec(r tracegraph.TraceRequest, p tracegraph.Precision) tracegraph.TraceRequest {
	r.MinPrecision = p
	return r
}
func types(r tracegraph.TraceRequest, ts ...tracegraph.EdgeType) tracegraph.TraceRequest {
	r.EdgeTypes = ts
	return r
}

// testRework: a component removed and replaced; a board swapped.
func testRework(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, reworkFixture)
	runTraces(t, s, []traceCase{
		{"now", up("Unit:P1"), []string{"0 Unit:P1 EXACT", "1 Unit:A2 EXACT"}},
		{"before assembly", asOf(up("Unit:P1"), 2), []string{"0 Unit:P1 EXACT"}},
		{"at assembly", asOf(up("Unit:P1"), 3), []string{"0 Unit:P1 EXACT", "1 Unit:A1 EXACT", "2 Component:M1 EXACT"}},
		{"at removal", asOf(up("Unit:P1"), 10), []string{"0 Unit:P1 EXACT", "1 Unit:A1 EXACT"}},
		{"after replacement", asOf(up("Unit:P1"), 15), []string{"0 Unit:P1 EXACT", "1 Unit:A1 EXACT", "2 Component:M2 EXACT"}},
		{"at the swap", asOf(up("Unit:P1"), 20), []string{"0 Unit:P1 EXACT"}},
		{"history", history(up("Unit:P1")), []string{
			"0 Unit:P1 EXACT", "1 Unit:A1 EXACT", "1 Unit:A2 EXACT", "2 Component:M1 EXACT", "2 Component:M2 EXACT"}},
		{"removed module now", down("Component:M1"), []string{"0 Component:M1 EXACT"}},
		{"removed module then", asOf(down("Component:M1"), 5), []string{"0 Component:M1 EXACT", "1 Unit:A1 EXACT", "2 Unit:P1 EXACT"}},
		{"removed module history", history(down("Component:M1")), []string{"0 Component:M1 EXACT", "1 Unit:A1 EXACT", "2 Unit:P1 EXACT"}},
		{"new module now", down("Component:M2"), []string{"0 Component:M2 EXACT", "1 Unit:A1 EXACT"}},
		{"new module then", asOf(down("Component:M2"), 15), []string{"0 Component:M2 EXACT", "1 Unit:A1 EXACT", "2 Unit:P1 EXACT"}},
	})
	t.Run("history edges", func(t *testing.T) {
		res := trace(t, s, history(up("Unit:P1")))
		want := []string{
			"CONTAINS Unit:A1->Component:M1 EXACT from m2 to m10 by a1-rm",
			"CONTAINS Unit:A1->Component:M2 EXACT from m11",
			"CONTAINS Unit:P1->Unit:A1 EXACT from m3 to m20 by p1-rm",
			"CONTAINS Unit:P1->Unit:A2 EXACT from m21",
		}
		if got := fmtEdges(res.Edges); !slices.Equal(got, want) {
			t.Errorf("Trace(P1 UPSTREAM history).Edges =\n%s\nwant\n%s", lines(got), lines(want))
		}
		res = trace(t, s, up("Unit:P1"))
		if got, want := fmtEdges(res.Edges), []string{"CONTAINS Unit:P1->Unit:A2 EXACT from m21"}; !slices.Equal(got, want) {
			t.Errorf("Trace(P1 UPSTREAM).Edges =\n%s\nwant\n%s", lines(got), lines(want))
		}
	})
	t.Run("edges", func(t *testing.T) {
		es := checkEdges(t, s, "Unit:A1", tracegraph.EdgeQuery{Direction: tracegraph.Upstream, History: true}, []string{
			"CONTAINS Unit:A1->Component:M1 EXACT from m2 to m10 by a1-rm",
			"CONTAINS Unit:A1->Component:M2 EXACT from m11",
		})
		for _, e := range es {
			if e.Target == "Component:M1" && (e.CloseReason != "no RF" || !reflect.DeepEqual(e.Props["refDes"], []any{"U7"})) {
				t.Errorf("Edges(A1) removed edge: CloseReason %q, props %v; want \"no RF\" and refDes [U7]", e.CloseReason, e.Props)
			}
		}
		checkEdges(t, s, "Unit:A1", tracegraph.EdgeQuery{Direction: tracegraph.Upstream}, []string{"CONTAINS Unit:A1->Component:M2 EXACT from m11"})
		checkEdges(t, s, "Unit:A1", tracegraph.EdgeQuery{Direction: tracegraph.Upstream, AsOf: At(5)}, []string{"CONTAINS Unit:A1->Component:M1 EXACT from m2 to m10 by a1-rm"})
		checkEdges(t, s, "Unit:A1", tracegraph.EdgeQuery{Direction: tracegraph.Downstream}, nil)
		checkEdges(t, s, "Unit:A1", tracegraph.EdgeQuery{Direction: tracegraph.Downstream, AsOf: At(5)}, []string{"CONTAINS Unit:P1->Unit:A1 EXACT from m3 to m20 by p1-rm"})
		checkEdges(t, s, "Unit:A1", tracegraph.EdgeQuery{Direction: tracegraph.Both, History: true, AsOf: At(5)}, []string{
			"CONTAINS Unit:A1->Component:M1 EXACT from m2 to m10 by a1-rm",
			"CONTAINS Unit:A1->Component:M2 EXACT from m11",
			"CONTAINS Unit:P1->Unit:A1 EXACT from m3 to m20 by p1-rm",
		})
	})
	t.Run("explode", func(t *testing.T) {
		checkExplode(t, s, "Unit:P1", time.Time{}, []string{"1 Unit:A2"})
		checkExplode(t, s, "Unit:P1", At(5), []string{"1 Unit:A1", "2 Component:M1"})
		checkExplode(t, s, "Unit:P1", At(15), []string{"1 Unit:A1", "2 Component:M2"})
		checkExplode(t, s, "Unit:A1", time.Time{}, []string{"1 Component:M2"})
	})
	t.Run("reinstall", func(t *testing.T) {
		// The removed module is free again; the removed board too.
		mustApply(t, s, parse(t, `
			30 mk-p2  unit.created       {"serial":"P2","partNumber":"PRD-100"}
			31 p2-a1  unit.assembled     {"parent":"P2","child":"A1"}
			31 a2-m1  material.consumed  {"unit":"A2","component":"M1"}`)...)
		checkTrace(t, s, down("Component:M1"), []string{"0 Component:M1 EXACT", "1 Unit:A2 EXACT", "2 Unit:P1 EXACT"})
		checkTrace(t, s, history(down("Component:M1")), []string{"0 Component:M1 EXACT", "1 Unit:A1 EXACT", "1 Unit:A2 EXACT", "2 Unit:P1 EXACT", "2 Unit:P2 EXACT"})
	})
}

const repackFixture = `
0   mk-u1   unit.created  {"serial":"U1","partNumber":"PRD-100"}
0   mk-u2   unit.created  {"serial":"U2","partNumber":"PRD-100"}
5   pk-b1   packed        {"container":"B1","containerType":"box","items":["U1","U2"]}
6   pk-pl   packed        {"container":"PL1","containerType":"pallet","items":["B1"],"sscc":"009506000134000022"}
10  up-b1   unpacked      {"container":"B1","items":["U1"]}
12  pk-b2   packed        {"container":"B2","containerType":"box","items":["U1"]}
13  pk-pl2  packed        {"container":"PL1","containerType":"pallet","items":["B2"]}
`

// testRepack: a unit unpacked from one box and packed into another.
func testRepack(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, repackFixture)
	runTraces(t, s, []traceCase{
		{"now", down("Unit:U1"), []string{"0 Unit:U1 EXACT", "1 Box:B2 EXACT", "2 Pallet:PL1 EXACT"}},
		{"first box", asOf(down("Unit:U1"), 7), []string{"0 Unit:U1 EXACT", "1 Box:B1 EXACT", "2 Pallet:PL1 EXACT"}},
		{"between boxes", asOf(down("Unit:U1"), 11), []string{"0 Unit:U1 EXACT"}},
		{"history", history(down("Unit:U1")), []string{"0 Unit:U1 EXACT", "1 Box:B1 EXACT", "1 Box:B2 EXACT", "2 Pallet:PL1 EXACT"}},
		{"the other unit", down("Unit:U2"), []string{"0 Unit:U2 EXACT", "1 Box:B1 EXACT", "2 Pallet:PL1 EXACT"}},
		{"pallet now", up("Pallet:PL1"), []string{"0 Pallet:PL1 EXACT", "1 Box:B1 EXACT", "1 Box:B2 EXACT", "2 Unit:U1 EXACT", "2 Unit:U2 EXACT"}},
		{"pallet between", asOf(up("Pallet:PL1"), 11), []string{"0 Pallet:PL1 EXACT", "1 Box:B1 EXACT", "2 Unit:U2 EXACT"}},
	})
	checkExplode(t, s, "Pallet:PL1", time.Time{}, []string{"2 Unit:U1", "2 Unit:U2"})
	checkExplode(t, s, "Pallet:PL1", At(7), []string{"2 Unit:U1", "2 Unit:U2"})
	checkExplode(t, s, "Pallet:PL1", At(11), []string{"2 Unit:U2"})
	checkExplode(t, s, "Pallet:PL1", At(5), nil)
	checkExplode(t, s, "Box:B1", time.Time{}, []string{"1 Unit:U2"})
	checkExplode(t, s, "Box:B1", At(7), []string{"1 Unit:U1", "1 Unit:U2"})
	checkExplode(t, s, "Box:B2", At(7), nil)
	checkEdges(t, s, "Unit:U1", tracegraph.EdgeQuery{Direction: tracegraph.Downstream, History: true}, []string{
		"CONTAINS Box:B1->Unit:U1 EXACT from m5 to m10 by up-b1",
		"CONTAINS Box:B2->Unit:U1 EXACT from m12",
	})
	status(t, s, "Unit:U1", tracegraph.StatusCompleted)
	t.Run("unpack all", func(t *testing.T) {
		mustApply(t, s, parse(t, `20 up-all unpacked {"container":"B1"}`)...)
		checkExplode(t, s, "Box:B1", time.Time{}, nil)
		checkExplode(t, s, "Pallet:PL1", time.Time{}, []string{"2 Unit:U1"})
		checkExplode(t, s, "Pallet:PL1", At(15), []string{"2 Unit:U1", "2 Unit:U2"})
		// Now U2 may go into another box.
		mustApply(t, s, parse(t, `21 pk-b2-u2 packed {"container":"B2","items":["U2"]}`)...)
		checkExplode(t, s, "Box:B2", time.Time{}, []string{"1 Unit:U1", "1 Unit:U2"})
	})
}

const explodeFixture = `
0  rcv-c   component.received  {"serials":["M1","M2"],"partNumber":"MOD-LTE"}
0  rcv-l1  lot.received        {"lot":"L1","partNumber":"R-10K"}
0  mk-a1   unit.created        {"serial":"A1","partNumber":"PCBA-7"}
0  mk-a2   unit.created        {"serial":"A2","partNumber":"PCBA-7"}
0  mk-p1   unit.created        {"serial":"P1","partNumber":"PRD-100"}
0  mk-p2   unit.created        {"serial":"P2","partNumber":"PRD-100"}
0  mk-p3   unit.created        {"serial":"P3","partNumber":"PRD-100"}
1  a1-m1   material.consumed   {"unit":"A1","component":"M1"}
1  a2-m2   material.consumed   {"unit":"A2","component":"M2"}
1  a1-l1   material.consumed   {"unit":"A1","lot":"L1"}
1  tr-a1   test.recorded       {"unit":"A1","testType":"FCT","result":"pass"}
2  p1-a1   unit.assembled      {"parent":"P1","child":"A1"}
2  p2-a2   unit.assembled      {"parent":"P2","child":"A2"}
3  pk-b1   packed              {"container":"B1","items":["P1","P2"]}
3  pk-b2   packed              {"container":"B2","items":["P3"]}
4  pk-pl   packed              {"container":"PL1","containerType":"pallet","items":["B1","B2"]}
10 up-p2   unpacked            {"container":"B1","items":["P2"]}
`

// testExplode: every unit and component in a pallet at any depth, never
// boxes, lots or records; asOf before an unpack.
func testExplode(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, explodeFixture)
	tests := []struct {
		id   string
		at   int // minute; -1: now
		want []string
	}{
		{"Pallet:PL1", -1, []string{"2 Unit:P1", "2 Unit:P3", "3 Unit:A1", "4 Component:M1"}},
		{"Pallet:PL1", 5, []string{"2 Unit:P1", "2 Unit:P2", "2 Unit:P3", "3 Unit:A1", "3 Unit:A2", "4 Component:M1", "4 Component:M2"}},
		{"Pallet:PL1", 3, nil},
		{"Box:B1", -1, []string{"1 Unit:P1", "2 Unit:A1", "3 Component:M1"}},
		{"Box:B1", 9, []string{"1 Unit:P1", "1 Unit:P2", "2 Unit:A1", "2 Unit:A2", "3 Component:M1", "3 Component:M2"}},
		{"Unit:P1", -1, []string{"1 Unit:A1", "2 Component:M1"}},
		{"Unit:P2", -1, []string{"1 Unit:A2", "2 Component:M2"}},
		{"Unit:A1", 1, []string{"1 Component:M1"}},
		{"Unit:A1", 0, nil},
		{"Component:M1", -1, nil},
	}
	for _, tt := range tests {
		at := time.Time{}
		if tt.at >= 0 {
			at = At(tt.at)
		}
		checkExplode(t, s, tt.id, at, tt.want)
	}
	_, err := s.Explode(bg, "Pallet:NOPE", time.Time{})
	wantCode(t, "Explode(Pallet:NOPE)", err, tracegraph.CodeNotFound)
	ns, err := s.Explode(bg, "Pallet:PL1", time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns.Nodes() {
		want := map[tracegraph.ID]string{"Unit:P1": "COMPLETED", "Unit:P3": "COMPLETED", "Unit:A1": "COMPLETED"}[n.ID] // packed with P1
		if n.Label != n.ID.Label() || n.Status != want || n.OnHold {
			t.Errorf("Explode(PL1): %s label %s status %q onHold %v, want %s %q false", n.ID, n.Label, n.Status, n.OnHold, n.ID.Label(), want)
		}
	}
}

const precisionFixture = `
# W1 feeds reels RA and RB; RB2 is split from RB; RC comes from elsewhere.
0  rcv-w1   wafer.registered   {"waferBatch":"W1","fab":"F12"}
0  rcv-ra   lot.received       {"lot":"RA","partNumber":"IC-1","derivedFrom":["W1"]}
0  rcv-rb   lot.received       {"lot":"RB","partNumber":"IC-1","derivedFrom":["W1"]}
0  rcv-rb2  lot.received       {"lot":"RB2","partNumber":"IC-1","derivedFrom":["RB"]}
0  rcv-rc   lot.received       {"lot":"RC","partNumber":"IC-1"}
1  mk-u1    unit.created       {"serial":"U1","partNumber":"PCBA-1"}
1  mk-u2    unit.created       {"serial":"U2","partNumber":"PCBA-1"}
1  mk-u3    unit.created       {"serial":"U3","partNumber":"PCBA-1"}
1  mk-u4    unit.created       {"serial":"U4","partNumber":"PCBA-1"}
1  mk-u6    unit.created       {"serial":"U6","partNumber":"PCBA-1"}
1  mk-u7    unit.created       {"serial":"U7","partNumber":"PCBA-1"}
1  mk-p1    unit.created       {"serial":"P1","partNumber":"PRD-1"}
# U1 before the splice, U2 in the splice window between RA and RC, U3 after.
2  u1-ra    material.consumed  {"unit":"U1","lot":"RA","refDes":["U3"]}
3  u2-ra    material.consumed  {"unit":"U2","lot":"RA","refDes":["U3"],"precision":"CANDIDATE"}
3  u2-rc    material.consumed  {"unit":"U2","lot":"RC","refDes":["U3"],"precision":"CANDIDATE"}
4  u3-rc    material.consumed  {"unit":"U3","lot":"RC","refDes":["U3"]}
# U4: maybe RA (short path), surely RB2 (long path).
5  u4-ra    material.consumed  {"unit":"U4","lot":"RA","precision":"CANDIDATE"}
5  u4-rb2   material.consumed  {"unit":"U4","lot":"RB2"}
# U6: RA issued to its work order, maybe RB. U7: RA issued to its work order.
6  u6-ra    material.consumed  {"unit":"U6","lot":"RA","precision":"ORDER"}
6  u6-rb    material.consumed  {"unit":"U6","lot":"RB","precision":"CANDIDATE"}
6  u7-ra    material.consumed  {"unit":"U7","lot":"RA","precision":"ORDER"}
7  p1-u4    unit.assembled     {"parent":"P1","child":"U4"}
`

// testPrecision: splice windows, ORDER-level links, best-path precision and
// minimum precision.
func testPrecision(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, precisionFixture)
	all := []string{
		"0 WaferBatch:W1 EXACT",
		"1 MaterialLot:RA EXACT", "1 MaterialLot:RB EXACT",
		"2 MaterialLot:RB2 EXACT", "2 Unit:U1 EXACT", "2 Unit:U2 CANDIDATE", "2 Unit:U4 EXACT", "2 Unit:U6 CANDIDATE", "2 Unit:U7 ORDER",
		"3 Unit:P1 EXACT",
	}
	runTraces(t, s, []traceCase{
		{"wafer", down("WaferBatch:W1"), all},
		{"wafer min ORDER", minPrec(down("WaferBatch:W1"), tracegraph.PrecisionOrder), all},
		{"wafer min CANDIDATE", minPrec(down("WaferBatch:W1"), tracegraph.PrecisionCandidate), slices.DeleteFunc(slices.Clone(all), func(s string) bool { return s == "2 Unit:U7 ORDER" })},
		{"wafer min EXACT", minPrec(down("WaferBatch:W1"), tracegraph.PrecisionExact), []string{
			"0 WaferBatch:W1 EXACT", "1 MaterialLot:RA EXACT", "1 MaterialLot:RB EXACT",
			"2 MaterialLot:RB2 EXACT", "2 Unit:U1 EXACT", "3 Unit:U4 EXACT", "4 Unit:P1 EXACT"}},
		{"reel before splice", down("MaterialLot:RA"), []string{
			"0 MaterialLot:RA EXACT", "1 Unit:U1 EXACT", "1 Unit:U2 CANDIDATE", "1 Unit:U4 CANDIDATE", "1 Unit:U6 ORDER", "1 Unit:U7 ORDER",
			"2 Unit:P1 CANDIDATE"}},
		{"reel after splice", down("MaterialLot:RC"), []string{"0 MaterialLot:RC EXACT", "1 Unit:U2 CANDIDATE", "1 Unit:U3 EXACT"}},
		{"both reels", down("MaterialLot:RA", "MaterialLot:RC"), []string{
			"0 MaterialLot:RA EXACT", "0 MaterialLot:RC EXACT",
			"1 Unit:U1 EXACT", "1 Unit:U2 CANDIDATE", "1 Unit:U3 EXACT", "1 Unit:U4 CANDIDATE", "1 Unit:U6 ORDER", "1 Unit:U7 ORDER",
			"2 Unit:P1 CANDIDATE"}},
		{"unit in the window", up("Unit:U2"), []string{
			"0 Unit:U2 EXACT", "1 MaterialLot:RA CANDIDATE", "1 MaterialLot:RC CANDIDATE", "2 WaferBatch:W1 CANDIDATE"}},
		{"unit with a sure long path", up("Unit:U4"), []string{
			"0 Unit:U4 EXACT", "1 MaterialLot:RA CANDIDATE", "1 MaterialLot:RB2 EXACT", "2 MaterialLot:RB EXACT", "2 WaferBatch:W1 EXACT"}},
		{"unit with a sure long path min EXACT", minPrec(up("Unit:U4"), tracegraph.PrecisionExact), []string{
			"0 Unit:U4 EXACT", "1 MaterialLot:RB2 EXACT", "2 MaterialLot:RB EXACT", "3 WaferBatch:W1 EXACT"}},
		{"unit with ORDER and CANDIDATE", up("Unit:U6"), []string{
			"0 Unit:U6 EXACT", "1 MaterialLot:RA ORDER", "1 MaterialLot:RB CANDIDATE", "2 WaferBatch:W1 CANDIDATE"}},
		{"unit with ORDER min CANDIDATE", minPrec(up("Unit:U7"), tracegraph.PrecisionCandidate), []string{"0 Unit:U7 EXACT"}},
		{"product", up("Unit:P1"), []string{
			"0 Unit:P1 EXACT", "1 Unit:U4 EXACT", "2 MaterialLot:RA CANDIDATE", "2 MaterialLot:RB2 EXACT", "3 MaterialLot:RB EXACT", "3 WaferBatch:W1 EXACT"}},
	})
	t.Run("edges", func(t *testing.T) {
		checkEdges(t, s, "Unit:U2", tracegraph.EdgeQuery{Direction: tracegraph.Upstream}, []string{
			"CONSUMED Unit:U2->MaterialLot:RA CANDIDATE from m3", "CONSUMED Unit:U2->MaterialLot:RC CANDIDATE from m3"})
		checkEdges(t, s, "Unit:U6", tracegraph.EdgeQuery{Direction: tracegraph.Upstream}, []string{
			"CONSUMED Unit:U6->MaterialLot:RA ORDER from m6", "CONSUMED Unit:U6->MaterialLot:RB CANDIDATE from m6"})
		res := trace(t, s, minPrec(down("WaferBatch:W1"), tracegraph.PrecisionExact))
		for _, e := range res.Edges {
			if e.Precision != tracegraph.PrecisionExact {
				t.Errorf("Trace(W1 min EXACT) followed %s", fmtEdge(e))
			}
		}
	})
}
