package cypher

import (
	"context"
	"slices"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
)

// sortLimit is the largest answer whose lists are sorted by ID; larger ones
// keep traversal order (as in the embedded store).
const sortLimit = 100_000

// RecallImpact implements tracegraph.Graph. It walks downstream from the
// suspects along assembly, consumption and derivation (not into containers),
// keeps every unit reached with its best-path precision, then rolls the units
// up to their finished products and to the work orders, boxes, pallets,
// shipments and customers that hold them. Every step is a batched query per
// level, as in Trace.
func (s *Store) RecallImpact(ctx context.Context, req tracegraph.RecallRequest) (*tracegraph.RecallReport, error) {
	if len(req.Suspects) == 0 {
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "suspects", "suspects needs at least one lot, wafer batch, component or unit")
	}
	for _, id := range req.Suspects {
		if _, _, err := tracegraph.ParseID(string(id)); err != nil {
			return nil, err
		}
	}
	asOf := asOfOrNow(req.AsOf)
	var rep *tracegraph.RecallReport
	err := s.readOp(ctx, "recall", func(tx neo4j.ManagedTransaction) error {
		starts, err := s.startNodes(ctx, tx, "suspects", req.Suspects)
		if err != nil {
			return err
		}
		structural := []tracegraph.EdgeType{tracegraph.EdgeContains, tracegraph.EdgeConsumed, tracegraph.EdgeDerivedFrom}
		r, err := walk(ctx, s.expander(tx, structural, tracegraph.PrecisionUnknown, asOf, req.History), starts,
			walkSpec{maxDepth: tracegraph.MaxTraceDepth, noEnter: true})
		if err != nil {
			return err
		}
		rep, err = s.rollUp(ctx, tx, r, req.Suspects, asOf, req.History)
		return err
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// rollUp builds the report from the walk.
func (s *Store) rollUp(ctx context.Context, tx neo4j.ManagedTransaction, r *walkResult, suspects []tracegraph.ID, at time.Time, history bool) (*tracegraph.RecallReport, error) {
	rep := &tracegraph.RecallReport{Suspects: suspects, AsOf: at,
		Confirmed: []tracegraph.RecallUnit{}, Possible: []tracegraph.RecallUnit{}}
	var units []tracegraph.ID
	confirmed := map[tracegraph.ID]bool{}
	for _, id := range r.order {
		v := r.seen[id]
		if v.label != tracegraph.LabelUnit {
			continue
		}
		units = append(units, id)
		ru := tracegraph.RecallUnit{ID: id, Precision: v.prec, Depth: v.depth, Status: v.status, OnHold: v.held}
		counts := &rep.PossibleCount
		if v.prec == tracegraph.PrecisionExact {
			confirmed[id] = true
			rep.Confirmed = append(rep.Confirmed, ru)
			counts = &rep.ConfirmedCount
		} else {
			rep.Possible = append(rep.Possible, ru)
		}
		switch v.status {
		case tracegraph.StatusShipped:
			counts.Shipped++
		case tracegraph.StatusScrapped:
			counts.Scrapped++
		default:
			counts.InHouse++
		}
	}
	timed := s.expander(tx, []tracegraph.EdgeType{tracegraph.EdgeForOrder}, tracegraph.PrecisionUnknown, at, history)
	orders, err := timed(ctx, sortedIDs(units), true)
	if err != nil {
		return nil, err
	}
	contains := s.expander(tx, []tracegraph.EdgeType{tracegraph.EdgeContains}, tracegraph.PrecisionUnknown, at, history)
	// Unit parents of every affected unit and its ancestors, level by level.
	parents, err := climb(ctx, contains, units, func(h hop) bool { return h.label == tracegraph.LabelUnit })
	if err != nil {
		return nil, err
	}
	products, byOrder := map[tracegraph.ID]*tally{}, map[tracegraph.ID]*tally{}
	tops := map[tracegraph.ID][]tracegraph.ID{}
	for _, u := range units {
		c := confirmed[u]
		for _, h := range orders[u] {
			count(byOrder, h.other, c)
		}
		for _, top := range topsOf(u, parents, tops) {
			count(products, top, c)
		}
	}
	// Boxes, pallets and shipments holding the products, then customers.
	prods := make([]tracegraph.ID, 0, len(products))
	for p := range products {
		prods = append(prods, p)
	}
	holders, err := climb(ctx, contains, prods, func(h hop) bool { return h.label.IsContainer() })
	if err != nil {
		return nil, err
	}
	shipped := map[tracegraph.ID]bool{}
	boxes, pallets, shipments := map[tracegraph.ID]*tally{}, map[tracegraph.ID]*tally{}, map[tracegraph.ID]*tally{}
	byLabel := map[tracegraph.Label]map[tracegraph.ID]*tally{tracegraph.LabelBox: boxes, tracegraph.LabelPallet: pallets, tracegraph.LabelShipment: shipments}
	shipsOf := map[tracegraph.ID][]tracegraph.ID{} // product → shipments holding it
	for _, p := range sortedIDs(prods) {
		tl := products[p]
		seen := map[tracegraph.ID]bool{}
		stack := []tracegraph.ID{p}
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, par := range holders[c] {
				if seen[par] {
					continue
				}
				seen[par] = true
				addTally(byLabel[par.Label()], par, tl.c, tl.p)
				stack = append(stack, par)
				if par.Label() == tracegraph.LabelShipment {
					shipped[par] = true
					shipsOf[p] = append(shipsOf[p], par)
				}
			}
		}
	}
	// SHIPPED_TO counts whenever it was recorded and not voided.
	ever := s.expander(tx, []tracegraph.EdgeType{tracegraph.EdgeShippedTo}, tracegraph.PrecisionUnknown, at, true)
	custs, err := ever(ctx, sortedIDs(keys(shipped)), true)
	if err != nil {
		return nil, err
	}
	customers := map[tracegraph.ID]*tally{}
	for p, ships := range shipsOf {
		tl := products[p]
		seen := map[tracegraph.ID]bool{}
		for _, sh := range ships {
			for _, h := range custs[sh] {
				if !seen[h.other] {
					seen[h.other] = true
					addTally(customers, h.other, tl.c, tl.p)
				}
			}
		}
	}
	rep.Products, rep.WorkOrders = rollup(products), rollup(byOrder)
	rep.Boxes, rep.Pallets, rep.Shipments, rep.Customers = rollup(boxes), rollup(pallets), rollup(shipments), rollup(customers)
	if len(rep.Confirmed)+len(rep.Possible) <= sortLimit {
		byID := func(a, b tracegraph.RecallUnit) int { return compareIDs(a.ID, b.ID) }
		slices.SortFunc(rep.Confirmed, byID)
		slices.SortFunc(rep.Possible, byID)
	}
	return rep, nil
}

// climb follows the hops of expand (into each node: up=false) from the
// given nodes, level by level, keeping the parents that keep accepts, and
// returns each reached node's kept parents.
func climb(ctx context.Context, expand expandFunc, from []tracegraph.ID, keep func(hop) bool) (map[tracegraph.ID][]tracegraph.ID, error) {
	parents := map[tracegraph.ID][]tracegraph.ID{}
	done := map[tracegraph.ID]bool{}
	level := sortedIDs(from)
	for len(level) > 0 {
		for _, id := range level {
			done[id] = true
		}
		hops, err := expand(ctx, level, false)
		if err != nil {
			return nil, err
		}
		next := map[tracegraph.ID]bool{}
		for _, id := range level {
			for _, h := range hops[id] {
				if !keep(h) {
					continue
				}
				parents[id] = append(parents[id], h.other)
				if !done[h.other] {
					next[h.other] = true
				}
			}
		}
		level = sortedIDs(keys(next))
	}
	return parents, nil
}

// topsOf returns the finished products holding u: the ancestors of u (or u
// itself) that have no unit parent, memoized in memo.
func topsOf(u tracegraph.ID, parents, memo map[tracegraph.ID][]tracegraph.ID) []tracegraph.ID {
	if t, ok := memo[u]; ok {
		return t
	}
	memo[u] = nil // no cycles in assembly; guard all the same
	ps := parents[u]
	if len(ps) == 0 {
		memo[u] = []tracegraph.ID{u}
		return memo[u]
	}
	var out []tracegraph.ID
	for _, p := range ps {
		out = append(out, topsOf(p, parents, memo)...)
	}
	slices.SortFunc(out, compareIDs)
	out = slices.Compact(out)
	memo[u] = out
	return out
}

// tally counts confirmed and possible units.
type tally struct{ c, p int }

func addTally(mp map[tracegraph.ID]*tally, k tracegraph.ID, c, p int) {
	tl := mp[k]
	if tl == nil {
		tl = &tally{}
		mp[k] = tl
	}
	tl.c += c
	tl.p += p
}

func count(mp map[tracegraph.ID]*tally, k tracegraph.ID, confirmed bool) {
	if confirmed {
		addTally(mp, k, 1, 0)
	} else {
		addTally(mp, k, 0, 1)
	}
}

func rollup(mp map[tracegraph.ID]*tally) []tracegraph.RollupEntry {
	out := make([]tracegraph.RollupEntry, 0, len(mp))
	for k, tl := range mp {
		out = append(out, tracegraph.RollupEntry{ID: k, Confirmed: tl.c, Possible: tl.p})
	}
	slices.SortFunc(out, func(a, b tracegraph.RollupEntry) int { return compareIDs(a.ID, b.ID) })
	return out
}

func compareIDs(a, b tracegraph.ID) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func keys[V any](m map[tracegraph.ID]V) []tracegraph.ID {
	out := make([]tracegraph.ID, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func sortedIDs(ids []tracegraph.ID) []tracegraph.ID {
	out := slices.Clone(ids)
	slices.SortFunc(out, compareIDs)
	return slices.Compact(out)
}
