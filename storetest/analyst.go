package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

// materialFixture: material from several suppliers and manufacturers with
// date codes across weeks, built into products, three of them shipped at
// minutes 10, 20 and 30.
const materialFixture = `
0  rcv-w1  wafer.registered    {"waferBatch":"W1","manufacturer":"Nordic"}
0  rcv-l1  lot.received        {"lot":"L1","partNumber":"IC-5","mpn":"NRF52","manufacturer":"Nordic","supplier":"ARROW","dateCode":"2510","countryOfOrigin":"TW","derivedFrom":["W1"]}
0  rcv-l2  lot.received        {"lot":"L2","partNumber":"IC-5","mpn":"NRF52","manufacturer":"Nordic","supplier":"ARROW","dateCode":"2514","countryOfOrigin":"TW"}
0  rcv-l3  lot.received        {"lot":"L3","partNumber":"IC-5","mpn":"NRF52","manufacturer":"Nordic","supplier":"AVNET","dateCode":"2512","countryOfOrigin":"CN"}
0  rcv-l4  lot.received        {"lot":"L4","partNumber":"R-1","mpn":"RC0402","manufacturer":"Yageo","supplier":"ARROW","dateCode":"2511","countryOfOrigin":"CN"}
0  rcv-l5  lot.received        {"lot":"L5","partNumber":"R-1","mpn":"RC0402","manufacturer":"Yageo","supplier":"ARROW","dateCode":"25W1"}
0  rcv-c1  component.received  {"serials":["C1","C2"],"partNumber":"MOD-1","mpn":"BG95","manufacturer":"Quectel","supplier":"ARROW","dateCode":"2512"}
0  rcv-c3  component.received  {"serials":["C3"],"partNumber":"MOD-1","mpn":"BG95","manufacturer":"Quectel","supplier":"QUECTEL","dateCode":"2520"}
1  mk-a1   unit.created        {"serial":"A1","partNumber":"PCBA-1","workOrder":"WO-A"}
1  mk-a2   unit.created        {"serial":"A2","partNumber":"PCBA-1","workOrder":"WO-A"}
1  mk-a3   unit.created        {"serial":"A3","partNumber":"PCBA-1","workOrder":"WO-A"}
1  mk-a4   unit.created        {"serial":"A4","partNumber":"PCBA-1","workOrder":"WO-A"}
1  mk-a5   unit.created        {"serial":"A5","partNumber":"PCBA-1","workOrder":"WO-A"}
1  mk-a6   unit.created        {"serial":"A6","partNumber":"PCBA-1","workOrder":"WO-A"}
1  mk-p1   unit.created        {"serial":"P1","partNumber":"PRD-1","workOrder":"WO-P1"}
1  mk-p2   unit.created        {"serial":"P2","partNumber":"PRD-1","workOrder":"WO-P1"}
1  mk-p3   unit.created        {"serial":"P3","partNumber":"PRD-2","workOrder":"WO-P2"}
1  mk-p4   unit.created        {"serial":"P4","partNumber":"PRD-2","workOrder":"WO-P2"}
2  a1-l1   material.consumed   {"unit":"A1","lot":"L1"}
2  a2-l2   material.consumed   {"unit":"A2","lot":"L2"}
2  a3-l3   material.consumed   {"unit":"A3","lot":"L3","precision":"CANDIDATE"}
2  a4-l4   material.consumed   {"unit":"A4","lot":"L4"}
2  a5-l1   material.consumed   {"unit":"A5","lot":"L1","precision":"ORDER"}
2  a6-l5   material.consumed   {"unit":"A6","lot":"L5"}
3  p1-a1   unit.assembled      {"parent":"P1","child":"A1"}
3  p1-c1   unit.assembled      {"parent":"P1","child":"Component:C1"}
3  p2-a2   unit.assembled      {"parent":"P2","child":"A2"}
3  p2-c3   unit.assembled      {"parent":"P2","child":"Component:C3"}
3  p3-a3   unit.assembled      {"parent":"P3","child":"A3"}
3  p3-c2   unit.assembled      {"parent":"P3","child":"Component:C2"}
3  p4-a4   unit.assembled      {"parent":"P4","child":"A4"}
5  pk-bx1  packed              {"container":"BX1","items":["P1"]}
10 sh-1    shipped             {"shipment":"SH1","customer":"CU1","items":["BX1"]}
20 sh-2    shipped             {"shipment":"SH2","customer":"CU2","items":["P2"]}
30 sh-3    shipped             {"shipment":"SH3","customer":"CU1","items":["P3"]}
`

// testMaterial: FindMaterial by each property, date-code ranges, several
// properties at once, voided and re-received material, bad filters.
func testMaterial(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, materialFixture)
	tests := []struct {
		name string
		f    tracegraph.MaterialFilter
		want []string
	}{
		{"supplier and date codes", tracegraph.MaterialFilter{Supplier: "ARROW", DateCodeFrom: "2510", DateCodeTo: "2512"},
			[]string{"Component:C1", "Component:C2", "MaterialLot:L1", "MaterialLot:L4"}},
		{"supplier", tracegraph.MaterialFilter{Supplier: "ARROW"},
			[]string{"Component:C1", "Component:C2", "MaterialLot:L1", "MaterialLot:L2", "MaterialLot:L4", "MaterialLot:L5"}},
		{"mpn from a week", tracegraph.MaterialFilter{MPN: "NRF52", DateCodeFrom: "2511"}, []string{"MaterialLot:L2", "MaterialLot:L3"}},
		{"mpn to a week", tracegraph.MaterialFilter{MPN: "NRF52", DateCodeTo: "2512"}, []string{"MaterialLot:L1", "MaterialLot:L3"}},
		{"manufacturer", tracegraph.MaterialFilter{Manufacturer: "Nordic"},
			[]string{"MaterialLot:L1", "MaterialLot:L2", "MaterialLot:L3", "WaferBatch:W1"}},
		{"manufacturer is exact", tracegraph.MaterialFilter{Manufacturer: "nordic"}, nil},
		{"country of origin", tracegraph.MaterialFilter{CountryOfOrigin: "CN"}, []string{"MaterialLot:L3", "MaterialLot:L4"}},
		{"part number", tracegraph.MaterialFilter{PartNumber: "R-1"}, []string{"MaterialLot:L4", "MaterialLot:L5"}},
		{"one week", tracegraph.MaterialFilter{DateCodeFrom: "2512", DateCodeTo: "2512"},
			[]string{"Component:C1", "Component:C2", "MaterialLot:L3"}},
		{"supplier and manufacturer", tracegraph.MaterialFilter{Supplier: "ARROW", Manufacturer: "Yageo"},
			[]string{"MaterialLot:L4", "MaterialLot:L5"}},
		{"three properties and weeks", tracegraph.MaterialFilter{PartNumber: "IC-5", Supplier: "ARROW", CountryOfOrigin: "TW", DateCodeFrom: "2512"},
			[]string{"MaterialLot:L2"}},
		{"nothing matches", tracegraph.MaterialFilter{Supplier: "NOBODY"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := findMaterial(t, s, tt.f)
			if !slices.Equal(got, tt.want) {
				t.Errorf("FindMaterial(%+v) = %v, want %v", tt.f, got, tt.want)
			}
		})
	}
	t.Run("bad filters", func(t *testing.T) {
		for _, tt := range []struct {
			f     tracegraph.MaterialFilter
			field string
		}{
			{tracegraph.MaterialFilter{}, ""},
			{tracegraph.MaterialFilter{DateCodeFrom: "25"}, "dateCodeFrom"},
			{tracegraph.MaterialFilter{Supplier: "ARROW", DateCodeTo: "2554"}, "dateCodeTo"},
			{tracegraph.MaterialFilter{DateCodeFrom: "25W1"}, "dateCodeFrom"},
			{tracegraph.MaterialFilter{DateCodeFrom: "2520", DateCodeTo: "2510"}, "dateCodeFrom"},
		} {
			_, err := s.FindMaterial(bg, tt.f)
			wantCode(t, fmt.Sprintf("FindMaterial(%+v)", tt.f), err, tracegraph.CodeInvalid)
			if e := tracegraph.AsError(err); err != nil && e.Field != tt.field {
				t.Errorf("FindMaterial(%+v) error field = %q, want %q", tt.f, e.Field, tt.field)
			}
		}
	})
	t.Run("voided and received again", func(t *testing.T) {
		mustApply(t, s,
			event(t, "rcv-l9", tracegraph.EventLotReceived, 40, map[string]any{"lot": "L9", "partNumber": "IC-9", "supplier": "ARROW", "dateCode": "2511"}),
			event(t, "void-l9", tracegraph.EventVoided, 41, map[string]any{"event": "rcv-l9", "reason": "wrong supplier"}))
		f := tracegraph.MaterialFilter{PartNumber: "IC-9"}
		if got := findMaterial(t, s, f); len(got) != 0 {
			t.Errorf("FindMaterial(%+v) after the void = %v, want none", f, got)
		}
		mustApply(t, s, event(t, "rcv-l9b", tracegraph.EventLotReceived, 42, map[string]any{"lot": "L9", "partNumber": "IC-9", "supplier": "AVNET", "dateCode": "2530"}))
		for _, tt := range []struct {
			f    tracegraph.MaterialFilter
			want []string
		}{
			{tracegraph.MaterialFilter{PartNumber: "IC-9", Supplier: "ARROW"}, nil},
			{tracegraph.MaterialFilter{Supplier: "ARROW", DateCodeFrom: "2511", DateCodeTo: "2511"}, []string{"MaterialLot:L4"}},
			{tracegraph.MaterialFilter{Supplier: "AVNET", DateCodeFrom: "2530"}, []string{"MaterialLot:L9"}},
		} {
			if got := findMaterial(t, s, tt.f); !slices.Equal(got, tt.want) {
				t.Errorf("FindMaterial(%+v) after receiving L9 again = %v, want %v", tt.f, got, tt.want)
			}
		}
	})
}

