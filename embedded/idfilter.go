package embedded

import (
	"hash/maphash"
	"math/bits"
)

// idFilter is a Bloom filter of the event ids a store holds, kept by a bulk
// load into a store that was empty when it opened: the rules look every
// event's id up (is it a duplicate?), and in a load nearly all are new,
// which the filter answers without reading Pebble. It answers "maybe" for
// every id added and for about 1 % of the others; only "no" is trusted.
// It grows by segments, each twice the size of the one before (10 bits and
// 7 probes per id each), so it needs no size up front: about 1.2 bytes per
// id in all (26 MB for the M factory's 21.5 M events). Not safe for
// concurrent use: the store guards it with s.mu.
type idFilter struct {
	seed maphash.Seed
	segs []idSeg
}

// idSeg is one segment of an idFilter, full at cap ids.
type idSeg struct {
	bits     []uint64
	n, cap   int
	maskBits uint64 // len(bits)*64 - 1 (a power of two)
}

const (
	idFilterFirstCap = 1 << 16
	idFilterProbes   = 7
)

func newIDFilter() *idFilter {
	return &idFilter{seed: maphash.MakeSeed()}
}

// add records id.
func (f *idFilter) add(id string) {
	if len(f.segs) == 0 || f.segs[len(f.segs)-1].n >= f.segs[len(f.segs)-1].cap {
		c := idFilterFirstCap
		if len(f.segs) > 0 {
			c = 2 * f.segs[len(f.segs)-1].cap
		}
		// 10 bits an id, rounded up to a power of two.
		nbits := uint64(1) << bits.Len64(uint64(c)*10-1)
		f.segs = append(f.segs, idSeg{bits: make([]uint64, nbits/64), cap: c, maskBits: nbits - 1})
	}
	s := &f.segs[len(f.segs)-1]
	h1, h2 := f.hash(id)
	for i := uint64(0); i < idFilterProbes; i++ {
		b := (h1 + i*h2) & s.maskBits
		s.bits[b/64] |= 1 << (b % 64)
	}
	s.n++
}

// mayHave reports whether id may have been added: false only if it was not.
func (f *idFilter) mayHave(id string) bool {
	h1, h2 := f.hash(id)
	for j := range f.segs {
		s := &f.segs[j]
		in := true
		for i := uint64(0); i < idFilterProbes; i++ {
			b := (h1 + i*h2) & s.maskBits
			if s.bits[b/64]&(1<<(b%64)) == 0 {
				in = false
				break
			}
		}
		if in {
			return true
		}
	}
	return false
}

// hash gives the two hashes of id the probes combine (double hashing); the
// second is odd, so that the probes of a segment differ.
func (f *idFilter) hash(id string) (uint64, uint64) {
	h := maphash.String(f.seed, id)
	return h, bits.RotateLeft64(h, 32) | 1
}

// mayHaveEvent reports whether the store may hold an event with this id:
// false only when a bulk load's filter knows it does not.
func (s *Store) mayHaveEvent(id string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ids == nil || s.ids.mayHave(id)
}
