package tracegraph

import (
	"context"
	"fmt"
	"time"
)

// Outcome statuses of one event in a batch.
const (
	OutcomeAccepted  = "accepted"  // applied and durable
	OutcomeDuplicate = "duplicate" // an event with this id is already recorded; nothing changed
	OutcomeRejected  = "rejected"  // refused; Error says why; nothing changed
	OutcomeAborted   = "aborted"   // an atomic batch was refused because of another event in it
)

// Outcome is what became of one event of a batch.
type Outcome struct {
	Index  int    `json:"index"`
	ID     string `json:"id"`
	Status string `json:"status"`
	Seq    uint64 `json:"seq,omitempty"`
	Error  *Error `json:"error,omitempty"`
	// Type is the event's type when it is known (for metrics; not part of
	// the answer).
	Type EventType `json:"-"`
}

// Tally counts the outcomes of batches: Accepted, Duplicates (already
// recorded with the same content; nothing changed) and Rejected (refused,
// an id reused with other content included, or aborted with an atomic batch).
// Every place that reports counts (the ingest answers, metrics, the import
// command, containment) uses it, so that an outcome counts the same
// everywhere.
type Tally struct {
	Accepted, Duplicates, Rejected int
}

// Add counts outs.
func (t *Tally) Add(outs []Outcome) {
	for _, o := range outs {
		switch o.Status {
		case OutcomeAccepted:
			t.Accepted++
		case OutcomeDuplicate:
			t.Duplicates++
		default:
			t.Rejected++
		}
	}
}

// CountOutcomes returns the tally of outs.
func CountOutcomes(outs []Outcome) Tally {
	var t Tally
	t.Add(outs)
	return t
}

// ApplyOptions changes how a batch is applied.
type ApplyOptions struct {
	// Atomic applies all events of the batch or none. When one is rejected,
	// every other new event of the batch is reported aborted.
	Atomic bool
}

// EventLog is the append-only log of events that is the source of truth.
type EventLog interface {
	// Apply validates each event against the rules, appends the accepted ones
	// to the log and updates the graph. It returns once every accepted event is
	// durable, with one Outcome per event in order. Events must have been
	// normalized (DecodeEvent or Event.Normalize); a repeated id is a duplicate.
	// The error is non-nil only when the store failed (INTERNAL); refusals are
	// outcomes. Safe for concurrent use; concurrent batches share durability
	// work (group commit).
	Apply(ctx context.Context, events []*Event, opts ApplyOptions) ([]Outcome, error)
	// Events returns up to limit events with seq > after, in seq order,
	// never beyond the head: an event it gives out has its effects in the
	// graph already, so a follower may read the graph next. Safe for
	// concurrent use.
	Events(ctx context.Context, after uint64, limit int) ([]*Event, error)
	// Event returns the event with the client id (NOT_FOUND).
	Event(ctx context.Context, id string) (*Event, error)
	// Head returns the seq and hash of the last event (0 and "" when empty).
	Head(ctx context.Context) (seq uint64, hash string, err error)
	// Changes sends the new head seq after each commit until ctx ends. A slow
	// receiver misses intermediate values, never the latest.
	Changes(ctx context.Context) <-chan uint64
}

// Graph answers questions about the genealogy. All methods are safe for
// concurrent use and see only durable, committed events. Nodes they return
// may be shared with the store's cache and other callers: read them, never
// change them (Clone first).
type Graph interface {
	// Node returns the node with this global ID (NOT_FOUND, INVALID for a malformed ID).
	Node(ctx context.Context, id ID) (*Node, error)
	// Nodes returns the nodes in the order of ids, nil where one does not exist.
	Nodes(ctx context.Context, ids []ID) ([]*Node, error)
	// Lookup returns whatever a scanned or typed code names: a global ID, a
	// serial, lot or container key, an additional number (IMEI, MAC, ...), an
	// SSCC, a GS1 Digital Link URI or element string. None found is an empty
	// answer, not an error.
	Lookup(ctx context.Context, code string) ([]*Node, error)
	// Edges returns the edges of each node, in the order of ids (an empty
	// list for a node that does not exist). One call serves a whole page of
	// nodes, for dataloaders. Edges carry their Props.
	Edges(ctx context.Context, ids []ID, q EdgeQuery) ([][]Edge, error)
	// Trace walks the graph from the start nodes (NOT_FOUND for a missing one,
	// INVALID for a bad request).
	Trace(ctx context.Context, req TraceRequest) (*TraceResult, error)
	// Explode returns every unit and component inside a container or unit, at
	// any depth, at asOf (zero: now).
	Explode(ctx context.Context, id ID, asOf time.Time) (ExplodeResult, error)
	// NodeEvents returns the events that changed the node, oldest first. For
	// shared material and context nodes (lots, wafer batches, suppliers, work
	// orders, customers, stations) a store may leave out the events of the
	// units that used them: thousands of consumptions are where-used
	// questions, not the node's own history.
	NodeEvents(ctx context.Context, id ID) ([]*Event, error)
	// Units lists units matching the filter, in a stable order, a page at a time.
	Units(ctx context.Context, f UnitFilter, page Page) (*UnitPage, error)
	// RecallImpact answers which units, products, containers, shipments and
	// customers suspect material reaches (INVALID for a bad request,
	// NOT_FOUND for a missing suspect).
	RecallImpact(ctx context.Context, req RecallRequest) (*RecallReport, error)
	// Stats counts what the store holds.
	Stats(ctx context.Context) (Stats, error)
}

