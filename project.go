package tracegraph

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// BatchResult is the outcome of projecting a batch of events.
type BatchResult struct {
	// Outcomes has one entry per event, in order.
	Outcomes []Outcome
	// Accepted are the events to append, with Seq set, in order.
	Accepted []*Event
	// Tx holds the mutations of the accepted events, in order.
	Tx *Tx
}

// ProjectBatch applies the rules to a batch of normalized events against base,
// numbering accepted events from firstSeq. A rejected event changes nothing;
// with opts.Atomic one rejection aborts the whole batch. Events already
// recorded (by id, in base or earlier in the batch) with the same content are
// duplicates; an id recorded with other content is rejected (CONFLICT), as
// it names another event. The error is non-nil only when reading base failed
// or ctx ended.
//
// This is the one implementation of the rules of DOMAIN.md; every store calls
// it and persists BatchResult.Accepted and BatchResult.Tx.Mutations().
func ProjectBatch(ctx context.Context, base GraphReader, events []*Event, opts ApplyOptions, firstSeq uint64) (*BatchResult, error) {
	res := &BatchResult{Outcomes: make([]Outcome, len(events)), Tx: NewTx(ctx, base)}
	seq := firstSeq
	rejected := -1
	for i, ev := range events {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out := &res.Outcomes[i]
		out.Index, out.ID, out.Type = i, ev.ID, ev.Type
		prev, _, err := res.Tx.EventByID(ctx, ev.ID)
		if err != nil {
			return nil, fmt.Errorf("look up event %q: %w", ev.ID, err)
		}
		if prev != nil && SameContent(prev, ev) {
			out.Status, out.Seq = OutcomeDuplicate, prev.Seq
			continue
		}
		var perr error
		child := NewTx(ctx, res.Tx)
		if prev != nil {
			perr = Errorf(CodeConflict, "id", "event %q was recorded (seq %d) with other content; use another id for another event", ev.ID, prev.Seq)
		} else {
			child.seq, child.ev = seq, ev
			perr = project(child, ev)
		}
		if perr != nil {
			if ErrorCode(perr) == CodeInternal {
				return nil, fmt.Errorf("project event %q: %w", ev.ID, perr)
			}
			out.Status, out.Error = OutcomeRejected, AsError(perr)
			if opts.Atomic {
				rejected = i
				break
			}
			continue
		}
		e := *ev
		e.Seq = seq
		// The tx keeps its own copy: the store seals the accepted one (hash,
		// recordedAt) while later batches may already read this tx.
		seen := e
		mk(&child.events)[e.ID] = &seen
		child.MergeInto(res.Tx)
		res.Accepted = append(res.Accepted, &e)
		out.Status, out.Seq = OutcomeAccepted, seq
		seq++
	}
	if rejected >= 0 {
		bad := events[rejected]
		for i := range res.Outcomes {
			o := &res.Outcomes[i]
			if i == rejected || o.Status == OutcomeDuplicate {
				continue
			}
			o.Index, o.ID = i, events[i].ID
			o.Status, o.Seq = OutcomeAborted, 0
			o.Error = Errorf(res.Outcomes[rejected].Error.Code, "", "not applied: event %d (%q) of this atomic batch was rejected", rejected, bad.ID)
		}
		res.Accepted = nil
		res.Tx = NewTx(ctx, base)
	}
	return res, nil
}

