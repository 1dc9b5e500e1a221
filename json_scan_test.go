package tracegraph

import (
	"encoding/json"
	"testing"
)

// TestScanValueIsJSONValid: the scanner behind the records' direct decoding
// (parseCanonical) accepts a JSON text exactly when json.Valid does, but for
// nesting deeper than maxEnvelopeDepth, which it leaves to encoding/json.
func TestScanValueIsJSONValid(t *testing.T) {
	tests := []struct {
		name, text string
		ok         bool
	}{
		{"object", `{"serial":"SN1","partNumber":"P1","identifiers":{"imei":"356938035643809"}}`, true},
		{"white space", " [ 1 , -2.5e+7 , 0.5E-1, true, false, null, \"a\\\"\\u00e9\\n\", {} , [] ] \n", true},
		{"non-ASCII", `{"x":"Zürich 😀"}`, true},
		{"empty object", `{}`, true},
		{"string", `"x"`, true},
		{"null", `null`, true},
		{"repeated key", `{"a":1,"a":2}`, true},
		{"trailing data", `{"id":"a"} {}`, false},
		{"trailing comma", `{"id":"a",}`, false},
		{"leading zero", `[01]`, false},
		{"bad number", `[1.]`, false},
		{"bad exponent", `[1e]`, false},
		{"bad literal", `[tru]`, false},
		{"bad escape", `["\x"]`, false},
		{"short unicode escape", `["\u12"]`, false},
		{"control character", "[\"a\tb\"]", false},
		{"invalid UTF-8, as encoding/json takes it", "[\"e\xff\"]", true},
		{"unterminated", `{"id":"a"`, false},
		{"key not a string", `{a:1}`, false},
		{"not too deep", deep(60), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scanWhole([]byte(tt.text)); got != tt.ok {
				t.Errorf("scanned: %v, want %v", got, tt.ok)
			}
			if valid := json.Valid([]byte(tt.text)); valid != tt.ok {
				t.Errorf("json.Valid says %v: the case is wrong", valid)
			}
		})
	}
	if scanWhole([]byte(deep(70))) {
		t.Error("nesting deeper than maxEnvelopeDepth is scanned; it is encoding/json's")
	}
}

func deep(n int) string {
	s := "1"
	for range n {
		s = "[" + s + "]"
	}
	return s
}

// FuzzScanValue: whatever the scanner accepts, json.Valid accepts, and the
// other way round within maxEnvelopeDepth.
func FuzzScanValue(f *testing.F) {
	for _, s := range []string{
		`{"serial":"SN1","partNumber":"P1"}`,
		`{"unit":"U1","measurements":[{"name":"v","value":-3.3e-2,"ok":true,"n":null}]}`,
		"[ \"\\u00e9\\\\\" , 0 , 1.5E+3 ]",
		`{"a":"1","a":"2"}`,
		`[1.]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, want := scanWhole(b), json.Valid(b)
		if got && !want {
			t.Fatalf("%q: scanned, but json.Valid refuses it", b)
		}
		if want && !got && depthOf(b) <= maxEnvelopeDepth {
			t.Fatalf("%q: valid JSON the scanner refuses", b)
		}
	})
}

// depthOf is the deepest nesting of brackets in b, strings aside.
func depthOf(b []byte) int {
	d, most, inStr, esc := 0, 0, false, false
	for _, c := range b {
		switch {
		case inStr && esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '{' || c == '[':
			d++
			most = max(most, d)
		case c == '}' || c == ']':
			d--
		}
	}
	return most
}

// TestValidJSONIsJSONValid: ValidJSON answers as json.Valid on the
// scanner's table, on data nested deeper than it reads, and on every
// variant of the fast samples.
func TestValidJSONIsJSONValid(t *testing.T) {
	inputs := [][]byte{[]byte(deep(maxEnvelopeDepth + 5)), []byte(deep(maxEnvelopeDepth+5) + "x"), nil, []byte(" "), []byte(" {} ")}
	for _, typ := range fastTypes {
		for _, s := range fastSamples[typ] {
			inputs = append(inputs, fastVariants([]byte(s))...)
		}
	}
	for _, b := range inputs {
		if got, want := ValidJSON(b), json.Valid(b); got != want {
			t.Fatalf("%q: ValidJSON = %v, json.Valid = %v", b, got, want)
		}
	}
}

// BenchmarkValidJSON checks a typical event's data: ValidJSON and
// json.Valid.
func BenchmarkValidJSON(b *testing.B) {
	data := []byte(fastSamples[EventProcessRecorded][0])
	b.Run("ValidJSON", func(b *testing.B) {
		for b.Loop() {
			ValidJSON(data)
		}
	})
	b.Run("json.Valid", func(b *testing.B) {
		for b.Loop() {
			json.Valid(data)
		}
	})
}
