package tracegraph

import (
	"strconv"
	"unicode/utf8"
)

// fastPayload decodes the data of the event types a factory records most
// (material.consumed, process.recorded, test.recorded, unit.created,
// unit.assembled, unit.placed, lot.received, the feeder events,
// identifier.assigned) and the setup definitions every placement reads back
// (setup.defined) when it is plainly what the strict decoder
// accepts: one JSON object of the type's own field names, each at most once,
// with strings free of escapes and control characters and valid UTF-8,
// numbers that parse, no nulls and nothing after the object. It returns
// nil when the data is anything else or of another type: Event.Payload then
// decodes it with strictUnmarshal and checkJSONTextOf, which accept it or
// word the refusal. What it returns is what strictUnmarshal would have
// decoded, before validation (TestFastPayloadAgrees holds it to that).
func fastPayload(t EventType, data []byte) Payload { return fastPayloadWith(t, data, nil) }

// fastPayloadWith is fastPayload sharing the strings names holds
// (EventDecoder; nil: none).
func fastPayloadWith(t EventType, data []byte, names *EventDecoder) Payload {
	s := fastScan{b: data, names: names}
	var p Payload
	var ok bool
	switch t {
	case EventMaterialConsumed:
		v := new(MaterialConsumed)
		p, ok = v, s.materialConsumed(v)
	case EventProcessRecorded:
		v := new(ProcessRecorded)
		p, ok = v, s.processRecorded(v)
	case EventTestRecorded:
		v := new(TestRecorded)
		p, ok = v, s.testRecorded(v)
	case EventUnitCreated:
		v := new(UnitCreated)
		p, ok = v, s.unitCreated(v)
	case EventUnitAssembled:
		v := new(UnitAssembled)
		p, ok = v, s.object(func(k []byte) bool {
			switch string(k) {
			case "parent":
				return s.str(&v.Parent)
			case "child":
				return s.str(&v.Child)
			case "position":
				return s.str(&v.Position)
			}
			return false
		})
	case EventLotReceived:
		v := new(LotReceived)
		p, ok = v, s.lotReceived(v)
	case EventFeederLoaded, EventFeederSpliced:
		v := new(FeederLoaded)
		p, ok = v, s.strFields([]string{"station", "slot", "lot"}, &v.Station, &v.Slot, &v.Lot)
	case EventFeederUnloaded, EventSplicePassed:
		v := new(FeederSlot)
		p, ok = v, s.strFields([]string{"station", "slot"}, &v.Station, &v.Slot)
	case EventIdentifierAssigned:
		v := new(IdentifierAssigned)
		p, ok = v, s.strFields([]string{"unit", "scheme", "value"}, &v.Unit, &v.Scheme, &v.Value)
	case EventSetupDefined:
		v := new(SetupDefined)
		p, ok = v, s.setupDefined(v)
	case EventUnitPlaced:
		v := new(UnitPlaced)
		p, ok = v, s.object(func(k []byte) bool {
			switch string(k) {
			case "unit":
				return s.str(&v.Unit)
			case "station":
				return s.str(&v.Station)
			}
			return false
		})
	default:
		return nil
	}
	if !ok || !s.end() {
		return nil
	}
	return p
}

func (s *fastScan) materialConsumed(v *MaterialConsumed) bool {
	return s.object(func(k []byte) bool {
		switch string(k) {
		case "unit":
			return s.str(&v.Unit)
		case "lot":
			return s.str(&v.Lot)
		case "component":
			return s.str(&v.Component)
		case "refDes":
			return s.strs(&v.RefDes)
		case "quantity":
			v.Quantity = new(float64)
			return s.num(v.Quantity)
		case "precision":
			text, ok := s.rawText()
			return ok && v.Precision.UnmarshalText(text) == nil
		}
		return false
	})
}

func (s *fastScan) processRecorded(v *ProcessRecorded) bool {
	return s.object(func(k []byte) bool {
		switch string(k) {
		case "units":
			return s.strs(&v.Units)
		case "step":
			return s.str(&v.Step)
		case "recipe":
			return s.str(&v.Recipe)
		case "result":
			return s.str(&v.Result)
		case "parameters":
			if v.Parameters == nil {
				v.Parameters = map[string]any{}
			}
			return s.object(func(name []byte) bool {
				var x any
				if !s.scalar(&x) {
					return false
				}
				v.Parameters[s.names.name(name)] = x
				return true
			})
		}
		return false
	})
}

func (s *fastScan) testRecorded(v *TestRecorded) bool {
	return s.object(func(k []byte) bool {
		switch string(k) {
		case "unit":
			return s.str(&v.Unit)
		case "testType":
			return s.str(&v.TestType)
		case "result":
			return s.str(&v.Result)
		case "program":
			return s.str(&v.Program)
		case "fixture":
			return s.str(&v.Fixture)
		case "firmware":
			v.Firmware = new(Firmware)
			return s.object(func(k []byte) bool {
				switch string(k) {
				case "version":
					return s.str(&v.Firmware.Version)
				case "checksum":
					return s.str(&v.Firmware.Checksum)
				}
				return false
			})
		case "measurements":
			v.Measurements = []Measurement{}
			return s.array(func() bool {
				var m Measurement
				ok := s.object(func(k []byte) bool {
					switch string(k) {
					case "name":
						return s.str(&m.Name)
					case "value":
						return s.num(&m.Value)
					case "unit":
						return s.str(&m.Unit)
					case "low":
						m.Low = new(float64)
						return s.num(m.Low)
					case "high":
						m.High = new(float64)
						return s.num(m.High)
					case "result":
						return s.str(&m.Result)
					}
					return false
				})
				v.Measurements = append(v.Measurements, m)
				return ok
			})
		}
		return false
	})
}

