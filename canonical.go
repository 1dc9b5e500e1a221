package tracegraph

import (
	"encoding/json"
	"strconv"
)

// marshalCanonical is json.Marshal(c).
func marshalCanonical(c canonicalEvent) ([]byte, error) {
	if b, ok := appendCanonical(c); ok {
		return b, nil
	}
	return json.Marshal(c)
}

// appendCanonical writes json.Marshal(c), byte for byte, without reflection
// when c is plain (plainCanonicalLen); otherwise it reports false.
func appendCanonical(c canonicalEvent) ([]byte, bool) {
	n, ok := plainCanonicalLen(&c)
	if !ok {
		return nil, false
	}
	return appendPlainCanonical(make([]byte, 0, n), &c), true
}

// canonicalOverhead bounds the bytes of appendCanonical's output besides
// the strings and the data: the keys, quotes and punctuation (147) and
// the seq's digits (up to 20).
const canonicalOverhead = 168

// plainCanonicalLen reports whether appendCanonical writes json.Marshal(c):
// every string of c is plain ASCII that encoding/json writes as it is (no
// quote, backslash, <, >, & or control character), c.Data is JSON it writes
// unchanged and there are no props. If so it returns a bound of the length
// of the encoding. Sealing encodes every event (the hash chain is computed
// over these bytes) and encoding/json's reflection was most of that.
func plainCanonicalLen(c *canonicalEvent) (int, bool) {
	if len(c.Props) > 0 {
		return 0, false // left to json.Marshal (a sorted map)
	}
	n := len(c.Data) + canonicalOverhead
	for _, s := range [...]string{c.ID, string(c.Type), c.Time, c.Station, c.Operator, c.RecordedBy, c.RecordedAt, c.PrevHash, c.Hash} {
		if !plainJSONString(s) {
			return 0, false
		}
		n += len(s)
	}
	if !marshalsUnchanged(c.Data) || !ValidJSON(c.Data) {
		return 0, false
	}
	return n, true
}

// appendPlainCanonical appends json.Marshal(c), byte for byte, to b; c
// must be plain (plainCanonicalLen).
func appendPlainCanonical(b []byte, c *canonicalEvent) []byte {
	b = append(b, `{"seq":`...)
	b = strconv.AppendUint(b, c.Seq, 10)
	b = appendField(b, `,"id":`, c.ID)
	b = appendField(b, `,"type":`, string(c.Type))
	b = appendField(b, `,"time":`, c.Time)
	if c.Station != "" {
		b = appendField(b, `,"station":`, c.Station)
	}
	if c.Operator != "" {
		b = appendField(b, `,"operator":`, c.Operator)
	}
	b = append(b, `,"data":`...)
	b = append(b, c.Data...)
	if c.RecordedBy != "" {
		b = appendField(b, `,"recordedBy":`, c.RecordedBy)
	}
	b = appendField(b, `,"recordedAt":`, c.RecordedAt)
	b = appendField(b, `,"prevHash":`, c.PrevHash)
	if c.Hash != "" {
		b = appendField(b, `,"hash":`, c.Hash)
	}
	return append(b, '}')
}

func appendField(b []byte, key, s string) []byte {
	b = append(b, key...)
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// plainJSONString reports whether encoding/json writes s between quotes as
// it is: printable ASCII without ", \, <, > and &.
func plainJSONString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}
