package tracegraph

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// The rollup rules: how the units a recall or where-used question reaches
// are counted under their work orders, finished products, boxes, pallets,
// shipments and customers, and what status each one has. Every store runs
// them over its own graph through the narrow Containment interface.
//
//   - Work order: the unit's, as recorded.
//   - Finished product: an ancestor of the unit along CONTAINS edges
//     between units (or the unit itself) that had no unit parent at any
//     moment the question looks at while the unit was inside it (with
//     history, a unit that was ever built into another is not a product).
//   - Box, pallet, shipment: counted only when the unit was inside it
//     (directly or through its parents and containers) at some moment the
//     query looks at while the container held it: the spans of the CONTAINS
//     edges along the way intersect. Now and asOf look at one moment, so
//     every edge counted holds then; history looks at every moment.
//   - Customer: every customer a counted shipment was shipped to.
//   - Each unit counts once under each of them, confirmed when its best path
//     from a suspect is EXACT, possible otherwise.
//   - Status: as of the query's moment (StatusAt) for now and asOf; the
//     status of now for history.

// Holding is a CONTAINS edge into a node: the node that holds it (a unit
// parent or a container), the holder's label and when it held.
type Holding struct {
	Holder uint32
	Label  Label
	Span   Span
}

// Containment is the part of a store the rollup rules run over. Node
// handles are those of the store's Expander.
type Containment interface {
	// Holders appends to out the CONTAINS edges into node i that the
	// question counts (see EdgeFilter.During: at its moment, or ever with
	// history), never voided ones.
	Holders(i uint32, out []Holding) []Holding
	// Customers appends to out the customers shipment i was shipped to:
	// every SHIPPED_TO link recorded and not voided.
	Customers(i uint32, out []uint32) []uint32
	// WorkOrder returns unit i's work order, if it has one.
	WorkOrder(i uint32) (uint32, bool)
}

// RollupCount counts confirmed and possible units under one rollup entry.
type RollupCount struct{ Confirmed, Possible int }

func (t *RollupCount) add(o RollupCount) { t.Confirmed += o.Confirmed; t.Possible += o.Possible }

func weight(confirmed bool) RollupCount {
	if confirmed {
		return RollupCount{Confirmed: 1}
	}
	return RollupCount{Possible: 1}
}

// Rollup counts units by the rollup rules. Its entries (Nodes, Tallies and
// their kinds, in the order first counted) are keyed by node handle: the
// unit kind marks a finished product.
type Rollup struct {
	p       planner
	history bool
	slot    *Marks // node → 1 + its entry
	Nodes   []uint32
	kinds   []kind
	Tallies []RollupCount
	stamp   []uint32 // per entry: the last count that reached it
	held    []uint32 // per entry: a product's note when counted (0: none known)
	count   uint32
	tops    []topAt
	bumps   []bumpAt
	forks   []*planner // one per goroutine, kept from round to round (their memos)
	// Workers, when above 1, is how many goroutines AddUnits and Finish
	// may read the Containment on at once (it must then be safe for
	// concurrent use). The counting itself stays in order on one.
	Workers int
	// MinPart is the fewest units or products a goroutine is given (0:
	// 1,024; goroutines for fewer cost more than they save).
	MinPart int
	// Round is how many units AddUnits plans, or products Finish follows
	// to their containers, before counting them (0: planRound).
	Round int
	// Noted says the store noted in the slots, before counting, what
	// holds the units its walk expanded (HeldNote): the planners follow
	// those notes instead of reading Holders. Only at a moment.
	Noted bool
}

// round is r.Round or its default.
func (r *Rollup) round() int {
	if r.Round > 0 {
		return r.Round
	}
	return planRound
}

type topAt struct {
	node uint32
	held uint32 // the product's note (see Noted), or 1 + its entry, 0 when not known
	span Span
}

// bumpAt is one entry a count reaches.
type bumpAt struct {
	node uint32
	kind kind
}

// kind is the label of a rollup entry as a small code, so that the
// rollup's lists hold no pointers (nothing for the collector to scan,
// no write barriers) and take 8 bytes a bump, 25 an entry.
type kind uint8

const (
	kindUnit kind = iota
	kindWorkOrder
	kindBox
	kindPallet
	kindShipment
	kindCustomer
)

