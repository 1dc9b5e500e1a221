package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/tracegraph/tracegraph"
)

const holdsFixture = `
0  rcv-w1   wafer.registered   {"waferBatch":"W1"}
0  rcv-l1   lot.received       {"lot":"L1","partNumber":"IC-9","derivedFrom":["W1"]}
0  rcv-l2   lot.received       {"lot":"L2","partNumber":"IC-9","derivedFrom":["L1"]}
0  rcv-l3   lot.received       {"lot":"L3","partNumber":"R-1"}
1  mk-u1    unit.created       {"serial":"U1","partNumber":"PCBA-1"}
1  mk-u2    unit.created       {"serial":"U2","partNumber":"PCBA-1"}
1  mk-u3    unit.created       {"serial":"U3","partNumber":"PCBA-1"}
1  mk-u4    unit.created       {"serial":"U4","partNumber":"PCBA-1"}
1  mk-u5    unit.created       {"serial":"U5","partNumber":"PCBA-1"}
1  mk-p1    unit.created       {"serial":"P1","partNumber":"PRD-1"}
1  mk-p2    unit.created       {"serial":"P2","partNumber":"PRD-1"}
2  u1-l1    material.consumed  {"unit":"U1","lot":"L1"}
2  u2-l2    material.consumed  {"unit":"U2","lot":"L2"}
2  u3-l1    material.consumed  {"unit":"U3","lot":"L1"}
2  u4-l1    material.consumed  {"unit":"U4","lot":"L1"}
2  u5-l3    material.consumed  {"unit":"U5","lot":"L3"}
3  p1-u1    unit.assembled     {"parent":"P1","child":"U1"}
3  p2-u3    unit.assembled     {"parent":"P2","child":"U3"}
4  pk-b1    packed             {"container":"B1","items":["P1"]}
5  sh-1     shipped            {"shipment":"SH1","customer":"CU1","items":["P2"]}
6  sc-u4    unit.scrapped      {"unit":"U4","reason":"solder bridge"}
10 hold-l1  hold.placed        {"target":"L1","reason":"supplier 8D"}
`

// onHold lists the units Units(onHold: true) returns, sorted.
func onHold(t *testing.T, s tracegraph.Store) []string {
	t.Helper()
	yes := true
	p, err := s.Units(bg, tracegraph.UnitFilter{OnHold: &yes}, tracegraph.Page{First: 100})
	if err != nil {
		t.Fatalf("Units(onHold) error: %v", err)
	}
	var out []string
	for _, u := range p.Units {
		out = append(out, string(u.ID))
	}
	slices.Sort(out)
	return out
}

func checkOnHold(t *testing.T, s tracegraph.Store, want ...string) {
	t.Helper()
	if got := onHold(t, s); !slices.Equal(got, want) {
		t.Errorf("Units(onHold: true) = %v, want %v", got, want)
	}
}

