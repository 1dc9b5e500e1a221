package tracegraph

import (
	"testing"
)

func lineside(typ, data string) string {
	return `{"id":"a","type":"` + typ + `","time":"2026-03-02T08:00:00Z","data":` + data + `}`
}

// TestLinesideEventsDecode: each line-side event decodes to its canonical
// data (test types upper-cased, times in UTC, defaults left out).
func TestLinesideEventsDecode(t *testing.T) {
	tests := []struct{ typ, in, want string }{
		{"setup.defined", `{"setup":"TOP-A","station":"SMT1-P1","partNumber":"PCBA-1","slots":[{"slot":"1","partNumber":"C-100N","refDes":["C1","C2"]},{"slot":"2","partNumber":"R-10K","refDes":["R1"],"spliceWindowSeconds":600}],"spliceWindowSeconds":1800}`,
			`{"setup":"TOP-A","station":"SMT1-P1","partNumber":"PCBA-1","slots":[{"slot":"1","partNumber":"C-100N","refDes":["C1","C2"]},{"slot":"2","partNumber":"R-10K","refDes":["R1"],"spliceWindowSeconds":600}],"spliceWindowSeconds":1800}`},
		{"setup.activated", `{"station":"SMT1-P1","setup":"TOP-A"}`, `{"station":"SMT1-P1","setup":"TOP-A"}`},
		{"feeder.loaded", `{"station":"SMT1-P1","slot":"1","lot":"L1"}`, `{"station":"SMT1-P1","slot":"1","lot":"L1"}`},
		{"feeder.spliced", `{"station":"SMT1-P1","slot":"1","lot":"MaterialLot:L2"}`, `{"station":"SMT1-P1","slot":"1","lot":"MaterialLot:L2"}`},
		{"feeder.unloaded", `{"station":"SMT1-P1","slot":"1"}`, `{"station":"SMT1-P1","slot":"1"}`},
		{"splice.passed", `{"station":"SMT1-P1","slot":"1"}`, `{"station":"SMT1-P1","slot":"1"}`},
		{"unit.placed", `{"unit":"SN1","station":"SMT1-P1"}`, `{"unit":"SN1","station":"SMT1-P1"}`},
		{"route.defined", `{"partNumber":"PCBA-1","requires":["spi","AOI","fct"]}`, `{"partNumber":"PCBA-1","requires":["SPI","AOI","FCT"]}`},
		{"lot.baked", `{"lot":"L1"}`, `{"lot":"L1"}`},
		{"lot.received", `{"lot":"L1","partNumber":"U-MCU","msl":"3"}`, `{"lot":"L1","partNumber":"U-MCU","msl":"3"}`},
		{"lot.received", `{"lot":"L1","partNumber":"U-MCU","msl":"6","floorLifeHours":6,"openedAt":"2026-03-02T09:00:00+01:00"}`,
			`{"lot":"L1","partNumber":"U-MCU","msl":"6","floorLifeHours":6,"openedAt":"2026-03-02T08:00:00Z"}`},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			e, err := DecodeEvent([]byte(lineside(tt.typ, tt.in)))
			if err != nil {
				t.Fatalf("DecodeEvent(%s) = %v", tt.in, err)
			}
			if string(e.Data) != tt.want {
				t.Errorf("DecodeEvent(%s).Data = %s, want %s", tt.in, e.Data, tt.want)
			}
		})
	}
}

