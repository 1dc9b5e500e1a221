package tracegraph

import "unicode/utf8"

// measurementsValue is jsonValue(ms) built directly: the measurements as
// plain JSON values (a list of objects; omitempty fields left out), without
// encoding them to JSON and decoding them again. What JSON would change (a
// string that is not UTF-8, a number JSON cannot hold) goes the JSON way,
// so the answer is jsonValue's in every case (TestDirectValuesAgree). The
// texts are boxed by st (nil: each anew).
func measurementsValue(ms []Measurement, st *sharedStrings) any {
	if ms == nil {
		return nil // JSON null
	}
	out := make([]any, len(ms))
	for i, m := range ms {
		if !plainText(m.Name, m.Unit, m.Result) || !finite(m.Value) || (m.Low != nil && !finite(*m.Low)) ||
			(m.High != nil && !finite(*m.High)) {
			return jsonValue(ms)
		}
		o := map[string]any{"name": st.box(m.Name), "value": m.Value}
		if m.Unit != "" {
			o["unit"] = st.box(m.Unit)
		}
		if m.Low != nil {
			o["low"] = *m.Low
		}
		if m.High != nil {
			o["high"] = *m.High
		}
		if m.Result != "" {
			o["result"] = st.box(m.Result)
		}
		out[i] = o
	}
	return out
}

// firmwareValue is jsonValue(f) built directly, as measurementsValue.
func firmwareValue(f *Firmware) any {
	if f == nil {
		return nil
	}
	if !plainText(f.Version, f.Checksum) {
		return jsonValue(f)
	}
	o := map[string]any{"version": f.Version}
	if f.Checksum != "" {
		o["checksum"] = f.Checksum
	}
	return o
}

// plainText reports whether every s comes back from JSON as it went in.
func plainText(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}
