package model

import (
	"encoding/json"
	"sort"
	"time"

	"github.com/tracegraph/tracegraph"
)

// Node is the GraphQL interface every node type implements.
type Node interface {
	// ID is the global ID, Label:key.
	ID() string
	// Base returns the shared part of the node object.
	Base() *Ref
}

// Ref is the part every node object shares: the node's ID, the node with its
// properties when the query asked for any, and the batch group of the
// siblings it was loaded with (owned by package resolvers; opaque here).
type Ref struct {
	NodeID tracegraph.ID
	// Node is nil when the query asks for no property of this node.
	Node *tracegraph.Node
	// Group lets resolvers load this node's relations together with those
	// of its siblings, in one store call per relation.
	Group any
}

// ID returns the global ID.
func (r *Ref) ID() string { return string(r.NodeID) }

// Base returns r.
func (r *Ref) Base() *Ref { return r }

// Key returns the key part of the ID.
func (r *Ref) Key() string { return r.NodeID.Key() }

func (r *Ref) prop(k string) any {
	if r.Node == nil {
		return nil
	}
	return r.Node.Props[k]
}

// Str returns the string property k, or "".
func (r *Ref) Str(k string) string {
	s, _ := r.prop(k).(string)
	return s
}

// OptStr returns the string property k, or nil.
func (r *Ref) OptStr(k string) *string {
	if s, ok := r.prop(k).(string); ok && s != "" {
		return &s
	}
	return nil
}

// OptTime returns the time property k, or nil.
func (r *Ref) OptTime(k string) *time.Time {
	s, _ := r.prop(k).(string)
	return parseOptTime(s)
}

// optTime returns the RFC 3339 time in m[k], or nil.
func optTime(m map[string]any, k string) *time.Time {
	s, _ := m[k].(string)
	return parseOptTime(s)
}

func parseOptTime(s string) *time.Time {
	if t, ok := ParseTime(s); ok {
		return &t
	}
	return nil
}

// ParseTime parses a time property as the node types' time fields read
// it: RFC 3339, with or without fractional seconds; false for "" and for
// anything else.
func ParseTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// OptFloat returns the number property k, or nil.
func (r *Ref) OptFloat(k string) *float64 {
	if f, ok := r.prop(k).(float64); ok {
		return &f
	}
	return nil
}

// OptInt returns the number property k as an int, or nil.
func (r *Ref) OptInt(k string) *int {
	if f, ok := r.prop(k).(float64); ok {
		i := int(f)
		return &i
	}
	return nil
}

// OnHold reports whether a hold is in force on the node.
func (r *Ref) OnHold() bool { return r.Node != nil && r.Node.OnHold() }

// Holds returns the holds in force on the node.
func (r *Ref) Holds() []*Hold {
	if r.Node == nil {
		return []*Hold{}
	}
	return Holds(r.NodeID, r.Node.Holds)
}

// Hold is a hold in force on a node.
type Hold struct {
	ID       string
	Source   string
	Node     string
	Reason   string
	PlacedBy *string
	Event    string
	Since    time.Time
}

// Holds converts the holds node carries.
func Holds(node tracegraph.ID, hs []tracegraph.Hold) []*Hold {
	out := make([]*Hold, len(hs))
	for i, h := range hs {
		out[i] = NewHold(tracegraph.NodeHold{Hold: h, Node: node})
	}
	return out
}

// NewHold converts a hold and the node that carries it.
func NewHold(h tracegraph.NodeHold) *Hold {
	m := &Hold{ID: h.ID, Source: string(h.Source), Node: string(h.Node), Reason: h.Reason, Event: h.PlacingEvent(), Since: h.Since}
	if h.PlacedBy != "" {
		by := h.PlacedBy
		m.PlacedBy = &by
	}
	return m
}

// Identifier is an additional number of a unit.
type Identifier struct {
	Scheme string
	Value  string
}

