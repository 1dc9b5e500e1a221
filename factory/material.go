package factory

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"strconv"
	"time"

	"github.com/tracegraph/tracegraph"
)

// reel is a received lot in use: a reel on a feeder, a paste jar, a housing
// tray, a label roll. rem counts what is left in the lot's unit.
type reel struct {
	key   string
	ref   string // MaterialLot:key
	qty   int    // received quantity
	full  int    // a full reel of the part: sets the splice window
	rem   int
	wafer int // sequence number of the wafer batch it derives from; 0: none
	held  bool
	// floorAt is when a moisture-sensitive reel's floor life started (its
	// first load or splice on a line-side feeder, or its last bake; clock
	// ms, 0: not yet).
	floorAt int64
}

// feeder is one part number's slot on an SMT line: the reel running now, the
// next one (received at the low-level warning), and the previous one while the
// splice window after a splice lasts.
type feeder struct {
	cur, next, prev *reel
	post            int // boards left in the window after the splice
	// slot holds the reels the store has open on a line-side slot
	// (lineside.go); unused on the other lines.
	slot []slotReel
}

// supLot is a received supplier lot that reels are still split from.
type supLot struct {
	ref     string
	reelQty int
	splits  int
	wafer   int
}

// partSupply is the receiving state of one part number.
type partSupply struct {
	lots []supLot
}

// compPool is the unused part of the last supplier serial list of a component.
type compPool struct {
	next, end int
}

// fwState caches a family's current firmware.
type fwState struct {
	idx int
	fw  *tracegraph.Firmware
}

func (g *gen) lotReceived(p *tracegraph.LotReceived) {
	g.sum.Lots++
	g.emit(tracegraph.EventLotReceived, g.st.recv, g.op(areaWarehouse), p)
}

func (g *gen) newLot(prefix string, n *int, width int) (key, ref string) {
	*n++
	key = g.key(prefix, *n, width)
	return key, "MaterialLot:" + key
}

// recentDateCode is the date code of material made 2 to maxWeeks weeks ago.
func (g *gen) recentDateCode(maxWeeks int) string {
	return dateCode(g.now().Add(-time.Duration(2+g.r.IntN(maxWeeks-1)) * 7 * 24 * time.Hour))
}

func (g *gen) reelQty(p *part) int {
	q := p.reelMin + g.r.IntN(p.reelMax-p.reelMin+1)
	return max(p.reelMin, q/500*500)
}

func fptr(v float64) *float64 { return &v }

// receiveReel receives the next reel of p. A first reel on a feeder is a
// part-used reel from stores, so lines start anywhere in their reels.
func (g *gen) receiveReel(p *part, first bool) *reel {
	r := &reel{}
	var derived []string
	qty := g.reelQty(p)
	r.full = qty
	switch p.kind {
	case kindSplit, kindWafer:
		s := &g.supply[p.idx]
		if len(s.lots) == 0 {
			g.receiveSupplierLots(p)
		}
		sl := &s.lots[0]
		qty, r.wafer, derived = sl.reelQty, sl.wafer, []string{sl.ref}
		r.full = qty
		if sl.splits--; sl.splits == 0 {
			s.lots = s.lots[1:]
		}
		if r.wafer == 1 {
			g.sum.Facts.WaferBatchReels++
		}
	}
	if first {
		// A uniformly random amount left keeps splices as frequent from the
		// first board on as they are later.
		qty = 50 + g.r.IntN(qty-49)
	}
	r.qty, r.rem = qty, qty
	r.key, r.ref = g.newLot("R", &g.seq.reel, 8)
	g.lotReceived(&tracegraph.LotReceived{
		Lot: r.key, PartNumber: p.pn, MPN: p.mpn, Manufacturer: p.mfr, Supplier: p.supplier,
		DateCode: g.recentDateCode(40), Quantity: fptr(float64(qty)), CountryOfOrigin: p.coo, MSL: p.msl,
		DerivedFrom: derived,
	})
	if !first && p.kind == kindReel && g.sum.Facts.HoldLot == "" && g.units >= g.cfg.Units/4 {
		// Incoming inspection holds one reel; it is released before first use.
		r.held = true
		g.sum.Facts.HoldLot = r.key
		g.emit(tracegraph.EventHoldPlaced, g.st.iqc, g.op(areaIQC), &tracegraph.HoldChange{
			Target: r.ref, Hold: iqcHold(r), Reason: "incoming inspection: moisture barrier bag damaged, humidity indicator to be checked"})
	}
	return r
}