var kindLabels = [...]Label{LabelUnit, LabelWorkOrder, LabelBox, LabelPallet, LabelShipment, LabelCustomer}

// Label is the label of entry k (of Nodes and Tallies).
func (r *Rollup) Label(k int) Label { return kindLabels[r.kinds[k]] }

// kindOf returns label l's kind; false for a label no entry has.
func kindOf(l Label) (kind, bool) {
	switch l {
	case LabelUnit:
		return kindUnit, true
	case LabelWorkOrder:
		return kindWorkOrder, true
	case LabelBox:
		return kindBox, true
	case LabelPallet:
		return kindPallet, true
	case LabelShipment:
		return kindShipment, true
	case LabelCustomer:
		return kindCustomer, true
	}
	return 0, false
}

// planner finds, without changing the rollup, what counting a unit
// reaches: its finished products, the containers and customers that held
// them. Each goroutine has its own.
type planner struct {
	g     Containment
	span  Span
	hs    []Holding
	custs []uint32
	// notes, when set, are the rollup's slots holding the store's notes
	// (Noted): read only while planning, when nothing counts.
	notes *Marks
	// moment: the question looks at one moment, so what a container
	// reaches does not depend on the path to it (chains remembers it).
	moment bool
	chains map[uint32][2]int32 // container → its bumps in arena
	arena  []bumpAt
	// memo, at a moment (not with history), remembers the one finished
	// product of nodes whose products were found lately: at a moment,
	// every span along the way is that moment, so a node's products do
	// not depend on the path to it, and a product's units, met one after
	// the other, read its holders once instead of once each.
	// Direct mapped by node handle (nil: none).
	memo []memoEntry
}

// maxMemo is the most nodes a planner's memo holds (128 KB); a recall of
// fewer units has one of about a unit in four. At 200,000 units the
// largest spares 17 % of the holders read (1 << 12: 9 %, 1 << 16: 24 %).
const maxMemo = 1 << 14

type memoEntry struct{ node, top, held uint32 } // node + 1 (0: empty)

// NewRollup returns a rollup over g for the question filter f asks
// (its moment, or history), keeping its slots in slot (nil: new marks;
// Release resets them).
func NewRollup(g Containment, f *EdgeFilter, slot *Marks) *Rollup {
	if slot == nil {
		slot = NewMarks(0)
	}
	return &Rollup{p: planner{g: g, span: f.QuerySpan(), moment: !f.History}, history: f.History, slot: slot}
}

// Slots returns the marks the rollup keeps its slots in.
func (r *Rollup) Slots() *Marks { return r.slot }

// entry returns the index of node i's entry, adding it.
func (r *Rollup) entry(i uint32, l kind) int {
	if k := r.slot.Get(i); k != 0 && k&heldNote == 0 {
		return int(k - 1)
	}
	if len(r.Nodes) == cap(r.Nodes) {
		r.grow()
	}
	r.Nodes, r.kinds = append(r.Nodes, i), append(r.kinds, l)
	r.Tallies, r.stamp, r.held = append(r.Tallies, RollupCount{}), append(r.stamp, 0), append(r.held, 0)
	r.slot.Set(i, uint32(len(r.Nodes)))
	return len(r.Nodes) - 1
}

// grow doubles the entries' room at once, all four lists alike: append's
// own growth (a quarter at a time for large lists) would allocate and copy
// them about five times over their final size (a recall at M counts
// 300,000 entries).
func (r *Rollup) grow() {
	n := max(2*len(r.Nodes), 64)
	r.Nodes, r.kinds = slices.Grow(r.Nodes, n-len(r.Nodes)), slices.Grow(r.kinds, n-len(r.kinds))
	r.Tallies, r.stamp = slices.Grow(r.Tallies, n-len(r.Tallies)), slices.Grow(r.stamp, n-len(r.stamp))
	r.held = slices.Grow(r.held, n-len(r.held))
}

// bump adds w to node i's entry unless the current count reached it already.
func (r *Rollup) bump(i uint32, l kind, w RollupCount) { r.bumpEntry(r.entry(i, l), w) }

// bumpEntry adds w to entry k unless the current count reached it already.
func (r *Rollup) bumpEntry(k int, w RollupCount) {
	if r.stamp[k] == r.count {
		return
	}
	r.stamp[k] = r.count
	r.Tallies[k].add(w)
}

