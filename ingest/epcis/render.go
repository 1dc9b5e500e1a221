package epcis

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/tracegraph/tracegraph"
)

// Context is the JSON-LD context of what Render writes: EPCIS 2.0's, and
// the tg: prefix of tracegraph's extension fields.
var Context = []any{
	"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
	map[string]string{"tg": "https://tracegraph.dev/epcis/"},
}

// EventURI is the EPCIS eventID of a native event: its id when that is
// already an absolute URI (an event captured from EPCIS), else
// urn:tracegraph:event:ID.
func EventURI(id string) string {
	if u, err := url.Parse(id); err == nil && u.Scheme != "" && u.Opaque+u.Host+u.Path != "" && !strings.HasPrefix(id, implicitIDPrefix) && !strings.ContainsAny(id, " ") {
		if !strings.Contains(id, "#") {
			return id
		}
	}
	return eventURIPrefix + url.PathEscape(id)
}

// NativeID is the native id an EPCIS eventID names (EventURI's inverse).
func NativeID(eventID string) string {
	if rest, ok := strings.CutPrefix(eventID, eventURIPrefix); ok {
		if id, err := url.PathUnescape(rest); err == nil {
			return id
		}
	}
	return eventID
}

// Names gives nodes the GS1 names Render writes for them
// (tracegraph.GS1Name), and reads those names back for Query.Match. A
// node without one, or a nil Names, is named as tracegraph names it:
// urn:tracegraph:Label:key.
type Names interface {
	// EPC returns the URI that names id, "" for tracegraph's own.
	EPC(id tracegraph.ID) string
	// Code returns the URI that names the node a bare code (an event's
	// item, child or target) names, "" for tracegraph's own.
	Code(code string) string
	// Node returns the node a URI that EPC returned names.
	Node(uri string) (tracegraph.ID, bool)
}

// renderer writes events with its names.
type renderer struct{ names Names }

// uri is the EPC URI of a reference: its GS1 name when it has one, else
// urn:tracegraph:Label:key for a global ID, urn:tracegraph:code:CODE for a
// bare code.
func (r renderer) uri(label tracegraph.Label, ref string) string {
	var id tracegraph.ID
	switch {
	case tracegraph.LooksLikeID(ref):
		id = tracegraph.ID(ref)
	case label != "":
		id = tracegraph.NewID(label, ref)
	default:
		if r.names != nil {
			if u := r.names.Code(ref); u != "" {
				return u
			}
		}
		return nodeURIPrefix + "code:" + escapeURI(ref)
	}
	if r.names != nil {
		if u := r.names.EPC(id); u != "" {
			return u
		}
	}
	return nodeURIPrefix + escapeURI(string(id))
}

// escapeURI escapes what a URN may not hold (the ':' of a global ID stays).
func escapeURI(s string) string { return strings.ReplaceAll(url.PathEscape(s), "%3A", ":") }

func (r renderer) uris(label tracegraph.Label, refs []string) []string {
	out := make([]string, len(refs))
	for i, ref := range refs {
		out[i] = r.uri(label, ref)
	}
	return out
}

// vocab is a tracegraph word as an EPCIS vocabulary URI.
func vocab(kind, word string) string { return "urn:tracegraph:" + kind + ":" + url.PathEscape(word) }

// Render writes a recorded event as an EPCIS 2.0 event (a JSON object):
// the EPCIS event type and fields that say what happened (docs/epcis.md
// has the table), the bizStep, disposition and readPoint it was captured
// with, and the whole native event in the tg:event extension, so that
// capturing it again into tracegraph loses nothing. For event.voided,
// voided is the event it voids: EPCIS declares an error by repeating the
// erroneous event with an errorDeclaration. names gives GS1-identified
// nodes their GS1 Digital Link names (nil: every node is named
// urn:tracegraph:Label:key).
func Render(ev *tracegraph.Event, voided *tracegraph.Event, names Names) (map[string]any, error) {
	r := renderer{names}
	out, err := r.render(ev)
	if err != nil {
		return nil, err
	}
	if ev.Type == tracegraph.EventVoided {
		if voided == nil {
			return nil, fmt.Errorf("render %s: the voided event is needed", ev.ID)
		}
		p, err := ev.Payload()
		if err != nil {
			return nil, err
		}
		v := p.(*tracegraph.Voided)
		if out, err = r.render(voided); err != nil {
			return nil, err
		}
		ed := map[string]any{"declarationTime": ev.Time.UTC().Format(time.RFC3339Nano), "reason": "incorrect_data", "tg:reason": v.Reason}
		if c := ev.Props[PropCorrective]; c != "" {
			ed["correctiveEventIDs"] = strings.Fields(c)
		}
		out["errorDeclaration"] = ed
	}
	out["tg:event"] = nativeEvent{ID: ev.ID, Type: string(ev.Type), Station: ev.Station, Operator: ev.Operator, Data: ev.Data, Props: ev.Props}
	if !ev.RecordedAt.IsZero() {
		out["recordTime"] = ev.RecordedAt.UTC().Format(time.RFC3339Nano)
	}
	return out, nil
}

