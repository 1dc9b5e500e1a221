package epcis

// What EPCs and EPC classes name, and what commissioning a thing a document
// names unseen takes.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/tracegraph/tracegraph"
)

// thing is what an EPC or EPC class names.
type thing struct {
	ref       string // as a native event names it
	key       string // the node's key
	gtin      string
	sscc      string
	lot       bool             // a material lot (an EPC class)
	container bool             // an SSCC
	product   bool             // a whole product (EPC pattern, GTIN only): a lot with the GTIN as key
	label     tracegraph.Label // when the URI says (urn:tracegraph:Label:key)
}

// candidates are the nodes t may be.
func (t thing) candidates() []tracegraph.ID {
	if tracegraph.LooksLikeID(t.ref) {
		return []tracegraph.ID{tracegraph.ID(t.ref)}
	}
	if t.lot {
		return []tracegraph.ID{tracegraph.NewID(tracegraph.LabelMaterialLot, t.key)}
	}
	if t.container {
		return []tracegraph.ID{tracegraph.NewID(tracegraph.LabelBox, t.key), tracegraph.NewID(tracegraph.LabelPallet, t.key)}
	}
	return []tracegraph.ID{tracegraph.NewID(tracegraph.LabelUnit, t.key), tracegraph.NewID(tracegraph.LabelComponent, t.key)}
}

// as names a serialized thing as a node of label l when the URI left the
// label open (a serial of one GTIN may be a unit and of another a
// component).
func (t thing) as(l tracegraph.Label) thing {
	if !tracegraph.LooksLikeID(t.ref) && !t.lot && !t.container {
		t.ref = string(tracegraph.NewID(l, t.key))
	}
	return t
}

// parse reads an EPC or EPC class URI.
func parse(field, uri string) (thing, error) {
	if rest, ok := strings.CutPrefix(uri, nodeURIPrefix+"code:"); ok {
		if code, err := url.PathUnescape(rest); err == nil && code != "" {
			return thing{ref: code, key: code}, nil
		}
	}
	if rest, ok := strings.CutPrefix(uri, nodeURIPrefix); ok {
		if id, err := url.PathUnescape(rest); err == nil && tracegraph.LooksLikeID(id) {
			l, key, _ := tracegraph.ParseID(id)
			return thing{ref: id, key: key, label: l, lot: l == tracegraph.LabelMaterialLot || l == tracegraph.LabelWaferBatch,
				container: l == tracegraph.LabelBox || l == tracegraph.LabelPallet}, nil
		}
	}
	if otherEPC(uri) {
		return thing{ref: uri, key: uri}, nil
	}
	k, ok, err := tracegraph.ParseGS1Key(uri)
	if err != nil {
		return thing{}, tracegraph.Errorf(tracegraph.CodeInvalid, field, "%s: %s", field, tracegraph.AsError(err).Message)
	}
	if !ok {
		return thing{ref: uri, key: uri}, nil
	}
	switch k.Scheme {
	case tracegraph.KeySGTIN, tracegraph.KeyGIAI:
		return thing{ref: k.Value, key: k.Value, gtin: k.GTIN}, nil
	case tracegraph.KeySSCC:
		return thing{ref: k.Value, key: k.Value, sscc: k.Value, container: true}, nil
	case tracegraph.KeyLGTIN:
		return thing{ref: string(tracegraph.NewID(tracegraph.LabelMaterialLot, k.Value)), key: k.Value, gtin: k.GTIN, lot: true}, nil
	}
	return thing{ref: string(tracegraph.NewID(tracegraph.LabelMaterialLot, k.GTIN)), key: k.GTIN, gtin: k.GTIN, lot: true, product: true}, nil
}

// otherEPC reports an EPC URI of a scheme tracegraph does not read as a
// GS1 key (GRAI, SGLN, GDTI, …): it names a thing by the whole URI.
func otherEPC(uri string) bool {
	rest, ok := strings.CutPrefix(strings.ToLower(uri), "urn:epc:")
	if !ok {
		return false
	}
	for _, p := range []string{"id:sgtin:", "id:sscc:", "id:giai:", "class:lgtin:", "idpat:sgtin:", "tag:"} {
		if strings.HasPrefix(rest, p) {
			return false
		}
	}
	return true
}