// use releases the hold on r before it is first consumed.
func (g *gen) use(r *reel) {
	if r.held {
		r.held = false
		g.emit(tracegraph.EventHoldReleased, g.st.iqc, g.op(areaIQC), &tracegraph.HoldChange{
			Target: r.ref, Hold: iqcHold(r), Reason: "humidity indicator OK, baked 24 h at 40 C, released"})
	}
}

// iqcHold is the id of incoming inspection's hold on r.
func iqcHold(r *reel) string { return "IQC-" + r.key }

// receiveSupplierLots receives supplier lots of p that reels are split from:
// one lot, or for wafer-derived ICs a new wafer batch and the 3 to 5 lots made
// from it.
func (g *gen) receiveSupplierLots(p *part) {
	s := &g.supply[p.idx]
	n, wafer := 1, 0
	var derived []string
	if p.kind == kindWafer {
		g.seq.wafer++
		wafer = g.seq.wafer
		key := g.key("W"+p.fabCode+"-", wafer, 6)
		g.sum.WaferBatches++
		if wafer == 1 {
			g.sum.Facts.WaferBatch = key
			g.sum.Facts.WaferBatchPartNumber = p.pn
		}
		g.emit(tracegraph.EventWaferRegistered, g.st.recv, g.op(areaWarehouse), &tracegraph.WaferRegistered{
			WaferBatch: key, Manufacturer: p.mfr, Fab: p.fab, WaferCount: 25})
		derived = []string{"WaferBatch:" + key}
		n = 3 + g.r.IntN(3)
	}
	dc := g.recentDateCode(30)
	for i := range n {
		from, w := derived, wafer
		if i == 0 && wafer > 0 && p != g.cat.mcu {
			// The first lot of each receipt of the other wafer ICs comes
			// from a broker that passes on no wafer batch (no M4 data).
			from, w = nil, 0
		}
		sl := supLot{reelQty: g.reelQty(p), splits: 2 + g.r.IntN(3), wafer: w}
		var key string
		key, sl.ref = g.newLot("SL", &g.seq.supLot, 7)
		if w == 1 {
			g.sum.Facts.WaferBatchLots++
		}
		g.lotReceived(&tracegraph.LotReceived{
			Lot: key, PartNumber: p.pn, MPN: p.mpn, Manufacturer: p.mfr, Supplier: p.supplier, DateCode: dc,
			Quantity: fptr(float64(sl.reelQty * sl.splits)), CountryOfOrigin: p.coo, MSL: p.msl, DerivedFrom: from,
		})
		s.lots = append(s.lots, sl)
	}
}

// consumeReel records that board b took bl from its feeder on line l. Inside a
// splice window the line cannot tell the old reel from the new one, and the
// consumption is two CANDIDATE links.
func (g *gen) consumeReel(l *smtLine, b *board, bl *bomLine, station, op string) {
	a, c, _ := g.advance(&l.feeders[bl.part.idx], bl.part, int(bl.qty), 1)
	if c != nil {
		g.candidate(b, bl, a, c, station, op)
		return
	}
	g.use(a)
	g.consumed(b, a, bl, tracegraph.PrecisionExact, station, op)
}

// advance moves part p's feeder past one board that takes q parts,
// receiving reels as they are needed, and returns the reel that fed it (a),
// or the two reels of a splice window (a and c, c the newer). first reports
// that a is the feeder's first reel. Each reel keeps back enough parts to
// cover the window after the splice. The window spans about 1 % of a full
// reel on each side of the splice, divided by hDiv.
func (g *gen) advance(f *feeder, p *part, q, hDiv int) (a, c *reel, first bool) {
	if f.cur == nil {
		f.cur = g.receiveReel(p, true)
		first = true
	}
	h := max(1, f.cur.full/(q*100*hDiv))
	left := f.cur.rem/q - h
	if left < 1 { // splice the next reel in
		if f.next == nil {
			f.next = g.receiveReel(p, false)
		}
		f.prev, f.cur, f.next = f.cur, f.next, nil
		f.post = min(h, f.prev.rem/q)
		h = max(1, f.cur.full/(q*100*hDiv))
		left = f.cur.rem/q - h
	}
	if f.next == nil && left <= 2*h+2 { // low-level warning: fetch the next reel
		f.next = g.receiveReel(p, false)
	}
	switch {
	case f.post > 0:
		f.post--
		a, c = f.prev, f.cur
		f.prev.rem -= q
		f.cur.rem -= q
	case left <= h:
		a, c = f.cur, f.next
		f.cur.rem -= q
		f.next.rem -= q
	default:
		a = f.cur
		f.cur.rem -= q
	}
	return a, c, first
}

