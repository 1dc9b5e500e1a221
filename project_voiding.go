// The rules of voiding: undoing what an event did, keeping the audit trail.

package tracegraph

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// eventVoided undoes what the voided event did to the graph. The voided event
// stays in the log, marked; its edges stay for the audit trail, marked void.
func (tx *Tx) eventVoided(d *Voided) error {
	ev, by, err := tx.EventByID(tx.ctx, d.Event)
	if err != nil {
		return err
	}
	if ev == nil {
		return Errorf(CodeNotFound, "data.event", "no event with id %q", d.Event)
	}
	if by != "" {
		return Errorf(CodeConflict, "data.event", "event %q was already voided by %q", d.Event, by)
	}
	switch ev.Type {
	case EventVoided:
		return Errorf(CodeInvalid, "data.event", "a void cannot be voided; record the event again instead")
	case EventHoldReleased:
		return Errorf(CodeInvalid, "data.event", "a release cannot be voided; place a new hold instead")
	case EventProductDefined:
		return Errorf(CodeInvalid, "data.event", "a product definition cannot be voided; define the product again instead")
	case EventSerialScheme:
		return Errorf(CodeInvalid, "data.event", "a serial-number scheme cannot be voided; record the scheme again instead")
	case EventSerialsAllocated:
		return Errorf(CodeInvalid, "data.event", "an allocation cannot be voided: serials once issued are never issued again")
	}
	p, err := ev.Payload()
	if err != nil {
		return fmt.Errorf("decode recorded event %q: %w", ev.ID, err)
	}
	edges, err := tx.EdgesByEvent(tx.ctx, ev.Seq)
	if err != nil {
		return err
	}
	created := map[ID]bool{}
	for _, e := range edges {
		if !e.Voided {
			e.Voided = true
			tx.updateEdge(e)
		}
	}
	// Nodes the event created must not be used by any other event.
	for _, id := range tx.createdBy(ev, p) {
		n, err := tx.GetNode(tx.ctx, id)
		if err != nil {
			return err
		}
		if n == nil || n.CreatedBy != ev.ID {
			continue
		}
		all, err := tx.NodeEdges(tx.ctx, id, Both, true)
		if err != nil {
			return err
		}
		used := ""
		for _, e := range all {
			if e.ID.Seq() != ev.Seq && !e.Voided {
				used = e.Event
				break
			}
		}
		if isContext(id.Label()) && (used != "" || n.Version != ev.Seq) {
			continue // a work order, supplier, customer or station others use or changed stays
		}
		if used != "" {
			return Errorf(CodeConflict, "data.event", "%s, created by %q, is used by event %q; void that first", id, ev.ID, used)
		}
		if n.OnHold() {
			return Errorf(CodeConflict, "data.event", "%s, created by %q, is on hold; release it first", id, ev.ID)
		}
		created[id] = true
		if idents, ok := n.Props["identifiers"].(map[string]any); ok {
			for s, v := range idents {
				tx.removeIdentifier(Identifier{Scheme: s, Value: fmt.Sprint(v), Node: id})
			}
		}
		if sscc := n.Str("sscc"); sscc != "" {
			tx.removeIdentifier(Identifier{Scheme: SchemeSSCC, Value: sscc, Node: id})
		}
		tx.voidNode(id)
	}
	switch d := p.(type) {
	case *IdentifierAssigned:
		u, err := tx.resolve("unit", d.Unit, LabelUnit)
		if err != nil {
			return err
		}
		s := NormalizeScheme(d.Scheme)
		idents, _ := u.Props["identifiers"].(map[string]any)
		if idents[s] == d.Value {
			idents = maps.Clone(idents)
			delete(idents, s)
			u.Props["identifiers"] = idents
			tx.putNode(u)
			tx.removeIdentifier(Identifier{Scheme: s, Value: d.Value, Node: u.ID})
		}
	case *ComponentRemoved, *Packed:
		if err := tx.reopenClosedBy(ev); err != nil {
			return err
		}
		if pk, ok := d.(*Packed); ok && ev.Type == EventPacked {
			if err := tx.restoreStatus(pk.Items, "completedBy", ev.ID); err != nil {
				return err
			}
			if err := tx.unlabel(pk, ev.ID); err != nil {
				return err
			}
		}
	case *Shipped:
		if err := tx.restoreShipped(ev); err != nil {
			return err
		}
	case *UnitScrapped:
		// The scrap may have named the unit by an additional number.
		u, err := tx.resolve("unit", d.Unit, LabelUnit)
		if ErrorCode(err) == CodeNotFound {
			break // nothing left to restore
		}
		if err != nil {
			return err
		}
		all, err := tx.contents(u.ID)
		if err != nil {
			return err
		}
		for _, n := range all {
			if n.Str("scrappedBy") == ev.ID {
				restore(n, "scrappedAt", "scrappedBy", "scrapReason")
				tx.putNode(n)
			}
		}
	case *ReadingRecorded:
		st, err := tx.GetNode(tx.ctx, NewID(LabelStation, d.Location))
		if err != nil {
			return err
		}
		if st != nil {
			// The reading goes if it is still the last of its kind.
			last, _ := st.Props["lastReadings"].(map[string]any)
			if r, _ := last[d.Kind].(map[string]any); r["event"] == ev.ID {
				last = maps.Clone(last)
				delete(last, d.Kind)
				st.Props["lastReadings"] = last
				tx.putNode(st)
			}
		}
	case *HoldChange:
		if err := tx.liftPlacedBy(d.HoldID(ev.ID), ev.ID); err != nil {
			return err
		}
	case *SetupDefined, *SetupActivated, *FeederLoaded, *FeederSlot, *UnitPlaced, *RouteDefined, *LotBaked:
		if err := tx.voidLineSide(ev, d); err != nil {
			return err
		}
	case *RecallPublished:
		if err := tx.withdrawRecall(d, ev.ID); err != nil {
			return err
		}
	}
	// Material holds that came only through a voided link no longer apply.
	dropped := map[ID]bool{}
	for _, e := range edges {
		if e.Type.Structural() && !e.Source.Label().IsContainer() && !dropped[e.Source] {
			dropped[e.Source] = true
			if err := tx.dropUnreachableHolds(e.Source); err != nil {
				return err
			}
		}
	}
	tx.record(Mutation{Op: OpVoidEvent, Seq: tx.seq, EventID: ev.ID, VoidedBy: tx.ev.ID})
	return nil
}

