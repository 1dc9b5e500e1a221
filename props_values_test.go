package tracegraph

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

// sameValue fails t unless got and want are the same JSON values: equal,
// and equal as JSON text (which tells -0 from 0).
func sameValue(t *testing.T, what string, got, want any) {
	t.Helper()
	g, gerr := json.Marshal(got)
	w, werr := json.Marshal(want)
	if !reflect.DeepEqual(got, want) || !bytes.Equal(g, w) || (gerr == nil) != (werr == nil) {
		t.Errorf("%s: built %#v (%s), JSON round trip %#v (%s)", what, got, g, want, w)
	}
}

// sameMeasurements checks measurementsValue(ms) against the JSON round
// trip, its texts boxed anew and boxed by st (shared with earlier calls).
func sameMeasurements(t *testing.T, what string, ms []Measurement, st *sharedStrings) {
	t.Helper()
	want := jsonValue(ms)
	sameValue(t, what, measurementsValue(ms, nil), want)
	sameValue(t, what+" (shared)", measurementsValue(ms, st), want)
}

// TestDirectValuesAgree checks that measurementsValue and firmwareValue
// give what the JSON round trip (jsonValue) gives, on the test.recorded
// samples of the fast decoder and on the cases the round trip changes.
func TestDirectValuesAgree(t *testing.T) {
	lo, hi, neg0, nan, inf := 3.0, 3.6, math.Copysign(0, -1), math.NaN(), math.Inf(1)
	cases := []struct {
		name string
		ms   []Measurement
		fw   *Firmware
	}{
		{"every field", []Measurement{{Name: "v", Value: 3.3, Unit: "V", Low: &lo, High: &hi, Result: "pass"}}, &Firmware{Version: "1.2", Checksum: "ab"}},
		{"omitted fields", []Measurement{{Name: "i"}, {Name: "", Value: 1e300}}, &Firmware{}},
		{"negative zero", []Measurement{{Name: "z", Value: neg0, Low: &neg0}}, &Firmware{Version: "-0"}},
		{"not UTF-8", []Measurement{{Name: "a\xffb", Unit: "\xc3", Result: "ok"}}, &Firmware{Version: "v\xff", Checksum: "\xfe"}},
		{"HTML and escapes", []Measurement{{Name: "<a&b>\u2028\"\\\n", Value: -1.5e-7}}, &Firmware{Version: "<1>", Checksum: "\t"}},
		{"NaN", []Measurement{{Name: "n", Value: nan}}, nil},
		{"infinite limit", []Measurement{{Name: "n", Value: 1, High: &inf}}, nil},
		{"small and large", []Measurement{{Name: "s", Value: 5e-324}, {Name: "l", Value: math.MaxFloat64}}, nil},
	}
	st := &sharedStrings{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sameMeasurements(t, "measurements", c.ms, st)
			if c.fw != nil {
				sameValue(t, "firmware", firmwareValue(c.fw), jsonValue(c.fw))
			}
		})
	}
	for _, data := range fastSamples[EventTestRecorded] {
		var d TestRecorded
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			t.Fatal(err)
		}
		sameMeasurements(t, data, d.Measurements, st)
		if d.Firmware != nil {
			sameValue(t, data, firmwareValue(d.Firmware), jsonValue(d.Firmware))
		}
	}
}

// FuzzDirectValuesAgree is TestDirectValuesAgree on any field values.
func FuzzDirectValuesAgree(f *testing.F) {
	f.Add("v", 3.3, "V", 3.0, true, 3.6, true, "pass", "1.2", "ab")
	f.Add("", 0.0, "", 0.0, false, 0.0, false, "", "", "")
	f.Add("a\xff", math.Copysign(0, -1), "<&>", math.Inf(-1), true, math.NaN(), true, "\x00", "\xc3", "\u2028")
	st := &sharedStrings{}
	f.Fuzz(func(t *testing.T, name string, value float64, unit string, low float64, hasLow bool, high float64, hasHigh bool,
		result, version, checksum string) {
		m := Measurement{Name: name, Value: value, Unit: unit, Result: result}
		if hasLow {
			m.Low = &low
		}
		if hasHigh {
			m.High = &high
		}
		ms := []Measurement{m, {Name: result, Value: low}}
		sameMeasurements(t, "measurements", ms, st)
		fw := &Firmware{Version: version, Checksum: checksum}
		sameValue(t, "firmware", firmwareValue(fw), jsonValue(fw))
	})
}
