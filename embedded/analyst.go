package embedded

import (
	"bytes"
	"container/heap"
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/tracegraph/tracegraph"
)

var _ tracegraph.Analyst = (*Store)(nil)

// FindMaterial implements tracegraph.Analyst: one range scan of the material
// index (see scanMaterial), the IDs checked against the topology.
func (s *Store) FindMaterial(ctx context.Context, f tracegraph.MaterialFilter) ([]tracegraph.ID, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	is, err := s.materialStarts(ctx, &f)
	if err != nil {
		return nil, fmt.Errorf("find material: %w", err)
	}
	if len(is) > tracegraph.MaxMaterialMatches {
		return nil, tracegraph.Errorf(tracegraph.CodeLimit, "", "%d lots, components and wafer batches match; at most %d can be listed: narrow the filter", len(is), tracegraph.MaxMaterialMatches)
	}
	out := make([]tracegraph.ID, len(is))
	s.mu.RLock()
	for k, i := range is {
		out[k] = s.t.name(i)
	}
	s.mu.RUnlock()
	slices.Sort(out)
	return slices.Compact(out), nil
}

// RecallUnits implements tracegraph.Analyst. The walk holds the read lock;
// the units are then emitted from its marks a chunk at a time, the lock
// taken for each chunk only, so a slow receiver never holds up writers.
// Memory: the walk's per-node marks (pooled, 4 bytes per node of the store)
// and its list of reached nodes (4 bytes each), plus one chunk of units.
func (s *Store) RecallUnits(ctx context.Context, req tracegraph.RecallRequest, emit func(tracegraph.RecallUnit) error) error {
	if err := req.Validate(); err != nil {
		return err
	}
	im, err := s.impactOf(ctx, req)
	if err != nil {
		return err
	}
	defer im.release()
	return s.streamUnits(ctx, im, nil, emit)
}

// impactOf resolves req's material and walks, taking s.mu for the walk.
func (s *Store) impactOf(ctx context.Context, req tracegraph.RecallRequest) (*impact, error) {
	material, err := s.materialStarts(ctx, req.Material)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.walkImpact(ctx, req, material)
}

// streamUnits emits the units im reached that keep accepts (nil: all; it
// runs under s.mu), a chunk at a time.
func (s *Store) streamUnits(ctx context.Context, im *impact, keep func(i uint32) bool, emit func(tracegraph.RecallUnit) error) error {
	t := s.t
	chunk := make([]tracegraph.RecallUnit, 0, chunkSize)
	for k := 0; k < len(im.order); {
		if err := ctx.Err(); err != nil {
			return err
		}
		chunk = chunk[:0]
		s.mu.RLock()
		for ; k < len(im.order) && len(chunk) < chunkSize; k++ {
			i := im.order[k]
			if t.label[i] == unitCode && (keep == nil || keep(i)) {
				chunk = append(chunk, im.recallUnit(i))
			}
		}
		s.mu.RUnlock()
		for _, u := range chunk {
			if err := emit(u); err != nil {
				return fmt.Errorf("emit %s: %w", u.ID, err)
			}
		}
	}
	return nil
}

// Evidence implements tracegraph.Analyst. It searches upstream from the unit
// towards the suspects (a unit's upstream is small where a suspect's
// downstream may be a million units), breadth first along the links a
// recall follows: first along EXACT links only, then CANDIDATE or better,
// then all, so that the first suspect found ends the best path.
func (s *Store) Evidence(ctx context.Context, req tracegraph.RecallRequest, unit tracegraph.ID) ([]tracegraph.Edge, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	if err := checkID(unit); err != nil {
		return nil, err
	}
	material, err := s.materialStarts(ctx, req.Material)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	t := s.t
	u, ok := t.lookup(unit)
	if !ok || !t.live(u) || t.label[u] != unitCode {
		s.mu.RUnlock()
		return nil, tracegraph.Errorf(tracegraph.CodeNotFound, "unit", "unit %s does not exist", unit)
	}
	starts, err := t.startIndexes("suspects", req.Suspects)
	if err != nil {
		s.mu.RUnlock()
		return nil, err
	}
	suspect := getMarks(t.nodeCount())
	defer putMarks(suspect)
	for _, i := range append(starts, material...) {
		if t.live(i) {
			suspect.Set(i, 1)
		}
	}
	path, found, err := t.bestPath(ctx, u, suspect, tracegraph.NewEdgeFilter(structural, req.AsOf, req.History, 0))
	var out []tracegraph.Edge
	if err == nil && found {
		out = make([]tracegraph.Edge, len(path))
		for k, e := range path {
			out[k] = s.edgeLocked(e)
		}
	}
	s.mu.RUnlock()
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, tracegraph.Errorf(tracegraph.CodeNotFound, "unit", "%s is not affected by these suspects", unit)
	}
	if err := s.fillEdges(out); err != nil {
		return nil, err
	}
	return out, nil
}

