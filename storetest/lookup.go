package storetest

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tracegraph/tracegraph"
)

const lookupFixture = `
0  mk-u1  unit.created         {"serial":"SN-0001","partNumber":"PRD-1","identifiers":{"IMEI":"356938035643809","MAC":"00:1B:44:11:3A:B7"}}
0  mk-u2  unit.created         {"serial":"SN-0002","partNumber":"PRD-1","identifiers":{"gtin":"4006381333931","IMEI":"35 209900 176148 1"}}
0  mac-u2 identifier.assigned  {"unit":"SN-0002","scheme":"mac","value":"00-1b-44-11-3a-b8"}
0  id-u1  identifier.assigned  {"unit":"SN-0001","scheme":"customerSerial","value":"CS-77"}
0  rcv-l  lot.received         {"lot":"LOT-42","partNumber":"R-1"}
0  rcv-c  component.received   {"serials":["QX-1"],"partNumber":"MOD-LTE"}
0  mk-d   unit.created         {"serial":"DUP-1","partNumber":"PRD-1"}
0  rcv-d  lot.received         {"lot":"DUP-1","partNumber":"R-1"}
1  pk-b   packed               {"container":"BOX-9","items":["SN-0001"],"sscc":"009506000134000039"}
2  pk-p   packed               {"container":"PAL-3","containerType":"pallet","items":["BOX-9"],"sscc":"009506000134000046"}
# BOX-5 gets its SSCC label when the second unit goes in
3  mk-u3  unit.created         {"serial":"SN-0003","partNumber":"PRD-1"}
3  pk-b5  packed               {"container":"BOX-5","items":["SN-0002"]}
4  pk-b5s packed               {"container":"BOX-5","items":["SN-0003"],"sscc":"009506000134000053"}
`

