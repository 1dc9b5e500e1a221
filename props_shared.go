package tracegraph

import "strings"

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

// list is toAny with each string boxed by box.
func (t *sharedStrings) list(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = t.box(s)
	}
	return out
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
