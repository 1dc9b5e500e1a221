package storetest

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

const voidFixture = `
0  rcv-l1      lot.received       {"lot":"L1","partNumber":"R-1"}
0  rcv-l2      lot.received       {"lot":"L2","partNumber":"R-1"}
0  mk-u1       unit.created       {"serial":"U1","partNumber":"PCBA-1"}
0  mk-u2       unit.created       {"serial":"U2","partNumber":"PCBA-1","workOrder":"WO-1"}
0  mk-u9       unit.created       {"serial":"U9","partNumber":"PCBA-1","workOrder":"WO-1","identifiers":{"MAC":"00:1B:44:11:3A:B7"}}
1  u1-l1       material.consumed  {"unit":"U1","lot":"L1"}
1  u1-l2       material.consumed  {"unit":"U1","lot":"L2"}
2  void-u1-l2  event.voided       {"event":"u1-l2","reason":"wrong reel scanned"}
3  void-u9     event.voided       {"event":"mk-u9","reason":"label misprint"}
`

// testVoid: voiding corrects the graph; the voided event stays in the log.
func testVoid(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, voidFixture)
	t.Run("consumption", func(t *testing.T) {
		runTraces(t, s, []traceCase{
			{"now", up("Unit:U1"), []string{"0 Unit:U1 EXACT", "1 MaterialLot:L1 EXACT"}},
			{"then", asOf(up("Unit:U1"), 1), []string{"0 Unit:U1 EXACT", "1 MaterialLot:L1 EXACT"}},
			{"history", history(up("Unit:U1")), []string{"0 Unit:U1 EXACT", "1 MaterialLot:L1 EXACT"}},
			{"voided lot history", history(down("MaterialLot:L2")), []string{"0 MaterialLot:L2 EXACT"}},
		})
		checkEdges(t, s, "Unit:U1", tracegraph.EdgeQuery{Direction: tracegraph.Upstream}, []string{"CONSUMED Unit:U1->MaterialLot:L1 EXACT from m1"})
		checkEdges(t, s, "MaterialLot:L2", tracegraph.EdgeQuery{Direction: tracegraph.Downstream, AsOf: At(1)}, nil)
		r, err := s.RecallImpact(bg, tracegraph.RecallRequest{Suspects: ids("MaterialLot:L2"), History: true})
		if err != nil || len(r.Confirmed)+len(r.Possible) != 0 {
			t.Errorf("RecallImpact(L2 history) = %+v, %v; want nothing affected", r, err)
		}
		ev, err := s.Event(bg, "u1-l2")
		if err != nil || ev.Seq != 7 {
			t.Errorf("Event(u1-l2) = %v, %v; want the voided event, still in the log at seq 7", ev, err)
		}
		evs, err := s.NodeEvents(bg, "Unit:U1")
		var got []string
		for _, e := range evs {
			got = append(got, e.ID)
		}
		if want := []string{"mk-u1", "u1-l1", "u1-l2", "void-u1-l2"}; err != nil || !slices.Equal(got, want) {
			t.Errorf("NodeEvents(Unit:U1) = %v, %v; want %v", got, err, want)
		}
	})
	t.Run("creation", func(t *testing.T) {
		notFound(t, s, "Unit:U9")
		node(t, s, "WorkOrder:WO-1") // U2 still uses it
		for _, code := range []string{"U9", "Unit:U9", "00:1B:44:11:3A:B7"} {
			if ns, err := s.Lookup(bg, code); err != nil || len(ns) != 0 {
				t.Errorf("Lookup(%q) after the void = %v, %v; want empty", code, ns, err)
			}
		}
		if got := listUnits(t, s, tracegraph.UnitFilter{}, 10); !slices.Equal(got, []string{"Unit:U1", "Unit:U2"}) {
			t.Errorf("Units() after the void = %v, want [Unit:U1 Unit:U2]", got)
		}
		checkTrace(t, s, history(down("WorkOrder:WO-1")), []string{"0 WorkOrder:WO-1 EXACT", "1 Unit:U2 EXACT"})
		// The serial and the MAC are free again.
		mustApply(t, s, parse(t, `4 mk-u9b unit.created {"serial":"U9","partNumber":"PCBA-2","identifiers":{"MAC":"00:1B:44:11:3A:B7"}}`)...)
		n := node(t, s, "Unit:U9")
		if n.CreatedBy != "mk-u9b" || n.Str("partNumber") != "PCBA-2" || n.Str("workOrder") != "" {
			t.Errorf("Node(Unit:U9) = %+v, want the one mk-u9b created", n)
		}
		checkTrace(t, s, history(up("Unit:U9")), []string{"0 Unit:U9 EXACT"})
		ns, err := s.Lookup(bg, "00:1B:44:11:3A:B7")
		if err != nil || len(ns) != 1 || ns[0].ID != "Unit:U9" {
			t.Errorf("Lookup(MAC) = %v, %v; want [Unit:U9]", ns, err)
		}
	})
	t.Run("identifier", func(t *testing.T) {
		mustApply(t, s, parse(t, `
			4 id-u2    identifier.assigned  {"unit":"U2","scheme":"IMEI","value":"356938035643809"}
			4 void-id  event.voided         {"event":"id-u2","reason":"wrong label"}`)...)
		if ns, err := s.Lookup(bg, "356938035643809"); err != nil || len(ns) != 0 {
			t.Errorf("Lookup(IMEI) after the void = %v, %v; want empty", ns, err)
		}
		if ids, _ := node(t, s, "Unit:U2").Props["identifiers"].(map[string]any); len(ids) != 0 {
			t.Errorf("Node(Unit:U2) identifiers = %v after the void, want none", ids)
		}
		mustApply(t, s, parse(t, `4 id-u2b identifier.assigned {"unit":"U2","scheme":"IMEI","value":"490154203237518"}`)...)
	})
	t.Run("scrap by additional number", func(t *testing.T) {
		mustApply(t, s, parse(t, `
			4 mk-u7    unit.created   {"serial":"U7","partNumber":"PCBA-1","identifiers":{"IMEI":"352099001761481"}}
			4 sc-u7    unit.scrapped  {"unit":"352099001761481","reason":"dropped"}`)...)
		status(t, s, "Unit:U7", tracegraph.StatusScrapped)
		mustApply(t, s, parse(t, `4 void-sc event.voided {"event":"sc-u7","reason":"wrong unit"}`)...)
		status(t, s, "Unit:U7", tracegraph.StatusWIP)
	})
	t.Run("creation without work order", func(t *testing.T) {
		mustApply(t, s, parse(t, `
			4 mk-u8    unit.created   {"serial":"U8","partNumber":"PCBA-1"}
			4 rcv-l8   lot.received   {"lot":"L8","partNumber":"R-1"}
			4 rcv-c8   component.received {"serials":["C8"],"partNumber":"MOD-LTE"}
			4 void-u8  event.voided   {"event":"mk-u8","reason":"typo"}
			4 void-l8  event.voided   {"event":"rcv-l8","reason":"typo"}
			4 void-c8  event.voided   {"event":"rcv-c8","reason":"typo"}`)...)
		notFound(t, s, "Unit:U8")
		notFound(t, s, "MaterialLot:L8")
		notFound(t, s, "Component:C8")
	})
	t.Run("refused", func(t *testing.T) {
		refuse(t, s, parse(t, `5 x event.voided {"event":"rcv-l1","reason":"r"}`)[0], tracegraph.CodeConflict, "data.event")
		refuse(t, s, parse(t, `5 x event.voided {"event":"u1-l2","reason":"r"}`)[0], tracegraph.CodeConflict, "data.event")
		refuse(t, s, parse(t, `5 x event.voided {"event":"void-u9","reason":"r"}`)[0], tracegraph.CodeInvalid, "data.event")
		refuse(t, s, parse(t, `5 x event.voided {"event":"nope","reason":"r"}`)[0], tracegraph.CodeNotFound, "data.event")
	})
	t.Run("hold", func(t *testing.T) {
		mustApply(t, s, parse(t, `5 hold-l1 hold.placed {"target":"L1","reason":"alert"}`)...)
		held(t, s, map[string][]string{"MaterialLot:L1": {"hold-l1<-MaterialLot:L1"}, "Unit:U1": {"hold-l1<-MaterialLot:L1"}})
		mustApply(t, s, parse(t, `6 void-hold event.voided {"event":"hold-l1","reason":"wrong lot"}`)...)
		held(t, s, map[string][]string{"MaterialLot:L1": nil, "Unit:U1": nil})
	})
	t.Run("packing and shipping", func(t *testing.T) {
		mustApply(t, s, parse(t, `
			7  pk-b1    packed        {"container":"B1","items":["U2"]}
			8  void-pk  event.voided  {"event":"pk-b1","reason":"wrong box"}`)...)
		status(t, s, "Unit:U2", tracegraph.StatusWIP)
		notFound(t, s, "Box:B1")
		checkTrace(t, s, history(down("Unit:U2")), []string{"0 Unit:U2 EXACT"})
		_, err := s.Trace(bg, up("Box:B1"))
		wantCode(t, "Trace(voided Box:B1)", err, tracegraph.CodeNotFound)
		_, err = s.Explode(bg, "Box:B1", time.Time{})
		wantCode(t, "Explode(voided Box:B1)", err, tracegraph.CodeNotFound)
		mustApply(t, s, parse(t, `
			9  pk-b2    packed        {"container":"B2","items":["U2"]}
			10 sh-1     shipped       {"shipment":"SH1","customer":"CU1","items":["B2"]}
			11 void-sh  event.voided  {"event":"sh-1","reason":"truck did not leave"}`)...)
		status(t, s, "Unit:U2", tracegraph.StatusCompleted)
		notFound(t, s, "Shipment:SH1")
		notFound(t, s, "Customer:CU1")
		checkTrace(t, s, down("Unit:U2"), []string{"0 Unit:U2 EXACT", "1 Box:B2 EXACT"})
		checkExplode(t, s, "Box:B2", time.Time{}, []string{"1 Unit:U2"})
	})
	t.Run("removal", func(t *testing.T) {
		mustApply(t, s, parse(t, `12 u1-rm component.removed {"parent":"U1","child":"L1","reason":"lifted"}`)...)
		checkTrace(t, s, up("Unit:U1"), []string{"0 Unit:U1 EXACT"})
		mustApply(t, s, parse(t, `13 void-rm event.voided {"event":"u1-rm","reason":"not lifted after all"}`)...)
		checkTrace(t, s, up("Unit:U1"), []string{"0 Unit:U1 EXACT", "1 MaterialLot:L1 EXACT"})
		checkEdges(t, s, "Unit:U1", tracegraph.EdgeQuery{Direction: tracegraph.Upstream}, []string{"CONSUMED Unit:U1->MaterialLot:L1 EXACT from m1"})
	})
	t.Run("removal under a hold", func(t *testing.T) {
		// A removal took P5 out of the lot hold; voiding it puts P5 back in.
		const l1 = "hold-l1b<-MaterialLot:L1"
		mustApply(t, s, parse(t, `
			20 mk-p5     unit.created       {"serial":"P5","partNumber":"PRD-1"}
			20 p5-u1     unit.assembled     {"parent":"P5","child":"U1"}
			21 hold-l1b  hold.placed        {"target":"L1","reason":"alert"}
			22 p5-rm     component.removed  {"parent":"P5","child":"U1"}`)...)
		held(t, s, map[string][]string{"MaterialLot:L1": {l1}, "Unit:U1": {l1}, "Unit:P5": nil})
		mustApply(t, s, parse(t, `23 void-p5-rm event.voided {"event":"p5-rm","reason":"not removed after all"}`)...)
		held(t, s, map[string][]string{"MaterialLot:L1": {l1}, "Unit:U1": {l1}, "Unit:P5": {l1}})
		mustApply(t, s, parse(t, `24 rel-l1b hold.released {"target":"L1","hold":"hold-l1b","reason":"cleared"}`)...)
		held(t, s, map[string][]string{"MaterialLot:L1": nil, "Unit:U1": nil, "Unit:P5": nil})
	})
	t.Run("consumption and assembly under a hold", func(t *testing.T) {
		// Voiding the link that brought a hold takes the hold away.
		mustApply(t, s, parse(t, `
			25 u2-l2      material.consumed  {"unit":"U2","lot":"L2"}
			25 mk-a7      unit.created       {"serial":"A7","partNumber":"PCBA-1"}
			25 mk-p7      unit.created       {"serial":"P7","partNumber":"PRD-1"}
			25 a7-l1      material.consumed  {"unit":"A7","lot":"L1"}
			25 p7-a7      unit.assembled     {"parent":"P7","child":"A7"}
			26 hold-l2    hold.placed        {"target":"L2","reason":"alert"}
			26 hold-l1c   hold.placed        {"target":"L1","reason":"alert"}`)...)
		const l1, l2 = "hold-l1c<-MaterialLot:L1", "hold-l2<-MaterialLot:L2"
		held(t, s, map[string][]string{"Unit:U2": {l2}, "Unit:A7": {l1}, "Unit:P7": {l1}})
		mustApply(t, s, parse(t, `
			27 void-u2-l2  event.voided  {"event":"u2-l2","reason":"wrong reel"}
			27 void-p7-a7  event.voided  {"event":"p7-a7","reason":"wrong product"}`)...)
		held(t, s, map[string][]string{"MaterialLot:L2": {l2}, "Unit:U2": nil, "Unit:A7": {l1}, "Unit:P7": nil})
	})
	t.Run("readings", func(t *testing.T) {
		mustApply(t, s, parse(t, `
			30 rd-1    reading.recorded  {"location":"OVEN-1","kind":"temperature","value":245,"unit":"C"}
			31 rd-2    reading.recorded  {"location":"OVEN-1","kind":"humidity","value":40,"unit":"%"}
			32 void-1  event.voided      {"event":"rd-1","reason":"sensor fault"}`)...)
		want := map[string]any{"humidity": map[string]any{"value": 40.0, "unit": "%", "at": "2026-03-02T08:31:00Z", "event": "rd-2"}}
		if got := node(t, s, "Station:OVEN-1").Props["lastReadings"]; !reflect.DeepEqual(got, want) {
			t.Errorf("Node(Station:OVEN-1) lastReadings = %v, want %v", got, want)
		}
		mustApply(t, s, parse(t, `
			33 rd-3    reading.recorded  {"location":"OVEN-2","kind":"temperature","value":230,"unit":"C"}
			34 void-3  event.voided      {"event":"rd-3","reason":"wrong oven"}`)...)
		notFound(t, s, "Station:OVEN-2")
	})
	checkChain(t, s, 51)
}
