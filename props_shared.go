package tracegraph

import (
	"encoding/binary"
	"hash/maphash"
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
// The table is direct-mapped, as EventDecoder's: a text replaces the one in
// its slot, and a lookup is one hash and one comparison (most often of two
// strings the decoder shares, equal at the first byte's address). It holds
// at most sharedSlots texts of at most maxSharedLen bytes, each a copy of
// its own. It is kept with the stations' line sides (LineSideMemo), so it
// lasts from batch to batch of a store's writer, and is not safe for
// concurrent use, as they are not. A nil *sharedStrings boxes every
// string anew.
type sharedStrings struct {
	seed  maphash.Seed
	slots *[sharedSlots]sharedString
	// lists are the lists of strings made by list, by their texts
	// (listKey); key is listKey's buffer.
	lists map[string][]any
	key   []byte
}

// sharedString is a text and its box.
type sharedString struct {
	s string
	v any
}

// Bounds of a sharedStrings: sharedSlots texts (a few hundred names, and
// the loads of the reels on the line, 128 KiB) of at most maxSharedLen
// bytes each, a longer one is boxed anew; at most sharedSlots lists.
const (
	sharedSlots  = 4096
	maxSharedLen = 64
)

// box returns s as a props value: the box made for the same text before
// when t still keeps it.
func (t *sharedStrings) box(s string) any {
	if t == nil || len(s) > maxSharedLen {
		return s
	}
	if t.slots == nil {
		t.seed, t.slots = maphash.MakeSeed(), new([sharedSlots]sharedString)
	}
	e := &t.slots[maphash.String(t.seed, s)%sharedSlots]
	if e.v != nil && e.s == s {
		return e.v
	}
	// A copy of its own: s may be part of a larger text (an event's data)
	// that keeping it would keep alive.
	k := strings.Clone(s)
	e.s, e.v = k, k
	return e.v
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
		if len(t.lists) >= sharedSlots {
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

// strs returns the strings shared by the batches projected with tx's
// memo's line sides (nil: none; every string is boxed anew, as in a batch
// projected over a base that is not a Tx, newMemo).
func (tx *Tx) strs() *sharedStrings {
	if m := tx.memo; m != nil && m.stations != nil {
		return &m.stations.strs
	}
	return nil
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
