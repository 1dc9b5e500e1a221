package model

import (
	"encoding/json"
	"time"

	"github.com/tracegraph/tracegraph"
)

// Edge is a relationship. Its source and target objects are answered by
// resolvers from the batch groups of the edge list it belongs to.
type Edge struct {
	E tracegraph.Edge
	// Sources and Targets are the batch groups of the sources and the
	// targets of the edge list this edge came with.
	Sources, Targets any
}

// Type returns the edge type.
func (e *Edge) Type() EdgeType { return EdgeType(e.E.Type) }

// ValidFrom returns when the edge began.
func (e *Edge) ValidFrom() time.Time { return e.E.ValidFrom }

// ValidTo returns when the edge ended, nil while it holds.
func (e *Edge) ValidTo() *time.Time {
	if e.E.ValidTo.IsZero() {
		return nil
	}
	t := e.E.ValidTo
	return &t
}

// Precision returns the edge's precision.
func (e *Edge) Precision() Precision { return PrecisionOf(e.E.Precision) }

// RefDes returns the reference designators.
func (e *Edge) RefDes() []string {
	list, _ := e.E.Props["refDes"].([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Position returns the position of a child in its parent.
func (e *Edge) Position() *string { return optStr(e.E.Props, "position") }

// Quantity returns the quantity consumed.
func (e *Edge) Quantity() *float64 { return optFloat(e.E.Props, "quantity") }

// Station returns the station where the link was made.
func (e *Edge) Station() *string { return optStr(e.E.Props, "station") }

// Slot returns the feeder slot a derived consumption came from.
func (e *Edge) Slot() *string { return optStr(e.E.Props, "slot") }

// DerivedBy returns the unit.placed event a consumption was derived from.
func (e *Edge) DerivedBy() *string { return optStr(e.E.Props, "derivedBy") }

// WindowFrom returns when the splice of a CANDIDATE derived inside one was made.
func (e *Edge) WindowFrom() *time.Time { return optTime(e.E.Props, "windowFrom") }

// WindowTo returns when that splice passed, nil while it had not.
func (e *Edge) WindowTo() *time.Time { return optTime(e.E.Props, "windowTo") }

// Event returns the id of the event that created the edge.
func (e *Edge) Event() *string {
	if e.E.Event == "" {
		return nil
	}
	s := e.E.Event
	return &s
}

// ClosedBy returns the id of the event that closed the edge.
func (e *Edge) ClosedBy() *string {
	if e.E.ClosedBy == "" {
		return nil
	}
	s := e.E.ClosedBy
	return &s
}

// Props returns every property of the edge.
func (e *Edge) Props() any {
	if len(e.E.Props) == 0 {
		return nil
	}
	return e.E.Props
}

// ContainsLink is a CONTAINS edge seen from one end; Other is the node at
// the other end, in the batch group Group.
type ContainsLink struct {
	Edge  *Edge
	Other tracegraph.ID
	Group any
}

// Position returns the position of the child in its parent.
func (c *ContainsLink) Position() *string { return c.Edge.Position() }

// ValidFrom returns when the link began.
func (c *ContainsLink) ValidFrom() time.Time { return c.Edge.ValidFrom() }

// ValidTo returns when the link ended, nil while it holds.
func (c *ContainsLink) ValidTo() *time.Time { return c.Edge.ValidTo() }

// Consumption is a CONSUMED edge seen from the unit; the lot is in the batch
// group Group.
type Consumption struct {
	Edge  *Edge
	Group any
}

// Precision returns the link's precision.
func (c *Consumption) Precision() Precision { return c.Edge.Precision() }

// RefDes returns the reference designators the material went to.
func (c *Consumption) RefDes() []string { return c.Edge.RefDes() }

// Quantity returns the quantity consumed.
func (c *Consumption) Quantity() *float64 { return c.Edge.Quantity() }

// Station returns the station.
func (c *Consumption) Station() *string { return c.Edge.Station() }

// Slot returns the feeder slot a derived consumption came from.
func (c *Consumption) Slot() *string { return c.Edge.Slot() }

// DerivedBy returns the unit.placed event it was derived from.
func (c *Consumption) DerivedBy() *string { return c.Edge.DerivedBy() }

// WindowFrom returns when the splice it was a candidate in was made.
func (c *Consumption) WindowFrom() *time.Time { return c.Edge.WindowFrom() }

// WindowTo returns when that splice passed.
func (c *Consumption) WindowTo() *time.Time { return c.Edge.WindowTo() }

// ValidFrom returns when the material was consumed.
func (c *Consumption) ValidFrom() time.Time { return c.Edge.ValidFrom() }

// ValidTo returns when the material was removed, nil if it was not.
func (c *Consumption) ValidTo() *time.Time { return c.Edge.ValidTo() }

// TraceNodeEdge is one node reached by a trace, with its cursor.
type TraceNodeEdge struct {
	// N points into the trace's answer (a genealogy has hundreds of nodes:
	// a copy each cost ~10 us).
	N      *tracegraph.TraceNode
	Cursor string
	Group  any
}

// Depth returns the fewest hops from a start node.
func (t *TraceNodeEdge) Depth() int { return t.N.Depth }

// Precision returns the precision of the node's best path.
func (t *TraceNodeEdge) Precision() Precision { return PrecisionOf(t.N.Precision) }

// Direction returns how the node was reached.
func (t *TraceNodeEdge) Direction() TraceDirection { return TraceDirection(t.N.Direction) }

// RecallReport is the answer to recallImpact.
type RecallReport struct {
	R *tracegraph.RecallReport
	// Req is the request it answers (for evidence and matched material).
	Req tracegraph.RecallRequest
}

// Suspects returns the suspect nodes.
func (r *RecallReport) Suspects() []string {
	out := make([]string, len(r.R.Suspects))
	for i, id := range r.R.Suspects {
		out[i] = string(id)
	}
	return out
}

// AsOf returns the moment whose structure counted.
func (r *RecallReport) AsOf() time.Time { return r.R.AsOf }

// ConfirmedCounts counts the confirmed units by where they are.
func (r *RecallReport) ConfirmedCounts() *StatusCounts { return statusCounts(r.R.ConfirmedCount) }

// PossibleCounts counts the possible units by where they are.
func (r *RecallReport) PossibleCounts() *StatusCounts { return statusCounts(r.R.PossibleCount) }

func statusCounts(c tracegraph.StatusCounts) *StatusCounts {
	return &StatusCounts{Shipped: c.Shipped, InHouse: c.InHouse, Scrapped: c.Scrapped,
		Total: c.Shipped + c.InHouse + c.Scrapped}
}

// StatusCounts counts units by where they are.
type StatusCounts struct {
	Shipped, InHouse, Scrapped, Total int
}

// RecallUnitEdge is one affected unit of a recall, with its cursor.
type RecallUnitEdge struct {
	U      tracegraph.RecallUnit
	Cursor string
	Group  any
	// Req is the recall whose evidence the unit's evidence field explains.
	Req *tracegraph.RecallRequest
}

// Precision returns the precision of the unit's best path from a suspect.
func (r *RecallUnitEdge) Precision() Precision { return PrecisionOf(r.U.Precision) }

// Depth returns the fewest hops from a suspect.
func (r *RecallUnitEdge) Depth() int { return r.U.Depth }

// Status returns the unit's status.
func (r *RecallUnitEdge) Status() string { return r.U.Status }

// OnHold reports whether the unit is on hold.
func (r *RecallUnitEdge) OnHold() bool { return r.U.OnHold }

// RollupEntry counts affected units under one node.
type RollupEntry struct {
	R     tracegraph.RollupEntry
	Group any
}

// Confirmed counts the confirmed units under the node.
func (r *RollupEntry) Confirmed() int { return r.R.Confirmed }

// Possible counts the possible units under the node.
func (r *RollupEntry) Possible() int { return r.R.Possible }

// Event is an event as recorded in the log.
type Event struct{ E *tracegraph.Event }

// ID returns the client's id.
func (e *Event) ID() string { return e.E.ID }

// Seq returns the event's place in the log.
func (e *Event) Seq() int { return int(e.E.Seq) }

// Type returns the event type.
func (e *Event) Type() string { return string(e.E.Type) }

// Time returns when it happened on the floor.
func (e *Event) Time() time.Time { return e.E.Time }

// Station returns the station.
func (e *Event) Station() *string {
	if e.E.Station == "" {
		return nil
	}
	s := e.E.Station
	return &s
}

// Operator returns the operator.
func (e *Event) Operator() *string {
	if e.E.Operator == "" {
		return nil
	}
	s := e.E.Operator
	return &s
}

// RecordedBy returns who recorded the event (nil when no one was
// authenticated).
func (e *Event) RecordedBy() *string {
	if e.E.RecordedBy == "" {
		return nil
	}
	s := e.E.RecordedBy
	return &s
}

// Data returns the event's data.
func (e *Event) Data() any { return json.RawMessage(e.E.Data) }

// RecordedAt returns when the service recorded the event.
func (e *Event) RecordedAt() time.Time { return e.E.RecordedAt }

// PrevHash returns the hash of the event before it.
func (e *Event) PrevHash() string { return e.E.PrevHash }

// Hash returns the event's hash.
func (e *Event) Hash() string { return e.E.Hash }
