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
// It reads the in-memory flags of all ids under one lock, takes the nodes
// the cache holds, and reads the others in key order through one Pebble
// iterator with prefix seeks (which use the bloom filters as Get does). The
// cache is looked up under one lock, and its generation taken then, before
// the iterator is made, so that a node read from a state older than a
// commit published since is not cached (nodeCache.put).
func (s *Store) viewNodes(ctx context.Context, ids []tracegraph.ID) ([]*tracegraph.Node, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]*tracegraph.Node, len(ids))
	fls := make([]uint8, len(ids))
	s.mu.RLock()
	for i, id := range ids {
		if j, ok := s.t.lookup(id); ok {
			fls[i] = s.t.flags[j]
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
		n, voided, err := decodeNode(id, v) // copies v
		if err != nil {
			return nil, err
		}
		if voided {
			continue
		}
		if fls[i]&flHeld != 0 {
			if n.Holds, err = s.holdsOf(id); err != nil {
				return nil, err
			}
		}
		s.cache.put(n, gen)
		out[i] = n
	}
	return out, nil
}