// testLookup: whatever a person scans or types.
func testLookup(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, lookupFixture)
	const gtin = "09506000134352"
	tests := []struct {
		code string
		want []string
	}{
		{"SN-0001", []string{"Unit:SN-0001"}},
		{" SN-0001 ", []string{"Unit:SN-0001"}},
		{"Unit:SN-0001", []string{"Unit:SN-0001"}},
		{"356938035643809", []string{"Unit:SN-0001"}},
		{"00:1B:44:11:3A:B7", []string{"Unit:SN-0001"}},
		{"CS-77", []string{"Unit:SN-0001"}},
		// Identifiers are stored and looked up in their scheme's canonical form.
		{"00:1b:44:11:3a:b7", []string{"Unit:SN-0001"}},
		{"00-1B-44-11-3A-B7", []string{"Unit:SN-0001"}},
		{"001b.4411.3ab7", []string{"Unit:SN-0001"}},
		{"001B44113AB7", []string{"Unit:SN-0001"}},
		{"00:1B:44:11:3A:B8", []string{"Unit:SN-0002"}},
		{"00-1b-44-11-3a-b8", []string{"Unit:SN-0002"}},
		{"35-693803-564380-9", []string{"Unit:SN-0001"}},
		{"352099001761481", []string{"Unit:SN-0002"}},
		{"4006381333931", []string{"Unit:SN-0002"}},
		{"04006381333931", []string{"Unit:SN-0002"}},
		{"(01)04006381333931", []string{"Unit:SN-0002"}},
		{"00:1B:44:11:3A:B9", nil},
		{"SN-0002", []string{"Unit:SN-0002"}},
		{"LOT-42", []string{"MaterialLot:LOT-42"}},
		{"MaterialLot:LOT-42", []string{"MaterialLot:LOT-42"}},
		{"QX-1", []string{"Component:QX-1"}},
		{"BOX-9", []string{"Box:BOX-9"}},
		{"PAL-3", []string{"Pallet:PAL-3"}},
		{"009506000134000039", []string{"Box:BOX-9"}},
		{"009506000134000046", []string{"Pallet:PAL-3"}},
		{"(00)009506000134000046", []string{"Pallet:PAL-3"}},
		{"https://id.example.com/00/009506000134000039", []string{"Box:BOX-9"}},
		{"https://id.example.com/01/" + gtin + "/21/SN-0001", []string{"Unit:SN-0001"}},
		{"(01)" + gtin + "(21)SN-0001", []string{"Unit:SN-0001"}},
		{"https://id.example.com/01/" + gtin + "/10/LOT-42", []string{"MaterialLot:LOT-42"}},
		{"(01)" + gtin + "(10)LOT-42", []string{"MaterialLot:LOT-42"}},
		{"(21)QX-1", []string{"Component:QX-1"}},
		{"DUP-1", []string{"MaterialLot:DUP-1", "Unit:DUP-1"}},
		{"(21)DUP-1", []string{"Unit:DUP-1"}},
		{"(10)DUP-1", []string{"MaterialLot:DUP-1"}},
		{"NOPE", nil},
		{"Unit:NOPE", nil},
		{"MaterialLot:SN-0001", nil},
		{"(21)NOPE", nil},
		{"(01)" + gtin, nil},
		{"https://id.example.com/01/" + gtin + "/21/NOPE", nil},
		{"(21)LOT-42", nil},
		{"009506000134000053", []string{"Box:BOX-5"}},
		{"(00)009506000134000053", []string{"Box:BOX-5"}},
		// What scanners send: AIM symbology identifiers, FNC1 as GS.
		{"]d201" + gtin + "21SN-0001", []string{"Unit:SN-0001"}},
		{"]d201" + gtin + "21SN-0001\x1d17261231", []string{"Unit:SN-0001"}},
		{"]C100009506000134000039", []string{"Box:BOX-9"}},
		{"]Q3" + "01" + gtin + "10LOT-42", []string{"MaterialLot:LOT-42"}},
		{"]d1SN-0002", []string{"Unit:SN-0002"}},
		{"https://shop.example.net/p/01/" + gtin + "/21/SN-0001?linkType=gs1:pip", []string{"Unit:SN-0001"}},
		{"urn:epc:id:sscc:0950600.0013400003", []string{"Box:BOX-9"}},
		{"urn:epc:id:sgtin:9506000.013435.SN-0001", []string{"Unit:SN-0001"}},
		{"]d201" + gtin + "21NOPE", nil},
	}
	for _, tt := range tests {
		ns, err := s.Lookup(bg, tt.code)
		if err != nil {
			t.Errorf("Lookup(%q) error: %v", tt.code, err)
			continue
		}
		var got []string
		for _, n := range ns {
			got = append(got, string(n.ID))
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("Lookup(%q) = %v, want %v", tt.code, got, tt.want)
		}
	}
	// A code that looks like a GS1 or EPC code but does not parse is INVALID.
	for _, bad := range []string{"(01)09506000134353(21)SN-0001", "]d2019506", "urn:epc:id:sgtin:1.2.3", "(00)009506000134000038"} {
		_, err := s.Lookup(bg, bad)
		wantCode(t, "Lookup("+bad+")", err, tracegraph.CodeInvalid)
	}
	if got := node(t, s, "Unit:SN-0002").Props["identifiers"]; !reflect.DeepEqual(got, map[string]any{
		"GTIN": "04006381333931", "IMEI": "352099001761481", "MAC": "00:1B:44:11:3A:B8"}) {
		t.Errorf("Node(Unit:SN-0002) identifiers = %v, want the canonical forms", got)
	}
	// A number taken is taken in any form.
	refuse(t, s, parse(t, `5 x identifier.assigned {"unit":"SN-0003","scheme":"MAC","value":"001b44113ab7"}`)[0], tracegraph.CodeConflict, "data.value")
	ns, err := s.Lookup(bg, "SN-0001")
	if err == nil && len(ns) == 1 && (ns[0].Str("partNumber") != "PRD-1" || ns[0].Label != tracegraph.LabelUnit) {
		t.Errorf("Lookup(SN-0001) = %+v, want the whole node", ns[0])
	}
	t.Run("label voided", func(t *testing.T) {
		mustApply(t, s, parse(t, `5 void-b5s event.voided {"event":"pk-b5s","reason":"label misprint"}`)...)
		if ns, err := s.Lookup(bg, "009506000134000053"); err != nil || len(ns) != 0 {
			t.Errorf("Lookup(SSCC of BOX-5) after its labelling was voided = %v, %v; want empty", ns, err)
		}
		if n := node(t, s, "Box:BOX-5"); n.Str("sscc") != "" {
			t.Errorf("Node(Box:BOX-5) sscc = %q after the void, want none", n.Str("sscc"))
		}
		status(t, s, "Unit:SN-0003", tracegraph.StatusWIP)
		mustApply(t, s, parse(t, `6 pk-b6 packed {"container":"BOX-6","items":["SN-0003"],"sscc":"009506000134000053"}`)...)
	})
}

