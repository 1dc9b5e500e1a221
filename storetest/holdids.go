package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/tracegraph/tracegraph"
)

const holdIDsFixture = `
0  rcv-l1   lot.received       {"lot":"L1","partNumber":"IC-9"}
0  rcv-l2   lot.received       {"lot":"L2","partNumber":"IC-9","derivedFrom":["L1"]}
1  mk-u1    unit.created       {"serial":"U1","partNumber":"PCBA-1"}
1  mk-u2    unit.created       {"serial":"U2","partNumber":"PCBA-1"}
2  u1-l1    material.consumed  {"unit":"U1","lot":"L1"}
2  u2-l2    material.consumed  {"unit":"U2","lot":"L2"}
`

// holdEvent decodes a hold event with an operator.
func holdEvent(t *testing.T, id string, typ tracegraph.EventType, m int, operator string, data string) *tracegraph.Event {
	t.Helper()
	raw := fmt.Sprintf(`{"id":%q,"type":%q,"time":%q,"operator":%q,"data":%s}`, id, typ, At(m).Format("2006-01-02T15:04:05Z"), operator, data)
	ev, err := tracegraph.DecodeEvent([]byte(raw))
	if err != nil {
		t.Fatalf("DecodeEvent(%s): %v", raw, err)
	}
	return ev
}

