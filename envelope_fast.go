package tracegraph

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// parseEnvelope decodes a client's event into env as strictUnmarshal does,
// without reflection, when the text is in the form every controller sends:
// well-formed JSON, an object whose keys are envelope fields spelled
// exactly, each once, recordedBy absent; id, type, time, station and
// operator strings without escapes; props an object of such strings; data
// any JSON value. Otherwise it reports false, leaving env as it found it,
// and the caller decodes with strictUnmarshal: the answer, and every error,
// is strictUnmarshal's either way, only faster for the events of every day.
func parseEnvelope(b []byte, env *envelope) bool {
	var e envelope
	p := envScan{b: b}
	if !p.envelope(&e) {
		return false
	}
	*env = e
	return true
}

// maxEnvelopeDepth bounds the nesting of data the fast path reads; deeper
// data is left to encoding/json.
const maxEnvelopeDepth = 64

// envScan reads a JSON text from b[i:].
type envScan struct {
	b []byte
	i int
}

func (p *envScan) space() {
	for p.i < len(p.b) && isJSONSpace(p.b[p.i]) {
		p.i++
	}
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// next skips white space and consumes c when it comes next.
func (p *envScan) next(c byte) bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// envelope reads the whole text: one object, then only white space.
func (p *envScan) envelope(e *envelope) bool {
	if !p.next('{') {
		return false
	}
	var seen uint8
	if !p.next('}') {
		for {
			p.space()
			key, ok := p.plainString()
			if !ok || !p.next(':') {
				return false
			}
			p.space()
			bit, ok := p.member(e, key)
			if !ok || seen&bit != 0 {
				return false // a key repeated is left to encoding/json (it keeps the last)
			}
			seen |= bit
			if p.next('}') {
				break
			}
			if !p.next(',') {
				return false
			}
		}
	}
	p.space()
	return p.i == len(p.b)
}

// member reads the value of key into e and returns the key's bit.
func (p *envScan) member(e *envelope, key []byte) (uint8, bool) {
	switch string(key) {
	case "id":
		s, ok := p.str()
		e.ID = &s
		return 1 << 0, ok
	case "type":
		s, ok := p.str()
		e.Type = &s
		return 1 << 1, ok
	case "time":
		start := p.i
		if _, ok := p.plainString(); !ok {
			return 0, false
		}
		raw := json.RawMessage(bytes.Clone(p.b[start:p.i]))
		e.Time = &raw
		return 1 << 2, true
	case "station":
		s, ok := p.str()
		e.Station = s
		return 1 << 3, ok
	case "operator":
		s, ok := p.str()
		e.Operator = s
		return 1 << 4, ok
	case "data":
		start := p.i
		if p.i < len(p.b) && p.b[p.i] == 'n' {
			return 0, false // null: left to encoding/json
		}
		if !p.value(0) {
			return 0, false
		}
		e.Data = bytes.Clone(p.b[start:p.i])
		return 1 << 5, true
	case "props":
		return 1 << 6, p.props(e)
	}
	return 0, false // unknown, misspelt or recordedBy: encoding/json's error
}

// props reads an object of plain strings.
func (p *envScan) props(e *envelope) bool {
	if !p.next('{') {
		return false
	}
	m := map[string]string{}
	if !p.next('}') {
		for {
			p.space()
			k, ok := p.str()
			if !ok || !p.next(':') {
				return false
			}
			p.space()
			v, ok := p.str()
			if !ok {
				return false
			}
			if _, dup := m[k]; dup {
				return false
			}
			m[k] = v
			if p.next('}') {
				break
			}
			if !p.next(',') {
				return false
			}
		}
	}
	e.Props = m
	return true
}

// str reads a string without escapes that is valid UTF-8: encoding/json
// decodes it to its bytes between the quotes.
func (p *envScan) str() (string, bool) {
	s, ok := p.plainString()
	if !ok || !utf8.Valid(s) {
		return "", false
	}
	return string(s), true
}

// plainString reads a string without escapes or control characters and
// returns the bytes between its quotes.
func (p *envScan) plainString() ([]byte, bool) {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return nil, false
	}
	for j := p.i + 1; j < len(p.b); j++ {
		switch c := p.b[j]; {
		case c == '"':
			s := p.b[p.i+1 : j]
			p.i = j + 1
			return s, true
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

// value checks one JSON value (RFC 8259) at p.i and consumes it, depth the
// nesting it is at.
func (p *envScan) value(depth int) bool {
	if p.i >= len(p.b) || depth > maxEnvelopeDepth {
		return false
	}
	switch c := p.b[p.i]; {
	case c == '{':
		p.i++
		if p.next('}') {
			return true
		}
		for {
			p.space()
			if !p.jsonString() || !p.next(':') {
				return false
			}
			p.space()
			if !p.value(depth + 1) {
				return false
			}
			if p.next('}') {
				return true
			}
			if !p.next(',') {
				return false
			}
		}
	case c == '[':
		p.i++
		if p.next(']') {
			return true
		}
		for {
			p.space()
			if !p.value(depth + 1) {
				return false
			}
			if p.next(']') {
				return true
			}
			if !p.next(',') {
				return false
			}
		}
	case c == '"':
		return p.jsonString()
	case c == 't':
		return p.word("true")
	case c == 'f':
		return p.word("false")
	case c == 'n':
		return p.word("null")
	default:
		return p.number()
	}
}

func (p *envScan) word(w string) bool {
	if !bytes.HasPrefix(p.b[p.i:], []byte(w)) {
		return false
	}
	p.i += len(w)
	return true
}

// jsonString checks a string, escapes included, and consumes it.
func (p *envScan) jsonString() bool {
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return false
	}
	for j := p.i + 1; j < len(p.b); j++ {
		switch c := p.b[j]; {
		case c == '"':
			p.i = j + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			j++
			if j >= len(p.b) {
				return false
			}
			switch p.b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(p.b) {
					return false
				}
				for _, h := range p.b[j+1 : j+5] {
					if !isHex(h) {
						return false
					}
				}
				j += 4
			default:
				return false
			}
		}
	}
	return false
}

// number checks a number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *envScan) number() bool {
	j := p.i
	if j < len(p.b) && p.b[j] == '-' {
		j++
	}
	switch {
	case j < len(p.b) && p.b[j] == '0':
		j++
	case j < len(p.b) && isDigit(p.b[j]):
		j = digits(p.b, j)
	default:
		return false
	}
	if j < len(p.b) && p.b[j] == '.' {
		if k := digits(p.b, j+1); k > j+1 {
			j = k
		} else {
			return false
		}
	}
	if j < len(p.b) && (p.b[j] == 'e' || p.b[j] == 'E') {
		j++
		if j < len(p.b) && (p.b[j] == '+' || p.b[j] == '-') {
			j++
		}
		if k := digits(p.b, j); k > j {
			j = k
		} else {
			return false
		}
	}
	p.i = j
	return true
}

// digits returns the end of the run of digits at j.
func digits(b []byte, j int) int {
	for j < len(b) && isDigit(b[j]) {
		j++
	}
	return j
}
