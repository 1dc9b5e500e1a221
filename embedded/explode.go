package embedded

import (
	"context"
	"sync"
	"time"

	"github.com/tracegraph/tracegraph"
)

// Explode implements tracegraph.Graph: the units and components a container
// (or unit) holds at asOf, in breadth-first order (level by level, each level
// in packing and installation order), each at its fewest hops from it.
//
// It is the walk rules' upstream walk along CONTAINS (tracegraph.Walk over
// the expander, as Trace runs it) specialised: it reads the CONTAINS
// adjacency directly and keeps only what the answer needs. Every answer
// carries precision EXACT, so a node reached again is never expanded again
// (the walk rules expand such a node again only for a better precision, and
// that reaches no node not reached already); the nodes reached are marked in
// a bitset of the topology's nodes, cleared through the list of nodes
// reached. TestExplodeMatchesWalk keeps the two alike.
func (s *Store) Explode(ctx context.Context, id tracegraph.ID, asOf time.Time) (tracegraph.ExplodeResult, error) {
	var out tracegraph.ExplodeResult
	err := s.explodeFrom(id, func(t *topo, start uint32) error {
		w := getContainmentWalk(t.nodeCount())
		defer putContainmentWalk(w)
		if err := w.walk(ctx, t, start, tracegraph.AsOfOrNow(asOf).UnixNano()); err != nil {
			return err
		}
		out = w.answer(t)
		return nil
	})
	return out, err
}

// explodeFrom resolves id (its errors those of every read by id) and runs
// explode from its node, s.mu held for reading.
func (s *Store) explodeFrom(id tracegraph.ID, explode func(t *topo, start uint32) error) error {
	if err := checkID(id); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	starts, err := s.t.startIndexes("id", []tracegraph.ID{id})
	if err != nil {
		return err
	}
	return explode(s.t, starts[0])
}

// answer lists the units and components reached: 8 bytes each, their IDs
// named by index in the topology's own interned IDs (which only ever grow
// by appending, so the answer stays right after the lock is let go), their
// labels and statuses by the topology's codes.
func (w *containmentWalk) answer(t *topo) tracegraph.ExplodeResult {
	out := tracegraph.NewExplodeResult(t.names, t.nameAt, tracegraph.Labels, statusNames[:], len(w.hits))
	label, status, flags := t.label, t.status, t.flags
	d, k := 1, 0
	for _, end := range w.hitEnds {
		for ; k < end; k++ {
			i := w.hits[k]
			out.AddRow(i, label[i], status[i], d, flags[i]&flHeld != 0)
		}
		d++
	}
	return out
}

// containmentWalk is the scratch of one explode, pooled: the nodes reached
// and, among them, the units and components the answer lists.
type containmentWalk struct {
	seen    []uint64 // one bit per node of the topology
	queue   []uint32 // nodes reached, in order, the start first
	hits    []uint32 // the units and components among them, in order
	hitEnds []int    // hitEnds[d-1]: the end in hits of depth d
}

var containmentWalks sync.Pool

func getContainmentWalk(nodes int) *containmentWalk {
	w, _ := containmentWalks.Get().(*containmentWalk)
	if w == nil {
		w = &containmentWalk{}
	}
	if words := (nodes + 63) / 64; len(w.seen) < words {
		w.seen = make([]uint64, words+words/4+16)
	}
	return w
}

// putContainmentWalk clears the bits the walk set and pools it.
func putContainmentWalk(w *containmentWalk) {
	for _, v := range w.queue {
		w.seen[v>>6] = 0
	}
	w.queue, w.hits, w.hitEnds = w.queue[:0], w.hits[:0], w.hitEnds[:0]
	containmentWalks.Put(w)
}

// The labels an explode lists.
var explodedLabels = [2]uint8{uint8(tracegraph.LabelUnit.Code()), uint8(tracegraph.LabelComponent.Code())}

// walk reaches, level by level up to tracegraph.MaxTraceDepth hops, the live
// nodes that CONTAINS edges holding at at (Unix nanoseconds) lead to from
// start, each node's edges in creation order (the CSR's, then the
// overflow's). The CSR's edges are read through t.chot, side by side, their
// validFroms only when at is before the latest of them.
func (w *containmentWalk) walk(ctx context.Context, t *topo, start uint32, at int64) error {
	seen, queue, hits := w.seen, append(w.queue, start), w.hits
	seen[start>>6] |= 1 << (start & 63)
	off, list, overflow := t.cout.off, t.cout.list, t.cout.nExt > 0
	dst, meta, fromAll := t.chot.dst, t.chot.meta, at >= t.chot.maxFrom
	emeta, er, flags, label := t.emeta, t.er, t.flags, t.label
	visit := func(v uint32) {
		if flags[v]&flVoided != 0 || seen[v>>6]&(1<<(v&63)) != 0 {
			return
		}
		seen[v>>6] |= 1 << (v & 63)
		queue = append(queue, v)
		if l := label[v]; l == explodedLabels[0] || l == explodedLabels[1] {
			hits = append(hits, v)
		}
	}
	// holds reports whether edge e, of meta m, holds at at (its validFrom
	// read only when from is not known to hold).
	holds := func(e uint32, m uint8, from bool) bool {
		if m&emVoided != 0 || !from && er[e].from > at {
			return false
		}
		if m&emClosed != 0 {
			if to := t.eclose[e].to; to != 0 && to <= at {
				return false
			}
		}
		return true
	}
	var err error
	for d, lo := 1, 0; d <= tracegraph.MaxTraceDepth && lo < len(queue) && err == nil; d++ {
		if err = ctx.Err(); err != nil {
			break
		}
		hi := len(queue)
		for k := lo; k < hi; k++ {
			if k&4095 == 4095 {
				if err = ctx.Err(); err != nil {
					break
				}
			}
			v := queue[k]
			if int(v)+1 < len(off) {
				for j := off[v]; j < off[v+1]; j++ {
					if m := meta[j]; m&(emVoided|emClosed) == 0 && fromAll || holds(list[j], m, fromAll) {
						visit(dst[j])
					}
				}
			}
			if overflow {
				for _, e := range t.cout.extra[v] {
					if holds(e, emeta[e], false) {
						visit(er[e].dst)
					}
				}
			}
		}
		w.hitEnds = append(w.hitEnds, len(hits))
		lo = hi
	}
	w.queue, w.hits = queue, hits // the bits set are cleared through queue
	return err
}
