package embedded

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"unicode/utf8"

	"github.com/tracegraph/tracegraph"
)

// Node records and edge properties are stored in a compact binary form.
// Stores written before it hold them as JSON, which starts with '{'; every
// reader takes both (decodeNode, decodeProps), and verify compares a JSON
// record with the binary one the log produces by their meaning
// (sameRecord).
//
// A binary node record is
//
//	0x01 <flags:1> <label> <created by> <version:uvarint> <props>
//
// where flags bit 0 marks a voided node, strings are <len:uvarint><bytes>,
// and props is an object value without its tag. Edge properties, the tail
// of an edge record, are an object value with its tag.
//
// Values are tagged; they are the JSON values a JSON round trip gives
// (appendValue makes any other Go value one by a JSON round trip), so a
// binary record decodes to exactly what its JSON record decoded to.
const nodeRecBinary = 1

const (
	vNull = iota
	vFalse
	vTrue
	vNumber // float64 bits, 8 bytes little endian
	vString
	vArray  // <count:uvarint> values
	vObject // <count:uvarint> (<key> <value>)*, keys in byte order
)

var errRecordShort = errors.New("record truncated")

// appendNode appends the binary record of n to b.
func appendNode(b []byte, n *tracegraph.Node, voided bool) ([]byte, error) {
	var flags byte
	if voided {
		flags = 1
	}
	b = append(b, nodeRecBinary, flags)
	b = appendString(b, string(n.Label))
	b = appendString(b, n.CreatedBy)
	b = binary.AppendUvarint(b, n.Version)
	return appendObjectBody(b, n.Props)
}

// decodeNode decodes a node record, binary or JSON.
func decodeNode(id tracegraph.ID, b []byte) (*tracegraph.Node, bool, error) {
	if len(b) > 0 && b[0] == '{' {
		return decodeNodeJSON(id, b)
	}
	n, voided, err := decodeNodeBinary(id, b)
	if err != nil {
		return nil, false, fmt.Errorf("decode node %s: %w", id, err)
	}
	return n, voided, nil
}

func decodeNodeBinary(id tracegraph.ID, b []byte) (*tracegraph.Node, bool, error) {
	if len(b) < 2 || b[0] != nodeRecBinary {
		return nil, false, fmt.Errorf("not a node record (%d bytes)", len(b))
	}
	d := recDecoder{s: string(b), p: 2}
	voided := b[1]&1 != 0
	n := &tracegraph.Node{ID: id}
	n.Label = tracegraph.Label(d.str())
	n.CreatedBy = d.str()
	n.Version = d.uvarint()
	n.Props = d.objectBody()
	if d.err == nil && d.p != len(d.s) {
		d.err = fmt.Errorf("%d bytes after the record", len(d.s)-d.p)
	}
	if d.err != nil {
		return nil, false, d.err
	}
	return n, voided, nil
}

// nodeRec is a node as stored in JSON by stores written before the binary
// records.
type nodeRec struct {
	Label     tracegraph.Label `json:"l"`
	Props     map[string]any   `json:"p,omitempty"`
	CreatedBy string           `json:"c,omitempty"`
	Version   uint64           `json:"v,omitempty"`
	Voided    bool             `json:"x,omitempty"`
}

func decodeNodeJSON(id tracegraph.ID, b []byte) (*tracegraph.Node, bool, error) {
	var r nodeRec
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, false, fmt.Errorf("decode node %s: %w", id, err)
	}
	if r.Props == nil {
		r.Props = map[string]any{}
	}
	return &tracegraph.Node{ID: id, Label: r.Label, Props: r.Props, CreatedBy: r.CreatedBy, Version: r.Version}, r.Voided, nil
}

// appendProps appends edge properties (nothing when there are none).
func appendProps(b []byte, props map[string]any) ([]byte, error) {
	if len(props) == 0 {
		return b, nil
	}
	return appendObjectBody(append(b, vObject), props)
}