// liftPlacedBy lifts the hold id wherever it is still in force, if the
// event evID placed it: a hold id freed by a release may name a later hold,
// which voiding the earlier placement must leave alone.
func (tx *Tx) liftPlacedBy(id, evID string) error {
	held, err := tx.HeldBy(tx.ctx, id)
	if err != nil || len(held) == 0 {
		return err
	}
	n, err := tx.GetNode(tx.ctx, held[0])
	if err != nil {
		return err
	}
	if n == nil || !slices.ContainsFunc(n.Holds, func(h Hold) bool { return h.ID == id && h.PlacingEvent() == evID }) {
		return nil
	}
	for _, c := range held {
		if err := tx.removeHold(c, Hold{ID: id}); err != nil {
			return err
		}
	}
	return nil
}

// unlabel takes away the SSCC a voided packed event gave an existing container.
func (tx *Tx) unlabel(d *Packed, evID string) error {
	c, err := tx.resolve("container", d.Container, LabelBox, LabelPallet)
	if ErrorCode(err) == CodeInternal {
		return err
	}
	if err != nil || c.Str("ssccBy") != evID {
		return nil // voided with the event, or labelled by another
	}
	tx.removeIdentifier(Identifier{Scheme: SchemeSSCC, Value: c.Str("sscc"), Node: c.ID})
	delete(c.Props, "sscc")
	delete(c.Props, "ssccBy")
	tx.putNode(c)
	return nil
}

// restore puts a unit back in the status it had before a ship or scrap.
func restore(n *Node, keys ...string) {
	prev := n.Str("prevStatus")
	if prev == "" {
		prev = StatusWIP
	}
	n.Props["status"] = prev
	delete(n.Props, "prevStatus")
	for _, k := range keys {
		delete(n.Props, k)
	}
}

func (tx *Tx) restoreStatus(refs []string, byKey, evID string) error {
	for _, ref := range refs {
		item, err := tx.resolve("items", ref)
		if err != nil {
			continue
		}
		all, err := tx.contents(item.ID)
		if err != nil {
			return err
		}
		for _, n := range all {
			if n.Str(byKey) == evID && n.Status() == StatusCompleted {
				n.Props["status"] = StatusWIP
				delete(n.Props, "completedAt")
				delete(n.Props, byKey)
				tx.putNode(n)
			}
		}
	}
	return nil
}

