package tracegraph

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// parseCanonical decodes an event record as json.Unmarshal decodes it into
// a canonicalEvent, without reflection, when the record is laid out as
// appendCanonical writes it: the fields in canonicalEvent's order with no
// white space, every string printable ASCII without escapes, no props, and
// data a JSON object. Otherwise it reports false and the caller decodes with
// json.Unmarshal: the answer is json.Unmarshal's either way, only faster for
// the records of every day (the log's readers decode every event they serve).
func parseCanonical(b []byte) (canonicalEvent, bool) {
	var c canonicalEvent
	if !(&canonicalParser{b: b}).event(&c) {
		return canonicalEvent{}, false // nothing half decoded
	}
	return c, true
}

// event reads the whole record into c.
func (p *canonicalParser) event(c *canonicalEvent) bool {
	if !p.lit(`{"seq":`) {
		return false
	}
	seq, ok := p.uint()
	if !ok {
		return false
	}
	c.Seq = seq
	var typ string
	if !p.field(`,"id":`, &c.ID) || !p.field(`,"type":`, &typ) || !p.field(`,"time":`, &c.Time) {
		return false
	}
	c.Type = EventType(typ)
	p.optional(`,"station":`, &c.Station)
	p.optional(`,"operator":`, &c.Operator)
	if p.bad || !p.lit(`,"data":`) {
		return false
	}
	data, ok := p.object()
	if !ok {
		return false
	}
	c.Data = data
	p.optional(`,"recordedBy":`, &c.RecordedBy)
	if p.bad || !p.field(`,"recordedAt":`, &c.RecordedAt) || !p.field(`,"prevHash":`, &c.PrevHash) {
		return false
	}
	p.optional(`,"hash":`, &c.Hash)
	if p.bad || !p.lit(`}`) || p.i != len(p.b) {
		return false
	}
	return true
}

// canonicalParser reads a record from b[i:]; bad is set when an optional
// field was present but not in the plain form.
type canonicalParser struct {
	b   []byte
	i   int
	bad bool
}

// lit consumes s when the record continues with it.
func (p *canonicalParser) lit(s string) bool {
	if !bytes.HasPrefix(p.b[p.i:], []byte(s)) {
		return false
	}
	p.i += len(s)
	return true
}

// uint reads an unsigned integer as JSON writes one (no leading zero) that
// fits in 64 bits.
func (p *canonicalParser) uint() (uint64, bool) {
	j := p.i
	for j < len(p.b) && p.b[j] >= '0' && p.b[j] <= '9' {
		j++
	}
	digits := p.b[p.i:j]
	if len(digits) == 0 || len(digits) > 1 && digits[0] == '0' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(digits), 10, 64)
	if err != nil {
		return 0, false
	}
	p.i = j
	return n, true
}

// field reads key and a plain string after it into s.
func (p *canonicalParser) field(key string, s *string) bool {
	v, ok := p.raw(key)
	if ok {
		*s = string(v)
	}
	return ok
}

// optional reads key and a plain string after it into s when the record
// continues with key; a value not in the plain form sets bad.
func (p *canonicalParser) optional(key string, s *string) {
	if p.bad || !bytes.HasPrefix(p.b[p.i:], []byte(key)) {
		return
	}
	if !p.field(key, s) {
		p.bad = true
	}
}

// object reads a JSON object and returns a copy of its text, as
// json.RawMessage keeps it (objectText).
func (p *canonicalParser) object() (json.RawMessage, bool) {
	raw, ok := p.objectText()
	if !ok {
		return nil, false
	}
	return bytes.Clone(raw), true
}

// objectText reads a JSON object and returns its text, a slice of the
// record; it must be valid JSON (fastScan.value checks it as json.Valid
// does, and leaves data nested deeper than maxEnvelopeDepth to
// json.Unmarshal).
func (p *canonicalParser) objectText() ([]byte, bool) {
	if p.i >= len(p.b) || p.b[p.i] != '{' {
		return nil, false
	}
	v := fastScan{b: p.b, i: p.i}
	if !v.value(0) {
		return nil, false
	}
	raw := p.b[p.i:v.i]
	p.i = v.i
	return raw, true
}
