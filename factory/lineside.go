package factory

import (
	"fmt"
	"strconv"

	"github.com/tracegraph/tracegraph"
)

// Line-side traceability (docs/events.md): the pick-and-place
// machines of some SMT lines report their setups, feeder loads and splices
// and each board they place (unit.placed), and tracegraph derives what
// each board consumed. The mix is what real factories have:
//
//	SMT1  line side with splice-point detection (splice.passed): exact lots
//	      per reference designator but for the boards placed between a
//	      splice and the splice point; per-unit print, placement and reflow
//	      records with their parameters; coating recorded per board
//	SMT2  line side without splice-point detection: both reels count for
//	      spliceWindow after each splice; batch process records; coating per
//	      work order
//	SMT3  no line side: the MES computes material.consumed per board (as
//	      every line did before), coating per work order
//
// The generator emits only events the rules accept: no wrong-part loads
// (WRONG_PART is shown by the README and the conformance suite), and
// moisture-sensitive reels are baked before their floor life ends.

// lineMode is how an SMT line reports its material.
type lineMode uint8

const (
	lineMES          lineMode = iota // material.consumed computed per board
	lineSplicePoint                  // line side, with splice.passed
	lineSpliceWindow                 // line side, a splice window instead
)

// spliceWindowMS is the splice window of the lines without splice-point
// detection: both reels are candidates for 5 minutes after a splice.
const spliceWindowMS = 5 * 60 * 1000

// needsBake reports whether moisture-sensitive reel r of part p has used
// 70 % of its floor life (J-STD-033) on the line: it is taken off, baked
// and loaded again before the interlock would refuse it.
func (g *gen) needsBake(p *part, r *reel) bool {
	life, ok := tracegraph.FloorLife(p.msl, nil)
	return ok && g.clock-r.floorAt > life.Milliseconds()*7/10
}

// modeOf returns the mode of SMT line i.
func modeOf(i int) lineMode {
	switch i {
	case 0:
		return lineSplicePoint
	case 1:
		return lineSpliceWindow
	}
	return lineMES
}

// lineSide is the line-side state of an SMT line.
type lineSide struct {
	mode   lineMode
	setups map[string]bool // product part numbers with a setup defined
	active string          // the product part number of the active setup
	feeds  []slotFeed
}

// spliceDiv narrows the splice window of lines with splice-point
// detection: the operator splices a new reel on shortly before the old one
// runs out, as the machine tells when the splice point passes.
func (ls *lineSide) spliceDiv() int {
	if ls.mode == lineSplicePoint {
		return 20
	}
	return 1
}

// slotReel is a reel the store counts on a slot: open from from (clock ms),
// spliced behind another or loaded.
type slotReel struct {
	r       *reel
	from    int64
	spliced bool
}

// slotFeed is what fed one board from one slot.
type slotFeed struct {
	bl    *bomLine
	reels []*reel
}

// slotName names the feeder slot of part p: the same on every setup of a
// line, so that a changeover leaves common parts where they are.
func slotName(p *part) string { return "F" + fmt.Sprintf("%03d", p.idx) }

// setupID names the setup of product pn on line l.
func (g *gen) setupID(l *smtLine, pn string) string {
	return g.sp + "SU-SMT" + strconv.Itoa(l.idx+1) + "-" + pn
}

// changeOver defines (once) and activates the setup of product pn on l's
// placement machine unless it is running already.
func (g *gen) changeOver(l *smtLine, pn string, bom []bomLine, op string) {
	ls := l.ls
	if ls.active == pn {
		return
	}
	// Feeders the new setup does not use stay on the machine (unloading
	// and loading them again costs the store a re-derivation each; see
	// docs/traceability-levels.md): a slot is named by its part, so no
	// setup finds a wrong part on one of its slots.
	if !ls.setups[pn] {
		sd := &tracegraph.SetupDefined{Setup: g.setupID(l, pn), Station: l.st.pnp, PartNumber: pn}
		for i := range bom {
			sd.Slots = append(sd.Slots, tracegraph.SetupSlot{Slot: slotName(bom[i].part), PartNumber: bom[i].part.pn, RefDes: bom[i].refDes})
		}
		if ls.mode == lineSpliceWindow {
			sd.SpliceWindowSeconds = spliceWindowMS / 1000
		}
		g.emit(tracegraph.EventSetupDefined, l.st.pnp, op, sd)
		ls.setups[pn] = true
	}
	g.emit(tracegraph.EventSetupActivated, l.st.pnp, op, &tracegraph.SetupActivated{Station: l.st.pnp, Setup: g.setupID(l, pn)})
	ls.active = pn
}

