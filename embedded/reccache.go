package embedded

import (
	"encoding/binary"

	"github.com/cockroachdb/pebble/v2"
	"github.com/tracegraph/tracegraph"
)

const (
	// recOffBits is the bits of an offset in a chunk of the record cache:
	// a chunk is 1 MiB, the unit it allocates and evicts.
	recOffBits   = 20
	recChunkSize = 1 << recOffBits
	// recMaxChunks bounds the chunks (4 GiB): a locator holds the chunk's
	// slot + 1 in the bits above the offset.
	recMaxChunks = 1<<(32-recOffBits) - 1
	// recMaxRecord is the largest record cached: larger ones are rare and
	// would waste a chunk's tail.
	recMaxRecord = recChunkSize / 16
)

// recCache keeps node records as stored (the bytes of their pNode key), by
// node position, so that a node the decoded cache (nodeCache) misses is
// decoded from memory instead of read through Pebble's iterators. It holds
// no pointers but its chunks': the collector has nothing to mark in it, so
// it holds far more nodes than the decoded cache for the same cost, and 4
// bytes per node besides the records.
//
// Records are appended to chunks; when the budget is spent, the oldest
// chunk is dropped with every record in it (first in, first out: a node
// still asked for is read again and appended anew). A chunk's bytes are
// never written again once appended, so a record handed out stays valid
// after its chunk is dropped.
//
// It lives inside nodeCache and shares its lock and generation: it is
// filled and emptied by the same rules (nodeCache.put, publish).
type recCache struct {
	slots [][]byte   // chunks by slot, used in turn
	held  [][]uint32 // positions whose records each slot's chunk holds
	head  int        // slot of the oldest chunk
	n     int        // chunks in use
	// at[p] locates the record of the node at position p: its chunk's slot
	// + 1 above the offset; 0: none.
	at []uint32
}

// newRecCache returns a record cache of about budget bytes (nil when
// budget is below one chunk).
func newRecCache(budget int64) *recCache {
	if budget < recChunkSize {
		return nil
	}
	m := min(budget/recChunkSize, recMaxChunks)
	return &recCache{slots: make([][]byte, m), held: make([][]uint32, m)}
}

// get returns the record of the node at position p, or nil.
func (r *recCache) get(p uint32) []byte {
	if int(p) >= len(r.at) || r.at[p] == 0 {
		return nil
	}
	c := r.slots[r.at[p]>>recOffBits-1]
	off := int(r.at[p] & (recChunkSize - 1))
	n, k := binary.Uvarint(c[off:])
	return c[off+k : off+k+int(n)]
}

// full reports whether another chunk would drop the oldest.
func (r *recCache) full() bool { return r.n == len(r.slots) }

// wouldGrow reports whether a record of n bytes needs another chunk.
func (r *recCache) wouldGrow(n int) bool {
	return r.n == 0 || len(r.slots[(r.head+r.n-1)%len(r.slots)])+binary.MaxVarintLen32+n > recChunkSize
}

// put copies rec in as the record of the node at position p, dropping the
// oldest chunk when the budget is spent.
func (r *recCache) put(p uint32, rec []byte) {
	if len(rec) > recMaxRecord {
		r.drop(p)
		return
	}
	last := (r.head + r.n - 1) % len(r.slots)
	if r.wouldGrow(len(rec)) {
		if r.full() {
			r.dropOldest()
		}
		last = (r.head + r.n) % len(r.slots)
		r.n++
		r.slots[last] = make([]byte, 0, recChunkSize)
		r.held[last] = r.held[last][:0]
	}
	c := r.slots[last]
	off := len(c)
	c = binary.AppendUvarint(c, uint64(len(rec)))
	r.slots[last] = append(c, rec...)
	r.held[last] = append(r.held[last], p)
	if int(p) >= len(r.at) {
		r.at = append(r.at, make([]uint32, int(p)+1-len(r.at))...)
	}
	r.at[p] = uint32(last+1)<<recOffBits | uint32(off)
}

// dropOldest drops the oldest chunk and the records it holds.
func (r *recCache) dropOldest() {
	s := r.head
	for _, p := range r.held[s] {
		if int(r.at[p]>>recOffBits) == s+1 {
			r.at[p] = 0
		}
	}
	r.slots[s] = nil
	r.head = (r.head + 1) % len(r.slots)
	r.n--
}

// drop forgets the record of the node at position p.
func (r *recCache) drop(p uint32) {
	if int(p) < len(r.at) {
		r.at[p] = 0
	}
}

// warmRecords, when warm, fills the record cache with the records of the
// nodes not voided, in key order, until it is full. Open calls it before
// the writer starts, so nothing is published meanwhile.
func (s *Store) warmRecords(warm bool) error {
	if !warm || s.cache.recs == nil {
		return nil
	}
	gen := s.cache.generation()
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte{pNode}, UpperBound: []byte{pNode + 1}})
	if err != nil {
		return err
	}
	defer it.Close()
	const batch = 1024
	pos := make([]uint32, 0, batch)
	recs := make([][]byte, 0, batch)
	var buf []byte
	flush := func() bool {
		full := !s.cache.putRecords(pos, recs, gen, false)
		pos, recs, buf = pos[:0], recs[:0], buf[:0]
		return full
	}
	for it.First(); it.Valid(); it.Next() {
		p, ok := s.t.lookup(tracegraph.ID(it.Key()[1:]))
		if !ok || s.t.flags[p]&flVoided != 0 {
			continue
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return err
		}
		if cap(buf)-len(buf) < len(v) { // recs point into buf: never move it
			buf = make([]byte, 0, max(64<<10, len(v)))
		}
		start := len(buf)
		buf = append(buf, v...)
		pos, recs = append(pos, p), append(recs, buf[start:])
		if len(pos) == batch && flush() {
			return nil
		}
	}
	if len(pos) > 0 {
		flush()
	}
	return it.Error()
}