func findMaterial(t *testing.T, s tracegraph.Store, f tracegraph.MaterialFilter) []string {
	t.Helper()
	got, err := s.FindMaterial(bg, f)
	if err != nil {
		t.Fatalf("FindMaterial(%+v) error: %v", f, err)
	}
	var out []string
	for _, id := range got {
		out = append(out, string(id))
	}
	if !slices.IsSorted(out) {
		t.Errorf("FindMaterial(%+v) = %v, want sorted by ID", f, out)
	}
	return out
}

// recallUnits streams RecallUnits and returns the units as fmtRecallUnits
// does, checking that they come by depth and each once.
func recallUnits(t *testing.T, s tracegraph.Store, req tracegraph.RecallRequest) []string {
	t.Helper()
	var got []tracegraph.RecallUnit
	err := s.RecallUnits(bg, req, func(u tracegraph.RecallUnit) error {
		got = append(got, u)
		return nil
	})
	if err != nil {
		t.Fatalf("RecallUnits(%v) error: %v", req.Suspects, err)
	}
	return checkStream(t, "RecallUnits", got)
}

func checkStream(t *testing.T, what string, got []tracegraph.RecallUnit) []string {
	t.Helper()
	seen := map[tracegraph.ID]bool{}
	for k, u := range got {
		if seen[u.ID] {
			t.Errorf("%s emitted %s twice", what, u.ID)
		}
		seen[u.ID] = true
		if k > 0 && got[k-1].Depth > u.Depth {
			t.Errorf("%s emitted %s (depth %d) after %s (depth %d); want them by depth", what, u.ID, u.Depth, got[k-1].ID, got[k-1].Depth)
		}
	}
	return fmtRecallUnits(got)
}

// sameUnits checks that RecallUnits streams exactly the units of RecallImpact.
func sameUnits(t *testing.T, s tracegraph.Store, req tracegraph.RecallRequest) {
	t.Helper()
	r, err := s.RecallImpact(bg, req)
	if err != nil {
		t.Fatalf("RecallImpact(%v) error: %v", req.Suspects, err)
	}
	want := fmtRecallUnits(append(slices.Clone(r.Confirmed), r.Possible...))
	if got := recallUnits(t, s, req); !slices.Equal(got, want) {
		t.Errorf("RecallUnits(%v, material %+v) =\n%s\nRecallImpact has\n%s", req.Suspects, req.Material, lines(got), lines(want))
	}
}

