package cypher

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
)

var _ tracegraph.Analyst = (*Store)(nil)

// materialQuery picks the query that drives a material search: an indexed
// lookup of the most selective property given, else the date-code range.
// The filter's other fields are checked on the rows (MaterialFilter.Match).
func materialQuery(f *tracegraph.MaterialFilter) (string, map[string]any) {
	switch {
	case f.MPN != "":
		return qMaterialByMPN, map[string]any{"value": f.MPN}
	case f.PartNumber != "":
		return qMaterialByPartNumber, map[string]any{"value": f.PartNumber}
	case f.Supplier != "":
		return qMaterialBySupplier, map[string]any{"value": f.Supplier}
	case f.Manufacturer != "":
		return qMaterialByManufacturer, map[string]any{"value": f.Manufacturer}
	case f.CountryOfOrigin != "":
		return qMaterialByCountry, map[string]any{"value": f.CountryOfOrigin}
	}
	from, to := f.DateCodeFrom, f.DateCodeTo
	if from == "" {
		from = "0000"
	}
	if to == "" {
		to = "9999"
	}
	return qMaterialByDateCode, map[string]any{"dateFrom": from, "dateTo": to}
}

// materialProps are the columns of the material queries, as node properties.
var materialProps = []string{"partNumber", "mpn", "manufacturer", "supplier", "countryOfOrigin", "dateCode"}

// materialFromRecord reads a material row {id, label, properties...}.
func materialFromRecord(rec *neo4j.Record) (*tracegraph.Node, error) {
	id, err1 := value[string](rec, "id")
	label, err2 := value[string](rec, "label")
	if err := firstError(err1, err2); err != nil {
		return nil, err
	}
	n := &tracegraph.Node{ID: tracegraph.ID(id), Label: tracegraph.Label(label), Props: map[string]any{}}
	for _, p := range materialProps {
		v, err := value[string](rec, p)
		if err != nil {
			return nil, fmt.Errorf("material %s: %w", id, err)
		}
		if v != "" {
			n.Props[p] = v
		}
	}
	return n, nil
}

