package graph

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph/model"
	"github.com/vektah/gqlparser/v2/ast"
)

// FastQueries answers the queries made only of the fields in its table
// (fastexec_fields.go: trace, node and lookup, the node types' properties,
// the trace's connection, edges and page info) without gqlgen's per-field
// machinery, and writes exactly the data gqlgen's execution writes for them.
//
// gqlgen gives every field of every object a field context, a context
// value, a closure and a boxed result, and marshals every scalar through a
// closure: for the README genealogy (142 nodes) that is ~15,000 allocations
// and ~50 times the store's own work (docs/bench-http.md). FastQueries walks
// the selection sets itself, once per field and concrete type (with
// gqlgen's graphql.CollectFields, so fields are merged, ordered, included
// and skipped exactly as gqlgen does), calls the same resolvers and model
// methods gqlgen's generated code calls, with the field contexts they read
// (one per field of the query, not per object), and appends the JSON to one
// buffer.
//
// It answers only when it can answer exactly as gqlgen would: a query
// operation whose every field is in the table, with no directive but @skip
// and @include, no deferred fragment, and no error or null where the schema
// allows none anywhere in the answer. Otherwise Execute returns why not and
// the caller runs the operation through gqlgen, from the start (queries read
// only, so running the resolvers again changes nothing), and gqlgen writes
// the answer with its errors, partial results and paths.
//
// It assumes the handler has no field middleware (AroundFields): it calls
// the resolvers without the operation's ResolverMiddleware. The root field
// middleware (the timeout of resolvers.Limits) does run.
type FastQueries struct {
	es        *executableSchema
	resolvers fastResolvers
	types     map[string]map[string]fastSpec
	// records are the node fields the record path writes
	// (fastexec_records.go).
	records map[string]map[string]recSpec
	// props are the record path's buffers of property values, reused.
	props sync.Pool
	// shapes are the record path's page shapes, by document.
	shapes shapeCache
	// keys are the fields' quoted aliases, by alias.
	keys keyCache
	// nodeTypes are the types that implement Node; nodeTypeList the same,
	// sorted.
	nodeTypes    map[string]bool
	nodeTypeList []string
	// answered and declined count the operations Execute answered and
	// left to gqlgen; recordPages the trace pages' node fields it wrote
	// by the record path.
	answered, declined, recordPages atomic.Uint64
}

// Counts returns how many operations Execute answered and how many it left
// to gqlgen.
func (q *FastQueries) Counts() (answered, declined uint64) {
	return q.answered.Load(), q.declined.Load()
}

// RecordPages returns how many trace pages' node fields Execute wrote from
// the store's properties without the resolver (fastexec_records.go).
func (q *FastQueries) RecordPages() uint64 { return q.recordPages.Load() }

// NewFastQueries returns the fast executor of es, an executable schema made
// by NewExecutableSchema, or nil for any other.
func NewFastQueries(es graphql.ExecutableSchema) *FastQueries {
	s, ok := es.(*executableSchema)
	if !ok {
		return nil
	}
	r := s.Resolvers
	q := &FastQueries{es: s, types: fastFields(), records: recordFields(), nodeTypes: map[string]bool{},
		resolvers: fastResolvers{query: r.Query(), traceNodeEdge: r.TraceNodeEdge(), edge: r.Edge()}}
	for typ := range q.types {
		if _, obj := nodeObject(model.NewNode(tracegraph.ID(typ+":x"), nil, nil)); obj != nil {
			q.nodeTypes[typ] = true
			q.nodeTypeList = append(q.nodeTypeList, typ)
		}
	}
	slices.Sort(q.nodeTypeList)
	return q
}

// Why the fast executor leaves an operation to gqlgen.
var (
	errFastUnsupported = errors.New("fast executor: a field or directive it does not answer")
	errFastNull        = errors.New("fast executor: null where the schema allows none")
	errFastFloat       = errors.New("fast executor: a float that is not finite")
)