// project applies one event's rules in tx. It returns a domain *Error for a
// refusal, or another error when reading failed.
func project(tx *Tx, ev *Event) error {
	p, err := ev.Payload()
	if err != nil {
		return err
	}
	switch d := p.(type) {
	case *UnitCreated:
		return tx.unitCreated(d)
	case *IdentifierAssigned:
		return tx.identifierAssigned(d)
	case *WaferRegistered:
		return tx.waferRegistered(d)
	case *LotReceived:
		return tx.lotReceived(d)
	case *ComponentReceived:
		return tx.componentReceived(d)
	case *MaterialConsumed:
		return tx.materialConsumed(d)
	case *UnitAssembled:
		return tx.unitAssembled(d)
	case *ComponentRemoved:
		return tx.componentRemoved(d)
	case *TestRecorded:
		return tx.testRecorded(d)
	case *ProcessRecorded:
		return tx.processRecorded(d)
	case *ReadingRecorded:
		return tx.readingRecorded(d)
	case *Packed:
		if ev.Type == EventUnpacked {
			return tx.unpacked(d)
		}
		return tx.packed(d)
	case *Shipped:
		return tx.shipped(d)
	case *HoldChange:
		if ev.Type == EventHoldReleased {
			return tx.holdReleased(d)
		}
		return tx.holdPlaced(d)
	case *UnitScrapped:
		return tx.unitScrapped(d)
	case *Voided:
		return tx.eventVoided(d)
	}
	return Errorf(CodeInvalid, "type", "no rules for event type %q", ev.Type)
}

// ---- resolution

// resolve finds the node a reference names: a global ID, or a bare code that
// names exactly one node among labels (a key or an additional number).
func (tx *Tx) resolve(field, ref string, labels ...Label) (*Node, error) {
	if LooksLikeID(ref) {
		l, _, err := ParseID(ref)
		if err != nil {
			return nil, err.(*Error).withField("data." + field)
		}
		if len(labels) > 0 && !slices.Contains(labels, l) {
			return nil, Errorf(CodeInvalid, "data."+field, "data.%s %s is a %s; want %s", field, ref, l, joinLabels(labels))
		}
		n, err := tx.GetNode(tx.ctx, ID(ref))
		if err != nil {
			return nil, err
		}
		if n == nil {
			return nil, Errorf(CodeNotFound, "data."+field, "data.%s: %s does not exist", field, ref)
		}
		return n, nil
	}
	var found []*Node
	for _, l := range labelsOr(labels) {
		n, err := tx.GetNode(tx.ctx, NewID(l, ref))
		if err != nil {
			return nil, err
		}
		if n != nil {
			found = append(found, n)
		}
	}
	owners, err := IdentifierOwnersOf(ref, func(v string) ([]Identifier, error) { return tx.IdentifierOwners(tx.ctx, v) })
	if err != nil {
		return nil, err
	}
	for _, o := range owners {
		if len(labels) > 0 && !slices.Contains(labels, o.Node.Label()) {
			continue
		}
		if slices.ContainsFunc(found, func(n *Node) bool { return n.ID == o.Node }) {
			continue
		}
		n, err := tx.GetNode(tx.ctx, o.Node)
		if err != nil {
			return nil, err
		}
		if n != nil {
			found = append(found, n)
		}
	}
	switch len(found) {
	case 0:
		return nil, Errorf(CodeNotFound, "data."+field, "data.%s: no %s with code %q", field, joinLabels(labels), ref)
	case 1:
		return found[0], nil
	}
	ids := make([]string, len(found))
	for i, n := range found {
		ids[i] = string(n.ID)
	}
	return nil, Errorf(CodeInvalid, "data."+field, "data.%s: code %q names %s; use a global ID", field, ref, strings.Join(ids, " and "))
}

func labelsOr(labels []Label) []Label {
	if len(labels) == 0 {
		return Labels
	}
	return labels
}

func joinLabels(labels []Label) string {
	if len(labels) == 0 {
		return "node"
	}
	s := make([]string, len(labels))
	for i, l := range labels {
		s[i] = string(l)
	}
	return strings.Join(s, " or ")
}

// ---- reading helpers

func (tx *Tx) exists(id ID) (*Node, error) { return tx.GetNode(tx.ctx, id) }

// mustBeNew refuses a key that names an existing node.
func (tx *Tx) mustBeNew(field string, id ID) error {
	n, err := tx.exists(id)
	if err != nil {
		return err
	}
	if n != nil {
		return Errorf(CodeConflict, "data."+field, "%s already exists (created by event %q)", id, n.CreatedBy)
	}
	return nil
}

