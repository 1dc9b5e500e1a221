package epcis

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tracegraph/tracegraph"
)

// Props keys the capture sets on the events it makes (tracegraph.Event.Props).
const (
	PropBizStep     = "epcis:bizStep"
	PropDisposition = "epcis:disposition"
	PropReadPoint   = "epcis:readPoint"
	PropBizLocation = "epcis:bizLocation"
	PropEventID     = "epcis:eventID"             // the EPCIS eventID, when the native id is not it
	PropCorrective  = "epcis:corrective"          // an errorDeclaration's correctiveEventIDs, space-separated
	PropImplicit    = "epcis:implicit"            // "true" on an event commissioning what a document named unseen
	PropEventType   = "epcis:eventType"           // the EPCIS event type and action it came as ("ObjectEvent OBSERVE")
	PropTimeZone    = "epcis:eventTimeZoneOffset" // when not +00:00
)

// Prefixes of the URIs tracegraph mints.
const (
	// nodeURIPrefix names a node by its global ID: urn:tracegraph:Unit:SN1.
	nodeURIPrefix = "urn:tracegraph:"
	// eventURIPrefix names an event by its native id: urn:tracegraph:event:e1.
	eventURIPrefix = "urn:tracegraph:event:"
	// hashIDPrefix names an EPCIS event that came without an eventID.
	hashIDPrefix = "urn:tracegraph:epcis:sha256:"
	// implicitIDPrefix names an event commissioning what a document named unseen.
	implicitIDPrefix = "urn:tracegraph:epcis:implicit:"
	// extEvent is the extension field that carries a tracegraph event whole.
	extEvent = "tg:event"
)

// Note is what the capture left out of a document, and why.
type Note struct {
	Index   int    `json:"index"` // the event's position in eventList
	EventID string `json:"eventID,omitempty"`
	Reason  string `json:"reason"`
}

// Captured is a document mapped to native events.
type Captured struct {
	// Events are native event envelopes, in document order, for
	// tracegraph.DecodeEvent and Store.Apply.
	Events []Item
	// Needs are the things the events name, in order of first use, with
	// how to commission each (Implicit).
	Needs []Need
	// Notes are the EPCIS events (or parts) that map to nothing.
	Notes []Note
}

// Item is one native event envelope. Unless, when set, is the id of an
// event whose recording makes this one unneeded: the content of an event an
// errorDeclaration voids, recorded first when tracegraph does not have it.
type Item struct {
	Raw    json.RawMessage
	Unless string
}

