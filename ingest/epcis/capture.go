package epcis

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
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
	// GTINs are the GTINs that stand as a part number (a thing commissioned
	// with its GTIN and no tg:partNumber) because the products Capture was
	// given do not name them, each once, in order of first use.
	GTINs []string
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
//
// products maps GTINs (14 digits) to the part numbers of the products that
// have them: a thing commissioned with such a GTIN and no tg:partNumber
// takes the product's part number. Every other GTIN stands as its own part
// number and is listed in Captured.GTINs (nil products: all of them).
func Capture(body []byte, products map[string]string) (*Captured, error) {
	var doc document
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, "", "the body is not an EPCIS document: %v", err)
	}
	c := &Captured{}
	m := mapper{out: c, products: products, needed: map[string]bool{}, created: map[string]bool{}}
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
	out      *Captured
	products map[string]string // GTIN → part number (Capture)
	unnamed  map[string]bool   // GTINs already in out.GTINs
	needed   map[string]bool   // refs already in Needs
	created  map[string]bool   // refs an event of the document creates
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
