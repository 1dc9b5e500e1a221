package embedded

import (
	"context"
	"sort"
	"time"

	"github.com/tracegraph/tracegraph"
)

// sortLimit is the largest answer whose lists are sorted by ID; larger ones
// keep traversal order, which is deterministic for a given store.
const sortLimit = 100_000

// RecallImpact implements tracegraph.Graph. It walks downstream from the
// suspects along assembly, consumption and derivation (not into containers),
// keeps every unit reached with its best-path precision, then rolls the units
// up to their finished products and to the work orders, boxes, pallets,
// shipments and customers that hold them.
func (s *Store) RecallImpact(ctx context.Context, req tracegraph.RecallRequest) (*tracegraph.RecallReport, error) {
	if len(req.Suspects) == 0 {
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "suspects", "suspects needs at least one lot, wafer batch, component or unit")
	}
	for _, id := range req.Suspects {
		if err := checkID(id); err != nil {
			return nil, err
		}
	}
	asOf := req.AsOf
	if asOf.IsZero() {
		asOf = time.Now().UTC()
	}
	at := asOf.UnixNano()
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.t
	starts, err := t.startIndexes("suspects", req.Suspects)
	if err != nil {
		return nil, err
	}
	m := getMarks(t.nodeCount())
	defer m.release()
	structural := typeMask([]tracegraph.EdgeType{tracegraph.EdgeContains, tracegraph.EdgeConsumed, tracegraph.EdgeDerivedFrom})
	r, err := t.walk(ctx, m, starts, walkSpec{types: structural, asOf: at, history: req.History,
		maxDepth: tracegraph.MaxTraceDepth, noEnter: true})
	if err != nil {
		return nil, err
	}
	rep := &tracegraph.RecallReport{Suspects: req.Suspects, AsOf: asOf,
		Confirmed: []tracegraph.RecallUnit{}, Possible: []tracegraph.RecallUnit{}}
	unit := uint8(tracegraph.LabelUnit.Code())
	contains := containsCode
	shippedTo := uint8(tracegraph.EdgeShippedTo.Code())

	products := newTallies(t.nodeCount())
	defer products.release()
	orders := map[uint32]*tally{}
	count := func(mp map[uint32]*tally, k uint32, confirmed bool) {
		if confirmed {
			add(mp, k, 1, 0)
		} else {
			add(mp, k, 0, 1)
		}
	}
	// valid edges of one kind into (in) or out of a node
	each := func(a *adjacency, i uint32, typ uint8, f func(e uint32)) {
		a.each(i, func(e uint32) bool {
			if t.emeta[e]&emTypeMask == typ && t.edgeValid(e, at, req.History) {
				f(e)
			}
			return true
		})
	}
	var tops, climb []uint32
	for k, i := range r.order {
		if k&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if t.label[i] != unit {
			continue
		}
		p := m.prec(i)
		ru := tracegraph.RecallUnit{ID: t.name(i), Precision: p, Depth: m.depth(i),
			Status: statusNames[t.status[i]], OnHold: t.flags[i]&flHeld != 0}
		confirmed := p == tracegraph.PrecisionExact
		counts := &rep.PossibleCount
		if confirmed {
			rep.Confirmed = append(rep.Confirmed, ru)
			counts = &rep.ConfirmedCount
		} else {
			rep.Possible = append(rep.Possible, ru)
		}
		switch t.status[i] {
		case stShipped:
			counts.Shipped++
		case stScrapped:
			counts.Scrapped++
		default:
			counts.InHouse++
		}
		if wo := t.order[i]; wo != 0 {
			count(orders, wo-1, confirmed)
		}
		// The finished products holding i: climb unit parents to the top.
		tops = tops[:0]
		climb = append(climb[:0], i)
		for len(climb) > 0 {
			c := climb[len(climb)-1]
			climb = climb[:len(climb)-1]
			hasParent := false
			each(&t.cin, c, contains, func(e uint32) {
				if par := t.esrc[e]; t.label[par] == unit {
					hasParent = true
					climb = append(climb, par)
				}
			})
			if !hasParent {
				tops = append(tops, c)
			}
		}
		for _, top := range uniq(tops) {
			products.count(top, confirmed)
		}
	}
	// Containers, shipments and customers of the products.
	boxes, pallets, shipments, customers := map[uint32]*tally{}, map[uint32]*tally{}, map[uint32]*tally{}, map[uint32]*tally{}
	byLabel := map[uint8]map[uint32]*tally{
		uint8(tracegraph.LabelBox.Code()): boxes, uint8(tracegraph.LabelPallet.Code()): pallets,
		uint8(tracegraph.LabelShipment.Code()): shipments,
	}
	for k, prod := range products.keys {
		tl := &products.vals[k]
		seen := map[uint32]bool{}
		climb := []uint32{prod}
		for len(climb) > 0 {
			c := climb[len(climb)-1]
			climb = climb[:len(climb)-1]
			each(&t.cin, c, contains, func(e uint32) {
				par := t.esrc[e]
				mp, ok := byLabel[t.label[par]]
				if !ok || seen[par] {
					return
				}
				seen[par] = true
				add(mp, par, tl.c, tl.p)
				climb = append(climb, par)
				if t.label[par] == uint8(tracegraph.LabelShipment.Code()) {
					t.out.each(par, func(e uint32) bool {
						if t.emeta[e]&emTypeMask == shippedTo && t.emeta[e]&emVoided == 0 && !seen[t.edst[e]] {
							seen[t.edst[e]] = true
							add(customers, t.edst[e], tl.c, tl.p)
						}
						return true
					})
				}
			})
		}
	}
	rollup := func(mp map[uint32]*tally) []tracegraph.RollupEntry {
		out := make([]tracegraph.RollupEntry, 0, len(mp))
		for k, tl := range mp {
			out = append(out, tracegraph.RollupEntry{ID: t.name(k), Confirmed: tl.c, Possible: tl.p})
		}
		if len(out) <= sortLimit {
			sort.Slice(out, func(a, b int) bool { return out[a].ID < out[b].ID })
		}
		return out
	}
	rep.Products = make([]tracegraph.RollupEntry, len(products.keys))
	for k, prod := range products.keys {
		rep.Products[k] = tracegraph.RollupEntry{ID: t.name(prod), Confirmed: products.vals[k].c, Possible: products.vals[k].p}
	}
	if len(rep.Products) <= sortLimit {
		sort.Slice(rep.Products, func(a, b int) bool { return rep.Products[a].ID < rep.Products[b].ID })
	}
	rep.WorkOrders = rollup(orders)
	rep.Boxes, rep.Pallets, rep.Shipments, rep.Customers = rollup(boxes), rollup(pallets), rollup(shipments), rollup(customers)
	if len(rep.Confirmed)+len(rep.Possible) <= sortLimit {
		byID := func(us []tracegraph.RecallUnit) {
			sort.Slice(us, func(a, b int) bool { return us[a].ID < us[b].ID })
		}
		byID(rep.Confirmed)
		byID(rep.Possible)
	}
	return rep, nil
}

