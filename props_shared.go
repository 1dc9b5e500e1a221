package tracegraph

import (
	"encoding/binary"
	"math"
	"strings"
)

// sharedStrings boxes the string props that repeat from event to event (a
// station, an operator, a test's result, a measurement's name, a reel's
// load on every edge derived from it) once, and hands the same boxed value
// to every map that takes it: putting a string into a map[string]any
// allocates its box (16 bytes the collector scans), the most frequent
// allocation of the rules after the maps themselves. A boxed string is
// immutable, so sharing it is sharing its text: the props are the same
// values, and what the stores encode is the same bytes.
//
// It is kept with the stations' line sides (LineSideMemo), so it lasts from
// batch to batch of a store's writer, or else by the batch's memo. It is
// not safe for concurrent use, as they are not. A nil *sharedStrings boxes
// every string anew.
type sharedStrings struct {
	m map[string]any
	// lists are the lists of strings made by list, by their texts
	// (listKey); key is listKey's buffer.
	lists map[string][]any
	key   []byte
}

// Bounds of a sharedStrings: at most maxSharedStrings texts of at most
// maxSharedLen bytes each (a few hundred KiB); a text longer is boxed
// anew, and a new text when it is full drops all the others first, so a
// run of texts that never come again (serials, say) costs one clear.
const (
	maxSharedStrings = 4096
	maxSharedLen     = 64
)

// box returns s as a props value: the box made for the same text before
// when t keeps it.
func (t *sharedStrings) box(s string) any {
	if t == nil {
		return s
	}
	if v, ok := t.m[s]; ok {
		return v
	}
	if len(s) > maxSharedLen {
		return s
	}
	if len(t.m) >= maxSharedStrings {
		clear(t.m)
	}
	// A copy of its own: s may be part of a larger text (an event's data)
	// that keeping it would keep alive.
	k := strings.Clone(s)
	var v any = k
	mk(&t.m)[k] = v
	return v
}

// set sets m[k] to v, boxed by box, unless v is "" (as setStr).
func (t *sharedStrings) set(m map[string]any, k, v string) {
	if v != "" {
		m[k] = t.box(v)
	}
}

// list is toAny with each string boxed by box, and the list itself made
// once for the same strings in the same order: every consumption of a BOM
// line names the same reference designators. The list is shared by every
// map it is put in, as a setup slot's refDes is by the edges derived
// through it (slotValues): props are never changed in place (a node's are
// deep-copied to be changed, Node.Clone; an edge's are replaced whole).
func (t *sharedStrings) list(ss []string) []any {
	if t == nil {
		return toAny(ss)
	}
	t.key = listKey(t.key[:0], ss)
	if l, ok := t.lists[string(t.key)]; ok {
		return l
	}
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = t.box(s)
	}
	if len(t.key) <= maxSharedLen*2 {
		if len(t.lists) >= maxSharedStrings {
			clear(t.lists)
		}
		mk(&t.lists)[string(t.key)] = out
	}
	return out
}

// listKey appends to b the texts of ss, each after its length: no two
// lists have the same key.
func listKey(b []byte, ss []string) []byte {
	for _, s := range ss {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// strs returns the strings shared by the batches of tx's memo (nil: tx has
// none; every string is boxed anew).
func (tx *Tx) strs() *sharedStrings {
	m := tx.memo
	if m == nil {
		return nil
	}
	if m.stations != nil {
		return &m.stations.strs
	}
	return &m.strs
}

// smallInts are the numbers 0 to 255 boxed once for all: a count or a
// quantity a props map takes is mostly one of them.
var smallInts = func() (t [256]any) {
	for i := range t {
		t[i] = float64(i)
	}
	return t
}()

// num returns f as a props value, one of smallInts when it is one of them
// (not -0: JSON tells it from 0).
func num(f float64) any {
	if i := int(f); f >= 0 && f < float64(len(smallInts)) && float64(i) == f && !math.Signbit(f) {
		return smallInts[i]
	}
	return f
}