// place runs board b through l's placement machine: the feeder events its
// slots need (first loads, splices, splice points, bakes), then unit.placed.
// It counts what the store derives (the same rules, mirrored on the slots'
// reels) for the summary and the facts.
func (g *gen) place(l *smtLine, b *board, bom []bomLine, op string) {
	ls := l.ls
	ls.feeds = ls.feeds[:0]
	for i := range bom {
		bl := &bom[i]
		p := bl.part
		f := &l.feeders[p.idx]
		a, c, _ := g.advance(f, p, int(bl.qty), ls.spliceDiv())
		slot := slotName(p)
		if len(f.slot) == 0 { // the first reel, or back after a changeover
			g.bakeIfDue(l, p, a, op)
			g.load(l, f, slot, a, op)
		}
		if c != nil && !f.onSlot(c) {
			g.bakeIfDue(l, p, c, op)
			g.use(c)
			g.startFloor(c)
			f.slot = append(f.slot, slotReel{r: c, from: g.clock, spliced: true})
			if open := f.slot; len(open) > 2 {
				f.slot = open[len(open)-2:] // a third reel: the oldest is used up
			}
			g.emit(tracegraph.EventFeederSpliced, l.st.pnp, op, &tracegraph.FeederLoaded{Station: l.st.pnp, Slot: slot, Lot: c.ref})
		}
		if c == nil && ls.mode == lineSplicePoint && len(f.slot) > 1 {
			f.slot = f.slot[len(f.slot)-1:]
			g.emit(tracegraph.EventSplicePassed, l.st.pnp, op, &tracegraph.FeederSlot{Station: l.st.pnp, Slot: slot})
		}
		if c == nil && g.needsBake(p, a) && len(g.feeding(ls, f)) == 1 {
			g.emit(tracegraph.EventFeederUnloaded, l.st.pnp, op, &tracegraph.FeederSlot{Station: l.st.pnp, Slot: slot})
			g.bakeIfDue(l, p, a, op)
			g.load(l, f, slot, a, op)
		}
		ls.feeds = append(ls.feeds, slotFeed{bl: bl})
	}
	// The placement's time is the clock now: what fed each slot then.
	for i := range ls.feeds {
		x := &ls.feeds[i]
		f := &l.feeders[x.bl.part.idx]
		x.reels = g.feeding(ls, f)
		prec := tracegraph.PrecisionExact
		if len(x.reels) > 1 {
			prec = tracegraph.PrecisionCandidate
			if g.sum.Facts.SpliceUnit == "" && len(x.reels) == 2 {
				g.sum.Facts.SpliceUnit, g.sum.Facts.SplicePartNumber = b.serial, x.bl.part.pn
				g.sum.Facts.SpliceLots = [2]string{x.reels[0].key, x.reels[1].key}
			}
		}
		for _, r := range x.reels {
			if r.wafer == 1 {
				b.wb = true
			}
			g.sum.Consumptions[prec.String()]++
		}
	}
	g.emit(tracegraph.EventUnitPlaced, l.st.pnp, op, &tracegraph.UnitPlaced{Unit: b.ref, Station: l.st.pnp})
	// Placing takes about as long as the MES took to report each part.
	g.clock += int64(len(bom)) * placeMSPerPart
}

// placeMSPerPart is the placement time per BOM line: half a second.
const placeMSPerPart = 500

// bakeIfDue bakes reel r (off its feeder) when it has used most of its
// floor life: its floor life starts again.
func (g *gen) bakeIfDue(l *smtLine, p *part, r *reel, op string) {
	if r.floorAt == 0 || !g.needsBake(p, r) {
		return
	}
	r.floorAt = g.clock // the bake's time
	g.emit(tracegraph.EventLotBaked, l.st.bak, op, &tracegraph.LotBaked{Lot: r.ref})
}

// load puts reel r on the slot (feeder.loaded): it replaces the slot's reels.
func (g *gen) load(l *smtLine, f *feeder, slot string, r *reel, op string) {
	g.use(r)
	g.startFloor(r)
	f.slot = append(f.slot[:0], slotReel{r: r, from: g.clock})
	g.emit(tracegraph.EventFeederLoaded, l.st.pnp, op, &tracegraph.FeederLoaded{Station: l.st.pnp, Slot: slot, Lot: r.ref})
}

// startFloor starts a reel's floor life at its first load or splice.
func (g *gen) startFloor(r *reel) {
	if r.floorAt == 0 {
		r.floorAt = g.clock
	}
}

// onSlot reports whether r is one of the slot's reels.
func (f *feeder) onSlot(r *reel) bool {
	for _, s := range f.slot {
		if s.r == r {
			return true
		}
	}
	return false
}

// feeding returns the reels of the slot that feed a placement now, as the
// store's rules decide: a reel feeds from its load until the splice point
// (splice.passed) or, without splice-point detection, until the splice
// window after the next reel was spliced behind it ends.
func (g *gen) feeding(ls *lineSide, f *feeder) []*reel {
	var out []*reel
	for i, s := range f.slot {
		end := int64(-1)
		if ls.mode == lineSpliceWindow {
			for _, next := range f.slot[i+1:] {
				if next.spliced && next.from >= s.from {
					end = next.from + spliceWindowMS
					break
				}
			}
		}
		if s.from <= g.clock && (end < 0 || end > g.clock) {
			out = append(out, s.r)
		}
	}
	return out
}

// defineRoutes records the tests every made part number must pass before it
// is packed or shipped.
func (g *gen) defineRoutes() {
	op := g.op(areaWarehouse)
	for _, f := range g.cat.families {
		g.emit(tracegraph.EventRouteDefined, g.st.recv, op, &tracegraph.RouteDefined{PartNumber: f.pcbaPN, Requires: []string{"SPI", "AOI", "ICT", "FCT"}})
		for _, m := range f.modules {
			g.emit(tracegraph.EventRouteDefined, g.st.recv, op, &tracegraph.RouteDefined{PartNumber: m.pn, Requires: []string{"SPI", "AOI", "FCT"}})
		}
		last := "HIPOT"
		if f.rfTest {
			last = "RF"
		}
		g.emit(tracegraph.EventRouteDefined, g.st.recv, op, &tracegraph.RouteDefined{PartNumber: f.productPN, Requires: []string{"FCT", last, "EOL"}})
	}
}