// testHolds: a hold on a lot reaches every unit still in the house that it
// went into, and lots derived from it, now or later; it blocks their use and
// shipping until released.
func testHolds(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, holdsFixture)
	const l1 = "hold-l1<-MaterialLot:L1"
	held(t, s, map[string][]string{
		"MaterialLot:L1": {l1}, "MaterialLot:L2": {l1}, "Unit:U1": {l1}, "Unit:U2": {l1}, "Unit:P1": {l1},
		"WaferBatch:W1": nil, "MaterialLot:L3": nil, "Unit:U3": nil, "Unit:P2": nil, "Unit:U4": nil, "Unit:U5": nil, "Box:B1": nil,
	})
	checkOnHold(t, s, "Unit:P1", "Unit:U1", "Unit:U2")
	t.Run("hold details", func(t *testing.T) {
		n := node(t, s, "Unit:P1")
		want := tracegraph.Hold{ID: "hold-l1", Source: "MaterialLot:L1", Reason: "supplier 8D", Since: At(10)}
		if len(n.Holds) != 1 || n.Holds[0].ID != want.ID || n.Holds[0].Source != want.Source || n.Holds[0].Reason != want.Reason || !n.Holds[0].Since.Equal(want.Since) {
			t.Errorf("Node(Unit:P1).Holds = %+v, want [%+v]", n.Holds, want)
		}
	})
	t.Run("trace flags", func(t *testing.T) {
		res := checkTrace(t, s, down("MaterialLot:L1"), []string{
			"0 MaterialLot:L1 EXACT",
			"1 MaterialLot:L2 EXACT", "1 Unit:U1 EXACT", "1 Unit:U3 EXACT", "1 Unit:U4 EXACT",
			"2 Unit:P1 EXACT", "2 Unit:P2 EXACT", "2 Unit:U2 EXACT",
			"3 Box:B1 EXACT", "3 Shipment:SH1 EXACT"})
		wantHeld := map[tracegraph.ID]bool{"MaterialLot:L1": true, "MaterialLot:L2": true, "Unit:U1": true, "Unit:U2": true, "Unit:P1": true}
		wantStatus := map[tracegraph.ID]string{"Unit:U1": "COMPLETED", "Unit:U2": "WIP", "Unit:U3": "SHIPPED", "Unit:U4": "SCRAPPED", "Unit:P1": "COMPLETED", "Unit:P2": "SHIPPED"}
		for _, n := range res.Nodes {
			if n.OnHold != wantHeld[n.ID] || n.Status != wantStatus[n.ID] {
				t.Errorf("Trace(L1 DOWNSTREAM): %s onHold %v status %q, want %v %q", n.ID, n.OnHold, n.Status, wantHeld[n.ID], wantStatus[n.ID])
			}
		}
	})
	t.Run("recall flags", func(t *testing.T) {
		r, err := s.RecallImpact(bg, tracegraph.RecallRequest{Suspects: ids("MaterialLot:L1")})
		if err != nil {
			t.Fatalf("RecallImpact(L1) error: %v", err)
		}
		var got []string
		for _, u := range append(r.Confirmed, r.Possible...) {
			got = append(got, fmt.Sprintf("%s %s %v", u.ID, u.Status, u.OnHold))
		}
		slices.Sort(got)
		want := []string{"Unit:P1 COMPLETED true", "Unit:P2 SHIPPED false", "Unit:U1 COMPLETED true", "Unit:U2 WIP true", "Unit:U3 SHIPPED false", "Unit:U4 SCRAPPED false"}
		if !slices.Equal(got, want) {
			t.Errorf("RecallImpact(L1) units =\n%s\nwant\n%s", lines(got), lines(want))
		}
	})
	t.Run("interlock", func(t *testing.T) {
		refuse(t, s, parse(t, `11 x material.consumed {"unit":"U5","lot":"L2"}`)[0], tracegraph.CodeOnHold, "data.lot")
		refuse(t, s, parse(t, `11 x shipped {"shipment":"SH2","customer":"CU1","items":["B1"]}`)[0], tracegraph.CodeOnHold, "data.items[0]")
		refuse(t, s, parse(t, `11 x unit.assembled {"parent":"U5","child":"U2"}`)[0], tracegraph.CodeOnHold, "data.child")
	})
	t.Run("derived later", func(t *testing.T) {
		mustApply(t, s, parse(t, `
			11 rcv-l4  lot.received  {"lot":"L4","partNumber":"IC-9","derivedFrom":["L2"]}
			11 rcv-l5  lot.received  {"lot":"L5","partNumber":"R-1","derivedFrom":["L3"]}`)...)
		held(t, s, map[string][]string{"MaterialLot:L4": {l1}, "MaterialLot:L5": nil})
	})
	t.Run("release one unit", func(t *testing.T) {
		mustApply(t, s, parse(t, `12 rel-u2 hold.released {"target":"U2","hold":"hold-l1","reason":"X-ray OK"}`)...)
		held(t, s, map[string][]string{"Unit:U2": nil, "MaterialLot:L1": {l1}, "MaterialLot:L2": {l1}, "MaterialLot:L4": {l1}, "Unit:U1": {l1}, "Unit:P1": {l1}})
		checkOnHold(t, s, "Unit:P1", "Unit:U1")
	})
	t.Run("two holds", func(t *testing.T) {
		mustApply(t, s, parse(t, `13 hold-b1 hold.placed {"target":"B1","reason":"drop test"}`)...)
		const b1 = "hold-b1<-Box:B1"
		held(t, s, map[string][]string{"Box:B1": {b1}, "Unit:P1": {b1, l1}, "Unit:U1": {b1, l1}})
		mustApply(t, s, parse(t, `14 rel-l1 hold.released {"target":"L1","hold":"hold-l1","reason":"supplier cleared"}`)...)
		held(t, s, map[string][]string{
			"Box:B1": {b1}, "Unit:P1": {b1}, "Unit:U1": {b1},
			"MaterialLot:L1": nil, "MaterialLot:L2": nil, "MaterialLot:L4": nil, "Unit:U2": nil})
		checkOnHold(t, s, "Unit:P1", "Unit:U1")
		refuse(t, s, parse(t, `15 x shipped {"shipment":"SH2","customer":"CU1","items":["B1"]}`)[0], tracegraph.CodeOnHold, "data.items[0]")
		mustApply(t, s, parse(t, `
			15 u5-l2    material.consumed  {"unit":"U5","lot":"L2"}
			16 rel-b1   hold.released      {"target":"B1","all":true,"reason":"drop test passed"}
			17 sh-2     shipped            {"shipment":"SH2","customer":"CU1","items":["B1"]}`)...)
		checkOnHold(t, s)
		status(t, s, "Unit:U1", tracegraph.StatusShipped)
	})
	t.Run("wafer", func(t *testing.T) {
		mustApply(t, s, parse(t, `20 hold-w1 hold.placed {"target":"W1","reason":"fab excursion"}`)...)
		const w1 = "hold-w1<-WaferBatch:W1"
		// P1, U1 (shipped), U3, P2 (shipped) and U4 (scrapped) are out of the house.
		held(t, s, map[string][]string{
			"WaferBatch:W1": {w1}, "MaterialLot:L1": {w1}, "MaterialLot:L2": {w1}, "MaterialLot:L4": {w1},
			"Unit:U2": {w1}, "Unit:U5": {w1}, "Unit:U1": nil, "Unit:P1": nil, "Unit:U3": nil, "Unit:U4": nil, "MaterialLot:L3": nil})
		checkOnHold(t, s, "Unit:U2", "Unit:U5")
	})
}

