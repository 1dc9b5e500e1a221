package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

// The line of the line-side scenarios: station P1 runs setup TOP for
// PCBA-1, slot 1 feeding C1 and C2 with C-100N, slot 2 feeding R1 with R-10K
// and a splice window of 10 minutes.
const linesideFixture = `
0  rcv-c1   lot.received     {"lot":"C1","partNumber":"C-100N"}
0  rcv-c2   lot.received     {"lot":"C2","partNumber":"C-100N"}
0  rcv-c3   lot.received     {"lot":"C3","partNumber":"C-100N"}
0  rcv-r1   lot.received     {"lot":"R1","partNumber":"R-10K"}
0  rcv-r2   lot.received     {"lot":"R2","partNumber":"R-10K"}
0  rcv-u    lot.received     {"lot":"IC1","partNumber":"U-MCU"}
1  mk-b1    unit.created     {"serial":"B1","partNumber":"PCBA-1"}
1  mk-b2    unit.created     {"serial":"B2","partNumber":"PCBA-1"}
1  mk-b3    unit.created     {"serial":"B3","partNumber":"PCBA-1"}
1  mk-b4    unit.created     {"serial":"B4","partNumber":"PCBA-1"}
1  mk-b5    unit.created     {"serial":"B5","partNumber":"PCBA-1"}
1  mk-b6    unit.created     {"serial":"B6","partNumber":"PCBA-1"}
1  mk-b7    unit.created     {"serial":"B7","partNumber":"PCBA-1"}
1  mk-b8    unit.created     {"serial":"B8","partNumber":"PCBA-1"}
1  mk-x1    unit.created     {"serial":"X1","partNumber":"PCBA-2"}
2  def-top  setup.defined    {"setup":"TOP","station":"P1","partNumber":"PCBA-1","slots":[{"slot":"1","partNumber":"C-100N","refDes":["C1","C2"]},{"slot":"2","partNumber":"R-10K","refDes":["R1"],"spliceWindowSeconds":600}]}
3  act-top  setup.activated  {"station":"P1","setup":"TOP"}
10 ld-1     feeder.loaded    {"station":"P1","slot":"1","lot":"C1"}
10 ld-2     feeder.loaded    {"station":"P1","slot":"2","lot":"R1"}
`

