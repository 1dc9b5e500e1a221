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
// suspects (and the material req.Material matches) along assembly,
// consumption and derivation (not into containers), keeps every unit reached
// with its best-path precision, then rolls the units up to their finished
// products and to the work orders, boxes, pallets, shipments and customers
// that hold them. Every step is a batched query per level, as in Trace.
func (s *Store) RecallImpact(ctx context.Context, req tracegraph.RecallRequest) (*tracegraph.RecallReport, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	asOf := asOfOrNow(req.AsOf)
	var rep *tracegraph.RecallReport
	err := s.snapshotOp(ctx, "recall", func(tx neo4j.ManagedTransaction) error {
		r, err := s.recallWalk(ctx, tx, req, asOf)
		if err != nil {
			return err
		}
		rep = &tracegraph.RecallReport{Suspects: req.Suspects, AsOf: asOf,
			Confirmed: []tracegraph.RecallUnit{}, Possible: []tracegraph.RecallUnit{}}
		units := r.units()
		for _, id := range units {
			ru := r.recallUnit(id)
			if ru.Precision == tracegraph.PrecisionExact {
				rep.Confirmed = append(rep.Confirmed, ru)
				countStatus(&rep.ConfirmedCount, ru.Status)
			} else {
				rep.Possible = append(rep.Possible, ru)
				countStatus(&rep.PossibleCount, ru.Status)
			}
		}
		ru, err := s.rollUp(ctx, tx, r, units, asOf, req.History)
		if err != nil {
			return err
		}
		rep.Products, rep.WorkOrders = rollup(ru.products), rollup(ru.orders)
		rep.Boxes, rep.Pallets, rep.Shipments, rep.Customers = rollup(ru.boxes), rollup(ru.pallets), rollup(ru.shipments), rollup(ru.customers)
		if len(rep.Confirmed)+len(rep.Possible) <= sortLimit {
			byID := func(a, b tracegraph.RecallUnit) int { return compareIDs(a.ID, b.ID) }
			slices.SortFunc(rep.Confirmed, byID)
			slices.SortFunc(rep.Possible, byID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// structural are the relationship types recalls travel along.
var structural = []tracegraph.EdgeType{tracegraph.EdgeContains, tracegraph.EdgeConsumed, tracegraph.EdgeDerivedFrom}

// recallStarts reads req's suspects (NOT_FOUND for a missing one) and the
// live material req.Material matches.
func (s *Store) recallStarts(ctx context.Context, tx neo4j.ManagedTransaction, req tracegraph.RecallRequest) ([]*tracegraph.Node, error) {
	starts, err := s.startNodes(ctx, tx, "suspects", req.Suspects)
	if err != nil || req.Material == nil {
		return starts, err
	}
	ids, err := s.findMaterial(ctx, tx, req.Material)
	if err != nil {
		return nil, err
	}
	got, err := s.getNodes(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if n := got[id]; n != nil {
			starts = append(starts, n)
		}
	}
	return starts, nil
}

// recallWalk walks downstream from req's suspects and material, frontier by
// frontier: the one walk of every recall question.
func (s *Store) recallWalk(ctx context.Context, tx neo4j.ManagedTransaction, req tracegraph.RecallRequest, asOf time.Time) (*walkResult, error) {
	starts, err := s.recallStarts(ctx, tx, req)
	if err != nil {
		return nil, err
	}
	return walk(ctx, s.expander(tx, structural, tracegraph.PrecisionUnknown, asOf, req.History), starts,
		walkSpec{maxDepth: tracegraph.MaxTraceDepth, noEnter: true})
}

// units returns the units the walk reached, in its order.
func (r *walkResult) units() []tracegraph.ID {
	var out []tracegraph.ID
	for _, id := range r.order {
		if r.seen[id].label == tracegraph.LabelUnit {
			out = append(out, id)
		}
	}
	return out
}

// recallUnit is a reached unit as a recall reports it.
func (r *walkResult) recallUnit(id tracegraph.ID) tracegraph.RecallUnit {
	v := r.seen[id]
	return tracegraph.RecallUnit{ID: id, Precision: v.prec, Depth: v.depth, Status: v.status, OnHold: v.held}
}

func countStatus(c *tracegraph.StatusCounts, status string) {
	switch status {
	case tracegraph.StatusShipped:
		c.Shipped++
	case tracegraph.StatusScrapped:
		c.Scrapped++
	default:
		c.InHouse++
	}
}

// rollupResult tallies units by finished product and work order, and the
// products by the boxes, pallets, shipments and customers holding them.
type rollupResult struct {
	products, orders, boxes, pallets, shipments, customers map[tracegraph.ID]*tally
}

// rollUp tallies units (reached by r, each counted confirmed when its best
// path is EXACT) as RecallImpact reports them: under their work orders and
// finished products, then the products under their containers, shipments
// and customers.
func (s *Store) rollUp(ctx context.Context, tx neo4j.ManagedTransaction, r *walkResult, units []tracegraph.ID, at time.Time, history bool) (*rollupResult, error) {
	confirmed := map[tracegraph.ID]bool{}
	for _, id := range units {
		confirmed[id] = r.seen[id].prec == tracegraph.PrecisionExact
	}
	timed := s.expander(tx, []tracegraph.EdgeType{tracegraph.EdgeForOrder}, tracegraph.PrecisionUnknown, at, history)
	orders, err := timed(ctx, sortedIDs(units), true)
	if err != nil {
		return nil, err
	}
	contains := s.expander(tx, []tracegraph.EdgeType{tracegraph.EdgeContains}, tracegraph.PrecisionUnknown, at, history)
	// Unit parents of every unit and its ancestors, level by level.
	parents, err := climb(ctx, contains, units, func(h hop) bool { return h.label == tracegraph.LabelUnit })
	if err != nil {
		return nil, err
	}
	ru := &rollupResult{products: map[tracegraph.ID]*tally{}, orders: map[tracegraph.ID]*tally{}, boxes: map[tracegraph.ID]*tally{},
		pallets: map[tracegraph.ID]*tally{}, shipments: map[tracegraph.ID]*tally{}, customers: map[tracegraph.ID]*tally{}}
	products := ru.products
	tops := map[tracegraph.ID][]tracegraph.ID{}
	for _, u := range units {
		c := confirmed[u]
		for _, h := range orders[u] {
			count(ru.orders, h.other, c)
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
	byLabel := map[tracegraph.Label]map[tracegraph.ID]*tally{tracegraph.LabelBox: ru.boxes, tracegraph.LabelPallet: ru.pallets, tracegraph.LabelShipment: ru.shipments}
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
	for p, ships := range shipsOf {
		tl := products[p]
		seen := map[tracegraph.ID]bool{}
		for _, sh := range ships {
			for _, h := range custs[sh] {
				if !seen[h.other] {
					seen[h.other] = true
					addTally(ru.customers, h.other, tl.c, tl.p)
				}
			}
		}
	}
	return ru, nil
}

// climb follows the hops of expand (into each node: up=false) from the
// given nodes, level by level, keeping the parents that keep accepts, and
// returns each reached node's kept parents.
func climb(ctx context.Context, expand expandFunc, from []tracegraph.ID, keep func(hop) bool) (map[tracegraph.ID][]tracegraph.ID, error) {
	hops, err := climbHops(ctx, expand, from, keep)
	if err != nil {
		return nil, err
	}
	parents := make(map[tracegraph.ID][]tracegraph.ID, len(hops))
	for id, hs := range hops {
		for _, h := range hs {
			parents[id] = append(parents[id], h.other)
		}
	}
	return parents, nil
}

// climbHops is climb returning the kept hops themselves (edges included).
func climbHops(ctx context.Context, expand expandFunc, from []tracegraph.ID, keep func(hop) bool) (map[tracegraph.ID][]hop, error) {
	parents := map[tracegraph.ID][]hop{}
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
				parents[id] = append(parents[id], h)
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