// testRecallMaterial: suspects by a supplier or a manufacturer part number
// with a date-code range, with and without named suspects.
func testRecallMaterial(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, materialFixture)
	tests := []struct {
		name string
		req  tracegraph.RecallRequest
		want report
	}{
		{"supplier with date codes", tracegraph.RecallRequest{Material: &tracegraph.MaterialFilter{Supplier: "ARROW", DateCodeFrom: "2510", DateCodeTo: "2512"}}, report{
			Confirmed:      []string{"Unit:A1 EXACT d1 SHIPPED", "Unit:A4 EXACT d1 WIP", "Unit:P1 EXACT d1 SHIPPED", "Unit:P3 EXACT d1 SHIPPED", "Unit:P4 EXACT d2 WIP"},
			Possible:       []string{"Unit:A5 ORDER d1 WIP"},
			ConfirmedCount: tracegraph.StatusCounts{Shipped: 3, InHouse: 2}, PossibleCount: tracegraph.StatusCounts{InHouse: 1},
			Products:   []string{"Unit:A5 0/1", "Unit:P1 2/0", "Unit:P3 1/0", "Unit:P4 2/0"},
			WorkOrders: []string{"WorkOrder:WO-A 2/1", "WorkOrder:WO-P1 1/0", "WorkOrder:WO-P2 2/0"},
			Boxes:      []string{"Box:BX1 2/0"},
			Shipments:  []string{"Shipment:SH1 2/0", "Shipment:SH3 1/0"},
			Customers:  []string{"Customer:CU1 3/0"},
		}},
		{"mpn with date codes", tracegraph.RecallRequest{Material: &tracegraph.MaterialFilter{MPN: "NRF52", DateCodeFrom: "2511", DateCodeTo: "2520"}}, report{
			Confirmed:      []string{"Unit:A2 EXACT d1 SHIPPED", "Unit:P2 EXACT d2 SHIPPED"},
			Possible:       []string{"Unit:A3 CANDIDATE d1 SHIPPED", "Unit:P3 CANDIDATE d2 SHIPPED"},
			ConfirmedCount: tracegraph.StatusCounts{Shipped: 2}, PossibleCount: tracegraph.StatusCounts{Shipped: 2},
			Products:   []string{"Unit:P2 2/0", "Unit:P3 0/2"},
			WorkOrders: []string{"WorkOrder:WO-A 1/1", "WorkOrder:WO-P1 1/0", "WorkOrder:WO-P2 0/1"},
			Shipments:  []string{"Shipment:SH2 2/0", "Shipment:SH3 0/2"},
			Customers:  []string{"Customer:CU1 0/2", "Customer:CU2 2/0"},
		}},
		{"named suspects and material", tracegraph.RecallRequest{Suspects: ids("Unit:A6"), Material: &tracegraph.MaterialFilter{MPN: "NRF52", DateCodeTo: "2510"}}, report{
			Confirmed:      []string{"Unit:A1 EXACT d1 SHIPPED", "Unit:A6 EXACT d0 WIP", "Unit:P1 EXACT d2 SHIPPED"},
			Possible:       []string{"Unit:A5 ORDER d1 WIP"},
			ConfirmedCount: tracegraph.StatusCounts{Shipped: 2, InHouse: 1}, PossibleCount: tracegraph.StatusCounts{InHouse: 1},
			Products:   []string{"Unit:A5 0/1", "Unit:A6 1/0", "Unit:P1 2/0"},
			WorkOrders: []string{"WorkOrder:WO-A 2/1", "WorkOrder:WO-P1 1/0"},
			Boxes:      []string{"Box:BX1 2/0"},
			Shipments:  []string{"Shipment:SH1 2/0"},
			Customers:  []string{"Customer:CU1 2/0"},
		}},
		{"material that matches nothing", tracegraph.RecallRequest{Material: &tracegraph.MaterialFilter{Supplier: "NOBODY"}}, report{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkReport(t, tt.name, recall(t, s, tt.req), tt.want)
			sameUnits(t, s, tt.req)
		})
	}
	t.Run("bad requests", func(t *testing.T) {
		for _, tt := range []struct {
			req   tracegraph.RecallRequest
			field string
		}{
			{tracegraph.RecallRequest{}, "suspects"},
			{tracegraph.RecallRequest{Material: &tracegraph.MaterialFilter{}}, "material"},
			{tracegraph.RecallRequest{Material: &tracegraph.MaterialFilter{Supplier: "ARROW", DateCodeFrom: "2599"}}, "material.dateCodeFrom"},
		} {
			_, err := s.RecallImpact(bg, tt.req)
			wantCode(t, fmt.Sprintf("RecallImpact(%+v)", tt.req), err, tracegraph.CodeInvalid)
			if e := tracegraph.AsError(err); err != nil && e.Field != tt.field {
				t.Errorf("RecallImpact(%+v) error field = %q, want %q", tt.req, e.Field, tt.field)
			}
			err = s.RecallUnits(bg, tt.req, func(tracegraph.RecallUnit) error { return nil })
			wantCode(t, fmt.Sprintf("RecallUnits(%+v)", tt.req), err, tracegraph.CodeInvalid)
		}
	})
}

