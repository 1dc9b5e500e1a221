package tracegraph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"testing"
	"time"
)

// checkPayloadEncodes fails t unless what appendPayload writes for p, when
// it writes it, is json.Marshal(p) byte for byte, and unless marshalPayload
// answers as json.Marshal does.
func checkPayloadEncodes(t testing.TB, p Payload) {
	t.Helper()
	want, werr := json.Marshal(p)
	got, gerr := marshalPayload(p)
	if (gerr == nil) != (werr == nil) || !bytes.Equal(got, want) {
		t.Fatalf("%#v: marshalPayload = %s, %v; json.Marshal = %s, %v", p, got, gerr, want, werr)
	}
	if b, ok := appendPayload(p); ok && !bytes.Equal(b, want) {
		t.Fatalf("%#v: appendPayload = %s; json.Marshal = %s", p, b, want)
	}
}

// TestPayloadEncodesAsJSON: the direct encoding of the fast types is
// json.Marshal's, on every payload the fast samples, their variants and
// the fuzz corpus decode to (before and after validation), and on payloads
// with the values encoding/json writes in its own way (HTML characters,
// text that is not UTF-8, exponents, -0, NaN, nil and empty lists).
func TestPayloadEncodesAsJSON(t *testing.T) {
	n, direct := 0, 0
	check := func(p Payload) {
		checkPayloadEncodes(t, p)
		n++
		if _, ok := appendPayload(p); ok {
			direct++
		}
	}
	corpus := fuzzCorpusData(t)
	for _, typ := range fastTypes {
		var inputs [][]byte
		for _, s := range fastSamples[typ] {
			inputs = append(inputs, fastVariants([]byte(s))...)
		}
		inputs = append(inputs, corpus...)
		for _, b := range inputs {
			if p := fastPayload(typ, b); p != nil {
				check(p) // as decoded, not yet validated
			}
			if p, err := (&Event{Type: typ, Data: b}).Payload(); err == nil {
				check(p)
			}
		}
	}
	q := func(f float64) *float64 { return &f }
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1.5, 1e-6, 9.99e-7, 1e-7, 1e20, 1e21, -1e21, 123456789012345678, 5e-324,
		math.MaxFloat64, 0.1, 1.0 / 3, math.NaN(), math.Inf(1), math.Inf(-1)} {
		check(&MaterialConsumed{Unit: "U", Lot: "L", Quantity: q(f), Precision: PrecisionExact})
		check(&TestRecorded{Unit: "U", TestType: "T", Result: "pass", Measurements: []Measurement{{Name: "v", Value: f, Low: q(f), High: q(-f)}}})
		check(&ProcessRecorded{Units: []string{"U"}, Step: "s", Parameters: map[string]any{"f": f, "b": true, "s": "x"}})
		check(&LotReceived{Lot: "L", PartNumber: "P", Quantity: q(f), FloorLifeHours: q(-f)})
	}
	for _, s := range []string{"", "a<b", "a>b", "a&b", `a"b`, `a\b`, "a\x00b", "a\tb", "é", "\xff", "\u2028", "~", " "} {
		check(&UnitCreated{Serial: "S", PartNumber: "P", Identifiers: map[string]string{s: "x"}})
		check(&ProcessRecorded{Units: []string{"U"}, Step: "s", Parameters: map[string]any{s: 1.0}})
		check(&UnitCreated{Serial: s, PartNumber: "P", Identifiers: map[string]string{s: s, "b": "c"}})
		check(&UnitPlaced{Unit: s, Station: s})
		check(&UnitAssembled{Parent: "P", Child: s, Position: s})
		check(&MaterialConsumed{Unit: "U", Component: s, RefDes: []string{s}})
		check(&ProcessRecorded{Units: []string{s}, Step: s, Parameters: map[string]any{s: s}})
		check(&TestRecorded{Unit: s, TestType: s, Result: s, Program: s, Fixture: s, Firmware: &Firmware{Version: s, Checksum: s}})
		check(&SetupDefined{Setup: s, Station: s, PartNumber: s, Slots: []SetupSlot{{Slot: s, PartNumber: s, RefDes: []string{s}}}})
		check(&FeederLoaded{Station: s, Slot: s, Lot: s})
		check(&FeederSlot{Station: s, Slot: s})
		check(&IdentifierAssigned{Unit: s, Scheme: s, Value: s})
		for _, tm := range []time.Time{{}, time.Date(2026, 1, 5, 6, 0, 0, 5, time.FixedZone("", 5*3600+1800)), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
			time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)} {
			check(&LotReceived{Lot: s, PartNumber: s, MPN: s, Manufacturer: s, Supplier: s, DateCode: s, CountryOfOrigin: s, MSL: s,
				ExpiresAt: &tm, OpenedAt: &tm, DerivedFrom: []string{s}})
		}
	}
	for _, p := range []Payload{
		&MaterialConsumed{}, &MaterialConsumed{RefDes: []string{}, Precision: Precision(9)},
		&ProcessRecorded{}, &ProcessRecorded{Units: []string{}, Parameters: map[string]any{}},
		&ProcessRecorded{Units: []string{"U"}, Parameters: map[string]any{"n": nil, "i": 1, "l": []any{}}},
		&TestRecorded{}, &TestRecorded{Measurements: []Measurement{}, Firmware: &Firmware{}},
		&UnitCreated{}, &UnitCreated{Identifiers: map[string]string{}},
		&UnitAssembled{}, &UnitPlaced{},
		&SetupDefined{}, &SetupDefined{Slots: []SetupSlot{}, SpliceWindowSeconds: -1},
		&SetupDefined{Slots: []SetupSlot{{}, {RefDes: []string{}, SpliceWindowSeconds: math.MaxInt64}}, SpliceWindowSeconds: math.MinInt64},
		&LotReceived{}, &LotReceived{DerivedFrom: []string{}}, &FeederLoaded{}, &FeederSlot{}, &IdentifierAssigned{},
		&Shipped{Shipment: "S"},
	} {
		check(p)
	}
	// Maps of more keys than sortedKeys holds on the stack, in an order
	// other than the sorted one.
	ids, params := map[string]string{}, map[string]any{}
	for i := range 40 {
		k := fmt.Sprintf("k%02d", (i*7)%40)
		ids[k], params[k] = k, float64(i)
		if i == 15 || i == 16 || i == 39 {
			check(&UnitCreated{Serial: "S", PartNumber: "P", Identifiers: maps.Clone(ids)})
			check(&ProcessRecorded{Units: []string{"U"}, Step: "s", Parameters: maps.Clone(params)})
		}
	}
	t.Logf("%d payloads, %d of them encoded directly", n, direct)
	if direct < 1000 || n-direct < 100 {
		t.Errorf("%d payloads of which %d direct: the inputs no longer exercise both paths", n, direct)
	}
}

// FuzzPayloadEncodesAsJSON: whatever data of a fast type decodes to, its
// direct encoding is json.Marshal's.
func FuzzPayloadEncodesAsJSON(f *testing.F) {
	for i, typ := range fastTypes {
		for _, s := range fastSamples[typ] {
			f.Add(uint8(i), []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, k uint8, data []byte) {
		typ := fastTypes[int(k)%len(fastTypes)]
		if p := fastPayload(typ, data); p != nil {
			checkPayloadEncodes(t, p)
		}
		p := NewPayload(typ)
		if json.Unmarshal(data, p) == nil {
			checkPayloadEncodes(t, p)
		}
	})
}
