package tracegraph

import "testing"

// TestFieldNamesAreCaseSensitive: a field name in another case is refused,
// naming it and the name to write (encoding/json read "SERIAL" as serial,
// and {"serial": "A", "Serial": "B"} as B); the keys of map-valued fields
// (identifiers, parameters) are the client's.
func TestFieldNamesAreCaseSensitive(t *testing.T) {
	const at = `"time":"2026-01-01T00:00:00Z"`
	tests := []struct {
		name, event, field string // field "": accepted
	}{
		{"exact", `{"id":"a","type":"unit.created",` + at + `,"data":{"serial":"S","partNumber":"P"}}`, ""},
		{"envelope", `{"ID":"a","type":"unit.created",` + at + `,"data":{"serial":"S","partNumber":"P"}}`, "ID"},
		{"data", `{"id":"a","type":"unit.created",` + at + `,"data":{"SERIAL":"S","partNumber":"P"}}`, "data.SERIAL"},
		{"both spellings", `{"id":"a","type":"unit.created",` + at + `,"data":{"serial":"S","Serial":"T","partNumber":"P"}}`, "data.Serial"},
		{"nested", `{"id":"a","type":"test.recorded",` + at + `,"data":{"unit":"U","testType":"FCT","result":"pass","measurements":[{"name":"v","value":1},{"name":"w","Value":2}]}}`, "data.measurements[1].Value"},
		{"a setup's slot", `{"id":"a","type":"setup.defined",` + at + `,"data":{"setup":"S","station":"M","partNumber":"P","slots":[{"slot":"1","partNumber":"Q","RefDes":["R1"]}]}}`, "data.slots[0].RefDes"},
		{"map keys", `{"id":"a","type":"process.recorded",` + at + `,"data":{"units":["U"],"step":"s","parameters":{"Peak":1,"peak":2}}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeEvent([]byte(tt.event))
			if tt.field == "" {
				if err != nil {
					t.Fatalf("DecodeEvent(%s) = %v, want it accepted", tt.event, err)
				}
				return
			}
			if e := AsError(err); e.Code != CodeInvalid || e.Field != tt.field {
				t.Fatalf("DecodeEvent(%s) = %v, want INVALID on %s", tt.event, err, tt.field)
			}
		})
	}
}
