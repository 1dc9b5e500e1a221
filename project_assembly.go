// The rules of building units: creation, identifiers, consumption, assembly,
// removal and scrap.

package tracegraph

import (
	"maps"
	"slices"
	"strings"
)

func (tx *Tx) unitCreated(d *UnitCreated) error {
	id := NewID(LabelUnit, d.Serial)
	if err := tx.mustBeNew("serial", id); err != nil {
		return err
	}
	if err := tx.checkAllocated(d); err != nil {
		return err
	}
	idents := map[string]any{}
	for _, scheme := range slices.Sorted(maps.Keys(d.Identifiers)) {
		s := NormalizeScheme(scheme)
		if err := tx.identifierFree("identifiers."+scheme, s, d.Identifiers[scheme], id); err != nil {
			return err
		}
		idents[s] = d.Identifiers[scheme]
	}
	props := map[string]any{"serial": d.Serial, "partNumber": d.PartNumber, "origin": d.Origin,
		"status": StatusWIP, "createdAt": ts(tx.now())}
	st := tx.strs()
	st.set(props, "revision", d.Revision)
	st.set(props, "workOrder", d.WorkOrder)
	st.set(props, "kind", d.Kind)
	if len(idents) > 0 {
		props["identifiers"] = idents
	}
	tx.newNode(LabelUnit, d.Serial, props)
	for s, v := range idents {
		tx.addIdentifier(Identifier{Scheme: s, Value: v.(string), Node: id})
	}
	if d.WorkOrder != "" {
		wo, err := tx.ensureNode(LabelWorkOrder, d.WorkOrder, "workOrder", d.WorkOrder, "partNumber", d.PartNumber)
		if err != nil {
			return err
		}
		return tx.addEdgeErr(EdgeForOrder, id, wo, PrecisionExact, nil)
	}
	return nil
}

func (tx *Tx) addEdgeErr(t EdgeType, src, dst ID, p Precision, props map[string]any) error {
	if err := tx.addEdge(t, src, dst, p, props); err != nil {
		return err
	}
	return nil
}

// identifierFree refuses an additional number another node holds.
func (tx *Tx) identifierFree(field, scheme, value string, owner ID) error {
	owners, err := tx.IdentifierOwners(tx.ctx, value)
	if err != nil {
		return err
	}
	for _, o := range owners {
		if o.Scheme == scheme && o.Node != owner {
			return Errorf(CodeConflict, "data."+field, "%s %s already belongs to %s", scheme, value, o.Node)
		}
	}
	return nil
}

func (tx *Tx) identifierAssigned(d *IdentifierAssigned) error {
	u, err := tx.resolve("unit", d.Unit, LabelUnit)
	if err != nil {
		return err
	}
	s := NormalizeScheme(d.Scheme)
	idents, _ := u.Props["identifiers"].(map[string]any)
	if cur, ok := idents[s]; ok {
		if cur == d.Value {
			return nil // already so: accepted, nothing to change
		}
		return Errorf(CodeConflict, "data.scheme", "%s already has %s %v; void the event that assigned it to change it", u.ID, s, cur)
	}
	if err := tx.identifierFree("value", s, d.Value, u.ID); err != nil {
		return err
	}
	idents = maps.Clone(idents)
	if idents == nil {
		idents = map[string]any{}
	}
	idents[s] = d.Value
	u.Props["identifiers"] = idents
	tx.putNode(u)
	tx.addIdentifier(Identifier{Scheme: s, Value: d.Value, Node: u.ID})
	return nil
}

// buildable refuses a unit that can no longer take material or children.
func buildable(field string, u *Node) error {
	switch u.Status() {
	case StatusShipped:
		return Errorf(CodeConflict, "data."+field, "%s has been shipped; it cannot be built on", u.ID)
	case StatusScrapped:
		return Errorf(CodeConflict, "data."+field, "%s is scrapped; it cannot be built on", u.ID)
	}
	return nil
}

// installable refuses material or a child that is on hold, expired or past
// its floor life (usable), scrapped, shipped or already installed somewhere.
func (tx *Tx) installable(field string, n *Node) error {
	if err := tx.usable(field, n); err != nil {
		return err
	}
	switch n.Status() {
	case StatusShipped, StatusScrapped:
		return Errorf(CodeConflict, "data."+field, "%s is %s; it cannot be installed", n.ID, strings.ToLower(n.Status()))
	}
	if n.Label == LabelMaterialLot {
		return nil
	}
	hs, err := tx.holders(n.ID)
	if err != nil {
		return err
	}
	if len(hs) > 0 {
		return Errorf(CodeConflict, "data."+field, "%s is already in %s since %s; remove it first", n.ID, hs[0].Source, ts(hs[0].ValidFrom))
	}
	return nil
}

