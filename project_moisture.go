// The rules of material fit for use: holds, expiry and the floor life of
// moisture-sensitive lots (J-STD-033), and baking (lot.baked).
//
// A moisture-sensitive lot's floor life is counted from floorSince: when its
// dry pack was opened (lot.received's openedAt), else its first feeder.loaded
// or feeder.spliced, and again from each lot.baked. Lot props: floorLifeHours
// (given at receipt), floorSince and floorSinceBy (the event that started
// the count), bakedAt and bakedBy (the last bake), and preBake (floorSince and floorSinceBy before the
// last bake, for voiding it).

package tracegraph

import "time"

// usable refuses material on hold (ON_HOLD), past its expiry or past its
// floor life (EXPIRED) at the event's time.
func (tx *Tx) usable(field string, n *Node) error {
	if n.OnHold() {
		return Errorf(CodeOnHold, "data."+field, "%s; it cannot be used", holdText(n))
	}
	now := tx.now()
	if exp := n.Time("expiresAt"); !exp.IsZero() && !now.Before(exp) {
		return Errorf(CodeExpired, "data."+field, "%s expired at %s; it cannot be used", n.ID, ts(exp))
	}
	if life, ok := lotFloorLife(n); ok {
		if since := n.Time("floorSince"); !since.IsZero() && !now.Before(since.Add(life)) {
			return Errorf(CodeExpired, "data."+field, "%s (MSL %s) is past its floor life: %s from %s ended at %s; bake it (lot.baked) before use",
				n.ID, n.Str("msl"), life, ts(since), ts(since.Add(life)))
		}
	}
	return nil
}

// lotFloorLife returns a lot's floor life, and whether it has one.
func lotFloorLife(n *Node) (time.Duration, bool) {
	if n.Label != LabelMaterialLot {
		return 0, false
	}
	var hours *float64
	if h, ok := n.Props["floorLifeHours"].(float64); ok {
		hours = &h
	}
	return FloorLife(n.Str("msl"), hours)
}

// startFloorLife starts counting a moisture-sensitive lot's floor life now,
// unless it is counting already.
func (tx *Tx) startFloorLife(lot *Node) error {
	if _, ok := lotFloorLife(lot); !ok || lot.Str("floorSince") != "" {
		return nil
	}
	lot.Props["floorSince"], lot.Props["floorSinceBy"] = ts(tx.now()), tx.ev.ID
	tx.putNode(lot)
	return nil
}

// lotBaked restarts the floor life of a lot from the end of its bake.
func (tx *Tx) lotBaked(d *LotBaked) error {
	lot, err := tx.resolve("lot", d.Lot, LabelMaterialLot)
	if err != nil {
		return err
	}
	if since := lot.Str("floorSince"); since != "" {
		lot.Props["preBake"] = map[string]any{"floorSince": since, "floorSinceBy": lot.Str("floorSinceBy")}
	} else {
		delete(lot.Props, "preBake")
	}
	lot.Props["bakedAt"], lot.Props["bakedBy"] = ts(tx.now()), tx.ev.ID
	if _, ok := lotFloorLife(lot); ok {
		lot.Props["floorSince"], lot.Props["floorSinceBy"] = ts(tx.now()), tx.ev.ID
	}
	tx.putNode(lot)
	return nil
}

// voidBake undoes the last bake of a lot: its floor life counts from where it
// did before. An earlier bake, superseded by a later one, changes nothing.
func (tx *Tx) voidBake(ev *Event, d *LotBaked) error {
	lot, err := tx.resolve("lot", d.Lot, LabelMaterialLot)
	if err != nil || lot.Str("bakedBy") != ev.ID {
		return nil
	}
	delete(lot.Props, "bakedAt")
	delete(lot.Props, "bakedBy")
	if lot.Str("floorSinceBy") == ev.ID {
		delete(lot.Props, "floorSince")
		delete(lot.Props, "floorSinceBy")
		if pre, ok := lot.Props["preBake"].(map[string]any); ok {
			lot.Props["floorSince"], lot.Props["floorSinceBy"] = pre["floorSince"], pre["floorSinceBy"]
		}
	}
	delete(lot.Props, "preBake")
	tx.putNode(lot)
	return nil
}

// voidFloorStart forgets a floor-life count the voided load started: the
// lot's next load starts it.
func (tx *Tx) voidFloorStart(ev *Event, lotID ID) error {
	lot, err := tx.GetNode(tx.ctx, lotID)
	if err != nil || lot == nil || lot.Str("floorSinceBy") != ev.ID {
		return err
	}
	delete(lot.Props, "floorSince")
	delete(lot.Props, "floorSinceBy")
	tx.putNode(lot)
	return nil
}