// Measurement is one measured value of a test.
type Measurement struct {
	Name   string
	Value  float64
	Unit   *string
	Low    *float64
	High   *float64
	Result *string
}

// Firmware is the firmware a unit was programmed or tested with.
type Firmware struct {
	Version  string
	Checksum *string
}

// NewNode returns the object of the node's label for id, with the node (nil
// when its properties are not needed) and its batch group.
func NewNode(id tracegraph.ID, n *tracegraph.Node, group any) Node {
	r := Ref{NodeID: id, Node: n, Group: group}
	switch id.Label() {
	case tracegraph.LabelUnit:
		return &Unit{r}
	case tracegraph.LabelComponent:
		return &Component{r}
	case tracegraph.LabelMaterialLot:
		return &MaterialLot{r}
	case tracegraph.LabelWaferBatch:
		return &WaferBatch{r}
	case tracegraph.LabelBox:
		return &Box{r}
	case tracegraph.LabelPallet:
		return &Pallet{r}
	case tracegraph.LabelShipment:
		return &Shipment{r}
	case tracegraph.LabelCustomer:
		return &Customer{r}
	case tracegraph.LabelTestRun:
		return &TestRun{r}
	case tracegraph.LabelProcessStep:
		return &ProcessStep{r}
	case tracegraph.LabelWorkOrder:
		return &WorkOrder{r}
	case tracegraph.LabelSupplier:
		return &Supplier{r}
	case tracegraph.LabelStation:
		return &Station{r}
	case tracegraph.LabelProduct:
		return &Product{r}
	case tracegraph.LabelRoute:
		return &Route{r}
	}
	return nil
}

// TypeName returns the GraphQL type name of nodes with label l.
func TypeName(l tracegraph.Label) string { return string(l) }

// Unit is one serialized item made or bought here.
type Unit struct{ Ref }

// Serial returns the unit's serial.
func (u *Unit) Serial() string { return u.Key() }

// PartNumber returns the part number.
func (u *Unit) PartNumber() string { return u.Str("partNumber") }

// Revision returns the revision (R-state).
func (u *Unit) Revision() *string { return u.OptStr("revision") }

// WorkOrder returns the work order the unit was built under.
func (u *Unit) WorkOrder() *string { return u.OptStr("workOrder") }

// Kind returns the unit's kind.
func (u *Unit) Kind() *string { return u.OptStr("kind") }

// Origin returns made or purchased.
func (u *Unit) Origin() string {
	if o := u.Str("origin"); o != "" {
		return o
	}
	return tracegraph.OriginMade
}

// Status returns WIP, COMPLETED, SHIPPED or SCRAPPED.
func (u *Unit) Status() string { return u.Str("status") }

// CreatedAt returns when the unit was created.
func (u *Unit) CreatedAt() *time.Time { return u.OptTime("createdAt") }

// CompletedAt returns when the unit was packed.
func (u *Unit) CompletedAt() *time.Time { return u.OptTime("completedAt") }

// ShippedAt returns when the unit was shipped.
func (u *Unit) ShippedAt() *time.Time { return u.OptTime("shippedAt") }

// ScrappedAt returns when the unit was scrapped.
func (u *Unit) ScrappedAt() *time.Time { return u.OptTime("scrappedAt") }

// Shipment returns the shipment the unit left with.
func (u *Unit) Shipment() *string { return u.OptStr("shipment") }

// Customer returns the customer the unit was shipped to.
func (u *Unit) Customer() *string { return u.OptStr("customer") }

// Identifiers returns the unit's additional numbers, sorted by scheme.
func (u *Unit) Identifiers() []*Identifier {
	m, _ := u.prop("identifiers").(map[string]any)
	out := make([]*Identifier, 0, len(m))
	for s, v := range m {
		val, _ := v.(string)
		out = append(out, &Identifier{Scheme: s, Value: val})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Scheme < out[j].Scheme })
	return out
}

