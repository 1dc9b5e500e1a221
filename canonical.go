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
// when every string of c is plain ASCII that encoding/json writes as it is
// (no quote, backslash, <, >, & or control character), c.Data is JSON it
// writes unchanged and there are no props; otherwise it reports false. Sealing encodes every event
// this way (the hash chain is computed over these bytes) and encoding/json's
// reflection was most of that.
func appendCanonical(c canonicalEvent) ([]byte, bool) {
	if len(c.Props) > 0 {
		return nil, false // left to json.Marshal (a sorted map)
	}
	strs := [...]string{c.ID, string(c.Type), c.Time, c.Station, c.Operator, c.RecordedBy, c.RecordedAt, c.PrevHash, c.Hash}
	n := len(c.Data) + 128
	for _, s := range strs {
		if !plainJSONString(s) {
			return nil, false
		}
		n += len(s)
	}
	if !marshalsUnchanged(c.Data) || !ValidJSON(c.Data) {
		return nil, false
	}
	b := make([]byte, 0, n)
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
	return append(b, '}'), true
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
