package tracegraph

import (
	"encoding/json"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzDecodeEvent: whatever the input, DecodeEvent does not panic; what it
// accepts is valid UTF-8 and becomes a record that reads back as the same
// event, and sending the accepted event again decodes to the same content
// (normalizing is idempotent). The seed corpus (testdata/fuzz/FuzzDecodeEvent
// and the f.Add calls) runs with go test; go test -fuzz FuzzDecodeEvent
// explores further.
func FuzzDecodeEvent(f *testing.F) {
	for _, s := range []string{
		`{"id":"e1","type":"unit.created","time":"2026-03-02T08:00:00+01:00","station":"S1","data":{"serial":"SN1","partNumber":"P1","identifiers":{"imei":"356938035643809"}}}`,
		`{"id":"e2","type":"lot.received","time":"2026-03-02T08:00:00Z","data":{"lot":"L1","partNumber":"R","quantity":5000,"expiresAt":"2027-01-01T00:00:00Z","derivedFrom":["WaferBatch:W1"]}}`,
		`{"id":"e3","type":"test.recorded","time":"2026-03-02T08:00:00.123456789Z","data":{"unit":"U1","testType":"fct","result":"PASS","measurements":[{"name":"v","value":3.3,"low":3,"high":3.6}],"firmware":{"version":"1.2"}}}`,
		`{"id":"e4","type":"process.recorded","time":"2026-03-02T08:00:00Z","data":{"units":["U1","U2"],"step":"reflow","parameters":{"peak":245,"profile":"A","ok":true}}}`,
		`{"id":"e5","type":"packed","time":"2026-03-02T08:00:00Z","data":{"container":"PL1","containerType":"Pallet","items":["Box:B1"],"sscc":"106141410000000015"}}`,
		`{"id":"e6","type":"material.consumed","time":"2026-03-02T08:00:00Z","data":{"unit":"U1","component":"C1","quantity":1}}`,
		`{"id":"e7","type":"event.voided","time":"2026-03-02T08:00:00Z","data":{"event":"e1","reason":"typo \ud83d\ude00"}}`,
		`{"id":"a","id":"b","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"S","partNumber":"P"}}`,
		`{"id":"a","type":"unit.created","time":"9999-12-31T23:00:00-05:00","data":{"serial":"S","partNumber":"P"}}`,
		"{\"id\":\"a\xff\",\"type\":\"unit.created\",\"time\":\"2026-01-01T00:00:00Z\",\"data\":{\"serial\":\"S\",\"partNumber\":\"P\"}}",
	} {
		f.Add([]byte(s))
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := DecodeEvent(b)
		if err != nil {
			if AsError(err).Code != CodeInvalid {
				t.Fatalf("DecodeEvent(%q) = %v, want INVALID or success", b, err)
			}
			return
		}
		if !utf8.Valid(b) {
			t.Fatalf("DecodeEvent(%q) accepted invalid UTF-8", b)
		}
		e.Seal(1, at, "")
		if err := e.CheckRecord(); err != nil {
			t.Fatalf("DecodeEvent(%q) accepted an event whose record does not read back: %v", b, err)
		}
		again, err := json.Marshal(map[string]any{"id": e.ID, "type": e.Type, "time": e.Time.Format(time.RFC3339Nano),
			"station": e.Station, "operator": e.Operator, "data": e.Data})
		if err != nil {
			t.Fatal(err)
		}
		e2, err := DecodeEvent(again)
		if err != nil || !SameContent(e, e2) {
			t.Fatalf("DecodeEvent(%q) = %s %s; sent again as %s it is %v, %v", b, e.ID, e.Data, again, e2, err)
		}
	})
}
