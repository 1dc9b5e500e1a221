package cypher

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/tracegraph/tracegraph"
)

// expandLevels is how many levels one expand_*_levels query expands at
// most (querygen.ExpandLevels).
const expandLevels = 6

// levelWide bounds the frontiers an expand_*_levels query expands after
// its first: a walk's small levels come in one query, its wide ones (a
// pallet's thousands of units, a lot's consumers) one query per level as
// before, streamed.
const levelWide = 256

// levelWhole bounds the frontiers an expand_*_levels query expands for a
// walk that reads all it reaches (a recall and its rollup's containers,
// with no limit to stop early): a recall's wide levels (a lot's consumers,
// every unit a wafer reaches) come in the same query as its first, carried
// from level to level on the server instead of sought again by id, in one
// record. It bounds what one query holds in the server's memory; a wider
// frontier is read by plain, 2,000 ids per query.
const levelWhole = 1 << 17

// levelChunk bounds the rows of one record of an expand_*_levels query: a
// recall's walk answers in records of this many rows, and the client holds
// one record at a time (decoded, a row is about half a kilobyte), not the
// whole walk's.
const levelChunk = 4096

// expandParams are the parameters of the expand queries with these
// filters, but the ids; lean reads of each edge only its id, precision and
// validity,
// holds whether the node at its other end is held (else false: a read
// that reports no holds, or reads them otherwise).
func expandParams(types []tracegraph.EdgeType, minPrec tracegraph.Precision, asOf time.Time, history, lean, holds bool) map[string]any {
	if len(types) == 0 {
		types = tracegraph.EdgeTypes
	}
	ts := make([]string, len(types))
	for i, t := range types {
		ts[i] = string(t)
	}
	return map[string]any{"types": ts, "precisions": precisionsFrom(minPrec), "asOf": asOf.UTC(), "history": history, "lean": lean, "holds": holds}
}

// expander returns the expandFunc of a read with these filters: one
// expand_out or expand_in query per maxRows ids.
func (s *Store) expander(tx runner, types []tracegraph.EdgeType, minPrec tracegraph.Precision, asOf time.Time, history bool) expandFunc {
	return s.expandWith(tx, expandParams(types, minPrec, asOf, history, false, true))
}

// expandWith returns the expandFunc of a read with the parameters base
// (expandParams).
func (s *Store) expandWith(tx runner, base map[string]any) expandFunc {
	return func(ctx context.Context, ids []tracegraph.ID, up bool) (map[tracegraph.ID][]hop, error) {
		name := qExpandIn
		if up {
			name = qExpandOut
		}
		out := make(map[tracegraph.ID][]hop, len(ids))
		for len(ids) > 0 {
			n := min(len(ids), maxRows)
			params := maps.Clone(base)
			params["ids"] = idStrings(ids[:n])
			if err := s.each(ctx, tx, name, params, func(rec *neo4j.Record) error { return addRows(out, nil, rec, up) }); err != nil {
				return nil, err
			}
			ids = ids[n:]
		}
		sortHops(out)
		return out, nil
	}
}

// sortHops puts each node's hops in edge id order.
func sortHops(out map[tracegraph.ID][]hop) {
	for _, hs := range out {
		slices.SortFunc(hs, func(a, b hop) int {
			switch {
			case a.edge.ID < b.edge.ID:
				return -1
			case a.edge.ID > b.edge.ID:
				return 1
			}
			return 0
		})
	}
}

// lookahead is a walk's expandFunc that reads the levels after a small
// frontier with it, in one expand_*_levels query, and answers the walk's
// next frontiers from what it read. Each node's edges are read whole and
// by the same filters whichever query reads them, so the walk sees what
// one expand_* query per level would have shown it: the same hops, in the
// same order. It reads ahead no further than the walk may go (maxDepth);
// a wide frontier is read by plain, one level.
type lookahead struct {
	s    *Store
	tx   runner
	base map[string]any
	// queries are the expand_*_levels queries of the walk's types (down,
	// up).
	queries  [2]string
	plain    expandFunc
	maxDepth int
	// wide bounds the frontiers read ahead (levelWide, levelWhole).
	wide int
	// levels counts the frontiers expanded so far, per direction (down,
	// up): the walk's level, as the walk expands each frontier at once.
	levels [2]int
	// ahead holds the hops read ahead, per direction, until the walk asks
	// for them.
	ahead [2]map[tracegraph.ID][]hop
	// orders, when not nil, asks the levels queries for the work orders of
	// the units they expand ($orders) and holds them: an entry for every
	// node a levels query expanded, a unit's work order in it (a recall's
	// rollup reads the rest with expand_out).
	orders map[tracegraph.ID]workOrder
}

// workOrder is a unit's FOR_ORDER relationship of the highest eid (the one
// the rollup keeps: the last in eid order), if it has one (ok).
type workOrder struct {
	eid   int64
	id    tracegraph.ID
	label tracegraph.Label
	ok    bool
}

