package embedded

import (
	"context"

	"github.com/tracegraph/tracegraph"
)

// wideExpander is a recall walk's expander that reads each part of the
// frontier it is given on several goroutines: the adjacency, the edge
// records and the filter's checks are the walk's cost at scale (random
// reads over the topology), and they only read the store. The hops come
// back in the order one goroutine gives (each goroutine's piece of the
// frontier in turn), so the walk, and its answer, are the same.
type wideExpander struct {
	*expander
	workers int
	least   int                // the fewest frontier nodes a goroutine is given (0: minPiece)
	edges   int                // the fewest edges, when few nodes' are split (0: minEdges)
	more    [][]tracegraph.Hop // hops of the pieces after the first, reused
	errs    []error
	cum     []int // scratch of degrees
	// notes, when set, note holders in a rollup's slots and prune hops
	// that change no mark (see expandNotes), one per piece.
	notes []expandNotes
}

// minPiece is the fewest frontier nodes a goroutine of wideExpander is
// given: fewer cost more to hand over than to read (a node's edges are a
// few cache misses, a goroutine handed a piece about a microsecond).
const minPiece = 64

// Expand implements tracegraph.Expander.
func (w *wideExpander) Expand(ctx context.Context, frontier []uint32, up bool, hops []tracegraph.Hop) ([]tracegraph.Hop, error) {
	least := w.least
	if least <= 0 {
		least = minPiece
	}
	n := tracegraph.Parts(len(frontier), w.workers, least)
	if n == 1 {
		if w.workers > 1 {
			if cum := w.degrees(frontier, up); cum[len(frontier)] >= 2*w.minEdges() {
				return w.expandEdges(ctx, frontier, up, hops, cum)
			}
		}
		return w.expander.expand(ctx, frontier, up, hops, w.piece(0))
	}
	for len(w.more) < n {
		w.more, w.errs = append(w.more, nil), append(w.errs, nil)
	}
	tracegraph.InParallel(len(frontier), n, func(piece, lo, hi int) {
		if piece == 0 {
			hops, w.errs[0] = w.expander.expand(ctx, frontier[lo:hi], up, hops, w.piece(0))
			return
		}
		w.more[piece], w.errs[piece] = w.expander.expand(ctx, frontier[lo:hi], up, w.more[piece][:0], w.piece(piece))
	})
	for piece := range n {
		if err := w.errs[piece]; err != nil {
			return nil, err
		}
		if piece == 0 {
			continue
		}
		lo := uint32(len(frontier) * piece / n) // Hop.From is a position in frontier
		for _, h := range w.more[piece] {
			h.From += lo
			hops = append(hops, h)
		}
	}
	return hops, nil
}

// minEdges is the fewest edges a goroutine of wideExpander is given when
// it splits a few nodes' edges among them.
const minEdges = 1024

func (w *wideExpander) minEdges() int {
	if w.edges > 0 {
		return w.edges
	}
	return minEdges
}

// degrees returns where each frontier node's edges start among all of
// theirs, and their total (at len(frontier)), in w's scratch.
func (w *wideExpander) degrees(frontier []uint32, up bool) []int {
	adj := w.in
	if up {
		adj = w.out
	}
	w.cum = append(w.cum[:0], 0)
	for _, n := range frontier {
		w.cum = append(w.cum, w.cum[len(w.cum)-1]+adj.degree(n))
	}
	return w.cum
}

