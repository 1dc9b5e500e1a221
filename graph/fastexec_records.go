package graph

import (
	"context"
	"errors"
	"slices"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph/model"
)

// The fast executor's record path: a trace page's nodes written from the
// values of the properties their fields read, read for the whole page in
// one call (tracegraph.PropsReader: the embedded store reads them from its
// node records), instead of one TraceNodeEdge.node resolver call, one
// property map and one model object per node. It serves the
// TraceNodeConnection.edges lists whose nodes' selections hold only the
// fields of recordFields (and __typename), on stores that implement
// PropsReader; every other list goes the resolver way. The values written
// are the model methods' (recordFields' test compares them field by field),
// read from the props the store's Nodes would return (PropsReader's
// contract), so the bytes are the resolver way's.

// TraceNodePropsReader is implemented by a TraceNodeEdgeResolver that can
// read, for a page of trace node edges, the properties its Node answers
// would hold, in one call: for edges[i], found[i] and out[i*len(keys)+k]
// as tracegraph.PropsReader.ReadProps sets them for the node Node resolves
// edges[i] to. It reports false, having read nothing, when it cannot.
type TraceNodePropsReader interface {
	ReadTraceNodeProps(ctx context.Context, edges []*model.TraceNodeEdge, keys []string, found []bool, out []tracegraph.PropValue) (bool, error)
}

// recKind is how a node field reads its property (the model method's
// reading).
type recKind uint8

const (
	recID       recKind = iota // Ref.ID: the global ID
	recKey                     // Ref.Key: the ID's key
	recTypename                // __typename
	recStr                     // Ref.Str: the string, or ""
	recStrOr                   // Ref.Str, or a default when ""
	recOptStr                  // Ref.OptStr: the string when not "", else null
	recOptTime                 // Ref.OptTime: the RFC 3339 string parsed, else null
	recOptFloat                // Ref.OptFloat: the number, else null
	recOptInt                  // Ref.OptInt: the number as an int, else null
)

// recSpec is how one node field is written from its property.
type recSpec struct {
	kind recKind
	key  string // the property
	def  string // recStrOr's default
}

func rs(kind recKind, key string) recSpec { return recSpec{kind: kind, key: key} }

