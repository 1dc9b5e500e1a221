package server

import (
	"strings"

	"github.com/tracegraph/tracegraph"
)

// scanTest reads a test.recorded event's testType and result from its data
// without decoding the rest (measurements are most of it), as Payload
// would give them: the type in upper case, the result normalized to pass
// or fail. It answers only for plain data: a JSON object whose testType and
// result keys are spelled exactly, once each, at its top level, with
// values of printable ASCII without escapes or edge spaces, up to 1000
// bytes, and a result Payload accepts. Otherwise ok is false and the
// caller decodes the payload. It does not check the other fields: events
// in the log passed Payload's checks when they were applied.
func scanTest(data []byte) (testType, result string, ok bool) {
	s := scanner{data: data}
	s.space()
	if !s.take('{') {
		return "", "", false
	}
	var tt, res []byte
	s.space()
	if s.take('}') {
		return "", "", false
	}
	for {
		s.space()
		k, plain := s.str()
		if k == nil || !plain {
			return "", "", false
		}
		s.space()
		if !s.take(':') {
			return "", "", false
		}
		s.space()
		switch {
		case string(k) == "testType" || string(k) == "result":
			v, plain := s.str()
			if v == nil || !plain || !plainText(v) {
				return "", "", false
			}
			dst := &tt
			if k[0] == 'r' {
				dst = &res
			}
			if *dst != nil {
				return "", "", false // a duplicate: Payload decides
			}
			*dst = v
		case strings.EqualFold(string(k), "testType") || strings.EqualFold(string(k), "result"):
			return "", "", false // encoding/json matches keys in any case
		default:
			if !s.skip() {
				return "", "", false
			}
		}
		s.space()
		if s.take('}') {
			break
		}
		if !s.take(',') {
			return "", "", false
		}
	}
	s.space()
	if s.i != len(s.data) || tt == nil || res == nil {
		return "", "", false
	}
	switch strings.ToLower(string(res)) {
	case tracegraph.ResultPass, "passed", "ok":
		result = tracegraph.ResultPass
	case tracegraph.ResultFail, "failed", "ng":
		result = tracegraph.ResultFail
	default:
		return "", "", false
	}
	return strings.ToUpper(string(tt)), result, true
}

// plainText reports whether v is 1 to 1000 bytes of printable ASCII
// without leading or trailing spaces (text Payload accepts as it is).
func plainText(v []byte) bool {
	if len(v) == 0 || len(v) > 1000 || v[0] == ' ' || v[len(v)-1] == ' ' {
		return false
	}
	for _, c := range v {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// scanner walks JSON text just far enough for scanTest.
type scanner struct {
	data []byte
	i    int
}

func (s *scanner) space() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) take(c byte) bool {
	if s.i < len(s.data) && s.data[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str reads a string and returns its raw bytes (nil when there is none)
// and whether it has no escapes.
func (s *scanner) str() (v []byte, plain bool) {
	if !s.take('"') {
		return nil, false
	}
	start, plain := s.i, true
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case '"':
			s.i++
			return s.data[start : s.i-1], plain
		case '\\':
			plain = false
			s.i++
		}
		s.i++
	}
	return nil, false
}

// skip passes over one value: a string, an object or array (with what
// they hold) or a number or literal. It reports false for text that ends
// too early or brackets that do not pair.
func (s *scanner) skip() bool {
	if s.i >= len(s.data) {
		return false
	}
	switch s.data[s.i] {
	case '"':
		v, _ := s.str()
		return v != nil
	case '{', '[':
		var open []byte
		for s.i < len(s.data) {
			switch c := s.data[s.i]; c {
			case '"':
				if v, _ := s.str(); v == nil {
					return false
				}
				continue
			case '{', '[':
				open = append(open, c)
			case '}', ']':
				if len(open) == 0 || open[len(open)-1] != c-2 {
					return false
				}
				open = open[:len(open)-1]
				if len(open) == 0 {
					s.i++
					return true
				}
			}
			s.i++
		}
		return false
	}
	start := s.i
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return s.i > start
		}
		s.i++
	}
	return false
}
