package tracegraph

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"time"
)

// marshalPayload is json.Marshal(p): the canonical encoding Normalize gives
// every event's data.
func marshalPayload(p Payload) ([]byte, error) {
	if b, ok := appendPayload(p); ok {
		return b, nil
	}
	return json.Marshal(p)
}

// appendPayload writes json.Marshal(p), byte for byte, without reflection,
// for the types fastPayload decodes, when every string is plain ASCII that
// encoding/json writes as it is (plainJSONString) and every number finite;
// otherwise it reports false (TestPayloadEncodesAsJSON holds it to that).
func appendPayload(p Payload) ([]byte, bool) {
	w := plainWriter{b: make([]byte, 0, 256), ok: true}
	switch v := p.(type) {
	case *MaterialConsumed:
		w.open('{')
		w.field("unit", v.Unit)
		w.optField("lot", v.Lot)
		w.optField("component", v.Component)
		if len(v.RefDes) > 0 {
			w.key("refDes")
			w.strs(v.RefDes)
		}
		w.optFloat("quantity", v.Quantity)
		if v.Precision != PrecisionUnknown {
			w.field("precision", v.Precision.String())
		}
		w.close('}')
	case *ProcessRecorded:
		w.open('{')
		w.key("units")
		w.strs(v.Units)
		w.field("step", v.Step)
		w.optField("recipe", v.Recipe)
		if len(v.Parameters) > 0 {
			w.key("parameters")
			w.open('{')
			var buf [16]string
			for _, k := range sortedKeys(buf[:0], v.Parameters) {
				w.mapKey(k)
				switch x := v.Parameters[k].(type) {
				case string:
					w.str(x)
				case float64:
					w.float(x)
				case bool:
					w.b = strconv.AppendBool(w.b, x)
				default:
					w.ok = false
				}
			}
			w.close('}')
		}
		w.optField("result", v.Result)
		w.close('}')
	case *TestRecorded:
		w.open('{')
		w.field("unit", v.Unit)
		w.field("testType", v.TestType)
		w.field("result", v.Result)
		w.optField("program", v.Program)
		w.optField("fixture", v.Fixture)
		if len(v.Measurements) > 0 {
			w.key("measurements")
			w.open('[')
			for _, m := range v.Measurements {
				w.sep()
				w.open('{')
				w.field("name", m.Name)
				w.key("value")
				w.float(m.Value)
				w.optField("unit", m.Unit)
				w.optFloat("low", m.Low)
				w.optFloat("high", m.High)
				w.optField("result", m.Result)
				w.close('}')
			}
			w.close(']')
		}
		if v.Firmware != nil {
			w.key("firmware")
			w.open('{')
			w.field("version", v.Firmware.Version)
			w.optField("checksum", v.Firmware.Checksum)
			w.close('}')
		}
		w.close('}')
	case *UnitCreated:
		w.open('{')
		w.field("serial", v.Serial)
		w.field("partNumber", v.PartNumber)
		w.optField("revision", v.Revision)
		w.optField("workOrder", v.WorkOrder)
		w.optField("kind", v.Kind)
		w.optField("origin", v.Origin)
		if len(v.Identifiers) > 0 {
			w.key("identifiers")
			w.strMap(v.Identifiers)
		}
		w.close('}')
	case *UnitAssembled:
		w.open('{')
		w.field("parent", v.Parent)
		w.field("child", v.Child)
		w.optField("position", v.Position)
		w.close('}')
	case *UnitPlaced:
		w.strObject("unit", v.Unit, "station", v.Station)
	case *LotReceived:
		w.open('{')
		w.field("lot", v.Lot)
		w.field("partNumber", v.PartNumber)
		w.optField("mpn", v.MPN)
		w.optField("manufacturer", v.Manufacturer)
		w.optField("supplier", v.Supplier)
		w.optField("dateCode", v.DateCode)
		w.optFloat("quantity", v.Quantity)
		w.optField("countryOfOrigin", v.CountryOfOrigin)
		w.optTime("expiresAt", v.ExpiresAt)
		w.optField("msl", v.MSL)
		w.optFloat("floorLifeHours", v.FloorLifeHours)
		w.optTime("openedAt", v.OpenedAt)
		if len(v.DerivedFrom) > 0 {
			w.key("derivedFrom")
			w.strs(v.DerivedFrom)
		}
		w.close('}')
	case *FeederLoaded:
		w.strObject("station", v.Station, "slot", v.Slot, "lot", v.Lot)
	case *FeederSlot:
		w.strObject("station", v.Station, "slot", v.Slot)
	case *IdentifierAssigned:
		w.strObject("unit", v.Unit, "scheme", v.Scheme, "value", v.Value)
	case *SetupDefined:
		w.open('{')
		w.field("setup", v.Setup)
		w.field("station", v.Station)
		w.field("partNumber", v.PartNumber)
		w.key("slots")
		if v.Slots == nil {
			w.b = append(w.b, "null"...)
		} else {
			w.open('[')
			for _, s := range v.Slots {
				w.sep()
				w.open('{')
				w.field("slot", s.Slot)
				w.field("partNumber", s.PartNumber)
				w.key("refDes")
				w.strs(s.RefDes)
				w.optInt("spliceWindowSeconds", s.SpliceWindowSeconds)
				w.close('}')
			}
			w.close(']')
		}
		w.optInt("spliceWindowSeconds", v.SpliceWindowSeconds)
		w.close('}')
	default:
		return nil, false
	}
	return w.b, w.ok
}