// Execute appends the data of oc's operation (parsed, validated and
// accepted by the handler's extensions) to dst, as the POST transport writes
// the data gqlgen's execution returns (json.Marshal of a json.RawMessage,
// tracegraph.AppendMarshaledJSON); or returns why not, with dst, when the
// operation must be answered by gqlgen. ctx is the request's context.
func (q *FastQueries) Execute(ctx context.Context, oc *graphql.OperationContext, dst []byte) (data []byte, err error) {
	defer func() {
		if err != nil {
			q.declined.Add(1)
		} else {
			q.answered.Add(1)
		}
	}()
	op := oc.Operation
	if op == nil || op.Operation != ast.Query || len(op.Directives) > 0 || !q.supported(op.SelectionSet, oc.Doc.Fragments, map[string]bool{}) {
		return dst, errFastUnsupported
	}
	defer func() {
		if r := recover(); r != nil {
			data, err = dst, fmt.Errorf("fast executor: panic: %v", r)
		}
	}()
	ctx = graphql.WithOperationContext(ctx, oc)
	ctx = graphql.WithResponseContext(ctx, graphql.DefaultErrorPresenter, graphql.DefaultRecover)
	ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Object: "Query"})
	x := &fastExec{q: q, oc: oc, ec: newExecutionContext(oc, q.es, nil), b: dst}
	if err := x.root(ctx, op.SelectionSet); err != nil {
		return dst, err
	}
	if errs := graphql.GetErrors(ctx); len(errs) > 0 {
		return dst, errs
	}
	if err := ctx.Err(); err != nil {
		return dst, err
	}
	return x.b, nil
}