func (s *fastScan) unitCreated(v *UnitCreated) bool {
	return s.object(func(k []byte) bool {
		switch string(k) {
		case "serial":
			return s.str(&v.Serial)
		case "partNumber":
			return s.str(&v.PartNumber)
		case "revision":
			return s.str(&v.Revision)
		case "workOrder":
			return s.str(&v.WorkOrder)
		case "kind":
			return s.str(&v.Kind)
		case "origin":
			return s.str(&v.Origin)
		case "identifiers":
			if v.Identifiers == nil {
				v.Identifiers = map[string]string{}
			}
			return s.object(func(scheme []byte) bool {
				var value string
				if !s.str(&value) {
					return false
				}
				v.Identifiers[s.names.name(scheme)] = value
				return true
			})
		}
		return false
	})
}

// fastScan reads the plain JSON fastPayload takes; every method reports
// false for anything else, and the caller gives up.
type fastScan struct {
	b []byte
	i int
	// names, when not nil, shares the strings str, strs and the map keys
	// read (EventDecoder).
	names *EventDecoder
}

func (s *fastScan) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// next reports whether the next byte, after space, is c, and consumes it if so.
func (s *fastScan) next(c byte) bool {
	s.space()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// end reports whether only space is left.
func (s *fastScan) end() bool {
	s.space()
	return s.i == len(s.b)
}

// text reads a string without escapes or control characters, in valid UTF-8.
func (s *fastScan) text() (string, bool) {
	raw, ok := s.rawText()
	if !ok {
		return "", false
	}
	return string(raw), true
}

// rawText is text without making the string: the bytes between the quotes.
func (s *fastScan) rawText() ([]byte, bool) {
	if !s.next('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			raw := s.b[start:s.i]
			s.i++
			if !utf8.Valid(raw) {
				return nil, false
			}
			return raw, true
		case c == '\\' || c < 0x20:
			return nil, false
		}
		s.i++
	}
	return nil, false
}

// name is text, shared through s.names.
func (s *fastScan) name() (string, bool) {
	raw, ok := s.rawText()
	if !ok {
		return "", false
	}
	return s.names.name(raw), true
}

func (s *fastScan) str(dst *string) bool {
	v, ok := s.name()
	*dst = v
	return ok
}

// strs reads a list of strings ([] is an empty list, not nil, as
// encoding/json decodes it).
func (s *fastScan) strs(dst *[]string) bool {
	var buf [16]string // read on the stack, then copied once at its length
	out := buf[:0]
	ok := s.array(func() bool {
		v, ok := s.name()
		out = append(out, v)
		return ok
	})
	*dst = append(make([]string, 0, len(out)), out...)
	return ok
}

// num reads a JSON number into a float64, as encoding/json does
// (strconv.ParseFloat of its text; one out of range is left to it).
func (s *fastScan) num(dst *float64) bool {
	s.space()
	start := s.i
	if !s.intPart() {
		return false
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if s.digits() == 0 {
			return false
		}
	}
	if s.i < len(s.b) && (s.b[s.i] == 'e' || s.b[s.i] == 'E') {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if s.digits() == 0 {
			return false
		}
	}
	f, err := strconv.ParseFloat(string(s.b[start:s.i]), 64)
	*dst = f
	return err == nil
}

// intPart consumes a number's integer part, -?(0|[1-9][0-9]*).
func (s *fastScan) intPart() bool {
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case s.i < len(s.b) && s.b[s.i] >= '1' && s.b[s.i] <= '9':
		s.digits()
	default:
		return false
	}
	return true
}

func (s *fastScan) digits() int {
	n := 0
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}

// scalar reads a string, a number or a boolean into an any, as
// encoding/json decodes them (a number as float64).
func (s *fastScan) scalar(dst *any) bool {
	s.space()
	if s.i >= len(s.b) {
		return false
	}
	switch c := s.b[s.i]; {
	case c == '"':
		v, ok := s.name()
		*dst = v
		return ok
	case c == 't' || c == 'f':
		for _, lit := range []string{"true", "false"} {
			if len(s.b)-s.i >= len(lit) && string(s.b[s.i:s.i+len(lit)]) == lit {
				s.i += len(lit)
				*dst = lit == "true"
				return s.delimited()
			}
		}
		return false
	}
	var f float64
	if !s.num(&f) {
		return false
	}
	*dst = f
	return s.delimited()
}

// delimited reports whether a literal ended where the value ends: a JSON
// scanner reads "truex" or "1x" as one malformed token.
func (s *fastScan) delimited() bool {
	if s.i == len(s.b) {
		return true
	}
	switch s.b[s.i] {
	case ' ', '\t', '\r', '\n', ',', '}', ']':
		return true
	}
	return false
}

// object reads an object, calling field for each key (its bytes in the
// input) with the scanner at its value; a key given twice is refused (the
// strict decoder words it).
func (s *fastScan) object(field func(key []byte) bool) bool {
	if !s.next('{') {
		return false
	}
	if s.next('}') {
		return true
	}
	var buf [16][]byte
	seen := buf[:0]
	for {
		k, ok := s.rawText()
		if !ok || !s.next(':') {
			return false
		}
		for _, x := range seen {
			if string(x) == string(k) {
				return false
			}
		}
		seen = append(seen, k)
		if !field(k) {
			return false
		}
		if s.next('}') {
			return true
		}
		if !s.next(',') {
			return false
		}
	}
}

// array reads an array, calling elem with the scanner at each element.
func (s *fastScan) array(elem func() bool) bool {
	if !s.next('[') {
		return false
	}
	if s.next(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if s.next(']') {
			return true
		}
		if !s.next(',') {
			return false
		}
	}
}
