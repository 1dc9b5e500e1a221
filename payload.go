package tracegraph

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Payload is the decoded data of an event. Each event type has one; see docs/events.md.
type Payload interface {
	validate() *Error
}

// A currentChecker is a payload with rules that new events must follow but
// events recorded before the rule existed need not. Event.Normalize (every
// new event goes through it) applies them; decoding a recorded event does
// not, so that an old log replays to what it was recorded as.
type currentChecker interface {
	checkCurrent() *Error
}

// UnitCreated is the data of unit.created.
type UnitCreated struct {
	Serial      string            `json:"serial"`
	PartNumber  string            `json:"partNumber"`
	Revision    string            `json:"revision,omitempty"`
	WorkOrder   string            `json:"workOrder,omitempty"`
	Kind        string            `json:"kind,omitempty"`
	Origin      string            `json:"origin,omitempty"` // made (default) or purchased
	Identifiers map[string]string `json:"identifiers,omitempty"`
}

// Unit origins.
const (
	OriginMade      = "made"
	OriginPurchased = "purchased"
)

func (p *UnitCreated) validate() *Error {
	if err := firstErr(key("serial", p.Serial), text("partNumber", p.PartNumber, true),
		text("revision", p.Revision, false), optKey("workOrder", p.WorkOrder), text("kind", p.Kind, false)); err != nil {
		return err
	}
	switch p.Origin {
	case "":
		p.Origin = OriginMade
	case OriginMade, OriginPurchased:
	default:
		return Errorf(CodeInvalid, "origin", "origin %q is not one of made, purchased", p.Origin)
	}
	for scheme, value := range p.Identifiers {
		if err := checkIdentifier("identifiers."+scheme, scheme, value); err != nil {
			return err
		}
		p.Identifiers[scheme], _ = NormalizeIdentifier(NormalizeScheme(scheme), value)
	}
	return nil
}

// checkCurrent refuses identifiers that do not have their scheme's format.
func (p *UnitCreated) checkCurrent() *Error {
	for _, scheme := range slices.Sorted(maps.Keys(p.Identifiers)) {
		if err := checkIdentifierFormat("identifiers."+scheme, scheme, p.Identifiers[scheme]); err != nil {
			return err
		}
	}
	return nil
}

// IdentifierAssigned is the data of identifier.assigned: an additional number
// (IMEI, MAC, license key, customer serial, ...) given to a unit.
type IdentifierAssigned struct {
	Unit   string `json:"unit"`
	Scheme string `json:"scheme"`
	Value  string `json:"value"`
}

func (p *IdentifierAssigned) validate() *Error {
	if err := ref("unit", p.Unit); err != nil {
		return err
	}
	if p.Scheme == "" {
		return Errorf(CodeInvalid, "scheme", "scheme is required")
	}
	if err := checkIdentifier("value", p.Scheme, p.Value); err != nil {
		return err
	}
	p.Value, _ = NormalizeIdentifier(NormalizeScheme(p.Scheme), p.Value)
	return nil
}

// checkCurrent refuses a value that does not have its scheme's format.
func (p *IdentifierAssigned) checkCurrent() *Error {
	return checkIdentifierFormat("value", p.Scheme, p.Value)
}

// checkIdentifier validates an additional number. Schemes are upper-cased;
// values are stored in their scheme's canonical form (NormalizeIdentifier),
// which new events must have (checkCurrent): a number recorded before
// identifiers were normalized that does not have it stays as recorded.
func checkIdentifier(field, scheme, value string) *Error {
	if err := text(field, scheme, true); err != nil {
		return err
	}
	if strings.ContainsAny(scheme, ": ") {
		return Errorf(CodeInvalid, field, "identifier scheme %q may not contain ':' or spaces", scheme)
	}
	if value == "" {
		return Errorf(CodeInvalid, field, "%s value is required", scheme)
	}
	return text(field, value, true)
}

// NormalizeScheme returns the canonical (upper-case) form of an identifier scheme.
func NormalizeScheme(s string) string { return strings.ToUpper(s) }

// WaferRegistered is the data of wafer.registered.
type WaferRegistered struct {
	WaferBatch   string `json:"waferBatch"`
	Manufacturer string `json:"manufacturer,omitempty"`
	Fab          string `json:"fab,omitempty"`
	WaferCount   int    `json:"waferCount,omitempty"`
}

func (p *WaferRegistered) validate() *Error {
	if p.WaferCount < 0 || p.WaferCount > MaxQuantity {
		return Errorf(CodeInvalid, "waferCount", "waferCount must be a whole number from 0 to %d (2^53)", int64(MaxQuantity))
	}
	return firstErr(key("waferBatch", p.WaferBatch), text("manufacturer", p.Manufacturer, false), text("fab", p.Fab, false))
}