// Component is one serialized purchased part.
type Component struct{ Ref }

// Serial returns the supplier serial.
func (c *Component) Serial() string { return c.Key() }

// PartNumber returns the part number.
func (c *Component) PartNumber() string { return c.Str("partNumber") }

// Mpn returns the manufacturer part number.
func (c *Component) Mpn() *string { return c.OptStr("mpn") }

// Manufacturer returns the manufacturer.
func (c *Component) Manufacturer() *string { return c.OptStr("manufacturer") }

// Supplier returns the supplier.
func (c *Component) Supplier() *string { return c.OptStr("supplier") }

// DateCode returns the date code.
func (c *Component) DateCode() *string { return c.OptStr("dateCode") }

// Lot returns the supplier lot.
func (c *Component) Lot() *string { return c.OptStr("lot") }

// ReceivedAt returns when the component was received.
func (c *Component) ReceivedAt() *time.Time { return c.OptTime("receivedAt") }

// Status returns the component's status once installed and shipped or scrapped.
func (c *Component) Status() *string { return c.OptStr("status") }

// MaterialLot is non-serialized material.
type MaterialLot struct{ Ref }

// Lot returns the lot id.
func (m *MaterialLot) Lot() string { return m.Key() }

// PartNumber returns the part number.
func (m *MaterialLot) PartNumber() string { return m.Str("partNumber") }

// Mpn returns the manufacturer part number.
func (m *MaterialLot) Mpn() *string { return m.OptStr("mpn") }

// Manufacturer returns the manufacturer.
func (m *MaterialLot) Manufacturer() *string { return m.OptStr("manufacturer") }

// Supplier returns the supplier.
func (m *MaterialLot) Supplier() *string { return m.OptStr("supplier") }

// DateCode returns the date code.
func (m *MaterialLot) DateCode() *string { return m.OptStr("dateCode") }

// Quantity returns the received quantity.
func (m *MaterialLot) Quantity() *float64 { return m.OptFloat("quantity") }

// CountryOfOrigin returns the country of origin.
func (m *MaterialLot) CountryOfOrigin() *string { return m.OptStr("countryOfOrigin") }

// ExpiresAt returns when the material expires.
func (m *MaterialLot) ExpiresAt() *time.Time { return m.OptTime("expiresAt") }

// Msl returns the moisture sensitivity level.
func (m *MaterialLot) Msl() *string { return m.OptStr("msl") }

// FloorLifeHours returns the floor life given at receipt.
func (m *MaterialLot) FloorLifeHours() *float64 { return m.OptFloat("floorLifeHours") }

// FloorSince returns when the lot's floor life started counting.
func (m *MaterialLot) FloorSince() *time.Time { return m.OptTime("floorSince") }

// BakedAt returns when the lot was last baked.
func (m *MaterialLot) BakedAt() *time.Time { return m.OptTime("bakedAt") }

// ReceivedAt returns when the lot was received.
func (m *MaterialLot) ReceivedAt() *time.Time { return m.OptTime("receivedAt") }

// WaferBatch is a silicon batch.
type WaferBatch struct{ Ref }

// WaferBatch returns the batch id.
func (w *WaferBatch) WaferBatch() string { return w.Key() }

// Manufacturer returns the manufacturer.
func (w *WaferBatch) Manufacturer() *string { return w.OptStr("manufacturer") }

// Fab returns the fab.
func (w *WaferBatch) Fab() *string { return w.OptStr("fab") }

// WaferCount returns the number of wafers.
func (w *WaferBatch) WaferCount() *int { return w.OptInt("waferCount") }

// RegisteredAt returns when the batch was registered.
func (w *WaferBatch) RegisteredAt() *time.Time { return w.OptTime("registeredAt") }

// Box is a packaging unit.
type Box struct{ Ref }

// Sscc returns the box's SSCC.
func (b *Box) Sscc() *string { return b.OptStr("sscc") }