// plainWriter writes JSON as encoding/json does; ok turns false at the
// first value it does not write the same (a string that is not plain, a
// number that is not finite), and the writer's output is then discarded.
type plainWriter struct {
	b  []byte
	ok bool
}

func (w *plainWriter) open(c byte)  { w.b = append(w.b, c) }
func (w *plainWriter) close(c byte) { w.b = append(w.b, c) }

// sep writes the comma before a value or key that is not the first of its
// object or array.
func (w *plainWriter) sep() {
	if n := len(w.b); n > 0 && w.b[n-1] != '{' && w.b[n-1] != '[' {
		w.b = append(w.b, ',')
	}
}

// key writes the name of a struct's field, which is plain.
func (w *plainWriter) key(k string) {
	w.sep()
	w.b = append(append(append(w.b, '"'), k...), `":`...)
}

// mapKey writes a map's key, which is checked as any string is.
func (w *plainWriter) mapKey(k string) {
	w.sep()
	w.str(k)
	w.b = append(w.b, ':')
}

func (w *plainWriter) str(s string) {
	w.ok = w.ok && plainJSONString(s)
	w.b = append(append(append(w.b, '"'), s...), '"')
}

// field writes a struct's field (key) of string s.
func (w *plainWriter) field(k, s string) {
	w.key(k)
	w.str(s)
}

// strObject writes an object of string fields, none omitted: kv holds
// each field's name, then its string.
func (w *plainWriter) strObject(kv ...string) {
	w.open('{')
	for i := 0; i+1 < len(kv); i += 2 {
		w.field(kv[i], kv[i+1])
	}
	w.close('}')
}

// strMap writes a map of strings, its keys in order as encoding/json
// sorts them.
func (w *plainWriter) strMap(m map[string]string) {
	w.open('{')
	var buf [16]string
	for _, k := range sortedKeys(buf[:0], m) {
		w.mapKey(k)
		w.str(m[k])
	}
	w.close('}')
}

// sortedKeys appends m's keys to buf, sorted as encoding/json sorts a
// map's keys (buf's room saves allocating them for a small map).
func sortedKeys[V any](buf []string, m map[string]V) []string {
	for k := range m {
		buf = append(buf, k)
	}
	slices.Sort(buf)
	return buf
}

// optField is field for a string with omitempty.
func (w *plainWriter) optField(k, s string) {
	if s != "" {
		w.field(k, s)
	}
}

// optInt writes an integer with omitempty.
func (w *plainWriter) optInt(k string, n int64) {
	if n != 0 {
		w.key(k)
		w.b = strconv.AppendInt(w.b, n, 10)
	}
}

// optFloat writes a *float64 with omitempty (nil is left out).
func (w *plainWriter) optFloat(k string, f *float64) {
	if f != nil {
		w.key(k)
		w.float(*f)
	}
}

// optTime writes a *time.Time with omitempty (nil is left out).
func (w *plainWriter) optTime(k string, t *time.Time) {
	if t != nil {
		w.key(k)
		w.time(*t)
	}
}

// strs writes a list of strings (nil is null).
func (w *plainWriter) strs(ss []string) {
	if ss == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.open('[')
	for _, s := range ss {
		w.sep()
		w.str(s)
	}
	w.close(']')
}

// float writes a float64 as encoding/json does: the shortest text that
// reads back the same, in exponent form below 1e-6 and from 1e21 on.
func (w *plainWriter) float(f float64) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		w.ok = false // json.Marshal refuses it
		return
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	w.b = strconv.AppendFloat(w.b, f, format, -1, 64)
	if format == 'e' {
		// e-09 is written e-9
		if n := len(w.b); n >= 4 && w.b[n-4] == 'e' && w.b[n-3] == '-' && w.b[n-2] == '0' {
			w.b[n-2] = w.b[n-1]
			w.b = w.b[:n-1]
		}
	}
}