// LotReceived is the data of lot.received: non-serialized material.
type LotReceived struct {
	Lot             string     `json:"lot"`
	PartNumber      string     `json:"partNumber"`
	MPN             string     `json:"mpn,omitempty"`
	Manufacturer    string     `json:"manufacturer,omitempty"`
	Supplier        string     `json:"supplier,omitempty"`
	DateCode        string     `json:"dateCode,omitempty"`
	Quantity        *float64   `json:"quantity,omitempty"`
	CountryOfOrigin string     `json:"countryOfOrigin,omitempty"`
	ExpiresAt       *time.Time `json:"expiresAt,omitempty"`
	// MSL is the moisture sensitivity level (J-STD-033: 1, 2, 2a, 3, 4, 5,
	// 5a, 6); FloorLifeHours overrides its floor life (required for 6);
	// OpenedAt is when the dry pack was opened, if it was before receipt.
	// See payload_lineside.go.
	MSL            string     `json:"msl,omitempty"`
	FloorLifeHours *float64   `json:"floorLifeHours,omitempty"`
	OpenedAt       *time.Time `json:"openedAt,omitempty"`
	DerivedFrom    []string   `json:"derivedFrom,omitempty"`
}

func (p *LotReceived) validate() *Error {
	if err := firstErr(key("lot", p.Lot), text("partNumber", p.PartNumber, true), text("mpn", p.MPN, false),
		text("manufacturer", p.Manufacturer, false), optKey("supplier", p.Supplier), text("dateCode", p.DateCode, false),
		text("countryOfOrigin", p.CountryOfOrigin, false), text("msl", p.MSL, false),
		quantity("quantity", p.Quantity), refs("derivedFrom", p.DerivedFrom, false)); err != nil {
		return err
	}
	if p.ExpiresAt != nil {
		t := p.ExpiresAt.UTC()
		if err := checkTime("expiresAt", t); err != nil {
			return err
		}
		p.ExpiresAt = &t
	}
	return p.validateMoisture()
}

// ComponentReceived is the data of component.received: the supplier's list of
// serialized parts. Only serials received this way may be installed.
type ComponentReceived struct {
	Serials      []string `json:"serials"`
	PartNumber   string   `json:"partNumber"`
	MPN          string   `json:"mpn,omitempty"`
	Manufacturer string   `json:"manufacturer,omitempty"`
	Supplier     string   `json:"supplier,omitempty"`
	DateCode     string   `json:"dateCode,omitempty"`
	Lot          string   `json:"lot,omitempty"`
	DerivedFrom  []string `json:"derivedFrom,omitempty"`
}

func (p *ComponentReceived) validate() *Error {
	if len(p.Serials) == 0 {
		return Errorf(CodeInvalid, "serials", "serials is required: the supplier's serial list")
	}
	if len(p.Serials) > MaxListLen {
		return Errorf(CodeInvalid, "serials", "serials has more than %d entries; split the list", MaxListLen)
	}
	seen := make(map[string]bool, len(p.Serials))
	for i, s := range p.Serials {
		f := fmt.Sprintf("serials[%d]", i)
		if err := key(f, s); err != nil {
			return err
		}
		if seen[s] {
			return Errorf(CodeInvalid, f, "serial %q is listed twice", s)
		}
		seen[s] = true
	}
	return firstErr(text("partNumber", p.PartNumber, true), text("mpn", p.MPN, false),
		text("manufacturer", p.Manufacturer, false), optKey("supplier", p.Supplier),
		text("dateCode", p.DateCode, false), text("lot", p.Lot, false), refs("derivedFrom", p.DerivedFrom, false))
}

// MaterialConsumed is the data of material.consumed: a unit built with
// material from a lot, or with a serialized component.
type MaterialConsumed struct {
	Unit      string    `json:"unit"`
	Lot       string    `json:"lot,omitempty"`
	Component string    `json:"component,omitempty"`
	RefDes    []string  `json:"refDes,omitempty"`
	Quantity  *float64  `json:"quantity,omitempty"`
	Precision Precision `json:"precision,omitzero"`
}

