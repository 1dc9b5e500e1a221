package tracegraph

import (
	"encoding/json"
	"fmt"
	"slices"
	"unsafe"
)

// ExplodeResult is Explode's answer: the units and components inside a
// container or unit, in the order the store lists them, each a TraceNode of
// precision EXACT reached UPSTREAM.
//
// It holds them compactly, 8 bytes a node beside a table of IDs (which a
// store may share with its own interned IDs, never copying them) and tables
// of the labels and statuses used, so that answering a pallet of thousands
// of serials neither zeroes nor fills thousands of TraceNodes: ID, Node and
// Nodes make them when asked. The zero value is an empty answer; an answer
// is not safe for concurrent Adds, and is read-only once returned.
type ExplodeResult struct {
	names    []byte   // IDs back to back; bytes once written never change
	nameAt   []uint32 // the ID named k is names[nameAt[k]:nameAt[k+1]]
	labels   []Label
	statuses []string
	rows     []explodedRow
}

// explodedRow is one node of an ExplodeResult.
type explodedRow struct {
	name   uint32 // index in nameAt
	depth  uint16
	label  uint8 // index in labels
	status uint8 // index in statuses; bit 7: on hold
}

const (
	explodedHeld     = 0x80
	explodedStatuses = 0x80  // the most statuses an answer can name
	explodedLabels   = 0x100 // the most labels an answer can name
	// MaxExplodeDepth is the deepest an ExplodeResult records a node (at
	// least MaxTraceDepth).
	MaxExplodeDepth = 1<<16 - 1
)

// NewExplodeResult returns an empty answer with room for n nodes over a
// store's own tables, for AddRow: the IDs back to back in names, the k-th
// from nameAt[k] to nameAt[k+1], and the labels and statuses rows name by
// index. The answer keeps the tables as they are (no copy): the bytes and
// offsets it can see must never change afterwards, which holds for tables
// that only ever grow by appending. It never writes to them.
func NewExplodeResult(names []byte, nameAt []uint32, labels []Label, statuses []string, n int) ExplodeResult {
	// Clipped, so that an Add appending to a table copies it first.
	return ExplodeResult{names: slices.Clip(names), nameAt: slices.Clip(nameAt), labels: slices.Clip(labels),
		statuses: slices.Clip(statuses), rows: make([]explodedRow, 0, n)}
}

// AddRow appends the node whose ID is the name'th of the answer's table,
// with its label and status by index in the tables NewExplodeResult was
// given, at depth (at most MaxExplodeDepth).
func (r *ExplodeResult) AddRow(name uint32, label, status uint8, depth int, onHold bool) {
	if onHold {
		status |= explodedHeld
	}
	r.rows = append(r.rows, explodedRow{name: name, depth: uint16(depth), label: label, status: status})
}

// Add appends n, its ID, label and status copied into the answer's tables
// (its Precision and Direction are not kept: an answer's are always EXACT
// and UPSTREAM). It refuses a depth over MaxExplodeDepth and an answer of
// more than 256 labels or 128 statuses, adding nothing.
func (r *ExplodeResult) Add(n TraceNode) error {
	if n.Depth < 0 || n.Depth > MaxExplodeDepth {
		return fmt.Errorf("explode answer: %s at depth %d (at most %d)", n.ID, n.Depth, MaxExplodeDepth)
	}
	label, ok := intern(&r.labels, n.Label, explodedLabels)
	if !ok {
		return fmt.Errorf("explode answer: more than %d labels", explodedLabels)
	}
	status, ok := intern(&r.statuses, n.Status, explodedStatuses)
	if !ok {
		return fmt.Errorf("explode answer: more than %d statuses", explodedStatuses)
	}
	if len(r.nameAt) == 0 {
		r.nameAt = append(r.nameAt, uint32(len(r.names)))
	}
	r.names = append(r.names, n.ID...)
	r.nameAt = append(r.nameAt, uint32(len(r.names)))
	r.AddRow(uint32(len(r.nameAt)-2), label, status, n.Depth, n.OnHold)
	return nil
}

// intern returns the index of v in *table, appending it when new, unless
// the table already holds most entries (an answer's tables hold a handful
// of labels and statuses).
func intern[T comparable](table *[]T, v T, most int) (uint8, bool) {
	if k := slices.Index(*table, v); k >= 0 {
		return uint8(k), true
	}
	if len(*table) >= most {
		return 0, false
	}
	*table = append(*table, v)
	return uint8(len(*table) - 1), true
}

// Len is the number of nodes in the answer.
func (r *ExplodeResult) Len() int { return len(r.rows) }

// ID returns the ID of the k-th node, without copying it.
func (r *ExplodeResult) ID(k int) ID {
	name := r.rows[k].name
	lo, hi := r.nameAt[name], r.nameAt[name+1]
	if lo == hi {
		return ""
	}
	return ID(unsafe.String(&r.names[lo], hi-lo))
}

// Node returns the k-th node.
func (r *ExplodeResult) Node(k int) TraceNode {
	row := r.rows[k]
	return TraceNode{ID: r.ID(k), Label: r.labels[row.label], Depth: int(row.depth), Precision: PrecisionExact,
		Direction: Upstream, Status: r.statuses[row.status&^explodedHeld], OnHold: row.status&explodedHeld != 0}
}

// Nodes returns every node, in order (an empty, non-nil slice when there
// are none).
func (r *ExplodeResult) Nodes() []TraceNode {
	out := make([]TraceNode, len(r.rows))
	for k := range out {
		out[k] = r.Node(k)
	}
	return out
}

// MarshalJSON writes the answer as the JSON array of its nodes.
func (r ExplodeResult) MarshalJSON() ([]byte, error) { return json.Marshal(r.Nodes()) }
