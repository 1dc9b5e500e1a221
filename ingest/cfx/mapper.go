package cfx

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/tracegraph/tracegraph"
)

// Store is what the mapping reads from the store: nodes (is this package a
// known lot, a serialized component, a sub-assembly?) and events (the units
// of a work transaction). tracegraph.Store has both.
type Store interface {
	// Node returns the node with the global ID (NOT_FOUND when there is none).
	Node(ctx context.Context, id tracegraph.ID) (*tracegraph.Node, error)
	// Event returns the event with the id (NOT_FOUND when there is none).
	Event(ctx context.Context, id string) (*tracegraph.Event, error)
}

// Options say how a factory's CFX messages name things.
type Options struct {
	// PanelPositions: a UnitIdentifier with a position number of 1 or more
	// names the panel (or carrier), and the unit is the one at that
	// position, with the serial "<UnitIdentifier>.<position>". Without it
	// (the default), UnitIdentifier is the unit's serial and positions are
	// ignored, as when every board carries its own serial.
	PanelPositions bool
	// TestTypes maps a sender's CFX handle (the envelope's Source) to the
	// test type its UnitsTested and UnitsInspected record (ICT, FCT, ...).
	// Otherwise UnitsTested records "TEST", and UnitsInspected its
	// InspectionMethod (AOI, SPI, AXI; Human is "VISUAL").
	TestTypes map[string]string
}

// Mapper maps CFX envelopes onto tracegraph events. It is safe for
// concurrent use.
type Mapper struct {
	Store   Store
	Options Options
}

// Mapping is what one CFX message maps onto.
type Mapping struct {
	// Used is false for a message tracegraph does not use (it is
	// acknowledged and counted, never an error).
	Used bool
	// Events are the message's events, normalized, in the order they are
	// to be applied (all or none).
	Events []*tracegraph.Event
}

// mapFunc maps the body of one kind of message.
type mapFunc func(m *Mapper, ctx context.Context, b *builder) error

// messages are the messages tracegraph uses, by short name.
var messages = map[string]mapFunc{
	"UnitsPersonalized":    (*Mapper).unitsPersonalized,
	"MaterialsInstalled":   (*Mapper).materialsInstalled,
	"MaterialsUninstalled": (*Mapper).materialsUninstalled,
	"MaterialsLoaded":      (*Mapper).materialsLoaded,
	"MaterialsUnloaded":    (*Mapper).materialsUnloaded,
	"SplicePointDetected":  (*Mapper).splicePointDetected,
	"WorkStarted":          (*Mapper).workStarted,
	"WorkCompleted":        (*Mapper).workCompleted,
	"UnitsProcessed":       (*Mapper).unitsProcessed,
	"UnitsTested":          (*Mapper).unitsTested,
	"UnitsInspected":       (*Mapper).unitsInspected,
	"UnitsRepaired":        (*Mapper).unitsRepaired,
	"UnitsDisqualified":    (*Mapper).unitsDisqualified,
}

// Used reports whether tracegraph maps the message with this name.
func Used(messageName string) bool {
	_, ok := messages[Envelope{MessageName: messageName}.ShortName()]
	return ok && strings.HasPrefix(messageName, "CFX.")
}

// Map returns the events env maps onto. A message that cannot be mapped (a
// body that does not decode, a unit or material tracegraph does not know)
// is an INVALID or NOT_FOUND *tracegraph.Error naming the field; any other
// error is the store's (INTERNAL: try again later).
func (m *Mapper) Map(ctx context.Context, env Envelope) (Mapping, error) {
	if !Used(env.MessageName) {
		return Mapping{}, nil
	}
	if len(env.MessageBody) == 0 || string(env.MessageBody) == "null" {
		return Mapping{Used: true}, tracegraph.Errorf(tracegraph.CodeInvalid, "MessageBody", "%s has no MessageBody", env.ShortName())
	}
	b := &builder{env: env, lots: map[string]bool{}}
	if err := messages[env.ShortName()](m, ctx, b); err != nil {
		return Mapping{Used: true}, err
	}
	return Mapping{Used: true, Events: b.events}, nil
}

// builder collects the events of one message.
type builder struct {
	env      Envelope
	operator string
	events   []*tracegraph.Event
	lots     map[string]bool // lots this message registers
}

// body decodes the message's body into v.
func (b *builder) body(v any) error {
	if err := json.Unmarshal(b.env.MessageBody, v); err != nil {
		return tracegraph.Errorf(tracegraph.CodeInvalid, "MessageBody", "the body of %s does not decode: %v", b.env.ShortName(), err)
	}
	return nil
}

// add appends the event of type t with data, its id the message's with
// suffix index.
func (b *builder) add(index string, t tracegraph.EventType, data any) error {
	return b.addID(b.env.EventID(index), t, data)
}

// addID appends the event of type t with data and the id.
func (b *builder) addID(id string, t tracegraph.EventType, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encode %s: %w", t, err)
	}
	e := &tracegraph.Event{ID: id, Type: t, Time: b.env.TimeStamp,
		Station: b.env.Source, Operator: b.operator, Data: raw}
	if err := e.Normalize(); err != nil {
		de := tracegraph.AsError(err)
		return tracegraph.Errorf(de.Code, de.Field, "%s maps onto a %s that tracegraph refuses: %s", b.env.ShortName(), t, de.Error())
	}
	b.events = append(b.events, e)
	return nil
}

// station is the sender's CFX handle, which line-side events need.
func (b *builder) station() (string, error) {
	if b.env.Source == "" {
		return "", tracegraph.Errorf(tracegraph.CodeInvalid, "Source", "%s needs the envelope's Source (the CFX handle of the station)", b.env.ShortName())
	}
	return b.env.Source, nil
}