// testRecallUnits: RecallUnits streams exactly the units of RecallImpact,
// for the recall fixtures and for a fan-out of thousands of units, and stops
// at the first error emit returns.
func testRecallUnits(t *testing.T, open Opener) {
	t.Run("recall fixture", func(t *testing.T) {
		s := open(t)
		load(t, s, recallFixture)
		for _, sus := range [][]string{{"WaferBatch:W1"}, {"MaterialLot:L1"}, {"MaterialLot:L2", "MaterialLot:L9"}, {"Unit:A3"}} {
			sameUnits(t, s, tracegraph.RecallRequest{Suspects: ids(sus...)})
		}
		sameUnits(t, s, tracegraph.RecallRequest{Suspects: ids("MaterialLot:L1"), AsOf: At(5)})
		err := s.RecallUnits(bg, tracegraph.RecallRequest{Suspects: ids("MaterialLot:NOPE")}, func(tracegraph.RecallUnit) error { return nil })
		wantCode(t, "RecallUnits(MaterialLot:NOPE)", err, tracegraph.CodeNotFound)
	})
	t.Run("rework", func(t *testing.T) {
		s := open(t)
		load(t, s, recallReworkFixture)
		for _, req := range []tracegraph.RecallRequest{
			{Suspects: ids("MaterialLot:L1")}, {Suspects: ids("MaterialLot:L1"), History: true}, {Suspects: ids("MaterialLot:L1"), AsOf: At(5)}} {
			sameUnits(t, s, req)
		}
	})
	t.Run("fan-out", func(t *testing.T) {
		s := open(t)
		const n = 2500
		evs := []*tracegraph.Event{event(t, "rcv-r1", tracegraph.EventLotReceived, 0, map[string]any{"lot": "R1", "partNumber": "C-100N", "supplier": "MURATA", "dateCode": "2505"})}
		for i := range n {
			serial := fmt.Sprintf("F%04d", i)
			prec := "EXACT"
			if i%50 == 7 {
				prec = "CANDIDATE"
			}
			evs = append(evs,
				event(t, "mk-"+serial, tracegraph.EventUnitCreated, 1, map[string]any{"serial": serial, "partNumber": "PCBA-1", "workOrder": "WO-F"}),
				event(t, "use-"+serial, tracegraph.EventMaterialConsumed, 2, map[string]any{"unit": serial, "lot": "R1", "precision": prec}))
			if i%5 == 0 {
				p := fmt.Sprintf("G%04d", i)
				evs = append(evs,
					event(t, "mk-"+p, tracegraph.EventUnitCreated, 3, map[string]any{"serial": p, "partNumber": "PRD-1"}),
					event(t, "as-"+p, tracegraph.EventUnitAssembled, 4, map[string]any{"parent": p, "child": serial}))
			}
		}
		mustApplyAll(t, s, evs, 500)
		req := tracegraph.RecallRequest{Material: &tracegraph.MaterialFilter{Supplier: "MURATA", DateCodeFrom: "2501", DateCodeTo: "2510"}}
		if got := recallUnits(t, s, req); len(got) != n+n/5 {
			t.Errorf("RecallUnits(R1) streamed %d units, want %d", len(got), n+n/5)
		}
		sameUnits(t, s, req)
		// A slow receiver holds up neither readers nor writers: emit may
		// read and write the store while the stream is open.
		wrote := false
		err := s.RecallUnits(bg, req, func(u tracegraph.RecallUnit) error {
			if _, err := s.Node(bg, u.ID); err != nil {
				return err
			}
			if !wrote {
				wrote = true
				done := make(chan error, 1)
				go func() {
					_, err := s.Apply(bg, []*tracegraph.Event{event(t, "mk-late", tracegraph.EventUnitCreated, 5,
						map[string]any{"serial": "LATE", "partNumber": "PCBA-1"})}, tracegraph.ApplyOptions{})
					done <- err
				}()
				select {
				case err := <-done:
					return err
				case <-time.After(time.Minute):
					return errors.New("Apply did not return while a stream was being consumed")
				}
			}
			return nil
		})
		if err != nil {
			t.Errorf("RecallUnits with an emit that reads and writes the store: %v", err)
		}
		stop := errors.New("client went away")
		calls := 0
		err = s.RecallUnits(bg, req, func(tracegraph.RecallUnit) error {
			if calls++; calls == 10 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || calls != 10 {
			t.Errorf("RecallUnits with an emit that fails at the 10th unit = %v after %d calls, want the emit error after 10", err, calls)
		}
	})
}

// evidenceFixture: best paths by precision, then hops.
//
//	P1: CANDIDATE in 1 hop from L1, EXACT in 3 (L1 → B1 → A1 → P1)
//	Q1: EXACT in 1 hop and EXACT in 2 (L1 → A2 → Q1)
//	R1: ORDER in 1 hop, CANDIDATE in 2 (L1 → A3 → R1)
//	T1: two EXACT paths of 2 hops, through A4 (recorded first) and A5
const evidenceFixture = `
0  rcv-l1  lot.received       {"lot":"L1","partNumber":"IC-5"}
1  mk-a1   unit.created       {"serial":"A1","partNumber":"PCBA-1"}
1  mk-a2   unit.created       {"serial":"A2","partNumber":"PCBA-1"}
1  mk-a3   unit.created       {"serial":"A3","partNumber":"PCBA-1"}
1  mk-a4   unit.created       {"serial":"A4","partNumber":"PCBA-1"}
1  mk-a5   unit.created       {"serial":"A5","partNumber":"PCBA-1"}
1  mk-b1   unit.created       {"serial":"B1","partNumber":"SUB-1"}
1  mk-p1   unit.created       {"serial":"P1","partNumber":"PRD-1"}
1  mk-q1   unit.created       {"serial":"Q1","partNumber":"PRD-1"}
1  mk-r1   unit.created       {"serial":"R1","partNumber":"PRD-1"}
1  mk-t1   unit.created       {"serial":"T1","partNumber":"PRD-1"}
2  p1-l1   material.consumed  {"unit":"P1","lot":"L1","precision":"CANDIDATE"}
2  b1-l1   material.consumed  {"unit":"B1","lot":"L1"}
2  a2-l1   material.consumed  {"unit":"A2","lot":"L1"}
2  a3-l1   material.consumed  {"unit":"A3","lot":"L1","precision":"CANDIDATE"}
2  r1-l1   material.consumed  {"unit":"R1","lot":"L1","precision":"ORDER"}
2  a4-l1   material.consumed  {"unit":"A4","lot":"L1"}
2  a5-l1   material.consumed  {"unit":"A5","lot":"L1"}
3  a1-b1   unit.assembled     {"parent":"A1","child":"B1"}
3  q1-a2   unit.assembled     {"parent":"Q1","child":"A2"}
3  r1-a3   unit.assembled     {"parent":"R1","child":"A3"}
3  t1-a4   unit.assembled     {"parent":"T1","child":"A4"}
3  t1-a5   unit.assembled     {"parent":"T1","child":"A5"}
4  p1-a1   unit.assembled     {"parent":"P1","child":"A1"}
5  q1-l1   material.consumed  {"unit":"Q1","lot":"L1"}
`

// evidence returns the Evidence path as fmtEdge strings, in order.
func evidence(t *testing.T, s tracegraph.Store, req tracegraph.RecallRequest, unit string) []string {
	t.Helper()
	es, err := s.Evidence(bg, req, tracegraph.ID(unit))
	if err != nil {
		t.Fatalf("Evidence(%v, %s) error: %v", req.Suspects, unit, err)
	}
	out := []string{}
	for _, e := range es {
		out = append(out, fmtEdge(e))
	}
	return out
}

// testEvidence: the chain of edges that makes a unit affected: the most
// precise path, then the shortest; rework now and in history; material
// filters; units that are suspects, unaffected or missing.
func testEvidence(t *testing.T, open Opener) {
	type evCase struct {
		name string
		req  tracegraph.RecallRequest
		unit string
		want []string
	}
	run := func(t *testing.T, s tracegraph.Store, tests []evCase) {
		t.Helper()
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := evidence(t, s, tt.req, tt.unit); !slices.Equal(got, tt.want) {
					t.Errorf("Evidence(%v, %s) =\n%s\nwant\n%s", tt.req.Suspects, tt.unit, lines(got), lines(tt.want))
				}
			})
		}
	}
	l1 := tracegraph.RecallRequest{Suspects: ids("MaterialLot:L1")}
	t.Run("paths", func(t *testing.T) {
		s := open(t)
		load(t, s, evidenceFixture)
		run(t, s, []evCase{
			{"EXACT over a shorter CANDIDATE", l1, "Unit:P1", []string{
				"CONSUMED Unit:B1->MaterialLot:L1 EXACT from m2", "CONTAINS Unit:A1->Unit:B1 EXACT from m3", "CONTAINS Unit:P1->Unit:A1 EXACT from m4"}},
			{"fewest hops", l1, "Unit:Q1", []string{"CONSUMED Unit:Q1->MaterialLot:L1 EXACT from m5"}},
			{"CANDIDATE over a shorter ORDER", l1, "Unit:R1", []string{
				"CONSUMED Unit:A3->MaterialLot:L1 CANDIDATE from m2", "CONTAINS Unit:R1->Unit:A3 EXACT from m3"}},
			{"tie: the first recorded", l1, "Unit:T1", []string{
				"CONSUMED Unit:A4->MaterialLot:L1 EXACT from m2", "CONTAINS Unit:T1->Unit:A4 EXACT from m3"}},
			{"a suspect unit", tracegraph.RecallRequest{Suspects: ids("Unit:A1")}, "Unit:A1", []string{}},
			{"from a suspect unit", tracegraph.RecallRequest{Suspects: ids("Unit:B1")}, "Unit:P1", []string{
				"CONTAINS Unit:A1->Unit:B1 EXACT from m3", "CONTAINS Unit:P1->Unit:A1 EXACT from m4"}},
		})
		// The path agrees with RecallImpact's precision for every unit.
		r, err := s.RecallImpact(bg, l1)
		if err != nil {
			t.Fatalf("RecallImpact(L1) error: %v", err)
		}
		for _, u := range append(r.Confirmed, r.Possible...) {
			es, err := s.Evidence(bg, l1, u.ID)
			if err != nil {
				t.Errorf("Evidence(L1, %s) error: %v", u.ID, err)
				continue
			}
			p := tracegraph.PrecisionExact
			for _, e := range es {
				p = min(p, e.Precision)
			}
			if p != u.Precision || len(es) < u.Depth {
				t.Errorf("Evidence(L1, %s) is %s in %d hops; RecallImpact says %s at depth %d", u.ID, p, len(es), u.Precision, u.Depth)
			}
		}
		for _, tt := range []struct {
			unit string
			code tracegraph.Code
		}{{"Unit:NOPE", tracegraph.CodeNotFound}, {"MaterialLot:L1", tracegraph.CodeNotFound}, {"not an id", tracegraph.CodeInvalid}} {
			_, err := s.Evidence(bg, l1, tracegraph.ID(tt.unit))
			wantCode(t, "Evidence(L1, "+tt.unit+")", err, tt.code)
		}
		_, err = s.Evidence(bg, tracegraph.RecallRequest{Suspects: ids("Unit:A2")}, "Unit:P1")
		wantCode(t, "Evidence(A2, P1) (not affected)", err, tracegraph.CodeNotFound)
	})
	t.Run("material", func(t *testing.T) {
		s := open(t)
		load(t, s, materialFixture)
		arrow := tracegraph.RecallRequest{Material: &tracegraph.MaterialFilter{Supplier: "ARROW", DateCodeFrom: "2510", DateCodeTo: "2512"}}
		run(t, s, []evCase{
			{"component in one hop", arrow, "Unit:P1", []string{"CONTAINS Unit:P1->Component:C1 EXACT from m3"}},
			{"ORDER only", arrow, "Unit:A5", []string{"CONSUMED Unit:A5->MaterialLot:L1 ORDER from m2"}},
			{"splice window", tracegraph.RecallRequest{Material: &tracegraph.MaterialFilter{MPN: "NRF52", DateCodeFrom: "2511"}}, "Unit:P3", []string{
				"CONSUMED Unit:A3->MaterialLot:L3 CANDIDATE from m2", "CONTAINS Unit:P3->Unit:A3 EXACT from m3"}},
			{"from the wafer", tracegraph.RecallRequest{Suspects: ids("WaferBatch:W1")}, "Unit:P1", []string{
				"DERIVED_FROM MaterialLot:L1->WaferBatch:W1 EXACT from m0", "CONSUMED Unit:A1->MaterialLot:L1 EXACT from m2", "CONTAINS Unit:P1->Unit:A1 EXACT from m3"}},
		})
		_, err := s.Evidence(bg, arrow, "Unit:P2")
		wantCode(t, "Evidence(ARROW 2510-2512, P2)", err, tracegraph.CodeNotFound)
	})
	t.Run("rework", func(t *testing.T) {
		s := open(t)
		load(t, s, recallReworkFixture)
		removed := []string{"CONSUMED Unit:A1->MaterialLot:L1 EXACT from m2", "CONTAINS Unit:P1->Unit:A1 EXACT from m3 to m10 by p1-rm"}
		run(t, s, []evCase{
			{"the new product now", l1, "Unit:P7", []string{"CONSUMED Unit:A1->MaterialLot:L1 EXACT from m2", "CONTAINS Unit:P7->Unit:A1 EXACT from m11"}},
			{"the old product in history", tracegraph.RecallRequest{Suspects: ids("MaterialLot:L1"), History: true}, "Unit:P1", removed},
			{"the old product before the swap", tracegraph.RecallRequest{Suspects: ids("MaterialLot:L1"), AsOf: At(5)}, "Unit:P1", removed},
		})
		_, err := s.Evidence(bg, l1, "Unit:P1")
		wantCode(t, "Evidence(L1, P1) after the swap", err, tracegraph.CodeNotFound)
	})
}

