// The rules of the line side: setups, feeder slots, splices and placements
// (docs/events.md, "Line side"). Routes and moisture-sensitive material are in
// project_route.go.
//
// A station's line-side state lives in its Station node's props, each as
// JSON text (a string: every placement reads the state, and a string is
// copied and decoded far faster than nested JSON values):
//
//	setups:           {setup: id of its current setup.defined event}
//	activations:      [{setup, def, from, event}], oldest first
//	activationsSince: when the kept activations start, once older ones were dropped
//	feeders:          {slot: {reels: [{lot, load, from, to?, closedBy?, spliced?}], since?}}
//
// A reel is a lot on a slot from the time of its feeder.loaded or
// feeder.spliced (load) until the event that closed it. Only the last
// maxLineHistory activations and reels of each slot are kept; a placement
// older than what is kept is refused (CONFLICT) rather than derived from
// a history that is no longer there.

package tracegraph

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Station props of the line side.
const (
	propSetups           = "setups"
	propActivations      = "activations"
	propActivationsSince = "activationsSince"
	propFeeders          = "feeders"
)

// maxLineHistory bounds the activations of a station and the reels of a slot
// kept for placements recorded late.
const maxLineHistory = 16

// activation is a setup a station ran from a time on; Def is the id of the
// setup.defined event it ran (a redefinition of the running setup starts a
// new activation).
type activation struct {
	Setup string    `json:"setup"`
	Def   string    `json:"def"`
	From  time.Time `json:"from"`
	Event string    `json:"event"`
}

// reel is a lot on a feeder slot from From until To (zero: still there).
type reel struct {
	Lot      ID        `json:"lot"`
	Load     string    `json:"load"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to,omitzero"`
	ClosedBy string    `json:"closedBy,omitempty"`
	Spliced  bool      `json:"spliced,omitempty"`
}

func (r *reel) open() bool { return r.To.IsZero() }

// feeder is the history of one slot; Since is set once older reels were dropped.
type feeder struct {
	Reels []reel    `json:"reels"`
	Since time.Time `json:"since,omitzero"`
}

// last returns the time of the slot's last change.
func (f *feeder) last() time.Time {
	var t time.Time
	for _, r := range f.Reels {
		t = maxTime(t, maxTime(r.From, r.To))
	}
	return t
}

func (f *feeder) openReels() []int {
	var out []int
	for i := range f.Reels {
		if f.Reels[i].open() {
			out = append(out, i)
		}
	}
	return out
}

// close closes reel i at t by the event evID.
func (f *feeder) close(i int, t time.Time, evID string) {
	f.Reels[i].To, f.Reels[i].ClosedBy = t, evID
}