// lookahead returns the expandFunc of a walk of at most maxDepth levels
// along types with the parameters base (expandParams): one that reads
// ahead when an expand_*_levels query follows exactly these types (and its
// lookahead), else plain (and nil).
func (s *Store) lookahead(tx runner, types []tracegraph.EdgeType, base map[string]any, maxDepth int) (expandFunc, *lookahead) {
	plain := s.expandWith(tx, base)
	set, ok := levelsSet(types)
	if s.perLevel || !ok {
		return plain, nil
	}
	l := &lookahead{s: s, tx: tx, base: base, plain: plain, maxDepth: maxDepth, wide: levelWide,
		queries: [2]string{qExpandInLevels + set, qExpandOutLevels + set}}
	return l.expand, l
}

// levelsSet names the expand_*_levels queries that follow exactly types
// (querygen.LevelsSets), if any do.
func levelsSet(types []tracegraph.EdgeType) (string, bool) {
	has := map[tracegraph.EdgeType]bool{}
	for _, t := range types {
		has[t] = true
	}
	switch {
	case len(types) == 0 || len(has) == len(tracegraph.EdgeTypes):
		return "all", true
	case len(has) == 1 && has[tracegraph.EdgeContains]:
		return "contains", true
	case len(has) == 3 && has[tracegraph.EdgeContains] && has[tracegraph.EdgeConsumed] && has[tracegraph.EdgeDerivedFrom]:
		return "structural", true
	}
	return "", false
}

func (l *lookahead) expand(ctx context.Context, ids []tracegraph.ID, up bool) (map[tracegraph.ID][]hop, error) {
	d := 0
	if up {
		d = 1
	}
	l.levels[d]++
	left := l.maxDepth - l.levels[d] + 1 // levels the walk may still expand, this one included
	out := make(map[tracegraph.ID][]hop, len(ids))
	var missing []tracegraph.ID
	for _, id := range ids {
		if hs, ok := l.ahead[d][id]; ok {
			out[id] = hs
			delete(l.ahead[d], id) // a node expanded again is read again
		} else {
			missing = append(missing, id)
		}
	}
	switch {
	case len(missing) == 0:
		return out, nil
	case len(missing) > l.wide || left < 2:
		got, err := l.plain(ctx, missing, up)
		maps.Copy(out, got)
		return out, err
	}
	got, _, err := l.read(ctx, missing, up, left)
	if err != nil {
		return nil, err
	}
	for _, id := range missing {
		out[id] = got[id]
		delete(got, id)
	}
	l.keep(d, got)
	return out, nil
}

// read runs the expand_*_levels query from ids for up to levels levels,
// and returns the hops of every node it expanded and what it says of ids
// as start nodes (the live ones).
func (l *lookahead) read(ctx context.Context, ids []tracegraph.ID, up bool, levels int) (map[tracegraph.ID][]hop, map[tracegraph.ID]nodeInfo, error) {
	d := 0
	if up {
		d = 1
	}
	params := maps.Clone(l.base)
	params["ids"], params["levels"], params["wide"] = idStrings(ids), int64(min(levels, expandLevels)), int64(l.wide)
	params["chunk"], params["orders"] = int64(levelChunk), l.orders != nil
	got, starts := map[tracegraph.ID][]hop{}, map[tracegraph.ID]nodeInfo{}
	var orders []any
	err := l.s.each(ctx, l.tx, l.queries[d], params, func(rec *neo4j.Record) error {
		if l.orders != nil && orders == nil {
			o, err := value[[]any](rec, "orders")
			if err != nil {
				return err
			}
			orders = o
		}
		return addRows(got, starts, rec, up)
	})
	if err != nil {
		return nil, nil, err
	}
	if l.orders != nil {
		if err := l.addOrders(got, orders); err != nil {
			return nil, nil, err
		}
	}
	sortHops(got)
	return got, starts, nil
}

// addOrders records the work orders a levels query read (rows [unit, eid,
// order, label]) and an entry for every node it expanded (got's), so that
// a unit without one is known to have none.
func (l *lookahead) addOrders(got map[tracegraph.ID][]hop, rows []any) error {
	for id := range got {
		if _, ok := l.orders[id]; !ok {
			l.orders[id] = workOrder{}
		}
	}
	for _, row := range rows {
		r, ok := row.([]any)
		if !ok || len(r) != 4 {
			return fmt.Errorf("expand levels: order %v is not a list of 4", row)
		}
		unit, ok1 := r[0].(string)
		eid, ok2 := r[1].(int64)
		order, ok3 := r[2].(string)
		label, ok4 := r[3].(string)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return fmt.Errorf("expand levels: order %v: unit, eid, order or label of the wrong type", r)
		}
		if cur := l.orders[tracegraph.ID(unit)]; !cur.ok || eid > cur.eid {
			l.orders[tracegraph.ID(unit)] = workOrder{eid: eid, id: tracegraph.ID(order), label: tracegraph.Label(label), ok: true}
		}
	}
	return nil
}