const holdOnBoxFixture = `
0  rcv-l1   lot.received       {"lot":"L1","partNumber":"IC-9"}
0  rcv-l1b  lot.received       {"lot":"L1B","partNumber":"IC-9","derivedFrom":["L1"]}
0  rcv-c    component.received {"serials":["M1"],"partNumber":"MOD-LTE"}
1  mk-a1    unit.created       {"serial":"A1","partNumber":"PCBA-1"}
1  mk-a2    unit.created       {"serial":"A2","partNumber":"PCBA-1"}
1  mk-p1    unit.created       {"serial":"P1","partNumber":"PRD-1"}
1  mk-p2    unit.created       {"serial":"P2","partNumber":"PRD-1"}
2  a1-l1    material.consumed  {"unit":"A1","lot":"L1"}
2  a1-l1b   material.consumed  {"unit":"A1","lot":"L1B"}
2  a2-m1    material.consumed  {"unit":"A2","component":"M1"}
3  p1-a1    unit.assembled     {"parent":"P1","child":"A1"}
3  p2-a2    unit.assembled     {"parent":"P2","child":"A2"}
4  pk-b1    packed             {"container":"B1","items":["P1","P2"]}
10 hold-b1  hold.placed        {"target":"B1","reason":"drop test"}
`

// testHoldOnBox: a hold on a box holds everything in it; a release of one
// node releases it alone; rework takes a product out of a material hold.
func testHoldOnBox(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, holdOnBoxFixture)
	const b1 = "hold-b1<-Box:B1"
	held(t, s, map[string][]string{
		"Box:B1": {b1}, "Unit:P1": {b1}, "Unit:P2": {b1}, "Unit:A1": {b1}, "Unit:A2": {b1}, "Component:M1": {b1}, "MaterialLot:L1": nil})
	refuse(t, s, parse(t, `11 x shipped {"shipment":"SH1","customer":"CU1","items":["B1"]}`)[0], tracegraph.CodeOnHold, "data.items[0]")
	// What goes into the held box later is held too.
	mustApply(t, s, parse(t, `
		11 mk-p3  unit.created  {"serial":"P3","partNumber":"PRD-1"}
		11 pk-p3  packed        {"container":"B1","items":["P3"]}`)...)
	held(t, s, map[string][]string{"Unit:P3": {b1}})

	// Rework inside the held box does not take anything out of the box hold.
	mustApply(t, s, parse(t, `11 a2-rm component.removed {"parent":"A2","child":"M1","reason":"no RF"}`)...)
	held(t, s, map[string][]string{"Unit:P2": {b1}, "Unit:A2": {b1}, "Component:M1": {b1}})

	mustApply(t, s, parse(t, `11 rel-p2 hold.released {"target":"P2","hold":"hold-b1","reason":"inspected"}`)...)
	held(t, s, map[string][]string{"Box:B1": {b1}, "Unit:P1": {b1}, "Unit:P2": nil, "Unit:A1": {b1}, "Unit:A2": {b1}})
	mustApply(t, s, parse(t, `12 rel-b1 hold.released {"target":"B1","hold":"hold-b1","reason":"drop test passed"}`)...)
	held(t, s, map[string][]string{"Box:B1": nil, "Unit:P1": nil, "Unit:P2": nil, "Unit:P3": nil, "Unit:A1": nil, "Unit:A2": nil, "Component:M1": nil})
	checkOnHold(t, s)

	t.Run("rework out of a hold", func(t *testing.T) {
		mustApply(t, s, parse(t, `13 hold-l1 hold.placed {"target":"L1","reason":"supplier alert"}`)...)
		const l1 = "hold-l1<-MaterialLot:L1"
		// A1 is reached twice (L1 and L1B, which derives from L1): one hold.
		held(t, s, map[string][]string{"MaterialLot:L1": {l1}, "MaterialLot:L1B": {l1}, "Unit:A1": {l1}, "Unit:P1": {l1}, "Box:B1": nil})
		checkOnHold(t, s, "Unit:A1", "Unit:P1")
		mustApply(t, s, parse(t, `
			14 p1-rm  component.removed  {"parent":"P1","child":"A1","reason":"suspect lot"}
			15 sh-1   shipped            {"shipment":"SH1","customer":"CU1","items":["B1"]}`)...)
		held(t, s, map[string][]string{"Unit:A1": {l1}, "Unit:P1": nil})
		status(t, s, "Unit:P1", tracegraph.StatusShipped)
		status(t, s, "Unit:A1", tracegraph.StatusWIP)
	})
}