// trim drops the oldest closed reels beyond maxLineHistory.
func (f *feeder) trim() {
	for len(f.Reels) > maxLineHistory && !f.Reels[0].open() {
		f.Since = maxTime(f.Since, f.Reels[0].To)
		f.Reels = f.Reels[1:]
	}
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// lineSide is a station's line-side state, read from and written back to its node.
type lineSide struct {
	node        *Node
	setups      map[string]string
	activations []activation
	actSince    time.Time
	feeders     map[string]*feeder
	// from is the memo's state this one was copied from (nil: decoded):
	// until changed, its feeders, setups and activations are from's, and
	// save writes from's texts of them again (borrow).
	from *lineSideMemo
	// Which of from's this one changed: its setups, its activations.
	setupsChanged, actsChanged bool
	// newSlots are the slots added to from's.
	newSlots []string
}

// lineSide reads the station's state to change it; a station without a
// node gets a new one (put by save). A station whose texts are the ones an
// event of the batch (or of the group: newMemo) last decoded or saved is
// copied from the memo instead of decoded again.
func (tx *Tx) lineSide(station string) (*lineSide, error) {
	n, err := tx.nodeOrNew(LabelStation, station, map[string]any{"station": station})
	if err != nil {
		return nil, err
	}
	if tx.memo != nil {
		if c := tx.memo.station(n); c != nil {
			return c.borrow(n), nil
		}
	}
	return decodeLineSide(n)
}

// decodeLineSide reads the line-side state from the station's node n.
func decodeLineSide(n *Node) (*lineSide, error) {
	ls := &lineSide{node: n, setups: map[string]string{}, feeders: map[string]*feeder{}}
	// Plain texts are decoded directly (project_lineside_decode.go), the
	// rest by fromProp.
	if err := decodeProp(n, propSetups, &ls.setups, fastSetups); err != nil {
		return nil, err
	}
	if err := decodeProp(n, propActivations, &ls.activations, fastActivations); err != nil {
		return nil, err
	}
	if err := decodeProp(n, propFeeders, &ls.feeders, fastFeeders); err != nil {
		return nil, err
	}
	ls.actSince = n.Time(propActivationsSince)
	return ls, nil
}

// lineSideView returns the station's line side for reading only (the
// placement's rules change neither it nor its node): decoded once for as
// long as the station's state stays the same within the batch.
func (tx *Tx) lineSideView(station string) (*lineSide, error) {
	if tx.memo != nil {
		return tx.memo.lineSideView(tx, station)
	}
	return tx.lineSide(station)
}

// fromProp decodes the node's property k into v: JSON text, or a JSON value.
func fromProp(n *Node, k string, v any) error {
	p, ok := n.Props[k]
	if !ok {
		return nil
	}
	var b []byte
	if text, ok := p.(string); ok {
		b = []byte(text)
	} else {
		var err error
		if b, err = json.Marshal(p); err != nil {
			return fmt.Errorf("%s property %s: %w", n.ID, k, err)
		}
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s property %s: %w", n.ID, k, err)
	}
	return nil
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// save writes the line side into its node's props and puts the node. The
// line side is handed to the batch's memo: it must not change after.
func (ls *lineSide) save(tx *Tx) {
	c := &lineSideMemo{ls: ls, actSince: ls.actSince, written: true}
	from := ls.from
	if from != nil && !from.written {
		from = nil // decoded texts: written again as save writes them
	}
	if from != nil && !ls.setupsChanged {
		c.setups = from.setups
	} else {
		c.setups = setupsText(ls.setups)
	}
	if from != nil && !ls.actsChanged {
		c.activations = from.activations
	} else {
		c.activations = activationsText(ls.activations)
	}
	c.feeders, c.slots, c.spans = ls.feedersText(from)
	p := ls.node.Props
	p[propSetups], p[propActivations], p[propFeeders] = c.setups, c.activations, c.feeders
	if !ls.actSince.IsZero() {
		p[propActivationsSince] = ts(ls.actSince)
	}
	tx.putNode(ls.node)
	ls.from = nil // what it shared is c's now
	if tx.memo != nil {
		tx.memo.keep(c)
	}
}

// feeder returns the slot's feeder to change, adding an empty one.
func (ls *lineSide) feeder(slot string) *feeder {
	if f := ls.ownFeeder(slot); f != nil {
		return f
	}
	if _, ok := ls.feeders[slot]; !ok {
		ls.newSlots = append(ls.newSlots, slot)
	}
	f := &feeder{}
	ls.feeders[slot] = f
	return f
}

// ownFeeder returns the slot's feeder to change (nil: none): a feeder
// shared with the memo's state is copied first.
func (ls *lineSide) ownFeeder(slot string) *feeder {
	f := ls.feeders[slot]
	if f != nil && ls.from != nil && ls.from.ls.feeders[slot] == f {
		f = &feeder{Reels: slices.Clone(f.Reels), Since: f.Since}
		ls.feeders[slot] = f
	}
	return f
}

// setSetup makes def the current definition of setup.
func (ls *lineSide) setSetup(setup, def string) {
	ls.ownSetups()
	ls.setups[setup] = def
}

// dropSetup forgets setup.
func (ls *lineSide) dropSetup(setup string) {
	ls.ownSetups()
	delete(ls.setups, setup)
}

// ownSetups copies the setups shared with the memo's state before they change.
func (ls *lineSide) ownSetups() {
	if ls.from != nil && !ls.setupsChanged {
		ls.setups = maps.Clone(ls.setups)
	}
	ls.setupsChanged = true
}

// activeAt returns the activation in force at t, or nil.
func (ls *lineSide) activeAt(t time.Time) *activation {
	for i := len(ls.activations) - 1; i >= 0; i-- {
		if !ls.activations[i].From.After(t) {
			return &ls.activations[i]
		}
	}
	return nil
}

func (ls *lineSide) activate(a activation) {
	// A shared list is clipped (borrow): append copies it.
	ls.actsChanged = true
	ls.activations = append(ls.activations, a)
	if n := len(ls.activations) - maxLineHistory; n > 0 {
		ls.actSince = ls.activations[n].From
		ls.activations = slices.Clone(ls.activations[n:])
	}
}

// setupDef reads the definition an activation runs (decoded once a batch).
func (tx *Tx) setupDef(defID string) (*SetupDefined, error) {
	if tx.memo != nil {
		return tx.memo.setupDef(tx, defID)
	}
	return tx.readSetupDef(defID, nil)
}

// readSetupDef reads and decodes the event defID, a setup.defined. The
// decoded definitions of events read as they are recorded (their data, not
// decoded yet) are kept in decoded (nil: none), by the event's type and
// data: the same text decodes to the same definition.
func (tx *Tx) readSetupDef(defID string, decoded *LineSideMemo) (*SetupDefined, error) {
	ev, _, err := tx.EventByID(tx.ctx, defID)
	if err != nil {
		return nil, err
	}
	if ev == nil {
		return nil, fmt.Errorf("setup definition %q is not in the log", defID)
	}
	// Payload decodes the data of an event without its payload.
	fromData := ev.payload == nil && ev.Type == EventSetupDefined
	if fromData {
		if d := decoded.setupDef(defID, ev.Data); d != nil {
			return d, nil
		}
	}
	p, err := ev.Payload()
	if err != nil {
		return nil, fmt.Errorf("decode setup definition %q: %w", defID, err)
	}
	d, ok := p.(*SetupDefined)
	if !ok {
		return nil, fmt.Errorf("event %q is a %s, not a setup.defined", defID, ev.Type)
	}
	if fromData {
		decoded.keepSetupDef(defID, ev.Data, d)
	}
	return d, nil
}

// activeSetup returns the setup the station runs at t and its definition (nil, nil: none).
func (tx *Tx) activeSetup(ls *lineSide, t time.Time) (*activation, *SetupDefined, error) {
	a := ls.activeAt(t)
	if a == nil {
		return nil, nil, nil
	}
	d, err := tx.setupDef(a.Def)
	return a, d, err
}

// slotOf returns the index of slot in the setup, or -1.
func (d *SetupDefined) slotOf(slot string) int {
	return slices.IndexFunc(d.Slots, func(s SetupSlot) bool { return s.Slot == slot })
}

// verifyLoaded refuses (WRONG_PART) a setup whose slots do not take the
// parts loaded on them at t: a changeover must match what is on the feeders.
func (tx *Tx) verifyLoaded(ls *lineSide, d *SetupDefined, field string) error {
	for _, s := range d.Slots {
		f := ls.feeders[s.Slot]
		if f == nil {
			continue
		}
		for _, i := range f.openReels() {
			lot, err := tx.ViewNode(tx.ctx, f.Reels[i].Lot) // only read
			if err != nil {
				return err
			}
			if lot != nil && lot.Str("partNumber") != s.PartNumber {
				return Errorf(CodeWrongPart, field, "slot %s of setup %s takes %s, but %s (part %s) is loaded on it; unload it first",
					s.Slot, d.Setup, s.PartNumber, lot.ID, lot.Str("partNumber"))
			}
		}
	}
	return nil
}

func (tx *Tx) setupDefined(d *SetupDefined) error {
	ls, err := tx.lineSide(d.Station)
	if err != nil {
		return err
	}
	if a := ls.activeAt(tx.now()); a != nil && a.Setup == d.Setup {
		// The running setup changes from now on.
		if err := tx.verifyLoaded(ls, d, "data.slots"); err != nil {
			return err
		}
		if err := ls.laterThanActivation(tx.now()); err != nil {
			return err
		}
		ls.activate(activation{Setup: d.Setup, Def: tx.ev.ID, From: tx.now(), Event: tx.ev.ID})
	}
	ls.setSetup(d.Setup, tx.ev.ID)
	ls.save(tx)
	return nil
}

// laterThanActivation refuses a change of the running setup earlier than the
// last activation: activations are kept in time order.
func (ls *lineSide) laterThanActivation(t time.Time) error {
	if n := len(ls.activations); n > 0 && t.Before(ls.activations[n-1].From) {
		last := ls.activations[n-1]
		return Errorf(CodeConflict, "time", "%s activated setup %s at %s (event %q); a setup change cannot come before it",
			ls.node.ID, last.Setup, ts(last.From), last.Event)
	}
	return nil
}

func (tx *Tx) setupActivated(d *SetupActivated) error {
	ls, err := tx.lineSide(d.Station)
	if err != nil {
		return err
	}
	def, ok := ls.setups[d.Setup]
	if !ok {
		return Errorf(CodeNotFound, "data.setup", "setup %s is not defined for station %s (setup.defined)", d.Setup, d.Station)
	}
	if err := ls.laterThanActivation(tx.now()); err != nil {
		return err
	}
	sd, err := tx.setupDef(def)
	if err != nil {
		return err
	}
	if err := tx.verifyLoaded(ls, sd, "data.setup"); err != nil {
		return err
	}
	ls.activate(activation{Setup: d.Setup, Def: def, From: tx.now(), Event: tx.ev.ID})
	ls.save(tx)
	return nil
}

// slotChange reads the station and the slot of a feeder event and refuses an
// event earlier than the slot's last change: a slot's history is kept in
// time order (placements may come late; feeder events may not).
func (tx *Tx) slotChange(station, slot string) (*lineSide, *feeder, error) {
	ls, err := tx.lineSide(station)
	if err != nil {
		return nil, nil, err
	}
	f := ls.feeder(slot)
	if last := f.last(); tx.now().Before(last) {
		return nil, nil, Errorf(CodeConflict, "time", "slot %s of %s changed at %s; a feeder event cannot be earlier", slot, ls.node.ID, ts(last))
	}
	return ls, f, nil
}

func (tx *Tx) feederLoaded(d *FeederLoaded, spliced bool) error {
	ls, f, err := tx.slotChange(d.Station, d.Slot)
	if err != nil {
		return err
	}
	lot, err := tx.resolve("lot", d.Lot, LabelMaterialLot)
	if err != nil {
		return err
	}
	_, sd, err := tx.activeSetup(ls, tx.now())
	if err != nil {
		return err
	}
	if sd != nil {
		if i := sd.slotOf(d.Slot); i >= 0 && lot.Str("partNumber") != sd.Slots[i].PartNumber {
			return Errorf(CodeWrongPart, "data.lot", "%s is part %s; slot %s of setup %s on %s takes %s",
				lot.ID, lot.Str("partNumber"), d.Slot, sd.Setup, d.Station, sd.Slots[i].PartNumber)
		}
	}
	if err := tx.usable("lot", lot); err != nil {
		return err
	}
	open := f.openReels()
	var closed []ID
	switch {
	case spliced && len(open) == 0:
		return Errorf(CodeConflict, "data.slot", "slot %s of %s has no reel to splice onto; load it (feeder.loaded)", d.Slot, d.Station)
	case spliced && len(open) > 1:
		// A third reel: the oldest is used up by now.
		f.close(open[0], tx.now(), tx.ev.ID)
		closed = append(closed, f.Reels[open[0]].Lot)
	case !spliced:
		for _, i := range open {
			f.close(i, tx.now(), tx.ev.ID)
			closed = append(closed, f.Reels[i].Lot)
		}
	}
	f.Reels = append(f.Reels, reel{Lot: lot.ID, Load: tx.ev.ID, From: tx.now(), Spliced: spliced})
	f.trim()
	if err := tx.startFloorLife(lot); err != nil {
		return err
	}
	ls.save(tx)
	return tx.rederive(ls, d.Slot, tx.now(), closed, false)
}

func (tx *Tx) feederUnloaded(d *FeederSlot) error {
	ls, f, err := tx.slotChange(d.Station, d.Slot)
	if err != nil {
		return err
	}
	open := f.openReels()
	if len(open) == 0 {
		return Errorf(CodeConflict, "data.slot", "slot %s of %s is empty", d.Slot, d.Station)
	}
	var closed []ID
	for _, i := range open {
		f.close(i, tx.now(), tx.ev.ID)
		closed = append(closed, f.Reels[i].Lot)
	}
	ls.save(tx)
	return tx.rederive(ls, d.Slot, tx.now(), closed, false)
}

func (tx *Tx) splicePassed(d *FeederSlot) error {
	ls, f, err := tx.slotChange(d.Station, d.Slot)
	if err != nil {
		return err
	}
	open := f.openReels()
	if len(open) < 2 {
		return Errorf(CodeConflict, "data.slot", "slot %s of %s has no splice waiting to pass", d.Slot, d.Station)
	}
	newest := open[len(open)-1]
	var lots []ID
	for _, i := range open {
		lots = append(lots, f.Reels[i].Lot)
		if i != newest {
			f.close(i, tx.now(), tx.ev.ID)
		}
	}
	ls.save(tx)
	// Placements since the splice may have been derived with the window.
	return tx.rederive(ls, d.Slot, f.Reels[newest].From, lots, false)
}

// fed is one reel a slot fed a placement from, with the precision of the
// link and, for a splice, the window in which both reels were candidates.
type fed struct {
	reel       reel
	precision  Precision
	windowFrom time.Time
	windowTo   time.Time
}

// feeding returns the reels of f feeding at t: one is EXACT; more (a splice
// not yet passed) are each CANDIDATE. Without a splice.passed, window (if
// set) ends the old reel that long after the splice.
func (f *feeder) feeding(t time.Time, window time.Duration) []fed {
	return f.feedingInto(nil, t, window)
}

// feedingInto is feeding appending to out[:0] (a placement's buffer for
// each slot in turn).
func (f *feeder) feedingInto(out []fed, t time.Time, window time.Duration) []fed {
	out = out[:0]
	for i, r := range f.Reels {
		end := r.To
		if end.IsZero() && window > 0 {
			for _, next := range f.Reels[i+1:] {
				if next.Spliced && !next.From.Before(r.From) {
					end = next.From.Add(window)
					break
				}
			}
		}
		if !r.From.After(t) && (end.IsZero() || end.After(t)) {
			out = append(out, fed{reel: r, precision: PrecisionExact, windowTo: end})
		}
	}
	if len(out) < 2 {
		if len(out) == 1 {
			out[0].windowTo = time.Time{}
		}
		return out
	}
	var from, to time.Time
	for _, x := range out {
		from = maxTime(from, x.reel.From)
		if !x.windowTo.IsZero() && (to.IsZero() || x.windowTo.Before(to)) {
			to = x.windowTo
		}
	}
	for i := range out {
		out[i].precision, out[i].windowFrom, out[i].windowTo = PrecisionCandidate, from, to
	}
	return out
}

func (tx *Tx) unitPlaced(d *UnitPlaced) error {
	u, err := tx.resolveView("unit", d.Unit, LabelUnit)
	if err != nil {
		return err
	}
	if err := buildable("unit", u); err != nil {
		return err
	}
	ls, err := tx.lineSideView(d.Station)
	if err != nil {
		return err
	}
	t := tx.now()
	if t.Before(ls.actSince) {
		return Errorf(CodeConflict, "time", "%s keeps its setups from %s on; a placement at %s is too old to derive", ls.node.ID, ts(ls.actSince), ts(t))
	}
	a, sd, err := tx.activeSetup(ls, t)
	if err != nil {
		return err
	}
	if a == nil {
		return Errorf(CodeConflict, "data.station", "%s runs no setup at %s (setup.activated)", ls.node.ID, ts(t))
	}
	if pn := u.Str("partNumber"); pn != sd.PartNumber {
		return Errorf(CodeWrongPart, "data.unit", "%s is part %s; %s runs setup %s for %s", u.ID, pn, ls.node.ID, sd.Setup, sd.PartNumber)
	}
	c := newDerivation(tx.strs(), d.Station, a.Setup, tx.ev.ID)
	var feeding []fed
	for i, s := range sd.Slots {
		f := ls.feeders[s.Slot]
		if f == nil {
			continue
		}
		if t.Before(f.Since) {
			return Errorf(CodeConflict, "time", "slot %s of %s keeps its reels from %s on; a placement at %s is too old to derive", s.Slot, ls.node.ID, ts(f.Since), ts(t))
		}
		feeding = f.feedingInto(feeding, t, sd.Window(i))
		for _, x := range feeding {
			lot, err := tx.ViewNode(tx.ctx, x.reel.Lot)
			if err != nil {
				return err
			}
			if lot == nil {
				continue // its receipt was voided
			}
			if err := tx.usable("station", lot); err != nil {
				return Errorf(ErrorCode(err), "data.station", "slot %s: %s", s.Slot, AsError(err).Message)
			}
			if err := tx.addDerived(u.ID, t, c, tx.slotValues(sd, i), x); err != nil {
				return err
			}
		}
	}
	return nil
}

// derivation is what the CONSUMED edges derived for one placement have in
// common: the station, the setup and the placement's event, each boxed once
// for all of them (the station and the setup once for all placements, st).
type derivation struct {
	station, setup, placedBy any
	placedByID               string
}

func newDerivation(st *sharedStrings, station, setup, placedBy string) derivation {
	return derivation{station: st.box(station), setup: st.box(setup), placedBy: placedBy, placedByID: placedBy}
}

// slotValues is a setup slot's props on the edges derived through it: its
// name and its refDes as JSON values. They are shared by every such edge
// (props are never changed in place).
type slotValues struct {
	slot, refDes any
}

// slotValues returns the edge props of slot i of the setup sd: made once
// for a setup the memo holds (memo.slotValues).
func (tx *Tx) slotValues(sd *SetupDefined, i int) slotValues {
	if tx.memo == nil {
		return slotValues{sd.Slots[i].Slot, toAny(sd.Slots[i].RefDes)}
	}
	return tx.memo.slotValues(sd)[i]
}

// addDerived adds the CONSUMED edge of a placement (c, at t) from the reel
// x of the slot s. Its props say which event derived it, from which load,
// and for a CANDIDATE the splice window.
func (tx *Tx) addDerived(unit ID, t time.Time, c derivation, s slotValues, x fed) error {
	props := map[string]any{"refDes": s.refDes, "station": c.station, "slot": s.slot, "setup": c.setup,
		"load": tx.strs().box(x.reel.Load), "derivedBy": c.placedBy}
	if c.placedByID != tx.ev.ID {
		props["rederivedBy"] = tx.ev.ID
	}
	if !x.windowFrom.IsZero() {
		props["windowFrom"] = ts(x.windowFrom)
	}
	if !x.windowTo.IsZero() {
		props["windowTo"] = ts(x.windowTo)
	}
	if err := tx.addEdgeAt(EdgeConsumed, unit, x.reel.Lot, x.precision, props, t); err != nil {
		return err
	}
	return nil
}

// placed is a placement whose derived edges for one slot are looked at again.
type placed struct {
	event string
	unit  ID
	at    time.Time
	edges []Edge
	// settled: rework took the slot's material out of the unit since
	// (component.removed closed an edge); what was removed stays so.
	settled bool
}

// rederive derives again, from the slot's reels as they are now, the edges
// of the placements at the station at or after since that consumed from the
// slot: a late splice.passed, a placement recorded late or a void changed
// what fed them. Placements are found through the edges into lots: lots
// the slot no longer lists (closed or voided reels) and the slot's reels
// feeding at or after since; wide looks at the reels of every slot of the
// station too, to find placements that took nothing from this slot (a void
// that puts a reel back on an empty slot). A placement that took nothing
// from any of those reels is not found.
func (tx *Tx) rederive(ls *lineSide, slot string, since time.Time, lots []ID, wide bool) error {
	for k, f := range ls.feeders {
		if k != slot && !wide {
			continue
		}
		for _, r := range f.Reels {
			if r.open() || r.To.After(since) {
				lots = append(lots, r.Lot)
			}
		}
	}
	slices.Sort(lots)
	lots = slices.Compact(lots)
	station := ls.node.Key()
	byEvent := map[string]*placed{}
	for _, lot := range lots {
		es, err := tx.SelectEdges(tx.ctx, lot, EdgeSelect{Dir: Downstream, History: true, Type: EdgeConsumed, Since: since})
		if err != nil {
			return err
		}
		for _, e := range es {
			if e.Props["station"] != station {
				continue
			}
			ev, _ := e.Props["derivedBy"].(string)
			p := byEvent[ev]
			if p == nil {
				p = &placed{event: ev, unit: e.Source, at: e.ValidFrom}
				byEvent[ev] = p
			}
			if e.Props["slot"] != slot || slices.ContainsFunc(p.edges, func(x Edge) bool { return x.ID == e.ID }) {
				continue
			}
			p.edges = append(p.edges, e)
			p.settled = p.settled || !e.Open()
		}
	}
	ps := make([]*placed, 0, len(byEvent))
	for _, p := range byEvent {
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b *placed) int { return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.event, b.event)) })
	for _, p := range ps {
		if p.settled {
			continue
		}
		if err := tx.rederivePlacement(ls, slot, p); err != nil {
			return err
		}
	}
	return nil
}

