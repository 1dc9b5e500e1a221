package embedded

import (
	"context"
	"fmt"
	"time"

	"github.com/tracegraph/tracegraph"
)

// ExportTopology walks the topology held in memory and hands it to two
// callbacks: nodes once per live node, in index order, then edges once per edge
// between live nodes, in creation order. It is how another system (the
// PostgreSQL baseline of package pgbaseline) gets exactly the graph this store
// traverses, without reading properties from disk.
//
// index is the node's dense index in this store: it is what edges' src and
// dst refer to, unique and stable for the call, but with gaps where voided
// nodes were left out. status is the unit status ("" for other labels).
// validTo is the zero time for an edge still open; voided marks an edge whose
// creating event was voided (kept, as it is here, so that the receiver can
// filter it the way traversals do). Nodes created by a voided event are left
// out together with their edges: no traversal can reach them.
//
// The store's read lock is held for the whole walk, so writers wait until
// ExportTopology returns: the callbacks must not call the Store. The first
// error from a callback or from ctx stops the walk and is returned wrapped.
// Safe for concurrent use with readers.
func (s *Store) ExportTopology(ctx context.Context,
	nodes func(index uint32, id tracegraph.ID, label tracegraph.Label, status string) error,
	edges func(src, dst uint32, t tracegraph.EdgeType, p tracegraph.Precision, validFrom, validTo time.Time, voided bool) error,
) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.t
	n := t.nodeCount()
	at := t.inDiskOrder()
	for d := range uint32(n) { // in persisted order, by persisted index
		if d&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("export nodes: %w", err)
			}
		}
		i := d
		if at != nil {
			i = at[d]
		}
		if !t.live(i) {
			continue
		}
		if err := nodes(d, t.name(i), t.labelOf(i), statusNames[t.status[i]]); err != nil {
			return fmt.Errorf("export node %s: %w", t.name(i), err)
		}
	}
	for k := range len(t.eid) {
		e := uint32(k)
		if e&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("export edges: %w", err)
			}
		}
		src, dst := t.er[e].src, t.er[e].dst
		if !t.live(src) || !t.live(dst) {
			continue
		}
		meta := t.emeta[e]
		var to time.Time
		if meta&emClosed != 0 {
			to = time.Unix(0, t.eclose[e].to).UTC()
		}
		if err := edges(t.diskIndex(src), t.diskIndex(dst), t.edgeType(e), t.edgePrec(e), time.Unix(0, t.er[e].from).UTC(), to,
			meta&emVoided != 0); err != nil {
			return fmt.Errorf("export edge %d (%s -> %s): %w", t.eid[e], t.name(src), t.name(dst), err)
		}
	}
	return nil
}
