package api

import (
	"fmt"
	"strings"
	"time"

	"github.com/tracegraph/tracegraph"
)

// rule is the schema of one payload field, beyond its JSON type.
type rule struct {
	schema obj
	// items is the schema of a list's items, when schema gives none.
	items obj
	// optional: the field may be left out although its Go field is not
	// omitempty (the decoder takes the zero value).
	optional bool
}

func r(s obj) rule { return rule{schema: s} }

// fieldRules holds the rule of every field of every payload struct (and the
// structs inside them), by Go type name and JSON name. structSchema refuses
// a field without a rule, so that a new field is described here before the
// schema builds (and TestEventSchemaBuilds passes).
var fieldRules = map[string]map[string]rule{
	"UnitCreated": {
		"serial": r(key(true)), "partNumber": r(text(true)), "revision": r(text(false)),
		"workOrder": r(key(false)), "kind": r(text(false)),
		"origin":      r(obj{"type": "string", "enum": []string{"", tracegraph.OriginMade, tracegraph.OriginPurchased}}),
		"identifiers": r(obj{"type": "object", "propertyNames": scheme(), "additionalProperties": text(true)}),
	},
	"IdentifierAssigned": {"unit": r(ref(true)), "scheme": r(scheme()), "value": r(text(true))},
	"WaferRegistered": {
		"waferBatch": r(key(true)), "manufacturer": r(text(false)), "fab": r(text(false)),
		"waferCount": r(obj{"type": "integer", "minimum": 0, "maximum": tracegraph.MaxQuantity}),
	},
	"LotReceived": {
		"lot": r(key(true)), "partNumber": r(text(true)), "mpn": r(text(false)), "manufacturer": r(text(false)),
		"supplier": r(key(false)), "dateCode": r(text(false)), "quantity": r(quantity()),
		"countryOfOrigin": r(text(false)), "expiresAt": r(obj{}), "openedAt": r(obj{}),
		"msl":            r(obj{"type": "string", "enum": append([]string{""}, tracegraph.MSLLevels()...)}),
		"floorLifeHours": r(obj{"type": "number", "exclusiveMinimum": 0, "maximum": int64(tracegraph.MaxFloorLife / time.Hour)}),
		"derivedFrom":    r(refs(false)),
	},
	"ComponentReceived": {
		"serials":    r(obj{"type": "array", "items": key(true), "uniqueItems": true, "minItems": 1, "maxItems": tracegraph.MaxListLen}),
		"partNumber": r(text(true)), "mpn": r(text(false)), "manufacturer": r(text(false)),
		"supplier": r(key(false)), "dateCode": r(text(false)), "lot": r(text(false)), "derivedFrom": r(refs(false)),
	},
	"MaterialConsumed": {
		"unit": r(ref(true)), "lot": r(ref(false)), "component": r(ref(false)), "refDes": r(texts(false)),
		"quantity": r(quantity()), "precision": r(anyCase(true, "EXACT", "CANDIDATE", "ORDER")),
	},
	"UnitAssembled":    {"parent": r(ref(true)), "child": r(ref(true)), "position": r(text(false))},
	"ComponentRemoved": {"parent": r(ref(true)), "child": r(ref(true)), "reason": r(text(false))},
	"TestRecorded": {
		"unit": r(ref(true)), "testType": r(text(true)), "result": r(result(false)), "program": r(text(false)),
		"fixture": r(text(false)), "measurements": r(obj{"maxItems": tracegraph.MaxListLen}), "firmware": r(obj{}),
	},
	"Measurement": {
		"name": r(text(true)), "value": {schema: obj{"type": "number"}, optional: true}, "unit": r(text(false)),
		"low": r(obj{}), "high": r(obj{}), "result": r(result(true)),
	},
	"Firmware": {"version": r(text(true)), "checksum": r(text(false))},
	"ProcessRecorded": {
		"units": r(refs(true)), "step": r(text(true)), "recipe": r(text(false)),
		"parameters": r(obj{"type": "object", "propertyNames": obj{"minLength": 1},
			"additionalProperties": obj{"type": []string{"string", "number", "boolean"}}}),
		"result": r(result(true)),
	},
	"ReadingRecorded": {
		"location": r(key(true)), "kind": r(text(true)), "value": {schema: obj{"type": "number"}, optional: true},
		"unit": r(text(true)),
	},
	"Packed": {
		"container": r(ref(true)), "containerType": r(anyCase(true, "box", "pallet")), "items": r(refs(false)),
		"sscc": r(obj{"type": "string", "pattern": "^(?:[0-9]{18})?$"}),
	},
	"Shipped": {
		"shipment": r(key(true)), "customer": r(key(true)), "items": r(refs(true)), "destination": r(text(false)),
	},
	"HoldChange":   {"target": r(ref(true)), "hold": r(key(false)), "all": r(obj{}), "reason": r(text(true))},
	"UnitScrapped": {"unit": r(ref(true)), "reason": r(text(true))},
	"Voided":       {"event": r(text(true)), "reason": r(text(true))},

	"SetupDefined": {
		"setup": r(key(true)), "station": r(key(true)), "partNumber": r(text(true)),
		"slots":               r(obj{"minItems": 1, "maxItems": tracegraph.MaxListLen}),
		"spliceWindowSeconds": r(spliceWindow()),
	},
	"SetupSlot": {
		"slot": r(key(true)), "partNumber": r(text(true)), "refDes": r(texts(true)),
		"spliceWindowSeconds": r(spliceWindow()),
	},
	"SetupActivated": {"station": r(key(true)), "setup": r(key(true))},
	"FeederLoaded":   {"station": r(key(true)), "slot": r(key(true)), "lot": r(ref(true))},
	"FeederSlot":     {"station": r(key(true)), "slot": r(key(true))},
	"UnitPlaced":     {"unit": r(ref(true)), "station": r(key(true))},
	"RouteDefined": {
		"partNumber": r(key(true)), // names the route (Route:partNumber)
		"requires":   r(merge(texts(true), obj{"uniqueItems": true})),
	},
	"LotBaked": {"lot": r(ref(true))},

	"ProductDefined": {
		"partNumber": r(key(true)), "gtin": r(obj{"type": "string", "pattern": "^(?:[0-9]{8}|[0-9]{12,14})?$"}),
		"name": r(text(true)), "revision": r(text(false)),
		"description": r(obj{"type": "string", "maxLength": tracegraph.MaxDescriptionLen,
			"pattern": textPattern(strings.NewReplacer("\n", "", "\t", "").Replace(controls))}),
		"links": r(obj{"maxItems": tracegraph.MaxProductLinks}),
	},
	"RecallPublished": {
		"containment": r(obj{"type": "string", "pattern": fmt.Sprintf("^[A-Za-z0-9._:-]{1,%d}$", tracegraph.MaxContainmentIDLen)}),
		"suspects":    r(refs(true)),
		"title":       r(withLen(text(false), tracegraph.MaxRecallTitleLen)),
		"text":        r(withLen(text(true), tracegraph.MaxRecallTextLen)),
	},
	"ProductLink": {
		"type": r(obj{"type": "string", "enum": tracegraph.ProductLinkTypes()}),
		"href": r(obj{"type": "string", "maxLength": tracegraph.MaxHrefLen,
			"pattern": `^[hH][tT][tT][pP][sS]?://[^` + controls + spaces + ` "<>\\^` + "`" + `{|}/?#@]+(?:[/?#][^` + controls + ` "<>\\^` + "`" + `{|}]*)?$`}),
		"title": r(text(false)),
	},
	"SerialScheme": {
		"partNumber": r(key(true)),
		"pattern":    r(obj{"type": "string", "minLength": 1, "maxLength": tracegraph.MaxSerialPatternLen}),
		"site":       r(obj{"type": "string", "pattern": fmt.Sprintf("^[A-Za-z0-9]{0,%d}$", tracegraph.MaxSiteLen)}),
		"mode":       r(obj{"type": "string", "enum": []string{"", tracegraph.SerialsStrict, tracegraph.SerialsOpen}}),
	},
	"SerialsAllocated": {
		"partNumber": r(key(true)),
		"count":      r(obj{"type": "integer", "minimum": 1, "maximum": tracegraph.MaxAllocation}),
		"first":      r(obj{"type": "integer", "minimum": 0, "maximum": tracegraph.MaxSerialSeq}),
		"serials":    r(obj{"type": "array", "items": key(true), "maxItems": tracegraph.MaxAllocation}),
	},
}