// Add counts unit i, confirmed or possible, under its work order, its
// finished products and (with history; otherwise in Finish, product by
// product) the containers and customers that held it.
func (r *Rollup) Add(i uint32, confirmed bool) {
	r.p.notes = r.notes()
	r.tops = r.p.topsOf(i, r.p.span, r.tops[:0])
	r.p.notes = nil // counting sets slots
	wo, ok := r.p.g.WorkOrder(i)
	r.addPlanned(wo, ok, r.tops, weight(confirmed))
}

// addPlanned counts a unit of work order wo (if hasWO) and finished
// products tops with weight w.
func (r *Rollup) addPlanned(wo uint32, hasWO bool, tops []topAt, w RollupCount) {
	r.count++
	if hasWO {
		r.bump(wo, kindWorkOrder, w)
	}
	for _, t := range tops {
		if t.held != 0 && t.held&heldNote == 0 { // its entry, found while planning
			r.bumpEntry(int(t.held-1), w)
			continue
		}
		k := r.entry(t.node, kindUnit)
		r.bumpEntry(k, w)
		if t.held != 0 {
			r.held[k] = t.held // the note it was planned with
		}
	}
	if r.history {
		for _, t := range tops {
			r.bumps = r.p.containers(t.node, t.span, r.bumps[:0])
			r.bumpAll(r.bumps, w)
		}
	}
}

func (r *Rollup) bumpAll(bs []bumpAt, w RollupCount) {
	for _, b := range bs {
		r.bump(b.node, b.kind, w)
	}
}

// AddUnits counts units[k], confirmed[k], for each k in order, as Add
// does. With Workers above 1, their work orders and finished products are
// found on that many goroutines first.
func (r *Rollup) AddUnits(units []uint32, confirmed []bool) {
	type plan struct {
		wo    uint32
		hasWO bool
		end   int32 // where its products end in its part's
	}
	w := Parts(len(units), r.Workers, r.MinPart)
	if w == 1 {
		for k, i := range units {
			r.Add(i, confirmed[k])
		}
		return
	}
	// In rounds of r.round() units, as Finish.
	size := r.round()
	plans := make([]plan, min(len(units), size))
	tops := make([][]topAt, w) // per part, its units' products
	for r0 := 0; r0 < len(units); r0 += size {
		round := units[r0:min(len(units), r0+size)]
		m := len(round)
		rw := Parts(m, r.Workers, r.MinPart)
		r.fork(rw, len(units))
		InParallel(m, rw, func(part, lo, hi int) {
			p := r.forks[part]
			p.notes = r.notes()
			defer func() { p.notes = nil }()
			buf := tops[part][:0]
			if buf == nil {
				buf = make([]topAt, 0, hi-lo) // most units are their one product's
			}
			for k := lo; k < hi; k++ {
				buf = p.topsOf(round[k], p.span, buf)
				plans[k].wo, plans[k].hasWO = p.g.WorkOrder(round[k])
				plans[k].end = int32(len(buf))
			}
			tops[part] = buf
		})
		for part := range rw {
			start := int32(0)
			for k := m * part / rw; k < m*(part+1)/rw; k++ {
				r.addPlanned(plans[k].wo, plans[k].hasWO, tops[part][start:plans[k].end], weight(confirmed[r0+k]))
				start = plans[k].end
			}
		}
	}
}

