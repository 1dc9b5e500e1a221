package embedded

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cockroachdb/pebble/v2"
	"github.com/tracegraph/tracegraph"
)

// minIterReads is how many nodes missing from the cache viewNodes reads
// through one iterator rather than by one Get each: a Get builds the
// iterators of every level it looks in, an iterator seeking keys in order
// builds them once and reuses the blocks it has loaded.
const minIterReads = 4

// viewNodes is viewNode for several ids, in order (nil for those that do
// not exist or are voided); the nodes may be shared with the cache.
//
// It reads the in-memory flags and positions of all ids under one lock,
// takes the nodes the decoded cache holds, decodes those whose records the
// record cache holds, and reads the others in key order through one Pebble
// iterator with prefix seeks (which use the bloom filters as Get does). The
// caches are looked up under one lock each, and the generation taken
// before, so that a node read from a state older than a commit published
// since is not cached (nodeCache.put).
func (s *Store) viewNodes(ctx context.Context, ids []tracegraph.ID) ([]*tracegraph.Node, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]*tracegraph.Node, len(ids))
	fls := make([]uint8, len(ids))
	pos := make([]uint32, len(ids))
	s.mu.RLock()
	for i, id := range ids {
		if j, ok := s.t.lookup(id); ok {
			fls[i], pos[i] = s.t.flags[j], j
		} else {
			fls[i] = flVoided // unknown: nil, as voided
		}
	}
	s.mu.RUnlock()
	gone := func(i int) bool { return fls[i]&flVoided != 0 }
	gen := s.cache.viewAll(ids, gone, out)
	var miss []int
	for i := range ids {
		if out[i] == nil && !gone(i) {
			miss = append(miss, i)
		}
	}
	if len(miss) == 0 {
		return out, nil
	}
	miss, err := s.decodeCached(ids, fls, pos, miss, out, gen)
	if err != nil {
		return nil, err
	}
	if len(miss) < minIterReads {
		for _, i := range miss {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			n, err := s.readNode(ids[i], fls[i], true)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	}
	slices.SortFunc(miss, func(a, b int) int { return strings.Compare(string(ids[a]), string(ids[b])) })
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: []byte{pNode}, UpperBound: []byte{pNode + 1}})
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var k []byte
	var rp []uint32 // positions of the records read, for the record cache
	var ends []int  // where each ends in buf
	var buf []byte
	for c, i := range miss {
		if c&63 == 63 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		id := ids[i]
		k = appendStrKey(k[:0], pNode, string(id))
		if !it.SeekPrefixGE(k) || !bytes.Equal(it.Key(), k) {
			if err := it.Error(); err != nil {
				return nil, fmt.Errorf("read node %s: %w", id, err)
			}
			continue // no record: nil, as readNode
		}
		v, err := it.ValueAndErr()
		if err != nil {
			return nil, fmt.Errorf("read node %s: %w", id, err)
		}
		n, err := s.nodeOf(id, fls[i], v) // copies v
		if err != nil {
			return nil, err
		}
		if n == nil {
			continue
		}
		if s.cache.recs != nil {
			buf = append(buf, v...) // v is the iterator's until it moves
			rp, ends = append(rp, pos[i]), append(ends, len(buf))
		}
		s.cache.put(n, gen)
		out[i] = n
	}
	if len(rp) > 0 {
		recs, start := make([][]byte, len(rp)), 0
		for k, e := range ends {
			recs[k], start = buf[start:e], e
		}
		s.cache.putRecords(rp, recs, gen, true)
	}
	return out, nil
}

// decodeCached sets out[i] for the ids[i] of miss whose records the record
// cache holds, caching the nodes decoded (from generation gen); it returns
// the others.
func (s *Store) decodeCached(ids []tracegraph.ID, fls []uint8, pos []uint32, miss []int, out []*tracegraph.Node, gen uint64) ([]int, error) {
	if s.cache.recs == nil {
		return miss, nil
	}
	recs := make([][]byte, len(miss))
	s.cache.viewRecords(pos, miss, recs)
	left := miss[:0]
	for k, i := range miss {
		if recs[k] == nil {
			left = append(left, i)
			continue
		}
		n, err := s.nodeOf(ids[i], fls[i], recs[k])
		if err != nil {
			return nil, err
		}
		if n != nil {
			s.cache.put(n, gen)
		}
		out[i] = n
	}
	return left, nil
}

// nodeOf decodes the record rec of node id, whose in-memory flags are fl,
// and reads its holds when it is held (nil when the record says voided).
func (s *Store) nodeOf(id tracegraph.ID, fl uint8, rec []byte) (*tracegraph.Node, error) {
	n, voided, err := decodeNode(id, rec)
	if err != nil || voided {
		return nil, err
	}
	if fl&flHeld != 0 {
		if n.Holds, err = s.holdsOf(id); err != nil {
			return nil, err
		}
	}
	return n, nil
}