// bestPath finds the best path from a node marked in suspect down to unit u
// (most precise, then fewest hops; the first found in edge order among
// equals) and returns its edge indexes from the suspect to u. s.mu is held
// for reading.
func (t *topo) bestPath(ctx context.Context, u uint32, suspect *tracegraph.Marks, ef tracegraph.EdgeFilter) ([]uint32, bool, error) {
	if suspect.Seen(u) {
		return []uint32{}, true, nil
	}
	for _, p := range []tracegraph.Precision{tracegraph.PrecisionExact, tracegraph.PrecisionCandidate, tracegraph.PrecisionOrder} {
		ef.MinPrecision = p
		parent := getMarks(t.nodeCount()) // edge index + 1 by which a node was reached
		parent.Set(u, ^uint32(0))
		frontier, next := []uint32{u}, []uint32(nil)
		hit, steps := uint32(0), 0
		found := false
		for depth := 1; depth <= tracegraph.MaxTraceDepth && len(frontier) > 0 && !found; depth++ {
			next = next[:0]
			for _, f := range frontier {
				if steps++; steps&4095 == 0 {
					if err := ctx.Err(); err != nil {
						putMarks(parent)
						return nil, false, err
					}
				}
				t.out.each(f, func(e uint32) bool {
					if !t.edgeCounts(&ef, e) {
						return true
					}
					v := t.er[e].dst
					if parent.Seen(v) || t.flags[v]&flVoided != 0 || t.isContainer(v) {
						return true
					}
					parent.Set(v, e+1)
					if suspect.Seen(v) {
						hit, found = v, true
						return false
					}
					next = append(next, v)
					return true
				})
				if found {
					break
				}
			}
			frontier, next = next, frontier
		}
		if found {
			var path []uint32
			for v := hit; v != u; {
				e := parent.Get(v) - 1
				path = append(path, e)
				v = t.er[e].src
			}
			putMarks(parent)
			return path, true, nil
		}
		putMarks(parent)
	}
	return nil, false, nil
}

// WhereUsed implements tracegraph.Analyst: the recall walk from the matching
// material, then the recall rollup of the units kept (all, or those shipped
// in the window).
func (s *Store) WhereUsed(ctx context.Context, req tracegraph.WhereUsedRequest) (*tracegraph.WhereUsedReport, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	after, _ := req.Page.AfterID()
	material, err := s.materialStarts(ctx, &req.Material)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.t
	im, err := s.walkImpact(ctx, tracegraph.RecallRequest{AsOf: req.AsOf, History: req.History}, material)
	if err != nil {
		return nil, err
	}
	defer im.release()
	rep := &tracegraph.WhereUsedReport{AsOf: im.asOf, Material: len(material), Units: []tracegraph.RecallUnit{},
		Cursors: []string{}, Products: []tracegraph.PartCount{}}
	ru := im.rollup(t.nodeCount())
	defer releaseRollup(ru)
	page := newFirstIDs(t, after, req.Page.First)
	for k, i := range im.order {
		if k&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if t.label[i] != unitCode || (req.ShipWindow() && !ru.ShippedIn(i, req.InShipWindow)) {
			continue
		}
		ru.Add(i, rep.Count(im.recallUnit(i)))
		page.offer(i)
	}
	ru.Finish()
	is, more := page.sorted()
	for _, i := range is {
		rep.Units = append(rep.Units, im.recallUnit(i))
		rep.Cursors = append(rep.Cursors, tracegraph.CursorOf(t.name(i)))
	}
	rep.HasNextPage = more
	rep.Products, rep.ProductUnits = ru.PartCounts(func(i uint32) string { return t.parts[t.part[i]] },
		func(i uint32) bool { return im.m.Precision(i) == tracegraph.PrecisionExact })
	rep.WorkOrders, rep.Customers = ru.Entries(tracegraph.LabelWorkOrder, t.name, sortLimit), ru.Entries(tracegraph.LabelCustomer, t.name, sortLimit)
	return rep, nil
}