const nodeEventsFixture = `
0  rcv-l1   lot.received         {"lot":"L1","partNumber":"R-1"}
0  mk-u1    unit.created         {"serial":"U1","partNumber":"PCBA-1"}
0  mk-u2    unit.created         {"serial":"U2","partNumber":"PCBA-1"}
1  u1-l1    material.consumed    {"unit":"U1","lot":"L1"}
2  tr-u1    test.recorded        {"unit":"U1","testType":"AOI","result":"pass"}
2  tr-u2    test.recorded        {"unit":"U2","testType":"AOI","result":"fail"}
3  pr-12    process.recorded     {"units":["U1","U2"],"step":"coat"}
4  id-u1    identifier.assigned  {"unit":"U1","scheme":"MAC","value":"00:1B:44:11:3A:B7"}
5  pk-b1    packed               {"container":"B1","items":["U1"]}
6  hold-b1  hold.placed          {"target":"B1","reason":"label check"}
7  rel-b1   hold.released        {"target":"B1","hold":"hold-b1","reason":"labels OK"}
8  hold-l1  hold.placed          {"target":"L1","reason":"supplier alert"}
8  rel-l1   hold.released        {"target":"L1","all":true,"reason":"cleared"}
9  mk-u3    unit.created         {"serial":"U3","partNumber":"PCBA-1"}
`

// testNodeEvents: the events that changed a node, oldest first. A unit's
// history holds every event that built, tested, moved or held it. Shared
// material (a reel feeds thousands of units) may leave the consumptions out
// of its own history: they are the units' events.
func testNodeEvents(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, nodeEventsFixture)
	tests := []struct {
		id       string
		want     []string
		optional []string // may appear too, in seq order
	}{
		{"Unit:U1", []string{"mk-u1", "u1-l1", "tr-u1", "pr-12", "id-u1", "pk-b1", "hold-b1", "rel-b1", "hold-l1", "rel-l1"}, nil},
		{"Unit:U2", []string{"mk-u2", "tr-u2", "pr-12"}, nil},
		{"Unit:U3", []string{"mk-u3"}, nil},
		{"MaterialLot:L1", []string{"rcv-l1", "hold-l1", "rel-l1"}, []string{"u1-l1"}},
		{"Box:B1", []string{"pk-b1", "hold-b1", "rel-b1"}, nil},
		{"TestRun:tr-u1", []string{"tr-u1"}, nil},
		{"ProcessStep:pr-12", []string{"pr-12"}, nil},
	}
	for _, tt := range tests {
		evs, err := s.NodeEvents(bg, tracegraph.ID(tt.id))
		if err != nil {
			t.Errorf("NodeEvents(%q) error: %v", tt.id, err)
			continue
		}
		var got []string
		for i, e := range evs {
			got = append(got, e.ID)
			if e.Seq == 0 || e.Hash == "" || (i > 0 && e.Seq <= evs[i-1].Seq) {
				t.Errorf("NodeEvents(%q)[%d] = seq %d hash %q; want recorded events in seq order", tt.id, i, e.Seq, e.Hash)
			}
		}
		required := slices.DeleteFunc(slices.Clone(got), func(id string) bool { return slices.Contains(tt.optional, id) })
		if !slices.Equal(required, tt.want) {
			t.Errorf("NodeEvents(%q) = %v, want %v (and maybe %v)", tt.id, got, tt.want, tt.optional)
		}
	}
}

// keysFixture has keys that are prefixes of others, and keys with spaces,
// slashes, colons and non-ASCII letters.
const keysFixture = `
0  rcv-1    lot.received       {"lot":"LOT/1:a","partNumber":"R-1"}
0  mk-1     unit.created       {"serial":"SN1","partNumber":"PRD-1"}
0  mk-10    unit.created       {"serial":"SN10","partNumber":"PRD-1"}
0  mk-sp    unit.created       {"serial":"SN 1","partNumber":"PRD-1"}
0  mk-ü     unit.created       {"serial":"Ünït-ß/1","partNumber":"PRD-1"}
0  mk-xy    unit.created       {"serial":"x:y","partNumber":"PRD-1","identifiers":{"ASSET":"SN1"}}
0  mk-long  unit.created       {"serial":"LONGKEY","partNumber":"PRD-1"}
1  use-10   material.consumed  {"unit":"SN10","lot":"LOT/1:a"}
1  use-ü    material.consumed  {"unit":"Ünït-ß/1","lot":"MaterialLot:LOT/1:a"}
1  use-xy   material.consumed  {"unit":"Unit:x:y","lot":"LOT/1:a"}
2  hold-1   hold.placed        {"target":"Unit:SN1","reason":"retest"}
`