// decodeProps decodes edge properties, binary or JSON (nil when empty).
func decodeProps(b []byte) (map[string]any, error) {
	switch {
	case len(b) == 0:
		return nil, nil
	case b[0] == '{':
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, err
		}
		return m, nil
	case b[0] != vObject:
		return nil, fmt.Errorf("properties start with %#x", b[0])
	}
	d := recDecoder{s: string(b), p: 1}
	m := d.objectBody()
	if d.err == nil && d.p != len(d.s) {
		d.err = fmt.Errorf("%d bytes after the properties", len(d.s)-d.p)
	}
	return m, d.err
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendObjectBody appends the count and entries of m, keys in byte order
// (as encoding/json writes them).
func appendObjectBody(b []byte, m map[string]any) ([]byte, error) {
	var buf [16]string
	keys := buf[:0]
	for k := range m {
		if !utf8.ValidString(k) {
			// encoding/json replaces what is not UTF-8, which may merge keys.
			rt, err := jsonRoundTrip(m)
			if err != nil {
				return nil, err
			}
			return appendObjectBody(b, rt.(map[string]any))
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = appendString(b, k)
		var err error
		if b, err = appendValue(b, m[k]); err != nil {
			return nil, fmt.Errorf("property %q: %w", k, err)
		}
	}
	return b, nil
}

// appendValue appends v as the JSON value a JSON round trip makes of it.
func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, vNull), nil
	case bool:
		if x {
			return append(b, vTrue), nil
		}
		return append(b, vFalse), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("number %v is not JSON", x)
		}
		b = append(b, vNumber)
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(x)), nil
	case string:
		if utf8.ValidString(x) {
			return appendString(append(b, vString), x), nil
		}
	case []any:
		if x == nil {
			return append(b, vNull), nil
		}
		b = binary.AppendUvarint(append(b, vArray), uint64(len(x)))
		for i, e := range x {
			var err error
			if b, err = appendValue(b, e); err != nil {
				return nil, fmt.Errorf("element %d: %w", i, err)
			}
		}
		return b, nil
	case map[string]any:
		if x == nil {
			return append(b, vNull), nil
		}
		return appendObjectBody(append(b, vObject), x)
	}
	// Anything else (other numbers, strings that are not UTF-8, typed
	// slices and maps, structs): what encoding/json makes of it.
	rt, err := jsonRoundTrip(v)
	if err != nil {
		return nil, err
	}
	return appendValue(b, rt)
}

// jsonRoundTrip returns what encoding/json decodes of its encoding of v.
func jsonRoundTrip(v any) (any, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var rt any
	if err := json.Unmarshal(j, &rt); err != nil {
		return nil, err
	}
	return rt, nil
}

// recDecoder reads a binary record. Its strings share s, the record
// copied once.
type recDecoder struct {
	s   string
	p   int
	err error
}

func (d *recDecoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.p = len(d.s)
}

func (d *recDecoder) uvarint() uint64 {
	var x uint64
	var shift uint
	for i := 0; d.p < len(d.s) && i < binary.MaxVarintLen64; i++ {
		c := d.s[d.p]
		d.p++
		if c < 0x80 {
			return x | uint64(c)<<shift
		}
		x |= uint64(c&0x7f) << shift
		shift += 7
	}
	d.fail(errRecordShort)
	return 0
}

func (d *recDecoder) str() string {
	n := d.uvarint()
	if n > uint64(len(d.s)-d.p) {
		d.fail(errRecordShort)
		return ""
	}
	s := d.s[d.p : d.p+int(n)]
	d.p += int(n)
	return s
}

// count reads a count of items each at least min bytes long.
func (d *recDecoder) count(min int) int {
	n := d.uvarint()
	if n > uint64((len(d.s)-d.p)/min) {
		d.fail(errRecordShort)
		return 0
	}
	return int(n)
}

func (d *recDecoder) objectBody() map[string]any {
	n := d.count(2)
	m := make(map[string]any, n)
	for range n {
		k := d.str()
		m[k] = d.value()
	}
	return m
}

func (d *recDecoder) value() any {
	if d.p >= len(d.s) {
		d.fail(errRecordShort)
		return nil
	}
	t := d.s[d.p]
	d.p++
	switch t {
	case vNull:
		return nil
	case vFalse:
		return false
	case vTrue:
		return true
	case vNumber:
		if len(d.s)-d.p < 8 {
			d.fail(errRecordShort)
			return nil
		}
		bits := uint64(0)
		for i := 7; i >= 0; i-- {
			bits = bits<<8 | uint64(d.s[d.p+i])
		}
		d.p += 8
		return math.Float64frombits(bits)
	case vString:
		return d.str()
	case vArray:
		n := d.count(1)
		a := make([]any, n)
		for i := range a {
			a[i] = d.value()
		}
		return a
	case vObject:
		return d.objectBody()
	}
	d.fail(fmt.Errorf("value tag %#x", t))
	return nil
}

// sameRecord reports whether got, the value of key k written in JSON by a
// store made before the binary records, is the binary record want.
func sameRecord(k, got, want []byte) bool {
	if len(k) == 0 || len(got) == 0 {
		return false
	}
	var b []byte
	switch k[0] {
	case pNode:
		if got[0] != '{' {
			return false
		}
		n, voided, err := decodeNodeJSON(tracegraph.ID(k[1:]), got)
		if err != nil {
			return false
		}
		if b, err = appendNode(nil, n, voided); err != nil {
			return false
		}
	case pEdge:
		r, err := decodeEdge(got)
		if err != nil || len(r.props) == 0 || r.props[0] != '{' {
			return false
		}
		props, err := decodeProps(r.props)
		if err != nil {
			return false
		}
		if r.props, err = appendProps(nil, props); err != nil {
			return false
		}
		b = appendEdge(nil, r)
	default:
		return false
	}
	return bytes.Equal(b, want)
}