func (p *MaterialConsumed) validate() *Error {
	if err := ref("unit", p.Unit); err != nil {
		return err
	}
	if !p.Precision.Valid() {
		return Errorf(CodeInvalid, "precision", "precision is not one of EXACT, CANDIDATE, ORDER")
	}
	switch {
	case p.Lot == "" && p.Component == "":
		return Errorf(CodeInvalid, "lot", "lot or component is required")
	case p.Lot != "" && p.Component != "":
		return Errorf(CodeInvalid, "component", "give lot or component, not both")
	case p.Lot != "":
		if err := ref("lot", p.Lot); err != nil {
			return err
		}
	default:
		if err := ref("component", p.Component); err != nil {
			return err
		}
		if p.Precision != PrecisionUnknown && p.Precision != PrecisionExact {
			return Errorf(CodeInvalid, "precision", "a serialized component is always EXACT")
		}
		if p.Quantity != nil && *p.Quantity != math.Trunc(*p.Quantity) {
			return Errorf(CodeInvalid, "quantity", "quantity %g of a serialized component must be a whole number of pieces", *p.Quantity)
		}
	}
	if p.Precision == PrecisionUnknown {
		p.Precision = PrecisionExact
	}
	return firstErr(texts("refDes", p.RefDes), quantity("quantity", p.Quantity))
}

// UnitAssembled is the data of unit.assembled: a serialized child built into a parent.
type UnitAssembled struct {
	Parent   string `json:"parent"`
	Child    string `json:"child"`
	Position string `json:"position,omitempty"`
}

func (p *UnitAssembled) validate() *Error {
	if err := firstErr(ref("parent", p.Parent), ref("child", p.Child), text("position", p.Position, false)); err != nil {
		return err
	}
	if p.Parent == p.Child {
		return Errorf(CodeInvalid, "child", "a unit cannot contain itself")
	}
	return nil
}

// ComponentRemoved is the data of component.removed: rework takes a child
// (unit, component, or material lot) out of a parent.
type ComponentRemoved struct {
	Parent string `json:"parent"`
	Child  string `json:"child"`
	Reason string `json:"reason,omitempty"`
}

func (p *ComponentRemoved) validate() *Error {
	return firstErr(ref("parent", p.Parent), ref("child", p.Child), text("reason", p.Reason, false))
}

// TestRecorded is the data of test.recorded.
type TestRecorded struct {
	Unit         string        `json:"unit"`
	TestType     string        `json:"testType"`
	Result       string        `json:"result"`
	Program      string        `json:"program,omitempty"`
	Fixture      string        `json:"fixture,omitempty"`
	Measurements []Measurement `json:"measurements,omitempty"`
	Firmware     *Firmware     `json:"firmware,omitempty"`
}

// Measurement is one measured value of a test, with its limits.
type Measurement struct {
	Name   string   `json:"name"`
	Value  float64  `json:"value"`
	Unit   string   `json:"unit,omitempty"`
	Low    *float64 `json:"low,omitempty"`
	High   *float64 `json:"high,omitempty"`
	Result string   `json:"result,omitempty"`
}

// Firmware is the firmware a unit was programmed or tested with.
type Firmware struct {
	Version  string `json:"version"`
	Checksum string `json:"checksum,omitempty"`
}

// Test results.
const (
	ResultPass = "pass"
	ResultFail = "fail"
)

func normResult(field string, r *string, required bool) *Error {
	if *r == "" {
		if required {
			return Errorf(CodeInvalid, field, "%s is required (pass or fail)", field)
		}
		return nil
	}
	switch strings.ToLower(*r) {
	case ResultPass, "passed", "ok":
		*r = ResultPass
	case ResultFail, "failed", "ng":
		*r = ResultFail
	default:
		return Errorf(CodeInvalid, field, "%s %q is not pass or fail", field, *r)
	}
	return nil
}

func (p *TestRecorded) validate() *Error {
	if err := firstErr(ref("unit", p.Unit), text("testType", p.TestType, true), normResult("result", &p.Result, true),
		text("program", p.Program, false), text("fixture", p.Fixture, false)); err != nil {
		return err
	}
	p.TestType = strings.ToUpper(p.TestType)
	if len(p.Measurements) > MaxListLen {
		return Errorf(CodeInvalid, "measurements", "more than %d measurements", MaxListLen)
	}
	for i := range p.Measurements {
		if p.Measurements[i].check("") != nil {
			// Checked again (the checks only normalize) to name the entry.
			return p.Measurements[i].check(indexed("measurements", i))
		}
	}
	if p.Firmware != nil {
		if err := firstErr(text("firmware.version", p.Firmware.Version, true), text("firmware.checksum", p.Firmware.Checksum, false)); err != nil {
			return err
		}
	}
	return nil
}