// Need is a thing an event names: Ref as the event names it, the nodes it
// may be (IDs: a serial may be a unit or a component, an SSCC a box or a
// pallet), and Create, the envelope that commissions it (nil for a
// container, which packing creates).
type Need struct {
	Ref    string
	IDs    []tracegraph.ID
	Create json.RawMessage
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

// document is the part of an EPCISDocument the mapping reads.
type document struct {
	Type      string `json:"type"`
	EPCISBody struct {
		EventList []json.RawMessage `json:"eventList"`
	} `json:"epcisBody"`
}

// quantity is an element of a quantity list.
type quantity struct {
	EPCClass string   `json:"epcClass"`
	Quantity *float64 `json:"quantity"`
	UOM      string   `json:"uom"`
}

// idOnly is a readPoint or bizLocation.
type idOnly struct {
	ID string `json:"id"`
}

// event is an EPCIS event as the mapping reads it.
type event struct {
	Type               string     `json:"type"`
	EventTime          string     `json:"eventTime"`
	TimeZoneOffset     string     `json:"eventTimeZoneOffset"`
	EventID            string     `json:"eventID"`
	Action             string     `json:"action"`
	EPCList            []string   `json:"epcList"`
	QuantityList       []quantity `json:"quantityList"`
	ParentID           string     `json:"parentID"`
	ChildEPCs          []string   `json:"childEPCs"`
	ChildQuantityList  []quantity `json:"childQuantityList"`
	InputEPCList       []string   `json:"inputEPCList"`
	OutputEPCList      []string   `json:"outputEPCList"`
	InputQuantityList  []quantity `json:"inputQuantityList"`
	OutputQuantityList []quantity `json:"outputQuantityList"`
	BizStep            string     `json:"bizStep"`
	Disposition        string     `json:"disposition"`
	ReadPoint          *idOnly    `json:"readPoint"`
	BizLocation        *idOnly    `json:"bizLocation"`
	ErrorDeclaration   *struct {
		DeclarationTime    string   `json:"declarationTime"`
		Reason             string   `json:"reason"`
		CorrectiveEventIDs []string `json:"correctiveEventIDs"`
	} `json:"errorDeclaration"`
	ILMD              map[string]json.RawMessage `json:"ilmd"`
	SensorElementList []struct {
		SensorMetadata struct {
			Time string `json:"time"`
		} `json:"sensorMetadata"`
		SensorReport []struct {
			Type      string   `json:"type"`
			Time      string   `json:"time"`
			Value     *float64 `json:"value"`
			MinValue  *float64 `json:"minValue"`
			MaxValue  *float64 `json:"maxValue"`
			MeanValue *float64 `json:"meanValue"`
			UOM       string   `json:"uom"`
		} `json:"sensorReport"`
	} `json:"sensorElementList"`
	// TG is a tracegraph event carried whole (Render writes it).
	TG *nativeEvent `json:"tg:event"`
}

// nativeEvent is the tracegraph content Render carries in tg:event.
type nativeEvent struct {
	ID       string            `json:"id"`
	Type     string            `json:"type"`
	Station  string            `json:"station,omitempty"`
	Operator string            `json:"operator,omitempty"`
	Data     json.RawMessage   `json:"data"`
	Props    map[string]string `json:"props,omitempty"`
}

// envelope is a native event as a client sends it.
type envelope struct {
	ID       string               `json:"id"`
	Type     tracegraph.EventType `json:"type"`
	Time     string               `json:"time"`
	Station  string               `json:"station,omitempty"`
	Operator string               `json:"operator,omitempty"`
	Data     any                  `json:"data"`
	Props    map[string]string    `json:"props,omitempty"`
}

// Capture maps a document the schema accepted (Validator.Validate) to
// native events. It returns an INVALID *tracegraph.Error naming the event
// (epcisBody.eventList[i]) for what the schema lets through and tracegraph
// cannot read: an identifier that does not parse, a time out of range.
// docs/epcis.md has the mapping.
func Capture(body []byte) (*Captured, error) {
	var doc document
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "", "the body is not an EPCIS document: %v", err)
	}
	c := &Captured{}
	m := mapper{out: c, needed: map[string]bool{}, created: map[string]bool{}}
	for i, raw := range doc.EPCISBody.EventList {
		if err := m.event(i, raw); err != nil {
			e := tracegraph.AsError(err)
			field := fmt.Sprintf("epcisBody.eventList[%d]", i)
			return nil, tracegraph.Errorf(e.Code, field, "%s: %s", field, e.Message)
		}
	}
	return c, nil
}

// mapper maps the events of one document.
type mapper struct {
	out     *Captured
	needed  map[string]bool // refs already in Needs
	created map[string]bool // refs an event of the document creates
	// unless is set while the content of a declared error is mapped.
	unless string
	// per event:
	index int
	ev    *event
	id    string
	time  string
	props map[string]string
	made  int
	// emitted are the ids of the native events of the current event.
	emitted []string
}

