package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/tracegraph/tracegraph"
)

const semanticsFixture = `
0  rcv-l1  lot.received       {"lot":"L1","partNumber":"R-1","supplier":"ACME"}
1  mk-a1   unit.created       {"serial":"A1","partNumber":"PCBA-1","workOrder":"WO-1"}
1  mk-p1   unit.created       {"serial":"P1","partNumber":"PRD-1"}
2  a1-l1   material.consumed  {"unit":"A1","lot":"L1"}
3  tr-a1   test.recorded      {"unit":"A1","testType":"ICT","result":"pass"}
3  pr-a1   process.recorded   {"units":["A1","P1"],"step":"reflow","parameters":{"peak":245}}
4  p1-a1   unit.assembled     {"parent":"P1","child":"A1"}
5  pk-b1   packed             {"container":"B1","items":["P1"]}
6  sh-1    shipped            {"shipment":"SH1","customer":"CU1","items":["B1"]}
`

// testTraceSemantics: directions, BOTH as a union, edge-type filters, start
// nodes, limits, errors and cancellation.
func testTraceSemantics(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, semanticsFixture)
	upA1 := []string{
		"0 Unit:A1 EXACT", "1 MaterialLot:L1 EXACT", "1 ProcessStep:pr-a1 EXACT", "1 TestRun:tr-a1 EXACT", "1 WorkOrder:WO-1 EXACT",
		"2 Supplier:ACME EXACT"}
	downA1 := []string{"0 Unit:A1 EXACT", "1 Unit:P1 EXACT", "2 Box:B1 EXACT", "3 Shipment:SH1 EXACT"}
	both := func(from ...string) tracegraph.TraceRequest {
		return tracegraph.TraceRequest{From: ids(from...), Direction: tracegraph.Both}
	}
	runTraces(t, s, []traceCase{
		{"upstream", up("Unit:A1"), upA1},
		{"downstream", down("Unit:A1"), downA1},
		{"both", both("Unit:A1"), []string{
			"0 Unit:A1 EXACT", "1 MaterialLot:L1 EXACT", "1 ProcessStep:pr-a1 EXACT", "1 TestRun:tr-a1 EXACT", "1 Unit:P1 EXACT", "1 WorkOrder:WO-1 EXACT",
			"2 Box:B1 EXACT", "2 Supplier:ACME EXACT", "3 Shipment:SH1 EXACT"}},
		{"material only", types(up("Unit:A1"), tracegraph.EdgeConsumed, tracegraph.EdgeDerivedFrom), []string{"0 Unit:A1 EXACT", "1 MaterialLot:L1 EXACT"}},
		{"tests only", types(up("Unit:A1"), tracegraph.EdgeTestedBy), []string{"0 Unit:A1 EXACT", "1 TestRun:tr-a1 EXACT"}},
		{"contains only", types(down("Unit:A1"), tracegraph.EdgeContains), downA1},
		{"contains only depth 2", depth(types(down("Unit:A1"), tracegraph.EdgeContains), 2), downA1[:3]},
		{"depth 1", depth(up("Unit:A1"), 1), upA1[:5]},
		{"shipment", up("Shipment:SH1"), []string{
			"0 Shipment:SH1 EXACT", "1 Box:B1 EXACT", "1 Customer:CU1 EXACT", "2 Unit:P1 EXACT", "3 ProcessStep:pr-a1 EXACT", "3 Unit:A1 EXACT",
			"4 MaterialLot:L1 EXACT", "4 TestRun:tr-a1 EXACT", "4 WorkOrder:WO-1 EXACT", "5 Supplier:ACME EXACT"}},
		{"two starts, one inside the other", down("Unit:A1", "Unit:P1"), []string{"0 Unit:A1 EXACT", "0 Unit:P1 EXACT", "1 Box:B1 EXACT", "2 Shipment:SH1 EXACT"}},
		{"same start twice", down("Unit:P1", "Unit:P1"), []string{"0 Unit:P1 EXACT", "1 Box:B1 EXACT", "2 Shipment:SH1 EXACT"}},
		{"supplier", down("Supplier:ACME"), []string{"0 Supplier:ACME EXACT", "1 MaterialLot:L1 EXACT", "2 Unit:A1 EXACT", "3 Unit:P1 EXACT", "4 Box:B1 EXACT", "5 Shipment:SH1 EXACT"}},
		{"before shipping", asOf(down("Unit:A1"), 5), downA1[:3]},
	})
	t.Run("both is the union", func(t *testing.T) {
		u := trace(t, s, up("Unit:P1"))
		d := trace(t, s, down("Unit:P1"))
		b := trace(t, s, both("Unit:P1"))
		want := map[tracegraph.ID]tracegraph.TraceNode{}
		for _, n := range u.Nodes {
			want[n.ID] = n
		}
		for _, n := range d.Nodes {
			if w, ok := want[n.ID]; !ok || n.Depth < w.Depth {
				want[n.ID] = n
			}
		}
		if len(b.Nodes) != len(want) {
			t.Errorf("Trace(P1 BOTH) has %d nodes, want %d (upstream %d + downstream %d - start)", len(b.Nodes), len(want), len(u.Nodes), len(d.Nodes))
		}
		for _, n := range b.Nodes {
			w, ok := want[n.ID]
			if !ok || n.Depth != w.Depth || n.Precision != w.Precision {
				t.Errorf("Trace(P1 BOTH) has %s, want %s from the one-way traces", fmtNode(n), fmtNode(w))
			}
			wantDir := w.Direction
			if n.ID == "Unit:P1" {
				wantDir = tracegraph.Both
			}
			if n.Direction != wantDir {
				t.Errorf("Trace(P1 BOTH): %s Direction = %q, want %q", n.ID, n.Direction, wantDir)
			}
		}
		for _, n := range u.Nodes {
			if n.ID != "Unit:P1" && n.Direction != tracegraph.Upstream {
				t.Errorf("Trace(P1 UPSTREAM): %s Direction = %q, want UPSTREAM", n.ID, n.Direction)
			}
		}
		for _, n := range d.Nodes {
			if n.Direction != tracegraph.Downstream {
				t.Errorf("Trace(P1 DOWNSTREAM): %s Direction = %q, want DOWNSTREAM", n.ID, n.Direction)
			}
		}
	})
	t.Run("status and edges", func(t *testing.T) {
		res := trace(t, s, down("Unit:A1"))
		for _, n := range res.Nodes {
			want := ""
			if n.Label == tracegraph.LabelUnit {
				want = tracegraph.StatusShipped
			}
			if n.Status != want || n.OnHold {
				t.Errorf("Trace(A1 DOWNSTREAM): %s status %q onHold %v, want %q false", n.ID, n.Status, n.OnHold, want)
			}
		}
		wantEdges := []string{"CONTAINS Box:B1->Unit:P1 EXACT from m5", "CONTAINS Shipment:SH1->Box:B1 EXACT from m6", "CONTAINS Unit:P1->Unit:A1 EXACT from m4"}
		if got := fmtEdges(res.Edges); !slices.Equal(got, wantEdges) {
			t.Errorf("Trace(A1 DOWNSTREAM).Edges =\n%s\nwant\n%s", lines(got), lines(wantEdges))
		}
		skip := down("Unit:A1")
		skip.SkipEdges = true
		if res := trace(t, s, skip); len(res.Edges) != 0 || len(res.Nodes) != len(downA1) {
			t.Errorf("Trace(A1 DOWNSTREAM SkipEdges) = %d nodes %d edges, want %d nodes, no edges", len(res.Nodes), len(res.Edges), len(downA1))
		}
	})
	t.Run("limit", func(t *testing.T) {
		for _, limit := range []int{1, 2, 3} {
			r := down("Unit:A1")
			r.Limit = limit
			res := trace(t, s, r)
			if got := fmtNodes(res.Nodes); !res.Truncated || !slices.Equal(got, downA1[:limit]) {
				t.Errorf("Trace(%s) = %v truncated %v, want %v truncated", fmtReq(r), got, res.Truncated, downA1[:limit])
			}
		}
		r := down("Unit:A1")
		r.Limit = len(downA1)
		checkTrace(t, s, r, downA1)
		r = up("Unit:A1")
		r.Limit = 3
		if res := trace(t, s, r); !res.Truncated || !slices.Equal(fmtNodes(res.Nodes), upA1[:3]) {
			t.Errorf("Trace(%s) = %v truncated %v, want %v truncated", fmtReq(r), fmtNodes(res.Nodes), res.Truncated, upA1[:3])
		}
		r = both("Unit:A1")
		r.Limit = 3
		if res := trace(t, s, r); !res.Truncated || !slices.Equal(fmtNodes(res.Nodes), []string{"0 Unit:A1 EXACT", "1 MaterialLot:L1 EXACT", "1 ProcessStep:pr-a1 EXACT"}) {
			t.Errorf("Trace(%s) = %v truncated %v, want the first 3 of BOTH, truncated", fmtReq(r), fmtNodes(res.Nodes), res.Truncated)
		}
	})
	t.Run("errors", func(t *testing.T) {
		tests := []struct {
			name string
			req  tracegraph.TraceRequest
			code tracegraph.Code
		}{
			{"missing start", up("Unit:NOPE"), tracegraph.CodeNotFound},
			{"one start missing", up("Unit:A1", "Unit:NOPE"), tracegraph.CodeNotFound},
			{"no start", up(), tracegraph.CodeInvalid},
			{"malformed start", up("A1"), tracegraph.CodeInvalid},
			{"unknown direction", tracegraph.TraceRequest{From: ids("Unit:A1"), Direction: "SIDEWAYS"}, tracegraph.CodeInvalid},
			{"negative depth", depth(up("Unit:A1"), -1), tracegraph.CodeInvalid},
			{"unknown edge type", types(up("Unit:A1"), "LIKES"), tracegraph.CodeInvalid},
			{"negative limit", tracegraph.TraceRequest{From: ids("Unit:A1"), Direction: tracegraph.Upstream, Limit: -1}, tracegraph.CodeInvalid},
			{"limit too high", tracegraph.TraceRequest{From: ids("Unit:A1"), Direction: tracegraph.Upstream, Limit: tracegraph.MaxTraceLimit + 1}, tracegraph.CodeLimit},
		}
		for _, tt := range tests {
			res, err := s.Trace(bg, tt.req)
			if tracegraph.ErrorCode(err) != tt.code {
				t.Errorf("Trace(%s) = %v, %v; want %s", fmtReq(tt.req), res, err, tt.code)
			}
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(bg)
		cancel()
		if res, err := s.Trace(ctx, up("Unit:A1")); err == nil {
			t.Errorf("Trace(cancelled ctx) = %d nodes, nil; want an error", len(res.Nodes))
		}
	})
	t.Run("limit keeps the smallest IDs", func(t *testing.T) {
		// U1 consumed LB, then LA: a limit keeps LA, whichever was met first.
		load(t, s, `
20 rcv-lb  lot.received       {"lot":"LB","partNumber":"R-2"}
20 rcv-la  lot.received       {"lot":"LA","partNumber":"R-2"}
21 mk-u1   unit.created       {"serial":"U1","partNumber":"PCBA-2"}
22 u1-lb   material.consumed  {"unit":"U1","lot":"LB"}
23 u1-la   material.consumed  {"unit":"U1","lot":"LA"}
`)
		r := up("Unit:U1")
		r.Limit = 2
		res := trace(t, s, r)
		want := []string{"0 Unit:U1 EXACT", "1 MaterialLot:LA EXACT"}
		wantEdges := []string{"CONSUMED Unit:U1->MaterialLot:LA EXACT from m23"}
		if got := fmtNodes(res.Nodes); !res.Truncated || !slices.Equal(got, want) || !slices.Equal(fmtEdges(res.Edges), wantEdges) {
			t.Errorf("Trace(%s) = %v %v truncated %v, want %v %v truncated", fmtReq(r), got, fmtEdges(res.Edges), res.Truncated, want, wantEdges)
		}
		r.Limit = 3
		checkTrace(t, s, r, []string{"0 Unit:U1 EXACT", "1 MaterialLot:LA EXACT", "1 MaterialLot:LB EXACT"})
		r = down("MaterialLot:LB", "MaterialLot:LA")
		r.Limit = 2
		if res := trace(t, s, r); !res.Truncated || !slices.Equal(fmtNodes(res.Nodes), []string{"0 MaterialLot:LA EXACT", "0 MaterialLot:LB EXACT"}) {
			t.Errorf("Trace(%s) = %v truncated %v, want the two starts, truncated", fmtReq(r), fmtNodes(res.Nodes), res.Truncated)
		}
	})
}

