package tracegraph

import (
	"reflect"
	"testing"
)

// TestParseEnvelope: the direct decoding of an envelope is strictUnmarshal's,
// and it leaves to strictUnmarshal (and its errors) every text not in the
// plain form.
func TestParseEnvelope(t *testing.T) {
	tests := []struct {
		name, text string
		direct     bool
	}{
		{"typical", `{"id":"e1","type":"unit.created","time":"2026-03-02T08:00:00+01:00","station":"S1","operator":"op","data":{"serial":"SN1","partNumber":"P1","identifiers":{"imei":"356938035643809"}}}`, true},
		{"white space", " {\n \"id\" : \"e1\" ,\t\"type\":\"packed\",\r\n\"time\":\"t\",\"data\": [ 1 , -2.5e+7 , 0.5E-1, true, false, null, \"a\\\"\\u00e9\\n\", {} , [] ] } \n", true},
		{"props", `{"id":"e1","type":"t","time":"t","data":{},"props":{"a":"1","b":"Zürich"}}`, true},
		{"empty props", `{"id":"e1","props":{}}`, true},
		{"non-ASCII station", `{"id":"e1","station":"Zürich","data":{"x":"😀"}}`, true},
		{"empty object", `{}`, true},
		{"data a string", `{"data":"x"}`, true},
		{"data null", `{"id":"e1","data":null}`, false},
		{"station null", `{"id":"e1","station":null}`, false},
		{"id a number", `{"id":1}`, false},
		{"escaped id", `{"id":"e\u0031"}`, false},
		{"invalid UTF-8 id", "{\"id\":\"e\xff\"}", false},
		{"repeated key", `{"id":"a","id":"b"}`, false},
		{"repeated prop", `{"props":{"a":"1","a":"2"}}`, false},
		{"prop not a string", `{"props":{"a":1}}`, false},
		{"key in another case", `{"ID":"a"}`, false},
		{"unknown key", `{"id":"a","extra":1}`, false},
		{"recordedBy", `{"id":"a","recordedBy":"me"}`, false},
		{"trailing data", `{"id":"a"} {}`, false},
		{"trailing comma", `{"id":"a",}`, false},
		{"leading zero", `{"data":[01]}`, false},
		{"bad number", `{"data":[1.]}`, false},
		{"bad exponent", `{"data":[1e]}`, false},
		{"bad literal", `{"data":[tru]}`, false},
		{"bad escape", `{"data":["\x"]}`, false},
		{"short unicode escape", `{"data":["\u12"]}`, false},
		{"control character", "{\"data\":[\"a\tb\"]}", false},
		{"unterminated", `{"id":"a"`, false},
		{"array", `[{"id":"a"}]`, false},
		{"too deep", `{"data":` + deep(70) + `}`, false},
		{"not too deep", `{"data":` + deep(60) + `}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got envelope
			ok := parseEnvelope([]byte(tt.text), &got)
			if ok != tt.direct {
				t.Errorf("decoded directly: %v, want %v", ok, tt.direct)
			}
			if !ok {
				if !reflect.DeepEqual(got, envelope{}) {
					t.Errorf("a text left to strictUnmarshal is half decoded: %+v", got)
				}
				return
			}
			var want envelope
			if err := strictUnmarshal([]byte(tt.text), &want); err != nil {
				t.Fatalf("decoded directly, but strictUnmarshal fails: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func deep(n int) string {
	s := "1"
	for range n {
		s = "[" + s + "]"
	}
	return s
}

// FuzzParseEnvelope: whatever parseEnvelope decodes, strictUnmarshal
// decodes alike.
func FuzzParseEnvelope(f *testing.F) {
	for _, s := range []string{
		`{"id":"e1","type":"unit.created","time":"2026-03-02T08:00:00+01:00","station":"S1","data":{"serial":"SN1","partNumber":"P1"}}`,
		`{"id":"e3","type":"test.recorded","time":"2026-03-02T08:00:00.123456789Z","data":{"unit":"U1","measurements":[{"name":"v","value":-3.3e-2,"ok":true,"n":null}]},"props":{"a":"b"}}`,
		"{ \"id\" : \"a\" ,\n\"data\" : [ \"\\u00e9\\\\\" , 0 , 1.5E+3 ] }",
		`{"id":"a","id":"b"}`,
		`{"props":{"a":"1","a":"2"}}`,
		`{"data":null,"station":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var got envelope
		if !parseEnvelope(b, &got) {
			return
		}
		var want envelope
		if err := strictUnmarshal(b, &want); err != nil {
			t.Fatalf("%q: decoded directly, but strictUnmarshal fails: %v", b, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\ngot  %+v\nwant %+v", b, got, want)
		}
	})
}
