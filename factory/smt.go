package factory

import (
	"math"
	"strconv"

	"github.com/tracegraph/tracegraph"
)

// panelSize is the number of boards on one SMT panel.
const panelSize = 4

// board is a made unit on its way through the factory: a PCBA, module or product.
type board struct {
	serial string
	ref    string // Unit:serial
	comp   string // serialized component inside: the radio of a PCBA, the battery of a product
	wb     bool   // consumed a reel of the first wafer batch
	scrap  bool
}

// smtOrder is an open work order on an SMT line: PCBAs (mod nil) or modules.
type smtOrder struct {
	wo        string
	fam       *family
	mod       *moduleDef
	remaining int
	coating   *reel
}

// smtLine is one SMT line with its stations, feeders and paste jar.
type smtLine struct {
	idx     int
	area    int
	queue   []*smtOrder
	feeders []feeder
	jar     *reel
	jarRem  float64
	jarShft int64
	panel   []*board
	ls      *lineSide // nil: the MES computes the consumptions (lineside.go)
	st      struct {
		prn, spi, pnp, rfl, aoi, wsh, dpl, bak, ctg, cur, ict, prg, fct, lbl, rwk string
	}
}

// newSMTLine returns SMT line i, its station names with the site prefix sp in
// front.
func newSMTLine(i, nParts int, sp string) *smtLine {
	l := &smtLine{idx: i, area: i, feeders: make([]feeder, nParts)}
	if m := modeOf(i); m != lineMES {
		l.ls = &lineSide{mode: m, setups: map[string]bool{}}
	}
	n := strconv.Itoa(i + 1)
	s := sp + "SMT" + n + "-"
	l.st.prn, l.st.spi, l.st.pnp, l.st.rfl, l.st.aoi = s+"PRN", s+"SPI", s+"PNP", s+"RFL", s+"AOI"
	l.st.wsh, l.st.dpl, l.st.bak, l.st.ctg, l.st.cur = s+"WSH", s+"DPL", s+"BAK", s+"CTG", s+"CUR"
	l.st.ict, l.st.prg, l.st.fct, l.st.lbl, l.st.rwk = sp+"ICT-"+n, sp+"PRG-"+n, sp+"FCT-"+n, sp+"LBL-"+n, sp+"RWK-"+n
	return l
}

// newUnit emits unit.created for a new made unit.
func (g *gen) newUnit(serial, pn, rev, wo, kind, station, op string, ids map[string]string) *board {
	b := &board{serial: serial, ref: "Unit:" + serial}
	g.units++
	g.sum.UnitsByKind[kind]++
	g.emit(tracegraph.EventUnitCreated, station, op, &tracegraph.UnitCreated{
		Serial: serial, PartNumber: pn, Revision: rev, WorkOrder: wo, Kind: kind, Origin: tracegraph.OriginMade,
		Identifiers: ids,
	})
	return b
}

func (g *gen) process(units []string, step, recipe string, params map[string]any, station, op string) {
	g.emit(tracegraph.EventProcessRecorded, station, op, &tracegraph.ProcessRecorded{
		Units: units, Step: step, Recipe: recipe, Parameters: params, Result: tracegraph.ResultPass,
	})
}

func (g *gen) test(b *board, typ, program, fixture, result string, ms []tracegraph.Measurement, fw *tracegraph.Firmware, station, op string) {
	g.emit(tracegraph.EventTestRecorded, station, op, &tracegraph.TestRecorded{
		Unit: b.ref, TestType: typ, Result: result, Program: program, Fixture: fixture, Measurements: ms, Firmware: fw,
	})
}

func (g *gen) scrap(b *board, reason, station, op string) {
	b.scrap = true
	g.sum.Scrapped++
	if g.sum.Facts.ScrappedUnit == "" {
		g.sum.Facts.ScrappedUnit = b.serial
	}
	g.emit(tracegraph.EventUnitScrapped, station, op, &tracegraph.UnitScrapped{Unit: b.ref, Reason: reason})
}

// round rounds v to d decimals.
func round(v float64, d int) float64 {
	p := math.Pow10(d)
	return math.Round(v*p) / p
}

// jitter returns v plus normal noise of sigma, rounded to d decimals.
func (g *gen) jitter(v, sigma float64, d int) float64 { return round(v+sigma*g.r.NormFloat64(), d) }