// whereUsed is a WhereUsedReport in comparable form.
type whereUsed struct {
	Material                      int
	Units                         []string // "ID PRECISION dDEPTH STATUS", in ID order
	ConfirmedCount, PossibleCount tracegraph.StatusCounts
	Products                      []string // "PART c/p"
	ProductUnits                  int
	WorkOrders, Customers         []string
}

func fmtParts(ps []tracegraph.PartCount) []string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s %d/%d", p.PartNumber, p.Confirmed, p.Possible))
	}
	return out
}

// whereUsedAll asks WhereUsed in pages of n and returns the answer, checking
// that every page agrees on the counts and that the units come in ID order,
// then that WhereUsedUnits streams the same units.
func whereUsedAll(t *testing.T, s tracegraph.Store, req tracegraph.WhereUsedRequest, n int) whereUsed {
	t.Helper()
	var out, first whereUsed
	req.Page = tracegraph.Page{First: n}
	for i := 0; ; i++ {
		r, err := s.WhereUsed(bg, req)
		if err != nil {
			t.Fatalf("WhereUsed(%+v) error: %v", req, err)
		}
		if len(r.Units) > n || len(r.Cursors) != len(r.Units) {
			t.Fatalf("WhereUsed(%+v) = %d units, %d cursors; want at most %d, one cursor each", req, len(r.Units), len(r.Cursors), n)
		}
		page := whereUsed{Material: r.Material, ConfirmedCount: r.ConfirmedCount, PossibleCount: r.PossibleCount,
			Products: fmtParts(r.Products), ProductUnits: r.ProductUnits, WorkOrders: fmtRollup(r.WorkOrders), Customers: fmtRollup(r.Customers)}
		if i == 0 {
			out, first = page, page
		} else if fmt.Sprint(page) != fmt.Sprint(first) {
			t.Errorf("WhereUsed(%+v) page %d counts %+v, first page %+v", req, i, page, first)
		}
		for _, u := range r.Units {
			out.Units = append(out.Units, fmt.Sprintf("%s %s d%d %s", u.ID, u.Precision, u.Depth, u.Status))
		}
		if !r.HasNextPage {
			break
		}
		if len(r.Units) == 0 || i > 100 {
			t.Fatalf("WhereUsed(%+v) says there is a next page but returned %d units", req, len(r.Units))
		}
		req.Page.After = r.Cursors[len(r.Cursors)-1]
	}
	if !slices.IsSorted(out.Units) {
		t.Errorf("WhereUsed(%+v) units = %v, want them in ID order", req, out.Units)
	}
	c, p := out.ConfirmedCount, out.PossibleCount
	if total := c.Shipped + c.InHouse + c.Scrapped + p.Shipped + p.InHouse + p.Scrapped; total != len(out.Units) {
		t.Errorf("WhereUsed(%+v) counts %d units, its pages hold %d", req, total, len(out.Units))
	}
	var streamed []tracegraph.RecallUnit
	if err := s.WhereUsedUnits(bg, req, func(u tracegraph.RecallUnit) error { streamed = append(streamed, u); return nil }); err != nil {
		t.Fatalf("WhereUsedUnits(%+v) error: %v", req, err)
	}
	if got := checkStream(t, "WhereUsedUnits", streamed); !slices.Equal(got, out.Units) {
		t.Errorf("WhereUsedUnits(%+v) =\n%s\nWhereUsed pages hold\n%s", req, lines(got), lines(out.Units))
	}
	return out
}

