package factory

import (
	"github.com/tracegraph/tracegraph"
)

// fifo is a first-in first-out queue of boards in stock.
type fifo struct {
	items []*board
	head  int
}

func (q *fifo) push(b *board) {
	if q.head > 64 && q.head*2 > len(q.items) {
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items, q.head = q.items[:n], 0
	}
	q.items = append(q.items, b)
}

func (q *fifo) len() int { return len(q.items) - q.head }

func (q *fifo) pop() *board {
	b := q.items[q.head]
	q.items[q.head] = nil
	q.head++
	return b
}

// faOrder is an open product work order on a final assembly line.
type faOrder struct {
	wo        string
	remaining int
	screws    *reel
}

// faLine is a family's final assembly line: its stock of tested PCBAs and
// modules, its mechanical material and the box being filled.
type faLine struct {
	fam     *family
	area    int
	orders  []*faOrder
	smtOpen int // SMT orders of the family not yet finished
	pcbas   fifo
	mods    []fifo
	housing *reel
	label   *reel
	box     []string
	boxMax  int  // highest product index in the box
	boxFact bool // the box holds Facts.Product
	st      struct {
		asm, fst, prv, lbl, cal, fct, brn, rf, cln, oqc, eol, pack, rwk string
	}
}

// newFALine returns the final assembly line of f, its station names with the
// site prefix sp in front.
func newFALine(f *family, sp string) *faLine {
	fa := &faLine{fam: f, area: areaFA(f), mods: make([]fifo, len(f.modules))}
	s := sp + "FA-" + f.code + "-"
	fa.st.asm, fa.st.fst, fa.st.prv, fa.st.lbl, fa.st.cal = s+"ASM", s+"FST", s+"PRV", s+"LBL", s+"CAL"
	fa.st.fct, fa.st.brn, fa.st.rf, fa.st.cln, fa.st.oqc = s+"FCT", s+"BRN", s+"RF", s+"CLN", s+"OQC"
	fa.st.eol, fa.st.pack, fa.st.rwk = s+"EOL", sp+"PACK-"+f.code, s+"RWK"
	return fa
}

// hasSet reports whether the stock holds a PCBA and one of each module.
func (fa *faLine) hasSet() bool {
	if fa.pcbas.len() == 0 {
		return false
	}
	for i := range fa.mods {
		if fa.mods[i].len() == 0 {
			return false
		}
	}
	return true
}