// Finish counts the containers and customers that held the products
// counted (without history: each product once, with its units' tally).
// With Workers above 1, what each product reaches is found on that many
// goroutines first.
func (r *Rollup) Finish() {
	if r.history {
		return
	}
	n := 0
	for _, l := range r.kinds {
		if l == kindUnit {
			n++
		}
	}
	w := Parts(n, r.Workers, r.MinPart)
	if w == 1 {
		for k := 0; k < len(r.Nodes); k++ { // entries are added as it goes
			if r.kinds[k] == kindUnit {
				r.count++
				r.bumps = r.p.productContainers(r.Nodes[k], r.held[k], r.bumps[:0])
				r.bumpAll(r.bumps, r.Tallies[k])
			}
		}
		return
	}
	products := make([]int, 0, n) // entries
	for k, l := range r.kinds {
		if l == kindUnit {
			products = append(products, k)
		}
	}
	// In rounds of r.round() products.
	reached := make([][]bumpAt, w) // per part, what its products reach
	size := r.round()
	ends := make([]int32, min(n, size)) // per product, where its bumps end in its part's
	for r0 := 0; r0 < n; r0 += size {
		round := products[r0:min(n, r0+size)]
		m := len(round)
		rw := Parts(m, r.Workers, r.MinPart)
		r.fork(rw, 0)
		InParallel(m, rw, func(part, lo, hi int) {
			p := r.forks[part]
			buf := reached[part][:0]
			if buf == nil {
				buf = make([]bumpAt, 0, 4*(hi-lo)) // a box, a pallet, a shipment, a customer
			}
			for j := lo; j < hi; j++ {
				buf = p.productContainers(r.Nodes[round[j]], r.held[round[j]], buf)
				ends[j] = int32(len(buf))
			}
			reached[part] = buf
		})
		for part := range rw {
			start := int32(0)
			for j := m * part / rw; j < m*(part+1)/rw; j++ {
				r.count++
				r.bumpAll(reached[part][start:ends[j]], r.Tallies[round[j]])
				start = ends[j]
			}
		}
	}
}

// planRound is how many units AddUnits plans, or products Finish follows
// to their containers, before counting them: what they reach is held a
// round at a time (a few MB), in buffers reused from round to round.
const planRound = 1 << 15

// Parts is how many contiguous parts of n items InParallel should run on:
// at most workers, each of at least minPart items (0: 1,024), at least one.
func Parts(n, workers, minPart int) int {
	if minPart <= 0 {
		minPart = 1024
	}
	return max(1, min(workers, n/minPart))
}

// InParallel calls f(part, lo, hi) for each of w contiguous parts of [0, n),
// the first on this goroutine and each other on its own, and waits for
// them.
func InParallel(n, w int, f func(part, lo, hi int)) {
	if w <= 1 {
		f(0, 0, n)
		return
	}
	var wg sync.WaitGroup
	for part := 1; part < w; part++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(part, n*part/w, n*(part+1)/w)
		}()
	}
	f(0, 0, n/w)
	wg.Wait()
}

// Release forgets the rollup's slots.
func (r *Rollup) Release() { r.slot.Reset() }

// fork makes sure there is a planner of its own for each of w goroutines,
// each with a memo sized for units units at a moment (none for 0, nor
// with history).
func (r *Rollup) fork(w, units int) {
	for len(r.forks) < w {
		p := &planner{g: r.p.g, span: r.p.span, moment: r.p.moment}
		if !r.history && units > 0 {
			n := 64
			for n < maxMemo && n < units/4 {
				n *= 2
			}
			p.memo = make([]memoEntry, n)
		}
		r.forks = append(r.forks, p)
	}
}

// holders appends the holdings of x to p.hs and returns them; the caller
// truncates p.hs back when done (the returned slice stays valid).
func (p *planner) holders(x uint32) (hs []Holding, mark int) {
	mark = len(p.hs)
	p.hs = p.g.Holders(x, p.hs)
	return p.hs[mark:], mark
}

// topsOf appends the finished products holding unit x during span: x
// itself when no unit parent held it during span, else the products of each
// unit parent during the part of span it held x.
func (p *planner) topsOf(x uint32, span Span, out []topAt) []topAt {
	if p.memo != nil { // span is the moment
		if e := p.memo[x&uint32(len(p.memo)-1)]; e.node == x+1 {
			return append(out, topAt{e.top, e.held, span})
		}
	}
	start := len(out)
	switch w := p.note(x); {
	case w == 0 || w&heldMask == heldMany: // not noted: read its holders
		hs, mark := p.holders(x)
		top := true
		for _, h := range hs {
			if h.Label != LabelUnit {
				continue
			}
			if j := span.Intersect(h.Span); !j.Empty() {
				top = false
				out = p.topsOf(h.Holder, j, out)
			}
		}
		p.hs = p.hs[:mark]
		if top {
			out = append(out, topAt{x, 0, span})
		}
	case w&heldNote == 0: // counted already, so a product: w is 1 + its entry
		out = append(out, topAt{x, w, span})
	case w&heldMask == heldUnit:
		out = p.topsOf(w&heldNode, span, out)
	default: // no unit holds it: a product, with its note
		out = append(out, topAt{x, w, span})
	}
	if p.memo != nil && len(out) == start+1 {
		p.memo[x&uint32(len(p.memo)-1)] = memoEntry{x + 1, out[start].node, out[start].held}
	}
	return out
}