// testWhereUsed: where material went, by each property, with date codes,
// shipped between two moments, as of a moment, a page at a time.
func testWhereUsed(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, materialFixture)
	arrow := tracegraph.MaterialFilter{Supplier: "ARROW"}
	tests := []struct {
		name string
		req  tracegraph.WhereUsedRequest
		want whereUsed
	}{
		{"supplier", tracegraph.WhereUsedRequest{Material: arrow}, whereUsed{
			Material: 6,
			Units: []string{"Unit:A1 EXACT d1 SHIPPED", "Unit:A2 EXACT d1 SHIPPED", "Unit:A4 EXACT d1 WIP", "Unit:A5 ORDER d1 WIP", "Unit:A6 EXACT d1 WIP",
				"Unit:P1 EXACT d1 SHIPPED", "Unit:P2 EXACT d2 SHIPPED", "Unit:P3 EXACT d1 SHIPPED", "Unit:P4 EXACT d2 WIP"},
			ConfirmedCount: tracegraph.StatusCounts{Shipped: 5, InHouse: 3}, PossibleCount: tracegraph.StatusCounts{InHouse: 1},
			Products: []string{"PCBA-1 1/1", "PRD-1 2/0", "PRD-2 2/0"}, ProductUnits: 6,
			WorkOrders: []string{"WorkOrder:WO-A 4/1", "WorkOrder:WO-P1 2/0", "WorkOrder:WO-P2 2/0"},
			Customers:  []string{"Customer:CU1 3/0", "Customer:CU2 2/0"},
		}},
		{"mpn with date codes", tracegraph.WhereUsedRequest{Material: tracegraph.MaterialFilter{MPN: "NRF52", DateCodeFrom: "2511", DateCodeTo: "2520"}}, whereUsed{
			Material:       2,
			Units:          []string{"Unit:A2 EXACT d1 SHIPPED", "Unit:A3 CANDIDATE d1 SHIPPED", "Unit:P2 EXACT d2 SHIPPED", "Unit:P3 CANDIDATE d2 SHIPPED"},
			ConfirmedCount: tracegraph.StatusCounts{Shipped: 2}, PossibleCount: tracegraph.StatusCounts{Shipped: 2},
			Products: []string{"PRD-1 1/0", "PRD-2 0/1"}, ProductUnits: 2,
			WorkOrders: []string{"WorkOrder:WO-A 1/1", "WorkOrder:WO-P1 1/0", "WorkOrder:WO-P2 0/1"},
			Customers:  []string{"Customer:CU1 0/2", "Customer:CU2 2/0"},
		}},
		{"manufacturer", tracegraph.WhereUsedRequest{Material: tracegraph.MaterialFilter{Manufacturer: "Quectel"}}, whereUsed{
			Material:       3,
			Units:          []string{"Unit:P1 EXACT d1 SHIPPED", "Unit:P2 EXACT d1 SHIPPED", "Unit:P3 EXACT d1 SHIPPED"},
			ConfirmedCount: tracegraph.StatusCounts{Shipped: 3},
			Products:       []string{"PRD-1 2/0", "PRD-2 1/0"}, ProductUnits: 3,
			WorkOrders: []string{"WorkOrder:WO-P1 2/0", "WorkOrder:WO-P2 1/0"},
			Customers:  []string{"Customer:CU1 2/0", "Customer:CU2 1/0"},
		}},
		{"country of origin", tracegraph.WhereUsedRequest{Material: tracegraph.MaterialFilter{CountryOfOrigin: "CN"}}, whereUsed{
			Material:       2,
			Units:          []string{"Unit:A3 CANDIDATE d1 SHIPPED", "Unit:A4 EXACT d1 WIP", "Unit:P3 CANDIDATE d2 SHIPPED", "Unit:P4 EXACT d2 WIP"},
			ConfirmedCount: tracegraph.StatusCounts{InHouse: 2}, PossibleCount: tracegraph.StatusCounts{Shipped: 2},
			Products: []string{"PRD-2 1/1"}, ProductUnits: 2,
			WorkOrders: []string{"WorkOrder:WO-A 1/1", "WorkOrder:WO-P2 1/1"},
			Customers:  []string{"Customer:CU1 0/2"},
		}},
		{"part number", tracegraph.WhereUsedRequest{Material: tracegraph.MaterialFilter{PartNumber: "R-1"}}, whereUsed{
			Material:       2,
			Units:          []string{"Unit:A4 EXACT d1 WIP", "Unit:A6 EXACT d1 WIP", "Unit:P4 EXACT d2 WIP"},
			ConfirmedCount: tracegraph.StatusCounts{InHouse: 3},
			Products:       []string{"PCBA-1 1/0", "PRD-2 1/0"}, ProductUnits: 2,
			WorkOrders: []string{"WorkOrder:WO-A 2/0", "WorkOrder:WO-P2 1/0"},
		}},
		{"date codes alone", tracegraph.WhereUsedRequest{Material: tracegraph.MaterialFilter{DateCodeFrom: "2512", DateCodeTo: "2512"}}, whereUsed{
			Material:       3,
			Units:          []string{"Unit:A3 CANDIDATE d1 SHIPPED", "Unit:P1 EXACT d1 SHIPPED", "Unit:P3 EXACT d1 SHIPPED"},
			ConfirmedCount: tracegraph.StatusCounts{Shipped: 2}, PossibleCount: tracegraph.StatusCounts{Shipped: 1},
			Products: []string{"PRD-1 1/0", "PRD-2 1/0"}, ProductUnits: 2,
			WorkOrders: []string{"WorkOrder:WO-A 0/1", "WorkOrder:WO-P1 1/0", "WorkOrder:WO-P2 1/0"},
			Customers:  []string{"Customer:CU1 2/1"},
		}},
		{"shipped between", tracegraph.WhereUsedRequest{Material: arrow, ShippedFrom: At(15), ShippedTo: At(35)}, whereUsed{
			Material:       6,
			Units:          []string{"Unit:A2 EXACT d1 SHIPPED", "Unit:P2 EXACT d2 SHIPPED", "Unit:P3 EXACT d1 SHIPPED"},
			ConfirmedCount: tracegraph.StatusCounts{Shipped: 3},
			Products:       []string{"PRD-1 1/0", "PRD-2 1/0"}, ProductUnits: 2,
			WorkOrders: []string{"WorkOrder:WO-A 1/0", "WorkOrder:WO-P1 1/0", "WorkOrder:WO-P2 1/0"},
			Customers:  []string{"Customer:CU1 1/0", "Customer:CU2 2/0"},
		}},
		{"shipped before", tracegraph.WhereUsedRequest{Material: arrow, ShippedTo: At(15)}, whereUsed{
			Material:       6,
			Units:          []string{"Unit:A1 EXACT d1 SHIPPED", "Unit:P1 EXACT d1 SHIPPED"},
			ConfirmedCount: tracegraph.StatusCounts{Shipped: 2},
			Products:       []string{"PRD-1 1/0"}, ProductUnits: 1,
			WorkOrders: []string{"WorkOrder:WO-A 1/0", "WorkOrder:WO-P1 1/0"},
			Customers:  []string{"Customer:CU1 2/0"},
		}},
		{"shipped at the end of the window", tracegraph.WhereUsedRequest{Material: arrow, ShippedFrom: At(10), ShippedTo: At(20)}, whereUsed{
			Material:       6,
			Units:          []string{"Unit:A1 EXACT d1 SHIPPED", "Unit:P1 EXACT d1 SHIPPED"},
			ConfirmedCount: tracegraph.StatusCounts{Shipped: 2},
			Products:       []string{"PRD-1 1/0"}, ProductUnits: 1,
			WorkOrders: []string{"WorkOrder:WO-A 1/0", "WorkOrder:WO-P1 1/0"},
			Customers:  []string{"Customer:CU1 2/0"},
		}},
		{"nothing shipped yet as of minute 5", tracegraph.WhereUsedRequest{Material: arrow, ShippedFrom: At(0), AsOf: At(5)}, whereUsed{Material: 6}},
		{"nothing matches", tracegraph.WhereUsedRequest{Material: tracegraph.MaterialFilter{Supplier: "NOBODY"}}, whereUsed{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, n := range []int{100, 4, 1} {
				got := whereUsedAll(t, s, tt.req, n)
				if fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Errorf("WhereUsed(%+v) in pages of %d =\n\t%+v\nwant\n\t%+v", tt.req, n, got, tt.want)
				}
			}
		})
	}
	t.Run("bad requests", func(t *testing.T) {
		for _, tt := range []struct {
			req  tracegraph.WhereUsedRequest
			code tracegraph.Code
		}{
			{tracegraph.WhereUsedRequest{}, tracegraph.CodeInvalid},
			{tracegraph.WhereUsedRequest{Material: arrow, ShippedFrom: At(20), ShippedTo: At(10)}, tracegraph.CodeInvalid},
			{tracegraph.WhereUsedRequest{Material: arrow, Page: tracegraph.Page{After: "u12"}}, tracegraph.CodeInvalid},
			{tracegraph.WhereUsedRequest{Material: arrow, Page: tracegraph.Page{First: tracegraph.MaxPageSize + 1}}, tracegraph.CodeLimit},
		} {
			_, err := s.WhereUsed(bg, tt.req)
			wantCode(t, fmt.Sprintf("WhereUsed(%+v)", tt.req), err, tt.code)
		}
	})
}

