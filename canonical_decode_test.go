package tracegraph

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestParseCanonical: the direct decoding of a record is json.Unmarshal's,
// and it leaves to json.Unmarshal every record not in appendCanonical's
// plain form (records json.Marshal wrote, and malformed ones).
func TestParseCanonical(t *testing.T) {
	edited := testRecord(t)
	plain := edited(func(*canonicalEvent) {})
	tests := []struct {
		name   string
		record string
		direct bool
	}{
		{"all fields", plain, true},
		{"optional fields empty", edited(func(c *canonicalEvent) { c.Station, c.Operator, c.RecordedBy, c.Hash = "", "", "", "" }), true},
		{"first event", edited(func(c *canonicalEvent) { c.Seq, c.PrevHash = 1, "" }), true},
		{"largest seq", edited(func(c *canonicalEvent) { c.Seq = 1<<64 - 1 }), true},
		{"seq 0", edited(func(c *canonicalEvent) { c.Seq = 0 }), true},
		{"html in a string", edited(func(c *canonicalEvent) { c.Operator = "a&b" }), false},
		{"non-ASCII string", edited(func(c *canonicalEvent) { c.Station = "Zürich" }), false},
		{"quote in a string", edited(func(c *canonicalEvent) { c.ID = `e"1` }), false},
		{"control character", edited(func(c *canonicalEvent) { c.RecordedBy = "a\tb" }), false},
		{"props", edited(func(c *canonicalEvent) { c.Props = map[string]string{"b": "2", "a": "1"} }), false},
		{"null data", edited(func(c *canonicalEvent) { c.Data = nil }), false},
		{"array data", edited(func(c *canonicalEvent) { c.Data = json.RawMessage(`[1]`) }), false},
		{"empty optional string written", `{"seq":1,"id":"a","type":"unit.created","time":"t","station":"","data":{},"recordedAt":"r","prevHash":""}`, true},
		{"seq with a leading zero", `{"seq":01,"id":"a","type":"t","time":"t","data":{},"recordedAt":"r","prevHash":""}`, false},
		{"seq too large", `{"seq":18446744073709551616,"id":"a","type":"t","time":"t","data":{},"recordedAt":"r","prevHash":""}`, false},
		{"negative seq", `{"seq":-1,"id":"a","type":"t","time":"t","data":{},"recordedAt":"r","prevHash":""}`, false},
		{"fields out of order", `{"id":"a","seq":1,"type":"t","time":"t","data":{},"recordedAt":"r","prevHash":""}`, false},
		{"white space", `{"seq":1, "id":"a","type":"t","time":"t","data":{},"recordedAt":"r","prevHash":""}`, false},
		{"malformed data", `{"seq":1,"id":"a","type":"t","time":"t","data":{"a":tru},"recordedAt":"r","prevHash":""}`, false},
		{"unbalanced data", `{"seq":1,"id":"a","type":"t","time":"t","data":{"a":[},"recordedAt":"r","prevHash":""}`, false},
		{"trailing bytes", `{"seq":1,"id":"a","type":"t","time":"t","data":{},"recordedAt":"r","prevHash":""} `, false},
		{"missing prevHash", `{"seq":1,"id":"a","type":"t","time":"t","data":{},"recordedAt":"r"}`, false},
		{"unterminated string", `{"seq":1,"id":"a`, false},
		{"not JSON", `seq=1`, false},
		{"empty", ``, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseCanonical([]byte(tt.record))
			if ok != tt.direct {
				t.Errorf("decoded directly: %v, want %v", ok, tt.direct)
			}
			if !ok {
				if !reflect.DeepEqual(got, canonicalEvent{}) {
					t.Errorf("a record left to json.Unmarshal is half decoded: %+v", got)
				}
				return
			}
			var want canonicalEvent
			if err := json.Unmarshal([]byte(tt.record), &want); err != nil {
				t.Fatalf("decoded directly, but json.Unmarshal fails: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

// testRecord returns a function that writes a record (marshalCanonical) of
// a typical event with every field, edited.
func testRecord(t *testing.T) func(edit func(*canonicalEvent)) string {
	return func(edit func(*canonicalEvent)) string {
		c := canonicalEvent{Seq: 42, ID: "e1", Type: EventUnitCreated, Time: "2026-03-02T09:00:00.123Z", Station: "S1", Operator: "op",
			Data: json.RawMessage(`{"serial":"SN 1","n":[1,2.5e-7,true,null],"q":"a\"b\\c}]","o":{"p":[{}]}}`), RecordedBy: "alice",
			RecordedAt: "2026-03-02T09:00:01Z", PrevHash: "ab12", Hash: "cd34"}
		edit(&c)
		b, err := marshalCanonical(c)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
}

// FuzzParseCanonical: whatever parseCanonical decodes, json.Unmarshal
// decodes alike; and every record appendCanonical writes is decoded
// directly.
func FuzzParseCanonical(f *testing.F) {
	f.Add([]byte(`{"seq":1,"id":"a","type":"t","time":"t","data":{"x":"}"},"recordedAt":"r","prevHash":"","hash":"h"}`))
	f.Add([]byte(`{"seq":1,"id":"a","type":"t","time":"t","station":"s","operator":"o","data":{},"recordedBy":"b","recordedAt":"r","prevHash":"p"}`))
	f.Add([]byte(`{"seq":1,"id":"a","type":"t","time":"t","data":{"a":[1,{"b":"\u00e9\\\""}]},"recordedAt":"r","prevHash":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := parseCanonical(b)
		if !ok {
			return
		}
		var want canonicalEvent
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatalf("%q: decoded directly, but json.Unmarshal fails: %v", b, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\ngot  %+v\nwant %+v", b, got, want)
		}
	})
}

// FuzzParseCanonicalRoundTrip: a record appendCanonical writes directly is
// decoded directly, into the event it was written from.
func FuzzParseCanonicalRoundTrip(f *testing.F) {
	f.Add(uint64(1), "e1", "S1", "", `{"a":"x"}`, "", "h")
	f.Add(uint64(1<<63), "e-2", "", "op", `{"a":[1,{"b":null}],"c":"]}"}`, "bob", "")
	f.Fuzz(func(t *testing.T, seq uint64, id, station, operator, data, recordedBy, hash string) {
		c := canonicalEvent{Seq: seq, ID: id, Type: EventPacked, Time: "2026-01-01T00:00:00Z", Station: station, Operator: operator,
			Data: json.RawMessage(data), RecordedBy: recordedBy, RecordedAt: "2026-01-01T00:00:01Z", PrevHash: hash, Hash: hash}
		b, ok := appendCanonical(c)
		if !ok || len(data) == 0 || data[0] != '{' {
			return
		}
		got, ok := parseCanonical(b)
		if !ok {
			t.Fatalf("%s: written directly, not read directly", b)
		}
		if string(got.Data) != data {
			t.Fatalf("data %s, want %s", got.Data, data)
		}
		got.Data = c.Data
		if !reflect.DeepEqual(got, c) {
			t.Fatalf("got  %+v\nwant %+v", got, c)
		}
	})
}

// BenchmarkUnmarshalRecord decodes a typical record: directly, and with
// json.Unmarshal as before.
func BenchmarkUnmarshalRecord(b *testing.B) {
	rec, err := marshalCanonical(canonicalEvent{Seq: 123456, ID: "L1-SMT-000123-place", Type: EventComponentRemoved, Time: "2026-03-02T09:00:00.123Z",
		Station: "L1-SMT-03", Operator: "op-17", Data: json.RawMessage(`{"unit":"PCBA-000123","reel":"R-100-10001-0042","refdes":["C12","C13","C14"],"qty":3}`),
		RecordedBy: "line-1", RecordedAt: "2026-03-02T09:00:00.456Z", PrevHash: "9f2c3b4a5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081", Hash: "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := UnmarshalRecord(rec); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var c canonicalEvent
			if err := json.Unmarshal(rec, &c); err != nil {
				b.Fatal(err)
			}
		}
	})
}