// expandEdges is Expand for a frontier of few nodes with many edges (the
// suspect lots, each consumed by a thousand boards): their edges, in
// order, split among the goroutines, a node's among several if need be.
// A node split is not noted (the rollup reads its holders).
func (w *wideExpander) expandEdges(ctx context.Context, frontier []uint32, up bool, hops []tracegraph.Hop, cum []int) ([]tracegraph.Hop, error) {
	total := cum[len(frontier)]
	n := tracegraph.Parts(total, w.workers, w.minEdges())
	for len(w.more) < n {
		w.more, w.errs = append(w.more, nil), append(w.errs, nil)
	}
	first := hops
	tracegraph.InParallel(total, n, func(piece, lo, hi int) {
		out := first
		if piece > 0 {
			out = w.more[piece][:0]
		}
		for k, v := range frontier {
			a, b := max(lo, cum[k]), min(hi, cum[k+1])
			if a >= b {
				continue
			}
			whole := a == cum[k] && b == cum[k+1]
			out = w.expander.expandNode(v, uint32(k), up, a-cum[k], b-cum[k], whole, out, w.piece(piece))
		}
		if piece == 0 {
			hops = out
		} else {
			w.more[piece] = out
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for piece := 1; piece < n; piece++ {
		hops = append(hops, w.more[piece]...) // Hop.From is already a position in frontier
	}
	return hops, nil
}

// piece returns the notes of piece k of the frontier (nil without notes).
func (w *wideExpander) piece(k int) *expandNotes {
	if w.notes == nil {
		return nil
	}
	return &w.notes[k]
}

// noteIn makes w note holders in slots and prune against the walk's marks
// m (see expandNotes), unless the store is too large for notes.
func (w *wideExpander) noteIn(slots, m *tracegraph.Marks) {
	if w.t.nodeCount() > tracegraph.MaxNotedNode || slots.Cap() < w.t.nodeCount() {
		return
	}
	w.notes = make([]expandNotes, max(w.workers, 1))
	for k := range w.notes {
		w.notes[k] = expandNotes{slots: slots, marks: m}
	}
}

// expandNotes is what one goroutine of a recall walk does besides finding
// hops (expander.expand):
//
//   - It notes in the rollup's slots (tracegraph.HeldNote), for each
//     frontier node, what holds it at the question's moment, read from
//     the in-edges the walk reads anyway (the walk's filter counts the
//     CONTAINS edges into a node exactly as Holders does), so that the
//     rollup does not read every unit's holders again. The nodes noted are
//     among those the walk reached: the slots are cleared over its order
//     (impact.releaseSlots).
//   - It leaves out the hops that cannot change the walk's marks: to a node
//     already reached by a path at least as precise as the hop's edge (its
//     path's precision is at most the edge's). The walk's marks change only
//     between calls to Expand (the walk waits for its goroutines), so
//     reading them here is safe, and the walk reaches, marks and orders
//     the same nodes; it lists no edges.
type expandNotes struct{ slots, marks *tracegraph.Marks }

// heldBy counts the units and containers holding a frontier node along
// the edges the walk reads into it.
type heldBy struct {
	units, containers int
	unit, container   uint32
}

// see counts edge e into a frontier node from v, if it is a CONTAINS edge.
func (h *heldBy) see(t *topo, e, v uint32, container bool) {
	if t.emeta[e]&emTypeMask != containsCode {
		return
	}
	switch {
	case t.label[v] == unitCode:
		h.units, h.unit = h.units+1, v
	case container:
		h.containers, h.container = h.containers+1, v
	}
}

// note notes what holds frontier node n.
func (o *expandNotes) note(t *topo, n uint32, h *heldBy) {
	isUnit := h.units == 0 && h.containers == 0 && t.label[n] == unitCode // read only when it matters
	var contLabel tracegraph.Label
	if h.containers == 1 {
		contLabel = t.labelOf(h.container)
	}
	if w, ok := tracegraph.HeldNote(isUnit, h.units, h.unit, h.containers, h.container, contLabel); ok {
		o.slots.Note(n, w)
	}
}

// prune reports whether a hop to v along an edge of precision p cannot
// change the walk's marks.
func (o *expandNotes) prune(v uint32, p tracegraph.Precision) bool {
	return o.marks.Reached(v, p)
}

// wideHops is the hop budget of a wide recall walk in a store of n nodes:
// parts of the frontier large enough to be split among the goroutines
// (a level's hops at M are millions; a part under 2*minPiece nodes is read
// on one), about 1/2 byte per store node with their growth, never fewer
// than a streamed walk's walkHops.
func wideHops(n int) int { return min(max(n/64, walkHops), 64*walkHops) }