// note is the slot word of node x while planning with notes (0 without).
func (p *planner) note(x uint32) uint32 {
	if p.notes == nil {
		return 0
	}
	return p.notes.Get(x)
}

// notes returns the slots to plan from when the store noted holders in
// them (Noted, at a moment), else nil.
func (r *Rollup) notes() *Marks {
	if r.Noted && !r.history {
		return r.slot
	}
	return nil
}

// productContainers appends the entries a count of product x reaches at
// the question's moment, following its note (0: read from its holders).
func (p *planner) productContainers(x, note uint32, out []bumpAt) []bumpAt {
	switch note & heldMask {
	case heldNothing:
		if note != 0 {
			return out
		}
	case heldBox, heldPallet, heldShipment:
		return p.chain(note&heldNode, heldKinds[note&heldMask>>heldShift], p.span, out)
	}
	return p.containers(x, p.span, out)
}

// containers appends the entries a count of x reaches during span: the
// containers that held x then, at any height, and the customers of the
// shipments among them, in the order they are reached.
func (p *planner) containers(x uint32, span Span, out []bumpAt) []bumpAt {
	hs, mark := p.holders(x)
	for _, h := range hs {
		k, ok := kindOf(h.Label)
		if !ok || k < kindBox || k > kindShipment { // not a container
			continue
		}
		if j := span.Intersect(h.Span); !j.Empty() {
			out = p.chain(h.Holder, k, j, out)
		}
	}
	p.hs = p.hs[:mark]
	return out
}

// chain appends container c (of kind k), the customers it was shipped to
// when a shipment, and what holds it during span, as containers does. At
// a moment what a container reaches does not depend on the path to it:
// each is read once and remembered.
func (p *planner) chain(c uint32, k kind, span Span, out []bumpAt) []bumpAt {
	if p.moment {
		if at, ok := p.chains[c]; ok {
			return append(out, p.arena[at[0]:at[1]]...)
		}
	}
	start := len(out)
	out = append(out, bumpAt{c, k})
	if k == kindShipment {
		cs := len(p.custs)
		p.custs = p.g.Customers(c, p.custs)
		for _, cu := range p.custs[cs:] {
			out = append(out, bumpAt{cu, kindCustomer})
		}
		p.custs = p.custs[:cs]
	}
	out = p.containers(c, span, out)
	if p.moment {
		if p.chains == nil {
			p.chains = map[uint32][2]int32{}
		}
		p.chains[c] = [2]int32{int32(len(p.arena)), int32(len(p.arena) + len(out) - start)}
		p.arena = append(p.arena, out[start:]...)
	}
	return out
}

// Notes of holders. A store whose recall walk reads each unit's CONTAINS
// in-edges on the way (at the question's moment, with the question's
// filter, as Holders would) may note in the rollup's slots, before
// counting, what the rules would read again: a unit's one unit holder, or,
// when no unit holds it, its one container or none (HeldNote). A slot word
// with heldNote set is such a note; the planners follow it instead of
// calling Holders, and read Holders for a node not noted (0) or held by
// several. Counting overwrites a product's note with its entry.
const (
	heldNote  = 1 << 31
	heldShift = 27
	heldMask  = 7 << heldShift
	heldNode  = 1<<heldShift - 1
	// what holds a noted node
	heldNothing  = 0 << heldShift
	heldUnit     = 1 << heldShift
	heldBox      = 2 << heldShift
	heldPallet   = 3 << heldShift
	heldShipment = 4 << heldShift
	heldMany     = 5 << heldShift
)

var heldKinds = [...]kind{heldBox >> heldShift: kindBox, heldPallet >> heldShift: kindPallet, heldShipment >> heldShift: kindShipment}

// MaxNotedNode is the largest node handle a note can hold: a store with
// more nodes does not note.
const MaxNotedNode = heldNode

