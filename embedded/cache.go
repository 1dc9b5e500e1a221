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
}

func newNodeCache(max int) *nodeCache {
	return &nodeCache{max: max, nodes: make(map[tracegraph.ID]*tracegraph.Node)}
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

// publish applies a commit's node changes: fresh copies of nodes written
// without holds, and drops of nodes whose holds or existence changed.
func (c *nodeCache) publish(muts []tracegraph.Mutation, held func(tracegraph.ID) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for i := range muts {
		m := &muts[i]
		switch m.Op {
		case tracegraph.OpPutNode:
			if c.max > 0 && !held(m.Node.ID) {
				n := m.Node.Clone()
				n.Holds = nil
				c.insert(n)
			} else {
				delete(c.nodes, m.Node.ID)
			}
		case tracegraph.OpVoidNode, tracegraph.OpAddHold, tracegraph.OpRemoveHold:
			delete(c.nodes, m.ID)
		}
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
