package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"
	"unsafe"

	"github.com/cockroachdb/pebble/v2"
	"github.com/tracegraph/tracegraph"
)

var _ tracegraph.PropsReader = (*Store)(nil)

// ReadProps implements tracegraph.PropsReader. It reads the properties from
// the nodes' records, in one pass over each, without decoding them into
// maps or copying their strings: from the record cache, and through Pebble
// those it misses (readMissedProps). The nodes whose records it does not
// scan (JSON, voided, malformed) it reads with viewNodes, whose answer (nil,
// or an error) it gives.
func (s *Store) ReadProps(ctx context.Context, ids []tracegraph.ID, keys []string, found []bool, out []tracegraph.PropValue) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	clear(found)
	pos := make([]uint32, len(ids))
	live := make([]int, 0, len(ids))
	s.mu.RLock()
	for i, id := range ids {
		if j, ok := s.t.lookup(id); ok && s.t.flags[j]&flVoided == 0 {
			pos[i] = j
			live = append(live, i)
		}
	}
	s.mu.RUnlock()
	recs := make([][]byte, len(live))
	s.cache.viewRecords(pos, live, recs)
	var miss []int
	index := newKeyIndex(keys)
	for k, i := range live {
		if recs[k] != nil && scanProps(recs[k], index, out[i*len(keys):(i+1)*len(keys)]) {
			found[i] = true
			continue
		}
		miss = append(miss, i)
	}
	if len(miss) == 0 {
		return nil
	}
	miss, err := s.readMissedProps(ctx, ids, pos, miss, index, found, out)
	if err != nil || len(miss) == 0 {
		return err
	}
	missed := make([]tracegraph.ID, len(miss))
	for k, i := range miss {
		missed[k] = ids[i]
	}
	nodes, err := s.viewNodes(ctx, missed)
	if err != nil {
		return err
	}
	for k, n := range nodes {
		if n == nil {
			continue
		}
		i := miss[k]
		found[i] = true
		for c, key := range keys {
			v, ok := n.Props[key]
			out[i*len(keys)+c] = tracegraph.PropValueOf(v, ok)
		}
	}
	return nil
}

// readMissedProps is ReadProps for the ids[i], i in miss, whose records
// the record cache does not hold (or holds in a form scanProps does not
// read): it reads their records in key order through one Pebble iterator
// with prefix seeks (as viewNodes), keeps them in the record cache (unless
// a commit was published since it began: nodeCache.putRecords), and scans
// them. It returns those it could not scan (no record, JSON, voided,
// malformed), which ReadProps reads with viewNodes.
func (s *Store) readMissedProps(ctx context.Context, ids []tracegraph.ID, pos []uint32, miss []int, index *keyIndex,
	found []bool, out []tracegraph.PropValue) ([]int, error) {
	if index == nil {
		return miss, nil
	}
	nk := len(index.keys)
	slices.SortFunc(miss, func(a, b int) int { return strings.Compare(string(ids[a]), string(ids[b])) })
	gen := s.cache.generation() // before the iterator: see viewNodes
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte{pNode}, UpperBound: []byte{pNode + 1}})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var key, buf []byte
	var rp []uint32
	var recs [][]byte
	left := miss[:0]
	for c, i := range miss {
		if c&63 == 63 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		key = appendStrKey(key[:0], pNode, string(ids[i]))
		if !it.SeekPrefixGE(key) || !bytes.Equal(it.Key(), key) {
			if err := it.Error(); err != nil {
				return nil, fmt.Errorf("read node %s: %w", ids[i], err)
			}
			left = append(left, i)
			continue
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return nil, fmt.Errorf("read node %s: %w", ids[i], err)
		}
		// A copy the scanned strings share: buf's bytes are never written
		// again (append moves on to a new array when it grows).
		start := len(buf)
		buf = append(buf, v...)
		rec := buf[start:len(buf):len(buf)]
		if !scanProps(rec, index, out[i*nk:(i+1)*nk]) {
			left = append(left, i)
			continue
		}
		found[i] = true
		rp, recs = append(rp, pos[i]), append(recs, rec)
	}
	if len(rp) > 0 {
		s.cache.putRecords(rp, recs, gen, true)
	}
	return left, nil
}

// keyIndex finds a property among the keys ReadProps is asked for: the
// keys whose first byte is b are the bits of first[b].
type keyIndex struct {
	keys  []string
	first [256]uint64
}

// newKeyIndex returns the index of keys, or nil when there are more than
// 64 (scanProps then reads nothing).
func newKeyIndex(keys []string) *keyIndex {
	if len(keys) > 64 {
		return nil
	}
	x := &keyIndex{keys: keys}
	for k, key := range keys {
		if key != "" {
			x.first[key[0]] |= 1 << k
		}
	}
	return x
}