// faStep builds one finished product on fa. It reports whether there was work.
func (g *gen) faStep(fa *faLine) bool {
	for len(fa.orders) > 0 && fa.orders[0].remaining == 0 {
		fa.orders = fa.orders[1:]
	}
	if len(fa.orders) == 0 {
		return false
	}
	if !fa.hasSet() {
		if fa.smtOpen == 0 {
			// Scrap and rework used up the boards: close the order short.
			fa.orders = fa.orders[1:]
		}
		return false
	}
	o := fa.orders[0]
	o.remaining--
	f := fa.fam
	c := g.cat
	op := g.op(fa.area)
	if o.screws == nil {
		o.screws = g.receiveSimple(c.screws, "SC", &g.seq.screws, 4*o.remaining+100, 0)
	}
	if fa.housing == nil || fa.housing.rem == 0 {
		fa.housing = g.receiveSimple(f.housing, "HS", &g.seq.housing, 500+g.r.IntN(3)*500, 0)
	}
	if fa.label == nil || fa.label.rem == 0 {
		fa.label = g.receiveSimple(c.label, "LB", &g.seq.label, 3000+g.r.IntN(5)*500, 0)
	}

	g.seq.product[f.idx]++
	g.seq.mac++
	idx := g.prodIdx
	g.prodIdx++
	serial := g.key("S"+f.code, g.seq.product[f.idx], 7)
	macAddr := formatMAC(g.macBase + uint64(g.seq.mac))
	p := g.newUnit(serial, f.productPN, f.productRev, o.wo, "product", fa.st.asm, op, map[string]string{"MAC": macAddr})
	pcba := fa.pcbas.pop()
	mods := make([]*board, len(fa.mods))
	for i := range fa.mods {
		mods[i] = fa.mods[i].pop()
	}
	fact := false
	if f.tac != "" && g.sum.Facts.Product == "" {
		fact = true
		g.sum.Facts.Product, g.sum.Facts.ProductMAC, g.sum.Facts.ProductPCBA = serial, macAddr, pcba.serial
		g.sum.Facts.ProductGTIN = productGTIN(f)
	}

	g.consumeLot(p, fa.housing, &c.qtyOne, nil, tracegraph.PrecisionExact, fa.st.asm, op)
	fa.housing.rem--
	g.process([]string{p.ref}, "assemble", "ASM-"+f.productPN, map[string]any{
		"cycleTimeS": g.jitter(95, 6, 1), "poka-yoke": true}, fa.st.asm, op)
	wb := pcba.wb
	g.emit(tracegraph.EventUnitAssembled, fa.st.asm, op, &tracegraph.UnitAssembled{Parent: p.ref, Child: pcba.ref, Position: "MAIN"})
	for i, m := range mods {
		wb = wb || m.wb
		g.emit(tracegraph.EventUnitAssembled, fa.st.asm, op, &tracegraph.UnitAssembled{
			Parent: p.ref, Child: m.ref, Position: f.modules[i].position})
	}
	if wb {
		g.facts.wbProducts++
	}
	if f.battery != nil {
		p.comp = g.takeComponent(f.battery)
		g.installComponent(p, p.comp, f.battery.refDes, fa.st.asm, op)
	}
	g.consumeLot(p, o.screws, &c.qtyScrews, nil, tracegraph.PrecisionOrder, fa.st.fst, op)
	g.process([]string{p.ref}, "fasten", "FST-T8-045", map[string]any{
		"screws": c.qtyScrews, "torqueNm": g.jitter(0.45, 0.012, 3), "angleDeg": g.jitter(720, 25, 0)}, fa.st.fst, op)

	fw := g.firmware(f)
	g.process([]string{p.ref}, "provision", "PRV-"+f.code, map[string]any{
		"firmware": fw.Version, "checksum": fw.Checksum, "secureBoot": true, "durationS": g.jitter(48, 3, 1)}, fa.st.prv, op)
	if f.tac != "" {
		g.seq.imei[f.idx]++
		v := imei(g.tacs[f.idx], g.seq.imei[f.idx])
		if fact {
			g.sum.Facts.ProductIMEI = v
		}
		g.emit(tracegraph.EventIdentifierAssigned, fa.st.prv, op, &tracegraph.IdentifierAssigned{Unit: p.ref, Scheme: "IMEI", Value: v})
	}
	g.process([]string{p.ref}, "label", "LBL-"+f.code+"-RATING", map[string]any{"printer": "ZT610-" + f.code}, fa.st.lbl, op)
	g.consumeLot(p, fa.label, &c.qtyOne, nil, tracegraph.PrecisionExact, fa.st.lbl, op)
	fa.label.rem--
	if f.custPrefix != "" {
		g.seq.cust[f.idx]++
		g.emit(tracegraph.EventIdentifierAssigned, fa.st.lbl, op, &tracegraph.IdentifierAssigned{
			Unit: p.ref, Scheme: "CUSTOMER_SERIAL", Value: g.key(f.custPrefix, g.seq.cust[f.idx], 8)})
	}
	g.process([]string{p.ref}, "calibrate", "CAL-"+f.code, map[string]any{
		"offset": g.jitter(0, 0.05, 4), "gain": g.jitter(1, 0.002, 5)}, fa.st.cal, op)

	prog, fix := "FCT-"+f.productPN, "FX-"+f.code+"-FINAL"
	switch u := g.r.IntN(1000); {
	case u < 10:
		g.test(p, "FCT", prog, fix, tracegraph.ResultFail, g.measure(f.productFCT, 0), fw, fa.st.fct, op)
	case u < 30:
		g.test(p, "FCT", prog, fix, tracegraph.ResultFail, g.measure(f.productFCT, 0), fw, fa.st.fct, op)
		g.reworkProduct(fa, p, mods)
	}
	g.test(p, "FCT", prog, fix, tracegraph.ResultPass, g.measure(f.productFCT, -1), fw, fa.st.fct, op)
	g.process([]string{p.ref}, "burn-in", "BRN-45C-4H", map[string]any{
		"tempC": g.jitter(45, 0.5, 1), "hours": 4.0, "rack": float64(1 + g.r.IntN(12))}, fa.st.brn, op)
	if f.rfTest {
		g.test(p, "RF", "RF-"+f.code+"-LTE-M", "SHIELDBOX-"+f.code, tracegraph.ResultPass, []tracegraph.Measurement{{
			Name: "EIRP", Value: g.jitter(20, 0.6, 2), Unit: "dBm", Low: &c.eirpLow, High: &c.eirpHigh, Result: tracegraph.ResultPass,
		}}, nil, fa.st.rf, op)
	} else {
		g.test(p, "HIPOT", "HIPOT-1500V", "HP-"+f.code, tracegraph.ResultPass, []tracegraph.Measurement{{
			Name: "LEAKAGE", Value: g.jitter(0.12, 0.02, 3), Unit: "mA", Low: &c.zero, High: &c.leakHigh, Result: tracegraph.ResultPass,
		}}, nil, fa.st.rf, op)
	}
	g.process([]string{p.ref}, "clean", "CLN-IONAIR", map[string]any{"method": "ionized air"}, fa.st.cln, op)
	g.process([]string{p.ref}, "inspect", "OQC-VISUAL", map[string]any{"defects": 0.0, "sample": g.r.IntN(10) == 0}, fa.st.oqc, op)
	if g.r.IntN(2000) == 0 {
		g.test(p, "EOL", "EOL-"+f.code, "", tracegraph.ResultFail, nil, nil, fa.st.eol, op)
		g.scrap(p, "EOL: housing cracked at screw boss", fa.st.eol, op)
		g.facts.productsScrapped++
		return true
	}
	g.test(p, "EOL", "EOL-"+f.code, "", tracegraph.ResultPass, nil, nil, fa.st.eol, op)
	g.boxProduct(fa, p, idx, fact)
	return true
}

