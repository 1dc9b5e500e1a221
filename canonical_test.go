package tracegraph

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"testing"
)

// TestAppendCanonical: the direct encoding of a canonical event is
// json.Marshal's, and it leaves to json.Marshal what it does not write as is.
func TestAppendCanonical(t *testing.T) {
	base := canonicalEvent{Seq: 42, ID: "e1", Type: EventUnitCreated, Time: "2026-03-02T09:00:00.123Z", Station: "S1", Operator: "op",
		Data: json.RawMessage(`{"serial":"SN 1","n":[1,2.5e-7,true,null],"q":"a\"b\\c"}`), RecordedBy: "alice",
		RecordedAt: "2026-03-02T09:00:01Z", PrevHash: "ab12", Hash: "cd34"}
	tests := []struct {
		name   string
		edit   func(*canonicalEvent)
		direct bool
	}{
		{"all fields", nil, true},
		{"optional fields empty", func(c *canonicalEvent) { c.Station, c.Operator, c.RecordedBy, c.Hash = "", "", "", "" }, true},
		{"first event", func(c *canonicalEvent) { c.Seq, c.PrevHash = 1, "" }, true},
		{"non-ASCII string", func(c *canonicalEvent) { c.Station = "Zürich" }, false},
		{"quote in a string", func(c *canonicalEvent) { c.ID = `e"1` }, false},
		{"html in a string", func(c *canonicalEvent) { c.Operator = "a&b" }, false},
		{"control character", func(c *canonicalEvent) { c.RecordedBy = "a\tb" }, false},
		{"invalid UTF-8", func(c *canonicalEvent) { c.ID = "e\xff" }, false},
		{"data with spaces", func(c *canonicalEvent) { c.Data = json.RawMessage(`{"a": 1}`) }, false},
		{"data with html", func(c *canonicalEvent) { c.Data = json.RawMessage(`{"a":"<"}`) }, false},
		{"data with U+2028", func(c *canonicalEvent) { c.Data = json.RawMessage("{\"a\":\"\u2028\"}") }, false},
		{"data with non-ASCII", func(c *canonicalEvent) { c.Data = json.RawMessage(`{"a":"µ 😀"}`) }, true},
		{"props (json.Marshal)", func(c *canonicalEvent) { c.Props = map[string]string{"b": "2", "a": "<1>"} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			if tt.edit != nil {
				tt.edit(&c)
			}
			want, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := appendCanonical(c)
			if ok != tt.direct {
				t.Errorf("written directly: %v, want %v", ok, tt.direct)
			}
			if ok && !bytes.Equal(got, want) {
				t.Errorf("got  %s\nwant %s", got, want)
			}
			if m, err := marshalCanonical(c); err != nil || !bytes.Equal(m, want) {
				t.Errorf("marshalCanonical = %s, %v", m, err)
			}
		})
	}
}

// FuzzAppendCanonical: whatever appendCanonical writes is json.Marshal's.
func FuzzAppendCanonical(f *testing.F) {
	f.Add(uint64(1), "e1", "S1", "", `{"a":"x"}`, "")
	f.Add(uint64(1<<63), "e\"", "<", "op", `{"a": [1, 2]}`, "h")
	f.Fuzz(func(t *testing.T, seq uint64, id, station, operator, data, hash string) {
		c := canonicalEvent{Seq: seq, ID: id, Type: EventPacked, Time: "2026-01-01T00:00:00Z", Station: station, Operator: operator,
			Data: json.RawMessage(data), RecordedAt: "2026-01-01T00:00:00Z", PrevHash: hash, Hash: hash}
		got, ok := appendCanonical(c)
		if !ok {
			return
		}
		want, err := json.Marshal(c)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("got  %s\nwant %s (%v)", got, want, err)
		}
	})
}

// TestAppendCanonicalKnowsEveryField: appendCanonical writes the fields of
// canonicalEvent it knows; a field added to the record must be added there
// (or left to json.Marshal) and here.
func TestAppendCanonicalKnowsEveryField(t *testing.T) {
	var got []string
	for f := range reflect.TypeFor[canonicalEvent]().Fields() {
		got = append(got, f.Name)
	}
	want := []string{"Seq", "ID", "Type", "Time", "Station", "Operator", "Data", "Props", "RecordedBy", "RecordedAt", "PrevHash", "Hash"}
	if !slices.Equal(got, want) {
		t.Errorf("canonicalEvent has the fields %v; appendCanonical and recordReadsBack know %v", got, want)
	}
}