// Store is a complete backend: the event log, the graph projected from it
// and the analysts' questions over it.
type Store interface {
	EventLog
	Graph
	Analyst
	// Ping reports whether the store can serve (for readiness).
	Ping(ctx context.Context) error
	// Close releases the store. In-flight Apply calls finish first.
	Close() error
}

// Verifier is implemented by stores that can check themselves.
type Verifier interface {
	// Verify checks the event log's hash chain from the first event up to
	// the head it finds when it starts, and that the graph matches the log.
	// It returns a report; the error is for failures of the check itself,
	// not for findings. Safe for concurrent use with writers.
	Verify(ctx context.Context, opts VerifyOptions) (*VerifyReport, error)
}

// VerifyOptions changes what Verify does.
type VerifyOptions struct {
	// Progress, when set, is called as events are checked.
	Progress func(done, total uint64)
	// ExpectHead, when its Seq is not 0, is a point the log must pass
	// through: the event with that seq must have that hash (a head handed
	// to a customer, proving the store is the one they were given).
	ExpectHead Anchor
}

// VerifyReport is what Verify found.
type VerifyReport struct {
	Events   uint64   `json:"events"`
	HeadSeq  uint64   `json:"headSeq"`
	HeadHash string   `json:"headHash"`
	Problems []string `json:"problems"` // empty when intact
}

// OK reports whether nothing was found wrong.
func (r *VerifyReport) OK() bool { return len(r.Problems) == 0 }

// MaxVerifyProblems bounds the findings a VerifyReport keeps.
const MaxVerifyProblems = 50

// Problemf records a finding, unless MaxVerifyProblems are recorded already.
func (r *VerifyReport) Problemf(format string, args ...any) {
	if len(r.Problems) < MaxVerifyProblems {
		r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	}
}

// EdgeQuery selects the edges of a node.
type EdgeQuery struct {
	Direction Direction  // Upstream: edges out of the node; Downstream: into it; Both
	Types     []EdgeType // empty: all
	AsOf      time.Time  // zero: now (ignored with History)
	History   bool       // every edge that ever existed, closed ones too
}

// Validate checks the query and fills in its default direction (Both).
func (q *EdgeQuery) Validate() error {
	if q.Direction == "" {
		q.Direction = Both
	}
	if !q.Direction.Valid() {
		return Errorf(CodeInvalid, "direction", "direction %q is not UPSTREAM, DOWNSTREAM or BOTH", q.Direction)
	}
	for _, t := range q.Types {
		if !t.Valid() {
			return Errorf(CodeInvalid, "types", "edge type %q is unknown", t)
		}
	}
	return nil
}

// Trace limits.
const (
	DefaultTraceLimit = 100_000
	MaxTraceLimit     = 50_000_000
	MaxTraceDepth     = 10_000
)

// TraceRequest describes a traversal.
type TraceRequest struct {
	From      []ID
	Direction Direction
	// MaxDepth bounds the hops from the start (0: MaxTraceDepth).
	MaxDepth int
	// EdgeTypes restricts the edges followed (empty: all).
	EdgeTypes []EdgeType
	// AsOf is the moment whose structure is walked (zero: now).
	AsOf time.Time
	// History walks every edge that ever existed instead.
	History bool
	// MinPrecision skips edges less precise than this (zero: all).
	MinPrecision Precision
	// Limit bounds the nodes returned; a trace that reaches more is cut to
	// its first Limit nodes by depth, then ID, and says so (0:
	// DefaultTraceLimit). See walk.go for the rules.
	Limit int
	// SkipEdges leaves TraceResult.Edges empty, for callers that only want nodes.
	SkipEdges bool
}

// Validate checks the request and fills in defaults.
func (r *TraceRequest) Validate() error {
	if len(r.From) == 0 {
		return Errorf(CodeInvalid, "from", "from needs at least one node")
	}
	if r.Direction == "" {
		r.Direction = Upstream
	}
	if !r.Direction.Valid() {
		return Errorf(CodeInvalid, "direction", "direction %q is not UPSTREAM, DOWNSTREAM or BOTH", r.Direction)
	}
	if r.MaxDepth < 0 {
		return Errorf(CodeInvalid, "maxDepth", "maxDepth must not be negative")
	}
	if r.MaxDepth == 0 || r.MaxDepth > MaxTraceDepth {
		r.MaxDepth = MaxTraceDepth
	}
	for _, t := range r.EdgeTypes {
		if !t.Valid() {
			return Errorf(CodeInvalid, "edgeTypes", "edge type %q is unknown", t)
		}
	}
	switch {
	case r.Limit < 0:
		return Errorf(CodeInvalid, "first", "limit must not be negative")
	case r.Limit == 0:
		r.Limit = DefaultTraceLimit
	case r.Limit > MaxTraceLimit:
		return Errorf(CodeLimit, "first", "limit %d is above the maximum %d", r.Limit, MaxTraceLimit)
	}
	for _, id := range r.From {
		if _, _, err := ParseID(string(id)); err != nil {
			return err
		}
	}
	return nil
}

