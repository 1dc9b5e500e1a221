package graph

import "github.com/tracegraph/tracegraph/graph/model"

// A trace page's edges written without the general path's per-field calls
// when every field of their selection is a plain value of the edge or a
// node field the record path writes (fastexec_records.go): the edge's
// fields are compiled into ops, each a value written after the bytes that
// precede it (the object's opening brace, commas, keys and the constant
// __typename merged), calling the same writers as the field table
// (fastexec_fields.go), so the bytes are the general path's.

// edgeKind is what an edge op writes.
type edgeKind uint8

const (
	edgeDepth edgeKind = iota
	edgePrecision
	edgeDirection
	edgeCursor
	edgeNode // a node field on the record path
)

type edgeOp struct {
	lit  string
	kind edgeKind
	page *recordPage
}

// edgeOps compiles fields, the plan of a page's TraceNodeEdge objects, or
// reports false when one of them is not one it writes (a node field not on
// the record path, one discarded, any other field): the general path
// writes the page then.
func edgeOps(fields []*fastField) (ops []edgeOp, tail string, ok bool) {
	lit := []byte{'{'}
	first := true
	for _, f := range fields {
		var kind edgeKind
		switch f.cf.Name {
		case "__typename":
			kind = 255
		case "depth":
			kind = edgeDepth
		case "precision":
			kind = edgePrecision
		case "direction":
			kind = edgeDirection
		case "cursor":
			kind = edgeCursor
		case "node":
			if f.page == nil || f.discard {
				return nil, "", false
			}
			kind = edgeNode
		default:
			return nil, "", false
		}
		if f.discard {
			continue // a plain value: writing it and cutting it changes nothing
		}
		if !first {
			lit = append(lit, ',')
		}
		first = false
		lit = append(lit, f.key...)
		if kind == 255 {
			lit = appendQuoted(lit, f.typ)
			continue
		}
		ops = append(ops, edgeOp{lit: string(lit), kind: kind, page: f.page})
		lit = lit[:0]
	}
	return ops, string(append(lit, '}')), true
}

// edge writes e with ops and tail (edgeOps).
func (x *fastExec) edge(ops []edgeOp, tail string, e *model.TraceNodeEdge) error {
	for _, op := range ops {
		x.b = append(x.b, op.lit...)
		switch op.kind {
		case edgeDepth:
			_ = x.intN(e.Depth())
		case edgePrecision:
			_ = x.enum(string(e.Precision()))
		case edgeDirection:
			_ = x.enum(string(e.Direction()))
		case edgeCursor:
			_ = x.strN(e.Cursor)
		case edgeNode:
			done, err := x.recordNode(op.page, e)
			if err != nil {
				return err
			}
			if !done { // never: the page is these edges in order
				return errFastUnsupported
			}
		}
	}
	x.b = append(x.b, tail...)
	return nil
}