// find returns the index of key among the keys, or -1.
func (x *keyIndex) find(key string) int {
	if key == "" {
		return -1
	}
	for m := x.first[key[0]]; m != 0; m &= m - 1 {
		if k := bits.TrailingZeros64(m); x.keys[k] == key {
			return k
		}
	}
	return -1
}

// scanProps sets vals[k] to the value of property keys[k] in rec, a binary
// node record from the record cache, as decodeNode and
// tracegraph.PropValueOf make it, and reports true;
// it reports false for a record it does not read this way (JSON, voided,
// a key twice, malformed), leaving vals to be set by the caller.
//
// The strings it returns share rec's bytes without copying them: rec must
// never change. The record cache never writes a chunk's bytes again once a
// record is in it (recCache), and readMissedProps scans copies of its own;
// the strings keep the bytes alive as long as they are referenced.
func scanProps(rec []byte, keys *keyIndex, vals []tracegraph.PropValue) bool {
	if keys == nil || len(rec) < 2 || rec[0] != nodeRecBinary || rec[1]&1 != 0 {
		return false
	}
	d := recScan{b: rec, p: 2}
	d.str() // label
	d.str() // created by
	d.uvarint()
	n := d.uvarint()
	if d.bad || n > uint64(len(rec)-d.p)/2 {
		return false
	}
	var seen uint64
	for range int(n) {
		key := d.str()
		if d.bad {
			return false
		}
		if k := keys.find(key); k < 0 {
			d.skip(0)
		} else if seen&(1<<k) != 0 {
			return false // a key twice: the decoder keeps the last
		} else {
			vals[k] = d.value()
			seen |= 1 << k
		}
	}
	if d.bad || d.p != len(rec) {
		return false
	}
	for k := range vals {
		if seen&(1<<k) == 0 {
			vals[k] = tracegraph.PropValue{}
		}
	}
	return true
}

// recScan reads a binary record in place (recDecoder copies it).
type recScan struct {
	b   []byte
	p   int
	bad bool
}

func (d *recScan) uvarint() uint64 {
	if d.p < len(d.b) && d.b[d.p] < 0x80 {
		d.p++
		return uint64(d.b[d.p-1])
	}
	x, n := binary.Uvarint(d.b[d.p:])
	if n <= 0 {
		d.bad, d.p = true, len(d.b)
		return 0
	}
	d.p += n
	return x
}

// str returns the next string, sharing the record's bytes.
func (d *recScan) str() string {
	n := d.uvarint()
	if n > uint64(len(d.b)-d.p) {
		d.bad, d.p = true, len(d.b)
		return ""
	}
	if n == 0 {
		return ""
	}
	s := unsafe.String(&d.b[d.p], int(n))
	d.p += int(n)
	return s
}

// value reads the next value as tracegraph.PropValueOf reports the one
// recDecoder.value decodes.
func (d *recScan) value() tracegraph.PropValue {
	if d.p >= len(d.b) {
		d.bad = true
		return tracegraph.PropValue{}
	}
	switch d.b[d.p] {
	case vString:
		d.p++
		return tracegraph.PropValue{Kind: tracegraph.PropString, Str: d.str()}
	case vNumber:
		if len(d.b)-d.p < 9 {
			d.bad, d.p = true, len(d.b)
			return tracegraph.PropValue{}
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(d.b[d.p+1:]))
		d.p += 9
		return tracegraph.PropValue{Kind: tracegraph.PropNumber, Num: f}
	}
	d.skip(0)
	return tracegraph.PropValue{Kind: tracegraph.PropOther}
}

// maxScanDepth bounds skip's nesting (records nest as deep as the JSON
// they were made from); deeper ones go through the decoder.
const maxScanDepth = 64

// skip passes over the next value.
func (d *recScan) skip(depth int) {
	if d.p >= len(d.b) || depth > maxScanDepth {
		d.bad, d.p = true, len(d.b)
		return
	}
	t := d.b[d.p]
	d.p++
	switch t {
	case vNull, vFalse, vTrue:
	case vNumber:
		if len(d.b)-d.p < 8 {
			d.bad, d.p = true, len(d.b)
			return
		}
		d.p += 8
	case vString:
		d.str()
	case vArray:
		n := d.uvarint()
		for i := uint64(0); i < n && !d.bad; i++ {
			d.skip(depth + 1)
		}
	case vObject:
		n := d.uvarint()
		for i := uint64(0); i < n && !d.bad; i++ {
			d.str()
			d.skip(depth + 1)
		}
	default:
		d.bad, d.p = true, len(d.b)
	}
}