// processEvents: process records at stations, with numeric and text
// parameters, one of them voided.
func processEvents(t *testing.T) []*tracegraph.Event {
	at := func(ev *tracegraph.Event, station string) *tracegraph.Event { ev.Station = station; return ev }
	units := []string{"U1", "U2", "U3", "U4", "U5"}
	var evs []*tracegraph.Event
	for _, u := range units {
		evs = append(evs, event(t, "mk-"+u, tracegraph.EventUnitCreated, 0, map[string]any{"serial": u, "partNumber": "PCBA-1"}))
	}
	proc := func(id string, m int, station, step, recipe string, params map[string]any, units ...string) *tracegraph.Event {
		return at(event(t, id, tracegraph.EventProcessRecorded, m, map[string]any{"units": units, "step": step, "recipe": recipe, "parameters": params}), station)
	}
	return append(evs,
		proc("pr-1", 10, "OVEN-1", "reflow", "RF-A", map[string]any{"peakC": 245, "speed": 80}, "U1", "U2"),
		proc("pr-5", 15, "PRINT-1", "print", "SP-1", map[string]any{"pressure": 6.5}, units...),
		proc("pr-2", 20, "OVEN-1", "reflow", "RF-A", map[string]any{"peakC": 262}, "U3"),
		proc("pr-3", 30, "OVEN-2", "reflow", "RF-B", map[string]any{"peakC": 238}, "U4"),
		proc("pr-4", 40, "OVEN-1", "reflow", "RF-A", map[string]any{"peakC": "n/a"}, "U5"),
		proc("pr-7", 45, "OVEN-1", "reflow", "RF-A", map[string]any{"peakC": 300}, "U4"),
		event(t, "void-pr-7", tracegraph.EventVoided, 46, map[string]any{"event": "pr-7", "reason": "wrong oven"}),
		proc("pr-6", 50, "OVEN-1", "reflow", "RF-A", map[string]any{"peakC": 230}, "U2"),
	)
}

// pageUnits lists every unit of a paged question in pages of n, checking the
// pages: one cursor per unit, totals that agree, ID order.
func pageUnits(t *testing.T, what string, n int, ask func(tracegraph.Page) (*tracegraph.UnitPage, error)) []string {
	t.Helper()
	var out []string
	page := tracegraph.Page{First: n}
	total := -1
	for i := 0; ; i++ {
		p, err := ask(page)
		if err != nil {
			t.Fatalf("%s page %+v error: %v", what, page, err)
		}
		if len(p.Units) > n || len(p.Cursors) != len(p.Units) {
			t.Fatalf("%s page %+v = %d units, %d cursors; want at most %d, one cursor each", what, page, len(p.Units), len(p.Cursors), n)
		}
		if total >= 0 && p.TotalCount != total {
			t.Errorf("%s page %+v TotalCount = %d, first page said %d", what, page, p.TotalCount, total)
		}
		total = p.TotalCount
		for _, u := range p.Units {
			out = append(out, string(u.ID))
		}
		if !p.HasNextPage {
			break
		}
		if len(p.Units) == 0 || i > 100 {
			t.Fatalf("%s says there is a next page but returned %d units", what, len(p.Units))
		}
		page.After = p.Cursors[len(p.Cursors)-1]
	}
	if total != len(out) {
		t.Errorf("%s TotalCount = %d, but the pages held %d units", what, total, len(out))
	}
	if !slices.IsSorted(out) {
		t.Errorf("%s = %v, want ID order", what, out)
	}
	return out
}

func fptr(f float64) *float64 { return &f }

// testProcessUnits: units processed at a station, recipe or step between two
// moments, with a parameter outside a window.
func testProcessUnits(t *testing.T, open Opener) {
	s := open(t)
	mustApply(t, s, processEvents(t)...)
	tests := []struct {
		name string
		q    tracegraph.ProcessQuery
		want []string
	}{
		{"station", tracegraph.ProcessQuery{Station: "OVEN-1"}, []string{"Unit:U1", "Unit:U2", "Unit:U3", "Unit:U5"}},
		{"station between", tracegraph.ProcessQuery{Station: "OVEN-1", From: At(15), To: At(45)}, []string{"Unit:U3", "Unit:U5"}},
		{"station until", tracegraph.ProcessQuery{Station: "OVEN-1", To: At(20)}, []string{"Unit:U1", "Unit:U2"}},
		{"recipe with a parameter outside a window", tracegraph.ProcessQuery{Recipe: "RF-A", Parameter: "peakC", Min: fptr(235), Max: fptr(255)},
			[]string{"Unit:U2", "Unit:U3"}},
		{"above a maximum", tracegraph.ProcessQuery{Step: "reflow", Parameter: "peakC", Max: fptr(240)}, []string{"Unit:U1", "Unit:U2", "Unit:U3"}},
		{"below a minimum", tracegraph.ProcessQuery{Step: "reflow", Parameter: "peakC", Min: fptr(240)}, []string{"Unit:U2", "Unit:U4"}},
		{"below a minimum between", tracegraph.ProcessQuery{Step: "reflow", Parameter: "peakC", Min: fptr(240), From: At(0), To: At(45)}, []string{"Unit:U4"}},
		{"station and recipe", tracegraph.ProcessQuery{Station: "OVEN-1", Recipe: "RF-B"}, nil},
		{"station and step", tracegraph.ProcessQuery{Station: "OVEN-2", Step: "reflow"}, []string{"Unit:U4"}},
		{"within the window", tracegraph.ProcessQuery{Step: "print", Parameter: "pressure", Min: fptr(5), Max: fptr(7)}, nil},
		{"a parameter the records lack", tracegraph.ProcessQuery{Station: "PRINT-1", Parameter: "peakC", Max: fptr(1)}, nil},
		{"a batch record", tracegraph.ProcessQuery{Recipe: "SP-1"}, []string{"Unit:U1", "Unit:U2", "Unit:U3", "Unit:U4", "Unit:U5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, n := range []int{100, 2, 1} {
				got := pageUnits(t, fmt.Sprintf("ProcessUnits(%+v)", tt.q), n, func(p tracegraph.Page) (*tracegraph.UnitPage, error) {
					return s.ProcessUnits(bg, tt.q, p)
				})
				if !slices.Equal(got, tt.want) {
					t.Errorf("ProcessUnits(%+v) in pages of %d = %v, want %v", tt.q, n, got, tt.want)
				}
			}
		})
	}
	t.Run("bad questions", func(t *testing.T) {
		for _, tt := range []struct {
			q    tracegraph.ProcessQuery
			page tracegraph.Page
			code tracegraph.Code
		}{
			{tracegraph.ProcessQuery{}, tracegraph.Page{}, tracegraph.CodeInvalid},
			{tracegraph.ProcessQuery{Station: "OVEN-1", Parameter: "peakC"}, tracegraph.Page{}, tracegraph.CodeInvalid},
			{tracegraph.ProcessQuery{Station: "OVEN-1", Min: fptr(1)}, tracegraph.Page{}, tracegraph.CodeInvalid},
			{tracegraph.ProcessQuery{Station: "OVEN-1", Parameter: "peakC", Min: fptr(3), Max: fptr(1)}, tracegraph.Page{}, tracegraph.CodeInvalid},
			{tracegraph.ProcessQuery{Station: "OVEN-1", From: At(10), To: At(10)}, tracegraph.Page{}, tracegraph.CodeInvalid},
			{tracegraph.ProcessQuery{Station: "OVEN-1"}, tracegraph.Page{After: "not a cursor"}, tracegraph.CodeInvalid},
			{tracegraph.ProcessQuery{Station: "OVEN-1"}, tracegraph.Page{First: tracegraph.MaxPageSize + 1}, tracegraph.CodeLimit},
		} {
			_, err := s.ProcessUnits(bg, tt.q, tt.page)
			wantCode(t, fmt.Sprintf("ProcessUnits(%+v, %+v)", tt.q, tt.page), err, tt.code)
		}
	})
}