// recordFields are the node fields the record path writes, by type and
// field: each reads one property (or the ID) as the model method the field
// table (fastexec_fields.go) writes it with. A field not here (holds,
// identifiers, JSON values, lists, relations) sends its lists the resolver
// way.
func recordFields() map[string]map[string]recSpec {
	str, opt, tm, fl, in := recStr, recOptStr, recOptTime, recOptFloat, recOptInt
	key := recSpec{kind: recKey}
	return map[string]map[string]recSpec{
		"Unit": {"serial": key, "partNumber": rs(str, "partNumber"), "revision": rs(opt, "revision"),
			"workOrder": rs(opt, "workOrder"), "kind": rs(opt, "kind"),
			"origin": {kind: recStrOr, key: "origin", def: tracegraph.OriginMade}, "status": rs(str, "status"),
			"createdAt": rs(tm, "createdAt"), "completedAt": rs(tm, "completedAt"), "shippedAt": rs(tm, "shippedAt"),
			"scrappedAt": rs(tm, "scrappedAt"), "shipment": rs(opt, "shipment"), "customer": rs(opt, "customer")},
		"Component": {"serial": key, "partNumber": rs(str, "partNumber"), "mpn": rs(opt, "mpn"),
			"manufacturer": rs(opt, "manufacturer"), "supplier": rs(opt, "supplier"), "dateCode": rs(opt, "dateCode"),
			"lot": rs(opt, "lot"), "receivedAt": rs(tm, "receivedAt"), "status": rs(opt, "status")},
		"MaterialLot": {"lot": key, "partNumber": rs(str, "partNumber"), "mpn": rs(opt, "mpn"),
			"manufacturer": rs(opt, "manufacturer"), "supplier": rs(opt, "supplier"), "dateCode": rs(opt, "dateCode"),
			"quantity": rs(fl, "quantity"), "countryOfOrigin": rs(opt, "countryOfOrigin"), "expiresAt": rs(tm, "expiresAt"),
			"msl": rs(opt, "msl"), "floorLifeHours": rs(fl, "floorLifeHours"), "floorSince": rs(tm, "floorSince"),
			"bakedAt": rs(tm, "bakedAt"), "receivedAt": rs(tm, "receivedAt")},
		"WaferBatch": {"waferBatch": key, "manufacturer": rs(opt, "manufacturer"), "fab": rs(opt, "fab"),
			"waferCount": rs(in, "waferCount"), "registeredAt": rs(tm, "registeredAt")},
		"Box":      {"sscc": rs(opt, "sscc"), "createdAt": rs(tm, "createdAt")},
		"Pallet":   {"sscc": rs(opt, "sscc"), "createdAt": rs(tm, "createdAt")},
		"Shipment": {"shipment": key, "destination": rs(opt, "destination"), "shippedAt": rs(tm, "shippedAt")},
		"Customer": {"customer": key},
		"TestRun": {"testType": rs(str, "testType"), "result": rs(str, "result"), "program": rs(opt, "program"),
			"fixture": rs(opt, "fixture"), "station": rs(opt, "station"), "operator": rs(opt, "operator"), "at": rs(tm, "at")},
		"ProcessStep": {"step": rs(str, "step"), "recipe": rs(opt, "recipe"), "result": rs(opt, "result"),
			"station": rs(opt, "station"), "operator": rs(opt, "operator"), "at": rs(tm, "at"), "unitCount": rs(in, "unitCount")},
		"WorkOrder": {"workOrder": key, "partNumber": rs(opt, "partNumber")},
		"Supplier":  {"supplier": key},
		"Station":   {"station": key},
		"Route":     {"partNumber": key},
		"Product": {"partNumber": key, "gtin": rs(opt, "gtin"), "name": rs(str, "name"), "description": rs(opt, "description"),
			"revision": rs(opt, "revision"), "definedAt": rs(tm, "definedAt"), "definedBy": rs(opt, "definedBy")},
	}
}

// propValues returns a buffer of n property values, reused: ReadProps sets
// every value of the rows of the nodes it finds, and the record path reads
// no other, so it needs no clearing. (The strings a reused buffer still
// holds keep their records' bytes alive until overwritten, or until the
// pool drops the buffer at a collection.)
func (q *FastQueries) propValues(n int) []tracegraph.PropValue {
	if b, ok := q.props.Get().(*[]tracegraph.PropValue); ok && cap(*b) >= n {
		return (*b)[:n]
	}
	return make([]tracegraph.PropValue, n)
}

// errFastMissing: a node of a trace page that the store no longer has;
// gqlgen answers it (with the resolver's error).
var errFastMissing = errors.New("fast executor: a node the store does not have")

// recordPage is a trace page's node field (one TraceNodeEdge.node field of
// the query) read for the record path: the plan of each node and the
// properties of every node.
type recordPage struct {
	edges []*model.TraceNodeEdge
	plans []*recordPlan // by edge
	keys  int           // properties read per node
	found []bool
	vals  []tracegraph.PropValue
	next  int // the edge whose node is written next
}

// recordShape is what the record path writes of a node of type typ for one
// node field of the query: its fields (their quoted alias and colon, and
// whether an earlier field had the alias: fastField's key and discard) and
// how each is written. It depends only on the document and the field.
type recordShape struct {
	typ     string
	keys    []string
	discard []bool
	specs   []recSpec
	props   bool // whether the general path reads the node (any field but id and __typename)
}

// recordPlan is a node type's shape compiled for the properties of a page:
// the values to write, each after the bytes that precede it (the object's
// opening brace, commas, keys and the constant __typename values merged),
// and the bytes after the last.
type recordPlan struct {
	typ   string
	props bool
	ops   []recOp
	tail  string
}

