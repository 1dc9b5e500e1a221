package storetest

import (
	"encoding/json"
	"testing"

	"github.com/tracegraph/tracegraph"
)

func testEmpty(t *testing.T, open Opener) {
	s := open(t)
	if err := s.Ping(bg); err != nil {
		t.Errorf("Ping() = %v, want nil", err)
	}
	seq, hash, err := s.Head(bg)
	if err != nil || seq != 0 || hash != "" {
		t.Errorf("Head() = %d, %q, %v; want 0, \"\", nil", seq, hash, err)
	}
	evs, err := s.Events(bg, 0, 10)
	if err != nil || len(evs) != 0 {
		t.Errorf("Events(0, 10) = %d events, %v; want none", len(evs), err)
	}
	st, err := s.Stats(bg)
	if err != nil || st.Events != 0 || len(nonZero(st.Nodes)) != 0 || len(nonZero(st.Edges)) != 0 {
		t.Errorf("Stats() = %+v, %v; want nothing counted", st, err)
	}
	_, err = s.Event(bg, "nope")
	wantCode(t, `Event("nope")`, err, tracegraph.CodeNotFound)
	notFound(t, s, "Unit:SN1")
	ns, err := s.Lookup(bg, "SN1")
	if err != nil || len(ns) != 0 {
		t.Errorf(`Lookup("SN1") = %v, %v; want empty`, ns, err)
	}
	_, err = s.Trace(bg, tracegraph.TraceRequest{From: ids("Unit:SN1"), Direction: tracegraph.Upstream})
	wantCode(t, "Trace(Unit:SN1)", err, tracegraph.CodeNotFound)
	p, err := s.Units(bg, tracegraph.UnitFilter{}, tracegraph.Page{})
	if err != nil || len(p.Units) != 0 || p.TotalCount != 0 || p.HasNextPage {
		t.Errorf("Units() = %+v, %v; want an empty page", p, err)
	}
}