func (tx *Tx) restoreShipped(ev *Event) error {
	edges, err := tx.EdgesByEvent(tx.ctx, ev.Seq)
	if err != nil {
		return err
	}
	for _, e := range edges {
		if e.Type != EdgeContains {
			continue
		}
		all, err := tx.contents(e.Target)
		if err != nil {
			return err
		}
		for _, n := range all {
			if n.Str("shippedBy") == ev.ID {
				restore(n, "shippedAt", "shippedBy", "shipment", "customer")
				tx.putNode(n)
			}
		}
	}
	return nil
}

// reopenClosedBy reopens the edges a removal or unpacking closed.
func (tx *Tx) reopenClosedBy(ev *Event) error {
	var parent string
	switch d := mustPayload(ev).(type) {
	case *ComponentRemoved:
		parent = d.Parent
	case *Packed:
		if ev.Type != EventUnpacked {
			return nil
		}
		parent = d.Container
	}
	pn, err := tx.resolve("parent", parent)
	if err != nil {
		return err
	}
	out, err := tx.NodeEdges(tx.ctx, pn.ID, Upstream, true)
	if err != nil {
		return err
	}
	var back []ID
	for _, e := range out {
		if e.ClosedBy != ev.ID {
			continue
		}
		if e.Type == EdgeContains {
			hs, err := tx.holders(e.Target)
			if err != nil {
				return err
			}
			if len(hs) > 0 {
				return Errorf(CodeConflict, "data.event", "%s is now in %s; it cannot go back into %s", e.Target, hs[0].Source, e.Source)
			}
		}
		e.ValidTo, e.ClosedBy, e.CloseReason = time.Time{}, "", ""
		tx.updateEdge(e)
		back = append(back, e.Target)
	}
	return tx.carryHolds(pn, back)
}

// carryHolds gives pn, and what lies downstream of it, the material holds
// of the children that went (back) into it, as if they were placed now.
func (tx *Tx) carryHolds(pn *Node, children []ID) error {
	if pn.Label.IsContainer() || (pn.Label == LabelUnit && !InHouse(pn.Status())) {
		return nil
	}
	var reach []ID
	for _, id := range children {
		c, err := tx.GetNode(tx.ctx, id)
		if err != nil {
			return err
		}
		if c == nil {
			continue
		}
		for _, h := range c.Holds {
			if h.Source.Label().IsContainer() {
				continue
			}
			if reach == nil {
				if reach, err = tx.holdReach(pn); err != nil {
					return err
				}
				reach = append([]ID{pn.ID}, reach...)
			}
			for _, r := range reach {
				if err := tx.addHold(r, h); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func mustPayload(ev *Event) Payload {
	p, _ := ev.Payload()
	return p
}

// isContext reports whether nodes with label l are shared context that many
// events refer to.
func isContext(l Label) bool {
	return l == LabelWorkOrder || l == LabelSupplier || l == LabelCustomer || l == LabelStation
}

// createdBy lists the nodes an event may have created.
func (tx *Tx) createdBy(ev *Event, p Payload) []ID {
	switch d := p.(type) {
	case *UnitCreated:
		return []ID{NewID(LabelUnit, d.Serial), NewID(LabelWorkOrder, d.WorkOrder)}
	case *WaferRegistered:
		return []ID{NewID(LabelWaferBatch, d.WaferBatch)}
	case *LotReceived:
		return []ID{NewID(LabelMaterialLot, d.Lot), NewID(LabelSupplier, d.Supplier)}
	case *ComponentReceived:
		ids := []ID{NewID(LabelSupplier, d.Supplier)}
		for _, s := range d.Serials {
			ids = append(ids, NewID(LabelComponent, s))
		}
		return ids
	case *TestRecorded:
		return []ID{NewID(LabelTestRun, ev.ID)}
	case *ProcessRecorded:
		return []ID{NewID(LabelProcessStep, ev.ID)}
	case *Packed:
		key := strings.TrimPrefix(strings.TrimPrefix(d.Container, "Box:"), "Pallet:")
		return []ID{NewID(LabelBox, key), NewID(LabelPallet, key)}
	case *Shipped:
		return []ID{NewID(LabelShipment, d.Shipment), NewID(LabelCustomer, d.Customer)}
	case *ReadingRecorded:
		return []ID{NewID(LabelStation, d.Location)}
	}
	return nil
}