// partNumber is what a commissioned thing's part number is: the ILMD's
// tg:partNumber, else its GTIN's (gtinPart), else "EPCIS".
func (m *mapper) partNumber(t thing) string {
	var pn string
	if raw, ok := m.ev.ILMD["tg:partNumber"]; ok && json.Unmarshal(raw, &pn) == nil && pn != "" {
		return pn
	}
	return m.gtinPart(t)
}

// gtinPart is the part number t's GTIN gives it: the part number of the
// product with that GTIN, else the GTIN itself (noted in out.GTINs), else
// "EPCIS" when t has no GTIN.
func (m *mapper) gtinPart(t thing) string {
	if t.gtin == "" {
		return "EPCIS"
	}
	if pn, ok := m.products[t.gtin]; ok {
		return pn
	}
	if !m.unnamed[t.gtin] {
		if m.unnamed == nil {
			m.unnamed = map[string]bool{}
		}
		m.unnamed[t.gtin] = true
		m.out.GTINs = append(m.out.GTINs, t.gtin)
	}
	return t.gtin
}

// use records that the current event names t, with how to commission it.
func (m *mapper) use(t thing, component bool) {
	if m.needed[t.ref] || m.created[t.ref] {
		return
	}
	m.needed[t.ref] = true
	e := envelope{ID: implicitIDPrefix + t.ref, Time: m.time, Props: map[string]string{PropImplicit: "true"}}
	if t.container {
		// A container comes into being when something is packed into it.
		m.out.Needs = append(m.out.Needs, Need{Ref: t.ref, IDs: t.candidates()})
		return
	}
	pn := m.gtinPart(t)
	switch {
	case t.label == tracegraph.LabelWaferBatch:
		e.Type, e.Data = tracegraph.EventWaferRegistered, map[string]any{"waferBatch": t.key}
	case t.lot:
		e.Type, e.Data = tracegraph.EventLotReceived, map[string]any{"lot": t.key, "partNumber": pn}
	case component:
		e.Type, e.Data = tracegraph.EventComponentReceived, map[string]any{"serials": []string{t.key}, "partNumber": pn}
	default:
		e.Type, e.Data = tracegraph.EventUnitCreated, map[string]any{"serial": t.key, "partNumber": pn}
	}
	if len(e.ID) > tracegraph.MaxEventIDLen {
		h := sha256.Sum256([]byte(t.ref))
		e.ID = implicitIDPrefix + hex.EncodeToString(h[:16])
	}
	b, _ := json.Marshal(e)
	m.out.Needs = append(m.out.Needs, Need{Ref: t.ref, IDs: t.candidates(), Create: b})
}

// things parses a list of EPCs.
func things(field string, uris []string) ([]thing, error) {
	out := make([]thing, 0, len(uris))
	for i, u := range uris {
		t, err := parse(fmt.Sprintf("%s[%d]", field, i), u)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// asClass is t named as an EPC class: a material lot (or wafer batch).
func asClass(t thing) thing {
	t.lot = true
	if !strings.HasPrefix(t.ref, string(tracegraph.LabelMaterialLot)+":") && !strings.HasPrefix(t.ref, string(tracegraph.LabelWaferBatch)+":") {
		t.ref = string(tracegraph.NewID(tracegraph.LabelMaterialLot, t.key))
	}
	return t
}

// quantities parses a quantity list.
func quantities(field string, qs []quantity) ([]thing, []*float64, error) {
	ts := make([]thing, 0, len(qs))
	ns := make([]*float64, 0, len(qs))
	for i, q := range qs {
		t, err := parse(fmt.Sprintf("%s[%d].epcClass", field, i), q.EPCClass)
		if err != nil {
			return nil, nil, err
		}
		ts = append(ts, asClass(t))
		ns = append(ns, q.Quantity)
	}
	return ts, ns, nil
}

// lists parses an EPC list and a quantity list of an event.
func lists(epcField string, epcs []string, qField string, qs []quantity) ([]thing, []thing, []*float64, error) {
	ts, err := things(epcField, epcs)
	if err != nil {
		return nil, nil, nil, err
	}
	lots, ns, err := quantities(qField, qs)
	return ts, lots, ns, err
}
