package tracegraph

import (
	"strings"
	"testing"
)

// TestListEntriesNamedInErrors checks that a refused entry of a list is
// named (field[i]) in the error's field and message, for the checks that
// name an entry only once it is refused (setup.defined's slots among them).
func TestListEntriesNamedInErrors(t *testing.T) {
	long := make([]string, 20)
	for i := range long {
		long[i] = "\"U" + strings.Repeat("x", i) + "\""
	}
	long[19] = long[3]
	setup := `{"setup":"S","station":"ST","partNumber":"P","slots":[{"slot":"F1","partNumber":"X","refDes":["R1"]},`
	tests := []struct {
		name, typ, data, field, message string
	}{
		{"empty refDes", "material.consumed", `{"unit":"U","lot":"L","refDes":["R1",""]}`,
			"data.refDes[1]", "refDes[1] is required"},
		{"refDes with spaces", "material.consumed", `{"unit":"U","lot":"L","refDes":["R1","R2"," R3"]}`,
			"data.refDes[2]", `refDes[2] " R3" has leading or trailing spaces`},
		{"unit listed twice", "process.recorded", `{"units":["A","B","A"],"step":"s"}`,
			"data.units[2]", `"A" is listed twice`},
		{"unit listed twice in a long list", "process.recorded", `{"units":[` + strings.Join(long, ",") + `],"step":"s"}`,
			"data.units[19]", `"Uxxx" is listed twice`},
		{"bad global ID in a list", "process.recorded", `{"units":["A","Unit: B"],"step":"s"}`,
			"data.units[1]", `"Unit: B": key " B" has leading or trailing spaces`},
		{"empty unit", "process.recorded", `{"units":["A",""],"step":"s"}`,
			"data.units[1]", "units[1] is required"},
		{"measurement without name", "test.recorded", `{"unit":"U","testType":"ICT","result":"pass","measurements":[{"name":"a","value":1},{"value":2}]}`,
			"data.measurements[1].name", "measurements[1].name is required"},
		{"measurement low above high", "test.recorded", `{"unit":"U","testType":"ICT","result":"pass","measurements":[{"name":"a","value":1,"low":2,"high":1}]}`,
			"data.measurements[0].low", "measurements[0].low 2 is above high 1"},
		{"measurement result", "test.recorded", `{"unit":"U","testType":"ICT","result":"pass","measurements":[{"name":"a","value":1,"result":"PASS"},{"name":"b","value":1,"result":"meh"}]}`,
			"data.measurements[1].result", `measurements[1].result "meh" is not pass or fail`},
		{"slot without name", "setup.defined", setup + `{"slot":"","partNumber":"X","refDes":["R2"]}]}`,
			"data.slots[1].slot", "slots[1].slot is required"},
		{"slot without part number", "setup.defined", setup + `{"slot":"F2","partNumber":"","refDes":["R2"]}]}`,
			"data.slots[1].partNumber", "slots[1].partNumber is required"},
		{"slot splice window", "setup.defined", setup + `{"slot":"F2","partNumber":"X","refDes":["R2"],"spliceWindowSeconds":-1}]}`,
			"data.slots[1].spliceWindowSeconds", "slots[1].spliceWindowSeconds must be a whole number of seconds from 1 to 86400 (omit it for none)"},
		{"slot listed twice, before its refDes", "setup.defined", setup + `{"slot":"F1","partNumber":"X","refDes":[]}]}`,
			"data.slots[1].slot", `slot "F1" is listed twice`},
		{"slot without refDes", "setup.defined", setup + `{"slot":"F2","partNumber":"X","refDes":[]}]}`,
			"data.slots[1].refDes", "slots[1].refDes is required: the reference designators the slot feeds"},
		{"slot refDes with spaces", "setup.defined", setup + `{"slot":"F2","partNumber":"X","refDes":["R2"," R3"]}]}`,
			"data.slots[1].refDes[1]", `slots[1].refDes[1] " R3" has leading or trailing spaces`},
		{"refDes on two slots", "setup.defined", setup + `{"slot":"F2","partNumber":"X","refDes":["R2","R1"]}]}`,
			"data.slots[1].refDes[1]", `refDes "R1" is fed from slots "F1" and "F2"; one refDes takes one slot`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := (&Event{Type: EventType(tt.typ), Data: []byte(tt.data)}).Payload()
			e := AsError(err)
			if e == nil || e.Code != CodeInvalid || e.Field != tt.field || e.Message != tt.message {
				t.Fatalf("Payload() = %v; want INVALID %s: %s", err, tt.field, tt.message)
			}
		})
	}
}