// testEvents: test records with measurements near and beyond their limits,
// and firmware.
func testEvents(t *testing.T) []*tracegraph.Event {
	var evs []*tracegraph.Event
	for _, u := range []string{"U1", "U2", "U3", "U4", "U5"} {
		evs = append(evs, event(t, "mk-"+u, tracegraph.EventUnitCreated, 0, map[string]any{"serial": u, "partNumber": "PCBA-1"}))
	}
	vout := func(v float64) map[string]any {
		return map[string]any{"name": "Vout", "value": v, "unit": "V", "low": 3.2, "high": 3.4}
	}
	fw := func(v, c string) map[string]any { return map[string]any{"version": v, "checksum": c} }
	test := func(id string, m int, unit, typ, result string, ms []any, firmware map[string]any) *tracegraph.Event {
		data := map[string]any{"unit": unit, "testType": typ, "result": result, "measurements": ms}
		if firmware != nil {
			data["firmware"] = firmware
		}
		return event(t, id, tracegraph.EventTestRecorded, m, data)
	}
	return append(evs,
		test("t-1", 10, "U1", "FCT", "pass", []any{vout(3.29)}, fw("1.4.0", "ab12")),
		test("t-2", 20, "U2", "FCT", "pass", []any{vout(3.215)}, fw("1.4.0", "ab12")),
		test("t-3", 30, "U3", "FCT", "fail", []any{vout(3.45)}, fw("1.4.1", "cd34")),
		test("t-4", 40, "U4", "FCT", "pass", []any{vout(3.395)}, fw("1.4.1", "cd34")),
		test("t-5", 25, "U5", "ICT", "pass", []any{vout(3.21)}, nil),
		test("t-6", 35, "U5", "fct", "pass", []any{map[string]any{"name": "Iq", "value": 0.95, "unit": "mA", "high": 1.0}}, fw("1.4.0", "ef56")),
		test("t-7", 50, "U1", "FCT", "fail", []any{map[string]any{"name": "Vout", "value": 3.3, "low": 3.2, "high": 3.4, "result": "fail"}}, nil),
	)
}

// testTestUnits: units whose measurement came near a limit or failed it,
// between two moments; units tested with a firmware version or checksum.
func testTestUnits(t *testing.T, open Opener) {
	s := open(t)
	mustApply(t, s, testEvents(t)...)
	tests := []struct {
		name string
		q    tracegraph.TestQuery
		want []string
	}{
		{"within 10 %", tracegraph.TestQuery{TestType: "FCT", Measurement: "Vout", WithinPercent: 10}, []string{"Unit:U2", "Unit:U4"}},
		{"within 5 %", tracegraph.TestQuery{TestType: "FCT", Measurement: "Vout", WithinPercent: 5}, []string{"Unit:U4"}},
		{"failed", tracegraph.TestQuery{TestType: "FCT", Measurement: "Vout", Failed: true}, []string{"Unit:U1", "Unit:U3"}},
		{"near or failed", tracegraph.TestQuery{TestType: "FCT", Measurement: "Vout", WithinPercent: 10, Failed: true},
			[]string{"Unit:U1", "Unit:U2", "Unit:U3", "Unit:U4"}},
		{"within 10 % between", tracegraph.TestQuery{TestType: "FCT", Measurement: "Vout", WithinPercent: 10, From: At(15), To: At(40)}, []string{"Unit:U2"}},
		{"another test type", tracegraph.TestQuery{TestType: "ICT", Measurement: "Vout", WithinPercent: 10}, []string{"Unit:U5"}},
		{"one limit only", tracegraph.TestQuery{TestType: "FCT", Measurement: "Iq", WithinPercent: 10}, []string{"Unit:U5"}},
		{"test type in any case", tracegraph.TestQuery{TestType: "fct"}, []string{"Unit:U1", "Unit:U2", "Unit:U3", "Unit:U4", "Unit:U5"}},
		{"test type between", tracegraph.TestQuery{TestType: "FCT", From: At(20), To: At(40)}, []string{"Unit:U2", "Unit:U3", "Unit:U5"}},
		{"firmware version", tracegraph.TestQuery{FirmwareVersion: "1.4.0"}, []string{"Unit:U1", "Unit:U2", "Unit:U5"}},
		{"firmware checksum", tracegraph.TestQuery{FirmwareChecksum: "cd34"}, []string{"Unit:U3", "Unit:U4"}},
		{"version and checksum", tracegraph.TestQuery{FirmwareVersion: "1.4.0", FirmwareChecksum: "ef56"}, []string{"Unit:U5"}},
		{"version and checksum that never met", tracegraph.TestQuery{FirmwareVersion: "1.4.1", FirmwareChecksum: "ab12"}, nil},
		{"firmware and a failed measurement", tracegraph.TestQuery{TestType: "FCT", Measurement: "Vout", Failed: true, FirmwareVersion: "1.4.1"}, []string{"Unit:U3"}},
		{"firmware between", tracegraph.TestQuery{FirmwareVersion: "1.4.0", From: At(15)}, []string{"Unit:U2", "Unit:U5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, n := range []int{100, 2, 1} {
				got := pageUnits(t, fmt.Sprintf("TestUnits(%+v)", tt.q), n, func(p tracegraph.Page) (*tracegraph.UnitPage, error) {
					return s.TestUnits(bg, tt.q, p)
				})
				if !slices.Equal(got, tt.want) {
					t.Errorf("TestUnits(%+v) in pages of %d = %v, want %v", tt.q, n, got, tt.want)
				}
			}
		})
	}
	t.Run("bad questions", func(t *testing.T) {
		for _, q := range []tracegraph.TestQuery{
			{},
			{Measurement: "Vout", WithinPercent: 10},
			{TestType: "FCT", Measurement: "Vout"},
			{TestType: "FCT", WithinPercent: 10},
			{TestType: "FCT", Measurement: "Vout", WithinPercent: 150},
			{TestType: "FCT", Measurement: "Vout", WithinPercent: -1},
			{TestType: "FCT", From: At(5), To: At(1)},
		} {
			_, err := s.TestUnits(bg, q, tracegraph.Page{})
			wantCode(t, fmt.Sprintf("TestUnits(%+v)", q), err, tracegraph.CodeInvalid)
		}
	})
}
