package tracegraph

import (
	"strings"
	"time"
)

// Precision says how sure a link is. A path is as precise as its weakest edge.
// Precisions are ordered: ORDER < CANDIDATE < EXACT.
type Precision uint8

// The precisions. PrecisionUnknown is the zero value and means "not given".
const (
	PrecisionUnknown Precision = iota
	// PrecisionOrder: the lot was issued to the unit's work order; nothing finer is known (M1/M2).
	PrecisionOrder
	// PrecisionCandidate: the lot may have gone into the unit (splice window, feeder time window).
	PrecisionCandidate
	// PrecisionExact: this lot or serial went into this unit (M3).
	PrecisionExact
)

// String returns the public name: "EXACT", "CANDIDATE", "ORDER" or "".
func (p Precision) String() string {
	switch p {
	case PrecisionOrder:
		return "ORDER"
	case PrecisionCandidate:
		return "CANDIDATE"
	case PrecisionExact:
		return "EXACT"
	}
	return ""
}

// ParsePrecision parses a public precision name (case-insensitive).
func ParsePrecision(s string) (Precision, error) {
	switch strings.ToUpper(s) {
	case "EXACT":
		return PrecisionExact, nil
	case "CANDIDATE":
		return PrecisionCandidate, nil
	case "ORDER":
		return PrecisionOrder, nil
	}
	return 0, Errorf(CodeInvalid, "", "precision %q is not one of EXACT, CANDIDATE, ORDER", s)
}

// MarshalText implements encoding.TextMarshaler.
func (p Precision) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// precisionInvalid marks a precision that did not parse, so that validation
// can name the field it came in.
const precisionInvalid Precision = 255

// UnmarshalText implements encoding.TextUnmarshaler. An unknown name decodes
// to an invalid precision that Valid reports.
func (p *Precision) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*p = PrecisionUnknown
		return nil
	}
	v, err := ParsePrecision(string(b))
	if err != nil {
		v = precisionInvalid
	}
	*p = v
	return nil
}

// Valid reports whether p is unknown (not given) or one of the three.
func (p Precision) Valid() bool { return p <= PrecisionExact }

// Direction is the way a traversal goes. Upstream follows edges forward (what
// is this made of), downstream follows them backward (where did this go).
type Direction string

// The traversal directions. Both is the union of an upstream and a downstream
// traversal, not a walk that turns around.
const (
	Upstream   Direction = "UPSTREAM"
	Downstream Direction = "DOWNSTREAM"
	Both       Direction = "BOTH"
)

// Valid reports whether d is one of the three directions.
func (d Direction) Valid() bool { return d == Upstream || d == Downstream || d == Both }

// Unit statuses. A unit is in the house while it is WIP or COMPLETED.
const (
	StatusWIP       = "WIP"       // created, being built or tested
	StatusCompleted = "COMPLETED" // packed: finished goods in stock
	StatusShipped   = "SHIPPED"   // left the factory (itself or inside a shipped parent or container)
	StatusScrapped  = "SCRAPPED"
)

// InHouse reports whether a unit with this status is still in the factory.
func InHouse(status string) bool { return status == StatusWIP || status == StatusCompleted }

// Node is one vertex of the genealogy graph.
type Node struct {
	ID    ID    `json:"id"`
	Label Label `json:"label"`
	// Props holds the label's properties as JSON values (string, float64,
	// bool, []any, map[string]any); times are RFC 3339 strings. See docs/events.md
	// for the names; the projection documents which event sets which.
	Props map[string]any `json:"props,omitempty"`
	// Holds are the holds in force on this node: placed on it directly, or
	// reaching it from held material it contains.
	Holds []Hold `json:"holds,omitempty"`
	// CreatedBy is the id of the event that created the node.
	CreatedBy string `json:"createdBy,omitempty"`
	// Version is the seq of the last event that changed Props.
	Version uint64 `json:"version,omitempty"`
}

// Key is the key part of the node's ID.
func (n *Node) Key() string { return n.ID.Key() }

// Str returns the string property name, or "".
func (n *Node) Str(name string) string {
	s, _ := n.Props[name].(string)
	return s
}

