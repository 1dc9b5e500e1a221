package embedded

import (
	"bytes"
	"context"
	"hash/maphash"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/tracegraph/tracegraph"
)

// sortLimit is the largest answer whose lists are sorted by ID; larger ones
// keep traversal order, which is deterministic for a given store.
const sortLimit = 100_000

// structural are the edges recalls travel along: assembly, consumption and
// derivation.
var structural = []tracegraph.EdgeType{tracegraph.EdgeContains, tracegraph.EdgeConsumed, tracegraph.EdgeDerivedFrom}

var (
	unitCode  = uint8(tracegraph.LabelUnit.Code())
	shippedTo = uint8(tracegraph.EdgeShippedTo.Code())
)

// impact is what one recall walk reached: every node downstream of the
// suspects along assembly, consumption and derivation (not into containers),
// each marked in m with its fewest hops and best-path precision. Every recall
// question (RecallImpact, RecallUnits, WhereUsed) starts from it. release
// returns the marks to the pool.
type impact struct {
	x     *expander // the walk's filter; also the rollups' Containment
	m     *tracegraph.Marks
	order []uint32 // reached nodes in breadth-first order, suspects first
	asOf  time.Time
	noted bool // the walk noted holders in the slots it was given
}

func (im *impact) release() { putMarksOn(im.m, im.x.s.par.workerCount()) }

// putMarksOn is putMarks resetting the marks on up to w goroutines: a
// recall at M marks millions of nodes.
func putMarksOn(m *tracegraph.Marks, w int) {
	m.ResetOn(w)
	marksPool.Put(m)
}

// lookupBytes is lookup for an ID held as bytes.
func (t *topo) lookupBytes(id []byte) (uint32, bool) {
	mask := uint64(len(t.slots) - 1)
	for h := maphash.Bytes(t.seed, id) & mask; ; h = (h + 1) & mask {
		s := t.slots[h]
		if s == 0 {
			return 0, false
		}
		if bytes.Equal(t.nameBytes(s-1), id) {
			return s - 1, true
		}
	}
}

// idChunk gathers IDs from an index scan and resolves them to live node
// indexes a chunk at a time, each under a short read lock, so that a long
// scan never holds up writers.
type idChunk struct {
	s    *Store
	buf  []byte
	ends []int
	keep func(i uint32) bool // under s.mu; nil: every live node
	out  func(is []uint32) error
	is   []uint32
}

const chunkSize = 1024

func (c *idChunk) add(id []byte) error {
	c.buf = append(c.buf, id...)
	c.ends = append(c.ends, len(c.buf))
	if len(c.ends) >= chunkSize {
		return c.flush()
	}
	return nil
}

func (c *idChunk) flush() error {
	if len(c.ends) == 0 {
		return nil
	}
	c.is = c.is[:0]
	t := c.s.t
	c.s.mu.RLock()
	start := 0
	for _, end := range c.ends {
		if i, ok := t.lookupBytes(c.buf[start:end]); ok && t.live(i) && (c.keep == nil || c.keep(i)) {
			c.is = append(c.is, i)
		}
		start = end
	}
	c.s.mu.RUnlock()
	c.buf, c.ends = c.buf[:0], c.ends[:0]
	return c.out(c.is)
}