// derivation is how derived edges are compared: "unit->lot PRECISION
// slot=S load=L by=E [window=FROM..TO] [again=E]", sorted.
func derivation(t *testing.T, s tracegraph.Store, unit string) []string {
	t.Helper()
	var out []string
	for _, e := range edgesOf(t, s, unit, tracegraph.EdgeQuery{Direction: tracegraph.Upstream, Types: []tracegraph.EdgeType{tracegraph.EdgeConsumed}}) {
		d := fmt.Sprintf("%s->%s %s from %s slot=%v load=%v by=%v", e.Source, e.Target, e.Precision, minute(e.ValidFrom), e.Props["slot"], e.Props["load"], e.Props["derivedBy"])
		if f, ok := e.Props["windowFrom"].(string); ok {
			to, _ := e.Props["windowTo"].(string)
			d += " window=" + propMinute(f) + ".." + propMinute(to)
		}
		if a, ok := e.Props["rederivedBy"]; ok {
			d += fmt.Sprintf(" again=%v", a)
		}
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

func propMinute(s string) string {
	if s == "" {
		return ""
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	return minute(t)
}

func checkDerived(t *testing.T, s tracegraph.Store, unit string, want ...string) {
	t.Helper()
	slices.Sort(want)
	if got := derivation(t, s, unit); !slices.Equal(got, want) {
		t.Errorf("derived CONSUMED edges of %s =\n%s\nwant\n%s", unit, lines(got), lines(want))
	}
}

// changesNothing runs f, which refuses events, and checks that the log, the
// counts and the nodes (with their edges) are as they were.
func changesNothing(t *testing.T, s tracegraph.Store, nodes []string, f func()) {
	t.Helper()
	before := snapshot(t, s, ids(nodes...))
	f()
	unchanged(t, "refusals", before, snapshot(t, s, ids(nodes...)))
}

// testLineSideSplice: a placement consumes, for each slot of the active
// setup, the reel feeding it then: EXACT with one reel, CANDIDATE for both
// between feeder.spliced and splice.passed, or within the setup's window
// when no splice.passed comes; a late splice.passed derives again.
func testLineSideSplice(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, linesideFixture+`
20 pl-b1   unit.placed     {"unit":"B1","station":"P1"}
30 sp-1    feeder.spliced  {"station":"P1","slot":"1","lot":"C2"}
30 pl-b2   unit.placed     {"unit":"B2","station":"P1"}
39 pl-b3   unit.placed     {"unit":"B3","station":"P1"}
40 pass-1  splice.passed   {"station":"P1","slot":"1"}
40 pl-b4   unit.placed     {"unit":"B4","station":"P1"}
50 sp-2    feeder.spliced  {"station":"P1","slot":"2","lot":"R2"}
59 pl-b5   unit.placed     {"unit":"B5","station":"P1"}
60 pl-b6   unit.placed     {"unit":"B6","station":"P1"}
`)
	t.Run("one reel", func(t *testing.T) {
		checkDerived(t, s, "Unit:B1",
			"Unit:B1->MaterialLot:C1 EXACT from m20 slot=1 load=ld-1 by=pl-b1",
			"Unit:B1->MaterialLot:R1 EXACT from m20 slot=2 load=ld-2 by=pl-b1")
		es := edgesOf(t, s, "Unit:B1", tracegraph.EdgeQuery{Direction: tracegraph.Upstream})
		for _, e := range es {
			if e.Event != "pl-b1" || e.Props["station"] != "P1" || e.Props["setup"] != "TOP" {
				t.Errorf("edge %s: event %q, props %v; want event pl-b1, station P1, setup TOP", fmtEdge(e), e.Event, e.Props)
			}
		}
		if got := fmt.Sprint(es[slices.IndexFunc(es, func(e tracegraph.Edge) bool { return e.Target == "MaterialLot:C1" })].Props["refDes"]); got != "[C1 C2]" {
			t.Errorf("refDes of B1's C1 edge = %s, want [C1 C2]", got)
		}
	})
	t.Run("inside the splice", func(t *testing.T) {
		for _, u := range []string{"B2", "B3"} {
			checkDerived(t, s, "Unit:"+u,
				"Unit:"+u+"->MaterialLot:C1 CANDIDATE from "+placedAt(u)+" slot=1 load=ld-1 by=pl-"+strings.ToLower(u)+" window=m30..",
				"Unit:"+u+"->MaterialLot:C2 CANDIDATE from "+placedAt(u)+" slot=1 load=sp-1 by=pl-"+strings.ToLower(u)+" window=m30..",
				"Unit:"+u+"->MaterialLot:R1 EXACT from "+placedAt(u)+" slot=2 load=ld-2 by=pl-"+strings.ToLower(u))
		}
	})
	t.Run("after splice.passed", func(t *testing.T) {
		checkDerived(t, s, "Unit:B4",
			"Unit:B4->MaterialLot:C2 EXACT from m40 slot=1 load=sp-1 by=pl-b4",
			"Unit:B4->MaterialLot:R1 EXACT from m40 slot=2 load=ld-2 by=pl-b4")
	})
	t.Run("inside the window", func(t *testing.T) {
		checkDerived(t, s, "Unit:B5",
			"Unit:B5->MaterialLot:C2 EXACT from m59 slot=1 load=sp-1 by=pl-b5",
			"Unit:B5->MaterialLot:R1 CANDIDATE from m59 slot=2 load=ld-2 by=pl-b5 window=m50..m60",
			"Unit:B5->MaterialLot:R2 CANDIDATE from m59 slot=2 load=sp-2 by=pl-b5 window=m50..m60")
	})
	t.Run("after the window", func(t *testing.T) {
		checkDerived(t, s, "Unit:B6",
			"Unit:B6->MaterialLot:C2 EXACT from m60 slot=1 load=sp-1 by=pl-b6",
			"Unit:B6->MaterialLot:R2 EXACT from m60 slot=2 load=sp-2 by=pl-b6")
	})
	t.Run("trace", func(t *testing.T) {
		checkTrace(t, s, up("Unit:B3"), []string{"0 Unit:B3 EXACT", "1 MaterialLot:C1 CANDIDATE", "1 MaterialLot:C2 CANDIDATE", "1 MaterialLot:R1 EXACT"})
	})
	t.Run("late splice.passed", func(t *testing.T) {
		// The splice point passed later than the window said: B6 was
		// inside the splice after all, and is derived again.
		load(t, s, `65 pass-2 splice.passed {"station":"P1","slot":"2"}`)
		checkDerived(t, s, "Unit:B6",
			"Unit:B6->MaterialLot:C2 EXACT from m60 slot=1 load=sp-1 by=pl-b6",
			"Unit:B6->MaterialLot:R1 CANDIDATE from m60 slot=2 load=ld-2 by=pl-b6 window=m50..m65 again=pass-2",
			"Unit:B6->MaterialLot:R2 CANDIDATE from m60 slot=2 load=sp-2 by=pl-b6 window=m50..m65 again=pass-2")
		checkDerived(t, s, "Unit:B5",
			"Unit:B5->MaterialLot:C2 EXACT from m59 slot=1 load=sp-1 by=pl-b5",
			"Unit:B5->MaterialLot:R1 CANDIDATE from m59 slot=2 load=ld-2 by=pl-b5 window=m50..m65 again=pass-2",
			"Unit:B5->MaterialLot:R2 CANDIDATE from m59 slot=2 load=sp-2 by=pl-b5 window=m50..m65 again=pass-2")
		load(t, s, `70 pl-b7 unit.placed {"unit":"B7","station":"P1"}`)
		checkDerived(t, s, "Unit:B7",
			"Unit:B7->MaterialLot:C2 EXACT from m70 slot=1 load=sp-1 by=pl-b7",
			"Unit:B7->MaterialLot:R2 EXACT from m70 slot=2 load=sp-2 by=pl-b7")
	})
	t.Run("placement recorded late", func(t *testing.T) {
		// A placement is derived from the reels at its own time.
		load(t, s, `35 pl-b8 unit.placed {"unit":"B8","station":"P1"}`)
		checkDerived(t, s, "Unit:B8",
			"Unit:B8->MaterialLot:C1 CANDIDATE from m35 slot=1 load=ld-1 by=pl-b8 window=m30..m40",
			"Unit:B8->MaterialLot:C2 CANDIDATE from m35 slot=1 load=sp-1 by=pl-b8 window=m30..m40",
			"Unit:B8->MaterialLot:R1 EXACT from m35 slot=2 load=ld-2 by=pl-b8")
	})
	t.Run("refusals", func(t *testing.T) {
		changesNothing(t, s, []string{"Station:P1", "Unit:B1"}, func() {
			refuse(t, s, parse(t, `71 x splice.passed {"station":"P1","slot":"1"}`)[0], tracegraph.CodeConflict, "data.slot")
			refuse(t, s, parse(t, `71 x feeder.spliced {"station":"P1","slot":"9","lot":"C3"}`)[0], tracegraph.CodeConflict, "data.slot")
			refuse(t, s, parse(t, `71 x feeder.unloaded {"station":"P1","slot":"9"}`)[0], tracegraph.CodeConflict, "data.slot")
			refuse(t, s, parse(t, `64 x feeder.loaded {"station":"P1","slot":"2","lot":"R1"}`)[0], tracegraph.CodeConflict, "time")
			refuse(t, s, parse(t, `71 x unit.placed {"unit":"B1","station":"P2"}`)[0], tracegraph.CodeConflict, "data.station")
			refuse(t, s, parse(t, `2 x unit.placed {"unit":"B1","station":"P1"}`)[0], tracegraph.CodeConflict, "data.station")
			refuse(t, s, parse(t, `71 x setup.activated {"station":"P1","setup":"BOTTOM"}`)[0], tracegraph.CodeNotFound, "data.setup")
			refuse(t, s, parse(t, `71 x unit.placed {"unit":"NOPE","station":"P1"}`)[0], tracegraph.CodeNotFound, "data.unit")
		})
	})
}

// placedAt is the minute the splice scenario places unit u.
func placedAt(u string) string {
	return map[string]string{"B2": "m30", "B3": "m39"}[u]
}

// testLineSideWrongPart: setup verification refuses a reel of another part
// (WRONG_PART), a setup the loaded reels do not fit, and a board of another
// product; every refusal changes nothing.
func testLineSideWrongPart(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, linesideFixture+`
4  def-bot  setup.defined  {"setup":"BOT","station":"P1","partNumber":"PCBA-1","slots":[{"slot":"1","partNumber":"U-MCU","refDes":["U1"]}]}
20 pl-b1    unit.placed    {"unit":"B1","station":"P1"}
`)
	changesNothing(t, s, []string{"Station:P1", "MaterialLot:IC1", "MaterialLot:C3", "Unit:B1", "Unit:X1"}, func() {
		refuse(t, s, parse(t, `21 x feeder.loaded {"station":"P1","slot":"1","lot":"IC1"}`)[0], tracegraph.CodeWrongPart, "data.lot")
		refuse(t, s, parse(t, `21 x feeder.spliced {"station":"P1","slot":"2","lot":"C3"}`)[0], tracegraph.CodeWrongPart, "data.lot")
		refuse(t, s, parse(t, `21 x setup.activated {"station":"P1","setup":"BOT"}`)[0], tracegraph.CodeWrongPart, "data.setup")
		refuse(t, s, parse(t, `21 x unit.placed {"unit":"X1","station":"P1"}`)[0], tracegraph.CodeWrongPart, "data.unit")
	})
	checkDerived(t, s, "Unit:B1",
		"Unit:B1->MaterialLot:C1 EXACT from m20 slot=1 load=ld-1 by=pl-b1",
		"Unit:B1->MaterialLot:R1 EXACT from m20 slot=2 load=ld-2 by=pl-b1")
	// The right reel goes on; a slot the setup does not use takes anything.
	load(t, s, `
22 ld-c3  feeder.loaded  {"station":"P1","slot":"1","lot":"C3"}
22 ld-ic  feeder.loaded  {"station":"P1","slot":"7","lot":"IC1"}
23 pl-b2  unit.placed    {"unit":"B2","station":"P1"}
`)
	checkDerived(t, s, "Unit:B2",
		"Unit:B2->MaterialLot:C3 EXACT from m23 slot=1 load=ld-c3 by=pl-b2",
		"Unit:B2->MaterialLot:R1 EXACT from m23 slot=2 load=ld-2 by=pl-b2")
}

// testLineSideExpired: a reel past its expiry, or a moisture-sensitive reel
// past its floor life (counted from its first load), is refused EXPIRED,
// at the feeder and at placement; a bake restarts the floor life.
func testLineSideExpired(t *testing.T, open Opener) {
	s := open(t)
	// MSL 3: 168 hours = 10080 minutes of floor life.
	load(t, s, linesideFixture+`
0  rcv-m1   lot.received   {"lot":"M1","partNumber":"C-100N","msl":"3"}
0  rcv-m2   lot.received   {"lot":"M2","partNumber":"C-100N","msl":"3","openedAt":"2026-02-23T08:00:00Z"}
0  rcv-e1   lot.received   {"lot":"E1","partNumber":"C-100N","expiresAt":"2026-03-02T09:00:00Z"}
20 ld-m1    feeder.loaded  {"station":"P1","slot":"1","lot":"M1"}
30 ul-m1    feeder.unloaded {"station":"P1","slot":"1"}
30 ld-c1    feeder.loaded  {"station":"P1","slot":"1","lot":"C1"}
`)
	if got, want := node(t, s, "MaterialLot:M1").Props["floorSince"], At(20).Format(time.RFC3339Nano); got != want {
		t.Errorf("M1 floorSince = %v, want %s (its first load)", got, want)
	}
	changesNothing(t, s, []string{"Station:P1", "MaterialLot:M1", "MaterialLot:M2", "MaterialLot:E1"}, func() {
		refuse(t, s, parse(t, `10100 x feeder.loaded {"station":"P1","slot":"1","lot":"M1"}`)[0], tracegraph.CodeExpired, "data.lot")
		refuse(t, s, parse(t, `10100 x feeder.spliced {"station":"P1","slot":"1","lot":"M1"}`)[0], tracegraph.CodeExpired, "data.lot")
		refuse(t, s, parse(t, `40 x feeder.loaded {"station":"P1","slot":"1","lot":"M2"}`)[0], tracegraph.CodeExpired, "data.lot")
		refuse(t, s, parse(t, `60 x feeder.loaded {"station":"P1","slot":"1","lot":"E1"}`)[0], tracegraph.CodeExpired, "data.lot")
		refuse(t, s, parse(t, `60 x material.consumed {"unit":"B1","lot":"E1"}`)[0], tracegraph.CodeExpired, "data.lot")
		refuse(t, s, parse(t, `10100 x material.consumed {"unit":"B1","lot":"M1"}`)[0], tracegraph.CodeExpired, "data.lot")
	})
	// Just inside its floor life, M1 may still go on.
	load(t, s, `10099 ld-m1b feeder.loaded {"station":"P1","slot":"1","lot":"M1"}`)
	load(t, s, `10099 pl-b1 unit.placed {"unit":"B1","station":"P1"}`)
	// On the feeder past its floor life: placement is refused.
	changesNothing(t, s, []string{"Station:P1", "Unit:B2"}, func() {
		refuse(t, s, parse(t, `10100 x unit.placed {"unit":"B2","station":"P1"}`)[0], tracegraph.CodeExpired, "data.station")
	})
	load(t, s, `
10101 ul-m1b  feeder.unloaded {"station":"P1","slot":"1"}
10200 bake-m1 lot.baked       {"lot":"M1"}
10210 ld-m1c  feeder.loaded   {"station":"P1","slot":"1","lot":"M1"}
10211 pl-b2   unit.placed     {"unit":"B2","station":"P1"}
`)
	checkDerived(t, s, "Unit:B2",
		"Unit:B2->MaterialLot:M1 EXACT from m10211 slot=1 load=ld-m1c by=pl-b2",
		"Unit:B2->MaterialLot:R1 EXACT from m10211 slot=2 load=ld-2 by=pl-b2")
	t.Run("void the bake", func(t *testing.T) {
		load(t, s, `10212 ul-m1c feeder.unloaded {"station":"P1","slot":"1"}
10213 v-bake event.voided {"event":"bake-m1","reason":"oven log shows it never ran"}`)
		refuse(t, s, parse(t, `10214 x feeder.loaded {"station":"P1","slot":"1","lot":"M1"}`)[0], tracegraph.CodeExpired, "data.lot")
	})
}

// testLineSideRoute: a unit whose route is not complete (a required test
// missing, or its latest result failed) is refused ROUTE at packing and at
// shipping, itself or inside a container; a passing retest lets it through.
func testLineSideRoute(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, linesideFixture+`
5  rt-1    route.defined  {"partNumber":"PCBA-1","requires":["aoi","FCT"]}
20 aoi-b1  test.recorded  {"unit":"B1","testType":"AOI","result":"pass"}
21 fct-b1  test.recorded  {"unit":"B1","testType":"FCT","result":"fail"}
20 aoi-b2  test.recorded  {"unit":"B2","testType":"AOI","result":"pass"}
20 aoi-b3  test.recorded  {"unit":"B3","testType":"AOI","result":"pass"}
21 fct-b3  test.recorded  {"unit":"B3","testType":"FCT","result":"pass"}
22 pk-b3   packed         {"container":"BOX3","items":["B3"]}
23 fct-b3b test.recorded  {"unit":"B3","testType":"FCT","result":"fail"}
`)
	changesNothing(t, s, []string{"Unit:B1", "Unit:B2", "Unit:B3", "Box:BOX3"}, func() {
		refuse(t, s, parse(t, `30 x packed {"container":"BOX1","items":["B1"]}`)[0], tracegraph.CodeRoute, "data.items[0]")
		refuse(t, s, parse(t, `30 x packed {"container":"BOX1","items":["X1","B2"]}`)[0], tracegraph.CodeRoute, "data.items[1]")
		refuse(t, s, parse(t, `30 x shipped {"shipment":"S1","customer":"CU","items":["B1"]}`)[0], tracegraph.CodeRoute, "data.items[0]")
		refuse(t, s, parse(t, `30 x shipped {"shipment":"S1","customer":"CU","items":["BOX3"]}`)[0], tracegraph.CodeRoute, "data.items[0]")
	})
	outs := apply(t, s, parse(t, `30 x packed {"container":"BOX1","items":["B1"]}`), tracegraph.ApplyOptions{})
	if msg := outs[0].Error.Message; !strings.Contains(msg, "FCT failed") || !strings.Contains(msg, "TestRun:fct-b1") {
		t.Errorf("ROUTE message %q, want it to name the failed FCT (TestRun:fct-b1)", msg)
	}
	outs = apply(t, s, parse(t, `30 y packed {"container":"BOX1","items":["B2"]}`), tracegraph.ApplyOptions{})
	if msg := outs[0].Error.Message; !strings.Contains(msg, "FCT missing") {
		t.Errorf("ROUTE message %q, want it to name the missing FCT", msg)
	}
	outs = apply(t, s, parse(t, `30 z shipped {"shipment":"S1","customer":"CU","items":["BOX3"]}`), tracegraph.ApplyOptions{})
	if msg := outs[0].Error.Message; !strings.Contains(msg, "Unit:B3 (inside Box:BOX3)") {
		t.Errorf("ROUTE message %q, want it to name Unit:B3 inside Box:BOX3", msg)
	}
	load(t, s, `
31 fct-b1b test.recorded {"unit":"B1","testType":"FCT","result":"pass"}
32 pk-b1   packed        {"container":"BOX1","items":["B1"]}
33 fct-b3c test.recorded {"unit":"B3","testType":"FCT","result":"pass"}
34 sh-1    shipped       {"shipment":"S1","customer":"CU","items":["BOX3","X1"]}
`)
	status(t, s, "Unit:B1", tracegraph.StatusCompleted)
	status(t, s, "Unit:B3", tracegraph.StatusShipped)
	t.Run("void the retest", func(t *testing.T) {
		load(t, s, `35 fct-b2 test.recorded {"unit":"B2","testType":"FCT","result":"pass"}
36 v-fct-b2 event.voided {"event":"fct-b2","reason":"wrong fixture"}`)
		refuse(t, s, parse(t, `37 x packed {"container":"BOX2","items":["B2"]}`)[0], tracegraph.CodeRoute, "data.items[0]")
	})
	t.Run("route replaced and voided", func(t *testing.T) {
		load(t, s, `38 rt-2 route.defined {"partNumber":"PCBA-1","requires":["AOI"]}`)
		if got := fmt.Sprint(node(t, s, "Route:PCBA-1").Props["requires"]); got != "[AOI]" {
			t.Errorf("Route:PCBA-1 requires %s, want [AOI]", got)
		}
		load(t, s, `39 pk-b2 packed {"container":"BOX2","items":["B2"]}`)
		load(t, s, `40 v-rt-2 event.voided {"event":"rt-2","reason":"FCT stays"}`)
		if got := fmt.Sprint(node(t, s, "Route:PCBA-1").Props["requires"]); got != "[AOI FCT]" {
			t.Errorf("Route:PCBA-1 requires %s after voiding rt-2, want [AOI FCT]", got)
		}
		refuse(t, s, parse(t, `41 x shipped {"shipment":"S2","customer":"CU","items":["BOX2"]}`)[0], tracegraph.CodeRoute, "data.items[0]")
	})
}