// reworkProduct replaces a module (with a spare from stock) or the battery of
// a product that failed FCT. A removed module is scrapped.
func (g *gen) reworkProduct(fa *faLine, p *board, mods []*board) {
	f := fa.fam
	op := g.op(areaRework)
	if len(mods) > 0 && (f.battery == nil || g.r.IntN(10) == 0) {
		i := g.r.IntN(len(mods))
		if fa.mods[i].len() > 0 {
			old, repl := mods[i], fa.mods[i].pop()
			g.rework(p, old.ref, "FCT: "+f.productFCT[0].name+" out of limits, "+f.modules[i].name+" replaced", fa.st.rwk)
			g.emit(tracegraph.EventUnitAssembled, fa.st.rwk, op, &tracegraph.UnitAssembled{
				Parent: p.ref, Child: repl.ref, Position: f.modules[i].position})
			mods[i] = repl
			g.scrap(old, "removed in product rework: failed in product FCT", fa.st.rwk, op)
			g.process([]string{p.ref}, "rework", "RWK-MODULE-SWAP", map[string]any{"module": f.modules[i].code}, fa.st.rwk, op)
			return
		}
	}
	if f.battery == nil {
		return // no spare module: the retest passes without rework
	}
	old := p.comp
	p.comp = g.takeComponent(f.battery)
	g.rework(p, old, "FCT: "+f.productFCT[0].name+" out of limits, battery replaced", fa.st.rwk)
	g.installComponent(p, p.comp, f.battery.refDes, fa.st.rwk, op)
	g.process([]string{p.ref}, "rework", "RWK-BATTERY-SWAP", map[string]any{"module": "battery"}, fa.st.rwk, op)
}
