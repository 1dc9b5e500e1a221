package tracegraph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestSealedRecordMatchesEncoding(t *testing.T) {
	e, err := DecodeEvent([]byte(`{"id":"e1","type":"unit.created","time":"2026-03-02T08:00:00+01:00","station":"S1","data":{"serial":"SN1","partNumber":"P1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	e.Seal(7, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), "abc")
	spliced, _ := e.MarshalRecord()
	full, _ := json.Marshal(e.canonical(true))
	if !bytes.Equal(spliced, full) {
		t.Fatalf("MarshalRecord() = %s, want %s", spliced, full)
	}
	back, err := UnmarshalRecord(spliced)
	if err != nil {
		t.Fatal(err)
	}
	if back.ComputeHash() != e.Hash || !SameContent(back, e) {
		t.Fatalf("UnmarshalRecord(MarshalRecord()) = %+v, want the same event with hash %s", back, e.Hash)
	}
}

func TestDecodeEventErrorsNameTheField(t *testing.T) {
	tests := []struct {
		name, in, field string
		code            Code
	}{
		{"unknown type", `{"id":"a","type":"unit.made","time":"2026-01-01T00:00:00Z","data":{}}`, "type", CodeInvalid},
		{"missing id", `{"type":"unit.created","time":"2026-01-01T00:00:00Z","data":{}}`, "id", CodeInvalid},
		{"missing time", `{"id":"a","type":"unit.created","data":{"serial":"S","partNumber":"P"}}`, "time", CodeInvalid},
		{"bad time", `{"id":"a","type":"unit.created","time":"yesterday","data":{"serial":"S","partNumber":"P"}}`, "time", CodeInvalid},
		{"missing serial", `{"id":"a","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"partNumber":"P"}}`, "data.serial", CodeInvalid},
		{"typo in data", `{"id":"a","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serail":"S","partNumber":"P"}}`, "data.serail", CodeInvalid},
		{"wrong JSON type", `{"id":"a","type":"material.consumed","time":"2026-01-01T00:00:00Z","data":{"unit":"U","lot":"L","quantity":"ten"}}`, "data.quantity", CodeInvalid},
		{"bad precision", `{"id":"a","type":"material.consumed","time":"2026-01-01T00:00:00Z","data":{"unit":"U","lot":"L","precision":"MAYBE"}}`, "data.precision", CodeInvalid},
		{"lot and component", `{"id":"a","type":"material.consumed","time":"2026-01-01T00:00:00Z","data":{"unit":"U","lot":"L","component":"C"}}`, "data.component", CodeInvalid},
		{"bad sscc", `{"id":"a","type":"packed","time":"2026-01-01T00:00:00Z","data":{"container":"B","items":["U"],"sscc":"123"}}`, "data.sscc", CodeInvalid},
		{"bad test result", `{"id":"a","type":"test.recorded","time":"2026-01-01T00:00:00Z","data":{"unit":"U","testType":"ICT","result":"meh"}}`, "data.result", CodeInvalid},
		{"item listed twice", `{"id":"a","type":"shipped","time":"2026-01-01T00:00:00Z","data":{"shipment":"S","customer":"C","items":["P","P"]}}`, "data.items[1]", CodeInvalid},
		{"bad time in data", `{"id":"a","type":"lot.received","time":"2026-01-01T00:00:00Z","data":{"lot":"L","partNumber":"P","expiresAt":"soon"}}`, "data.expiresAt", CodeInvalid},
		{"number as identifier", `{"id":"a","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"S","partNumber":"P","identifiers":{"IMEI":356938035643809}}}`, "data.identifiers.IMEI", CodeInvalid},
		{"bad global ID key", `{"id":"a","type":"hold.placed","time":"2026-01-01T00:00:00Z","data":{"target":"Unit: SN1","reason":"x"}}`, "data.target", CodeInvalid},
		{"invalid UTF-8 in id", "{\"id\":\"a\xff\",\"type\":\"unit.created\",\"time\":\"2026-01-01T00:00:00Z\",\"data\":{\"serial\":\"S\",\"partNumber\":\"P\"}}", "id", CodeInvalid},
		{"invalid UTF-8 in data", "{\"id\":\"a\",\"type\":\"unit.created\",\"time\":\"2026-01-01T00:00:00Z\",\"data\":{\"serial\":\"S\xc3\",\"partNumber\":\"P\"}}", "data.serial", CodeInvalid},
		{"lone surrogate escaped", `{"id":"a","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"S","partNumber":"P\ud800"}}`, "data.partNumber", CodeInvalid},
		{"lone surrogate in a list", `{"id":"a","type":"shipped","time":"2026-01-01T00:00:00Z","data":{"shipment":"S","customer":"C","items":["P","Q\udc00"]}}`, "data.items[1]", CodeInvalid},
		{"duplicate key", `{"id":"a","id":"b","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"S","partNumber":"P"}}`, "id", CodeInvalid},
		{"duplicate key in data", `{"id":"a","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"S","partNumber":"P","serial":"T"}}`, "data.serial", CodeInvalid},
		{"duplicate key spelled with an escape", `{"id":"a","type":"unit.created","time":"2026-01-01T00:00:00Z","data":{"serial":"S","partNumber":"P","\u0073erial":"T"}}`, "data.serial", CodeInvalid},
		{"quantity of 2^64", `{"id":"a","type":"lot.received","time":"2026-01-01T00:00:00Z","data":{"lot":"L","partNumber":"P","quantity":18446744073709551616}}`, "data.quantity", CodeInvalid},
		{"waferCount past 2^53", `{"id":"a","type":"wafer.registered","time":"2026-01-01T00:00:00Z","data":{"waferBatch":"W","waferCount":9223372036854775807}}`, "data.waferCount", CodeInvalid},
		{"fractional count of a serialized component", `{"id":"a","type":"material.consumed","time":"2026-01-01T00:00:00Z","data":{"unit":"U","component":"C","quantity":0.5}}`, "data.quantity", CodeInvalid},
		{"time past 9999 once in UTC", `{"id":"a","type":"unit.created","time":"9999-12-31T23:00:00-05:00","data":{"serial":"S","partNumber":"P"}}`, "time", CodeInvalid},
		{"time past 2262 (nanoseconds overflow)", `{"id":"a","type":"unit.created","time":"2262-04-12T00:00:00Z","data":{"serial":"S","partNumber":"P"}}`, "time", CodeInvalid},
		{"time before 1970 once in UTC", `{"id":"a","type":"unit.created","time":"1970-01-01T00:30:00+01:00","data":{"serial":"S","partNumber":"P"}}`, "time", CodeInvalid},
		{"time below nanoseconds", `{"id":"a","type":"unit.created","time":"2026-01-01T00:00:00.1234567891Z","data":{"serial":"S","partNumber":"P"}}`, "time", CodeInvalid},
		{"expiresAt past 9999 once in UTC", `{"id":"a","type":"lot.received","time":"2026-01-01T00:00:00Z","data":{"lot":"L","partNumber":"P","expiresAt":"9999-12-31T23:00:00-05:00"}}`, "data.expiresAt", CodeInvalid},
		{"expiresAt past 2262", `{"id":"a","type":"lot.received","time":"2026-01-01T00:00:00Z","data":{"lot":"L","partNumber":"P","expiresAt":"3000-01-01T00:00:00Z"}}`, "data.expiresAt", CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeEvent([]byte(tt.in))
			e := AsError(err)
			if err == nil || e.Code != tt.code || e.Field != tt.field {
				t.Fatalf("DecodeEvent(%s) = %v (code %s, field %q), want code %s field %q", tt.in, err, e.Code, e.Field, tt.code, tt.field)
			}
			if !strings.Contains(e.Error(), tt.field) {
				t.Errorf("message %q does not name the field %q", e.Error(), tt.field)
			}
		})
	}
}

func TestSSCCCheckDigit(t *testing.T) {
	if !ValidSSCC(SSCCFor(1, "0614141000000001")) || ValidSSCC("106141410000000016") {
		t.Error("SSCC check digit is wrong")
	}
}

func TestChainCheckerFindsBreaks(t *testing.T) {
	mk := func(id string) *Event {
		e, err := DecodeEvent([]byte(`{"id":"` + id + `","type":"unit.created","time":"2026-03-02T08:00:00Z","data":{"serial":"` + id + `","partNumber":"P"}}`))
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	a, b, c := mk("a"), mk("b"), mk("c")
	a.Seal(1, at, "")
	b.Seal(2, at, a.Hash)
	c.Seal(3, at, b.Hash)
	var ok ChainChecker
	for _, e := range []*Event{a, b, c} {
		if p := ok.Check(e); len(p) > 0 {
			t.Fatalf("Check(%s) = %v on an intact chain", e.ID, p)
		}
	}
	if h, next := ok.Last(); h != c.Hash || next != 4 {
		t.Fatalf("Last() = %.8s, %d; want %.8s, 4", h, next, c.Hash)
	}
	tampered := *b
	tampered.Data = []byte(`{"serial":"b","partNumber":"Q"}`)
	tests := []struct {
		name   string
		events []*Event
		want   string
	}{
		{"altered record", []*Event{a, &tampered}, "does not match its hash"},
		{"removed record", []*Event{a, c}, "the log has a gap"},
		{"reordered", []*Event{b}, "prevHash"},
	}
	for _, tt := range tests {
		var ch ChainChecker
		var got []string
		for _, e := range tt.events {
			got = append(got, ch.Check(e)...)
		}
		if !strings.Contains(strings.Join(got, "\n"), tt.want) {
			t.Errorf("%s: Check found %v, want a problem with %q", tt.name, got, tt.want)
		}
	}
}

// TestDecodeEventKeepsValidText: what the strict text checks must not refuse:
// a surrogate pair spelled as escapes, a literal U+FFFD, the same key in two
// different objects.
func TestDecodeEventKeepsValidText(t *testing.T) {
	in := `{"id":"a","type":"test.recorded","time":"2026-01-01T00:00:00Z","data":{"unit":"U","testType":"FCT","result":"pass",` +
		`"program":"smile \ud83d\ude00 \ufffd �","measurements":[{"name":"v","value":1},{"name":"w","value":2}]}}`
	e, err := DecodeEvent([]byte(in))
	if err != nil {
		t.Fatalf("DecodeEvent(%s) = %v, want it accepted", in, err)
	}
	p, _ := e.Payload()
	if got, want := p.(*TestRecorded).Program, "smile 😀 \uFFFD \uFFFD"; got != want {
		t.Fatalf("program = %q, want %q", got, want)
	}
}

// TestCheckJSONTextManyKeys: a repeated key is found in a long object too
// (where the check keeps its keys in a map), naming it.
func TestCheckJSONTextManyKeys(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"parameters":{`)
	for i := range 100 {
		fmt.Fprintf(&b, `"p%d":%d,`, i, i)
	}
	b.WriteString(`"p42":0}}`)
	err := checkJSONText([]byte(b.String()), "data")
	if err == nil || err.Field != "data.parameters.p42" {
		t.Fatalf("checkJSONText(100 keys and p42 again) = %v, want INVALID for data.parameters.p42", err)
	}
	if err := checkJSONText([]byte(strings.Replace(b.String(), `"p42":0`, `"q":0`, 1)), "data"); err != nil {
		t.Fatalf("checkJSONText(101 different keys) = %v, want nil", err)
	}
}
