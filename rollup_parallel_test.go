package tracegraph

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

// holdings is a Containment held as lists: the CONTAINS edges into each
// node, the customers of each shipment, the work order of each unit.
type holdings struct {
	into  map[uint32][]Holding
	custs map[uint32][]uint32
	wo    map[uint32]uint32
}

func (h *holdings) Holders(i uint32, out []Holding) []Holding { return append(out, h.into[i]...) }
func (h *holdings) Customers(i uint32, out []uint32) []uint32 {
	return append(out, h.custs[i]...)
}
func (h *holdings) WorkOrder(i uint32) (uint32, bool) { wo, ok := h.wo[i]; return wo, ok }

// randomFactory builds a containment of units: boards built into products
// (some moved to another product), products packed into boxes (some
// repacked), boxes on pallets, pallets in shipments to customers. It returns
// the boards and products, the units a recall reaches.
func randomFactory(rng *rand.Rand, products int) (*holdings, []uint32) {
	h := &holdings{into: map[uint32][]Holding{}, custs: map[uint32][]uint32{}, wo: map[uint32]uint32{}}
	next := uint32(0)
	node := func() uint32 { next++; return next }
	span := func() Span {
		from := int64(rng.IntN(100))
		if rng.IntN(5) == 0 {
			return Span{from, from + 1 + int64(rng.IntN(100))} // closed: moved or repacked
		}
		return SpanOf(from, 0)
	}
	hold := func(x, holder uint32, l Label) {
		h.into[x] = append(h.into[x], Holding{Holder: holder, Label: l, Span: span()})
	}
	var customers, shipments, pallets, boxes, orders []uint32
	for range 3 {
		customers = append(customers, node())
	}
	for range 4 {
		s := node()
		shipments = append(shipments, s)
		h.custs[s] = []uint32{customers[rng.IntN(3)], customers[rng.IntN(3)]}
	}
	for range 12 {
		p := node()
		pallets = append(pallets, p)
		hold(p, shipments[rng.IntN(len(shipments))], LabelShipment)
	}
	for range 60 {
		b := node()
		boxes = append(boxes, b)
		hold(b, pallets[rng.IntN(len(pallets))], LabelPallet)
	}
	for range 7 {
		orders = append(orders, node())
	}
	var units, made []uint32
	for range products {
		p := node()
		made = append(made, p)
		units = append(units, p)
		h.wo[p] = orders[rng.IntN(len(orders))]
		for range 1 + rng.IntN(2) {
			hold(p, boxes[rng.IntN(len(boxes))], LabelBox)
		}
		board := node()
		units = append(units, board)
		hold(board, p, LabelUnit)
		if rng.IntN(10) == 0 && len(made) > 1 {
			hold(board, made[rng.IntN(len(made)-1)], LabelUnit)
		}
		for range rng.IntN(3) { // modules on the board: products two holders up
			module := node()
			units = append(units, module)
			hold(module, board, LabelUnit)
		}
	}
	rng.Shuffle(len(units), func(a, b int) { units[a], units[b] = units[b], units[a] })
	return h, units
}

// rollupFactory is randomFactory's containment of 3,000 products from
// seed (a, b), its units and whether each is confirmed (six in seven).
func rollupFactory(a, b uint64) (*holdings, []uint32, []bool) {
	rng := rand.New(rand.NewPCG(a, b))
	g, units := randomFactory(rng, 3000)
	confirmed := make([]bool, len(units))
	for k := range confirmed {
		confirmed[k] = rng.IntN(7) != 0
	}
	return g, units, confirmed
}

// unitByUnit is the rollup of units over g as Add counts them one by one,
// without the planners' memo of products: what the others must match.
func unitByUnit(g Containment, f *EdgeFilter, units []uint32, confirmed []bool) *Rollup {
	r := NewRollup(g, f, nil)
	r.p.memo = nil
	for k, i := range units {
		r.Add(i, confirmed[k])
	}
	r.Finish()
	return r
}

// TestRollupWorkersCountAlike checks that rollups whose units and products
// are resolved on several goroutines (AddUnits, Finish with Workers) count
// exactly as one goroutine adding unit by unit without the planners' memo
// of products: the same entries in the same order with the same tallies,
// at a moment and over history.
func TestRollupWorkersCountAlike(t *testing.T) {
	g, units, confirmed := rollupFactory(3, 4)
	for _, f := range []EdgeFilter{{At: 50}, {At: 150}, {History: true}} {
		want := unitByUnit(g, &f, units, confirmed)
		for _, workers := range []int{1, 2, 3} {
			for _, round := range []int{0, 333} { // one round, or several
				got := NewRollup(g, &f, nil)
				got.Workers, got.Round = workers, round
				got.MinPart = 100 * workers // parts of several sizes
				got.AddUnits(units, confirmed)
				got.Finish()
				if !slices.Equal(got.Nodes, want.Nodes) || !slices.Equal(got.kinds, want.kinds) || !slices.Equal(got.Tallies, want.Tallies) {
					t.Fatalf("filter %+v, %d workers, rounds of %d: %d entries, want %d (or their order or tallies differ)", f, workers, round, len(got.Nodes), len(want.Nodes))
				}
			}
		}
		if len(want.Nodes) < 100 {
			t.Fatalf("filter %+v: only %d entries counted", f, len(want.Nodes))
		}
	}
}