// findMaterial returns the live material f matches, sorted by ID.
func (s *Store) findMaterial(ctx context.Context, tx runner, f *tracegraph.MaterialFilter) ([]tracegraph.ID, error) {
	name, params := materialQuery(f)
	var out []tracegraph.ID
	err := s.each(ctx, tx, name, params, func(rec *neo4j.Record) error {
		n, err := materialFromRecord(rec)
		if err != nil {
			return err
		}
		if f.Match(n) {
			out = append(out, n.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sortedIDs(out), nil
}

// FindMaterial implements tracegraph.Analyst.
func (s *Store) FindMaterial(ctx context.Context, f tracegraph.MaterialFilter) ([]tracegraph.ID, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	var out []tracegraph.ID
	err := s.readOp(ctx, "find material", func(tx neo4j.ManagedTransaction) error {
		var err error
		out, err = s.findMaterial(ctx, tx, &f)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out) > tracegraph.MaxMaterialMatches {
		return nil, tracegraph.Errorf(tracegraph.CodeLimit, "", "%d lots, components and wafer batches match; at most %d can be listed: narrow the filter", len(out), tracegraph.MaxMaterialMatches)
	}
	return out, nil
}

// RecallUnits implements tracegraph.Analyst. The walk runs in a read
// transaction; the units are emitted after it committed, from the walk's
// table (so a retried transaction never emits twice). Memory: that table,
// one entry per node reached; no list of units is built beyond the walk's.
func (s *Store) RecallUnits(ctx context.Context, req tracegraph.RecallRequest, emit func(tracegraph.RecallUnit) error) error {
	if err := req.Validate(); err != nil {
		return err
	}
	var rc *recall
	err := s.snapshotOp(ctx, "recall units", func(tx runner) error {
		var err error
		rc, err = s.recallWalk(ctx, tx, req, false)
		return err
	})
	if err != nil {
		return err
	}
	return rc.emit(ctx, rc.units, emit)
}

// emit emits units, in walk order.
func (rc *recall) emit(ctx context.Context, units []uint32, emit func(tracegraph.RecallUnit) error) error {
	for k, i := range units {
		if k&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		u := rc.w.recallUnit(rc.m, i)
		if err := emit(u); err != nil {
			return fmt.Errorf("emit %s: %w", u.ID, err)
		}
	}
	return nil
}

// Evidence implements tracegraph.Analyst: a search upstream from the unit,
// frontier by frontier, along EXACT links, then CANDIDATE or better, then
// all (see bestPath).
func (s *Store) Evidence(ctx context.Context, req tracegraph.RecallRequest, unit tracegraph.ID) ([]tracegraph.Edge, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if _, _, err := tracegraph.ParseID(string(unit)); err != nil {
		return nil, err
	}
	asOf := tracegraph.AsOfOrNow(req.AsOf)
	var path []tracegraph.Edge
	var found bool
	err := s.snapshotOp(ctx, "evidence", func(tx runner) error {
		got, err := s.readNodes(ctx, tx, []tracegraph.ID{unit})
		if err != nil {
			return err
		}
		if n := got[unit]; n == nil || n.Label != tracegraph.LabelUnit {
			return tracegraph.Errorf(tracegraph.CodeNotFound, "unit", "unit %s does not exist", unit)
		}
		starts, err := s.recallStarts(ctx, tx, req)
		if err != nil {
			return err
		}
		suspect := make(map[tracegraph.ID]bool, len(starts))
		for _, n := range starts {
			suspect[n.ID] = true
		}
		var expands []expandFunc
		for _, p := range []tracegraph.Precision{tracegraph.PrecisionExact, tracegraph.PrecisionCandidate, tracegraph.PrecisionOrder} {
			expands = append(expands, s.expander(tx, structural, p, asOf, req.History))
		}
		path, found, err = bestPath(ctx, expands, unit, func(id tracegraph.ID) bool { return suspect[id] })
		return err
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, tracegraph.Errorf(tracegraph.CodeNotFound, "unit", "%s is not affected by these suspects", unit)
	}
	return path, nil
}

// bestPath searches upstream from unit, breadth first, along the hops of
// each expand in turn (the most precise links first), for the first node
// suspect accepts; within a level, frontier nodes in the order they were
// found and each one's hops in edge order, as the embedded store does. It
// returns the path's edges from the suspect to unit, never stepping onto a
// container (as a recall never does).
func bestPath(ctx context.Context, expands []expandFunc, unit tracegraph.ID, suspect func(tracegraph.ID) bool) ([]tracegraph.Edge, bool, error) {
	if suspect(unit) {
		return []tracegraph.Edge{}, true, nil
	}
	for _, expand := range expands {
		parent := map[tracegraph.ID]tracegraph.Edge{}
		seen := map[tracegraph.ID]bool{unit: true}
		frontier := []tracegraph.ID{unit}
		for d := 1; d <= tracegraph.MaxTraceDepth && len(frontier) > 0; d++ {
			if err := ctx.Err(); err != nil {
				return nil, false, err
			}
			hops, err := expand(ctx, sortedIDs(frontier), true)
			if err != nil {
				return nil, false, err
			}
			var next []tracegraph.ID
			for _, f := range frontier {
				for _, h := range hops[f] {
					if h.label.IsContainer() || seen[h.other] {
						continue
					}
					seen[h.other] = true
					parent[h.other] = h.edge
					if suspect(h.other) {
						var path []tracegraph.Edge
						for v := h.other; v != unit; v = parent[v].Source {
							path = append(path, parent[v])
						}
						return path, true, nil
					}
					next = append(next, h.other)
				}
			}
			frontier = next
		}
	}
	return nil, false, nil
}

// whereUsed walks from the material req names, reads what the rollups need
// and keeps the units it counts (all, or those shipped in the window), in
// walk order.
func (s *Store) whereUsed(ctx context.Context, tx runner, req *tracegraph.WhereUsedRequest) (*recall, []uint32, error) {
	rc, err := s.recallWalk(ctx, tx, tracegraph.RecallRequest{Material: &req.Material, AsOf: req.AsOf, History: req.History}, true)
	if err != nil {
		return nil, nil, err
	}
	if err := rc.w.prefetch(ctx, rc.units); err != nil {
		return nil, nil, err
	}
	units := rc.units
	if req.ShipWindow() {
		ru := tracegraph.NewRollup(rc.w, &rc.w.f, nil)
		units = slices.DeleteFunc(slices.Clone(units), func(i uint32) bool { return !ru.ShippedIn(i, req.InShipWindow) })
	}
	return rc, units, nil
}

// WhereUsed implements tracegraph.Analyst: the recall walk from the matching
// material, then the recall rollup of the units kept.
func (s *Store) WhereUsed(ctx context.Context, req tracegraph.WhereUsedRequest) (*tracegraph.WhereUsedReport, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	after, _ := req.Page.AfterID()
	var rep *tracegraph.WhereUsedReport
	err := s.snapshotOp(ctx, "where used", func(tx runner) error {
		rc, units, err := s.whereUsed(ctx, tx, &req)
		if err != nil {
			return err
		}
		rep = &tracegraph.WhereUsedReport{AsOf: rc.asOf, Material: rc.material, Units: []tracegraph.RecallUnit{},
			Cursors: []string{}, Products: []tracegraph.PartCount{}}
		ru := tracegraph.NewRollup(rc.w, &rc.w.f, nil)
		ids := make([]tracegraph.ID, 0, len(units))
		for _, i := range units {
			u := rc.w.recallUnit(rc.m, i)
			ru.Add(i, rep.Count(u))
			ids = append(ids, u.ID)
		}
		ru.Finish()
		page, more := pageOf(sortedIDs(ids), after, req.Page.First)
		for _, id := range page {
			rep.Units = append(rep.Units, rc.w.recallUnit(rc.m, rc.w.tab.index[id]))
			rep.Cursors = append(rep.Cursors, tracegraph.CursorOf(id))
		}
		rep.HasNextPage = more
		var products []tracegraph.ID
		for k, i := range ru.Nodes {
			if ru.Label(k) == tracegraph.LabelUnit {
				products = append(products, rc.w.tab.ids[i])
			}
		}
		parts, err := s.partNumbers(ctx, tx, sortedIDs(products))
		if err != nil {
			return err
		}
		rep.Products, rep.ProductUnits = ru.PartCounts(func(i uint32) string { return parts[rc.w.tab.ids[i]] },
			func(i uint32) bool { return rc.m.Precision(i) == tracegraph.PrecisionExact })
		rep.WorkOrders = ru.Entries(tracegraph.LabelWorkOrder, rc.w.tab.name, sortLimit)
		rep.Customers = ru.Entries(tracegraph.LabelCustomer, rc.w.tab.name, sortLimit)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// partNumbers reads the part numbers of nodes.
func (s *Store) partNumbers(ctx context.Context, tx runner, ids []tracegraph.ID) (map[tracegraph.ID]string, error) {
	out := make(map[tracegraph.ID]string, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), maxRows)
		err := s.each(ctx, tx, qPartNumbers, map[string]any{"ids": idStrings(ids[:n])}, func(rec *neo4j.Record) error {
			id, err1 := value[string](rec, "id")
			pn, err2 := value[string](rec, "partNumber")
			if err := firstError(err1, err2); err != nil {
				return err
			}
			out[tracegraph.ID(id)] = pn
			return nil
		})
		if err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// pageOf returns the first n of sorted IDs after after ("" for the start)
// and whether more follow.
func pageOf(sorted []tracegraph.ID, after tracegraph.ID, n int) ([]tracegraph.ID, bool) {
	i := 0
	if after != "" {
		i, _ = slices.BinarySearchFunc(sorted, after, compareIDs)
		if i < len(sorted) && sorted[i] == after {
			i++
		}
	}
	rest := sorted[i:]
	if len(rest) > n {
		return rest[:n], true
	}
	return rest, false
}

// WhereUsedUnits implements tracegraph.Analyst, emitting after the read
// transaction as RecallUnits does.
func (s *Store) WhereUsedUnits(ctx context.Context, req tracegraph.WhereUsedRequest, emit func(tracegraph.RecallUnit) error) error {
	req.Page = tracegraph.Page{}
	if err := req.Validate(); err != nil {
		return err
	}
	var rc *recall
	var units []uint32
	err := s.snapshotOp(ctx, "where used units", func(tx runner) error {
		var err error
		rc, units, err = s.whereUsed(ctx, tx, &req)
		return err
	})
	if err != nil {
		return err
	}
	return rc.emit(ctx, units, emit)
}

// processQuery picks the query that drives a process question: its recipe,
// else station, else step.
func processQuery(q *tracegraph.ProcessQuery) (string, string) {
	switch {
	case q.Recipe != "":
		return qProcessByRecipe, q.Recipe
	case q.Station != "":
		return qProcessByStation, q.Station
	}
	return qProcessByStep, q.Step
}

// testQuery picks the query that drives a test question: its firmware
// checksum, else version, else test type.
func testQuery(q *tracegraph.TestQuery) (string, string) {
	switch {
	case q.FirmwareChecksum != "":
		return qTestsByChecksum, q.FirmwareChecksum
	case q.FirmwareVersion != "":
		return qTestsByFirmware, q.FirmwareVersion
	}
	return qTestsByType, q.TestType
}

// ProcessUnits implements tracegraph.Analyst.
func (s *Store) ProcessUnits(ctx context.Context, q tracegraph.ProcessQuery, page tracegraph.Page) (*tracegraph.UnitPage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	name, v := processQuery(&q)
	return s.recordUnits(ctx, name, v, q.From, q.To, q.Match, page)
}

// TestUnits implements tracegraph.Analyst.
func (s *Store) TestUnits(ctx context.Context, q tracegraph.TestQuery, page tracegraph.Page) (*tracegraph.UnitPage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	name, v := testQuery(&q)
	return s.recordUnits(ctx, name, v, q.From, q.To, q.Match, page)
}

// recordUnits runs a record query (rows of a record, its properties and its
// units), keeps the units of the records match accepts, each once, and
// returns a page of them in ID order.
func (s *Store) recordUnits(ctx context.Context, name, v string, from, to time.Time, match func(*tracegraph.Node) bool, page tracegraph.Page) (*tracegraph.UnitPage, error) {
	if err := page.Normalize(); err != nil {
		return nil, err
	}
	after, err := page.AfterID()
	if err != nil {
		return nil, err
	}
	params := map[string]any{"value": v, "from": nil, "to": nil}
	if !from.IsZero() {
		params["from"] = instant(from)
	}
	if !to.IsZero() {
		params["to"] = instant(to)
	}
	var out *tracegraph.UnitPage
	err = s.snapshotOp(ctx, "record units", func(tx runner) error {
		units := map[tracegraph.ID]bool{}
		err := s.each(ctx, tx, name, params, func(rec *neo4j.Record) error {
			props, err1 := value[map[string]any](rec, "props")
			us, err2 := value[[]any](rec, "units")
			if err := firstError(err1, err2); err != nil {
				return err
			}
			n, err := decodeNode(props)
			if err != nil {
				return err
			}
			if !match(n) {
				return nil
			}
			for _, u := range us {
				if id, ok := u.(string); ok {
					units[tracegraph.ID(id)] = true
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		ids, more := pageOf(sortedIDs(keys(units)), after, page.First)
		got, err := s.readNodes(ctx, tx, ids)
		if err != nil {
			return err
		}
		out = &tracegraph.UnitPage{Units: make([]*tracegraph.Node, 0, len(ids)), Cursors: make([]string, 0, len(ids)),
			HasNextPage: more, TotalCount: len(units)}
		for _, id := range ids {
			if n := got[id]; n != nil {
				out.Units = append(out.Units, n)
				out.Cursors = append(out.Cursors, tracegraph.CursorOf(id))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