// measure draws FCT measurements. Values are normal around the nominal, so a
// few land close to the limits; fail names the measurement forced out of its
// limits (-1: none).
func (g *gen) measure(defs []measDef, fail int) []tracegraph.Measurement {
	ms := make([]tracegraph.Measurement, len(defs))
	for i := range defs {
		d := &defs[i]
		v := d.nominal + d.sigma*g.r.NormFloat64()
		res := tracegraph.ResultPass
		if i == fail {
			v = d.high + d.sigma*(0.1+g.r.Float64())
			if g.r.IntN(2) == 0 {
				v = d.low - d.sigma*(0.1+g.r.Float64())
			}
			res = tracegraph.ResultFail
		} else {
			v = min(max(v, d.low), d.high)
		}
		ms[i] = tracegraph.Measurement{Name: d.name, Value: round(v, 4), Unit: d.unit, Low: &d.low, High: &d.high, Result: res}
	}
	return ms
}

func (g *gen) refs(bs []*board) []string {
	out := make([]string, 0, len(bs))
	for _, b := range bs {
		if !b.scrap {
			out = append(out, b.ref)
		}
	}
	return out
}

// pasteFor returns the line's paste jar: a new jar every shift, or when the
// jar cannot cover the next board.
func (g *gen) pasteFor(l *smtLine, grams float64) *reel {
	shift := g.clock / shiftMS
	if l.jar == nil || l.jarShft != shift || l.jarRem < grams {
		l.jar = g.receiveSimple(g.cat.paste, "PJ", &g.seq.jar, 500, 60+g.r.IntN(90))
		l.jarRem, l.jarShft = 500, shift
	}
	l.jarRem -= grams
	return l.jar
}

// smtStep builds one panel on line l. It reports whether there was work.
func (g *gen) smtStep(l *smtLine) bool {
	if len(l.queue) == 0 {
		return false
	}
	o := l.queue[0]
	f := o.fam
	op := g.op(l.area)
	n := min(panelSize, o.remaining)
	pn, rev, kind, bom, grams := f.pcbaPN, f.pcbaRev, "pcba", f.pcbaBOM, &g.cat.gramsPCBA
	if o.mod != nil {
		pn, rev, kind, bom, grams = o.mod.pn, o.mod.rev, "module", o.mod.bom, &g.cat.gramsModule
	}
	if o.mod == nil && o.coating == nil {
		o.coating = g.receiveSimple(g.cat.coating, "CT", &g.seq.coat, 5, 365)
		if g.sum.Facts.OrderLot == "" && l.coatPrecision() == tracegraph.PrecisionOrder {
			g.sum.Facts.OrderLot = o.coating.key
		}
	}

	panel := l.panel[:0]
	for range n {
		var serial string
		if o.mod == nil {
			g.seq.pcba[f.idx]++
			serial = g.key("B"+f.code, g.seq.pcba[f.idx], 7)
		} else {
			g.seq.module[f.idx][o.mod.idx]++
			serial = g.key("M"+f.code+o.mod.code, g.seq.module[f.idx][o.mod.idx], 7)
		}
		panel = append(panel, g.newUnit(serial, pn, rev, o.wo, kind, l.st.prn, op, nil))
	}
	l.panel = panel

	g.panelProcess(l, panel, "print", "PRN-"+pn, func() map[string]any {
		return map[string]any{"squeegeePressureKg": g.jitter(6.5, 0.15, 2), "printSpeedMmS": 40.0, "separationSpeedMmS": 1.5,
			"stencil": "STN-" + pn + "-A"}
	}, l.st.prn, op)
	for _, b := range panel {
		g.consumeLot(b, g.pasteFor(l, *grams), grams, nil, tracegraph.PrecisionExact, l.st.prn, op)
	}
	for _, b := range panel {
		g.test(b, "SPI", "SPI-"+pn, "", tracegraph.ResultPass, nil, nil, l.st.spi, op)
	}
	g.panelProcess(l, panel, "place", "PNP-"+pn+"-A", func() map[string]any {
		return map[string]any{"feeders": float64(len(bom)), "cycleTimeS": g.jitter(38, 1.5, 1), "nozzleChanges": float64(g.r.IntN(4))}
	}, l.st.pnp, op)
	if l.ls != nil {
		g.changeOver(l, pn, bom, op)
	}
	for _, b := range panel {
		if l.ls != nil {
			g.place(l, b, bom, op)
		} else {
			for i := range bom {
				g.consumeReel(l, b, &bom[i], l.st.pnp, op)
			}
		}
		if o.mod == nil {
			b.comp = g.takeComponent(f.radio)
			g.installComponent(b, b.comp, f.radio.refDes, l.st.pnp, op)
		}
		if b.wb {
			g.facts.wbUnits++
		}
	}
	g.panelProcess(l, panel, "reflow", "RFL-SAC305-"+strconv.Itoa(l.idx+1), func() map[string]any {
		return map[string]any{"profile": "SAC305-STD", "peakTempC": g.jitter(243, 1.8, 1), "timeAboveLiquidusS": g.jitter(62, 4, 1),
			"conveyorSpeedCmMin": 80.0, "nitrogen": true}
	}, l.st.rfl, op)
	for _, b := range panel {
		g.test(b, "AOI", "AOI-"+pn, "", tracegraph.ResultPass, nil, nil, l.st.aoi, op)
	}
	g.panelProcess(l, panel, "wash", "WSH-AQ-60", func() map[string]any {
		return map[string]any{"waterTempC": g.jitter(60, 0.8, 1), "conductivityUScm": g.jitter(0.9, 0.1, 2)}
	}, l.st.wsh, op)
	g.panelProcess(l, panel, "depanel", "DPL-ROUTER", func() map[string]any {
		return map[string]any{"method": "router", "spindleRpm": 40000.0, "bitLifeM": float64(g.r.IntN(300))}
	}, l.st.dpl, op)

	if o.mod == nil {
		g.finishPCBAs(l, o, panel, op)
	} else {
		g.finishModules(l, o, panel, op)
	}
	if o.remaining -= n; o.remaining == 0 {
		l.queue = l.queue[1:]
		g.fas[f.idx].smtOpen--
	}
	return true
}

