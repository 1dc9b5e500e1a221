package tracegraph

import (
	"encoding/json"
	"testing"
	"time"
)

// TestRecordReadsBack: CheckRecord skips decoding only for events whose record
// certainly reads back; for every other one it decodes, and refuses what it
// refused before.
func TestRecordReadsBack(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	event := func(edit func(*Event)) *Event {
		e := &Event{ID: "e1", Type: EventUnitCreated, Time: at, Station: "S1", Operator: "op",
			Data: json.RawMessage(`{"serial":"SN 1","partNumber":"P\"1\\\\","n":[1,2.5,true,null]}`), RecordedBy: "alice"}
		if edit != nil {
			edit(e)
		}
		if !json.Valid(e.Data) { // Seal cannot encode it: a record made by hand
			e.Seq, e.RecordedAt, e.PrevHash, e.Hash = 7, at.Add(time.Second), "abc", "def"
			return e
		}
		e.Seal(7, at.Add(time.Second), "abc")
		return e
	}
	tests := []struct {
		name      string
		event     *Event
		fast      bool // recordReadsBack
		refused   bool // CheckRecord's answer, the same as the long way's
		recordNil bool // check an event without a cached record (an import)
	}{
		{"plain", event(nil), true, false, false},
		{"plain, no cached record", event(nil), true, false, true},
		{"spaces inside strings", event(func(e *Event) { e.Data = json.RawMessage(`{"a":"x y\tz"}`) }), true, false, false},
		{"escaped quote before a brace", event(func(e *Event) { e.Data = json.RawMessage(`{"a":"\"}"}`) }), true, false, false},
		{"unicode", event(func(e *Event) { e.Data = json.RawMessage(`{"a":"Größe µ 😀"}`); e.Station = "Zürich" }), true, false, false},
		{"whitespace between tokens", event(func(e *Event) { e.Data = json.RawMessage(`{"a": 1}`) }), false, true, false},
		{"newline after the value", event(func(e *Event) { e.Data = json.RawMessage("{\"a\":1}\n") }), false, true, false},
		{"html characters", event(func(e *Event) { e.Data = json.RawMessage(`{"a":"<b>&"}`) }), false, true, false},
		{"line separator", event(func(e *Event) { e.Data = json.RawMessage("{\"a\":\"x\u2028y\"}") }), false, true, false},
		{"invalid UTF-8 in data (kept as it is)", event(func(e *Event) { e.Data = json.RawMessage("{\"a\":\"\xff\"}") }), true, false, false},
		{"invalid UTF-8 in the id", event(func(e *Event) { e.ID = "e\xff" }), false, true, false},
		{"invalid UTF-8 in the operator", event(func(e *Event) { e.Operator = "\xc3" }), false, true, false},
		{"year 10000", event(func(e *Event) { e.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }), false, true, false},
		{"year 0", event(func(e *Event) { e.Time = time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC) }), false, false, false},
		{"a zone that is not UTC", event(func(e *Event) { e.Time = at.In(time.FixedZone("x", 3600)) }), true, false, false},
		{"props (decoded)", event(func(e *Event) { e.Props = map[string]string{"bizStep": "commissioning"} }), false, false, false},
		{"props with invalid UTF-8", event(func(e *Event) { e.Props = map[string]string{"k": "\xff"} }), false, true, false},
		{"not JSON", event(func(e *Event) { e.Data = json.RawMessage(`{"a":`) }), false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.recordNil {
				tt.event.record = nil
			}
			if got := tt.event.recordReadsBack(); got != tt.fast {
				t.Errorf("recordReadsBack = %v, want %v", got, tt.fast)
			}
			long := tt.event.checkRecordDecoding()
			if (long != nil) != tt.refused {
				t.Errorf("decoding the record: %v, want refused %v", long, tt.refused)
			}
			if err := tt.event.CheckRecord(); (err != nil) != tt.refused || (err != nil && err.Error() != long.Error()) {
				t.Errorf("CheckRecord = %v, want %v", err, long)
			}
		})
	}
}

// FuzzRecordReadsBack: whenever recordReadsBack skips decoding, decoding
// would have found the record sound.
func FuzzRecordReadsBack(f *testing.F) {
	f.Add("e1", "S1", `{"a":"x"}`, int64(1772442000))
	f.Add("e\xff", "", `{"a": "<"}`, int64(-62135596800))
	f.Add("e", "op", "{\"a\":\"\\u2028\u2028\"}", int64(253402300800))
	f.Fuzz(func(t *testing.T, id, station, data string, unix int64) {
		e := &Event{ID: id, Type: EventUnitCreated, Time: time.Unix(unix, 0), Station: station, Data: json.RawMessage(data)}
		if !json.Valid(e.Data) {
			return // Seal refuses it (and so does recordReadsBack)
		}
		e.Seal(1, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), "")
		if e.recordReadsBack() {
			if err := e.checkRecordDecoding(); err != nil {
				t.Fatalf("recordReadsBack, but decoding: %v", err)
			}
		}
	})
}
