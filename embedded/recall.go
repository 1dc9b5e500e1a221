package embedded

import (
	"bytes"
	"context"
	"hash/maphash"
	"sort"
	"time"

	"github.com/tracegraph/tracegraph"
)

// sortLimit is the largest answer whose lists are sorted by ID; larger ones
// keep traversal order, which is deterministic for a given store.
const sortLimit = 100_000

// structural are the edges recalls travel along: assembly, consumption and
// derivation.
var structural = typeMask([]tracegraph.EdgeType{tracegraph.EdgeContains, tracegraph.EdgeConsumed, tracegraph.EdgeDerivedFrom})

var (
	unitCode     = uint8(tracegraph.LabelUnit.Code())
	shipmentCode = uint8(tracegraph.LabelShipment.Code())
	shippedTo    = uint8(tracegraph.EdgeShippedTo.Code())
)

// impact is what one recall walk reached: every node downstream of the
// suspects along assembly, consumption and derivation (not into containers),
// each marked in m with its fewest hops and best-path precision. Every recall
// question (RecallImpact, RecallUnits, Evidence's suspects, WhereUsed) starts
// from it. release returns the marks to the pool.
type impact struct {
	m       *marks
	order   []uint32 // reached nodes in breadth-first order, suspects first
	asOf    time.Time
	at      int64 // asOf in unix nanoseconds
	history bool
}

func (im *impact) release() { im.m.release() }

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
	asOf := req.AsOf
	if asOf.IsZero() {
		asOf = time.Now().UTC()
	}
	im := &impact{m: getMarks(t.nodeCount()), asOf: asOf, at: asOf.UnixNano(), history: req.History}
	r, err := t.walk(ctx, im.m, starts, walkSpec{types: structural, asOf: im.at, history: req.History,
		maxDepth: tracegraph.MaxTraceDepth, noEnter: true})
	if err != nil {
		im.release()
		return nil, err
	}
	im.order = r.order
	return im, nil
}

// climber climbs CONTAINS edges into a node (to its unit parents and the
// containers holding it) as the structure at asOf, or ever, shows them.
// s.mu is held for reading while it climbs.
type climber struct {
	t           *topo
	at          int64
	history     bool
	tops, climb []uint32
}

func newClimber(t *topo, im *impact) climber { return climber{t: t, at: im.at, history: im.history} }

// each calls f for every edge of type typ of node i in a that counts.
func (c *climber) each(a *adjacency, i uint32, typ uint8, f func(e uint32)) {
	a.each(i, func(e uint32) bool {
		if c.t.emeta[e]&emTypeMask == typ && c.t.edgeValid(e, c.at, c.history) {
			f(e)
		}
		return true
	})
}

// topsOf returns the finished products holding unit i: its unit ancestors
// (or i itself) that have no unit parent. The slice is reused by the next
// call.
func (c *climber) topsOf(i uint32) []uint32 {
	t := c.t
	c.tops = c.tops[:0]
	c.climb = append(c.climb[:0], i)
	for len(c.climb) > 0 {
		u := c.climb[len(c.climb)-1]
		c.climb = c.climb[:len(c.climb)-1]
		hasParent := false
		c.each(&t.cin, u, containsCode, func(e uint32) {
			if par := t.esrc[e]; t.label[par] == unitCode {
				hasParent = true
				c.climb = append(c.climb, par)
			}
		})
		if !hasParent {
			c.tops = append(c.tops, u)
		}
	}
	c.tops = uniq(c.tops)
	return c.tops
}

// shippedIn reports whether node i left in a shipment recorded at a moment
// in accepts: a CONTAINS edge from a shipment into i, or into a unit or
// container holding i, whose start in accepts.
func (c *climber) shippedIn(i uint32, in func(time.Time) bool) bool {
	t := c.t
	found := false
	c.climb = append(c.climb[:0], i)
	for len(c.climb) > 0 && !found {
		u := c.climb[len(c.climb)-1]
		c.climb = c.climb[:len(c.climb)-1]
		c.each(&t.cin, u, containsCode, func(e uint32) {
			par := t.esrc[e]
			if t.label[par] != shipmentCode {
				c.climb = append(c.climb, par)
			} else if in(time.Unix(0, t.efrom[e]).UTC()) {
				found = true
			}
		})
	}
	return found
}

// rollup tallies affected units by finished product and work order, then the
// products by the boxes, pallets, shipments and customers holding them. It is
// the one rollup of RecallImpact and WhereUsed. s.mu is held for reading.
type rollup struct {
	climber
	products                             *tallies          // by finished product
	orders                               map[uint32]*tally // by work order
	boxes, pallets, shipments, customers map[uint32]*tally
}

func newRollup(t *topo, im *impact) *rollup {
	return &rollup{climber: newClimber(t, im), products: newTallies(t.nodeCount()), orders: map[uint32]*tally{},
		boxes: map[uint32]*tally{}, pallets: map[uint32]*tally{}, shipments: map[uint32]*tally{}, customers: map[uint32]*tally{}}
}

func (r *rollup) release() { r.products.release() }