// TestLinesideEventsRefused: bad line-side data is INVALID, naming the field.
func TestLinesideEventsRefused(t *testing.T) {
	slot := `{"slot":"1","partNumber":"C","refDes":["C1"]}`
	tests := []struct{ name, typ, in, field string }{
		{"setup without slots", "setup.defined", `{"setup":"S","station":"P1","partNumber":"PCBA"}`, "data.slots"},
		{"setup without station", "setup.defined", `{"setup":"S","partNumber":"PCBA","slots":[` + slot + `]}`, "data.station"},
		{"setup without setup", "setup.defined", `{"station":"P1","partNumber":"PCBA","slots":[` + slot + `]}`, "data.setup"},
		{"setup without product", "setup.defined", `{"setup":"S","station":"P1","slots":[` + slot + `]}`, "data.partNumber"},
		{"slot without part", "setup.defined", `{"setup":"S","station":"P1","partNumber":"PCBA","slots":[{"slot":"1","refDes":["C1"]}]}`, "data.slots[0].partNumber"},
		{"slot without refDes", "setup.defined", `{"setup":"S","station":"P1","partNumber":"PCBA","slots":[{"slot":"1","partNumber":"C"}]}`, "data.slots[0].refDes"},
		{"slot twice", "setup.defined", `{"setup":"S","station":"P1","partNumber":"PCBA","slots":[` + slot + `,{"slot":"1","partNumber":"R","refDes":["R1"]}]}`, "data.slots[1].slot"},
		{"refDes in two slots", "setup.defined", `{"setup":"S","station":"P1","partNumber":"PCBA","slots":[` + slot + `,{"slot":"2","partNumber":"R","refDes":["R1","C1"]}]}`, "data.slots[1].refDes[1]"},
		{"negative window", "setup.defined", `{"setup":"S","station":"P1","partNumber":"PCBA","slots":[` + slot + `],"spliceWindowSeconds":-1}`, "data.spliceWindowSeconds"},
		{"window past a day", "setup.defined", `{"setup":"S","station":"P1","partNumber":"PCBA","slots":[{"slot":"1","partNumber":"C","refDes":["C1"],"spliceWindowSeconds":86401}]}`, "data.slots[0].spliceWindowSeconds"},
		{"fractional window", "setup.defined", `{"setup":"S","station":"P1","partNumber":"PCBA","slots":[` + slot + `],"spliceWindowSeconds":1.5}`, "data.spliceWindowSeconds"},
		{"unknown slot field", "setup.defined", `{"setup":"S","station":"P1","partNumber":"PCBA","slots":[{"slot":"1","partNumber":"C","refDes":["C1"],"feeder":"F7"}]}`, "data.slots[0].feeder"},
		{"slot not an object", "setup.defined", `{"setup":"S","station":"P1","partNumber":"PCBA","slots":[` + slot + `,"2"]}`, "data.slots[1]"},
		{"activate without setup", "setup.activated", `{"station":"P1"}`, "data.setup"},
		{"load without lot", "feeder.loaded", `{"station":"P1","slot":"1"}`, "data.lot"},
		{"load without slot", "feeder.loaded", `{"station":"P1","lot":"L1"}`, "data.slot"},
		{"load with a bad global ID", "feeder.loaded", `{"station":"P1","slot":"1","lot":"MaterialLot: L1"}`, "data.lot"},
		{"splice without station", "feeder.spliced", `{"slot":"1","lot":"L2"}`, "data.station"},
		{"unload naming a lot", "feeder.unloaded", `{"station":"P1","slot":"1","lot":"L1"}`, "data.lot"},
		{"splice passed without slot", "splice.passed", `{"station":"P1"}`, "data.slot"},
		{"placed without unit", "unit.placed", `{"station":"P1"}`, "data.unit"},
		{"placed without station", "unit.placed", `{"unit":"SN1"}`, "data.station"},
		{"route without tests", "route.defined", `{"partNumber":"PCBA","requires":[]}`, "data.requires"},
		{"route test twice", "route.defined", `{"partNumber":"PCBA","requires":["FCT","fct"]}`, "data.requires[1]"},
		{"route without part", "route.defined", `{"requires":["FCT"]}`, "data.partNumber"},
		{"baked without lot", "lot.baked", `{}`, "data.lot"},
		{"msl not a level", "lot.received", `{"lot":"L","partNumber":"P","msl":"MSL3"}`, "data.msl"},
		{"msl 6 without floor life", "lot.received", `{"lot":"L","partNumber":"P","msl":"6"}`, "data.floorLifeHours"},
		{"floor life without msl", "lot.received", `{"lot":"L","partNumber":"P","floorLifeHours":12}`, "data.floorLifeHours"},
		{"floor life zero", "lot.received", `{"lot":"L","partNumber":"P","msl":"3","floorLifeHours":0}`, "data.floorLifeHours"},
		{"openedAt malformed", "lot.received", `{"lot":"L","partNumber":"P","msl":"3","openedAt":"monday"}`, "data.openedAt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeEvent([]byte(lineside(tt.typ, tt.in)))
			e := AsError(err)
			if err == nil || e.Code != CodeInvalid || e.Field != tt.field {
				t.Fatalf("DecodeEvent(%s %s) = %v (field %q), want INVALID on %s", tt.typ, tt.in, err, e.Field, tt.field)
			}
		})
	}
}

// TestLotReceivedOldMSLReplays: a lot recorded before msl was checked (any
// text) still decodes, as the log must replay; only new events are checked.
func TestLotReceivedOldMSLReplays(t *testing.T) {
	e := &Event{ID: "old", Type: EventLotReceived, Data: []byte(`{"lot":"L","partNumber":"P","msl":"MSL 3 (JEDEC)"}`)}
	if _, err := e.Payload(); err != nil {
		t.Fatalf("Payload() of a recorded lot with free-text msl = %v, want it decoded", err)
	}
	if d, limited := FloorLife("MSL 3 (JEDEC)", nil); limited {
		t.Errorf("FloorLife(free text) = %v, limited; want unlimited", d)
	}
}

func TestFloorLife(t *testing.T) {
	six := 6.0
	tests := []struct {
		msl     string
		hours   *float64
		want    float64 // hours
		limited bool
	}{
		{"1", nil, 0, false}, {"2", nil, 8760, true}, {"2a", nil, 672, true}, {"3", nil, 168, true},
		{"4", nil, 72, true}, {"5", nil, 48, true}, {"5a", nil, 24, true}, {"6", &six, 6, true}, {"3", &six, 6, true}, {"", nil, 0, false},
	}
	for _, tt := range tests {
		d, limited := FloorLife(tt.msl, tt.hours)
		if d.Hours() != tt.want || limited != tt.limited {
			t.Errorf("FloorLife(%q, %v) = %v, %v; want %vh, %v", tt.msl, tt.hours, d, limited, tt.want, tt.limited)
		}
	}
}