// testDecode: malformed or missing fields and unknown types are INVALID and
// name the field, before anything reaches a store.
func testDecode(t *testing.T, _ Opener) {
	const ok = `"id":"e1","time":"2026-03-02T08:00:00Z"`
	tests := []struct {
		name  string
		json  string
		field string
	}{
		{"id missing", `{"type":"unit.created","time":"2026-03-02T08:00:00Z","data":{"serial":"S","partNumber":"P"}}`, "id"},
		{"id spaces", `{"id":" e1","type":"unit.created","time":"2026-03-02T08:00:00Z","data":{"serial":"S","partNumber":"P"}}`, "id"},
		{"type missing", `{` + ok + `,"data":{"serial":"S","partNumber":"P"}}`, "type"},
		{"type unknown", `{` + ok + `,"type":"unit.destroyed","data":{"serial":"S"}}`, "type"},
		{"time missing", `{"id":"e1","type":"unit.created","data":{"serial":"S","partNumber":"P"}}`, "time"},
		{"time malformed", `{"id":"e1","type":"unit.created","time":"yesterday","data":{"serial":"S","partNumber":"P"}}`, "time"},
		{"time not a string", `{"id":"e1","type":"unit.created","time":12,"data":{"serial":"S","partNumber":"P"}}`, "time"},
		{"envelope unknown field", `{` + ok + `,"type":"unit.created","data":{"serial":"S","partNumber":"P"},"colour":"red"}`, "colour"},
		{"data missing", `{` + ok + `,"type":"unit.created"}`, "data"},
		{"data not an object", `{` + ok + `,"type":"unit.created","data":[1]}`, "data"},
		{"serial missing", `{` + ok + `,"type":"unit.created","data":{"partNumber":"P"}}`, "data.serial"},
		{"serial not a string", `{` + ok + `,"type":"unit.created","data":{"serial":5,"partNumber":"P"}}`, "data.serial"},
		{"serial spaces", `{` + ok + `,"type":"unit.created","data":{"serial":"S ","partNumber":"P"}}`, "data.serial"},
		{"partNumber missing", `{` + ok + `,"type":"unit.created","data":{"serial":"S"}}`, "data.partNumber"},
		{"data unknown field", `{` + ok + `,"type":"unit.created","data":{"serial":"S","partNumber":"P","colour":"red"}}`, "data.colour"},
		{"origin unknown", `{` + ok + `,"type":"unit.created","data":{"serial":"S","partNumber":"P","origin":"found"}}`, "data.origin"},
		{"consumed neither lot nor component", `{` + ok + `,"type":"material.consumed","data":{"unit":"U1"}}`, "data.lot"},
		{"consumed lot and component", `{` + ok + `,"type":"material.consumed","data":{"unit":"U1","lot":"L1","component":"C1"}}`, "data.component"},
		{"component not exact", `{` + ok + `,"type":"material.consumed","data":{"unit":"U1","component":"C1","precision":"CANDIDATE"}}`, "data.precision"},
		{"precision unknown", `{` + ok + `,"type":"material.consumed","data":{"unit":"U1","lot":"L1","precision":"MAYBE"}}`, "data.precision"},
		{"quantity negative", `{` + ok + `,"type":"material.consumed","data":{"unit":"U1","lot":"L1","quantity":-1}}`, "data.quantity"},
		{"global ID without key", `{` + ok + `,"type":"material.consumed","data":{"unit":"Unit:","lot":"L1"}}`, "data.unit"},
		{"assembled into itself", `{` + ok + `,"type":"unit.assembled","data":{"parent":"U1","child":"U1"}}`, "data.child"},
		{"items listed twice", `{` + ok + `,"type":"packed","data":{"container":"B1","items":["U1","U1"]}}`, "data.items[1]"},
		{"containerType unknown", `{` + ok + `,"type":"packed","data":{"container":"B1","containerType":"crate","items":["U1"]}}`, "data.containerType"},
		{"sscc check digit", `{` + ok + `,"type":"packed","data":{"container":"B1","items":["U1"],"sscc":"009506000134000016"}}`, "data.sscc"},
		{"shipped without items", `{` + ok + `,"type":"shipped","data":{"shipment":"S1","customer":"C1","items":[]}}`, "data.items"},
		{"hold without reason", `{` + ok + `,"type":"hold.placed","data":{"target":"L1"}}`, "data.reason"},
		{"hold placed with all", `{` + ok + `,"type":"hold.placed","data":{"target":"L1","all":true,"reason":"r"}}`, "data.all"},
		{"hold id with spaces", `{` + ok + `,"type":"hold.placed","data":{"target":"L1","hold":" QA-1","reason":"r"}}`, "data.hold"},
		{"release naming no hold", `{` + ok + `,"type":"hold.released","data":{"target":"L1","reason":"r"}}`, "data.hold"},
		{"release naming a hold and all", `{` + ok + `,"type":"hold.released","data":{"target":"L1","hold":"QA-1","all":true,"reason":"r"}}`, "data.hold"},
		{"test result unknown", `{` + ok + `,"type":"test.recorded","data":{"unit":"U1","testType":"ICT","result":"maybe"}}`, "data.result"},
		{"measurement name missing", `{` + ok + `,"type":"test.recorded","data":{"unit":"U1","testType":"ICT","result":"pass","measurements":[{"value":1}]}}`, "data.measurements[0].name"},
		{"component serial listed twice", `{` + ok + `,"type":"component.received","data":{"serials":["C1","C1"],"partNumber":"P"}}`, "data.serials[1]"},
		{"expiresAt malformed", `{` + ok + `,"type":"lot.received","data":{"lot":"L1","partNumber":"P","expiresAt":"soon"}}`, "data.expiresAt"},
		{"MAC not 12 hex digits", `{` + ok + `,"type":"unit.created","data":{"serial":"S","partNumber":"P","identifiers":{"MAC":"00:1B:44:11:3A"}}}`, "data.identifiers.MAC"},
		{"IMEI with letters", `{` + ok + `,"type":"identifier.assigned","data":{"unit":"U1","scheme":"imei","value":"35693803564380X"}}`, "data.value"},
		{"GTIN check digit", `{` + ok + `,"type":"identifier.assigned","data":{"unit":"U1","scheme":"GTIN","value":"4006381333932"}}`, "data.value"},
		{"identifier not a string", `{` + ok + `,"type":"unit.created","data":{"serial":"S","partNumber":"P","identifiers":{"IMEI":5}}}`, "data.identifiers.IMEI"},
		{"void without reason", `{` + ok + `,"type":"event.voided","data":{"event":"e0"}}`, "data.reason"},
		{"process parameter not scalar", `{` + ok + `,"type":"process.recorded","data":{"units":["U1"],"step":"reflow","parameters":{"zones":[1,2]}}}`, "data.parameters.zones"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := tracegraph.DecodeEvent([]byte(tt.json))
			if tracegraph.ErrorCode(err) != tracegraph.CodeInvalid {
				t.Fatalf("DecodeEvent(%s) = %+v, %v; want INVALID", tt.json, ev, err)
			}
			e := tracegraph.AsError(err)
			if e.Field != tt.field {
				t.Errorf("DecodeEvent(%s) field = %q (%s), want %q", tt.json, e.Field, e.Message, tt.field)
			}
			if e.Message == "" {
				t.Errorf("DecodeEvent(%s) has an empty message", tt.json)
			}
		})
	}
}

