package embedded

import (
	"bytes"
	"encoding/binary"
	"slices"

	"github.com/cockroachdb/pebble/v2"
)

// sortedBatch stages a commit's sets and deletes and hands them to a Pebble
// batch in key order. Pebble's memtable is a skiplist: each key inserted
// searches it from the top unless the inserter's remembered position (the
// key before) brackets it, which keys in order mostly do. A commit writes
// keys of a dozen kinds interleaved (event, node, index, edge, history), so
// in the order they were made nearly every insert searched the whole
// 256 MiB memtable.
//
// Order within a key is kept (the sort is by key, then by position), so
// the batch means what the unsorted one meant: of two writes to one key the
// later still gets the higher sequence number and wins. Keys of different
// writes do not interact within a batch.
//
// Staged bytes live in chunks that are never moved, so a slice returned by
// set stays valid (and unchanged) until reset.
type sortedBatch struct {
	ops   []stagedOp // in staging order
	order []opKey    // the ops to write, sorted by writeTo
	// spareOrder is the radix sort's other buffer.
	spareOrder []opKey
	chunks     [][]byte // chunks[len(chunks)-1] is being filled
	spare      [][]byte // chunks of earlier commits, for reuse
}

// stagedOp is one set or delete; key and value are slices of a chunk.
type stagedOp struct {
	key []byte
	val []byte
	del bool
}

// opKey is what the sort moves and compares: the first 16 bytes of an op's
// key (big endian, zero padded), which settle most comparisons, and the
// op's position in staging order.
type opKey struct {
	hi, lo uint64
	i      uint32
}

const stageChunk = 1 << 20

// alloc returns n bytes of the current chunk (a chunk of their own when n
// is larger than a chunk).
func (b *sortedBatch) alloc(n int) []byte {
	if len(b.chunks) > 0 {
		c := b.chunks[len(b.chunks)-1]
		if len(c)+n <= cap(c) {
			b.chunks[len(b.chunks)-1] = c[:len(c)+n]
			return c[len(c) : len(c)+n : len(c)+n]
		}
	}
	var c []byte
	if n <= stageChunk && len(b.spare) > 0 {
		c = b.spare[len(b.spare)-1][:0]
		b.spare = b.spare[:len(b.spare)-1]
	} else {
		c = make([]byte, 0, max(n, stageChunk))
	}
	b.chunks = append(b.chunks, c[:n])
	return c[:n:n]
}

func newOpKey(k []byte, i int) opKey {
	if len(k) >= 16 {
		return opKey{hi: binary.BigEndian.Uint64(k), lo: binary.BigEndian.Uint64(k[8:]), i: uint32(i)}
	}
	var p [16]byte
	copy(p[:], k)
	return opKey{hi: binary.BigEndian.Uint64(p[:]), lo: binary.BigEndian.Uint64(p[8:]), i: uint32(i)}
}

// set stages k = v and returns the staged copy of v.
func (b *sortedBatch) set(k, v []byte) []byte {
	buf := b.alloc(len(k) + len(v))
	copy(buf, k)
	copy(buf[len(k):], v)
	key, val := buf[:len(k):len(k)], buf[len(k):]
	b.ops = append(b.ops, stagedOp{key: key, val: val})
	return val
}

// delete stages a delete of k.
func (b *sortedBatch) delete(k []byte) {
	key := b.alloc(len(k))
	copy(key, k)
	b.ops = append(b.ops, stagedOp{key: key, del: true})
}