// render writes the EPCIS rendering of ev's own content.
func (r renderer) render(ev *tracegraph.Event) (map[string]any, error) {
	p, err := ev.Payload()
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", ev.ID, err)
	}
	out := map[string]any{
		"eventTime":           ev.Time.UTC().Format(time.RFC3339Nano),
		"eventTimeZoneOffset": "+00:00",
		"eventID":             EventURI(ev.ID),
	}
	object := func(action string, epcs []string) {
		out["type"], out["action"], out["epcList"] = "ObjectEvent", action, epcs
	}
	lot := func(label tracegraph.Label, key string, q *float64) []map[string]any {
		e := map[string]any{"epcClass": r.uri(label, key)}
		if q != nil {
			e["quantity"] = *q
		}
		return []map[string]any{e}
	}
	switch d := p.(type) {
	case *tracegraph.UnitCreated:
		object("ADD", []string{r.uri(tracegraph.LabelUnit, d.Serial)})
		out["ilmd"] = map[string]any{"tg:partNumber": d.PartNumber}
	case *tracegraph.ComponentReceived:
		object("ADD", r.uris(tracegraph.LabelComponent, d.Serials))
		out["ilmd"] = map[string]any{"tg:partNumber": d.PartNumber}
	case *tracegraph.LotReceived:
		if len(d.DerivedFrom) > 0 {
			// Material made or split from other material: a transformation.
			out["type"] = "TransformationEvent"
			var epcs []string
			var classes []map[string]any
			for _, from := range d.DerivedFrom {
				if l, _, err := tracegraph.ParseID(from); err == nil && (l == tracegraph.LabelMaterialLot || l == tracegraph.LabelWaferBatch) {
					classes = append(classes, map[string]any{"epcClass": r.uri("", from)})
				} else {
					epcs = append(epcs, r.uri("", from))
				}
			}
			if len(classes) > 0 {
				out["inputQuantityList"] = classes
			}
			if len(epcs) > 0 {
				out["inputEPCList"] = epcs
			}
			out["outputQuantityList"] = lot(tracegraph.LabelMaterialLot, d.Lot, d.Quantity)
		} else {
			object("ADD", []string{})
			out["quantityList"] = lot(tracegraph.LabelMaterialLot, d.Lot, d.Quantity)
		}
		out["ilmd"] = map[string]any{"tg:partNumber": d.PartNumber}
	case *tracegraph.WaferRegistered:
		object("ADD", []string{})
		out["quantityList"] = lot(tracegraph.LabelWaferBatch, d.WaferBatch, nil)
	case *tracegraph.MaterialConsumed:
		out["type"] = "TransformationEvent"
		out["outputEPCList"] = []string{r.uri(tracegraph.LabelUnit, d.Unit)}
		if d.Lot != "" {
			out["inputQuantityList"] = lot(tracegraph.LabelMaterialLot, d.Lot, d.Quantity)
		} else {
			out["inputEPCList"] = []string{r.uri(tracegraph.LabelComponent, d.Component)}
		}
	case *tracegraph.UnitAssembled:
		out["type"], out["action"] = "AssociationEvent", "ADD"
		out["parentID"], out["childEPCs"] = r.uri(tracegraph.LabelUnit, d.Parent), []string{r.uri("", d.Child)}
	case *tracegraph.ComponentRemoved:
		out["type"], out["action"] = "AssociationEvent", "DELETE"
		out["parentID"], out["childEPCs"] = r.uri(tracegraph.LabelUnit, d.Parent), []string{r.uri("", d.Child)}
	case *tracegraph.Packed:
		out["type"], out["parentID"] = "AggregationEvent", r.uri(d.ContainerLabel(), d.Container)
		out["childEPCs"] = r.uris("", d.Items)
		out["action"] = "ADD"
		if ev.Type == tracegraph.EventUnpacked {
			out["action"] = "DELETE"
		}
	case *tracegraph.Shipped:
		object("OBSERVE", r.uris("", d.Items))
		out["disposition"] = "in_transit"
	case *tracegraph.TestRecorded:
		object("OBSERVE", []string{r.uri(tracegraph.LabelUnit, d.Unit)})
		out["disposition"] = map[bool]string{true: "conformant", false: "non_conformant"}[d.Result == tracegraph.ResultPass]
	case *tracegraph.ProcessRecorded:
		object("OBSERVE", r.uris(tracegraph.LabelUnit, d.Units))
	case *tracegraph.ReadingRecorded:
		object("OBSERVE", []string{})
		out["readPoint"] = map[string]string{"id": r.uri(tracegraph.LabelStation, d.Location)}
		out["sensorElementList"] = []map[string]any{{"sensorReport": []map[string]any{{"type": measurementType(d.Kind), "value": d.Value, "uom": d.Unit}}}}
	case *tracegraph.HoldChange:
		object("OBSERVE", []string{r.uri("", d.Target)})
		if ev.Type == tracegraph.EventHoldPlaced {
			out["disposition"] = "non_sellable_other"
		}
	case *tracegraph.UnitScrapped:
		object("DELETE", []string{r.uri(tracegraph.LabelUnit, d.Unit)})
		out["disposition"] = "destroyed"
	case *tracegraph.IdentifierAssigned:
		object("OBSERVE", []string{r.uri(tracegraph.LabelUnit, d.Unit)})
	case *tracegraph.Voided:
		// Render replaces this with the voided event; alone (its
		// content), it is an observation of nothing.
		object("OBSERVE", []string{})
	default:
		// A type this mapping does not know yet: an observation, whole in
		// tg:event.
		object("OBSERVE", []string{})
	}
	if b := bizStep(ev, p); b != "" {
		out["bizStep"] = b
	}
	if v := ev.Props[PropDisposition]; v != "" {
		out["disposition"] = v
	}
	if v := ev.Props[PropReadPoint]; v != "" {
		out["readPoint"] = map[string]string{"id": v}
	}
	if v := ev.Props[PropBizLocation]; v != "" {
		out["bizLocation"] = map[string]string{"id": v}
	}
	if v := ev.Props[PropEventID]; v != "" {
		out["eventID"] = v
	}
	if v := ev.Props[PropTimeZone]; v != "" {
		out["eventTimeZoneOffset"] = v
	}
	return out, nil
}