// testHoldIDs: every hold has an id; a release names the hold it lifts (or
// all), and a target stays held while any other hold is in force.
func testHoldIDs(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, holdIDsFixture)
	mustApply(t, s,
		holdEvent(t, "ev-qa", tracegraph.EventHoldPlaced, 10, "anna", `{"target":"L1","hold":"QA-7","reason":"X-ray voids"}`),
		holdEvent(t, "ev-sup", tracegraph.EventHoldPlaced, 11, "", `{"target":"L1","reason":"supplier 8D"}`))
	const qa, sup = "QA-7<-MaterialLot:L1", "ev-sup<-MaterialLot:L1"
	held(t, s, map[string][]string{"MaterialLot:L1": {qa, sup}, "MaterialLot:L2": {qa, sup}, "Unit:U1": {qa, sup}, "Unit:U2": {qa, sup}})

	t.Run("hold details", func(t *testing.T) {
		want := []tracegraph.Hold{
			{ID: "QA-7", Source: "MaterialLot:L1", Reason: "X-ray voids", Since: At(10), Event: "ev-qa", PlacedBy: "anna"},
			{ID: "ev-sup", Source: "MaterialLot:L1", Reason: "supplier 8D", Since: At(11), Event: "ev-sup"},
		}
		for _, id := range []string{"MaterialLot:L1", "Unit:U2"} {
			got := node(t, s, id).Holds
			if len(got) != len(want) {
				t.Fatalf("Node(%s).Holds = %+v, want %+v", id, got, want)
			}
			for i := range want {
				g, w := got[i], want[i]
				if g.ID != w.ID || g.Source != w.Source || g.Reason != w.Reason || !g.Since.Equal(w.Since) || g.Event != w.Event || g.PlacedBy != w.PlacedBy {
					t.Errorf("Node(%s).Holds[%d] = %+v, want %+v", id, i, g, w)
				}
			}
		}
	})
	t.Run("refusals", func(t *testing.T) {
		before := snapshot(t, s, ids("MaterialLot:L1", "MaterialLot:L2", "Unit:U1", "Unit:U2"))
		// A hold id in force names one hold: the event id of ev-sup, given as an id.
		refuse(t, s, holdEvent(t, "x1", tracegraph.EventHoldPlaced, 12, "", `{"target":"U1","hold":"ev-sup","reason":"again"}`), tracegraph.CodeConflict, "data.hold")
		refuse(t, s, holdEvent(t, "x2", tracegraph.EventHoldReleased, 12, "", `{"target":"U1","hold":"QA-8","reason":"r"}`), tracegraph.CodeConflict, "data.hold")
		unchanged(t, "refused hold events", before, snapshot(t, s, ids("MaterialLot:L1", "MaterialLot:L2", "Unit:U1", "Unit:U2")))
	})
	t.Run("release one of two", func(t *testing.T) {
		mustApply(t, s, holdEvent(t, "rel-qa", tracegraph.EventHoldReleased, 13, "", `{"target":"L1","hold":"QA-7","reason":"X-ray OK"}`))
		held(t, s, map[string][]string{"MaterialLot:L1": {sup}, "MaterialLot:L2": {sup}, "Unit:U1": {sup}, "Unit:U2": {sup}})
		checkOnHold(t, s, "Unit:U1", "Unit:U2")
		refuse(t, s, parse(t, `14 x3 material.consumed {"unit":"U1","lot":"L2"}`)[0], tracegraph.CodeOnHold, "data.lot")
	})
	t.Run("release from one node", func(t *testing.T) {
		// A hold that reached U2 from L1 is lifted from U2 alone.
		mustApply(t, s, holdEvent(t, "rel-u2", tracegraph.EventHoldReleased, 14, "", `{"target":"U2","hold":"ev-sup","reason":"U2 inspected"}`))
		held(t, s, map[string][]string{"MaterialLot:L1": {sup}, "MaterialLot:L2": {sup}, "Unit:U1": {sup}, "Unit:U2": nil})
	})
	t.Run("reuse a released id", func(t *testing.T) {
		mustApply(t, s, holdEvent(t, "ev-qa2", tracegraph.EventHoldPlaced, 15, "ben", `{"target":"U2","hold":"QA-7","reason":"second look"}`))
		held(t, s, map[string][]string{"Unit:U2": {"QA-7<-Unit:U2"}, "Unit:U1": {sup}})
		if h := node(t, s, "Unit:U2").Holds[0]; h.Reason != "second look" || h.Event != "ev-qa2" || h.PlacedBy != "ben" {
			t.Errorf("Node(Unit:U2).Holds[0] = %+v, want the second QA-7", h)
		}
		// Voiding the first QA-7 leaves the second alone.
		mustApply(t, s, parse(t, `16 void-qa event.voided {"event":"ev-qa","reason":"entered twice"}`)...)
		held(t, s, map[string][]string{"Unit:U2": {"QA-7<-Unit:U2"}, "Unit:U1": {sup}})
		mustApply(t, s, parse(t, `17 void-qa2 event.voided {"event":"ev-qa2","reason":"wrong unit"}`)...)
		held(t, s, map[string][]string{"Unit:U2": nil, "Unit:U1": {sup}})
	})
	t.Run("release all", func(t *testing.T) {
		mustApply(t, s, holdEvent(t, "ev-u1", tracegraph.EventHoldPlaced, 18, "", `{"target":"U1","hold":"RW-1","reason":"rework"}`))
		held(t, s, map[string][]string{"Unit:U1": {"RW-1<-Unit:U1", sup}})
		mustApply(t, s, holdEvent(t, "rel-u1", tracegraph.EventHoldReleased, 19, "", `{"target":"U1","all":true,"reason":"all clear"}`))
		held(t, s, map[string][]string{"Unit:U1": nil, "MaterialLot:L1": {sup}, "MaterialLot:L2": {sup}})
	})
	t.Run("recorded release without a hold", func(t *testing.T) {
		// A release recorded before releases named their hold lifts every
		// hold on its target, now and when the log is replayed.
		mustApply(t, s, holdEvent(t, "ev-l1", tracegraph.EventHoldPlaced, 20, "", `{"target":"L1","hold":"QA-9","reason":"third"}`))
		old := &tracegraph.Event{ID: "rel-old", Type: tracegraph.EventHoldReleased, Time: At(21),
			Data: json.RawMessage(`{"target":"L1","reason":"cleared"}`)}
		mustApply(t, s, old)
		held(t, s, map[string][]string{"MaterialLot:L1": nil, "MaterialLot:L2": nil, "Unit:U1": nil})
		if v, ok := s.(tracegraph.Verifier); ok {
			rep, err := v.Verify(bg, tracegraph.VerifyOptions{})
			if err != nil || len(rep.Problems) > 0 {
				t.Errorf("Verify() = %+v, %v; want no problems", rep, err)
			}
		}
	})
}