// CreatedAt returns when the box was first packed.
func (b *Box) CreatedAt() *time.Time { return b.OptTime("createdAt") }

// Pallet is a load of boxes or units.
type Pallet struct{ Ref }

// Sscc returns the pallet's SSCC.
func (p *Pallet) Sscc() *string { return p.OptStr("sscc") }

// CreatedAt returns when the pallet was first packed.
func (p *Pallet) CreatedAt() *time.Time { return p.OptTime("createdAt") }

// Shipment is goods leaving the factory.
type Shipment struct{ Ref }

// Shipment returns the shipment id.
func (s *Shipment) Shipment() string { return s.Key() }

// Destination returns the destination.
func (s *Shipment) Destination() *string { return s.OptStr("destination") }

// ShippedAt returns when the shipment left.
func (s *Shipment) ShippedAt() *time.Time { return s.OptTime("shippedAt") }

// Customer is who received shipments.
type Customer struct{ Ref }

// Customer returns the customer id.
func (c *Customer) Customer() string { return c.Key() }

// TestRun is one test or inspection of one unit.
type TestRun struct{ Ref }

// TestType returns ICT, AOI, SPI, FCT, ...
func (t *TestRun) TestType() string { return t.Str("testType") }

// Result returns pass or fail.
func (t *TestRun) Result() string { return t.Str("result") }

// Program returns the test program.
func (t *TestRun) Program() *string { return t.OptStr("program") }

// Fixture returns the fixture.
func (t *TestRun) Fixture() *string { return t.OptStr("fixture") }

// Station returns the station.
func (t *TestRun) Station() *string { return t.OptStr("station") }

// Operator returns the operator.
func (t *TestRun) Operator() *string { return t.OptStr("operator") }

// At returns when the test ran.
func (t *TestRun) At() *time.Time { return t.OptTime("at") }

// Measurements returns the measured values.
func (t *TestRun) Measurements() []*Measurement {
	list, _ := t.prop("measurements").([]any)
	out := make([]*Measurement, 0, len(list))
	for _, x := range list {
		m, _ := x.(map[string]any)
		name, _ := m["name"].(string)
		value, _ := m["value"].(float64)
		out = append(out, &Measurement{Name: name, Value: value, Unit: optStr(m, "unit"),
			Low: optFloat(m, "low"), High: optFloat(m, "high"), Result: optStr(m, "result")})
	}
	return out
}

// Firmware returns the firmware the unit was tested with.
func (t *TestRun) Firmware() *Firmware {
	m, ok := t.prop("firmware").(map[string]any)
	if !ok {
		return nil
	}
	v, _ := m["version"].(string)
	return &Firmware{Version: v, Checksum: optStr(m, "checksum")}
}

func optStr(m map[string]any, k string) *string {
	if s, ok := m[k].(string); ok && s != "" {
		return &s
	}
	return nil
}

func optFloat(m map[string]any, k string) *float64 {
	if f, ok := m[k].(float64); ok {
		return &f
	}
	return nil
}

// ProcessStep is one process record.
type ProcessStep struct{ Ref }

// Step returns print, place, reflow, ...
func (p *ProcessStep) Step() string { return p.Str("step") }

// Recipe returns the recipe.
func (p *ProcessStep) Recipe() *string { return p.OptStr("recipe") }

// Parameters returns the process parameters.
func (p *ProcessStep) Parameters() any { return p.prop("parameters") }

// Result returns pass or fail, if recorded.
func (p *ProcessStep) Result() *string { return p.OptStr("result") }

// Station returns the station.
func (p *ProcessStep) Station() *string { return p.OptStr("station") }

// Operator returns the operator.
func (p *ProcessStep) Operator() *string { return p.OptStr("operator") }

// At returns when the step was recorded.
func (p *ProcessStep) At() *time.Time { return p.OptTime("at") }