func (tx *Tx) materialConsumed(d *MaterialConsumed) error {
	u, err := tx.resolveView("unit", d.Unit, LabelUnit)
	if err != nil {
		return err
	}
	if err := buildable("unit", u); err != nil {
		return err
	}
	props := map[string]any{}
	st := tx.strs()
	if len(d.RefDes) > 0 {
		props["refDes"] = st.list(d.RefDes)
	}
	if d.Quantity != nil {
		props["quantity"] = num(*d.Quantity)
	}
	st.set(props, "station", tx.ev.Station)
	if d.Component != "" {
		c, err := tx.resolveComponent("component", d.Component)
		if err != nil {
			return err
		}
		if err := tx.installable("component", c); err != nil {
			return err
		}
		if len(d.RefDes) > 0 {
			props["position"] = st.box(d.RefDes[0])
		}
		return tx.addEdgeErr(EdgeContains, u.ID, c.ID, PrecisionExact, props)
	}
	lot, err := tx.resolveView("lot", d.Lot, LabelMaterialLot)
	if err != nil {
		return err
	}
	if err := tx.installable("lot", lot); err != nil {
		return err
	}
	return tx.addEdgeErr(EdgeConsumed, u.ID, lot.ID, d.Precision, props)
}

// resolveComponent is resolve for serialized purchased parts, with the
// counterfeit guard's message when the serial was never received.
func (tx *Tx) resolveComponent(field, ref string) (*Node, error) {
	n, err := tx.resolve(field, ref, LabelComponent)
	if ErrorCode(err) == CodeNotFound {
		return nil, Errorf(CodeNotFound, "data."+field, "component serial %q is not on any supplier's received list; it cannot be installed", strings.TrimPrefix(ref, "Component:"))
	}
	return n, err
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func (tx *Tx) unitAssembled(d *UnitAssembled) error {
	parent, err := tx.resolveView("parent", d.Parent, LabelUnit)
	if err != nil {
		return err
	}
	if err := buildable("parent", parent); err != nil {
		return err
	}
	var child *Node
	if strings.HasPrefix(d.Child, string(LabelComponent)+":") {
		child, err = tx.resolveComponent("child", d.Child)
	} else {
		child, err = tx.resolve("child", d.Child, LabelUnit, LabelComponent)
	}
	if err != nil {
		return err
	}
	if child.ID == parent.ID {
		return Errorf(CodeInvalid, "data.child", "a unit cannot contain itself")
	}
	if err := tx.installable("child", child); err != nil {
		return err
	}
	// The child must not be an ancestor of the parent.
	seen := map[ID]bool{parent.ID: true}
	frontier := []ID{parent.ID}
	for len(frontier) > 0 {
		var next []ID
		for _, id := range frontier {
			hs, err := tx.holders(id)
			if err != nil {
				return err
			}
			for _, h := range hs {
				if h.Source == child.ID {
					return Errorf(CodeInvalid, "data.child", "%s contains %s; assembling it into it would make a cycle", child.ID, parent.ID)
				}
				if !seen[h.Source] {
					seen[h.Source] = true
					next = append(next, h.Source)
				}
			}
		}
		frontier = next
	}
	props := map[string]any{}
	st := tx.strs()
	st.set(props, "position", d.Position)
	st.set(props, "station", tx.ev.Station)
	return tx.addEdgeErr(EdgeContains, parent.ID, child.ID, PrecisionExact, props)
}

func (tx *Tx) closeEdge(e Edge, reason string) error {
	if tx.now().Before(e.ValidFrom) {
		return Errorf(CodeInvalid, "time", "time %s is before %s entered %s at %s", ts(tx.now()), e.Target, e.Source, ts(e.ValidFrom))
	}
	e.ValidTo, e.ClosedBy, e.CloseReason = tx.now(), tx.ev.ID, reason
	tx.updateEdge(e)
	return nil
}

func (tx *Tx) componentRemoved(d *ComponentRemoved) error {
	parent, err := tx.resolve("parent", d.Parent, LabelUnit)
	if err != nil {
		return err
	}
	child, err := tx.resolve("child", d.Child, LabelUnit, LabelComponent, LabelMaterialLot)
	if err != nil {
		return err
	}
	out, err := tx.NodeEdges(tx.ctx, parent.ID, Upstream, false)
	if err != nil {
		return err
	}
	closed := 0
	for _, e := range out {
		if e.Target == child.ID && (e.Type == EdgeContains || e.Type == EdgeConsumed) {
			if err := tx.closeEdge(e, d.Reason); err != nil {
				return err
			}
			closed++
		}
	}
	if closed == 0 {
		return Errorf(CodeConflict, "data.child", "%s is not in %s", child.ID, parent.ID)
	}
	// A unit taken out of a finished product is work in progress again.
	if child.Label == LabelUnit && child.Status() == StatusCompleted {
		child.Props["status"] = StatusWIP
		delete(child.Props, "completedAt")
		delete(child.Props, "completedBy")
		tx.putNode(child)
	}
	return tx.dropUnreachableHolds(parent.ID)
}

// dropUnreachableHolds removes, from id and everything downstream of it, the
// holds that came from material no longer upstream of the holding node. Holds
// placed on a box, pallet or shipment reached the node as its contents, not
// through material; taking a part out of the node changes nothing about them.
func (tx *Tx) dropUnreachableHolds(id ID) error {
	return tx.walk(id, Downstream, func(n *Node) (bool, error) {
		changed := false
		for _, h := range n.Holds {
			if h.Source == n.ID || h.Source.Label().IsContainer() {
				continue
			}
			ok, err := tx.reaches(n.ID, h.Source)
			if err != nil {
				return false, err
			}
			if !ok {
				if err := tx.removeHold(n.ID, h); err != nil {
					return false, err
				}
				changed = true
			}
		}
		return changed || n.ID == id, nil
	})
}

// reaches reports whether target is upstream of from along open structural edges.
func (tx *Tx) reaches(from, target ID) (bool, error) {
	found := false
	err := tx.walk(from, Upstream, func(n *Node) (bool, error) {
		if n.ID == target {
			found = true
		}
		return !found, nil
	})
	return found, err
}

// walk visits id and the nodes reached from it along open structural edges
// (CONTAINS, CONSUMED, DERIVED_FROM) in dir, skipping containers, breadth
// first. visit says whether to go on past a node.
func (tx *Tx) walk(id ID, dir Direction, visit func(*Node) (bool, error)) error {
	seen := map[ID]bool{id: true}
	frontier := []ID{id}
	for len(frontier) > 0 {
		var next []ID
		for _, cur := range frontier {
			if err := tx.ctx.Err(); err != nil {
				return err
			}
			n, err := tx.GetNode(tx.ctx, cur)
			if err != nil {
				return err
			}
			if n == nil {
				continue
			}
			more, err := visit(n)
			if err != nil {
				return err
			}
			if !more {
				continue
			}
			es, err := tx.NodeEdges(tx.ctx, cur, dir, false)
			if err != nil {
				return err
			}
			for _, e := range es {
				o := e.Other(cur)
				if !e.Type.Structural() || o.Label().IsContainer() || seen[o] {
					continue
				}
				seen[o] = true
				next = append(next, o)
			}
		}
		frontier = next
	}
	return nil
}

func (tx *Tx) unitScrapped(d *UnitScrapped) error {
	u, err := tx.resolve("unit", d.Unit, LabelUnit)
	if err != nil {
		return err
	}
	switch u.Status() {
	case StatusShipped, StatusScrapped:
		return Errorf(CodeConflict, "data.unit", "%s is already %s", u.ID, strings.ToLower(u.Status()))
	}
	hs, err := tx.holders(u.ID)
	if err != nil {
		return err
	}
	if len(hs) > 0 {
		return Errorf(CodeConflict, "data.unit", "%s is in %s; remove or unpack it first", u.ID, hs[0].Source)
	}
	all, err := tx.contents(u.ID)
	if err != nil {
		return err
	}
	for _, n := range all {
		if n.Label != LabelUnit && n.Label != LabelComponent {
			continue
		}
		n.Props["prevStatus"] = n.Status()
		n.Props["status"] = StatusScrapped
		n.Props["scrappedAt"] = ts(tx.now())
		n.Props["scrappedBy"] = tx.ev.ID
		n.Props["scrapReason"] = d.Reason
		tx.putNode(n)
	}
	return nil
}