// WhereUsedUnits implements tracegraph.Analyst, streaming as RecallUnits does.
func (s *Store) WhereUsedUnits(ctx context.Context, req tracegraph.WhereUsedRequest, emit func(tracegraph.RecallUnit) error) error {
	req.Page = tracegraph.Page{}
	if err := req.Validate(); err != nil {
		return err
	}
	material, err := s.materialStarts(ctx, &req.Material)
	if err != nil {
		return err
	}
	s.mu.RLock()
	im, err := s.walkImpact(ctx, tracegraph.RecallRequest{AsOf: req.AsOf, History: req.History}, material)
	s.mu.RUnlock()
	if err != nil {
		return err
	}
	defer im.release()
	var keep func(uint32) bool
	if req.ShipWindow() {
		ru := tracegraph.NewRollup(im.x, &im.x.f, nil)
		keep = func(i uint32) bool { return ru.ShippedIn(i, req.InShipWindow) }
	}
	return s.streamUnits(ctx, im, keep, emit)
}

// ProcessUnits implements tracegraph.Analyst: a time range of the record
// index under the query's recipe, else station, else step; the records read
// only when the query names more than that one field or a parameter.
func (s *Store) ProcessUnits(ctx context.Context, q tracegraph.ProcessQuery, page tracegraph.Page) (*tracegraph.UnitPage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	field, value := fRecipe, q.Recipe
	switch {
	case q.Recipe != "":
	case q.Station != "":
		field, value = fStation, q.Station
	default:
		field, value = fStep, q.Step
	}
	given := 0
	for _, v := range []string{q.Station, q.Recipe, q.Step} {
		if v != "" {
			given++
		}
	}
	read := given > 1 || q.Parameter != ""
	return s.recordUnits(ctx, tracegraph.EdgeProcessedBy, page, func(yield func(id []byte) error) error {
		return s.scanRecords(ctx, field, value, q.From, q.To, func(id, _ []byte) error {
			if read {
				n, err := s.getNode(tracegraph.ID(id))
				if err != nil || !q.Match(n) {
					return err
				}
			}
			return yield(id)
		})
	})
}

// TestUnits implements tracegraph.Analyst: a time range of the record index
// under the query's measurement (its entries carry the measured values and
// limits), else firmware checksum, else version, else test type; records are
// read only for criteria their entries do not answer.
func (s *Store) TestUnits(ctx context.Context, q tracegraph.TestQuery, page tracegraph.Page) (*tracegraph.UnitPage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	field, value := fChecksum, q.FirmwareChecksum
	switch {
	case q.Measurement != "":
		field, value = fMeasure, q.TestType+"\x00"+q.Measurement
	case q.FirmwareChecksum != "":
	case q.FirmwareVersion != "":
		field, value = fFirmware, q.FirmwareVersion
	default:
		field, value = fTestType, q.TestType
	}
	given := 0
	for _, v := range []string{q.TestType, q.FirmwareVersion, q.FirmwareChecksum} {
		if v != "" {
			given++
		}
	}
	// An entry answers one field (a measurement's, its test type too).
	read := given > 1
	return s.recordUnits(ctx, tracegraph.EdgeTestedBy, page, func(yield func(id []byte) error) error {
		return s.scanRecords(ctx, field, value, q.From, q.To, func(id, v []byte) error {
			if q.Measurement != "" {
				ms, err := measurements(q.Measurement, v)
				if err != nil {
					return err
				}
				if !slices.ContainsFunc(ms, q.MatchMeasurement) {
					return nil
				}
			}
			if read {
				n, err := s.getNode(tracegraph.ID(id))
				if err != nil || !q.Match(n) {
					return err
				}
			}
			return yield(id)
		})
	})
}