func (m *mapper) event(i int, raw json.RawMessage) error {
	var ev event
	if err := json.Unmarshal(raw, &ev); err != nil {
		return tracegraph.Errorf(tracegraph.CodeInvalid, "", "%v", err)
	}
	t, err := time.Parse(time.RFC3339Nano, ev.EventTime)
	if err != nil {
		return tracegraph.Errorf(tracegraph.CodeInvalid, "eventTime", "eventTime %q is not RFC 3339", clip(ev.EventTime))
	}
	m.index, m.ev, m.made, m.emitted = i, &ev, 0, nil
	m.time = t.UTC().Format(time.RFC3339Nano)
	m.id = nativeID(ev.EventID, raw)
	m.props = map[string]string{}
	put := func(k, v string) {
		if v != "" {
			m.props[k] = v
		}
	}
	put(PropBizStep, ev.BizStep)
	put(PropDisposition, ev.Disposition)
	if ev.ReadPoint != nil {
		put(PropReadPoint, ev.ReadPoint.ID)
	}
	if ev.BizLocation != nil {
		put(PropBizLocation, ev.BizLocation.ID)
	}
	if ev.EventID != "" && ev.EventID != m.id && !strings.HasPrefix(ev.EventID, eventURIPrefix) {
		put(PropEventID, ev.EventID)
	}
	put(PropEventType, strings.TrimSpace(ev.Type+" "+ev.Action))
	if ev.TimeZoneOffset != "+00:00" {
		put(PropTimeZone, ev.TimeZoneOffset)
	}
	if ev.ErrorDeclaration != nil {
		return m.errorDeclaration()
	}
	return m.content()
}

// content maps what the event says happened.
func (m *mapper) content() error {
	ev := m.ev
	if ev.TG != nil {
		return m.native()
	}
	switch ev.Type {
	case "ObjectEvent":
		return m.object()
	case "AggregationEvent":
		return m.aggregation()
	case "TransformationEvent":
		return m.transformation()
	case "AssociationEvent":
		return m.association()
	}
	m.note("%s has no counterpart in tracegraph (business transactions are not kept)", ev.Type)
	return nil
}

// nativeID is the native id of an EPCIS event: its eventID (a tracegraph
// event URI gives back the id it names), or, without one, a hash of the
// event, so that capturing a document again is a duplicate.
func nativeID(eventID string, raw []byte) string {
	if rest, ok := strings.CutPrefix(eventID, eventURIPrefix); ok {
		if id, err := url.PathUnescape(rest); err == nil && id != "" {
			return id
		}
	}
	if eventID != "" && len(eventID) <= tracegraph.MaxEventIDLen-4 {
		return eventID
	}
	h := sha256.Sum256(raw)
	return hashIDPrefix + hex.EncodeToString(h[:16])
}

// emit adds a native event of the current EPCIS event. The first keeps the
// event's id, the next ones add "#2", "#3", ….
func (m *mapper) emit(t tracegraph.EventType, data any) {
	id := m.id
	if m.made > 0 {
		id = fmt.Sprintf("%s#%d", m.id, m.made+1)
	}
	m.made++
	m.emitted = append(m.emitted, id)
	m.add(envelope{ID: id, Type: t, Time: m.time, Data: data, Props: m.props})
}

func (m *mapper) add(e envelope) {
	b, _ := json.Marshal(e)
	m.out.Events = append(m.out.Events, Item{Raw: b, Unless: m.unless})
}

func (m *mapper) note(format string, args ...any) {
	m.out.Notes = append(m.out.Notes, Note{Index: m.index, EventID: m.ev.EventID, Reason: fmt.Sprintf(format, args...)})
}

// native takes the tracegraph event Render carried in tg:event.
func (m *mapper) native() error {
	tg := m.ev.TG
	if tg.ID != "" {
		m.id = tg.ID
	}
	var data any
	if err := json.Unmarshal(tg.Data, &data); err != nil {
		return tracegraph.Errorf(tracegraph.CodeInvalid, extEvent+".data", "%s.data is not JSON", extEvent)
	}
	m.made++
	m.emitted = append(m.emitted, m.id)
	// The event is tracegraph's own: it comes back as it was, props and
	// all, so that capturing an export again is a duplicate.
	m.add(envelope{ID: m.id, Type: tracegraph.EventType(tg.Type), Time: m.time, Station: tg.Station, Operator: tg.Operator, Data: data, Props: tg.Props})
	return nil
}