// panelProcess records a step of a panel's boards that are not scrapped:
// one record for the panel, or on a line with splice-point detection (whose
// machines report per board) one record per board, each with its own
// parameters.
func (g *gen) panelProcess(l *smtLine, panel []*board, step, recipe string, params func() map[string]any, station, op string) {
	units := g.refs(panel)
	if len(units) == 0 {
		return
	}
	if l.ls == nil || l.ls.mode != lineSplicePoint {
		g.process(units, step, recipe, params(), station, op)
		return
	}
	for _, u := range units {
		g.process([]string{u}, step, recipe, params(), station, op)
	}
}

// coatPrecision is how the line records coating: per board where the
// machines report per board, else per work order.
func (l *smtLine) coatPrecision() tracegraph.Precision {
	if l.ls != nil && l.ls.mode == lineSplicePoint {
		return tracegraph.PrecisionExact
	}
	return tracegraph.PrecisionOrder
}

// installComponent records a serialized component built into a unit.
func (g *gen) installComponent(b *board, comp string, refDes []string, station, op string) {
	g.sum.Consumptions["EXACT"]++
	g.emit(tracegraph.EventMaterialConsumed, station, op, &tracegraph.MaterialConsumed{
		Unit: b.ref, Component: comp, RefDes: refDes, Precision: tracegraph.PrecisionExact,
	})
}