// TestRollupEntryLabels checks that each entry's label (Label) is its
// node's: the label its holdings, work orders and shipments give it.
func TestRollupEntryLabels(t *testing.T) {
	g, units := randomFactory(rand.New(rand.NewPCG(5, 6)), 200)
	label := map[uint32]Label{}
	for _, u := range units {
		label[u] = LabelUnit
	}
	for _, hs := range g.into {
		for _, h := range hs {
			label[h.Holder] = h.Label
		}
	}
	for _, wo := range g.wo {
		label[wo] = LabelWorkOrder
	}
	for _, cs := range g.custs {
		for _, c := range cs {
			label[c] = LabelCustomer
		}
	}
	r := NewRollup(g, &EdgeFilter{At: 150}, nil)
	for _, i := range units {
		r.Add(i, true)
	}
	r.Finish()
	seen := map[Label]bool{}
	for k, i := range r.Nodes {
		if r.Label(k) != label[i] {
			t.Fatalf("entry %d (node %d) labelled %q, want %q", k, i, r.Label(k), label[i])
		}
		seen[label[i]] = true
	}
	if len(seen) != 6 {
		t.Fatalf("entries of %d labels, want 6: %v", len(seen), seen)
	}
}

// noteHolders notes in slots what holds each of units at filter f's
// moment, as a store's walk would (HeldNote), from g's holdings, and
// returns the units noted with one holder or none.
func noteHolders(g *holdings, f *EdgeFilter, units []uint32, slots *Marks) map[uint32]bool {
	single := map[uint32]bool{}
	span := f.QuerySpan()
	for _, x := range units {
		var units, containers int
		var unit, cont uint32
		var contLabel Label
		for _, h := range g.into[x] {
			if span.Intersect(h.Span).Empty() {
				continue
			}
			switch {
			case h.Label == LabelUnit:
				units, unit = units+1, h.Holder
			case h.Label.IsContainer():
				containers, cont, contLabel = containers+1, h.Holder, h.Label
			}
		}
		if w, ok := HeldNote(true, units, unit, containers, cont, contLabel); ok {
			slots.Set(x, w)
			single[x] = w&heldMask != heldMany
		}
	}
	return single
}

// TestRollupNotesCountAlike checks that rollups following the holders a
// store noted in their slots (Noted) count exactly as rollups reading
// every holder: the same entries in the same order with the same tallies,
// unit by unit and on several goroutines, in one round or several; and
// that they read the holders of no unit noted with one holder or none.
func TestRollupNotesCountAlike(t *testing.T) {
	g, units, confirmed := rollupFactory(7, 8)
	for _, f := range []EdgeFilter{{At: 50}, {At: 150}} {
		want := unitByUnit(g, &f, units, confirmed)
		for _, workers := range []int{1, 2, 3} {
			for _, round := range []int{0, 333} {
				counted := &countingHolders{holdings: g}
				got := NewRollup(counted, &f, NewMarks(0))
				counted.single = noteHolders(g, &f, units, got.Slots())
				got.Workers, got.Round, got.MinPart, got.Noted = workers, round, 100*workers, true
				if workers == 1 {
					for k, i := range units {
						got.Add(i, confirmed[k])
					}
				} else {
					got.AddUnits(units, confirmed)
				}
				got.Finish()
				if !slices.Equal(got.Nodes, want.Nodes) || !slices.Equal(got.kinds, want.kinds) || !slices.Equal(got.Tallies, want.Tallies) {
					t.Fatalf("filter %+v, %d workers, rounds of %d: %d entries, want %d (or their order or tallies differ)", f, workers, round, len(got.Nodes), len(want.Nodes))
				}
				if counted.read > 0 {
					t.Fatalf("filter %+v, %d workers: the holders of %d units noted with one holder were read", f, workers, counted.read)
				}
			}
		}
	}
}

// countingHolders counts the reads of the holders of units noted with
// one holder or none (single).
type countingHolders struct {
	*holdings
	single map[uint32]bool
	mu     sync.Mutex
	read   int
}

func (c *countingHolders) Holders(i uint32, out []Holding) []Holding {
	if c.single[i] {
		c.mu.Lock()
		c.read++
		c.mu.Unlock()
	}
	return c.holdings.Holders(i, out)
}

// TestSortEntriesInParts checks that entries sorted in parts, merged, are
// sorted as one sort sorts them, for parts of every count up to 5.
func TestSortEntriesInParts(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{0, 1, 7, 100, 1001} {
		es := make([]RollupEntry, n)
		for k := range es {
			es[k] = RollupEntry{ID: ID(fmt.Sprintf("Unit:%08d", rng.IntN(1<<30))), Confirmed: k}
		}
		want := slices.Clone(es)
		slices.SortStableFunc(want, func(a, b RollupEntry) int { return strings.Compare(string(a.ID), string(b.ID)) })
		for w := 1; w <= 5; w++ {
			if got := sortEntries(slices.Clone(es), w); !slices.Equal(got, want) {
				t.Fatalf("%d entries in %d parts: not sorted as one sort sorts them", n, w)
			}
		}
	}
}
