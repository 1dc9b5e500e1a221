package cypher

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tracegraph/tracegraph"
)

// sortLimit is the largest answer whose lists are sorted by ID; larger ones
// keep traversal order (as in the embedded store).
const sortLimit = 100_000

// RecallImpact implements tracegraph.Graph. It walks downstream from the
// suspects (and the material req.Material matches) along assembly,
// consumption and derivation (not into containers), keeps every unit reached
// with its best-path precision, then rolls the units up by the rollup rules
// (tracegraph.Rollup). Every step is a batched query per level, as in Trace.
func (s *Store) RecallImpact(ctx context.Context, req tracegraph.RecallRequest) (*tracegraph.RecallReport, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	var rep *tracegraph.RecallReport
	err := s.snapshotOp(ctx, "recall", func(tx runner) error {
		rc, err := s.recallWalk(ctx, tx, req, true)
		if err != nil {
			return err
		}
		if err := rc.w.prefetch(ctx, rc.units); err != nil {
			return err
		}
		rep = &tracegraph.RecallReport{Suspects: req.Suspects, AsOf: rc.asOf,
			Confirmed: []tracegraph.RecallUnit{}, Possible: []tracegraph.RecallUnit{}}
		ru := tracegraph.NewRollup(rc.w, &rc.w.f, nil)
		for _, i := range rc.units {
			ru.Add(i, rep.Add(rc.w.recallUnit(rc.m, i)))
		}
		ru.Finish()
		ru.Fill(rep, rc.w.tab.name, sortLimit)
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
func (s *Store) recallStarts(ctx context.Context, tx runner, req tracegraph.RecallRequest) ([]*tracegraph.Node, error) {
	starts, err := s.startNodes(ctx, tx, "suspects", req.Suspects)
	if err != nil || req.Material == nil {
		return starts, err
	}
	ids, err := s.findMaterial(ctx, tx, req.Material)
	if err != nil {
		return nil, err
	}
	got, err := s.readNodes(ctx, tx, ids)
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

// recall is one recall walk in a read transaction: its walker, the marks
// holding each reached node's depth and precision, and the units reached in
// walk order, their statuses those of the question's moment.
type recall struct {
	w        *walker
	m        *tracegraph.Marks
	units    []uint32
	asOf     time.Time
	material int // start nodes
}

// recallWalk walks downstream from req's suspects and material, frontier by
// frontier: the one walk of every recall question. Where a rollup follows
// (prefetch), the walk's levels queries read the work orders of the units
// they expand as well.
func (s *Store) recallWalk(ctx context.Context, tx runner, req tracegraph.RecallRequest, rollup bool) (*recall, error) {
	starts, err := s.recallStarts(ctx, tx, req)
	if err != nil {
		return nil, err
	}
	f := tracegraph.NewEdgeFilter(structural, req.AsOf, req.History, 0)
	f.NoContainers = true
	// The walk reads no holds: a recall reports only its units', read
	// after it (unitHolds).
	rc := &recall{w: s.walkerReading(tx, f, tracegraph.MaxTraceDepth, true, s.perLevel), m: tracegraph.NewMarks(0),
		asOf: time.Unix(0, f.At).UTC(), material: len(starts)}
	if rc.w.ahead != nil {
		rc.w.ahead.wide = levelWhole // a recall reads all it reaches
		if rollup {
			rc.w.ahead.orders = map[tracegraph.ID]workOrder{}
		}
	}
	if !s.perLevel {
		// The walk's filter is the rollup's for CONTAINS (every precision,
		// the same moment or history): prefetch takes the units' holders
		// from it.
		rc.w.contained = map[uint32][]hop{}
	}
	if !req.AsOf.IsZero() && !req.History {
		rc.w.asOf = rc.asOf
	}
	r, err := tracegraph.Walk(ctx, rc.w, rc.m, rc.w.tab.start(starts), tracegraph.WalkSpec{MaxDepth: tracegraph.MaxTraceDepth})
	if err != nil {
		return nil, err
	}
	for _, i := range r.Order {
		if rc.w.tab.nodes[i].label == tracegraph.LabelUnit {
			rc.units = append(rc.units, i)
		}
	}
	if !s.perLevel {
		if err := rc.w.unitHolds(ctx, rc.units); err != nil {
			return nil, err
		}
	}
	if err := rc.w.statuses(ctx, rc.units); err != nil {
		return nil, err
	}
	return rc, nil
}

// unitHolds sets whether each of units is held, for a walk that did not
// read it: from the ids of every node on hold (held_nodes.cypher), read at
// once while there are no more holds than units, else from the units' own
// records.
func (w *walker) unitHolds(ctx context.Context, units []uint32) error {
	if len(units) == 0 {
		return nil
	}
	recs, err := w.s.exec(ctx, w.tx, qHeldNodes, map[string]any{"limit": int64(len(units))})
	if err != nil {
		return err
	}
	holds, err := single[int64](recs, "holds")
	if err != nil {
		return err
	}
	ids := make([]tracegraph.ID, len(units))
	for k, u := range units {
		ids[k] = w.tab.ids[u]
	}
	held := map[tracegraph.ID]bool{}
	if holds <= int64(len(units)) {
		list, err := single[[]any](recs, "ids")
		if err != nil {
			return err
		}
		for _, v := range list {
			id, ok := v.(string)
			if !ok {
				return fmt.Errorf("%s: id %v is not a string", qHeldNodes, v)
			}
			held[tracegraph.ID(id)] = true
		}
	} else {
		got, err := w.s.readNodes(ctx, w.tx, ids)
		if err != nil {
			return err
		}
		for id, n := range got {
			held[id] = n.OnHold()
		}
	}
	for k, u := range units {
		w.tab.nodes[u].held = held[ids[k]]
	}
	return nil
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
