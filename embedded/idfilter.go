package embedded

import (
	"hash/maphash"
	"math/bits"

	"github.com/cockroachdb/pebble/v2"
)

// idFilter is a Bloom filter of the event ids a store holds: the rules look
// every event's id up (is it a duplicate?), and in a load or an ingest
// nearly all are new, which the filter answers without reading Pebble.
// A store that opens empty starts with an empty filter; one that holds
// events fills it from its id index in the background (fillIDFilter) and
// reads Pebble for every id until that is done. It answers "maybe" for
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
// false only when the filter, once full, knows it does not.
func (s *Store) mayHaveEvent(id string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return !s.idsFull || s.ids.mayHave(id)
}

// newIDFilterFor gives the store its filter of event ids; Open calls it.
// An empty store's filter is full from the start; one holding events is
// filled by startIDFill once the store is first written to.
func (s *Store) newIDFilterFor() {
	s.ids = newIDFilter()
	s.idsFull = s.headSeq == 0
}

// startIDFill starts the fill of a filter that is not full: an iterator
// over the id index, opened now, fills it in the background while commits
// add their own ids; the filter is trusted once the iterator has added
// every id it holds. The writer calls it when its first request arrives,
// before anything is committed, so the iterator sees exactly the ids
// committed before: a store only read (a query, verify, export) never pays
// for the fill. If the iterator cannot be opened the filter is never
// trusted. Close stops the fill.
func (s *Store) startIDFill() {
	if s.idsFull {
		return
	}
	p := []byte{pEventID}
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: p, UpperBound: prefixEnd(p)})
	if err != nil {
		return
	}
	s.idStop, s.idFill = make(chan struct{}), make(chan struct{})
	go s.fillIDFilter(it, s.idStop)
}

// idFillChunk is the ids the fill adds per hold of s.mu.
const idFillChunk = 4096

// fillIDFilter adds every id under it to s.ids, in chunks, then marks the
// filter full. Stopped (by stopIDFilter) or failed, the filter is never
// trusted and the duplicate check reads Pebble as without it.
func (s *Store) fillIDFilter(it *pebble.Iterator, stop <-chan struct{}) {
	defer close(s.idFill)
	ids := make([]string, 0, idFillChunk)
	add := func() {
		s.mu.Lock()
		for _, id := range ids {
			s.ids.add(id)
		}
		s.mu.Unlock()
		ids = ids[:0]
	}
	for it.First(); it.Valid(); it.Next() {
		ids = append(ids, string(it.Key()[1:]))
		if len(ids) == idFillChunk {
			add()
			select {
			case <-stop:
				it.Close()
				return
			default:
			}
		}
	}
	add()
	if err := it.Close(); err != nil {
		return
	}
	s.mu.Lock()
	s.idsFull = true
	s.mu.Unlock()
}

// stopIDFilter stops the filter's fill, if one was started, and waits for
// it. Close calls it once the writer has ended.
func (s *Store) stopIDFilter() {
	if s.idStop != nil {
		close(s.idStop)
		<-s.idFill
	}
}