// rederivePlacement replaces the placement's edges for the slot when the
// slot's reels now say otherwise.
func (tx *Tx) rederivePlacement(ls *lineSide, slot string, p *placed) error {
	var want []fed
	var s slotValues
	a, sd, err := tx.activeSetup(ls, p.at)
	if err != nil {
		return err
	}
	if a != nil {
		if i := sd.slotOf(slot); i >= 0 {
			s = tx.slotValues(sd, i)
			if f := ls.feeders[slot]; f != nil {
				want = f.feeding(p.at, sd.Window(i))
			}
		}
	}
	if sameDerivation(p.edges, want) {
		return nil
	}
	for _, e := range p.edges {
		e.Voided = true
		tx.updateEdge(e)
	}
	if err := tx.dropUnreachableHolds(p.unit); err != nil {
		return err
	}
	var added []ID
	for _, x := range want {
		lot, err := tx.GetNode(tx.ctx, x.reel.Lot)
		if err != nil {
			return err
		}
		if lot == nil {
			continue
		}
		if err := tx.addDerived(p.unit, p.at, newDerivation(tx.strs(), ls.node.Key(), a.Setup, p.event), s, x); err != nil {
			return err
		}
		added = append(added, lot.ID)
	}
	u, err := tx.GetNode(tx.ctx, p.unit)
	if err != nil || u == nil {
		return err
	}
	return tx.carryHolds(u, added)
}

// sameDerivation reports whether the edges are what want derives. An edge
// derived while its splice window was still open (no windowTo) stays as it
// is when the window closes: only a different reel, precision or window end
// derives again.
func sameDerivation(have []Edge, want []fed) bool {
	if len(have) != len(want) {
		return false
	}
	for _, x := range want {
		if !slices.ContainsFunc(have, func(e Edge) bool {
			to := propTime(e.Props, "windowTo")
			return e.Target == x.reel.Lot && e.Precision == x.precision && e.Props["load"] == x.reel.Load &&
				propTime(e.Props, "windowFrom").Equal(x.windowFrom) && (to.IsZero() || to.Equal(x.windowTo))
		}) {
			return false
		}
	}
	return true
}

func propTime(props map[string]any, k string) time.Time {
	s, _ := props[k].(string)
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