// addRows adds the rows of a record of expand_*.cypher or
// expand_*_levels.cypher (addLevelRow); starts may be nil where no row is
// a start node's.
func addRows(out map[tracegraph.ID][]hop, starts map[tracegraph.ID]nodeInfo, rec *neo4j.Record, up bool) error {
	rows, err := value[[]any](rec, "rows")
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := addLevelRow(out, starts, r, up); err != nil {
			return err
		}
	}
	return nil
}

// addLevelRow adds a row of expand_*_levels.cypher's list: an edge
// [from, type, rel, other, label, status, held] to the hops of from (a
// null type: from has no edge, it only gets an entry), or a start node
// [from, null, null, null, label, status, held, true], expanded, to
// starts when live (a label).
func addLevelRow(out map[tracegraph.ID][]hop, starts map[tracegraph.ID]nodeInfo, row any, up bool) error {
	r, ok := row.([]any)
	if !ok || (len(r) != 7 && len(r) != 8) {
		return fmt.Errorf("expand levels: row %v is not a list of 7 or 8", row)
	}
	from, ok1 := r[0].(string)
	label, ok2 := orZero[string](r[4])
	status, ok3 := orZero[string](r[5])
	held, ok4 := orZero[bool](r[6])
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return fmt.Errorf("expand levels: row %v: from, label, status or held of the wrong type", r)
	}
	id := tracegraph.ID(from)
	if r[1] == nil {
		if _, ok := out[id]; !ok {
			out[id] = nil
		}
		if len(r) == 8 && label != "" && starts != nil { // a live start node
			starts[id] = nodeInfo{label: tracegraph.Label(label), status: status, held: held}
		}
		return nil
	}
	typ, ok1 := r[1].(string)
	other, ok3 := r[3].(string)
	if !ok1 || !ok3 {
		return fmt.Errorf("expand levels: row %v: type or other of the wrong type", r)
	}
	source, target := other, from
	if up {
		source, target = from, other
	}
	var e tracegraph.Edge
	var err error
	switch rel := r[2].(type) {
	case map[string]any:
		e, err = decodeEdge(typ, rel, source, target)
	case []any:
		e, err = decodeLeanEdge(typ, rel, source, target)
	default:
		err = fmt.Errorf("expand levels: row %v: rel of the wrong type", r)
	}
	if err != nil {
		return err
	}
	out[id] = append(out[id], hop{edge: e, other: tracegraph.ID(other), label: tracegraph.Label(label), status: status, held: held})
	return nil
}

// decodeLeanEdge is decodeEdge for a lean rel (querygen.LeanRel): [eid,
// precision], validFrom and validTo after them on CONTAINS.
func decodeLeanEdge(typ string, rel []any, source, target string) (tracegraph.Edge, error) {
	e := tracegraph.Edge{Type: tracegraph.EdgeType(typ), Source: tracegraph.ID(source), Target: tracegraph.ID(target)}
	if len(rel) != 2 && len(rel) != 4 {
		return e, fmt.Errorf("%s relationship %s → %s: lean rel %v is not a list of 2 or 4", typ, source, target, rel)
	}
	eid, ok := rel[0].(int64)
	if !ok || eid < 0 {
		return e, fmt.Errorf("%s relationship %s → %s without an eid", typ, source, target)
	}
	e.ID = tracegraph.EdgeID(eid)
	if p, _ := rel[1].(string); p != "" {
		prec, err := tracegraph.ParsePrecision(p)
		if err != nil {
			return e, fmt.Errorf("edge %d: %w", eid, err)
		}
		e.Precision = prec
	}
	if len(rel) == 4 {
		if t, ok := rel[2].(time.Time); ok {
			e.ValidFrom = t.UTC()
		}
		if t, ok := rel[3].(time.Time); ok {
			e.ValidTo = t.UTC()
		}
	}
	return e, nil
}

// orZero is v as a T, T's zero value when v is null.
func orZero[T any](v any) (T, bool) {
	if v == nil {
		var zero T
		return zero, true
	}
	t, ok := v.(T)
	return t, ok
}

// keep holds hops read ahead in direction d until the walk asks for them.
func (l *lookahead) keep(d int, hops map[tracegraph.ID][]hop) {
	if l.ahead[d] == nil {
		l.ahead[d] = hops
	} else {
		maps.Copy(l.ahead[d], hops)
	}
}

// prime reads a walk's start nodes ids (sorted, each once) with the walk's
// first levels in direction up, in one query, before the walk starts: it
// returns what the walk needs of each live one (a missing or voided one
// is absent). It reads nothing and returns false where the walk does not
// read ahead (too many start nodes).
func (l *lookahead) prime(ctx context.Context, ids []tracegraph.ID, up bool) (map[tracegraph.ID]nodeInfo, bool, error) {
	if len(ids) > l.wide || l.maxDepth < 1 {
		return nil, false, nil
	}
	hops, starts, err := l.read(ctx, ids, up, l.maxDepth)
	if err != nil {
		return nil, false, err
	}
	d := 0
	if up {
		d = 1
	}
	l.keep(d, hops)
	return starts, true, nil
}
