package tracegraph

import (
	"bytes"
	"encoding/json"
)

// maxEnvelopeDepth bounds the nesting of data fastScan.value reads; deeper
// data is left to encoding/json.
const maxEnvelopeDepth = 64

// ValidJSON reports json.Valid(b), faster for the JSON of events: what the
// root package's scanner reads whole json.Valid takes (FuzzScanValue), and
// what it does not is left to json.Valid, which refuses it or takes data
// nested deeper than the scanner reads.
func ValidJSON(b []byte) bool { return scanWhole(b) || json.Valid(b) }

// scanWhole reports whether fastScan.value reads b as one JSON value with only
// white space around it.
func scanWhole(b []byte) bool {
	p := fastScan{b: b}
	p.space()
	if !p.value(0) {
		return false
	}
	p.space()
	return p.i == len(p.b)
}

// value checks one JSON value (RFC 8259) at p.i and consumes it, depth the
// nesting it is at.
func (p *fastScan) value(depth int) bool {
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

func (p *fastScan) word(w string) bool {
	if !bytes.HasPrefix(p.b[p.i:], []byte(w)) {
		return false
	}
	p.i += len(w)
	return true
}

// jsonString checks a string, escapes included, and consumes it.
func (p *fastScan) jsonString() bool {
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
func (p *fastScan) number() bool {
	j := p.i
	if j < len(p.b) && p.b[j] == '-' {
		j++
	}
	switch {
	case j < len(p.b) && p.b[j] == '0':
		j++
	case j < len(p.b) && isDigit(p.b[j]):
		j = digitsEnd(p.b, j)
	default:
		return false
	}
	if j < len(p.b) && p.b[j] == '.' {
		if k := digitsEnd(p.b, j+1); k > j+1 {
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
		if k := digitsEnd(p.b, j); k > j {
			j = k
		} else {
			return false
		}
	}
	p.i = j
	return true
}

// digitsEnd returns the end of the run of digits at j.
func digitsEnd(b []byte, j int) int {
	for j < len(b) && isDigit(b[j]) {
		j++
	}
	return j
}