func (g *gen) candidate(b *board, bl *bomLine, a, c *reel, station, op string) {
	g.use(a)
	g.use(c)
	g.consumed(b, a, bl, tracegraph.PrecisionCandidate, station, op)
	g.consumed(b, c, bl, tracegraph.PrecisionCandidate, station, op)
	if g.sum.Facts.SpliceUnit == "" {
		g.sum.Facts.SpliceUnit = b.serial
		g.sum.Facts.SplicePartNumber = bl.part.pn
		g.sum.Facts.SpliceLots = [2]string{a.key, c.key}
	}
}

func (g *gen) consumed(b *board, r *reel, bl *bomLine, prec tracegraph.Precision, station, op string) {
	if r.wafer == 1 {
		b.wb = true
	}
	g.sum.Consumptions[prec.String()]++
	g.emit(tracegraph.EventMaterialConsumed, station, op, &tracegraph.MaterialConsumed{
		Unit: b.ref, Lot: r.ref, RefDes: bl.refDes, Quantity: &bl.qty, Precision: prec,
	})
}

// consumeLot records an EXACT or ORDER consumption of qty from a lot that is
// not on a feeder (paste, coating, screws, housings, labels).
func (g *gen) consumeLot(b *board, r *reel, qty *float64, refDes []string, prec tracegraph.Precision, station, op string) {
	g.sum.Consumptions[prec.String()]++
	g.emit(tracegraph.EventMaterialConsumed, station, op, &tracegraph.MaterialConsumed{
		Unit: b.ref, Lot: r.ref, RefDes: refDes, Quantity: qty, Precision: prec,
	})
}

// receiveSimple receives a lot of a paste, coating, screw, housing or label part.
func (g *gen) receiveSimple(p *part, prefix string, n *int, qty int, shelfDays int) *reel {
	r := &reel{qty: qty, rem: qty}
	r.key, r.ref = g.newLot(prefix, n, 6)
	lr := &tracegraph.LotReceived{
		Lot: r.key, PartNumber: p.pn, MPN: p.mpn, Manufacturer: p.mfr, Supplier: p.supplier,
		DateCode: g.recentDateCode(8), Quantity: fptr(float64(qty)), CountryOfOrigin: p.coo,
	}
	if shelfDays > 0 {
		exp := g.now().Add(time.Duration(shelfDays) * 24 * time.Hour).Truncate(time.Hour)
		lr.ExpiresAt = &exp
	}
	g.lotReceived(lr)
	return r
}

// takeComponent returns the next serial of a purchased component, receiving
// the supplier's next serial list when the last one is used up.
func (g *gen) takeComponent(cp *compPart) string {
	pool := &g.pools[cp.idx]
	if pool.next == pool.end {
		n := cp.listMin + g.r.IntN(cp.listMax-cp.listMin+1)
		serials := make([]string, n)
		for i := range serials {
			serials[i] = g.key(cp.prefix, pool.end+i+1, 9)
		}
		pool.end += n
		g.seq.compLot++
		g.sum.Components += n
		g.emit(tracegraph.EventComponentReceived, g.st.recv, g.op(areaWarehouse), &tracegraph.ComponentReceived{
			Serials: serials, PartNumber: cp.pn, MPN: cp.mpn, Manufacturer: cp.mfr, Supplier: cp.supplier,
			DateCode: g.recentDateCode(20), Lot: g.key("CL", g.seq.compLot, 6),
		})
	}
	pool.next++
	return "Component:" + g.key(cp.prefix, pool.next, 9)
}

// firmware returns the family's current firmware. Releases get rarer as the
// product matures: release k ships after k*k/2 days.
func (g *gen) firmware(f *family) *tracegraph.Firmware {
	idx := int(math.Sqrt(2 * float64(g.clock) / 86_400_000))
	st := &g.fw[f.idx]
	if st.fw == nil || st.idx != idx {
		v := strconv.Itoa(f.fwMajor) + "." + strconv.Itoa(4+idx/5) + "." + strconv.Itoa(idx%5*2)
		sum := sha256.Sum256([]byte(f.code + "/" + v))
		st.idx, st.fw = idx, &tracegraph.Firmware{Version: v, Checksum: hex.EncodeToString(sum[:8])}
	}
	return st.fw
}