// sortOps sorts the staged ops by key, then by staging order (so that of
// two writes to one key the later stays later), into b.order. First by the
// key's first byte, its kind (a counting sort, stable); then each kind on
// its own, unless its ops are in order already (a commit stages events,
// edges and new nodes' index records in ascending keys): a radix sort of
// the rest of the keys' first 16 bytes, least significant byte first
// (stable, so ops whose keys share those bytes stay in staging order),
// skipping the bytes every key of the kind has alike (many: a kind's keys
// share a prefix); then each run of ops whose keys share their first 16
// bytes sorted by the whole key, stably. A comparison sort of the same
// keys (sortOpsByComparison, kept in the tests as the reference) was a
// tenth of the commit's time; one radix sort of all the keys at once, a
// third of what is left.
func (b *sortedBatch) sortOps() {
	n := len(b.ops)
	b.spareOrder = slices.Grow(b.spareOrder[:0], n)[:n]
	var at [257]uint32 // at[v]: where the ops of kind v start
	for i := range b.ops {
		b.spareOrder[i] = newOpKey(b.ops[i].key, i)
		at[int(b.spareOrder[i].digit(15))+1]++
	}
	for v := 1; v < len(at); v++ {
		at[v] += at[v-1]
	}
	b.order = slices.Grow(b.order[:0], n)[:n]
	next := at
	for _, o := range b.spareOrder {
		v := o.digit(15)
		b.order[next[v]] = o
		next[v]++
	}
	for v := range 256 {
		lo, hi := at[v], at[v+1]
		if hi-lo > 1 && !b.ascending(b.order[lo:hi]) {
			radixSort(b.order[lo:hi], b.spareOrder[lo:hi])
		}
	}
	for i := 0; i < n; {
		j := i + 1
		for j < n && b.order[j].hi == b.order[i].hi && b.order[j].lo == b.order[i].lo {
			j++
		}
		if j-i > 1 {
			slices.SortStableFunc(b.order[i:j], func(x, y opKey) int {
				return bytes.Compare(b.ops[x.i].key, b.ops[y.i].key)
			})
		}
		i = j
	}
}

// ascending reports whether the ops are in key order, then staging order.
func (b *sortedBatch) ascending(ops []opKey) bool {
	for k := 1; k < len(ops); k++ {
		x, y := ops[k-1], ops[k]
		switch {
		case x.hi != y.hi:
			if x.hi > y.hi {
				return false
			}
		case x.lo != y.lo:
			if x.lo > y.lo {
				return false
			}
		default:
			if c := bytes.Compare(b.ops[x.i].key, b.ops[y.i].key); c > 0 || c == 0 && x.i > y.i {
				return false
			}
		}
	}
	return true
}

// radixSort sorts ops, whose keys share their first byte, by their first
// 16 bytes, stably, using spare (as long) as its other buffer.
func radixSort(ops, spare []opKey) {
	n := len(ops)
	// counts[d][v]: the ops whose digit d (byte d of lo, then of hi, from
	// the least significant) is v.
	var counts [15][256]uint32
	for _, o := range ops {
		for d := range 8 {
			counts[d][byte(o.lo>>(8*d))]++
		}
		for d := range 7 {
			counts[8+d][byte(o.hi>>(8*d))]++
		}
	}
	src, dst := ops, spare
	for d := range counts {
		c := &counts[d]
		if c[src[0].digit(d)] == uint32(n) {
			continue // a byte every key has alike
		}
		var sum uint32
		for v, k := range c {
			c[v], sum = sum, sum+k
		}
		for _, o := range src {
			v := o.digit(d)
			dst[c[v]] = o
			c[v]++
		}
		src, dst = dst, src
	}
	if &src[0] != &ops[0] {
		copy(ops, src)
	}
}

// digit returns byte d of the key's first 16 bytes, counting from the
// last.
func (o opKey) digit(d int) byte {
	if d < 8 {
		return byte(o.lo >> (8 * d))
	}
	return byte(o.hi >> (8 * (d - 8)))
}

// writeTo sorts the staged ops and writes them into pb in key order.
func (b *sortedBatch) writeTo(pb *pebble.Batch) error {
	b.sortOps()
	for _, o := range b.order {
		op := &b.ops[o.i]
		if op.del {
			if err := pb.Delete(op.key, nil); err != nil {
				return err
			}
			continue
		}
		d := pb.SetDeferred(len(op.key), len(op.val))
		copy(d.Key, op.key)
		copy(d.Value, op.val)
		if err := d.Finish(); err != nil {
			return err
		}
	}
	return nil
}

// reset forgets the staged ops, keeping the chunks for the next commit.
// Slices returned by set are invalid afterwards.
func (b *sortedBatch) reset() {
	clear(b.ops) // drop the slices, not the backing array
	b.ops = b.ops[:0]
	for _, c := range b.chunks {
		if cap(c) == stageChunk && len(b.spare) < maxRetainedBatch/stageChunk {
			b.spare = append(b.spare, c[:0])
		}
	}
	clear(b.chunks)
	b.chunks = b.chunks[:0]
}