// HeldNote is the note of a node whose CONTAINS edges the question counts
// come from units units (the last being unit) and containers containers
// (the last being cont, of label contLabel), other holders left out; false
// when there is nothing to note: neither unit nor container holds a node
// that is not a unit (isUnit), whose holders the rules never read.
func HeldNote(isUnit bool, units int, unit uint32, containers int, cont uint32, contLabel Label) (uint32, bool) {
	switch {
	case units == 1:
		return heldNote | heldUnit | unit, true
	case units > 1 || containers > 1:
		return heldNote | heldMany, true
	case containers == 1:
		switch contLabel {
		case LabelBox:
			return heldNote | heldBox | cont, true
		case LabelPallet:
			return heldNote | heldPallet | cont, true
		}
		return heldNote | heldShipment | cont, true
	}
	return heldNote | heldNothing, isUnit
}

// Entries lists the entries of label l as rollup entries, sorted by ID
// unless there are more than sortLimit. With Workers above 1, a long list
// is filled (each entry's ID: a read scattered over the store) and sorted
// in parts on that many goroutines.
func (r *Rollup) Entries(label Label, name func(uint32) ID, sortLimit int) []RollupEntry {
	l, ok := kindOf(label)
	if !ok {
		return []RollupEntry{}
	}
	w := Parts(len(r.Nodes), r.Workers, entriesPart)
	start := make([]int, w+1) // entries of l before each part of r.Nodes
	InParallel(len(r.Nodes), w, func(part, lo, hi int) {
		n := 0
		for _, el := range r.kinds[lo:hi] {
			if el == l {
				n++
			}
		}
		start[part+1] = n
	})
	for part := range w {
		start[part+1] += start[part]
	}
	out := make([]RollupEntry, start[w])
	InParallel(len(r.Nodes), w, func(part, lo, hi int) {
		at := start[part]
		for k := lo; k < hi; k++ {
			if r.kinds[k] == l {
				t := r.Tallies[k]
				out[at] = RollupEntry{ID: name(r.Nodes[k]), Confirmed: t.Confirmed, Possible: t.Possible}
				at++
			}
		}
	})
	if len(out) <= sortLimit {
		out = sortEntries(out, Parts(len(out), r.Workers, entriesPart))
	}
	return out
}

// entriesPart is the fewest entries Entries gives a goroutine.
const entriesPart = 1 << 14

// sortEntries sorts es by ID (each once: their IDs differ), in w parts on
// as many goroutines, then merged pairwise, and returns them.
func sortEntries(es []RollupEntry, w int) []RollupEntry {
	byID := func(a, b RollupEntry) int { return strings.Compare(string(a.ID), string(b.ID)) }
	if w <= 1 {
		slices.SortFunc(es, byID)
		return es
	}
	runs := make([]int, w+1) // run k is es[runs[k]:runs[k+1]]
	for k := range runs {
		runs[k] = len(es) * k / w
	}
	InParallel(len(es), w, func(_, lo, hi int) { slices.SortFunc(es[lo:hi], byID) })
	for len(runs) > 2 {
		merged, n := make([]RollupEntry, len(es)), len(runs)-1
		InParallel(n/2, n/2, func(pair, _, _ int) {
			lo, mid, hi := runs[2*pair], runs[2*pair+1], runs[2*pair+2]
			mergeEntries(merged[lo:hi], es[lo:mid], es[mid:hi], byID)
		})
		next := runs[:0:0]
		for k := 0; k < n; k += 2 {
			next = append(next, runs[k])
		}
		if n%2 == 1 { // the last run has no neighbour
			copy(merged[runs[n-1]:], es[runs[n-1]:])
		}
		es, runs = merged, append(next, len(es))
	}
	return es
}

// mergeEntries merges sorted a and b into out.
func mergeEntries(out, a, b []RollupEntry, cmp func(a, b RollupEntry) int) {
	k := 0
	for len(a) > 0 && len(b) > 0 {
		if cmp(b[0], a[0]) < 0 {
			out[k], b = b[0], b[1:]
		} else {
			out[k], a = a[0], a[1:]
		}
		k++
	}
	k += copy(out[k:], a)
	copy(out[k:], b)
}

// Fill sets the report's rollups.
func (r *Rollup) Fill(rep *RecallReport, name func(uint32) ID, sortLimit int) {
	rep.Products, rep.WorkOrders = r.Entries(LabelUnit, name, sortLimit), r.Entries(LabelWorkOrder, name, sortLimit)
	rep.Boxes, rep.Pallets = r.Entries(LabelBox, name, sortLimit), r.Entries(LabelPallet, name, sortLimit)
	rep.Shipments, rep.Customers = r.Entries(LabelShipment, name, sortLimit), r.Entries(LabelCustomer, name, sortLimit)
}