// rulesFixture is a small factory in which every rule can be broken.
const rulesFixture = `
# material
0  rcv-w1   wafer.registered    {"waferBatch":"W1","manufacturer":"TSMC"}
0  rcv-l1   lot.received        {"lot":"L1","partNumber":"R-10K","quantity":5000}
0  rcv-l2   lot.received        {"lot":"L2","partNumber":"C-100N","expiresAt":"2026-03-02T09:00:00Z"}
0  rcv-l3   lot.received        {"lot":"L3","partNumber":"IC-7","derivedFrom":["W1"]}
0  rcv-c    component.received  {"serials":["C1","C2"],"partNumber":"MOD-LTE"}
0  rcv-x1   lot.received        {"lot":"X1","partNumber":"R-1"}
# units
1  mk-u1    unit.created        {"serial":"U1","partNumber":"PCBA-1","workOrder":"WO-1","identifiers":{"IMEI":"356938035643809"}}
1  mk-u2    unit.created        {"serial":"U2","partNumber":"PCBA-1","workOrder":"WO-1"}
1  mk-u3    unit.created        {"serial":"U3","partNumber":"PCBA-1","workOrder":"WO-1"}
1  mk-u4    unit.created        {"serial":"U4","partNumber":"PCBA-1","workOrder":"WO-1"}
1  mk-u5    unit.created        {"serial":"U5","partNumber":"PCBA-1"}
1  mk-p1    unit.created        {"serial":"P1","partNumber":"PRD-1"}
1  mk-p2    unit.created        {"serial":"P2","partNumber":"PRD-1"}
1  mk-p3    unit.created        {"serial":"P3","partNumber":"PRD-1"}
1  mk-s1    unit.created        {"serial":"S1","partNumber":"PRD-1"}
1  mk-x1    unit.created        {"serial":"X1","partNumber":"PRD-1"}
1  mk-ca    unit.created        {"serial":"CA","partNumber":"PRD-1"}
1  mk-cb    unit.created        {"serial":"CB","partNumber":"PCBA-1"}
# build, pack, scrap, ship
2  u1-l1    material.consumed   {"unit":"U1","lot":"L1","refDes":["R1","R2"]}
3  p1-u1    unit.assembled      {"parent":"P1","child":"U1"}
3  p1-c1    material.consumed   {"unit":"P1","component":"C1","refDes":["M1"]}
3  p2-u2    unit.assembled      {"parent":"P2","child":"U2"}
3  ca-cb    unit.assembled      {"parent":"CA","child":"CB"}
3  tr-u4    test.recorded       {"unit":"U4","testType":"ICT","result":"pass"}
3  tr-u5    test.recorded       {"unit":"U5","testType":"ICT","result":"fail"}
3  void-tr  event.voided        {"event":"tr-u5","reason":"wrong fixture"}
4  pk-b1    packed              {"container":"B1","containerType":"box","items":["P1"],"sscc":"009506000134000015"}
4  pk-b3    packed              {"container":"B3","containerType":"box","items":["P3"]}
5  sc-s1    unit.scrapped       {"unit":"S1","reason":"dropped"}
5  sh-1     shipped             {"shipment":"SH1","customer":"CUST-1","items":["U3"]}
# holds
6  hold-l3  hold.placed         {"target":"L3","reason":"supplier alert"}
6  hold-c2  hold.placed         {"target":"C2","reason":"counterfeit suspicion"}
6  hold-u2  hold.placed         {"target":"U2","reason":"ICT retest"}
6  rel-p2   hold.released       {"target":"P2","all":true,"reason":"P2 itself inspected"}
6  hold-p3  hold.placed         {"target":"P3","reason":"cosmetic"}
6  hold-u5  hold.placed         {"target":"U5","reason":"retest"}
`