// errorDeclaration voids the event the declaration names. An EPCIS error
// declaration repeats the erroneous event: when tracegraph has not recorded
// it, its content is recorded first (Item.Unless), then voided.
func (m *mapper) errorDeclaration() error {
	ed := m.ev.ErrorDeclaration
	if m.ev.TG != nil && m.ev.TG.Type == string(tracegraph.EventVoided) {
		return m.declared(ed.DeclarationTime, ed.CorrectiveEventIDs)
	}
	m.unless = m.id
	before := len(m.out.Events)
	err := m.content()
	m.unless = ""
	if err != nil {
		return err
	}
	if len(m.out.Events) == before {
		m.note("the errorDeclaration voids an event that records nothing in tracegraph")
		return nil
	}
	return m.declared(ed.DeclarationTime, ed.CorrectiveEventIDs)
}

// declared records the voiding of the current event.
func (m *mapper) declared(declarationTime string, corrective []string) error {
	t, err := time.Parse(time.RFC3339Nano, declarationTime)
	if err != nil {
		return tracegraph.Errorf(tracegraph.CodeInvalid, "errorDeclaration.declarationTime", "declarationTime %q is not RFC 3339", clip(declarationTime))
	}
	m.time = t.UTC().Format(time.RFC3339Nano)
	if len(corrective) > 0 {
		m.props[PropCorrective] = strings.Join(corrective, " ")
	}
	if m.ev.TG != nil {
		m.made = 0
		return m.native()
	}
	reason := m.ev.ErrorDeclaration.Reason
	if reason == "" {
		reason = "errorDeclaration"
	}
	voided := m.emitted
	m.id, m.made = m.id+"#void", 0
	for _, id := range voided {
		m.emit(tracegraph.EventVoided, map[string]any{"event": id, "reason": reason})
	}
	return nil
}

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
// tg:partNumber, else its GTIN, else "EPCIS".
func (m *mapper) partNumber(t thing) string {
	var pn string
	if raw, ok := m.ev.ILMD["tg:partNumber"]; ok && json.Unmarshal(raw, &pn) == nil && pn != "" {
		return pn
	}
	if t.gtin != "" {
		return t.gtin
	}
	return "EPCIS"
}

// use records that the current event names t, with how to commission it.
func (m *mapper) use(t thing, component bool) {
	if m.needed[t.ref] || m.created[t.ref] {
		return
	}
	m.needed[t.ref] = true
	e := envelope{ID: implicitIDPrefix + t.ref, Time: m.time, Props: map[string]string{PropImplicit: "true"}}
	pn := t.gtin
	if pn == "" {
		pn = "EPCIS"
	}
	switch {
	case t.container:
		// A container comes into being when something is packed into it.
		m.out.Needs = append(m.out.Needs, Need{Ref: t.ref, IDs: t.candidates()})
		return
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

// quantities parses a quantity list.
func quantities(field string, qs []quantity) ([]thing, []*float64, error) {
	ts := make([]thing, 0, len(qs))
	ns := make([]*float64, 0, len(qs))
	for i, q := range qs {
		t, err := parse(fmt.Sprintf("%s[%d].epcClass", field, i), q.EPCClass)
		if err != nil {
			return nil, nil, err
		}
		t.lot = true
		if !strings.HasPrefix(t.ref, string(tracegraph.LabelMaterialLot)+":") && !strings.HasPrefix(t.ref, string(tracegraph.LabelWaferBatch)+":") {
			t.ref = string(tracegraph.NewID(tracegraph.LabelMaterialLot, t.key))
		}
		ts = append(ts, t)
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
