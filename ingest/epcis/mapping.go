package epcis

// The mapping of each EPCIS event type to native events (docs/epcis.md).

import (
	"slices"
	"strings"

	"github.com/tracegraph/tracegraph"
)

// shortVocab is a CBV value without its URI prefix ("commissioning" for
// "urn:epcglobal:cbv:bizstep:commissioning" and
// "https://ref.gs1.org/cbv/BizStep-commissioning").
func shortVocab(v string) string {
	if i := strings.LastIndexAny(v, ":-/"); i >= 0 && (strings.HasPrefix(v, "urn:epcglobal:cbv:") || strings.HasPrefix(v, "https://ref.gs1.org/cbv/")) {
		return v[i+1:]
	}
	return v
}

func (m *mapper) object() error {
	ev := m.ev
	ts, qs, ns, err := lists("epcList", ev.EPCList, "quantityList", ev.QuantityList)
	if err != nil {
		return err
	}
	step := shortVocab(ev.BizStep)
	switch ev.Action {
	case "ADD":
		var received []string
		for _, t := range ts {
			switch {
			case t.container:
				m.note("%s: a container comes into being when something is packed into it", clip(t.ref))
			case t.label == tracegraph.LabelComponent || (step == "receiving" && t.gtin != "" && t.label == ""):
				m.created[t.ref] = true
				received = append(received, t.key)
			default:
				m.created[t.ref] = true
				m.emit(tracegraph.EventUnitCreated, map[string]any{"serial": t.key, "partNumber": m.partNumber(t)})
			}
		}
		if len(received) > 0 {
			m.emit(tracegraph.EventComponentReceived, map[string]any{"serials": received, "partNumber": m.partNumber(ts[0])})
		}
		for i, q := range qs {
			m.created[q.ref] = true
			if q.label == tracegraph.LabelWaferBatch {
				m.emit(tracegraph.EventWaferRegistered, map[string]any{"waferBatch": q.key})
				continue
			}
			d := map[string]any{"lot": q.key, "partNumber": m.partNumber(q)}
			if ns[i] != nil {
				d["quantity"] = *ns[i]
			}
			m.emit(tracegraph.EventLotReceived, d)
		}
	case "OBSERVE":
		m.observe(ts, len(qs))
	case "DELETE":
		if step != "destroying" && step != "decommissioning" {
			m.note("an ObjectEvent DELETE with bizStep %q: only destroying and decommissioning scrap", clip(ev.BizStep))
			return nil
		}
		for _, t := range ts {
			if t.container || t.lot {
				m.note("%s is not a unit: only units are scrapped", clip(t.ref))
				continue
			}
			m.use(t, false)
			m.emit(tracegraph.EventUnitScrapped, map[string]any{"unit": t.ref, "reason": orDefault(ev.Disposition, step)})
		}
	}
	return nil
}

// observe records an observation of units as a process record whose step
// is the bizStep; containers and lots observed are noted.
func (m *mapper) observe(ts []thing, lots int) {
	readings := m.sensors()
	var units []string
	for _, t := range ts {
		if t.container || t.lot {
			continue
		}
		m.use(t, false)
		if !slices.Contains(units, t.ref) {
			units = append(units, t.ref)
		}
	}
	if len(units) == 0 {
		if readings == 0 {
			m.note("an observation of no unit (%d containers or lots) and no sensor value: nothing to record", len(ts)+lots)
		}
		return
	}
	if len(units) < len(ts)+lots {
		m.note("the containers and lots observed are left out: a process record is of units")
	}
	d := map[string]any{"units": units, "step": orDefault(shortVocab(m.ev.BizStep), "observing")}
	params := map[string]any{}
	for k, v := range m.props {
		if k == PropDisposition || k == PropReadPoint || k == PropBizLocation {
			params[strings.TrimPrefix(k, "epcis:")] = v
		}
	}
	if len(params) > 0 {
		d["parameters"] = params
	}
	m.emit(tracegraph.EventProcessRecorded, d)
}

