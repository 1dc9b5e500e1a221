package tracegraph

import (
	"encoding/json"
)

// fastEnvelope reads the envelope of an event line that is plainly what
// DecodeEvent's strict decoding accepts, without reflection: one JSON
// object whose keys are among id, type, time, station, operator and data,
// spelled exactly so and each at most once; string values free of escapes
// and control characters, in valid UTF-8; data an object of a type
// fastPayload decodes, which it takes (p); nothing after the object. For
// anything else it reports false, and DecodeEvent decodes the line
// strictly, which accepts it or words the refusal. On true, env is what
// strictUnmarshal would have decoded, ts the text of time, and p what
// Event.Payload would decode from env.Data, before validation
// (TestFastEnvelopeAgrees holds it to that).
func fastEnvelope(b []byte) (env envelope, ts string, p Payload, ok bool) {
	return fastEnvelopeWith(b, nil)
}

// fastEnvelopeWith is fastEnvelope sharing the strings names holds
// (EventDecoder; nil: none).
func fastEnvelopeWith(b []byte, names *EventDecoder) (env envelope, ts string, p Payload, ok bool) {
	s := fastScan{b: b, names: names}
	var data []byte
	// The values env points to, in one allocation instead of three.
	vals := new(struct {
		id, typ string
		time    json.RawMessage
	})
	ok = s.object(func(k []byte) bool {
		switch string(k) {
		case "id":
			v, ok := s.text()
			vals.id, env.ID = v, &vals.id
			return ok
		case "type":
			v, ok := s.name()
			vals.typ, env.Type = v, &vals.typ
			return ok
		case "time":
			s.space()
			start := s.i
			v, ok := s.text()
			vals.time = json.RawMessage(s.b[start:s.i])
			env.Time, ts = &vals.time, v
			return ok
		case "station":
			return s.str(&env.Station)
		case "operator":
			return s.str(&env.Operator)
		case "data":
			data = s.plainObject()
			return data != nil
		}
		return false
	})
	if !ok || !s.end() || env.Type == nil || data == nil {
		return envelope{}, "", nil, false
	}
	if p = fastPayloadWith(EventType(*env.Type), data, names); p == nil {
		return envelope{}, "", nil, false
	}
	env.Data = data // a slice of b: decodeEvent copies it when it keeps it
	return env, ts, p, true
}

// plainObject returns the text of the object at the scanner, consumed, if
// its strings have no escapes (fastPayload then checks it whole), or nil.
func (s *fastScan) plainObject() []byte {
	s.space()
	if s.i >= len(s.b) || s.b[s.i] != '{' {
		return nil
	}
	start, depth, inString := s.i, 0, false
	for ; s.i < len(s.b); s.i++ {
		c := s.b[s.i]
		switch {
		case inString && c == '\\':
			return nil
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth--; depth == 0 {
				s.i++
				return s.b[start:s.i]
			}
		}
	}
	return nil
}