// tallies counts per node without a map: a pooled array maps node index to
// a slot in keys and vals.
type tallies struct {
	slot *marks
	keys []uint32
	vals []tally
}

func newTallies(n int) *tallies { return &tallies{slot: getMarks(n)} }

func (ts *tallies) count(k uint32, confirmed bool) {
	s := ts.slot.v[k]
	if s == 0 {
		ts.keys = append(ts.keys, k)
		ts.vals = append(ts.vals, tally{})
		s = uint32(len(ts.keys))
		ts.slot.v[k] = s
		ts.slot.touched = append(ts.slot.touched, k)
	}
	if confirmed {
		ts.vals[s-1].c++
	} else {
		ts.vals[s-1].p++
	}
}

func (ts *tallies) release() { ts.slot.release() }

// tally counts confirmed and possible units.
type tally struct{ c, p int }

func add(mp map[uint32]*tally, k uint32, c, p int) {
	tl := mp[k]
	if tl == nil {
		tl = &tally{}
		mp[k] = tl
	}
	tl.c += c
	tl.p += p
}

func uniq(xs []uint32) []uint32 {
	if len(xs) < 2 {
		return xs
	}
	sort.Slice(xs, func(a, b int) bool { return xs[a] < xs[b] })
	out := xs[:1]
	for _, x := range xs[1:] {
		if x != out[len(out)-1] {
			out = append(out, x)
		}
	}
	return out
}
