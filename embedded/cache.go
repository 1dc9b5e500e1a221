package embedded

import (
	"sync"

	"github.com/tracegraph/tracegraph"
)

// nodeCache keeps recently used nodes decoded, so the rules and the readers
// do not read and decode the same records again and again. The writer
// updates it when it publishes a commit; readers fill it only when no commit
// was published since they began reading (gen), so it never holds a node
// older than the store.
type nodeCache struct {
	mu    sync.Mutex
	max   int
	gen   uint64
	nodes map[tracegraph.ID]*tracegraph.Node
	// recs, when not nil, keeps the records of many more nodes than nodes,
	// by position (pos gives a node's, under the store's lock): see
	// recCache.
	recs *recCache
	pos  func(tracegraph.ID) (uint32, bool)
}

func newNodeCache(max int) *nodeCache {
	return &nodeCache{max: max, nodes: make(map[tracegraph.ID]*tracegraph.Node)}
}

// keepRecords gives c a record cache of about budget bytes (none when
// budget is below a chunk); pos gives a node's position and is called only
// where the store's lock is held (publish).
func (c *nodeCache) keepRecords(budget int64, pos func(tracegraph.ID) (uint32, bool)) {
	c.recs, c.pos = newRecCache(budget), pos
}

// get returns the cached node (a copy unless shared: shared nodes must not
// be changed), and the generation to pass to put after reading it from disk
// when it is not cached. Cached nodes are never changed in place: publish
// replaces them.
func (c *nodeCache) get(id tracegraph.ID, shared bool) (*tracegraph.Node, uint64) {
	c.mu.Lock()
	n, g := c.nodes[id], c.gen
	c.mu.Unlock()
	if shared {
		return n, g
	}
	return n.Clone(), g
}

// put caches n (which the cache now owns) unless a commit was published
// since generation g.
func (c *nodeCache) put(n *tracegraph.Node, g uint64) {
	if c.max <= 0 {
		return
	}
	c.mu.Lock()
	if c.gen == g {
		c.insert(n)
	}
	c.mu.Unlock()
}

func (c *nodeCache) insert(n *tracegraph.Node) {
	if len(c.nodes) >= c.max {
		drop := len(c.nodes) / 8
		for id := range c.nodes {
			delete(c.nodes, id)
			if drop--; drop <= 0 {
				break
			}
		}
	}
	c.nodes[n.ID] = n
}

// publish applies a commit's node changes: the nodes written, when they
// carry no hold, and drops of nodes whose holds or existence changed.
//
// A node written is cached as the mutation holds it, not copied: the
// projection hands a node over when it puts it and never changes it again
// (its Tx's overlay shares it too, tracegraph.Tx.ViewNode), and the cache
// never changes a node in place either; only its holds, which the cache
// does not keep, may need a copy without them.
func (c *nodeCache) publish(muts []tracegraph.Mutation, held func(tracegraph.ID) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for i := range muts {
		m := &muts[i]
		switch m.Op {
		case tracegraph.OpPutNode:
			c.dropRecord(m.Node.ID)
			if c.max > 0 && !held(m.Node.ID) {
				n := m.Node
				if n.Holds != nil {
					cp := *n
					cp.Holds = nil
					n = &cp
				}
				c.insert(n)
			} else {
				delete(c.nodes, m.Node.ID)
			}
		case tracegraph.OpVoidNode:
			c.dropRecord(m.ID)
			delete(c.nodes, m.ID)
		case tracegraph.OpAddHold, tracegraph.OpRemoveHold:
			delete(c.nodes, m.ID)
		}
	}
}

// dropRecord forgets the record of node id (holds are not in records).
func (c *nodeCache) dropRecord(id tracegraph.ID) {
	if c.recs == nil {
		return
	}
	if p, ok := c.pos(id); ok {
		c.recs.drop(p)
	}
}

// viewAll sets out[i] to the cached node of ids[i], shared (not to be
// changed), for every i that skip does not name, under one lock; it returns
// the generation to pass to put for the nodes read from disk instead.
func (c *nodeCache) viewAll(ids []tracegraph.ID, skip func(i int) bool, out []*tracegraph.Node) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, id := range ids {
		if !skip(i) {
			out[i] = c.nodes[id]
		}
	}
	return c.gen
}

// viewRecords sets recs[k] to the cached record of the node at position
// pos[miss[k]], or nil, under one lock. The records are shared and never
// change.
func (c *nodeCache) viewRecords(pos []uint32, miss []int, recs [][]byte) {
	if c.recs == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, i := range miss {
		recs[k] = c.recs.get(pos[i])
	}
}

// putRecords caches the records recs[k] of the nodes at positions pos[k]
// (copying them) unless a commit was published since generation g; unless
// evict, it stops when the cache is full rather than drop older records.
// It reports whether it cached them all.
func (c *nodeCache) putRecords(pos []uint32, recs [][]byte, g uint64, evict bool) bool {
	if c.recs == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != g {
		return false
	}
	for k, rec := range recs {
		if !evict && c.recs.full() && c.recs.wouldGrow(len(rec)) {
			return false
		}
		c.recs.put(pos[k], rec)
	}
	return true
}

// generation returns the generation to pass to put and putRecords for
// nodes read from disk from now on.
func (c *nodeCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}