// check validates and normalizes m, the measurement named f.
func (m *Measurement) check(f string) *Error {
	if err := firstErr(text(f+".name", m.Name, true), text(f+".unit", m.Unit, false), normResult(f+".result", &m.Result, false)); err != nil {
		return err
	}
	if math.IsNaN(m.Value) || math.IsInf(m.Value, 0) {
		return Errorf(CodeInvalid, f+".value", "%s.value must be a finite number", f)
	}
	if m.Low != nil && m.High != nil && *m.Low > *m.High {
		return Errorf(CodeInvalid, f+".low", "%s.low %g is above high %g", f, *m.Low, *m.High)
	}
	return nil
}

// ProcessRecorded is the data of process.recorded: one process record for one
// unit (P3) or a batch of units (P2).
type ProcessRecorded struct {
	Units      []string       `json:"units"`
	Step       string         `json:"step"`
	Recipe     string         `json:"recipe,omitempty"`
	Parameters map[string]any `json:"parameters,omitempty"`
	Result     string         `json:"result,omitempty"`
}

func (p *ProcessRecorded) validate() *Error {
	if err := firstErr(refs("units", p.Units, true), text("step", p.Step, true), text("recipe", p.Recipe, false),
		normResult("result", &p.Result, false)); err != nil {
		return err
	}
	for k, v := range p.Parameters {
		if k == "" {
			return Errorf(CodeInvalid, "parameters", "a parameter name is empty")
		}
		switch v.(type) {
		case string, float64, bool:
		default:
			return Errorf(CodeInvalid, "parameters."+k, "parameter %q must be a string, number or boolean", k)
		}
	}
	return nil
}

// ReadingRecorded is the data of reading.recorded: an environmental reading at
// a location (line, oven, storage), kept with the location's station record.
type ReadingRecorded struct {
	Location string  `json:"location"`
	Kind     string  `json:"kind"`
	Value    float64 `json:"value"`
	Unit     string  `json:"unit"`
}

func (p *ReadingRecorded) validate() *Error {
	if math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
		return Errorf(CodeInvalid, "value", "value must be a finite number")
	}
	return firstErr(key("location", p.Location), text("kind", p.Kind, true), text("unit", p.Unit, true))
}

// Packed is the data of packed and unpacked. For unpacked, no items means
// everything in the container.
type Packed struct {
	Container     string   `json:"container"`
	ContainerType string   `json:"containerType,omitempty"`
	Items         []string `json:"items,omitempty"`
	SSCC          string   `json:"sscc,omitempty"`
}

// ContainerLabel returns the label of the container type (box or pallet).
func (p *Packed) ContainerLabel() Label {
	if strings.EqualFold(p.ContainerType, "pallet") {
		return LabelPallet
	}
	return LabelBox
}

func (p *Packed) validate() *Error {
	if err := firstErr(ref("container", p.Container), refs("items", p.Items, false)); err != nil {
		return err
	}
	switch strings.ToLower(p.ContainerType) {
	case "", "box", "pallet":
		p.ContainerType = strings.ToLower(p.ContainerType)
	default:
		return Errorf(CodeInvalid, "containerType", "containerType %q is not box or pallet", p.ContainerType)
	}
	if p.SSCC != "" && !ValidSSCC(p.SSCC) {
		return Errorf(CodeInvalid, "sscc", "sscc %q is not 18 digits with a valid GS1 check digit", p.SSCC)
	}
	return nil
}

// Shipped is the data of shipped.
type Shipped struct {
	Shipment    string   `json:"shipment"`
	Customer    string   `json:"customer"`
	Items       []string `json:"items"`
	Destination string   `json:"destination,omitempty"`
}

func (p *Shipped) validate() *Error {
	return firstErr(key("shipment", p.Shipment), key("customer", p.Customer), refs("items", p.Items, true),
		text("destination", p.Destination, false))
}

// HoldChange is the data of hold.placed and hold.released. Every hold has an
// id, and a target stays on hold while any hold on it is in force.
//
// hold.placed {target, reason, hold?}: Hold names the new hold. A
// hold.placed without one (every hold recorded before holds were named, and
// any client that does not care) is named by its event id, so that a log
// replays to the same holds whenever it was recorded. No two holds in force
// share an id.
//
// hold.released {target, hold | all, reason}: Hold names the hold to lift,
// All lifts every hold on the target. A new release gives exactly one of
// them (INVALID otherwise). A release recorded before holds had ids gives
// neither; it lifted every hold on its target then and is read as All.
type HoldChange struct {
	Target string `json:"target"`
	Hold   string `json:"hold,omitempty"`
	All    bool   `json:"all,omitempty"`
	Reason string `json:"reason"`

	// release is set for hold.released (by the payload's constructor).
	release bool
}