// TraceNode is one node reached by a traversal.
type TraceNode struct {
	ID    ID    `json:"id"`
	Label Label `json:"label"`
	// Depth is the fewest hops from a start node (0 for start nodes).
	Depth int `json:"depth"`
	// Precision is that of the node's best path: the most precise of the
	// paths that reach it, each as precise as its weakest edge.
	Precision Precision `json:"precision"`
	// Direction is how the node was reached (start nodes: the request's).
	Direction Direction `json:"direction"`
	// Status is the unit status for units ("" for other labels).
	Status string `json:"status,omitempty"`
	// OnHold reports a hold in force on the node.
	OnHold bool `json:"onHold,omitempty"`
}

// TraceResult is the answer to a traversal: reached nodes ordered by depth,
// then ID; the edges followed between them; whether a limit cut it.
type TraceResult struct {
	Nodes     []TraceNode `json:"nodes"`
	Edges     []Edge      `json:"edges"`
	Truncated bool        `json:"truncated"`
}

// UnitFilter selects units. Empty fields match everything.
type UnitFilter struct {
	PartNumber string
	WorkOrder  string
	Status     string // one of the Status* constants
	OnHold     *bool
	// Serial prefix match.
	SerialPrefix string
	// CreatedFrom, CreatedTo bound createdAt (inclusive, exclusive).
	CreatedFrom, CreatedTo time.Time
}

// Page asks for First items after the opaque cursor After.
type Page struct {
	First int
	After string
}

// Page limits.
const (
	DefaultPageSize = 100
	MaxPageSize     = 10_000
)

// Normalize fills the default page size and bounds it (LIMIT beyond the maximum).
func (p *Page) Normalize() error {
	switch {
	case p.First < 0:
		return Errorf(CodeInvalid, "first", "first must not be negative")
	case p.First == 0:
		p.First = DefaultPageSize
	case p.First > MaxPageSize:
		return Errorf(CodeLimit, "first", "first %d is above the maximum page size %d", p.First, MaxPageSize)
	}
	return nil
}

// UnitPage is one page of units.
type UnitPage struct {
	Units       []*Node
	Cursors     []string // one per unit
	HasNextPage bool
	TotalCount  int
}

// RecallRequest asks what suspect material reaches.
type RecallRequest struct {
	// Suspects are lots, wafer batches, components or units.
	Suspects []ID
	// Material, when set, adds every lot, component and wafer batch it
	// matches to the suspects: a supplier with a date-code range, a
	// manufacturer part number with a date-code range, and so on. Material
	// that matches nothing adds nothing (not an error).
	Material *MaterialFilter
	// AsOf is the moment whose structure and unit statuses count (zero:
	// now).
	AsOf time.Time
	// History counts every link that ever existed, removed ones too; a
	// unit counts under a container only while it was inside it (see
	// rollup.go). Statuses are those of now.
	History bool
}

// RecallUnit is one affected unit.
type RecallUnit struct {
	ID        ID        `json:"id"`
	Precision Precision `json:"precision"`
	Depth     int       `json:"depth"`
	Status    string    `json:"status"`
	OnHold    bool      `json:"onHold,omitempty"`
}

// RollupEntry counts affected units under one product, work order, box,
// pallet, shipment or customer.
type RollupEntry struct {
	ID        ID  `json:"id"`
	Confirmed int `json:"confirmed"`
	Possible  int `json:"possible"`
}

// StatusCounts counts units by where they are.
type StatusCounts struct {
	Shipped  int `json:"shipped"`
	InHouse  int `json:"inHouse"`
	Scrapped int `json:"scrapped"`
}

// RecallReport is the answer to a recall question. Confirmed units are reached
// through EXACT links only; possible ones through at least one CANDIDATE or
// ORDER link.
type RecallReport struct {
	Suspects       []ID          `json:"suspects"`
	AsOf           time.Time     `json:"asOf"`
	Confirmed      []RecallUnit  `json:"confirmed"`
	Possible       []RecallUnit  `json:"possible"`
	ConfirmedCount StatusCounts  `json:"confirmedCounts"`
	PossibleCount  StatusCounts  `json:"possibleCounts"`
	Products       []RollupEntry `json:"products"` // finished products: affected units with no parent
	WorkOrders     []RollupEntry `json:"workOrders"`
	Boxes          []RollupEntry `json:"boxes"`
	Pallets        []RollupEntry `json:"pallets"`
	Shipments      []RollupEntry `json:"shipments"`
	Customers      []RollupEntry `json:"customers"`
}

// Stats counts what a store holds.
type Stats struct {
	Events    uint64           `json:"events"`
	Nodes     map[Label]int    `json:"nodes"`
	Edges     map[EdgeType]int `json:"edges"`
	DiskBytes int64            `json:"diskBytes"`
	MemBytes  int64            `json:"memBytes"`
}
