// The rules of serial numbers: schemes, allocation and the strict check.

package tracegraph

import (
	"slices"
)

// The Product properties the serial-number rules keep. They are not product
// facts: a product.defined leaves them as they are.
const (
	propSerialScheme = "serialScheme" // {pattern, site, mode, definedBy}
	propSerialNext   = "serialNext"   // the next sequence number to issue (from 1)
	propSerialRanges = "serialRanges" // [{pattern, site, stamp, from, to}] issued, oldest first
)

// serialScheme sets the scheme of a defined product; a later one replaces
// it and the sequence continues where it was.
func (tx *Tx) serialScheme(d *SerialScheme) error {
	n, err := tx.product("partNumber", d.PartNumber)
	if err != nil {
		return err
	}
	s := map[string]any{"pattern": d.Pattern, "mode": d.Mode, "definedBy": tx.ev.ID}
	setStr(s, "site", d.Site)
	n.Props[propSerialScheme] = s
	if _, ok := n.Props[propSerialNext]; !ok {
		n.Props[propSerialNext] = float64(1)
	}
	tx.putNode(n)
	return nil
}

// product returns the Product with this part number (NOT_FOUND).
func (tx *Tx) product(field, partNumber string) (*Node, error) {
	n, err := tx.exists(ProductID(partNumber))
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, Errorf(CodeNotFound, "data."+field, "no product %s is defined; record product.defined first", partNumber)
	}
	return n, nil
}

// serialRange is a run of serials issued under one pattern and stamp.
type serialRange struct {
	pattern, site, stamp string
	from, to             uint64
}

func (r serialRange) prop() map[string]any {
	m := map[string]any{"pattern": r.pattern, "stamp": r.stamp, "from": float64(r.from), "to": float64(r.to)}
	setStr(m, "site", r.site)
	return m
}

func serialRanges(n *Node) []serialRange {
	raw, _ := n.Props[propSerialRanges].([]any)
	out := make([]serialRange, 0, len(raw))
	for _, x := range raw {
		m, _ := x.(map[string]any)
		r := serialRange{}
		r.pattern, _ = m["pattern"].(string)
		r.site, _ = m["site"].(string)
		r.stamp, _ = m["stamp"].(string)
		f, _ := m["from"].(float64)
		t, _ := m["to"].(float64)
		r.from, r.to = uint64(f), uint64(t)
		out = append(out, r)
	}
	return out
}

// schemeOf returns the product's scheme: the parsed pattern and the mode
// (nil and "" when it has none).
func schemeOf(n *Node) (*SerialPattern, string) {
	s, _ := n.Props[propSerialScheme].(map[string]any)
	if s == nil {
		return nil, ""
	}
	pattern, _ := s["pattern"].(string)
	site, _ := s["site"].(string)
	mode, _ := s["mode"].(string)
	p, err := ParseSerialPattern(pattern, site)
	if err != nil {
		return nil, ""
	}
	return p, mode
}

// serialsAllocated issues the next d.Count serials of the product's scheme,
// dated by the event's time (UTC), and records them in the event (First,
// Serials). The counter and the issued ranges live on the Product node, so
// every store shares them and a restart continues the sequence; the store
// projects events one at a time, so concurrent allocations never overlap.
func (tx *Tx) serialsAllocated(d *SerialsAllocated) error {
	n, err := tx.product("partNumber", d.PartNumber)
	if err != nil {
		return err
	}
	p, _ := schemeOf(n)
	if p == nil {
		return Errorf(CodeConflict, "data.partNumber", "product %s has no serial-number scheme; record serials.scheme first", d.PartNumber)
	}
	next := uint64(1)
	if f, ok := n.Props[propSerialNext].(float64); ok {
		next = uint64(f)
	}
	last := next + uint64(d.Count) - 1
	if last > p.MaxSeq() {
		return Errorf(CodeLimit, "data.count", "the sequence of %s (%s) is exhausted: %d serials are left, %d asked",
			d.PartNumber, p.Pattern, p.MaxSeq()-min(next-1, p.MaxSeq()), d.Count)
	}
	at := tx.now()
	serials := make([]string, d.Count)
	for i := range serials {
		serials[i] = p.Render(at, next+uint64(i))
	}
	if !d.request() && (d.First != next || !slices.Equal(d.Serials, serials)) {
		return Errorf(CodeConflict, "data.serials", "the recorded allocation (first %d) is not the one the scheme issues now (first %d, %s…)", d.First, next, serials[0])
	}
	ranges := serialRanges(n)
	cur := serialRange{pattern: p.Pattern, site: p.Site, stamp: p.Stamp(at), from: next, to: last}
	if k := len(ranges) - 1; k >= 0 && ranges[k].pattern == cur.pattern && ranges[k].site == cur.site &&
		ranges[k].stamp == cur.stamp && ranges[k].to+1 == cur.from {
		ranges[k].to = cur.to
	} else {
		ranges = append(ranges, cur)
	}
	props := make([]any, len(ranges))
	for i, r := range ranges {
		props[i] = r.prop()
	}
	n.Props[propSerialRanges] = props
	n.Props[propSerialNext] = float64(last + 1)
	tx.putNode(n)
	tx.complete(&SerialsAllocated{PartNumber: d.PartNumber, Count: d.Count, First: next, Serials: serials})
	return nil
}

// checkAllocated refuses, under a strict scheme of the unit's part number,
// a serial that the scheme did not allocate (NOT_ALLOCATED). That it is not
// used yet is the rule that a serial names one unit.
func (tx *Tx) checkAllocated(d *UnitCreated) error {
	if CheckKey(d.PartNumber) != nil {
		return nil
	}
	n, err := tx.existsView(ProductID(d.PartNumber))
	if err != nil || n == nil {
		return err
	}
	p, mode := schemeOf(n)
	if p == nil || mode != SerialsStrict {
		return nil
	}
	if allocated(n, d.Serial) {
		return nil
	}
	return Errorf(CodeNotAllocated, "data.serial", "serial %q was not allocated for %s, whose serial-number scheme (%s) is strict: allocate serials first (allocateSerials)",
		d.Serial, d.PartNumber, p.Pattern)
}

// allocated reports whether serial lies in a range the product issued.
func allocated(n *Node, serial string) bool {
	for _, r := range serialRanges(n) {
		p, err := ParseSerialPattern(r.pattern, r.site)
		if err != nil {
			continue
		}
		seq, stamp, ok := p.Match(serial)
		if ok && stamp == r.stamp && seq >= r.from && seq <= r.to {
			return true
		}
	}
	return false
}

// SerialsIssued returns how many serials the product has issued and the
// next sequence number, from its node's properties.
func SerialsIssued(n *Node) (issued, next uint64) {
	next = 1
	if f, ok := n.Props[propSerialNext].(float64); ok {
		next = uint64(f)
	}
	for _, r := range serialRanges(n) {
		issued += r.to - r.from + 1
	}
	return issued, next
}