// rulesNodes are the nodes a refusal must leave as they were, including
// some that must still not exist.
var rulesNodes = []string{
	"WaferBatch:W1", "MaterialLot:L1", "MaterialLot:L2", "MaterialLot:L3", "MaterialLot:X1",
	"Component:C1", "Component:C2", "Unit:U1", "Unit:U2", "Unit:U3", "Unit:U4", "Unit:U5",
	"Unit:P1", "Unit:P2", "Unit:P3", "Unit:S1", "Unit:X1", "Unit:CA", "Unit:CB", "WorkOrder:WO-1",
	"Box:B1", "Box:B3", "Shipment:SH1", "Customer:CUST-1", "TestRun:tr-u4", "TestRun:tr-u5",
	// must not exist
	"Box:B2", "Box:B8", "Box:B9", "Pallet:PAL2", "Unit:U9", "MaterialLot:L9", "Component:C9",
	"Shipment:SH9", "Customer:CUST-9", "WaferBatch:W9",
}

// testRules breaks every rule of docs/events.md once: each refusal has its code and
// names the field, and afterwards nothing has changed.
func testRules(t *testing.T, open Opener) {
	// raw builds an event that skips decoding, as a careless client library might send it.
	raw := func(id, typ, data string) *tracegraph.Event {
		return &tracegraph.Event{ID: id, Type: tracegraph.EventType(typ), Time: At(10), Data: json.RawMessage(data)}
	}
	tests := []struct {
		name  string
		ev    string // a fixture line; or
		raw   *tracegraph.Event
		code  tracegraph.Code
		field string
	}{
		// References must exist.
		{name: "unknown unit", ev: `10 bad material.consumed {"unit":"NOPE","lot":"L1"}`, code: tracegraph.CodeNotFound, field: "data.unit"},
		{name: "unknown lot by global ID", ev: `10 bad material.consumed {"unit":"U4","lot":"MaterialLot:NOPE"}`, code: tracegraph.CodeNotFound, field: "data.lot"},
		{name: "unknown parent", ev: `10 bad unit.assembled {"parent":"Unit:NOPE","child":"U4"}`, code: tracegraph.CodeNotFound, field: "data.parent"},
		{name: "unknown child", ev: `10 bad unit.assembled {"parent":"U4","child":"NOPE"}`, code: tracegraph.CodeNotFound, field: "data.child"},
		{name: "unknown item to pack", ev: `10 bad packed {"container":"B9","items":["U4","NOPE"]}`, code: tracegraph.CodeNotFound, field: "data.items[1]"},
		{name: "unknown item to ship", ev: `10 bad shipped {"shipment":"SH9","customer":"CUST-9","items":["NOPE"]}`, code: tracegraph.CodeNotFound, field: "data.items[0]"},
		{name: "unknown container to unpack", ev: `10 bad unpacked {"container":"B9"}`, code: tracegraph.CodeNotFound, field: "data.container"},
		{name: "unknown hold target", ev: `10 bad hold.placed {"target":"NOPE","reason":"r"}`, code: tracegraph.CodeNotFound, field: "data.target"},
		{name: "unknown derivedFrom", ev: `10 bad lot.received {"lot":"L9","partNumber":"R-1","derivedFrom":["L1","W9"]}`, code: tracegraph.CodeNotFound, field: "data.derivedFrom[1]"},
		{name: "unknown unit in process", ev: `10 bad process.recorded {"units":["U4","NOPE"],"step":"reflow"}`, code: tracegraph.CodeNotFound, field: "data.units[1]"},
		{name: "unknown unit for test", ev: `10 bad test.recorded {"unit":"NOPE","testType":"ICT","result":"pass"}`, code: tracegraph.CodeNotFound, field: "data.unit"},
		{name: "unknown unit for identifier", ev: `10 bad identifier.assigned {"unit":"NOPE","scheme":"MAC","value":"00:1B:44:11:3A:B7"}`, code: tracegraph.CodeNotFound, field: "data.unit"},
		{name: "unknown event to void", ev: `10 bad event.voided {"event":"nope","reason":"r"}`, code: tracegraph.CodeNotFound, field: "data.event"},
		{name: "voided event's test run", ev: `10 bad hold.placed {"target":"TestRun:tr-u5","reason":"r"}`, code: tracegraph.CodeNotFound, field: "data.target"},
		// The counterfeit guard.
		{name: "component never received", ev: `10 bad material.consumed {"unit":"U4","component":"C-FAKE"}`, code: tracegraph.CodeNotFound, field: "data.component"},
		{name: "component never received as child", ev: `10 bad unit.assembled {"parent":"U4","child":"Component:C-FAKE"}`, code: tracegraph.CodeNotFound, field: "data.child"},
		// Created once.
		{name: "duplicate serial", ev: `10 bad unit.created {"serial":"U1","partNumber":"PCBA-1"}`, code: tracegraph.CodeConflict, field: "data.serial"},
		{name: "duplicate lot", ev: `10 bad lot.received {"lot":"L1","partNumber":"R-10K"}`, code: tracegraph.CodeConflict, field: "data.lot"},
		{name: "duplicate wafer batch", ev: `10 bad wafer.registered {"waferBatch":"W1"}`, code: tracegraph.CodeConflict, field: "data.waferBatch"},
		{name: "duplicate component serial", ev: `10 bad component.received {"serials":["C9","C2"],"partNumber":"MOD-LTE"}`, code: tracegraph.CodeConflict, field: "data.serials[1]"},
		{name: "duplicate identifier at creation", ev: `10 bad unit.created {"serial":"U9","partNumber":"P","identifiers":{"IMEI":"356938035643809"}}`, code: tracegraph.CodeConflict, field: "data.identifiers.IMEI"},
		{name: "duplicate identifier assigned", ev: `10 bad identifier.assigned {"unit":"U4","scheme":"imei","value":"356938035643809"}`, code: tracegraph.CodeConflict, field: "data.value"},
		{name: "identifier changed", ev: `10 bad identifier.assigned {"unit":"U1","scheme":"IMEI","value":"490154203237518"}`, code: tracegraph.CodeConflict, field: "data.scheme"},
		{name: "box as pallet", ev: `10 bad packed {"container":"B1","containerType":"pallet","items":["U4"]}`, code: tracegraph.CodeConflict, field: "data.containerType"},
		{name: "box with another SSCC", ev: `10 bad packed {"container":"B1","items":["U4"],"sscc":"009506000134000022"}`, code: tracegraph.CodeConflict, field: "data.sscc"},
		{name: "duplicate SSCC", ev: `10 bad packed {"container":"B8","items":["U4"],"sscc":"009506000134000015"}`, code: tracegraph.CodeConflict, field: "data.sscc"},
		// One place at a time.
		{name: "unit in two boxes", ev: `10 bad packed {"container":"B2","items":["P1"]}`, code: tracegraph.CodeConflict, field: "data.items[0]"},
		{name: "unit in two parents", ev: `10 bad unit.assembled {"parent":"P3","child":"U1"}`, code: tracegraph.CodeConflict, field: "data.child"},
		{name: "component in two units", ev: `10 bad material.consumed {"unit":"U4","component":"C1"}`, code: tracegraph.CodeConflict, field: "data.component"},
		{name: "box into a pallet while shipped item", ev: `10 bad packed {"container":"PAL2","containerType":"pallet","items":["B3","U3"]}`, code: tracegraph.CodeConflict, field: "data.items[1]"},
		{name: "ship a unit inside a box", ev: `10 bad shipped {"shipment":"SH9","customer":"CUST-9","items":["P1"]}`, code: tracegraph.CodeConflict, field: "data.items[0]"},
		{name: "ship twice", ev: `10 bad shipped {"shipment":"SH9","customer":"CUST-9","items":["U3"]}`, code: tracegraph.CodeConflict, field: "data.items[0]"},
		{name: "ship scrapped", ev: `10 bad shipped {"shipment":"SH9","customer":"CUST-9","items":["S1"]}`, code: tracegraph.CodeConflict, field: "data.items[0]"},
		{name: "shipment to another customer", ev: `10 bad shipped {"shipment":"SH1","customer":"CUST-9","items":["U4"]}`, code: tracegraph.CodeConflict, field: "data.customer"},
		{name: "build on scrapped", ev: `10 bad material.consumed {"unit":"S1","lot":"L1"}`, code: tracegraph.CodeConflict, field: "data.unit"},
		{name: "build on shipped", ev: `10 bad unit.assembled {"parent":"U3","child":"U4"}`, code: tracegraph.CodeConflict, field: "data.parent"},
		{name: "scrap a packed unit", ev: `10 bad unit.scrapped {"unit":"P1","reason":"r"}`, code: tracegraph.CodeConflict, field: "data.unit"},
		{name: "remove what is not there", ev: `10 bad component.removed {"parent":"P1","child":"C2"}`, code: tracegraph.CodeConflict, field: "data.child"},
		{name: "unpack what is not there", ev: `10 bad unpacked {"container":"B1","items":["U4"]}`, code: tracegraph.CodeConflict, field: "data.items[0]"},
		{name: "hold a shipped unit", ev: `10 bad hold.placed {"target":"U3","reason":"r"}`, code: tracegraph.CodeConflict, field: "data.target"},
		{name: "release what is not held", ev: `10 bad hold.released {"target":"U4","all":true,"reason":"r"}`, code: tracegraph.CodeConflict, field: "data.target"},
		{name: "expired lot", ev: `90 bad material.consumed {"unit":"U4","lot":"L2"}`, code: tracegraph.CodeExpired, field: "data.lot"},
		{name: "void twice", ev: `10 bad event.voided {"event":"tr-u5","reason":"r"}`, code: tracegraph.CodeConflict, field: "data.event"},
		{name: "void what others use", ev: `10 bad event.voided {"event":"rcv-l1","reason":"r"}`, code: tracegraph.CodeConflict, field: "data.event"},
		// Holds: the interlock.
		{name: "consume held lot", ev: `10 bad material.consumed {"unit":"U4","lot":"L3"}`, code: tracegraph.CodeOnHold, field: "data.lot"},
		{name: "install held component", ev: `10 bad material.consumed {"unit":"U4","component":"C2"}`, code: tracegraph.CodeOnHold, field: "data.component"},
		{name: "install held unit", ev: `10 bad unit.assembled {"parent":"U4","child":"U5"}`, code: tracegraph.CodeOnHold, field: "data.child"},
		{name: "ship held unit", ev: `10 bad shipped {"shipment":"SH9","customer":"CUST-9","items":["U4","U5"]}`, code: tracegraph.CodeOnHold, field: "data.items[1]"},
		{name: "ship box with held unit", ev: `10 bad shipped {"shipment":"SH9","customer":"CUST-9","items":["B3"]}`, code: tracegraph.CodeOnHold, field: "data.items[0]"},
		{name: "ship unit containing held unit", ev: `10 bad shipped {"shipment":"SH9","customer":"CUST-9","items":["P2"]}`, code: tracegraph.CodeOnHold, field: "data.items[0]"},
		// Malformed or meaningless.
		{name: "unknown type", raw: raw("bad", "unit.destroyed", `{"serial":"U9"}`), code: tracegraph.CodeInvalid, field: "type"},
		{name: "missing field", raw: raw("bad", "unit.created", `{"serial":"U9"}`), code: tracegraph.CodeInvalid, field: "data.partNumber"},
		{name: "unknown data field", raw: raw("bad", "unit.created", `{"serial":"U9","partNumber":"P","colour":"red"}`), code: tracegraph.CodeInvalid, field: "data.colour"},
		{name: "cycle", ev: `10 bad unit.assembled {"parent":"CB","child":"CA"}`, code: tracegraph.CodeInvalid, field: "data.child"},
		{name: "ambiguous code", ev: `10 bad hold.placed {"target":"X1","reason":"r"}`, code: tracegraph.CodeInvalid, field: "data.target"},
		{name: "wrong label", ev: `10 bad material.consumed {"unit":"U4","lot":"Unit:U1"}`, code: tracegraph.CodeInvalid, field: "data.lot"},
		{name: "hold a test run", ev: `10 bad hold.placed {"target":"TestRun:tr-u4","reason":"r"}`, code: tracegraph.CodeInvalid, field: "data.target"},
		{name: "container type mismatch", ev: `10 bad packed {"container":"Box:B1","containerType":"pallet","items":["U4"]}`, code: tracegraph.CodeInvalid, field: "data.containerType"},
		{name: "removed before assembled", ev: `2 bad component.removed {"parent":"P1","child":"U1"}`, code: tracegraph.CodeInvalid, field: "time"},
		{name: "void a void", ev: `10 bad event.voided {"event":"void-tr","reason":"r"}`, code: tracegraph.CodeInvalid, field: "data.event"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			load(t, s, rulesFixture)
			ev := tt.raw
			if ev == nil {
				ev = parse(t, tt.ev)[0]
			}
			before := snapshot(t, s, ids(rulesNodes...))
			refuse(t, s, ev, tt.code, tt.field)
			unchanged(t, "the refusal", before, snapshot(t, s, ids(rulesNodes...)))
			if got, err := s.Event(bg, ev.ID); !tracegraph.IsNotFound(err) {
				t.Errorf("Event(%q) after the refusal = %v, %v; want NOT_FOUND", ev.ID, got, err)
			}
		})
	}
}