// testDeepChains: lots derived in a chain of 25, units nested 22 deep, and
// the lot chain feeding the innermost unit: depths exact, MaxDepth exact.
func testDeepChains(t *testing.T, open Opener) {
	s := open(t)
	const lots, units = 25, 22
	lot := func(i int) string { return fmt.Sprintf("LOT-%02d", i) }
	unit := func(i int) string { return fmt.Sprintf("N%02d", i) }
	var evs []*tracegraph.Event
	for i := range lots {
		data := map[string]any{"lot": lot(i), "partNumber": "IC-1"}
		if i > 0 {
			data["derivedFrom"] = []string{lot(i - 1)}
		}
		evs = append(evs, event(t, "rcv-"+lot(i), tracegraph.EventLotReceived, i, data))
	}
	for i := range units {
		evs = append(evs, event(t, "mk-"+unit(i), tracegraph.EventUnitCreated, 30, map[string]any{"serial": unit(i), "partNumber": "ASSY"}))
	}
	// Build from the inside out: N21 into N20, ..., N01 into N00.
	for i := units - 1; i > 0; i-- {
		evs = append(evs, event(t, "asm-"+unit(i), tracegraph.EventUnitAssembled, 31, map[string]any{"parent": unit(i - 1), "child": unit(i)}))
	}
	evs = append(evs, event(t, "use-"+unit(units-1), tracegraph.EventMaterialConsumed, 31, map[string]any{"unit": unit(units - 1), "lot": lot(lots - 1)}))
	mustApplyAll(t, s, evs, 100)

	var lotsDown, lotsUp, unitsUp, unitsDown, explode []string
	for i := range lots {
		lotsDown = append(lotsDown, fmt.Sprintf("%d MaterialLot:%s EXACT", i, lot(i)))
		lotsUp = append(lotsUp, fmt.Sprintf("%d MaterialLot:%s EXACT", i, lot(lots-1-i)))
	}
	for i := range units {
		unitsUp = append(unitsUp, fmt.Sprintf("%d Unit:%s EXACT", i, unit(i)))
		unitsDown = append(unitsDown, fmt.Sprintf("%d Unit:%s EXACT", i, unit(units-1-i)))
		if i > 0 {
			explode = append(explode, fmt.Sprintf("%d Unit:%s", i, unit(i)))
		}
	}
	// From the first lot down: the lots, then the innermost unit at 25 and
	// its parents outwards to N00 at 46.
	all := slices.Clone(lotsDown)
	for i := range units {
		all = append(all, fmt.Sprintf("%d Unit:%s EXACT", lots+i, unit(units-1-i)))
	}
	// From the innermost unit up: the lot chain from depth 1.
	innerUp := []string{"0 Unit:N21 EXACT"}
	for i := range lots {
		innerUp = append(innerUp, fmt.Sprintf("%d MaterialLot:%s EXACT", i+1, lot(lots-1-i)))
	}
	// N00 up: units to depth 21, then the lot chain from 22.
	outerUp := slices.Clone(unitsUp)
	for i := range lots {
		outerUp = append(outerUp, fmt.Sprintf("%d MaterialLot:%s EXACT", units+i, lot(lots-1-i)))
	}
	runTraces(t, s, []traceCase{
		{"lots down", types(down("MaterialLot:LOT-00"), tracegraph.EdgeDerivedFrom), lotsDown},
		{"lots up", up("MaterialLot:LOT-24"), lotsUp},
		{"lots down depth 10", depth(types(down("MaterialLot:LOT-00"), tracegraph.EdgeDerivedFrom), 10), lotsDown[:11]},
		{"lots down depth 23", depth(types(down("MaterialLot:LOT-00"), tracegraph.EdgeDerivedFrom), 23), lotsDown[:24]},
		{"lots down depth 24", depth(types(down("MaterialLot:LOT-00"), tracegraph.EdgeDerivedFrom), 24), lotsDown},
		{"units up", types(up("Unit:N00"), tracegraph.EdgeContains), unitsUp},
		{"units down", down("Unit:N21"), unitsDown},
		{"units down depth 5", depth(down("Unit:N21"), 5), unitsDown[:6]},
		{"everything down", down("MaterialLot:LOT-00"), all},
		{"everything down depth 30", depth(down("MaterialLot:LOT-00"), 30), all[:31]},
		{"everything down depth 46", depth(down("MaterialLot:LOT-00"), 46), all},
		{"everything down depth 45", depth(down("MaterialLot:LOT-00"), 45), all[:46]},
		{"innermost up", up("Unit:N21"), innerUp},
		{"outermost up", up("Unit:N00"), outerUp},
		{"outermost up depth 22", depth(up("Unit:N00"), 22), outerUp[:23]},
	})
	checkExplode(t, s, "Unit:N00", At(40), explode)
	var explode10 []string
	for i := 11; i < units; i++ {
		explode10 = append(explode10, fmt.Sprintf("%d Unit:%s", i-10, unit(i)))
	}
	checkExplode(t, s, "Unit:N10", At(40), explode10)

	t.Run("hold", func(t *testing.T) {
		mustApply(t, s, event(t, "hold-lot", tracegraph.EventHoldPlaced, 40, map[string]any{"target": lot(0), "reason": "wafer crack"}))
		want := map[string][]string{"MaterialLot:" + lot(0): {"hold-lot<-MaterialLot:LOT-00"}}
		for i := 1; i < lots; i++ {
			want["MaterialLot:"+lot(i)] = []string{"hold-lot<-MaterialLot:LOT-00"}
		}
		for i := range units {
			want["Unit:"+unit(i)] = []string{"hold-lot<-MaterialLot:LOT-00"}
		}
		held(t, s, want)
		mustApply(t, s, event(t, "rel-lot", tracegraph.EventHoldReleased, 41, map[string]any{"target": lot(0), "hold": "hold-lot", "reason": "false alarm"}))
		for id := range want {
			want[id] = nil
		}
		held(t, s, want)
	})
}