const containmentFixture = `
0  rcv-l1   lot.received       {"lot":"L1","partNumber":"IC-9"}
1  mk-u1    unit.created       {"serial":"U1","partNumber":"PCBA-1"}
1  mk-u2    unit.created       {"serial":"U2","partNumber":"PCBA-1"}
2  u1-l1    material.consumed  {"unit":"U1","lot":"L1"}
2  u2-l1    material.consumed  {"unit":"U2","lot":"L1"}
3  eng-u1   hold.placed        {"target":"U1","hold":"ENG-1","reason":"cosmetic"}
`

// testContainmentRelease: releasing a containment lifts exactly the holds it
// placed; a target's other holds stay in force, and are listed.
func testContainmentRelease(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, containmentFixture)
	c, err := tracegraph.Contain(bg, s, tracegraph.ContainRequest{Suspects: ids("MaterialLot:L1"), Reason: "supplier notice",
		Containment: "C1", Time: At(10)})
	if err != nil {
		t.Fatalf("Contain(L1) error: %v", err)
	}
	if c.Material != 1 || c.Units != 2 || c.Placed != 3 || c.Refused != 0 {
		t.Fatalf("Contain(L1) = %+v, want 1 material, 2 units, 3 placed", c)
	}
	held(t, s, map[string][]string{
		"MaterialLot:L1": {"C1<-MaterialLot:L1"},
		"Unit:U1":        {"C1/Unit:U1<-Unit:U1", "C1<-MaterialLot:L1", "ENG-1<-Unit:U1"},
		"Unit:U2":        {"C1/Unit:U2<-Unit:U2", "C1<-MaterialLot:L1"}})
	r, err := tracegraph.ReleaseContainment(bg, s, "C1", "notice withdrawn", "", At(11))
	if err != nil {
		t.Fatalf("ReleaseContainment(C1) error: %v", err)
	}
	if r.Released != 3 || r.AlreadyReleased != 0 || r.Kept != 1 || r.Refused != 0 || len(r.KeptTargets) != 1 ||
		r.KeptTargets[0].Target != "Unit:U1" || len(r.KeptTargets[0].Holds) != 1 || r.KeptTargets[0].Holds[0].ID != "ENG-1" ||
		r.KeptTargets[0].Holds[0].Reason != "cosmetic" {
		t.Errorf("ReleaseContainment(C1) = %+v, want 3 released, U1 kept by ENG-1", r)
	}
	held(t, s, map[string][]string{"MaterialLot:L1": nil, "Unit:U1": {"ENG-1<-Unit:U1"}, "Unit:U2": nil})
	checkOnHold(t, s, "Unit:U1")
	// Releasing the engineer's hold leaves nothing of the containment.
	mustApply(t, s, parse(t, `12 rel-eng hold.released {"target":"U1","hold":"ENG-1","reason":"OK"}`)...)
	checkOnHold(t, s)
	r, err = tracegraph.ReleaseContainment(bg, s, "C1", "again", "", At(13))
	if err != nil || r.Released != 0 || r.AlreadyReleased != 3 {
		t.Errorf("ReleaseContainment(C1) again = %+v, %v; want 3 already released", r, err)
	}
}

const containerHoldsFixture = `
0  rcv-l1   lot.received       {"lot":"L1","partNumber":"IC-9"}
1  mk-a1    unit.created       {"serial":"A1","partNumber":"PCBA-1"}
1  mk-p1    unit.created       {"serial":"P1","partNumber":"PRD-1"}
1  mk-p2    unit.created       {"serial":"P2","partNumber":"PRD-1"}
2  a1-l1    material.consumed  {"unit":"A1","lot":"L1"}
3  p1-a1    unit.assembled     {"parent":"P1","child":"A1"}
4  pk-b1    packed             {"container":"B1","items":["P1"]}
4  pk-b2    packed             {"container":"B2","items":["P2"]}
5  pk-pl1   packed             {"container":"PL1","containerType":"pallet","items":["B1","B2"]}
`

