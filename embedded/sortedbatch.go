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
// two writes to one key the later stays later), into b.order: a radix sort
// of the keys' first 16 bytes, least significant byte first (stable, so
// ops whose keys share those bytes stay in staging order), then each run of
// ops whose keys share them sorted by the whole key, stably. A comparison
// sort of the same keys (sortOpsByComparison, kept in the tests as the
// reference) was a tenth of the commit's time.
func (b *sortedBatch) sortOps() {
	n := len(b.ops)
	b.order = b.order[:0]
	for i := range b.ops {
		b.order = append(b.order, newOpKey(b.ops[i].key, i))
	}
	if n < 2 {
		return
	}
	// counts[d][v]: the ops whose digit d (byte d of lo, then of hi, from
	// the least significant) is v.
	var counts [16][256]uint32
	for _, o := range b.order {
		for d := range 8 {
			counts[d][byte(o.lo>>(8*d))]++
			counts[8+d][byte(o.hi>>(8*d))]++
		}
	}
	b.spareOrder = slices.Grow(b.spareOrder[:0], n)[:n]
	src, dst := b.order, b.spareOrder
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
	b.order, b.spareOrder = src, dst
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