func (b *builder) setOperator(o *operator) {
	if o != nil {
		b.operator = strings.TrimSpace(o.OperatorIdentifier)
	}
}

// unit returns the global ID of the unit u names (see Options.PanelPositions).
func (m *Mapper) unit(field string, u unitRef) (string, error) {
	id := strings.TrimSpace(u.UnitIdentifier)
	if id == "" {
		return "", tracegraph.Errorf(tracegraph.CodeInvalid, field+".UnitIdentifier", "UnitIdentifier is required")
	}
	if p := u.position(); m.Options.PanelPositions && p != nil && *p >= 1 {
		id += "." + strconv.Itoa(*p)
	}
	return string(tracegraph.NewID(tracegraph.LabelUnit, id)), nil
}

// units returns the global IDs of us, each once, in order.
func (m *Mapper) units(field string, us []unitRef) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for i, u := range us {
		id, err := m.unit(fmt.Sprintf("%s[%d]", field, i), u)
		if err != nil {
			return nil, err
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// listed returns the units a message lists (Units), or else the one its
// PrimaryIdentifier names (the barcode read: a unit, or a panel). None is
// an INVALID error when required.
func (m *Mapper) listed(b *builder, units []unitRef, primary string, required bool) ([]string, error) {
	if len(units) == 0 && strings.TrimSpace(primary) != "" {
		units = []unitRef{{UnitIdentifier: primary}}
	}
	out, err := m.units("Units", units)
	if err == nil && len(out) == 0 && required {
		err = tracegraph.Errorf(tracegraph.CodeInvalid, "Units", "%s names no units (Units or PrimaryIdentifier)", b.env.ShortName())
	}
	return out, err
}

// material returns the reference of the material package p names: a known
// lot, serialized component or unit (a sub-assembly), or else a lot this
// message registers (lot.received, with p's InternalPartNumber).
func (m *Mapper) material(ctx context.Context, b *builder, field string, p *materialPackage) (tracegraph.ID, error) {
	id, known, err := m.known(ctx, b, field, p)
	if err != nil || known {
		return id, err
	}
	key := id.Key()
	if strings.TrimSpace(p.InternalPartNumber) == "" {
		return "", tracegraph.Errorf(tracegraph.CodeNotFound, field+".UniqueIdentifier",
			"material package %q is not known to tracegraph and names no InternalPartNumber to register it with", clip(key))
	}
	if err := b.add("lot:"+key, tracegraph.EventLotReceived, &tracegraph.LotReceived{Lot: key, PartNumber: strings.TrimSpace(p.InternalPartNumber)}); err != nil {
		return "", err
	}
	b.lots[key] = true
	return id, nil
}

// known returns the node p names, and whether tracegraph (or this message)
// knows it; for an unknown package, its ID as a lot.
func (m *Mapper) known(ctx context.Context, b *builder, field string, p *materialPackage) (tracegraph.ID, bool, error) {
	if p == nil || strings.TrimSpace(p.UniqueIdentifier) == "" {
		return "", false, tracegraph.Errorf(tracegraph.CodeInvalid, field+".UniqueIdentifier", "the material package's UniqueIdentifier is required")
	}
	key := strings.TrimSpace(p.UniqueIdentifier)
	lot := tracegraph.NewID(tracegraph.LabelMaterialLot, key)
	if b.lots[key] {
		return lot, true, nil
	}
	for _, l := range []tracegraph.Label{tracegraph.LabelMaterialLot, tracegraph.LabelComponent, tracegraph.LabelUnit} {
		id := tracegraph.NewID(l, key)
		_, err := m.Store.Node(ctx, id)
		if err == nil {
			return id, true, nil
		}
		if !tracegraph.IsNotFound(err) {
			return "", false, fmt.Errorf("look up %s: %w", id, err)
		}
	}
	return lot, false, nil
}

// transactionEventID is the id of the process record of a WorkStarted,
// named after its transaction, so that the messages that name only the
// transaction find its units.
func transactionEventID(tx string) string { return "cfx:WorkStarted:tx:" + strings.ToLower(tx) }

// transactionUnits returns the units of the work transaction tx (its
// WorkStarted's).
func (m *Mapper) transactionUnits(ctx context.Context, field, tx string) ([]string, error) {
	if strings.TrimSpace(tx) == "" {
		return nil, tracegraph.Errorf(tracegraph.CodeInvalid, field, "the message names no units and no TransactionID")
	}
	e, err := m.Store.Event(ctx, transactionEventID(strings.TrimSpace(tx)))
	if tracegraph.IsNotFound(err) {
		return nil, tracegraph.Errorf(tracegraph.CodeNotFound, field,
			"the message names no units and tracegraph has no WorkStarted for its transaction %q", clip(tx))
	}
	if err != nil {
		return nil, fmt.Errorf("look up transaction %s: %w", tx, err)
	}
	var p tracegraph.ProcessRecorded
	if err := json.Unmarshal(e.Data, &p); err != nil {
		return nil, fmt.Errorf("decode the WorkStarted of transaction %s: %w", tx, err)
	}
	return p.Units, nil
}

// result maps CFX's results (TestResult, ProcessingResult, WorkResult,
// RepairResult) onto pass or fail; ok is false for a result that says
// nothing was done (Skipped) or that is not given.
func result(r string) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(r)) {
	case "":
		return "", false
	case "passed", "succeeded", "completed", "repairsuccessful", "pass":
		return tracegraph.ResultPass, true
	case "skipped":
		return "", false
	}
	return tracegraph.ResultFail, true
}
