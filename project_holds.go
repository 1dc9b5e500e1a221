// The rules of holds: placing, releasing and their reach.

package tracegraph

import (
	"slices"
	"strconv"
	"strings"
)

// holdReach returns the nodes a hold on n reaches besides n: for a container,
// everything in it; for material or a unit, everything downstream of it that
// is not a container, stopping at units no longer in the house.
func (tx *Tx) holdReach(n *Node) ([]ID, error) {
	var out []ID
	if n.Label.IsContainer() {
		all, err := tx.contents(n.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range all[1:] {
			if c.Label == LabelUnit && !InHouse(c.Status()) {
				continue
			}
			out = append(out, c.ID)
		}
		return out, nil
	}
	err := tx.walk(n.ID, Downstream, func(c *Node) (bool, error) {
		if c.ID == n.ID {
			return true, nil
		}
		if c.Label == LabelUnit && !InHouse(c.Status()) {
			return false, nil
		}
		if c.Label == LabelTestRun || c.Label == LabelProcessStep {
			return false, nil
		}
		out = append(out, c.ID)
		return true, nil
	})
	return out, err
}

func (tx *Tx) holdPlaced(d *HoldChange) error {
	n, err := tx.resolve("target", d.Target, nil...)
	if err != nil {
		return err
	}
	switch n.Label {
	case LabelTestRun, LabelProcessStep, LabelCustomer, LabelSupplier, LabelStation, LabelWorkOrder, LabelProduct:
		// A supplier or work order hold would be a query over many lots;
		// containment of those goes through contain(), which names the lots.
		return Errorf(CodeInvalid, "data.target", "%s cannot be held; hold the units, material or containers", n.ID)
	}
	if n.Label == LabelUnit && !InHouse(n.Status()) {
		return Errorf(CodeConflict, "data.target", "%s is %s; only units in the house can be held", n.ID, strings.ToLower(n.Status()))
	}
	id := d.HoldID(tx.ev.ID)
	carriers, err := tx.HeldBy(tx.ctx, id)
	if err != nil {
		return err
	}
	if len(carriers) > 0 {
		return Errorf(CodeConflict, "data.hold", "hold %q is in force on %s; give the new hold another id", id, carriers[0])
	}
	h := Hold{ID: id, Source: n.ID, Reason: d.Reason, Since: tx.now(), Event: tx.ev.ID, PlacedBy: tx.ev.Operator}
	if err := tx.addHold(n.ID, h); err != nil {
		return err
	}
	reach, err := tx.holdReach(n)
	if err != nil {
		return err
	}
	for _, id := range reach {
		if err := tx.addHold(id, h); err != nil {
			return err
		}
	}
	return nil
}

// holdReleased lifts the hold the release names, or with all every hold on
// the target. A hold placed on the target is lifted wherever it reached; a
// hold that reached the target from elsewhere (material it contains, the box
// it is in) is lifted from the target alone. Other holds stay in force.
func (tx *Tx) holdReleased(d *HoldChange) error {
	n, err := tx.resolve("target", d.Target, nil...)
	if err != nil {
		return err
	}
	if !n.OnHold() {
		return Errorf(CodeConflict, "data.target", "%s is not on hold", n.ID)
	}
	lift := n.Holds
	if !d.ReleasesAll() {
		k := slices.IndexFunc(n.Holds, func(h Hold) bool { return h.ID == d.Hold })
		if k < 0 {
			return Errorf(CodeConflict, "data.hold", "%s does not carry hold %q (its holds: %s)", n.ID, d.Hold, holdIDs(n.Holds))
		}
		lift = n.Holds[k : k+1]
	}
	for _, h := range lift {
		if h.Source != n.ID {
			if err := tx.removeHold(n.ID, h); err != nil {
				return err
			}
			continue
		}
		held, err := tx.HeldBy(tx.ctx, h.ID)
		if err != nil {
			return err
		}
		for _, id := range held {
			if err := tx.removeHold(id, h); err != nil {
				return err
			}
		}
	}
	return nil
}

// holdIDs lists the ids of holds for a message.
func holdIDs(hs []Hold) string {
	ids := make([]string, len(hs))
	for i, h := range hs {
		ids[i] = strconv.Quote(h.ID)
	}
	return strings.Join(ids, ", ")
}