// bizSteps are the bizStep each event type is rendered with (CBV 2.0
// words); process.recorded's is its step (urn:tracegraph:step:STEP).
var bizSteps = map[tracegraph.EventType]string{
	tracegraph.EventUnitCreated: "commissioning", tracegraph.EventWaferRegistered: "commissioning",
	tracegraph.EventComponentReceived: "receiving", tracegraph.EventLotReceived: "receiving",
	tracegraph.EventUnitAssembled: "assembling", tracegraph.EventComponentRemoved: "removing",
	tracegraph.EventPacked: "packing", tracegraph.EventUnpacked: "unpacking", tracegraph.EventShipped: "shipping",
	tracegraph.EventTestRecorded: "inspecting", tracegraph.EventReadingRecorded: "sensor_reporting",
	tracegraph.EventHoldPlaced: "holding", tracegraph.EventHoldReleased: "holding", tracegraph.EventUnitScrapped: "destroying",
}

// bizStep is the bizStep ev renders with: the one it was captured with,
// else its type's. p is ev's payload (nil: decoded when needed).
func bizStep(ev *tracegraph.Event, p tracegraph.Payload) string {
	if v := ev.Props[PropBizStep]; v != "" {
		return v
	}
	if ev.Type == tracegraph.EventProcessRecorded {
		if p == nil {
			p, _ = ev.Payload()
		}
		if d, ok := p.(*tracegraph.ProcessRecorded); ok {
			return vocab("step", d.Step)
		}
	}
	return bizSteps[ev.Type]
}

// measurementType is a reading's kind as an EPCIS measurement type: GS1's
// word when it looks like one (Temperature), else a tracegraph URI.
func measurementType(kind string) string {
	if kind != "" && kind[0] >= 'A' && kind[0] <= 'Z' && !strings.ContainsAny(kind, " :/") {
		return kind
	}
	return vocab("measurement", kind)
}

// Document wraps rendered events in an EPCISDocument.
func Document(events []map[string]any, created time.Time) ([]byte, error) {
	return json.Marshal(map[string]any{
		"@context": Context, "type": "EPCISDocument", "schemaVersion": "2.0",
		"creationDate": created.UTC().Format(time.RFC3339Nano),
		"epcisBody":    map[string]any{"eventList": events},
	})
}
