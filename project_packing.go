// The rules of packing, unpacking and shipping.

package tracegraph

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// container resolves or creates the box or pallet of a packed event.
func (tx *Tx) container(d *Packed) (*Node, error) {
	want := d.ContainerLabel()
	ref := d.Container
	if LooksLikeID(ref) {
		l, key, _ := ParseID(ref)
		if l != LabelBox && l != LabelPallet {
			return nil, Errorf(CodeInvalid, "data.container", "%s is not a Box or Pallet", ref)
		}
		if d.ContainerType != "" && l != want {
			return nil, Errorf(CodeInvalid, "data.containerType", "containerType %s does not match %s", d.ContainerType, ref)
		}
		want, ref = l, key
	}
	var found *Node
	for _, l := range []Label{LabelBox, LabelPallet} {
		n, err := tx.exists(NewID(l, ref))
		if err != nil {
			return nil, err
		}
		if n != nil {
			found = n
		}
	}
	if found == nil && d.SSCC == "" && ValidSSCC(ref) {
		if c, err := tx.resolve("container", ref, LabelBox, LabelPallet); err == nil {
			found = c
		}
	}
	if found != nil {
		if (d.ContainerType != "" || LooksLikeID(d.Container)) && found.Label != want {
			return nil, Errorf(CodeConflict, "data.containerType", "%s exists as a %s", found.ID, found.Label)
		}
		if d.SSCC != "" && found.Str("sscc") != "" && found.Str("sscc") != d.SSCC {
			return nil, Errorf(CodeConflict, "data.sscc", "%s has SSCC %s, not %s", found.ID, found.Str("sscc"), d.SSCC)
		}
		if d.SSCC != "" && found.Str("sscc") == "" {
			// Labelled later: the SSCC names the container from now on.
			if err := tx.identifierFree("sscc", SchemeSSCC, d.SSCC, found.ID); err != nil {
				return nil, err
			}
			found.Props["sscc"], found.Props["ssccBy"] = d.SSCC, tx.ev.ID
			tx.putNode(found)
			tx.addIdentifier(Identifier{Scheme: SchemeSSCC, Value: d.SSCC, Node: found.ID})
		}
		return found, nil
	}
	id := NewID(want, ref)
	props := map[string]any{"createdAt": ts(tx.now())}
	if d.SSCC != "" {
		if err := tx.identifierFree("sscc", SchemeSSCC, d.SSCC, id); err != nil {
			return nil, err
		}
		props["sscc"] = d.SSCC
	}
	n := tx.newNode(want, ref, props)
	if d.SSCC != "" {
		tx.addIdentifier(Identifier{Scheme: SchemeSSCC, Value: d.SSCC, Node: id})
	}
	return n, nil
}

// shippedIn returns the open shipment edge into id, if any.
func (tx *Tx) shippedIn(id ID) (*Edge, error) {
	hs, err := tx.holders(id)
	if err != nil {
		return nil, err
	}
	for _, h := range hs {
		if h.Source.Label() == LabelShipment {
			return &h, nil
		}
	}
	return nil, nil
}