// recOp writes one field's value after lit; col is the column of its
// property (-1: none). A discarded field (another field of the object has
// its alias) is written and cut, as the general path does, when writing it
// can fail (a float that is not finite); else it is left out.
type recOp struct {
	lit     string
	spec    recSpec
	col     int
	discard bool
}

// newRecordShape returns the shape of fields, nf's plan for type typ, or
// nil when one of them is not one the record path writes.
func (q *FastQueries) newRecordShape(typ string, fields []*fastField) *recordShape {
	rs := &recordShape{typ: typ, keys: make([]string, len(fields)), discard: make([]bool, len(fields)), specs: make([]recSpec, len(fields))}
	for i, g := range fields {
		rs.keys[i], rs.discard[i] = g.key, g.discard
		switch spec, ok := q.records[typ][g.cf.Name]; {
		case g.cf.Name == "__typename":
			rs.specs[i] = recSpec{kind: recTypename}
		case g.cf.Name == "id":
			rs.specs[i] = recSpec{kind: recID}
		case ok:
			rs.specs[i] = spec
			rs.props = true
		default:
			return nil
		}
	}
	return rs
}

// compile returns the plan of rs over a page whose properties are keys
// (sorted, holding every property of rs).
func (rs *recordShape) compile(keys []string) *recordPlan {
	rp := &recordPlan{typ: rs.typ, props: rs.props}
	lit := []byte{'{'}
	first := true
	for i, spec := range rs.specs {
		col := -1
		if spec.key != "" {
			col, _ = slices.BinarySearch(keys, spec.key)
		}
		if rs.discard[i] {
			if spec.kind == recOptFloat {
				rp.ops = append(rp.ops, recOp{spec: spec, col: col, discard: true})
			}
			continue
		}
		if !first {
			lit = append(lit, ',')
		}
		first = false
		lit = append(lit, rs.keys[i]...)
		if spec.kind == recTypename {
			lit = appendQuoted(lit, rs.typ)
			continue
		}
		rp.ops = append(rp.ops, recOp{lit: string(lit), spec: spec, col: col})
		lit = lit[:0]
	}
	rp.tail = string(append(lit, '}'))
	return rp
}

// pageShapes returns the record path's plans of node field nf for the
// node types of edges, from the cache when the document has them, or nil
// when the page goes the resolver way.
func (x *fastExec) pageShapes(nf *fastField, edges []*model.TraceNodeEdge) (*pageShapes, error) {
	key, cacheable := x.q.shapes.key(x.oc.Doc, nf)
	if cacheable {
		if ps, ok := x.q.shapes.get(key, nf.cf.Selections); ok {
			return ps, nil
		}
		ps := x.newPageShapes(nf, x.q.nodeTypeList)
		x.q.shapes.put(key, nf.cf.Selections, ps)
		return ps, nil
	}
	var types []string
	for _, e := range edges {
		if e == nil {
			return nil, nil
		}
		typ := string(e.N.ID.Label())
		if !x.q.nodeTypes[typ] {
			return nil, nil
		}
		if !slices.Contains(types, typ) {
			types = append(types, typ)
		}
	}
	return x.newPageShapes(nf, types), nil
}

// recordPage returns the record path's reading of node field nf over
// edges, or nil when the list goes the resolver way.
func (x *fastExec) recordPage(nf *fastField, edges []*model.TraceNodeEdge) (*recordPage, error) {
	reader, ok := x.q.resolvers.traceNodeEdge.(TraceNodePropsReader)
	if !ok || len(edges) == 0 {
		return nil, nil
	}
	ps, err := x.pageShapes(nf, edges)
	if err != nil || ps == nil {
		return nil, err
	}
	p := &recordPage{edges: edges, plans: make([]*recordPlan, len(edges)), keys: len(ps.keys)}
	for j, e := range edges {
		if e == nil {
			return nil, nil
		}
		typ := string(e.N.ID.Label())
		rp, ok := ps.plans[typ]
		if !ok {
			return nil, ps.errs[typ] // not a node type, not one the record path writes, or its planning failed
		}
		p.plans[j] = rp
	}
	p.found = make([]bool, len(edges))
	p.vals = x.q.propValues(len(edges) * p.keys)
	if ok, err := reader.ReadTraceNodeProps(nf.ctx, edges, ps.keys, p.found, p.vals); err != nil || !ok {
		return nil, err
	}
	for i, rp := range p.plans {
		if !p.found[i] && rp.props {
			return nil, errFastMissing
		}
	}
	x.q.recordPages.Add(1)
	return p, nil
}