// ShippedIn reports whether unit x left in a shipment whose link was
// recorded at a moment window accepts: a CONTAINS edge from a shipment into
// x, or into a unit or container that held x, while it held x (the spans
// along the way intersect, as in the rollups).
func (r *Rollup) ShippedIn(x uint32, window func(time.Time) bool) bool {
	return r.p.shippedIn(x, r.p.span, window)
}

func (p *planner) shippedIn(x uint32, span Span, window func(time.Time) bool) bool {
	hs, mark := p.holders(x)
	defer func() { p.hs = p.hs[:mark] }()
	for _, h := range hs {
		j := span.Intersect(h.Span)
		if j.Empty() {
			continue
		}
		if h.Label == LabelShipment {
			if window(time.Unix(0, h.Span.From).UTC()) {
				return true
			}
		} else if p.shippedIn(h.Holder, j, window) {
			return true
		}
	}
	return false
}

// CountStatus counts a unit with status under c: shipped, scrapped or in
// the house.
func CountStatus(c *StatusCounts, status string) {
	switch status {
	case StatusShipped:
		c.Shipped++
	case StatusScrapped:
		c.Scrapped++
	default:
		c.InHouse++
	}
}

// StatusAt is the status unit n had at moment at, read from the times its
// properties record: SHIPPED or SCRAPPED (when that is its status now) from
// shippedAt or scrappedAt, COMPLETED from completedAt, WIP before. A status
// whose time is not recorded counts from always; a node without a status
// has none.
func StatusAt(n *Node, at time.Time) string {
	st := n.Status()
	since := func(prop string) bool {
		t := n.Time(prop)
		return t.IsZero() || !t.After(at)
	}
	switch st {
	case StatusShipped, StatusScrapped:
		prop := "shippedAt"
		if st == StatusScrapped {
			prop = "scrappedAt"
		}
		if since(prop) {
			return st
		}
		if c := n.Time("completedAt"); !c.IsZero() && !c.After(at) {
			return StatusCompleted
		}
		return StatusWIP
	case StatusCompleted:
		if since("completedAt") {
			return st
		}
		return StatusWIP
	}
	return st
}

// NeedsStatusAt reports whether a unit whose status is st now may have had
// another at an earlier moment (so StatusAt needs its properties).
func NeedsStatusAt(st string) bool { return st != StatusWIP && st != "" }

// PartCounts counts the finished products the rollup counted by part
// number (each confirmed when exact reports that its own best path is
// EXACT), sorted by part number, and returns their number.
func (r *Rollup) PartCounts(part func(uint32) string, exact func(uint32) bool) ([]PartCount, int) {
	byPart := map[string]*PartCount{}
	n := 0
	for k, i := range r.Nodes {
		if r.kinds[k] != kindUnit {
			continue
		}
		n++
		pn := part(i)
		pc := byPart[pn]
		if pc == nil {
			pc = &PartCount{PartNumber: pn}
			byPart[pn] = pc
		}
		if exact(i) {
			pc.Confirmed++
		} else {
			pc.Possible++
		}
	}
	out := make([]PartCount, 0, len(byPart))
	for _, pc := range byPart {
		out = append(out, *pc)
	}
	slices.SortFunc(out, func(a, b PartCount) int { return strings.Compare(a.PartNumber, b.PartNumber) })
	return out, n
}

// Add lists unit u among the report's confirmed (an EXACT best path) or
// possible units, counts its status, and reports whether it is confirmed.
func (rep *RecallReport) Add(u RecallUnit) (confirmed bool) {
	if u.Precision == PrecisionExact {
		rep.Confirmed = append(rep.Confirmed, u)
		CountStatus(&rep.ConfirmedCount, u.Status)
		return true
	}
	rep.Possible = append(rep.Possible, u)
	CountStatus(&rep.PossibleCount, u.Status)
	return false
}

// Count counts unit u's status among the report's confirmed or possible
// units and reports whether it is confirmed.
func (rep *WhereUsedReport) Count(u RecallUnit) (confirmed bool) {
	if u.Precision == PrecisionExact {
		CountStatus(&rep.ConfirmedCount, u.Status)
		return true
	}
	CountStatus(&rep.PossibleCount, u.Status)
	return false
}