// testFanOut: one reel consumed by 3,000 units.
func testFanOut(t *testing.T, open Opener) {
	s := open(t)
	const n = 3000
	evs := []*tracegraph.Event{event(t, "rcv-r1", tracegraph.EventLotReceived, 0, map[string]any{"lot": "R1", "partNumber": "C-100N", "quantity": 10000})}
	for i := range n {
		serial := fmt.Sprintf("F%04d", i)
		evs = append(evs,
			event(t, "mk-"+serial, tracegraph.EventUnitCreated, 1, map[string]any{"serial": serial, "partNumber": "PCBA-1", "workOrder": "WO-F"}),
			event(t, "use-"+serial, tracegraph.EventMaterialConsumed, 2, map[string]any{"unit": serial, "lot": "R1", "refDes": []string{"C1", "C2"}}))
	}
	mustApplyAll(t, s, evs, 500)
	want := []string{"0 MaterialLot:R1 EXACT"}
	for i := range n {
		want = append(want, fmt.Sprintf("1 Unit:F%04d EXACT", i))
	}
	res := checkTrace(t, s, down("MaterialLot:R1"), want)
	if len(res.Edges) != n {
		t.Errorf("Trace(R1 DOWNSTREAM) has %d edges, want %d", len(res.Edges), n)
	}
	for _, limit := range []int{1, 1000, n} {
		r := down("MaterialLot:R1")
		r.Limit, r.SkipEdges = limit, true
		res := trace(t, s, r)
		if len(res.Nodes) != limit || !res.Truncated {
			t.Errorf("Trace(%s) = %d nodes, truncated %v; want %d, true", fmtReq(r), len(res.Nodes), res.Truncated, limit)
			continue
		}
		if got := fmtNodes(res.Nodes); !slices.Equal(got, want[:limit]) {
			t.Errorf("Trace(%s) is not the first %d nodes by depth, then ID: starts %v", fmtReq(r), limit, got[:min(3, len(got))])
		}
	}
	r := down("MaterialLot:R1")
	r.Limit = n + 1
	checkTrace(t, s, r, want)
	checkTrace(t, s, up("Unit:F1234"), []string{"0 Unit:F1234 EXACT", "1 MaterialLot:R1 EXACT", "1 WorkOrder:WO-F EXACT"})

	t.Run("one event, 3000 edges", func(t *testing.T) {
		// A batch process record (one reflow run) names every unit.
		var serials []string
		for i := range n {
			serials = append(serials, fmt.Sprintf("F%04d", i))
		}
		mustApply(t, s, event(t, "reflow-1", tracegraph.EventProcessRecorded, 3, map[string]any{"units": serials, "step": "reflow", "parameters": map[string]any{"peak": 245.0}}))
		wantPS := append([]string{"0 ProcessStep:reflow-1 EXACT"}, want[1:]...)
		r := down("ProcessStep:reflow-1")
		r.SkipEdges = true
		checkTrace(t, s, r, wantPS)
		checkTrace(t, s, up("Unit:F2999"), []string{"0 Unit:F2999 EXACT", "1 MaterialLot:R1 EXACT", "1 ProcessStep:reflow-1 EXACT", "1 WorkOrder:WO-F EXACT"})
		mustApply(t, s, event(t, "void-reflow-1", tracegraph.EventVoided, 4, map[string]any{"event": "reflow-1", "reason": "wrong oven"}))
		notFound(t, s, "ProcessStep:reflow-1")
		checkTrace(t, s, up("Unit:F2999"), []string{"0 Unit:F2999 EXACT", "1 MaterialLot:R1 EXACT", "1 WorkOrder:WO-F EXACT"})
	})

	rep := recall(t, s, tracegraph.RecallRequest{Suspects: ids("MaterialLot:R1")})
	if len(rep.Confirmed) != n || len(rep.Possible) != 0 || rep.ConfirmedCount.InHouse != n || len(rep.Products) != n ||
		!slices.Equal(rep.WorkOrders, []string{fmt.Sprintf("WorkOrder:WO-F %d/0", n)}) {
		t.Errorf("RecallImpact(R1) = %d confirmed, %d possible, %+v, %d products, work orders %v; want %d confirmed in house, %d products, WO-F %d/0",
			len(rep.Confirmed), len(rep.Possible), rep.ConfirmedCount, len(rep.Products), rep.WorkOrders, n, n, n)
	}

	page, err := s.Units(bg, tracegraph.UnitFilter{WorkOrder: "WO-F"}, tracegraph.Page{First: 1000})
	if err != nil || page.TotalCount != n || len(page.Units) != 1000 || !page.HasNextPage {
		t.Errorf("Units(WO-F, first 1000) = %d units of %d, next %v, %v; want 1000 of %d, next", len(page.Units), page.TotalCount, page.HasNextPage, err, n)
	}

	t.Run("hold", func(t *testing.T) {
		mustApply(t, s, event(t, "hold-r1", tracegraph.EventHoldPlaced, 10, map[string]any{"target": "R1", "reason": "capacitor cracks"}))
		yes := true
		page, err := s.Units(bg, tracegraph.UnitFilter{OnHold: &yes}, tracegraph.Page{First: 10})
		if err != nil || page.TotalCount != n {
			t.Errorf("Units(onHold) total = %d, %v; want %d", page.TotalCount, err, n)
		}
		res := trace(t, s, down("MaterialLot:R1"))
		for _, tn := range res.Nodes {
			if !tn.OnHold {
				t.Errorf("Trace(R1 DOWNSTREAM): %s not on hold", tn.ID)
				break
			}
		}
	})
}
