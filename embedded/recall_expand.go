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
	more    [][]tracegraph.Hop // hops of the pieces after the first, reused
	errs    []error
}

// minPiece is the fewest frontier nodes a goroutine of wideExpander is
// given: fewer cost more to hand over than to read.
const minPiece = 256

// Expand implements tracegraph.Expander.
func (w *wideExpander) Expand(ctx context.Context, frontier []uint32, up bool, hops []tracegraph.Hop) ([]tracegraph.Hop, error) {
	least := w.least
	if least <= 0 {
		least = minPiece
	}
	n := tracegraph.Parts(len(frontier), w.workers, least)
	if n == 1 {
		return w.expander.Expand(ctx, frontier, up, hops)
	}
	for len(w.more) < n {
		w.more, w.errs = append(w.more, nil), append(w.errs, nil)
	}
	tracegraph.InParallel(len(frontier), n, func(piece, lo, hi int) {
		if piece == 0 {
			hops, w.errs[0] = w.expander.Expand(ctx, frontier[lo:hi], up, hops)
			return
		}
		w.more[piece], w.errs[piece] = w.expander.Expand(ctx, frontier[lo:hi], up, w.more[piece][:0])
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

// wideHops is the hop budget of a wide recall walk in a store of n nodes:
// pieces large enough to be worth a goroutine each (a level's hops at M are
// millions), about 1/8 byte per store node with their growth, never fewer than a
// streamed walk's walkHops.
func wideHops(n int) int { return min(max(n/256, walkHops), 16*walkHops) }