// holdsWithin formats tracegraph.HoldsWithin as "holdID<-source@node".
func holdsWithin(t *testing.T, s tracegraph.Store, id string) []string {
	t.Helper()
	hs, err := tracegraph.HoldsWithin(bg, s, node(t, s, id))
	if err != nil {
		t.Fatalf("HoldsWithin(%s) error: %v", id, err)
	}
	var out []string
	for _, h := range hs {
		out = append(out, fmt.Sprintf("%s<-%s@%s", h.ID, h.Source, h.Node))
	}
	return out
}

// testContainerHolds: a box or pallet is on hold when it or anything inside
// it is, as the shipping rule sees it.
func testContainerHolds(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, containerHoldsFixture)
	check := func(want map[string][]string) {
		t.Helper()
		for _, id := range sortedKeys(want) {
			if got := holdsWithin(t, s, id); !slices.Equal(got, want[id]) {
				t.Errorf("HoldsWithin(%s) = %v, want %v", id, got, want[id])
			}
		}
	}
	check(map[string][]string{"Pallet:PL1": nil, "Box:B1": nil, "Unit:P1": nil})
	mustApply(t, s, parse(t, `10 hold-l1 hold.placed {"target":"L1","reason":"supplier 8D"}`)...)
	const l1 = "hold-l1<-MaterialLot:L1"
	check(map[string][]string{
		"Box:B1":     {l1 + "@Unit:P1", l1 + "@Unit:A1"},
		"Pallet:PL1": {l1 + "@Unit:P1", l1 + "@Unit:A1"},
		"Box:B2":     nil,
		"Unit:P1":    {l1 + "@Unit:P1"},
	})
	held(t, s, map[string][]string{"Box:B1": nil, "Pallet:PL1": nil})
	refuse(t, s, parse(t, `11 x shipped {"shipment":"SH1","customer":"CU1","items":["PL1"]}`)[0], tracegraph.CodeOnHold, "data.items[0]")
	// Released from P1 alone: A1 inside it is still held, and so are P1's box and pallet.
	mustApply(t, s, parse(t, `12 rel-p1 hold.released {"target":"P1","hold":"hold-l1","reason":"P1 checked"}`)...)
	check(map[string][]string{"Unit:P1": nil, "Box:B1": {l1 + "@Unit:A1"}, "Pallet:PL1": {l1 + "@Unit:A1"}})
	refuse(t, s, parse(t, `13 x shipped {"shipment":"SH1","customer":"CU1","items":["PL1"]}`)[0], tracegraph.CodeOnHold, "data.items[0]")
	// A hold on the pallet itself comes first.
	mustApply(t, s, parse(t, `14 hold-pl1 hold.placed {"target":"PL1","hold":"DROP","reason":"dropped"}`)...)
	check(map[string][]string{"Pallet:PL1": {
		"DROP<-Pallet:PL1@Pallet:PL1", "DROP<-Pallet:PL1@Box:B1", "DROP<-Pallet:PL1@Box:B2",
		"DROP<-Pallet:PL1@Unit:P1", "DROP<-Pallet:PL1@Unit:P2", l1 + "@Unit:A1", "DROP<-Pallet:PL1@Unit:A1"}})
	mustApply(t, s, parse(t, `
		15 rel-pl1 hold.released {"target":"PL1","hold":"DROP","reason":"no damage"}
		15 rel-l1  hold.released {"target":"L1","hold":"hold-l1","reason":"cleared"}`)...)
	check(map[string][]string{"Pallet:PL1": nil, "Box:B1": nil})
	mustApply(t, s, parse(t, `16 sh-1 shipped {"shipment":"SH1","customer":"CU1","items":["PL1"]}`)...)
}