// holders returns the open CONTAINS edges into id: its parent unit or container.
func (tx *Tx) holders(id ID) ([]Edge, error) {
	in, err := tx.NodeEdges(tx.ctx, id, Downstream, false)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(in, func(e Edge) bool { return e.Type != EdgeContains }), nil
}

func (tx *Tx) ensureNode(l Label, key string, props map[string]any) (ID, error) {
	id := NewID(l, key)
	n, err := tx.exists(id)
	if err != nil {
		return "", err
	}
	if n == nil {
		if props == nil {
			props = map[string]any{}
		}
		tx.putNode(&Node{ID: id, Label: l, Props: props, CreatedBy: tx.ev.ID})
	}
	return id, nil
}

func (tx *Tx) newNode(l Label, key string, props map[string]any) *Node {
	n := &Node{ID: NewID(l, key), Label: l, Props: props, CreatedBy: tx.ev.ID}
	tx.putNode(n)
	return n
}

func setStr(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func holdText(n *Node) string {
	h := n.Holds[0]
	s := fmt.Sprintf("%s is on hold since %s: %s (hold %q", n.ID, ts(h.Since), h.Reason, h.ID)
	if h.Source != n.ID {
		s += fmt.Sprintf(" on %s", h.Source)
	}
	return s + ")"
}

// ---- the rules, one method per event type

func (tx *Tx) unitCreated(d *UnitCreated) error {
	id := NewID(LabelUnit, d.Serial)
	if err := tx.mustBeNew("serial", id); err != nil {
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
	setStr(props, "revision", d.Revision)
	setStr(props, "workOrder", d.WorkOrder)
	setStr(props, "kind", d.Kind)
	if len(idents) > 0 {
		props["identifiers"] = idents
	}
	tx.newNode(LabelUnit, d.Serial, props)
	for s, v := range idents {
		tx.addIdentifier(Identifier{Scheme: s, Value: v.(string), Node: id})
	}
	if d.WorkOrder != "" {
		wo, err := tx.ensureNode(LabelWorkOrder, d.WorkOrder, map[string]any{"workOrder": d.WorkOrder, "partNumber": d.PartNumber})
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

func (tx *Tx) waferRegistered(d *WaferRegistered) error {
	if err := tx.mustBeNew("waferBatch", NewID(LabelWaferBatch, d.WaferBatch)); err != nil {
		return err
	}
	props := map[string]any{"waferBatch": d.WaferBatch, "registeredAt": ts(tx.now())}
	setStr(props, "manufacturer", d.Manufacturer)
	setStr(props, "fab", d.Fab)
	if d.WaferCount > 0 {
		props["waferCount"] = float64(d.WaferCount)
	}
	tx.newNode(LabelWaferBatch, d.WaferBatch, props)
	return nil
}

// materialLinks adds DERIVED_FROM and SUPPLIED_BY edges for new material and
// passes on the holds of what it derives from.
func (tx *Tx) materialLinks(id ID, derivedFrom []string, supplier string) error {
	for i, ref := range derivedFrom {
		src, err := tx.resolve(fmt.Sprintf("derivedFrom[%d]", i), ref, LabelMaterialLot, LabelWaferBatch)
		if err != nil {
			return err
		}
		if err := tx.addEdgeErr(EdgeDerivedFrom, id, src.ID, PrecisionExact, nil); err != nil {
			return err
		}
		for _, h := range src.Holds {
			if err := tx.addHold(id, h); err != nil {
				return err
			}
		}
	}
	if supplier != "" {
		sup, err := tx.ensureNode(LabelSupplier, supplier, map[string]any{"supplier": supplier})
		if err != nil {
			return err
		}
		return tx.addEdgeErr(EdgeSuppliedBy, id, sup, PrecisionExact, nil)
	}
	return nil
}

func (tx *Tx) lotReceived(d *LotReceived) error {
	id := NewID(LabelMaterialLot, d.Lot)
	if err := tx.mustBeNew("lot", id); err != nil {
		return err
	}
	props := map[string]any{"lot": d.Lot, "partNumber": d.PartNumber, "receivedAt": ts(tx.now())}
	setStr(props, "mpn", d.MPN)
	setStr(props, "manufacturer", d.Manufacturer)
	setStr(props, "supplier", d.Supplier)
	setStr(props, "dateCode", d.DateCode)
	setStr(props, "countryOfOrigin", d.CountryOfOrigin)
	setStr(props, "msl", d.MSL)
	if d.Quantity != nil {
		props["quantity"] = *d.Quantity
	}
	if d.ExpiresAt != nil {
		props["expiresAt"] = ts(*d.ExpiresAt)
	}
	tx.newNode(LabelMaterialLot, d.Lot, props)
	return tx.materialLinks(id, d.DerivedFrom, d.Supplier)
}

func (tx *Tx) componentReceived(d *ComponentReceived) error {
	for i, s := range d.Serials {
		if err := tx.mustBeNew(fmt.Sprintf("serials[%d]", i), NewID(LabelComponent, s)); err != nil {
			return err
		}
	}
	for _, s := range d.Serials {
		props := map[string]any{"serial": s, "partNumber": d.PartNumber, "receivedAt": ts(tx.now())}
		setStr(props, "mpn", d.MPN)
		setStr(props, "manufacturer", d.Manufacturer)
		setStr(props, "supplier", d.Supplier)
		setStr(props, "dateCode", d.DateCode)
		setStr(props, "lot", d.Lot)
		n := tx.newNode(LabelComponent, s, props)
		if err := tx.materialLinks(n.ID, d.DerivedFrom, d.Supplier); err != nil {
			return err
		}
	}
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

// installable refuses material or a child that is on hold, expired, scrapped,
// shipped or already installed somewhere.
func (tx *Tx) installable(field string, n *Node) error {
	if n.OnHold() {
		return Errorf(CodeOnHold, "data."+field, "%s; it cannot be used", holdText(n))
	}
	if exp := n.Time("expiresAt"); !exp.IsZero() && !tx.now().Before(exp) {
		return Errorf(CodeConflict, "data."+field, "%s expired at %s; it cannot be used", n.ID, ts(exp))
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
	u, err := tx.resolve("unit", d.Unit, LabelUnit)
	if err != nil {
		return err
	}
	if err := buildable("unit", u); err != nil {
		return err
	}
	props := map[string]any{}
	if len(d.RefDes) > 0 {
		props["refDes"] = toAny(d.RefDes)
	}
	if d.Quantity != nil {
		props["quantity"] = *d.Quantity
	}
	setStr(props, "station", tx.ev.Station)
	if d.Component != "" {
		c, err := tx.resolveComponent("component", d.Component)
		if err != nil {
			return err
		}
		if err := tx.installable("component", c); err != nil {
			return err
		}
		if len(d.RefDes) > 0 {
			props["position"] = d.RefDes[0]
		}
		return tx.addEdgeErr(EdgeContains, u.ID, c.ID, PrecisionExact, props)
	}
	lot, err := tx.resolve("lot", d.Lot, LabelMaterialLot)
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
	parent, err := tx.resolve("parent", d.Parent, LabelUnit)
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
	setStr(props, "position", d.Position)
	setStr(props, "station", tx.ev.Station)
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

func (tx *Tx) testRecorded(d *TestRecorded) error {
	u, err := tx.resolve("unit", d.Unit, LabelUnit)
	if err != nil {
		return err
	}
	props := map[string]any{"testType": d.TestType, "result": d.Result, "at": ts(tx.now()), "unit": string(u.ID)}
	setStr(props, "program", d.Program)
	setStr(props, "fixture", d.Fixture)
	setStr(props, "station", tx.ev.Station)
	setStr(props, "operator", tx.ev.Operator)
	if len(d.Measurements) > 0 {
		props["measurements"] = jsonValue(d.Measurements)
	}
	if d.Firmware != nil {
		props["firmware"] = jsonValue(d.Firmware)
	}
	t := tx.newNode(LabelTestRun, tx.ev.ID, props)
	return tx.addEdgeErr(EdgeTestedBy, u.ID, t.ID, PrecisionExact, nil)
}

// jsonValue turns a payload part into plain JSON values for Props.
func jsonValue(v any) any {
	b, _ := json.Marshal(v)
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

func (tx *Tx) processRecorded(d *ProcessRecorded) error {
	units := make([]*Node, len(d.Units))
	for i, ref := range d.Units {
		u, err := tx.resolve(fmt.Sprintf("units[%d]", i), ref, LabelUnit)
		if err != nil {
			return err
		}
		units[i] = u
	}
	props := map[string]any{"step": d.Step, "at": ts(tx.now()), "unitCount": float64(len(units))}
	setStr(props, "recipe", d.Recipe)
	setStr(props, "result", d.Result)
	setStr(props, "station", tx.ev.Station)
	setStr(props, "operator", tx.ev.Operator)
	if len(d.Parameters) > 0 {
		props["parameters"] = maps.Clone(d.Parameters)
	}
	p := tx.newNode(LabelProcessStep, tx.ev.ID, props)
	for _, u := range units {
		if err := tx.addEdgeErr(EdgeProcessedBy, u.ID, p.ID, PrecisionExact, nil); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) readingRecorded(d *ReadingRecorded) error {
	id := NewID(LabelStation, d.Location)
	n, err := tx.exists(id)
	if err != nil {
		return err
	}
	if n == nil {
		n = &Node{ID: id, Label: LabelStation, Props: map[string]any{"station": d.Location}, CreatedBy: tx.ev.ID}
	}
	last, _ := n.Props["lastReadings"].(map[string]any)
	last = maps.Clone(last)
	if last == nil {
		last = map[string]any{}
	}
	last[d.Kind] = map[string]any{"value": d.Value, "unit": d.Unit, "at": ts(tx.now()), "event": tx.ev.ID}
	n.Props["lastReadings"] = last
	tx.putNode(n)
	return nil
}

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
		f := fmt.Sprintf("items[%d]", i)
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
		all, err := tx.contents(it.ID)
		if err != nil {
			return err
		}
		for _, n := range all {
			if n.Label == LabelUnit && n.Status() == StatusWIP {
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
			all, err := tx.contents(it.ID)
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
	out, err := tx.NodeEdges(tx.ctx, c.ID, Upstream, false)
	if err != nil {
		return err
	}
	out = slices.DeleteFunc(out, func(e Edge) bool { return e.Type != EdgeContains })
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
		f := fmt.Sprintf("items[%d]", i)
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
func (tx *Tx) contents(id ID) ([]*Node, error) {
	var out []*Node
	seen := map[ID]bool{id: true}
	frontier := []ID{id}
	for len(frontier) > 0 {
		var next []ID
		for _, cur := range frontier {
			n, err := tx.GetNode(tx.ctx, cur)
			if err != nil {
				return nil, err
			}
			if n == nil {
				continue
			}
			out = append(out, n)
			es, err := tx.NodeEdges(tx.ctx, cur, Upstream, false)
			if err != nil {
				return nil, err
			}
			for _, e := range es {
				if e.Type == EdgeContains && !seen[e.Target] {
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
		f := fmt.Sprintf("items[%d]", i)
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
		all, err := tx.contents(it.ID)
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
		items[i] = shipItem{it, all}
	}
	if s == nil {
		props := map[string]any{"shipment": d.Shipment, "customer": d.Customer, "shippedAt": ts(tx.now())}
		setStr(props, "destination", d.Destination)
		s = tx.newNode(LabelShipment, d.Shipment, props)
		cust, err := tx.ensureNode(LabelCustomer, d.Customer, map[string]any{"customer": d.Customer})
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
	case LabelTestRun, LabelProcessStep, LabelCustomer, LabelSupplier, LabelStation, LabelWorkOrder:
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
	if pn.Label.IsContainer() || (pn.Label == LabelUnit && !InHouse(pn.Status())) {
		return nil
	}
	// What went back into the parent brings its material holds with it, as
	// if they were placed now: the parent and what lies downstream of it.
	var reach []ID
	for _, id := range back {
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