// testKeys: keys never bleed into each other.
func testKeys(t *testing.T, open Opener) {
	s := open(t)
	load(t, s, strings.Replace(keysFixture, "LONGKEY", strings.Repeat("A", tracegraph.MaxKeyLen), 1))
	checkTrace(t, s, down("MaterialLot:LOT/1:a"), []string{
		"0 MaterialLot:LOT/1:a EXACT", "1 Unit:SN10 EXACT", "1 Unit:x:y EXACT", "1 Unit:Ünït-ß/1 EXACT"})
	checkTrace(t, s, up("Unit:SN1"), []string{"0 Unit:SN1 EXACT"})
	events := map[string][]string{
		"Unit:SN1": {"mk-1", "hold-1"}, "Unit:SN10": {"mk-10", "use-10"}, "Unit:SN 1": {"mk-sp"},
		"Unit:Ünït-ß/1": {"mk-ü", "use-ü"}, "Unit:x:y": {"mk-xy", "use-xy"},
	}
	for _, id := range sortedKeys(events) {
		evs, err := s.NodeEvents(bg, tracegraph.ID(id))
		var got []string
		for _, e := range evs {
			got = append(got, e.ID)
		}
		if err != nil || !slices.Equal(got, events[id]) {
			t.Errorf("NodeEvents(%q) = %v, %v; want %v", id, got, err, events[id])
		}
	}
	held(t, s, map[string][]string{"Unit:SN1": {"hold-1<-Unit:SN1"}, "Unit:SN10": nil, "Unit:SN 1": nil, "Unit:x:y": nil})
	lookups := map[string][]string{
		"SN1":      {"Unit:SN1", "Unit:x:y"}, // a serial, and another unit's asset tag
		"SN 1":     {"Unit:SN 1"},
		"x:y":      {"Unit:x:y"},
		"Unit:x:y": {"Unit:x:y"},
		"Ünït-ß/1": {"Unit:Ünït-ß/1"},
		"LOT/1:a":  {"MaterialLot:LOT/1:a"},
		"LOT/1":    nil,
		"SN":       nil,
	}
	for _, code := range sortedKeys(lookups) {
		ns, err := s.Lookup(bg, code)
		var got []string
		for _, n := range ns {
			got = append(got, string(n.ID))
		}
		slices.Sort(got)
		if err != nil || !slices.Equal(got, lookups[code]) {
			t.Errorf("Lookup(%q) = %v, %v; want %v", code, got, err, lookups[code])
		}
	}
	if got := listUnits(t, s, tracegraph.UnitFilter{SerialPrefix: "SN1"}, 1); !slices.Equal(got, []string{"Unit:SN1", "Unit:SN10"}) {
		t.Errorf("Units(serialPrefix SN1) = %v, want [Unit:SN1 Unit:SN10]", got)
	}
	if got := listUnits(t, s, tracegraph.UnitFilter{}, 2); len(got) != 6 {
		t.Errorf("Units() = %v, want 6 units", got)
	}
	long := "Unit:" + strings.Repeat("A", tracegraph.MaxKeyLen)
	node(t, s, long)
	ev := parse(t, `3 bad unit.created {"serial":"`+strings.Repeat("A", tracegraph.MaxKeyLen)+`","partNumber":"PRD-1"}`)[0]
	refuse(t, s, ev, tracegraph.CodeConflict, "data.serial")
	if _, err := NewEvent("x", tracegraph.EventUnitCreated, At(3), map[string]any{"serial": strings.Repeat("A", tracegraph.MaxKeyLen+1), "partNumber": "P"}); tracegraph.ErrorCode(err) != tracegraph.CodeInvalid {
		t.Errorf("NewEvent(serial of %d bytes) error = %v, want INVALID", tracegraph.MaxKeyLen+1, err)
	}
}