// recordUnits gathers the units linked by an edge of type typ into the
// records scan yields (PROCESSED_BY into process steps, TESTED_BY into test
// runs), each unit once, and returns the page of them in ID order.
func (s *Store) recordUnits(ctx context.Context, typ tracegraph.EdgeType, page tracegraph.Page, scan func(yield func(id []byte) error) error) (*tracegraph.UnitPage, error) {
	if err := page.Normalize(); err != nil {
		return nil, err
	}
	after, err := page.AfterID()
	if err != nil {
		return nil, err
	}
	code := uint8(typ.Code())
	s.mu.RLock()
	n := s.t.nodeCount()
	s.mu.RUnlock()
	seen := getMarks(n) // units already counted
	defer putMarks(seen)
	first := newFirstIDs(s.t, after, page.First)
	total := 0
	t := s.t
	c := &idChunk{s: s, out: func([]uint32) error { return nil }}
	// Units are found under the chunk's lock: keep runs there.
	c.keep = func(rec uint32) bool {
		t.in.each(rec, func(e uint32) bool {
			if t.emeta[e]&emTypeMask != code || t.emeta[e]&emVoided != 0 {
				return true
			}
			if u := t.er[e].src; int(u) < n && !seen.Seen(u) && t.live(u) {
				seen.Set(u, 1)
				total++
				first.offer(u)
			}
			return true
		})
		return false
	}
	if err := scan(c.add); err != nil {
		return nil, err
	}
	if err := c.flush(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	is, more := first.sorted()
	ids := make([]tracegraph.ID, len(is))
	for k, i := range is {
		ids[k] = t.name(i)
	}
	s.mu.RUnlock()
	out := &tracegraph.UnitPage{Units: make([]*tracegraph.Node, 0, len(ids)), Cursors: make([]string, 0, len(ids)),
		HasNextPage: more, TotalCount: total}
	for _, id := range ids {
		n, err := s.getNode(id)
		if err != nil {
			return nil, err
		}
		if n == nil {
			continue // voided since
		}
		out.Units = append(out.Units, n)
		out.Cursors = append(out.Cursors, tracegraph.CursorOf(id))
	}
	return out, nil
}

// firstIDs keeps, of the nodes it is offered, the k smallest IDs above
// after (and one more, to tell whether there are more): a max-heap, so a
// page of a million-unit answer costs k entries. Its methods run under s.mu.
type firstIDs struct {
	t     *topo
	after []byte
	k     int
	h     []uint32
}

func newFirstIDs(t *topo, after tracegraph.ID, k int) *firstIDs {
	return &firstIDs{t: t, after: []byte(after), k: k}
}

func (f *firstIDs) Len() int           { return len(f.h) }
func (f *firstIDs) Less(a, b int) bool { return bytes.Compare(f.name(f.h[a]), f.name(f.h[b])) > 0 }
func (f *firstIDs) Swap(a, b int)      { f.h[a], f.h[b] = f.h[b], f.h[a] }
func (f *firstIDs) Push(x any)         { f.h = append(f.h, x.(uint32)) }
func (f *firstIDs) Pop() any {
	x := f.h[len(f.h)-1]
	f.h = f.h[:len(f.h)-1]
	return x
}
func (f *firstIDs) name(i uint32) []byte { return f.t.nameBytes(i) }

func (f *firstIDs) offer(i uint32) {
	name := f.name(i)
	if len(f.after) > 0 && bytes.Compare(name, f.after) <= 0 {
		return
	}
	if len(f.h) <= f.k {
		heap.Push(f, i)
		return
	}
	if bytes.Compare(name, f.name(f.h[0])) < 0 {
		f.h[0] = i
		heap.Fix(f, 0)
	}
}

// sorted returns the first k in ID order and whether more were offered.
func (f *firstIDs) sorted() ([]uint32, bool) {
	out := slices.Clone(f.h)
	sort.Slice(out, func(a, b int) bool { return bytes.Compare(f.name(out[a]), f.name(out[b])) < 0 })
	if len(out) > f.k {
		return out[:f.k], true
	}
	return out, false
}
