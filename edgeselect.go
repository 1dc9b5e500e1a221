package tracegraph

import "time"

// EdgeSelect picks some of a node's edges (GraphReader.SelectEdges): those
// NodeEdges returns for Dir and History, narrowed to one type and to the
// edges valid from a time on. The rules ask for one kind of edge far more
// often than for all of them: a unit's tests among its dozens of
// consumptions, the placements since a splice among the thousands of boards
// a reel fed. A store that keeps edges by type and time reads only those.
type EdgeSelect struct {
	Dir     Direction
	History bool
	// Type is the one edge type to return; "" returns every type.
	Type EdgeType
	// Since drops edges valid from before it (ValidFrom.Before(Since)); the
	// zero time drops none.
	Since time.Time
}

// Selects reports whether sel takes e by its type and time. The direction,
// voided and open conditions are the reader's to apply.
func (sel *EdgeSelect) Selects(e *Edge) bool {
	return (sel.Type == "" || e.Type == sel.Type) && (sel.Since.IsZero() || !e.ValidFrom.Before(sel.Since))
}

// SelectFrom returns the edges of es that sel selects, in their order, in
// es's own memory: es is what NodeEdges answered for sel.Dir and
// sel.History, and the caller gives it up. It is SelectEdges for a store
// that reads a node's edges whole.
func SelectFrom(es []Edge, sel EdgeSelect) []Edge {
	if sel.Type == "" && sel.Since.IsZero() {
		return es
	}
	out := es[:0]
	for i := range es {
		if sel.Selects(&es[i]) {
			out = append(out, es[i])
		}
	}
	return out
}