// supported reports whether every field of set, through its fragments, is
// one the fast executor answers, and every directive @skip or @include.
func (q *FastQueries) supported(set ast.SelectionSet, frags ast.FragmentDefinitionList, visiting map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if !onlySkipInclude(s.Directives) || !q.knows(s) || !q.supported(s.SelectionSet, frags, visiting) {
				return false
			}
		case *ast.InlineFragment:
			if !onlySkipInclude(s.Directives) || !q.supported(s.SelectionSet, frags, visiting) {
				return false
			}
		case *ast.FragmentSpread:
			if !onlySkipInclude(s.Directives) {
				return false
			}
			if visiting[s.Name] {
				continue
			}
			f := frags.ForName(s.Name)
			if f == nil {
				return false
			}
			visiting[s.Name] = true
			if !q.supported(f.SelectionSet, frags, visiting) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// knows reports whether the fast executor answers field f of the type the
// validator found it on.
func (q *FastQueries) knows(f *ast.Field) bool {
	if f.Name == "__typename" {
		return true
	}
	if f.ObjectDefinition == nil {
		return false
	}
	switch f.ObjectDefinition.Name {
	case "Query":
		return f.Name == "trace" || f.Name == "node" || f.Name == "lookup"
	case "Node":
		return f.Name == "id"
	}
	_, ok := q.types[f.ObjectDefinition.Name][f.Name]
	return ok
}

func onlySkipInclude(ds ast.DirectiveList) bool {
	for _, d := range ds {
		if d.Name != "skip" && d.Name != "include" {
			return false
		}
	}
	return true
}

// fastExec is the state of one execution.
type fastExec struct {
	q  *FastQueries
	oc *graphql.OperationContext
	ec *executionContext
	b  []byte
	// scratch is a buffer the encoders that write in two steps reuse.
	scratch scratchWriter
}

// fastField is one field of the query as collected for one concrete type
// (merged as gqlgen merges it), with what answers it and, below it, the
// fields of its selection for each concrete type met (planned on first use).
type fastField struct {
	cf    graphql.CollectedField
	key   string // the quoted alias and a colon
	typ   string // the type the field belongs to (for __typename)
	write fieldWriter
	// ctx is the context of the field's resolver (with its field context)
	// for a field answered by one, else that of the nearest one above.
	ctx context.Context
	// discard: a field whose alias an earlier field of the same object has
	// (fields of one name on different types of fragments): gqlgen resolves
	// it and writes only the first.
	discard bool
	plans   []typePlan
	// page, while a trace page's node field is written by the record
	// path, is its reading (fastexec_records.go).
	page *recordPage
}

type typePlan struct {
	typ    string
	fields []*fastField
}

// implementors is what gqlgen's generated code passes to CollectFields for
// an object of type typ: the type and the interface it implements.
func (q *FastQueries) implementors(typ string) []string {
	if q.nodeTypes[typ] {
		return []string{typ, "Node"}
	}
	return []string{typ}
}

// plan returns the fields of parent's selection for an object of type typ.
func (x *fastExec) plan(parent *fastField, typ string) ([]*fastField, error) {
	for i := range parent.plans {
		if parent.plans[i].typ == typ {
			return parent.plans[i].fields, nil
		}
	}
	specs, ok := x.q.types[typ]
	if !ok {
		return nil, errFastUnsupported
	}
	cfs := graphql.CollectFields(x.oc, parent.cf.Selections, x.q.implementors(typ))
	fields := make([]*fastField, len(cfs))
	for i, cf := range cfs {
		if len(cf.Deferrables) > 0 {
			return nil, errFastUnsupported
		}
		f := &fastField{cf: cf, key: x.q.keys.key(cf.Alias), typ: typ, ctx: parent.ctx}
		for _, g := range fields[:i] {
			f.discard = f.discard || g.cf.Alias == cf.Alias
		}
		fields[i] = f
		if cf.Name == "__typename" {
			f.write = writeTypename
			continue
		}
		spec, ok := specs[cf.Name]
		if !ok {
			return nil, errFastUnsupported
		}
		f.write = spec.write
		if spec.fieldContext != nil {
			fc, err := spec.fieldContext(x.ec, parent.ctx, cf)
			if err != nil {
				return nil, err
			}
			f.ctx = graphql.WithFieldContext(parent.ctx, fc)
		}
	}
	parent.plans = append(parent.plans, typePlan{typ, fields})
	return fields, nil
}

func writeTypename(x *fastExec, f *fastField, _ any) error {
	x.b = appendQuoted(x.b, f.typ)
	return nil
}

// object appends obj, an object of type typ, with the selection of field
// parent.
func (x *fastExec) object(parent *fastField, typ string, obj any) error {
	fields, err := x.plan(parent, typ)
	if err != nil {
		return err
	}
	return x.fields(fields, obj)
}

// fields appends the JSON object of fields for obj.
func (x *fastExec) fields(fields []*fastField, obj any) error {
	x.b = append(x.b, '{')
	first := true
	for _, f := range fields {
		if f.discard {
			mark := len(x.b)
			if err := f.write(x, f, obj); err != nil {
				return err
			}
			x.b = x.b[:mark]
			continue
		}
		if !first {
			x.b = append(x.b, ',')
		}
		first = false
		x.b = append(x.b, f.key...)
		if err := f.write(x, f, obj); err != nil {
			return err
		}
	}
	x.b = append(x.b, '}')
	return nil
}

// node appends node object n with the selection of field f; a nil n is
// null when the field is nullable.
func (x *fastExec) node(f *fastField, n model.Node, nullable bool) error {
	typ, obj := nodeObject(n)
	if obj == nil {
		if !nullable {
			return errFastNull
		}
		x.b = append(x.b, "null"...)
		return nil
	}
	return x.object(f, typ, obj)
}

// nodeObject returns the GraphQL type of n and n as a pointer to its model
// type, or a nil obj for a nil node (as the generated _Node: a nil pointer
// of any node type is null too).
func nodeObject(n model.Node) (typ string, obj any) {
	switch o := n.(type) {
	case *model.Unit:
		return "Unit", nilIfNil(o)
	case *model.Component:
		return "Component", nilIfNil(o)
	case *model.MaterialLot:
		return "MaterialLot", nilIfNil(o)
	case *model.WaferBatch:
		return "WaferBatch", nilIfNil(o)
	case *model.Box:
		return "Box", nilIfNil(o)
	case *model.Pallet:
		return "Pallet", nilIfNil(o)
	case *model.Shipment:
		return "Shipment", nilIfNil(o)
	case *model.Customer:
		return "Customer", nilIfNil(o)
	case *model.TestRun:
		return "TestRun", nilIfNil(o)
	case *model.ProcessStep:
		return "ProcessStep", nilIfNil(o)
	case *model.WorkOrder:
		return "WorkOrder", nilIfNil(o)
	case *model.Supplier:
		return "Supplier", nilIfNil(o)
	case *model.Station:
		return "Station", nilIfNil(o)
	case *model.Route:
		return "Route", nilIfNil(o)
	case *model.Product:
		return "Product", nilIfNil(o)
	}
	return "", nil
}

func nilIfNil[T any](p *T) any {
	if p == nil {
		return nil
	}
	return p
}

// root appends the Query object of set, its root fields resolved one after
// another (gqlgen runs them concurrently; the answer is the same), each
// through the operation's root field middleware as gqlgen calls it.
func (x *fastExec) root(ctx context.Context, set ast.SelectionSet) error {
	cfs := graphql.CollectFields(x.oc, set, []string{"Query"})
	fields := make([]*fastField, len(cfs))
	for i, cf := range cfs {
		if len(cf.Deferrables) > 0 {
			return errFastUnsupported
		}
		f := &fastField{cf: cf, key: x.q.keys.key(cf.Alias), typ: "Query", ctx: ctx}
		for _, g := range fields[:i] {
			f.discard = f.discard || g.cf.Alias == cf.Alias
		}
		fields[i] = f
		switch cf.Name {
		case "__typename":
			f.write = writeTypename
		case "trace", "node", "lookup":
			f.write = writeRootField
		default:
			return errFastUnsupported
		}
	}
	return x.fields(fields, nil)
}

// rootField answers root field f: its field context and arguments as the
// generated code makes them, its resolver inside the root field middleware.
func writeRootField(x *fastExec, f *fastField, _ any) error {
	ctx := graphql.WithRootFieldContext(f.ctx, &graphql.RootFieldContext{Object: f.cf.Name, Field: f.cf})
	var err error
	x.oc.RootResolverMiddleware(ctx, func(ctx context.Context) graphql.Marshaler {
		err = x.resolveRoot(ctx, f)
		return graphql.Null
	})
	return err
}

func (x *fastExec) resolveRoot(ctx context.Context, f *fastField) error {
	var fc *graphql.FieldContext
	var err error
	switch f.cf.Name {
	case "trace":
		fc, err = x.ec.fieldContext_Query_trace(ctx, f.cf)
	case "node":
		fc, err = x.ec.fieldContext_Query_node(ctx, f.cf)
	case "lookup":
		fc, err = x.ec.fieldContext_Query_lookup(ctx, f.cf)
	}
	if err != nil {
		return err
	}
	ctx = graphql.WithFieldContext(ctx, fc)
	f.ctx = ctx
	a := fc.Args
	switch f.cf.Name {
	case "trace":
		res, err := x.q.resolvers.query.Trace(ctx, a["from"].([]string), a["direction"].(model.TraceDirection), a["maxDepth"].(*int),
			a["edgeTypes"].([]model.EdgeType), a["asOf"].(*time.Time), a["history"].(*bool), a["minPrecision"].(*model.Precision),
			a["first"].(*int), a["after"].(*string))
		if err != nil {
			return err
		}
		if res == nil {
			return errFastNull
		}
		return x.object(f, "Trace", res)
	case "node":
		n, err := x.q.resolvers.query.Node(ctx, a["id"].(string))
		if err != nil {
			return err
		}
		return x.node(f, n, true)
	default: // lookup
		ns, err := x.q.resolvers.query.Lookup(ctx, a["code"].(string))
		if err != nil {
			return err
		}
		x.b = append(x.b, '[')
		for i, n := range ns {
			if i > 0 {
				x.b = append(x.b, ',')
			}
			if err := x.node(f, n, false); err != nil {
				return err
			}
		}
		x.b = append(x.b, ']')
		return nil
	}
}