// Time returns the RFC 3339 time property name, or the zero time.
func (n *Node) Time(name string) time.Time {
	s := n.Str(name)
	if s == "" {
		return time.Time{} // as Parse fails on it, without making its error
	}
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// Status returns the unit status ("" for nodes without one).
func (n *Node) Status() string { return n.Str("status") }

// OnHold reports whether any hold is in force on the node.
func (n *Node) OnHold() bool { return len(n.Holds) > 0 }

// Clone returns a deep copy of n.
func (n *Node) Clone() *Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Props = cloneMap(n.Props)
	c.Holds = append([]Hold(nil), n.Holds...)
	return &c
}

func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = cloneValue(v)
	}
	return c
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return cloneMap(x)
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = cloneValue(e)
		}
		return c
	}
	return v
}

// Hold is a hold in force on a node. One hold reaches many nodes (a lot's
// hold reaches the units in the house made with it); each carries the same
// record.
type Hold struct {
	// ID names the hold: the hold field of its hold.placed event, or that
	// event's id when it named none (HoldChange.HoldID).
	ID string `json:"id"`
	// Source is the node the hold was placed on; it differs from the holding
	// node when the hold reached it from material it contains.
	Source ID        `json:"source"`
	Reason string    `json:"reason"`
	Since  time.Time `json:"since"`
	// Event is the id of the hold.placed event; PlacedBy its operator, who placed
	// the hold ("" when the event named none).
	Event    string `json:"event,omitempty"`
	PlacedBy string `json:"placedBy,omitempty"`
}

// PlacingEvent returns the id of the hold.placed event that placed h (holds
// stored before Event existed were named by it).
func (h Hold) PlacingEvent() string {
	if h.Event != "" {
		return h.Event
	}
	return h.ID
}

// EdgeID identifies an edge forever: the seq of the event that created it in
// the high 48 bits and the edge's index within that event in the low 16.
type EdgeID uint64

// MaxEdgesPerEvent bounds how many edges one event may create.
const MaxEdgesPerEvent = 1 << 16

// NewEdgeID returns the ID of the n-th edge created by event seq.
func NewEdgeID(seq uint64, n int) EdgeID { return EdgeID(seq<<16 | uint64(n)) }

// Seq is the seq of the event that created the edge.
func (e EdgeID) Seq() uint64 { return uint64(e) >> 16 }

// Edge is one relationship, valid from ValidFrom until ValidTo (zero: still
// true). Edges are never deleted: removal and unpacking close them; voiding the
// event that made one marks it void.
type Edge struct {
	ID        EdgeID    `json:"id"`
	Type      EdgeType  `json:"type"`
	Source    ID        `json:"source"`
	Target    ID        `json:"target"`
	ValidFrom time.Time `json:"validFrom"`
	ValidTo   time.Time `json:"validTo,omitzero"`
	// ClosedBy is the id of the event that closed the edge, CloseReason why.
	ClosedBy    string `json:"closedBy,omitempty"`
	CloseReason string `json:"closeReason,omitempty"`
	// Precision is EXACT for every edge but CONSUMED ones given otherwise.
	Precision Precision `json:"precision"`
	// Props holds refDes, quantity, position, station and the like. A
	// GraphReader may leave it nil where the caller does not need it.
	Props map[string]any `json:"props,omitempty"`
	// Event is the id of the event that created the edge.
	Event string `json:"event,omitempty"`
	// Voided is set when the creating event was voided; such edges are seen
	// only in audit answers, never in traversals.
	Voided bool `json:"voided,omitempty"`
}

// Open reports whether the edge is still true.
func (e *Edge) Open() bool { return e.ValidTo.IsZero() }

// ValidAt reports whether the edge held at t.
func (e *Edge) ValidAt(t time.Time) bool {
	return !e.Voided && !e.ValidFrom.After(t) && (e.ValidTo.IsZero() || e.ValidTo.After(t))
}

// Other returns the endpoint of e that is not id.
func (e *Edge) Other(id ID) ID {
	if e.Source == id {
		return e.Target
	}
	return e.Source
}
