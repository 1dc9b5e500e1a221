// Voiding line-side events: the slot's history is mended and the placements
// it fed are derived again (see rederive).

package tracegraph

import "time"

// voidLineSide undoes what a line-side event did beyond the edges it created
// (eventVoided voids those).
func (tx *Tx) voidLineSide(ev *Event, p Payload) error {
	switch d := p.(type) {
	case *SetupActivated:
		return Errorf(CodeConflict, "data.event", "a setup activation cannot be voided: placements were derived from it; activate the right setup instead")
	case *SetupDefined:
		return tx.voidSetup(ev, d)
	case *FeederLoaded:
		return tx.voidLoad(ev, d)
	case *FeederSlot:
		return tx.voidSlotClose(ev, d)
	case *UnitPlaced:
		return tx.voidPlacement(ev, d)
	case *RouteDefined:
		return tx.voidRoute(ev, d)
	case *LotBaked:
		return tx.voidBake(ev, d)
	}
	return nil
}

// voidSetup forgets a definition no activation ran.
func (tx *Tx) voidSetup(ev *Event, d *SetupDefined) error {
	ls, err := tx.lineSide(d.Station)
	if err != nil {
		return err
	}
	for _, a := range ls.activations {
		if a.Def == ev.ID {
			return Errorf(CodeConflict, "data.event", "%s ran this definition of setup %s from %s (event %q); define and activate the right one instead",
				ls.node.ID, d.Setup, ts(a.From), a.Event)
		}
	}
	if ls.setups[d.Setup] == ev.ID {
		ls.dropSetup(d.Setup)
		ls.save(tx)
	}
	return nil
}

// voidLoad takes a reel out of its slot's history. The reels it ended (a
// load replaces the running reel; a splice's passing ends the old one) run
// on until it would have ended, and the placements since it came are derived
// again.
func (tx *Tx) voidLoad(ev *Event, d *FeederLoaded) error {
	ls, err := tx.lineSide(d.Station)
	if err != nil {
		return err
	}
	f := ls.ownFeeder(d.Slot)
	k := -1
	if f != nil {
		for i, r := range f.Reels {
			if r.Load == ev.ID {
				k = i
			}
		}
	}
	if k < 0 {
		return Errorf(CodeConflict, "data.event", "slot %s of %s no longer keeps the reel of %q; it is too old to void", d.Slot, ls.node.ID, ev.ID)
	}
	gone := f.Reels[k]
	f.Reels = append(f.Reels[:k:k], f.Reels[k+1:]...)
	for i := range f.Reels {
		q := &f.Reels[i]
		if q.From.After(gone.From) || q.open() || q.To.Before(gone.From) || (!gone.open() && q.To.After(gone.To)) {
			continue
		}
		q.To, q.ClosedBy = gone.To, gone.ClosedBy
	}
	if err := tx.voidFloorStart(ev, gone.Lot); err != nil {
		return err
	}
	ls.save(tx)
	return tx.rederive(ls, d.Slot, gone.From, []ID{gone.Lot}, false)
}

// voidSlotClose reopens the reels an unload or a splice's passing ended:
// they run on until the slot's next change.
func (tx *Tx) voidSlotClose(ev *Event, d *FeederSlot) error {
	ls, err := tx.lineSide(d.Station)
	if err != nil {
		return err
	}
	f := ls.ownFeeder(d.Slot)
	if f == nil {
		return nil
	}
	var closed []int
	since := ev.Time
	for i, r := range f.Reels {
		if r.ClosedBy == ev.ID {
			closed = append(closed, i)
			since = minTime(since, r.From)
		}
	}
	if len(closed) == 0 {
		return nil
	}
	// The next change: the end of a reel still feeding then, or the next load.
	var to time.Time
	var by string
	for _, r := range f.Reels {
		if r.ClosedBy == ev.ID {
			continue
		}
		var end time.Time
		var endBy string
		switch {
		case r.From.After(ev.Time):
			end, endBy = r.From, r.Load
		case r.open() || r.To.After(ev.Time):
			end, endBy = r.To, r.ClosedBy
		default:
			continue
		}
		if end.IsZero() {
			continue
		}
		if to.IsZero() || end.Before(to) {
			to, by = end, endBy
		}
	}
	for _, i := range closed {
		f.Reels[i].To, f.Reels[i].ClosedBy = to, by
	}
	ls.save(tx)
	return tx.rederive(ls, d.Slot, since, nil, true)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// voidPlacement voids the edges derived again for the placement since (the
// edges it created itself eventVoided voids), and the holds they brought.
func (tx *Tx) voidPlacement(ev *Event, d *UnitPlaced) error {
	u, err := tx.resolve("unit", d.Unit, LabelUnit)
	if ErrorCode(err) == CodeNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	es, err := tx.SelectEdges(tx.ctx, u.ID, EdgeSelect{Dir: Upstream, History: true, Type: EdgeConsumed})
	if err != nil {
		return err
	}
	for _, e := range es {
		if e.Props["derivedBy"] == ev.ID {
			e.Voided = true
			tx.updateEdge(e)
		}
	}
	return tx.dropUnreachableHolds(u.ID)
}