// testLineSideVoid: voiding a load, a splice or an unload mends the slot's
// history and derives the placements again, leaving no edge to the voided
// reel; voiding a placement voids every edge derived for it.
func testLineSideVoid(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, linesideFixture+`
15 pl-b1   unit.placed     {"unit":"B1","station":"P1"}
20 ld-c2   feeder.loaded   {"station":"P1","slot":"1","lot":"C2"}
25 pl-b2   unit.placed     {"unit":"B2","station":"P1"}
40 sp-c3   feeder.spliced  {"station":"P1","slot":"1","lot":"C3"}
45 pl-b3   unit.placed     {"unit":"B3","station":"P1"}
50 ul-2    feeder.unloaded {"station":"P1","slot":"2"}
55 pl-b4   unit.placed     {"unit":"B4","station":"P1"}
`)
	checkDerived(t, s, "Unit:B2",
		"Unit:B2->MaterialLot:C2 EXACT from m25 slot=1 load=ld-c2 by=pl-b2",
		"Unit:B2->MaterialLot:R1 EXACT from m25 slot=2 load=ld-2 by=pl-b2")
	t.Run("void a wrong load", func(t *testing.T) {
		// C2 was scanned, but C1 never came off the feeder.
		load(t, s, `60 v-ld-c2 event.voided {"event":"ld-c2","reason":"wrong reel scanned"}`)
		checkDerived(t, s, "Unit:B1",
			"Unit:B1->MaterialLot:C1 EXACT from m15 slot=1 load=ld-1 by=pl-b1",
			"Unit:B1->MaterialLot:R1 EXACT from m15 slot=2 load=ld-2 by=pl-b1")
		checkDerived(t, s, "Unit:B2",
			"Unit:B2->MaterialLot:C1 EXACT from m25 slot=1 load=ld-1 by=pl-b2 again=v-ld-c2",
			"Unit:B2->MaterialLot:R1 EXACT from m25 slot=2 load=ld-2 by=pl-b2")
		checkDerived(t, s, "Unit:B3",
			"Unit:B3->MaterialLot:C1 CANDIDATE from m45 slot=1 load=ld-1 by=pl-b3 window=m40.. again=v-ld-c2",
			"Unit:B3->MaterialLot:C3 CANDIDATE from m45 slot=1 load=sp-c3 by=pl-b3 window=m40.. again=v-ld-c2",
			"Unit:B3->MaterialLot:R1 EXACT from m45 slot=2 load=ld-2 by=pl-b3")
		checkEdges(t, s, "MaterialLot:C2", tracegraph.EdgeQuery{Direction: tracegraph.Downstream}, nil)
		checkEdges(t, s, "MaterialLot:C2", tracegraph.EdgeQuery{Direction: tracegraph.Downstream, History: true}, nil)
		checkTrace(t, s, down("MaterialLot:C1"), []string{"0 MaterialLot:C1 EXACT", "1 Unit:B1 EXACT", "1 Unit:B2 EXACT", "1 Unit:B3 CANDIDATE", "1 Unit:B4 CANDIDATE"})
	})
	t.Run("void a splice", func(t *testing.T) {
		load(t, s, `61 v-sp-c3 event.voided {"event":"sp-c3","reason":"splice not made"}`)
		checkDerived(t, s, "Unit:B3",
			"Unit:B3->MaterialLot:C1 EXACT from m45 slot=1 load=ld-1 by=pl-b3 again=v-sp-c3",
			"Unit:B3->MaterialLot:R1 EXACT from m45 slot=2 load=ld-2 by=pl-b3")
		checkEdges(t, s, "MaterialLot:C3", tracegraph.EdgeQuery{Direction: tracegraph.Downstream}, nil)
	})
	t.Run("void an unload", func(t *testing.T) {
		checkDerived(t, s, "Unit:B4",
			"Unit:B4->MaterialLot:C1 EXACT from m55 slot=1 load=ld-1 by=pl-b4 again=v-sp-c3")
		load(t, s, `62 v-ul-2 event.voided {"event":"ul-2","reason":"R1 stayed on"}`)
		checkDerived(t, s, "Unit:B4",
			"Unit:B4->MaterialLot:C1 EXACT from m55 slot=1 load=ld-1 by=pl-b4 again=v-sp-c3",
			"Unit:B4->MaterialLot:R1 EXACT from m55 slot=2 load=ld-2 by=pl-b4 again=v-ul-2")
	})
	t.Run("void a placement", func(t *testing.T) {
		load(t, s, `63 v-pl-b3 event.voided {"event":"pl-b3","reason":"board went through twice"}`)
		checkDerived(t, s, "Unit:B3")
		checkEdges(t, s, "Unit:B3", tracegraph.EdgeQuery{Direction: tracegraph.Upstream, History: true}, nil)
	})
	t.Run("holds follow derived edges", func(t *testing.T) {
		load(t, s, `64 h-c1 hold.placed {"target":"C1","reason":"supplier notice"}`)
		held(t, s, map[string][]string{"Unit:B1": {"h-c1<-MaterialLot:C1"}, "Unit:B2": {"h-c1<-MaterialLot:C1"}, "Unit:B3": nil})
		// A placement that would consume held material is refused.
		changesNothing(t, s, []string{"Station:P1", "Unit:B5"}, func() {
			refuse(t, s, parse(t, `65 x unit.placed {"unit":"B5","station":"P1"}`)[0], tracegraph.CodeOnHold, "data.station")
		})
	})
	t.Run("refused voids", func(t *testing.T) {
		refuse(t, s, parse(t, `66 x event.voided {"event":"act-top","reason":"x"}`)[0], tracegraph.CodeConflict, "data.event")
		refuse(t, s, parse(t, `66 x event.voided {"event":"def-top","reason":"x"}`)[0], tracegraph.CodeConflict, "data.event")
	})
}