// UnitCount returns how many units the record applies to.
func (p *ProcessStep) UnitCount() *int { return p.OptInt("unitCount") }

// WorkOrder is a work order.
type WorkOrder struct{ Ref }

// WorkOrder returns the work order id.
func (w *WorkOrder) WorkOrder() string { return w.Key() }

// PartNumber returns the part number the work order builds.
func (w *WorkOrder) PartNumber() *string { return w.OptStr("partNumber") }

// Supplier is a supplier.
type Supplier struct{ Ref }

// Supplier returns the supplier id.
func (s *Supplier) Supplier() string { return s.Key() }

// Station is a station or location.
type Station struct{ Ref }

// Station returns the station id.
func (s *Station) Station() string { return s.Key() }

// LastReadings returns the last environmental reading of each kind.
func (s *Station) LastReadings() any { return s.prop("lastReadings") }

// Product is what a part number is (product.defined).
type Product struct{ Ref }

// PartNumber returns the part number.
func (p *Product) PartNumber() string { return p.Key() }

// Gtin returns the GTIN (14 digits), if any.
func (p *Product) Gtin() *string { return p.OptStr("gtin") }

// Name returns the product's name.
func (p *Product) Name() string { return p.Str("name") }

// Description returns the description, if any.
func (p *Product) Description() *string { return p.OptStr("description") }

// Revision returns the current revision, if any.
func (p *Product) Revision() *string { return p.OptStr("revision") }

// DefinedAt returns the time of the product.defined in force.
func (p *Product) DefinedAt() *time.Time { return p.OptTime("definedAt") }

// DefinedBy returns the id of the product.defined in force.
func (p *Product) DefinedBy() *string { return p.OptStr("definedBy") }

// Links returns the product's links, in the order defined.
func (p *Product) Links() []*ProductLink {
	raw, _ := p.prop("links").([]any)
	out := make([]*ProductLink, 0, len(raw))
	for _, r := range raw {
		m, _ := r.(map[string]any)
		l := &ProductLink{}
		l.Type, _ = m["type"].(string)
		l.Href, _ = m["href"].(string)
		if t, ok := m["title"].(string); ok && t != "" {
			l.Title = &t
		}
		out = append(out, l)
	}
	return out
}

// lineProp returns a line-side property, kept as JSON text, as its value.
func (s *Station) lineProp(k string) any {
	text, ok := s.prop(k).(string)
	if !ok {
		return s.prop(k)
	}
	var v any
	if json.Unmarshal([]byte(text), &v) != nil {
		return nil
	}
	return v
}

// ActiveSetup returns the setup the station runs now: its last activation.
func (s *Station) ActiveSetup() *string {
	acts, _ := s.lineProp("activations").([]any)
	if len(acts) == 0 {
		return nil
	}
	a, _ := acts[len(acts)-1].(map[string]any)
	setup, ok := a["setup"].(string)
	if !ok {
		return nil
	}
	return &setup
}

// Setups returns the station's setups and the events defining them.
func (s *Station) Setups() any { return s.lineProp("setups") }

// Activations returns the setups the station ran.
func (s *Station) Activations() any { return s.lineProp("activations") }

// Feeders returns the reels of the station's feeder slots.
func (s *Station) Feeders() any { return s.lineProp("feeders") }

// Route is the tests a part number's units must pass before packing.
type Route struct{ Ref }

// PartNumber returns the part number.
func (r *Route) PartNumber() string { return r.Key() }

// Requires returns the required test types.
func (r *Route) Requires() []string {
	list, _ := r.prop("requires").([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// DefinedBy returns the route.defined event in force.
func (r *Route) DefinedBy() string { return r.Str("definedBy") }

// DefinedAt returns when it was defined.
func (r *Route) DefinedAt() time.Time {
	if t := r.OptTime("definedAt"); t != nil {
		return *t
	}
	return time.Time{}
}