// finishPCBAs runs ICT, coating, programming and FCT on a PCBA panel and puts
// the good boards into the family's stock.
func (g *gen) finishPCBAs(l *smtLine, o *smtOrder, panel []*board, op string) {
	f := o.fam
	for _, b := range panel {
		if g.r.IntN(1000) < 2 {
			g.test(b, "ICT", "ICT-"+f.pcbaPN, "FX-ICT-"+f.code, tracegraph.ResultFail, []tracegraph.Measurement{{
				Name: "SHORT_VBAT_GND", Value: round(0.2+g.r.Float64(), 3), Unit: "Ohm", Low: &g.cat.ict, Result: tracegraph.ResultFail,
			}}, nil, l.st.ict, op)
			g.scrap(b, "ICT: short VBAT-GND under BGA, not repairable", l.st.ict, op)
			continue
		}
		g.test(b, "ICT", "ICT-"+f.pcbaPN, "FX-ICT-"+f.code, tracegraph.ResultPass, nil, nil, l.st.ict, op)
	}
	for _, b := range panel {
		if b.scrap {
			continue
		}
		g.process([]string{b.ref}, "coat", "CTG-1B31-SEL", map[string]any{
			"thicknessUm": g.jitter(50, 6, 1), "nozzle": "needle-0.3", "uvInspection": true}, l.st.ctg, op)
		g.consumeLot(b, o.coating, &g.cat.coatPerBoard, nil, l.coatPrecision(), l.st.ctg, op)
		if o.coating.key == g.sum.Facts.OrderLot {
			g.sum.Facts.OrderLotUnits++
		}
	}
	g.panelProcess(l, panel, "cure", "CUR-UV-80C", func() map[string]any {
		return map[string]any{"tempC": g.jitter(80, 1, 1), "minutes": 30.0}
	}, l.st.cur, op)
	fa := g.fas[f.idx]
	for _, b := range panel {
		if b.scrap {
			continue
		}
		fw := g.firmware(f)
		g.process([]string{b.ref}, "program", "PRG-"+f.code, map[string]any{
			"image": f.code + "-APP", "firmware": fw.Version, "checksum": fw.Checksum,
			"durationS": g.jitter(21, 1.2, 1)}, l.st.prg, op)
		prog, fix := "FCT-"+f.pcbaPN+"-v"+strconv.Itoa(3+g.fw[f.idx].idx/3), "FX-FCT-"+f.code+"-"+strconv.Itoa(1+g.r.IntN(3))
		switch u := g.r.IntN(1000); {
		case u < 10: // fails, passes on retest
			g.test(b, "FCT", prog, fix, tracegraph.ResultFail, g.measure(f.pcbaFCT, 0), fw, l.st.fct, op)
		case u < 25: // radio fails: rework replaces it
			g.test(b, "FCT", prog, fix, tracegraph.ResultFail, g.measure(f.pcbaFCT, len(f.pcbaFCT)-1), fw, l.st.fct, op)
			old := b.comp
			b.comp = g.takeComponent(f.radio)
			g.rework(b, old, "FCT: "+f.pcbaFCT[len(f.pcbaFCT)-1].name+" out of limits, radio module replaced", l.st.rwk)
			g.installComponent(b, b.comp, f.radio.refDes, l.st.rwk, g.op(areaRework))
			g.process([]string{b.ref}, "rework", "RWK-LGA-HOTAIR", map[string]any{
				"nozzleTempC": g.jitter(265, 3, 1), "preheatC": 150.0}, l.st.rwk, g.op(areaRework))
		}
		g.test(b, "FCT", prog, fix, tracegraph.ResultPass, g.measure(f.pcbaFCT, -1), fw, l.st.fct, op)
		fa.pcbas.push(b)
	}
}

// rework removes child from b.
func (g *gen) rework(b *board, child, reason, station string) {
	g.sum.Reworked++
	if g.sum.Facts.ReworkedUnit == "" {
		g.sum.Facts.ReworkedUnit, g.sum.Facts.ReworkedChild = b.serial, child
	}
	g.emit(tracegraph.EventComponentRemoved, station, g.op(areaRework), &tracegraph.ComponentRemoved{
		Parent: b.ref, Child: child, Reason: reason})
}

// finishModules programs, tests and labels a module panel.
func (g *gen) finishModules(l *smtLine, o *smtOrder, panel []*board, op string) {
	f, m := o.fam, o.mod
	g.panelProcess(l, panel, "bake", "BAK-125C-4H", func() map[string]any { return map[string]any{"tempC": 125.0, "hours": 4.0} }, l.st.bak, op)
	fa := g.fas[f.idx]
	for _, b := range panel {
		g.process([]string{b.ref}, "program", "PRG-"+m.pn, map[string]any{
			"image": f.code + "-" + m.code + "-BOOT", "durationS": g.jitter(6, 0.5, 1)}, l.st.prg, op)
		prog, fix := "FCT-"+m.pn, "FX-FCT-"+f.code+m.code
		switch u := g.r.IntN(1000); {
		case u < 10:
			g.test(b, "FCT", prog, fix, tracegraph.ResultFail, g.measure(m.fct, 0), nil, l.st.fct, op)
		case u < 11:
			g.test(b, "FCT", prog, fix, tracegraph.ResultFail, g.measure(m.fct, 1), nil, l.st.fct, op)
			g.scrap(b, "FCT: "+m.fct[1].name+" out of limits, no fault found in repair", l.st.fct, op)
			continue
		}
		g.test(b, "FCT", prog, fix, tracegraph.ResultPass, g.measure(m.fct, -1), nil, l.st.fct, op)
		g.process([]string{b.ref}, "label", "LBL-2D-DM", map[string]any{"printer": "ZT610-" + strconv.Itoa(l.idx+1)}, l.st.lbl, op)
		fa.mods[m.idx].push(b)
	}
}