// sensors records each sensor value of the event as a reading at its read
// point (or business location), and returns how many; a report without a
// number (a string, a boolean, a URI) is noted.
func (m *mapper) sensors() int {
	loc := m.props[PropReadPoint]
	if loc == "" {
		loc = m.props[PropBizLocation]
	}
	n := 0
	for _, el := range m.ev.SensorElementList {
		for _, r := range el.SensorReport {
			kinds := []struct {
				suffix string
				v      *float64
			}{{"", r.Value}, {" min", r.MinValue}, {" max", r.MaxValue}, {" mean", r.MeanValue}}
			numbers := 0
			for _, k := range kinds {
				if k.v == nil {
					continue
				}
				numbers++
				if loc == "" {
					continue
				}
				m.emit(tracegraph.EventReadingRecorded, map[string]any{"location": loc,
					"kind": orDefault(shortVocab(r.Type), "sensor") + k.suffix, "value": *k.v, "unit": orDefault(r.UOM, "-")})
				n++
			}
			if numbers == 0 || loc == "" {
				m.note("a sensor report (%s) without a number or a place: left out", clip(r.Type))
			}
		}
	}
	return n
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (m *mapper) aggregation() error {
	ev := m.ev
	if ev.ParentID == "" {
		return tracegraph.Errorf(tracegraph.CodeInvalid, "parentID", "an AggregationEvent %s needs a parentID: tracegraph packs into a named container", ev.Action)
	}
	parent, err := parse("parentID", ev.ParentID)
	if err != nil {
		return err
	}
	kids, err := things("childEPCs", ev.ChildEPCs)
	if err != nil {
		return err
	}
	if len(ev.ChildQuantityList) > 0 {
		m.note("childQuantityList left out: containers hold units and containers")
	}
	if ev.Action == "OBSERVE" {
		m.observe(kids, 0)
		return nil
	}
	items := make([]string, 0, len(kids))
	pallet := false
	for _, k := range kids {
		if k.container {
			pallet = true
		}
		m.use(k, false)
		items = append(items, k.ref)
	}
	d := map[string]any{"container": parent.key}
	if parent.sscc != "" {
		d["sscc"] = parent.sscc
	}
	if strings.HasPrefix(parent.ref, string(tracegraph.LabelPallet)+":") || (pallet && !strings.HasPrefix(parent.ref, string(tracegraph.LabelBox)+":")) {
		d["containerType"] = "pallet"
	}
	if len(items) > 0 {
		d["items"] = items
	}
	if ev.Action == "ADD" {
		if len(items) == 0 {
			m.note("packing nothing into %s: left out", clip(parent.ref))
			return nil
		}
		m.created[parent.ref] = true
		m.emit(tracegraph.EventPacked, d)
		return nil
	}
	delete(d, "sscc")
	m.use(parent, false)
	m.emit(tracegraph.EventUnpacked, d)
	return nil
}

// transformation: each serialized output consumes every input lot (by
// quantity when there is one output) and, when it is the only output, the
// serialized inputs as components (a component is built into one unit);
// output lots are derived from the input lots and components.
func (m *mapper) transformation() error {
	ev := m.ev
	ins, inLots, inQty, err := lists("inputEPCList", ev.InputEPCList, "inputQuantityList", ev.InputQuantityList)
	if err != nil {
		return err
	}
	outs, outLots, outQty, err := lists("outputEPCList", ev.OutputEPCList, "outputQuantityList", ev.OutputQuantityList)
	if err != nil {
		return err
	}
	for i := range ins {
		ins[i] = ins[i].as(tracegraph.LabelComponent)
		m.use(ins[i], true)
	}
	for _, in := range inLots {
		m.use(in, false)
	}
	for _, out := range outs {
		if out.container || out.lot {
			m.note("output %s is not a unit: left out", clip(out.ref))
			continue
		}
		out = out.as(tracegraph.LabelUnit)
		m.use(out, false)
		for _, in := range ins {
			if len(outs) == 1 {
				m.emit(tracegraph.EventMaterialConsumed, map[string]any{"unit": out.ref, "component": in.ref})
			}
		}
		for i, in := range inLots {
			d := map[string]any{"unit": out.ref, "lot": in.ref}
			if inQty[i] != nil && len(outs) == 1 {
				d["quantity"] = *inQty[i]
			}
			if in.product {
				d["precision"] = tracegraph.PrecisionOrder
			}
			m.emit(tracegraph.EventMaterialConsumed, d)
		}
	}
	if len(ins) > 0 && len(outs) > 1 {
		m.note("%d serialized inputs into %d serialized outputs: a component is built into one unit, and the event does not say which; left out", len(ins), len(outs))
	}
	var from []string
	for _, in := range ins {
		from = append(from, in.ref)
	}
	for _, in := range inLots {
		from = append(from, in.ref)
	}
	for i, out := range outLots {
		if slices.Contains(from, out.ref) {
			m.note("output %s is also an input: left out", clip(ev.OutputQuantityList[i].EPCClass))
			continue
		}
		if out.product {
			m.note("output %s names a product, not a lot: left out", clip(ev.OutputQuantityList[i].EPCClass))
			continue
		}
		m.created[out.ref] = true
		d := map[string]any{"lot": out.key, "partNumber": m.partNumber(out)}
		if outQty[i] != nil {
			d["quantity"] = *outQty[i]
		}
		if len(from) > 0 {
			d["derivedFrom"] = from
		}
		m.emit(tracegraph.EventLotReceived, d)
	}
	return nil
}

// association: ADD builds each child into the parent (lots by quantity are
// consumed by it); DELETE takes them out.
func (m *mapper) association() error {
	ev := m.ev
	if ev.ParentID == "" {
		return tracegraph.Errorf(tracegraph.CodeInvalid, "parentID", "an AssociationEvent needs a parentID")
	}
	parent, err := parse("parentID", ev.ParentID)
	if err != nil {
		return err
	}
	kids, lots, qty, err := lists("childEPCs", ev.ChildEPCs, "childQuantityList", ev.ChildQuantityList)
	if err != nil {
		return err
	}
	if ev.Action == "DELETE" && len(kids)+len(lots) == 0 {
		m.note("an AssociationEvent DELETE that names no child: tracegraph removes children one by one; left out")
		return nil
	}
	m.use(parent, false)
	switch ev.Action {
	case "ADD":
		for _, k := range kids {
			m.use(k, false)
			m.emit(tracegraph.EventUnitAssembled, map[string]any{"parent": parent.ref, "child": k.ref})
		}
		for i, l := range lots {
			m.use(l, false)
			d := map[string]any{"unit": parent.ref, "lot": l.ref}
			if qty[i] != nil {
				d["quantity"] = *qty[i]
			}
			m.emit(tracegraph.EventMaterialConsumed, d)
		}
	case "DELETE":
		for _, k := range append(kids, lots...) {
			m.use(k, false)
			m.emit(tracegraph.EventComponentRemoved, map[string]any{"parent": parent.ref, "child": k.ref, "reason": orDefault(shortVocab(ev.BizStep), "disassembling")})
		}
	case "OBSERVE":
		m.observe(append([]thing{parent}, kids...), len(lots))
	}
	return nil
}