func (tx *Tx) packed(d *Packed) error {
	if len(d.Items) == 0 {
		return Errorf(CodeInvalid, "data.items", "data.items is required: what goes into the container")
	}
	c, err := tx.container(d)
	if err != nil {
		return err
	}
	if s, err := tx.shippedIn(c.ID); err != nil {
		return err
	} else if s != nil {
		return Errorf(CodeConflict, "data.container", "%s was shipped in %s; it cannot be packed", c.ID, s.Source)
	}
	labels := []Label{LabelUnit}
	if c.Label == LabelPallet {
		labels = []Label{LabelBox, LabelUnit}
	}
	items := make([]*Node, len(d.Items))
	for i, ref := range d.Items {
		f := indexed("items", i)
		it, err := tx.resolve(f, ref, labels...)
		if err != nil {
			return err
		}
		switch it.Status() {
		case StatusShipped, StatusScrapped:
			return Errorf(CodeConflict, "data."+f, "%s is %s; it cannot be packed", it.ID, strings.ToLower(it.Status()))
		}
		hs, err := tx.holders(it.ID)
		if err != nil {
			return err
		}
		if len(hs) > 0 {
			return Errorf(CodeConflict, "data."+f, "%s is already in %s since %s; unpack or remove it first", it.ID, hs[0].Source, ts(hs[0].ValidFrom))
		}
		all, err := tx.contentsView(it.ID)
		if err != nil {
			return err
		}
		if err := tx.routeComplete("data."+f, it, all); err != nil {
			return err
		}
		items[i] = it
	}
	for _, it := range items {
		if err := tx.addEdgeErr(EdgeContains, c.ID, it.ID, PrecisionExact, nil); err != nil {
			return err
		}
		if it.Label != LabelUnit {
			continue
		}
		// A packed unit is finished goods, and so is everything built into it.
		all, err := tx.contentsView(it.ID)
		if err != nil {
			return err
		}
		for _, n := range all {
			if n.Label == LabelUnit && n.Status() == StatusWIP {
				n = n.Clone() // a view: the copy is what changes
				n.Props["status"] = StatusCompleted
				n.Props["completedAt"] = ts(tx.now())
				n.Props["completedBy"] = tx.ev.ID
				tx.putNode(n)
			}
		}
	}
	// A hold on the container holds what goes into it, as it held what was
	// there when it was placed.
	for _, h := range c.Holds {
		for _, it := range items {
			all, err := tx.contentsView(it.ID)
			if err != nil {
				return err
			}
			for _, n := range all {
				if n.Label == LabelUnit && !InHouse(n.Status()) {
					continue
				}
				if err := tx.addHold(n.ID, h); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (tx *Tx) unpacked(d *Packed) error {
	c, err := tx.resolve("container", d.Container, LabelBox, LabelPallet)
	if err != nil {
		return err
	}
	if s, err := tx.shippedIn(c.ID); err != nil {
		return err
	} else if s != nil {
		return Errorf(CodeConflict, "data.container", "%s was shipped in %s; it cannot be unpacked here", c.ID, s.Source)
	}
	out, err := tx.SelectEdges(tx.ctx, c.ID, EdgeSelect{Dir: Upstream, Type: EdgeContains})
	if err != nil {
		return err
	}
	if len(d.Items) == 0 {
		if len(out) == 0 {
			return Errorf(CodeConflict, "data.container", "%s is empty", c.ID)
		}
		for _, e := range out {
			if err := tx.closeEdge(e, ""); err != nil {
				return err
			}
		}
		return nil
	}
	for i, ref := range d.Items {
		f := indexed("items", i)
		it, err := tx.resolve(f, ref, LabelBox, LabelUnit)
		if err != nil {
			return err
		}
		k := slices.IndexFunc(out, func(e Edge) bool { return e.Target == it.ID })
		if k < 0 {
			return Errorf(CodeConflict, "data."+f, "%s is not in %s", it.ID, c.ID)
		}
		if err := tx.closeEdge(out[k], ""); err != nil {
			return err
		}
	}
	return nil
}

// contents returns id and everything inside it along open CONTAINS edges.
func (tx *Tx) contents(id ID) ([]*Node, error) { return tx.contentsBy(tx.GetNode, id) }

// contentsView is contents for reading only (ViewNode): a caller that
// changes one changes a Clone of it. Nodes are replaced, never changed, in
// the overlay and the stores, so a view is the node as it was when it was
// read, as a copy would have been.
func (tx *Tx) contentsView(id ID) ([]*Node, error) { return tx.contentsBy(tx.ViewNode, id) }

// contentsBy is contents reading nodes with get.
func (tx *Tx) contentsBy(get func(context.Context, ID) (*Node, error), id ID) ([]*Node, error) {
	var out []*Node
	seen := map[ID]bool{id: true}
	frontier := []ID{id}
	for len(frontier) > 0 {
		var next []ID
		for _, cur := range frontier {
			n, err := get(tx.ctx, cur)
			if err != nil {
				return nil, err
			}
			if n == nil {
				continue
			}
			out = append(out, n)
			es, err := tx.SelectEdges(tx.ctx, cur, EdgeSelect{Dir: Upstream, Type: EdgeContains})
			if err != nil {
				return nil, err
			}
			for _, e := range es {
				if !seen[e.Target] {
					seen[e.Target] = true
					next = append(next, e.Target)
				}
			}
		}
		frontier = next
	}
	return out, nil
}

func (tx *Tx) shipped(d *Shipped) error {
	sid := NewID(LabelShipment, d.Shipment)
	s, err := tx.exists(sid)
	if err != nil {
		return err
	}
	if s != nil && s.Str("customer") != d.Customer {
		return Errorf(CodeConflict, "data.customer", "%s goes to customer %s, not %s", sid, s.Str("customer"), d.Customer)
	}
	type shipItem struct {
		node     *Node
		contents []*Node
	}
	items := make([]shipItem, len(d.Items))
	for i, ref := range d.Items {
		f := indexed("items", i)
		it, err := tx.resolve(f, ref, LabelPallet, LabelBox, LabelUnit)
		if err != nil {
			return err
		}
		hs, err := tx.holders(it.ID)
		if err != nil {
			return err
		}
		if len(hs) > 0 {
			h := hs[0]
			if h.Source.Label() == LabelShipment {
				return Errorf(CodeConflict, "data."+f, "%s was already shipped in %s", it.ID, h.Source)
			}
			return Errorf(CodeConflict, "data."+f, "%s is in %s; ship %s or take %s out first", it.ID, h.Source, h.Source, it.ID)
		}
		all, err := tx.contentsView(it.ID)
		if err != nil {
			return err
		}
		for _, n := range all {
			if n.OnHold() {
				where := ""
				if n.ID != it.ID {
					where = fmt.Sprintf(" (inside %s)", it.ID)
				}
				return Errorf(CodeOnHold, "data."+f, "%s%s; it cannot be shipped", holdText(n), where)
			}
			switch n.Status() {
			case StatusShipped, StatusScrapped:
				return Errorf(CodeConflict, "data."+f, "%s is %s; it cannot be shipped", n.ID, strings.ToLower(n.Status()))
			}
		}
		if err := tx.routeComplete("data."+f, it, all); err != nil {
			return err
		}
		items[i] = shipItem{it, all}
	}
	if s == nil {
		props := map[string]any{"shipment": d.Shipment, "customer": d.Customer, "shippedAt": ts(tx.now())}
		setStr(props, "destination", d.Destination)
		s = tx.newNode(LabelShipment, d.Shipment, props)
		cust, err := tx.ensureNode(LabelCustomer, d.Customer, "customer", d.Customer)
		if err != nil {
			return err
		}
		if err := tx.addEdgeErr(EdgeShippedTo, sid, cust, PrecisionExact, nil); err != nil {
			return err
		}
	}
	for _, it := range items {
		if err := tx.addEdgeErr(EdgeContains, sid, it.node.ID, PrecisionExact, nil); err != nil {
			return err
		}
		for _, n := range it.contents {
			if n.Label != LabelUnit && n.Label != LabelComponent {
				continue
			}
			n = n.Clone() // a view, read before anything was shipped
			n.Props["prevStatus"] = n.Status()
			n.Props["status"] = StatusShipped
			n.Props["shippedAt"] = ts(tx.now())
			n.Props["shippedBy"] = tx.ev.ID
			n.Props["shipment"] = d.Shipment
			n.Props["customer"] = d.Customer
			tx.putNode(n)
		}
	}
	return nil
}