func (p *HoldChange) validate() *Error {
	if err := firstErr(ref("target", p.Target), optKey("hold", p.Hold), text("reason", p.Reason, true)); err != nil {
		return err
	}
	switch {
	case !p.release && p.All:
		return Errorf(CodeInvalid, "all", "all is for hold.released; a hold.placed places one hold")
	case p.release && p.All && p.Hold != "":
		return Errorf(CodeInvalid, "hold", "give the hold to release or all: true, not both")
	}
	return nil
}

// checkCurrent refuses a new release that names no hold.
func (p *HoldChange) checkCurrent() *Error {
	if p.release && p.Hold == "" && !p.All {
		return Errorf(CodeInvalid, "hold", "name the hold to release (hold) or release every hold on the target (all: true)")
	}
	return nil
}

// HoldID returns the id of the hold a hold.placed event with id eventID
// places: Hold, or the event id when it names none.
func (p *HoldChange) HoldID(eventID string) string {
	if p.Hold != "" {
		return p.Hold
	}
	return eventID
}

// ReleasesAll reports whether a hold.released lifts every hold on its target:
// it says all: true, or it was recorded before releases named their hold.
func (p *HoldChange) ReleasesAll() bool { return p.All || p.Hold == "" }

// UnitScrapped is the data of unit.scrapped.
type UnitScrapped struct {
	Unit   string `json:"unit"`
	Reason string `json:"reason"`
}

func (p *UnitScrapped) validate() *Error {
	return firstErr(ref("unit", p.Unit), text("reason", p.Reason, true))
}

// Voided is the data of event.voided: a wrong record is corrected by
// voiding it and recording the right one. The voided event stays in the log.
type Voided struct {
	Event  string `json:"event"`
	Reason string `json:"reason"`
}

func (p *Voided) validate() *Error {
	return firstErr(text("event", p.Event, true), text("reason", p.Reason, true))
}

// ---- field checks

func firstErr(errs ...*Error) *Error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func text(field, s string, required bool) *Error { return checkText(field, s, 1000, required) }

func texts(field string, ss []string) *Error {
	if len(ss) > MaxListLen {
		return Errorf(CodeInvalid, field, "%s has more than %d entries", field, MaxListLen)
	}
	for i, s := range ss {
		if text("", s, true) != nil { // the entry is named only when refused
			return text(indexed(field, i), s, true)
		}
	}
	return nil
}

// indexed names entry i of the list field: field[i].
func indexed(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }

func key(field, s string) *Error {
	if s == "" {
		return Errorf(CodeInvalid, field, "%s is required", field)
	}
	if err := CheckKey(s); err != nil {
		return Errorf(CodeInvalid, field, "%s: %s", field, err.(*Error).Message)
	}
	return nil
}

func optKey(field, s string) *Error {
	if s == "" {
		return nil
	}
	return key(field, s)
}

// ref checks a reference: a global ID or a bare code.
func ref(field, s string) *Error {
	if err := key(field, s); err != nil {
		return err
	}
	if LooksLikeID(s) {
		if _, _, err := ParseID(s); err != nil {
			return err.(*Error).withField(field)
		}
	}
	return nil
}

func refs(field string, ss []string, required bool) *Error {
	if len(ss) == 0 {
		if required {
			return Errorf(CodeInvalid, field, "%s is required and may not be empty", field)
		}
		return nil
	}
	if len(ss) > MaxListLen {
		return Errorf(CodeInvalid, field, "%s has more than %d entries; split the event", field, MaxListLen)
	}
	var seen map[string]bool // for long lists; short ones are searched
	if len(ss) > 16 {
		seen = make(map[string]bool, len(ss))
	}
	for i, s := range ss {
		if ref("", s) != nil { // the entry is named only when refused
			return ref(indexed(field, i), s)
		}
		if seen[s] || (seen == nil && slices.Contains(ss[:i], s)) {
			return Errorf(CodeInvalid, indexed(field, i), "%q is listed twice", s)
		}
		if seen != nil {
			seen[s] = true
		}
	}
	return nil
}

// MaxQuantity bounds quantities and counts: 2^53, beyond which a number is
// not kept exactly (they are stored as IEEE 754 doubles).
const MaxQuantity = 1 << 53

func quantity(field string, q *float64) *Error {
	if q != nil && (math.IsNaN(*q) || math.IsInf(*q, 0) || *q < 0) {
		return Errorf(CodeInvalid, field, "%s must be a non-negative number", field)
	}
	if q != nil && *q > MaxQuantity {
		return Errorf(CodeInvalid, field, "%s must be at most %d (2^53): larger numbers are not kept exactly", field, int64(MaxQuantity))
	}
	return nil
}