// add counts unit i under its work order and its finished products tops.
func (r *rollup) add(i uint32, tops []uint32, confirmed bool) {
	if wo := r.t.order[i]; wo != 0 {
		if confirmed {
			add(r.orders, wo-1, 1, 0)
		} else {
			add(r.orders, wo-1, 0, 1)
		}
	}
	for _, top := range tops {
		r.products.count(top, confirmed)
	}
}

// holders tallies the boxes, pallets, shipments and customers holding each
// product counted, with the product's counts. SHIPPED_TO counts whenever it
// was recorded and not voided.
func (r *rollup) holders() {
	t := r.t
	byLabel := map[uint8]map[uint32]*tally{
		uint8(tracegraph.LabelBox.Code()): r.boxes, uint8(tracegraph.LabelPallet.Code()): r.pallets, shipmentCode: r.shipments,
	}
	for k, prod := range r.products.keys {
		tl := &r.products.vals[k]
		seen := map[uint32]bool{}
		climb := []uint32{prod}
		for len(climb) > 0 {
			c := climb[len(climb)-1]
			climb = climb[:len(climb)-1]
			r.each(&t.cin, c, containsCode, func(e uint32) {
				par := t.esrc[e]
				mp, ok := byLabel[t.label[par]]
				if !ok || seen[par] {
					return
				}
				seen[par] = true
				add(mp, par, tl.c, tl.p)
				climb = append(climb, par)
				if t.label[par] == shipmentCode {
					t.out.each(par, func(e uint32) bool {
						if t.emeta[e]&emTypeMask == shippedTo && t.emeta[e]&emVoided == 0 && !seen[t.edst[e]] {
							seen[t.edst[e]] = true
							add(r.customers, t.edst[e], tl.c, tl.p)
						}
						return true
					})
				}
			})
		}
	}
}

// entries lists a tally map as rollup entries, by ID when not too many.
func (r *rollup) entries(mp map[uint32]*tally) []tracegraph.RollupEntry {
	out := make([]tracegraph.RollupEntry, 0, len(mp))
	for k, tl := range mp {
		out = append(out, tracegraph.RollupEntry{ID: r.t.name(k), Confirmed: tl.c, Possible: tl.p})
	}
	if len(out) <= sortLimit {
		sort.Slice(out, func(a, b int) bool { return out[a].ID < out[b].ID })
	}
	return out
}

// recallUnit is unit i as a recall reports it.
func (im *impact) recallUnit(t *topo, i uint32) tracegraph.RecallUnit {
	return tracegraph.RecallUnit{ID: t.name(i), Precision: im.m.prec(i), Depth: im.m.depth(i),
		Status: statusNames[t.status[i]], OnHold: t.flags[i]&flHeld != 0}
}

// countStatus counts a unit with status code st.
func countStatus(c *tracegraph.StatusCounts, st uint8) {
	switch st {
	case stShipped:
		c.Shipped++
	case stScrapped:
		c.Scrapped++
	default:
		c.InHouse++
	}
}

// RecallImpact implements tracegraph.Graph. It walks downstream from the
// suspects (and the material req.Material matches) along assembly,
// consumption and derivation (not into containers), keeps every unit reached
// with its best-path precision, then rolls the units up to their finished
// products and to the work orders, boxes, pallets, shipments and customers
// that hold them.
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
	im, err := s.walkImpact(ctx, req, material)
	if err != nil {
		return nil, err
	}
	defer im.release()
	rep := &tracegraph.RecallReport{Suspects: req.Suspects, AsOf: im.asOf,
		Confirmed: []tracegraph.RecallUnit{}, Possible: []tracegraph.RecallUnit{}}
	ru := newRollup(t, im)
	defer ru.release()
	for k, i := range im.order {
		if k&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if t.label[i] != unitCode {
			continue
		}
		u := im.recallUnit(t, i)
		confirmed := u.Precision == tracegraph.PrecisionExact
		if confirmed {
			rep.Confirmed = append(rep.Confirmed, u)
			countStatus(&rep.ConfirmedCount, t.status[i])
		} else {
			rep.Possible = append(rep.Possible, u)
			countStatus(&rep.PossibleCount, t.status[i])
		}
		ru.add(i, ru.topsOf(i), confirmed)
	}
	ru.holders()
	rep.Products = make([]tracegraph.RollupEntry, len(ru.products.keys))
	for k, prod := range ru.products.keys {
		rep.Products[k] = tracegraph.RollupEntry{ID: t.name(prod), Confirmed: ru.products.vals[k].c, Possible: ru.products.vals[k].p}
	}
	if len(rep.Products) <= sortLimit {
		sort.Slice(rep.Products, func(a, b int) bool { return rep.Products[a].ID < rep.Products[b].ID })
	}
	rep.WorkOrders = ru.entries(ru.orders)
	rep.Boxes, rep.Pallets, rep.Shipments, rep.Customers = ru.entries(ru.boxes), ru.entries(ru.pallets), ru.entries(ru.shipments), ru.entries(ru.customers)
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
