package tracegraph

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// sealReference is what Seal computed before it wrote the hashed bytes and
// the record into one buffer: the hash over prevHash, a newline and
// json.Marshal of the canonical event, and the record json.Marshal of it
// with the hash.
func sealReference(e *Event, seq uint64, at time.Time, prev string) (hash string, record []byte) {
	c := &Event{ID: e.ID, Type: e.Type, Time: e.Time, Station: e.Station, Operator: e.Operator, Data: e.Data,
		Props: e.Props, RecordedBy: e.RecordedBy, Seq: seq, RecordedAt: at.UTC(), PrevHash: prev}
	canon, _ := json.Marshal(c.canonical(false))
	c.Hash = hashOf(prev, canon)
	record, _ = json.Marshal(c.canonical(true))
	return c.Hash, record
}

// checkSealAgainstReference seals e and compares its hash and record with
// sealReference's, and CheckRecord's answer with the long way's.
func checkSealAgainstReference(t *testing.T, e *Event, seq uint64, at time.Time, prev string) {
	t.Helper()
	hash, record := sealReference(e, seq, at, prev)
	e.Seal(seq, at, prev)
	if e.Hash != hash || e.ComputeHash() != hash {
		t.Fatalf("Seal: hash %s, want %s (ComputeHash %s)", e.Hash, hash, e.ComputeHash())
	}
	if got, _ := e.MarshalRecord(); !bytes.Equal(got, record) {
		t.Fatalf("Seal: record\n%s\nwant\n%s", got, record)
	}
	long := e.checkRecordDecoding()
	if err := e.CheckRecord(); (err == nil) != (long == nil) {
		t.Fatalf("CheckRecord = %v, decoding the record: %v", err, long)
	}
}

// TestSealMatchesJSONEncoding: Seal's one-buffer encoding gives the hash and
// the record json.Marshal gives, on the fast path and on encoding/json's.
func TestSealMatchesJSONEncoding(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 123456789, time.UTC)
	prev := "3f1c0a6e5b2d4c8f9a7e6d5c4b3a29181706f5e4d3c2b1a09f8e7d6c5b4a3928"
	tests := []struct {
		name string
		edit func(*Event)
	}{
		{"plain", nil},
		{"no station nor operator", func(e *Event) { e.Station, e.Operator = "", "" }},
		{"recorded by", func(e *Event) { e.RecordedBy = "alice" }},
		{"props", func(e *Event) { e.Props = map[string]string{"bizStep": "commissioning", "a": "<b>"} }},
		{"html in data", func(e *Event) { e.Data = json.RawMessage(`{"a":"<b>&"}`) }},
		{"whitespace in data", func(e *Event) { e.Data = json.RawMessage(`{"a": [1, 2]}`) }},
		{"unicode", func(e *Event) { e.Station = "Zürich"; e.Data = json.RawMessage(`{"a":"Größe 😀"}`) }},
		{"quote in the id", func(e *Event) { e.ID = `e"1` }},
		{"invalid UTF-8 in the operator", func(e *Event) { e.Operator = "op\xff" }},
		{"a zone that is not UTC", func(e *Event) { e.Time = at.In(time.FixedZone("x", 3600)) }},
		{"year 10000", func(e *Event) { e.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }},
		{"large data", func(e *Event) { e.Data = json.RawMessage(`{"a":"` + string(bytes.Repeat([]byte("x"), 70000)) + `"}`) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, p := range []string{"", prev} {
				e := &Event{ID: "L1-SMT-000123-place", Type: EventUnitCreated, Time: at, Station: "L1-SMT", Operator: "op-7",
					Data: json.RawMessage(`{"unit":"SN-1","refdes":"R1","n":[1,2.5,true,null]}`)}
				if tt.edit != nil {
					tt.edit(e)
				}
				checkSealAgainstReference(t, e, 18446744073709551615, at.Add(time.Second), p)
			}
		})
	}
}

// FuzzSealMatchesJSONEncoding: whatever the event, Seal's hash and record
// are json.Marshal's.
func FuzzSealMatchesJSONEncoding(f *testing.F) {
	f.Add("e1", "S1", "", `{"a":"x"}`, uint64(1), int64(1772442000), "")
	f.Add("e\xff", "", "bob", `{"a": "<"}`, uint64(99), int64(-62135596800), "abc")
	f.Add("e", "op", "", "{\"a\":\"\\u2028\u2028\"}", uint64(1<<40), int64(253402300800), "x")
	f.Fuzz(func(t *testing.T, id, station, by, data string, seq uint64, unix int64, prev string) {
		e := &Event{ID: id, Type: EventUnitCreated, Time: time.Unix(unix, 0), Station: station, RecordedBy: by, Data: json.RawMessage(data)}
		if !json.Valid(e.Data) {
			return // not an event Seal is given
		}
		checkSealAgainstReference(t, e, seq, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), prev)
	})
}