// writeTraceNodeEdges writes TraceNodeConnection.edges, with the nodes
// written from their properties when the record path serves them.
func writeTraceNodeEdges(x *fastExec, f *fastField, obj any) error {
	edges := obj.(*model.TraceNodeConnection).Edges
	fields, err := x.plan(f, "TraceNodeEdge")
	if err != nil {
		return err
	}
	for _, nf := range fields {
		if nf.cf.Name != "node" {
			continue
		}
		p, err := x.recordPage(nf, edges)
		if err != nil {
			return err
		}
		nf.page = p
		defer func() {
			if nf.page != nil {
				x.q.props.Put(&nf.page.vals)
			}
			nf.page = nil
		}()
	}
	ops, tail, direct := edgeOps(fields) // fastexec_edges.go
	x.b = append(x.b, '[')
	for i, e := range edges {
		if i > 0 {
			x.b = append(x.b, ',')
		}
		if e == nil {
			return errFastNull
		}
		if direct {
			err = x.edge(ops, tail, e)
		} else {
			err = x.fields(fields, e)
		}
		if err != nil {
			return err
		}
	}
	x.b = append(x.b, ']')
	return nil
}

// recordNode writes the node of e from p, and reports false when e is not
// the edge p expects next (the resolver way writes it then).
func (x *fastExec) recordNode(p *recordPage, e *model.TraceNodeEdge) (bool, error) {
	i := p.next
	if i >= len(p.edges) || p.edges[i] != e {
		return false, nil
	}
	p.next++
	id := e.N.ID
	rp := p.plans[i]
	row := p.vals[i*p.keys : (i+1)*p.keys]
	for _, op := range rp.ops {
		x.b = append(x.b, op.lit...)
		var v tracegraph.PropValue
		if op.col >= 0 {
			v = row[op.col]
		}
		mark := len(x.b)
		if err := x.recordValue(op.spec, rp.typ, id, v); err != nil {
			return true, err
		}
		if op.discard {
			x.b = x.b[:mark]
		}
	}
	x.b = append(x.b, rp.tail...)
	return true, nil
}

// recordValue writes one field of node id of type typ, whose property is
// v, as the model method spec names writes it.
func (x *fastExec) recordValue(spec recSpec, typ string, id tracegraph.ID, v tracegraph.PropValue) error {
	var s string
	if v.Kind == tracegraph.PropString {
		s = v.Str
	}
	switch spec.kind {
	case recID:
		x.b = appendQuoted(x.b, string(id))
	case recKey:
		x.b = appendQuoted(x.b, id.Key())
	case recTypename:
		x.b = appendQuoted(x.b, typ)
	case recStr:
		x.b = appendQuoted(x.b, s)
	case recStrOr:
		if s == "" {
			s = spec.def
		}
		x.b = appendQuoted(x.b, s)
	case recOptStr:
		if s == "" {
			x.b = append(x.b, "null"...)
		} else {
			x.b = appendQuoted(x.b, s)
		}
	case recOptTime:
		if t, ok := model.ParseTime(s); ok {
			x.b = appendDateTime(x.b, t)
		} else {
			x.b = append(x.b, "null"...)
		}
	case recOptFloat:
		if v.Kind != tracegraph.PropNumber {
			x.b = append(x.b, "null"...)
		} else {
			return x.floatN(v.Num)
		}
	case recOptInt:
		if v.Kind != tracegraph.PropNumber {
			x.b = append(x.b, "null"...)
		} else {
			return x.intN(int(v.Num))
		}
	}
	return nil
}