// scheme is an identifier scheme: text without ':' or spaces.
func scheme() obj {
	return obj{"type": "string", "minLength": 1, "maxLength": 1000,
		"pattern": "^[^" + controls + spaces + ":]+$"}
}

// spliceWindow is a splice window in seconds: 0 (none) to a day.
func spliceWindow() obj {
	return obj{"type": "integer", "minimum": 0, "maximum": int64(tracegraph.MaxSpliceWindow / time.Second)}
}

// nonEmpty says a field is given as a non-empty string.
func nonEmpty(field string) obj {
	return obj{"required": []string{field}, "properties": obj{field: obj{"type": "string", "minLength": 1}}}
}

// typeRules are the rules of an event type's data across its fields.
var typeRules = map[tracegraph.EventType]obj{
	// lot or component, not both; a component is EXACT and whole pieces.
	tracegraph.EventMaterialConsumed: {
		"oneOf": []any{nonEmpty("lot"), nonEmpty("component")},
		"if":    nonEmpty("component"),
		"then": obj{"properties": obj{
			"precision": anyCase(true, "EXACT"),
			"quantity":  obj{"multipleOf": 1},
		}},
	},
	// A placement places one hold.
	tracegraph.EventHoldPlaced: {"not": obj{"required": []string{"all"}, "properties": obj{"all": obj{"const": true}}}},
	// A release names its hold, or says all: true.
	tracegraph.EventHoldReleased: {"oneOf": []any{nonEmpty("hold"),
		obj{"required": []string{"all"}, "properties": obj{"all": obj{"const": true}}}}},
	// An MSL 6 lot gives its floor life; a floor life comes with an msl.
	tracegraph.EventLotReceived: {"allOf": []any{
		obj{"if": obj{"required": []string{"msl"}, "properties": obj{"msl": obj{"const": "6"}}},
			"then": obj{"required": []string{"floorLifeHours"}, "properties": obj{"floorLifeHours": obj{"type": "number"}}}},
		obj{"if": obj{"required": []string{"floorLifeHours"}, "properties": obj{"floorLifeHours": obj{"type": "number"}}},
			"then": nonEmpty("msl")},
	}},
}