// materialStarts returns the indexes of the live material f matches, and
// nil for a nil filter. s.mu must not be held: it scans the index first.
func (s *Store) materialStarts(ctx context.Context, f *tracegraph.MaterialFilter) ([]uint32, error) {
	if f == nil {
		return nil, nil
	}
	var out []uint32
	c := &idChunk{s: s, keep: func(i uint32) bool { return s.t.labelOf(i).IsMaterial() },
		out: func(is []uint32) error { out = append(out, is...); return nil }}
	if err := s.scanMaterial(ctx, f, c.add); err != nil {
		return nil, err
	}
	if err := c.flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// walkImpact walks downstream from req's suspects and the material starts
// (from materialStarts). NOT_FOUND for a missing suspect. s.mu is held for
// reading.
func (s *Store) walkImpact(ctx context.Context, req tracegraph.RecallRequest, material []uint32) (*impact, error) {
	return s.walkImpactOn(ctx, req, material, 0, nil)
}

// walkImpactOn is walkImpact reading the frontier on up to workers (>= 1)
// goroutines (wideExpander), for a recall that holds its whole answer
// anyway: its hops a larger piece at a time (wideHops). At a moment, it
// notes in slots, a rollup's, what holds each node it expands (see
// expandNotes): slots is then the rollup's to take (Rollup.Noted) or to
// release.
func (s *Store) walkImpactOn(ctx context.Context, req tracegraph.RecallRequest, material []uint32, workers int, slots *tracegraph.Marks) (*impact, error) {
	t := s.t
	starts, err := t.startIndexes("suspects", req.Suspects)
	if err != nil {
		return nil, err
	}
	for _, i := range material {
		if t.live(i) {
			starts = append(starts, i)
		}
	}
	f := tracegraph.NewEdgeFilter(structural, req.AsOf, req.History, 0)
	f.NoContainers = true
	im := &impact{x: s.expander(f), m: getMarks(t.nodeCount()), asOf: time.Unix(0, f.At).UTC()}
	if !req.AsOf.IsZero() && !req.History {
		im.x.asOf = im.asOf
	}
	// The order in the marks' own list (valid until release), the hops
	// walkHops at a time: a recall's state stays a few bytes per node
	// reached (bench's stated bound for the streamed serial list).
	var x tracegraph.Expander = im.x
	budget := walkHops
	var wide *wideExpander
	if workers > 0 {
		wide = &wideExpander{expander: im.x, workers: workers, least: s.par.minPart, edges: s.par.minEdges}
		x, budget = wide, wideHops(t.nodeCount())
		if slots != nil && !f.History && !s.par.noNotes {
			// The walk lists no edges and keeps every node: hops that
			// change no mark may be left out.
			wide.noteIn(slots, im.m)
		}
	}
	r, err := tracegraph.Walk(ctx, x, im.m, starts, tracegraph.WalkSpec{MaxDepth: tracegraph.MaxTraceDepth,
		Scratch: true, HopBudget: budget})
	if err != nil {
		im.release()
		return nil, err
	}
	im.order, im.noted = r.Order, wide != nil && wide.notes != nil
	return im, nil
}

// walkHops is about how many hops a recall walk holds at a time (16 bytes
// each): a level's are millions at M, a suspect reel's a thousand boards.
const walkHops = 1024

// parallelism says how many goroutines a recall's rollups and unit lists
// are built on (the expander is only read, so it is safe for them), and
// the fewest units each is given; zero values: up to 4, as many as
// GOMAXPROCS, and tracegraph.Parts's default; minEdges, the fewest edges
// a goroutine of the walk is given when it splits few nodes' edges (0:
// the wideExpander's default). noNotes turns the walk's notes of holders
// off (tests compare with and without).
type parallelism struct {
	workers, minPart, minEdges int
	noNotes                    bool
}

func (p parallelism) workerCount() int {
	if p.workers > 0 {
		return p.workers
	}
	return min(runtime.GOMAXPROCS(0), 4)
}

// rollup starts the rollups of im's units (Release it when done).
func (im *impact) rollup(n int) *tracegraph.Rollup { return im.rollupIn(getMarks(n)) }

// rollupIn starts the rollups of im's units in slots (those the walk
// noted holders in, if it did).
func (im *impact) rollupIn(slots *tracegraph.Marks) *tracegraph.Rollup {
	ru := tracegraph.NewRollup(im.x, &im.x.f, slots)
	ru.Workers, ru.MinPart, ru.Noted = im.x.s.par.workerCount(), im.x.s.par.minPart, im.noted
	return ru
}

// releaseRollup returns a rollup's slots to the pool.
func releaseRollup(ru *tracegraph.Rollup) { putMarksOn(ru.Slots(), ru.Workers) }

// releaseRollup returns the rollup's slots to the pool, first clearing
// the notes the walk left in them (over the nodes it reached, before
// im.release), and then im's marks.
func (im *impact) releaseRollup(ru *tracegraph.Rollup) {
	if im.noted {
		ru.Slots().ClearOn(im.order, ru.Workers)
	}
	releaseRollup(ru)
	im.release()
}

// recallUnit is unit i as a recall reports it, its status that of the
// question's moment (tracegraph.StatusAt). s.mu is held for reading.
func (im *impact) recallUnit(i uint32) tracegraph.RecallUnit {
	t := im.x.t
	return tracegraph.RecallUnit{ID: t.name(i), Precision: im.m.Precision(i), Depth: im.m.Depth(i),
		Status: im.x.status(i), OnHold: t.flags[i]&flHeld != 0}
}

// status is unit i's status at x.asOf (now when zero): read from the node's
// properties when it may have differed then. s.mu is held for reading.
func (x *expander) status(i uint32) string {
	st := statusNames[x.t.status[i]]
	if x.asOf.IsZero() || !tracegraph.NeedsStatusAt(st) {
		return st
	}
	n, err := x.s.readNode(x.t.name(i), x.t.flags[i], true)
	if err != nil || n == nil {
		return st // the topology's status: the record could not be read
	}
	return tracegraph.StatusAt(n, x.asOf)
}

// RecallImpact implements tracegraph.Graph. It walks downstream from the
// suspects (and the material req.Material matches) along assembly,
// consumption and derivation (not into containers), keeps every unit reached
// with its best-path precision, then rolls the units up by the rollup rules
// (tracegraph.Rollup).
func (s *Store) RecallImpact(ctx context.Context, req tracegraph.RecallRequest) (*tracegraph.RecallReport, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	material, err := s.materialStarts(ctx, req.Material)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.t
	slots := getMarks(t.nodeCount())
	im, err := s.walkImpactOn(ctx, req, material, s.par.workerCount(), slots)
	if err != nil {
		return nil, err // slots with the notes of a walk cut short: left to the collector
	}
	rep := &tracegraph.RecallReport{Suspects: req.Suspects, AsOf: im.asOf,
		Confirmed: []tracegraph.RecallUnit{}, Possible: []tracegraph.RecallUnit{}}
	ru := im.rollupIn(slots)
	defer im.releaseRollup(ru)
	units := make([]uint32, 0, len(im.order))
	for k, i := range im.order {
		if k&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if t.label[i] == unitCode {
			units = append(units, i)
		}
	}
	if tracegraph.Parts(len(units), ru.Workers, ru.MinPart) == 1 {
		for _, i := range units {
			ru.Add(i, rep.Add(im.recallUnit(i)))
		}
		ru.Finish()
		return im.fill(rep, ru, true), nil
	}
	w := tracegraph.Parts(len(units), ru.Workers, ru.MinPart)
	confirmed, nc := im.confirmedUnits(units, w)
	// The report's lists (56 bytes a unit, zeroed) are allocated meanwhile.
	lists := make(chan []tracegraph.RecallUnit, 1)
	go func() { lists <- make([]tracegraph.RecallUnit, len(units)) }()
	ru.AddUnits(units, confirmed)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ru.Finish()
	im.listUnits(rep, units, confirmed, len(units) <= sortLimit, <-lists, nc, w)
	return im.fill(rep, ru, false), nil
}

// confirmedUnits returns whether each of units is confirmed (its best path
// EXACT) and how many are, found in w parts on as many goroutines.
func (im *impact) confirmedUnits(units []uint32, w int) ([]bool, int) {
	confirmed := make([]bool, len(units))
	counts := make([]int, w)
	tracegraph.InParallel(len(units), w, func(part, lo, hi int) {
		for k := lo; k < hi; k++ {
			if im.m.Precision(units[k]) == tracegraph.PrecisionExact {
				confirmed[k] = true
				counts[part]++
			}
		}
	})
	n := 0
	for _, c := range counts {
		n += c
	}
	return confirmed, n
}

// listUnits sets rep's Confirmed and Possible to units as reported (each
// confirmed or not: confirmedUnits), by ID (byID) or in the order given, in all (as long as units: nc confirmed
// first, the possible after), filled in place in w parts on as many
// goroutines (each unit's ID, status and marks are reads scattered over
// the topology), and counts their statuses.
func (im *impact) listUnits(rep *tracegraph.RecallReport, units []uint32, confirmed []bool, byID bool, all []tracegraph.RecallUnit, nc, w int) {
	order := units
	if byID {
		t := im.x.t
		order = slices.Clone(units)
		slices.SortFunc(order, func(a, b uint32) int { return bytes.Compare(t.nameBytes(a), t.nameBytes(b)) })
	}
	base := make([]int, w+1) // confirmed units before each part of order
	tracegraph.InParallel(len(order), w, func(part, lo, hi int) {
		n := 0
		for k, i := range order[lo:hi] {
			if byID && im.m.Precision(i) == tracegraph.PrecisionExact || !byID && confirmed[lo+k] {
				n++
			}
		}
		base[part+1] = n
	})
	for part := range w {
		base[part+1] += base[part]
	}
	rep.Confirmed, rep.Possible = all[:nc:nc], all[nc:]
	counts := make([][2]tracegraph.StatusCounts, w) // per part, of its confirmed and possible units
	tracegraph.InParallel(len(order), w, func(part, lo, hi int) {
		c, p := base[part], lo-base[part]
		cc, pc := &counts[part][0], &counts[part][1]
		for _, i := range order[lo:hi] {
			if u := im.recallUnit(i); u.Precision == tracegraph.PrecisionExact {
				rep.Confirmed[c], c = u, c+1
				tracegraph.CountStatus(cc, u.Status)
			} else {
				rep.Possible[p], p = u, p+1
				tracegraph.CountStatus(pc, u.Status)
			}
		}
	})
	for _, pc := range counts {
		addCounts(&rep.ConfirmedCount, pc[0])
		addCounts(&rep.PossibleCount, pc[1])
	}
}

func addCounts(c *tracegraph.StatusCounts, o tracegraph.StatusCounts) {
	c.Shipped, c.InHouse, c.Scrapped = c.Shipped+o.Shipped, c.InHouse+o.InHouse, c.Scrapped+o.Scrapped
}

// fill sets the report's rollups and orders its lists.
func (im *impact) fill(rep *tracegraph.RecallReport, ru *tracegraph.Rollup, sortLists bool) *tracegraph.RecallReport {
	ru.Fill(rep, im.x.t.name, sortLimit)
	if sortLists && len(rep.Confirmed)+len(rep.Possible) <= sortLimit {
		byID := func(us []tracegraph.RecallUnit) {
			slices.SortFunc(us, func(a, b tracegraph.RecallUnit) int { return strings.Compare(string(a.ID), string(b.ID)) })
		}
		byID(rep.Confirmed)
		byID(rep.Possible)
	}
	return rep
}
