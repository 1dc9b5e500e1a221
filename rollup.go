package tracegraph

import (
	"slices"
	"strings"
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

// Rollup counts units by the rollup rules. Its entries (Nodes, Labels,
// Tallies, in the order first counted) are keyed by node handle: a unit
// label marks a finished product.
type Rollup struct {
	g       Containment
	span    Span
	history bool
	slot    *Marks // node → 1 + its entry
	Nodes   []uint32
	Labels  []Label
	Tallies []RollupCount
	stamp   []uint32 // per entry: the last count that reached it
	count   uint32
	hs      []Holding
	tops    []topAt
	custs   []uint32
}

type topAt struct {
	node uint32
	span Span
}

// NewRollup returns a rollup over g for the question filter f asks
// (its moment, or history), keeping its slots in slot (nil: new marks;
// Release resets them).
func NewRollup(g Containment, f *EdgeFilter, slot *Marks) *Rollup {
	if slot == nil {
		slot = NewMarks(0)
	}
	return &Rollup{g: g, span: f.QuerySpan(), history: f.History, slot: slot}
}

// Slots returns the marks the rollup keeps its slots in.
func (r *Rollup) Slots() *Marks { return r.slot }

// entry returns the index of node i's entry, adding it.
func (r *Rollup) entry(i uint32, l Label) int {
	if k := r.slot.Get(i); k != 0 {
		return int(k - 1)
	}
	r.Nodes, r.Labels = append(r.Nodes, i), append(r.Labels, l)
	r.Tallies, r.stamp = append(r.Tallies, RollupCount{}), append(r.stamp, 0)
	r.slot.Set(i, uint32(len(r.Nodes)))
	return len(r.Nodes) - 1
}

// bump adds w to node i's entry unless the current count reached it already.
func (r *Rollup) bump(i uint32, l Label, w RollupCount) {
	k := r.entry(i, l)
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
	w := weight(confirmed)
	r.count++
	if wo, ok := r.g.WorkOrder(i); ok {
		r.bump(wo, LabelWorkOrder, w)
	}
	r.tops = r.topsOf(i, r.span, r.tops[:0])
	for _, t := range r.tops {
		r.bump(t.node, LabelUnit, w)
	}
	if r.history {
		for _, t := range r.tops {
			r.containers(t.node, t.span, w)
		}
	}
}

// Finish counts the containers and customers that held the products
// counted (without history: each product once, with its units' tally).
func (r *Rollup) Finish() {
	if r.history {
		return
	}
	for k := 0; k < len(r.Nodes); k++ {
		if r.Labels[k] == LabelUnit {
			r.count++
			r.containers(r.Nodes[k], r.span, r.Tallies[k])
		}
	}
}

// Release forgets the rollup's slots.
func (r *Rollup) Release() { r.slot.Reset() }

// holders appends the holdings of x to r.hs and returns them; the caller
// truncates r.hs back when done (the returned slice stays valid).
func (r *Rollup) holders(x uint32) (hs []Holding, mark int) {
	mark = len(r.hs)
	r.hs = r.g.Holders(x, r.hs)
	return r.hs[mark:], mark
}

// topsOf appends the finished products holding unit x during span: x
// itself when no unit parent held it during span, else the products of each
// unit parent during the part of span it held x.
func (r *Rollup) topsOf(x uint32, span Span, out []topAt) []topAt {
	hs, mark := r.holders(x)
	top := true
	for _, h := range hs {
		if h.Label != LabelUnit {
			continue
		}
		if j := span.Intersect(h.Span); !j.Empty() {
			top = false
			out = r.topsOf(h.Holder, j, out)
		}
	}
	r.hs = r.hs[:mark]
	if top {
		out = append(out, topAt{x, span})
	}
	return out
}

// containers counts w under the containers that held x during span, at
// any height, and the customers of the shipments among them.
func (r *Rollup) containers(x uint32, span Span, w RollupCount) {
	hs, mark := r.holders(x)
	for _, h := range hs {
		if !h.Label.IsContainer() {
			continue
		}
		j := span.Intersect(h.Span)
		if j.Empty() {
			continue
		}
		r.bump(h.Holder, h.Label, w)
		if h.Label == LabelShipment {
			start := len(r.custs)
			r.custs = r.g.Customers(h.Holder, r.custs)
			for _, c := range r.custs[start:] {
				r.bump(c, LabelCustomer, w)
			}
			r.custs = r.custs[:start]
		}
		r.containers(h.Holder, j, w)
	}
	r.hs = r.hs[:mark]
}

// Entries lists the entries of label l as rollup entries, sorted by ID
// unless there are more than sortLimit.
func (r *Rollup) Entries(l Label, name func(uint32) ID, sortLimit int) []RollupEntry {
	out := []RollupEntry{}
	for k, i := range r.Nodes {
		if r.Labels[k] == l {
			t := r.Tallies[k]
			out = append(out, RollupEntry{ID: name(i), Confirmed: t.Confirmed, Possible: t.Possible})
		}
	}
	if len(out) <= sortLimit {
		slices.SortFunc(out, func(a, b RollupEntry) int { return strings.Compare(string(a.ID), string(b.ID)) })
	}
	return out
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
	return r.shippedIn(x, r.span, window)
}

func (r *Rollup) shippedIn(x uint32, span Span, window func(time.Time) bool) bool {
	hs, mark := r.holders(x)
	defer func() { r.hs = r.hs[:mark] }()
	for _, h := range hs {
		j := span.Intersect(h.Span)
		if j.Empty() {
			continue
		}
		if h.Label == LabelShipment {
			if window(time.Unix(0, h.Span.From).UTC()) {
				return true
			}
		} else if r.shippedIn(h.Holder, j, window) {
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
		if r.Labels[k] != LabelUnit {
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
