package graph

import (
	"context"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph/model"
)

// fastSpec is how the fast executor answers one field of one type: write
// appends the field's value for the object obj; fieldContext, set for the
// fields answered by a resolver, is the generated code's field context of
// the field (with its arguments), which the resolver reads.
type fastSpec struct {
	write        fieldWriter
	fieldContext func(*executionContext, context.Context, graphql.CollectedField) (*graphql.FieldContext, error)
}

// fieldWriter appends the value of field f of obj (a pointer to the model
// object of f's type) to x's buffer, or returns why the fast executor cannot
// answer (an error, a null where the schema allows none: gqlgen answers
// those with an error, the fast executor leaves them to it).
type fieldWriter func(x *fastExec, f *fastField, obj any) error

// fastFields is the table of the fields the fast executor answers, by type
// and field name. The plain fields were listed from generated.go (the model
// method or struct field each field's generated resolver returns, and the
// marshaller it is written with: N is non-null, O nullable); the fields
// answered by resolvers are written out below. Any field not in the table
// (relations such as Unit.tests, Query.recallImpact, introspection, ...)
// makes the whole operation go to gqlgen. graphql_fast_test.go (server)
// compares every field of the table with gqlgen's answer.
func fastFields() map[string]map[string]fastSpec {
	t := map[string]map[string]fastSpec{
		"Unit": {
			"id":          on(func(x *fastExec, o *model.Unit) error { return x.strN(o.ID()) }),
			"serial":      on(func(x *fastExec, o *model.Unit) error { return x.strN(o.Serial()) }),
			"partNumber":  on(func(x *fastExec, o *model.Unit) error { return x.strN(o.PartNumber()) }),
			"revision":    on(func(x *fastExec, o *model.Unit) error { return x.strO(o.Revision()) }),
			"workOrder":   on(func(x *fastExec, o *model.Unit) error { return x.strO(o.WorkOrder()) }),
			"kind":        on(func(x *fastExec, o *model.Unit) error { return x.strO(o.Kind()) }),
			"origin":      on(func(x *fastExec, o *model.Unit) error { return x.strN(o.Origin()) }),
			"status":      on(func(x *fastExec, o *model.Unit) error { return x.strN(o.Status()) }),
			"createdAt":   on(func(x *fastExec, o *model.Unit) error { return x.timeO(o.CreatedAt()) }),
			"completedAt": on(func(x *fastExec, o *model.Unit) error { return x.timeO(o.CompletedAt()) }),
			"shippedAt":   on(func(x *fastExec, o *model.Unit) error { return x.timeO(o.ShippedAt()) }),
			"scrappedAt":  on(func(x *fastExec, o *model.Unit) error { return x.timeO(o.ScrappedAt()) }),
			"shipment":    on(func(x *fastExec, o *model.Unit) error { return x.strO(o.Shipment()) }),
			"customer":    on(func(x *fastExec, o *model.Unit) error { return x.strO(o.Customer()) }),
			"identifiers": {write: objListN("Identifier", (*model.Unit).Identifiers)},
			"onHold":      on(func(x *fastExec, o *model.Unit) error { return x.boolN(o.OnHold()) }),
			"holds":       {write: objListN("Hold", (*model.Unit).Holds)},
		},
		"Component": {
			"id":           on(func(x *fastExec, o *model.Component) error { return x.strN(o.ID()) }),
			"serial":       on(func(x *fastExec, o *model.Component) error { return x.strN(o.Serial()) }),
			"partNumber":   on(func(x *fastExec, o *model.Component) error { return x.strN(o.PartNumber()) }),
			"mpn":          on(func(x *fastExec, o *model.Component) error { return x.strO(o.Mpn()) }),
			"manufacturer": on(func(x *fastExec, o *model.Component) error { return x.strO(o.Manufacturer()) }),
			"supplier":     on(func(x *fastExec, o *model.Component) error { return x.strO(o.Supplier()) }),
			"dateCode":     on(func(x *fastExec, o *model.Component) error { return x.strO(o.DateCode()) }),
			"lot":          on(func(x *fastExec, o *model.Component) error { return x.strO(o.Lot()) }),
			"receivedAt":   on(func(x *fastExec, o *model.Component) error { return x.timeO(o.ReceivedAt()) }),
			"status":       on(func(x *fastExec, o *model.Component) error { return x.strO(o.Status()) }),
			"onHold":       on(func(x *fastExec, o *model.Component) error { return x.boolN(o.OnHold()) }),
			"holds":        {write: objListN("Hold", (*model.Component).Holds)},
		},
		"MaterialLot": {
			"id":              on(func(x *fastExec, o *model.MaterialLot) error { return x.strN(o.ID()) }),
			"lot":             on(func(x *fastExec, o *model.MaterialLot) error { return x.strN(o.Lot()) }),
			"partNumber":      on(func(x *fastExec, o *model.MaterialLot) error { return x.strN(o.PartNumber()) }),
			"mpn":             on(func(x *fastExec, o *model.MaterialLot) error { return x.strO(o.Mpn()) }),
			"manufacturer":    on(func(x *fastExec, o *model.MaterialLot) error { return x.strO(o.Manufacturer()) }),
			"supplier":        on(func(x *fastExec, o *model.MaterialLot) error { return x.strO(o.Supplier()) }),
			"dateCode":        on(func(x *fastExec, o *model.MaterialLot) error { return x.strO(o.DateCode()) }),
			"quantity":        on(func(x *fastExec, o *model.MaterialLot) error { return x.floatO(o.Quantity()) }),
			"countryOfOrigin": on(func(x *fastExec, o *model.MaterialLot) error { return x.strO(o.CountryOfOrigin()) }),
			"expiresAt":       on(func(x *fastExec, o *model.MaterialLot) error { return x.timeO(o.ExpiresAt()) }),
			"msl":             on(func(x *fastExec, o *model.MaterialLot) error { return x.strO(o.Msl()) }),
			"floorLifeHours":  on(func(x *fastExec, o *model.MaterialLot) error { return x.floatO(o.FloorLifeHours()) }),
			"floorSince":      on(func(x *fastExec, o *model.MaterialLot) error { return x.timeO(o.FloorSince()) }),
			"bakedAt":         on(func(x *fastExec, o *model.MaterialLot) error { return x.timeO(o.BakedAt()) }),
			"receivedAt":      on(func(x *fastExec, o *model.MaterialLot) error { return x.timeO(o.ReceivedAt()) }),
			"onHold":          on(func(x *fastExec, o *model.MaterialLot) error { return x.boolN(o.OnHold()) }),
			"holds":           {write: objListN("Hold", (*model.MaterialLot).Holds)},
		},
		"WaferBatch": {
			"id":           on(func(x *fastExec, o *model.WaferBatch) error { return x.strN(o.ID()) }),
			"waferBatch":   on(func(x *fastExec, o *model.WaferBatch) error { return x.strN(o.WaferBatch()) }),
			"manufacturer": on(func(x *fastExec, o *model.WaferBatch) error { return x.strO(o.Manufacturer()) }),
			"fab":          on(func(x *fastExec, o *model.WaferBatch) error { return x.strO(o.Fab()) }),
			"waferCount":   on(func(x *fastExec, o *model.WaferBatch) error { return x.intO(o.WaferCount()) }),
			"registeredAt": on(func(x *fastExec, o *model.WaferBatch) error { return x.timeO(o.RegisteredAt()) }),
			"onHold":       on(func(x *fastExec, o *model.WaferBatch) error { return x.boolN(o.OnHold()) }),
			"holds":        {write: objListN("Hold", (*model.WaferBatch).Holds)},
		},
		"Box": {
			"id":        on(func(x *fastExec, o *model.Box) error { return x.strN(o.ID()) }),
			"sscc":      on(func(x *fastExec, o *model.Box) error { return x.strO(o.Sscc()) }),
			"createdAt": on(func(x *fastExec, o *model.Box) error { return x.timeO(o.CreatedAt()) }),
		},
		"Pallet": {
			"id":        on(func(x *fastExec, o *model.Pallet) error { return x.strN(o.ID()) }),
			"sscc":      on(func(x *fastExec, o *model.Pallet) error { return x.strO(o.Sscc()) }),
			"createdAt": on(func(x *fastExec, o *model.Pallet) error { return x.timeO(o.CreatedAt()) }),
		},
		"Shipment": {
			"id":          on(func(x *fastExec, o *model.Shipment) error { return x.strN(o.ID()) }),
			"shipment":    on(func(x *fastExec, o *model.Shipment) error { return x.strN(o.Shipment()) }),
			"destination": on(func(x *fastExec, o *model.Shipment) error { return x.strO(o.Destination()) }),
			"shippedAt":   on(func(x *fastExec, o *model.Shipment) error { return x.timeO(o.ShippedAt()) }),
		},
		"Customer": {
			"id":       on(func(x *fastExec, o *model.Customer) error { return x.strN(o.ID()) }),
			"customer": on(func(x *fastExec, o *model.Customer) error { return x.strN(o.Customer()) }),
		},
		"TestRun": {
			"id":           on(func(x *fastExec, o *model.TestRun) error { return x.strN(o.ID()) }),
			"testType":     on(func(x *fastExec, o *model.TestRun) error { return x.strN(o.TestType()) }),
			"result":       on(func(x *fastExec, o *model.TestRun) error { return x.strN(o.Result()) }),
			"program":      on(func(x *fastExec, o *model.TestRun) error { return x.strO(o.Program()) }),
			"fixture":      on(func(x *fastExec, o *model.TestRun) error { return x.strO(o.Fixture()) }),
			"station":      on(func(x *fastExec, o *model.TestRun) error { return x.strO(o.Station()) }),
			"operator":     on(func(x *fastExec, o *model.TestRun) error { return x.strO(o.Operator()) }),
			"at":           on(func(x *fastExec, o *model.TestRun) error { return x.timeO(o.At()) }),
			"measurements": {write: objListN("Measurement", (*model.TestRun).Measurements)},
			"firmware":     {write: objO("Firmware", (*model.TestRun).Firmware)},
		},
		"ProcessStep": {
			"id":         on(func(x *fastExec, o *model.ProcessStep) error { return x.strN(o.ID()) }),
			"step":       on(func(x *fastExec, o *model.ProcessStep) error { return x.strN(o.Step()) }),
			"recipe":     on(func(x *fastExec, o *model.ProcessStep) error { return x.strO(o.Recipe()) }),
			"parameters": on(func(x *fastExec, o *model.ProcessStep) error { return x.jsonO(o.Parameters()) }),
			"result":     on(func(x *fastExec, o *model.ProcessStep) error { return x.strO(o.Result()) }),
			"station":    on(func(x *fastExec, o *model.ProcessStep) error { return x.strO(o.Station()) }),
			"operator":   on(func(x *fastExec, o *model.ProcessStep) error { return x.strO(o.Operator()) }),
			"at":         on(func(x *fastExec, o *model.ProcessStep) error { return x.timeO(o.At()) }),
			"unitCount":  on(func(x *fastExec, o *model.ProcessStep) error { return x.intO(o.UnitCount()) }),
		},
		"WorkOrder": {
			"id":         on(func(x *fastExec, o *model.WorkOrder) error { return x.strN(o.ID()) }),
			"workOrder":  on(func(x *fastExec, o *model.WorkOrder) error { return x.strN(o.WorkOrder()) }),
			"partNumber": on(func(x *fastExec, o *model.WorkOrder) error { return x.strO(o.PartNumber()) }),
		},
		"Supplier": {
			"id":       on(func(x *fastExec, o *model.Supplier) error { return x.strN(o.ID()) }),
			"supplier": on(func(x *fastExec, o *model.Supplier) error { return x.strN(o.Supplier()) }),
		},
		"Station": {
			"id":           on(func(x *fastExec, o *model.Station) error { return x.strN(o.ID()) }),
			"station":      on(func(x *fastExec, o *model.Station) error { return x.strN(o.Station()) }),
			"lastReadings": on(func(x *fastExec, o *model.Station) error { return x.jsonO(o.LastReadings()) }),
			"activeSetup":  on(func(x *fastExec, o *model.Station) error { return x.strO(o.ActiveSetup()) }),
			"setups":       on(func(x *fastExec, o *model.Station) error { return x.jsonO(o.Setups()) }),
			"activations":  on(func(x *fastExec, o *model.Station) error { return x.jsonO(o.Activations()) }),
			"feeders":      on(func(x *fastExec, o *model.Station) error { return x.jsonO(o.Feeders()) }),
		},
		"Route": {
			"id":         on(func(x *fastExec, o *model.Route) error { return x.strN(o.ID()) }),
			"partNumber": on(func(x *fastExec, o *model.Route) error { return x.strN(o.PartNumber()) }),
			"requires":   on(func(x *fastExec, o *model.Route) error { return x.strListN(o.Requires()) }),
			"definedBy":  on(func(x *fastExec, o *model.Route) error { return x.strN(o.DefinedBy()) }),
			"definedAt":  on(func(x *fastExec, o *model.Route) error { return x.timeN(o.DefinedAt()) }),
		},
		"Product": {
			"id":          on(func(x *fastExec, o *model.Product) error { return x.strN(o.ID()) }),
			"partNumber":  on(func(x *fastExec, o *model.Product) error { return x.strN(o.PartNumber()) }),
			"gtin":        on(func(x *fastExec, o *model.Product) error { return x.strO(o.Gtin()) }),
			"name":        on(func(x *fastExec, o *model.Product) error { return x.strN(o.Name()) }),
			"description": on(func(x *fastExec, o *model.Product) error { return x.strO(o.Description()) }),
			"revision":    on(func(x *fastExec, o *model.Product) error { return x.strO(o.Revision()) }),
			"definedAt":   on(func(x *fastExec, o *model.Product) error { return x.timeO(o.DefinedAt()) }),
			"definedBy":   on(func(x *fastExec, o *model.Product) error { return x.strO(o.DefinedBy()) }),
		},
		"Trace": {
			"nodes":     {write: objN("TraceNodeConnection", func(o *model.Trace) *model.TraceNodeConnection { return o.Nodes })},
			"edges":     {write: objListN("Edge", func(o *model.Trace) []*model.Edge { return o.Edges })},
			"truncated": on(func(x *fastExec, o *model.Trace) error { return x.boolN(o.Truncated) }),
		},
		"TraceNodeConnection": {
			"edges":      {write: writeTraceNodeEdges}, // objListN, with the record path (fastexec_records.go)
			"pageInfo":   {write: objN("PageInfo", func(o *model.TraceNodeConnection) *model.PageInfo { return o.PageInfo })},
			"totalCount": on(func(x *fastExec, o *model.TraceNodeConnection) error { return x.intN(o.TotalCount) }),
		},
		"TraceNodeEdge": {
			"cursor":    on(func(x *fastExec, o *model.TraceNodeEdge) error { return x.strN(o.Cursor) }),
			"depth":     on(func(x *fastExec, o *model.TraceNodeEdge) error { return x.intN(o.Depth()) }),
			"precision": on(func(x *fastExec, o *model.TraceNodeEdge) error { return x.enum(string(o.Precision())) }),
			"direction": on(func(x *fastExec, o *model.TraceNodeEdge) error { return x.enum(string(o.Direction())) }),
		},
		"PageInfo": {
			"hasNextPage":     on(func(x *fastExec, o *model.PageInfo) error { return x.boolN(o.HasNextPage) }),
			"hasPreviousPage": on(func(x *fastExec, o *model.PageInfo) error { return x.boolN(o.HasPreviousPage) }),
			"startCursor":     on(func(x *fastExec, o *model.PageInfo) error { return x.strO(o.StartCursor) }),
			"endCursor":       on(func(x *fastExec, o *model.PageInfo) error { return x.strO(o.EndCursor) }),
		},
		"Edge": {
			"type":       on(func(x *fastExec, o *model.Edge) error { return x.enum(string(o.Type())) }),
			"validFrom":  on(func(x *fastExec, o *model.Edge) error { return x.timeN(o.ValidFrom()) }),
			"validTo":    on(func(x *fastExec, o *model.Edge) error { return x.timeO(o.ValidTo()) }),
			"precision":  on(func(x *fastExec, o *model.Edge) error { return x.enum(string(o.Precision())) }),
			"refDes":     on(func(x *fastExec, o *model.Edge) error { return x.strListN(o.RefDes()) }),
			"position":   on(func(x *fastExec, o *model.Edge) error { return x.strO(o.Position()) }),
			"quantity":   on(func(x *fastExec, o *model.Edge) error { return x.floatO(o.Quantity()) }),
			"station":    on(func(x *fastExec, o *model.Edge) error { return x.strO(o.Station()) }),
			"slot":       on(func(x *fastExec, o *model.Edge) error { return x.strO(o.Slot()) }),
			"derivedBy":  on(func(x *fastExec, o *model.Edge) error { return x.strO(o.DerivedBy()) }),
			"windowFrom": on(func(x *fastExec, o *model.Edge) error { return x.timeO(o.WindowFrom()) }),
			"windowTo":   on(func(x *fastExec, o *model.Edge) error { return x.timeO(o.WindowTo()) }),
			"event":      on(func(x *fastExec, o *model.Edge) error { return x.strO(o.Event()) }),
			"closedBy":   on(func(x *fastExec, o *model.Edge) error { return x.strO(o.ClosedBy()) }),
			"props":      on(func(x *fastExec, o *model.Edge) error { return x.jsonO(o.Props()) }),
		},
		"Identifier": {
			"scheme": on(func(x *fastExec, o *model.Identifier) error { return x.strN(o.Scheme) }),
			"value":  on(func(x *fastExec, o *model.Identifier) error { return x.strN(o.Value) }),
		},
		"Hold": {
			"id":       on(func(x *fastExec, o *model.Hold) error { return x.strN(o.ID) }),
			"source":   on(func(x *fastExec, o *model.Hold) error { return x.strN(o.Source) }),
			"node":     on(func(x *fastExec, o *model.Hold) error { return x.strN(o.Node) }),
			"reason":   on(func(x *fastExec, o *model.Hold) error { return x.strN(o.Reason) }),
			"placedBy": on(func(x *fastExec, o *model.Hold) error { return x.strO(o.PlacedBy) }),
			"event":    on(func(x *fastExec, o *model.Hold) error { return x.strN(o.Event) }),
			"since":    on(func(x *fastExec, o *model.Hold) error { return x.timeN(o.Since) }),
		},
		"Measurement": {
			"name":   on(func(x *fastExec, o *model.Measurement) error { return x.strN(o.Name) }),
			"value":  on(func(x *fastExec, o *model.Measurement) error { return x.floatN(o.Value) }),
			"unit":   on(func(x *fastExec, o *model.Measurement) error { return x.strO(o.Unit) }),
			"low":    on(func(x *fastExec, o *model.Measurement) error { return x.floatO(o.Low) }),
			"high":   on(func(x *fastExec, o *model.Measurement) error { return x.floatO(o.High) }),
			"result": on(func(x *fastExec, o *model.Measurement) error { return x.strO(o.Result) }),
		},
		"Firmware": {
			"version":  on(func(x *fastExec, o *model.Firmware) error { return x.strN(o.Version) }),
			"checksum": on(func(x *fastExec, o *model.Firmware) error { return x.strO(o.Checksum) }),
		},
	}
	resolveNode := nodeResolver(func(r *fastResolvers, ctx context.Context, o *model.TraceNodeEdge) (model.Node, error) {
		return r.traceNodeEdge.Node(ctx, o)
	})
	t["TraceNodeEdge"]["node"] = fastSpec{write: func(x *fastExec, f *fastField, obj any) error {
		if f.page != nil {
			if done, err := x.recordNode(f.page, obj.(*model.TraceNodeEdge)); done || err != nil {
				return err
			}
		}
		return resolveNode(x, f, obj)
	}, fieldContext: (*executionContext).fieldContext_TraceNodeEdge_node}
	t["Edge"]["source"] = fastSpec{write: nodeResolver(func(r *fastResolvers, ctx context.Context, o *model.Edge) (model.Node, error) {
		return r.edge.Source(ctx, o)
	}), fieldContext: (*executionContext).fieldContext_Edge_source}
	t["Edge"]["target"] = fastSpec{write: nodeResolver(func(r *fastResolvers, ctx context.Context, o *model.Edge) (model.Node, error) {
		return r.edge.Target(ctx, o)
	}), fieldContext: (*executionContext).fieldContext_Edge_target}
	return t
}

// fastResolvers are the type resolvers the fast executor calls, made once
// (ResolverRoot's methods make a new one at every call).
type fastResolvers struct {
	query         QueryResolver
	traceNodeEdge TraceNodeEdgeResolver
	edge          EdgeResolver
}

// on adapts a writer of a field of type T's model objects.
func on[T any](write func(x *fastExec, o *T) error) fastSpec {
	return fastSpec{write: func(x *fastExec, _ *fastField, obj any) error { return write(x, obj.(*T)) }}
}

// nodeResolver answers a non-null Node field with a resolver.
func nodeResolver[T any](resolve func(*fastResolvers, context.Context, *T) (model.Node, error)) fieldWriter {
	return func(x *fastExec, f *fastField, obj any) error {
		n, err := resolve(&x.q.resolvers, f.ctx, obj.(*T))
		if err != nil {
			return err
		}
		return x.node(f, n, false)
	}
}

// The scalar writers: each appends one value as gqlgen's marshaller of its
// type writes it (fastexec_json.go). They take the value, not a getter, so
// that the model methods inline into the table's functions and the
// pointers the nullable ones return stay on the stack.

func (x *fastExec) strN(s string) error {
	x.b = appendQuoted(x.b, s)
	return nil
}

func (x *fastExec) strO(s *string) error {
	if s == nil {
		x.b = append(x.b, "null"...)
		return nil
	}
	x.b = appendQuoted(x.b, *s)
	return nil
}

func (x *fastExec) strListN(list []string) error {
	x.b = append(x.b, '[')
	for i, s := range list {
		if i > 0 {
			x.b = append(x.b, ',')
		}
		x.b = appendQuoted(x.b, s)
	}
	x.b = append(x.b, ']')
	return nil
}

func (x *fastExec) timeN(t time.Time) error {
	x.b = appendDateTime(x.b, t)
	return nil
}

func (x *fastExec) timeO(t *time.Time) error {
	if t == nil {
		x.b = append(x.b, "null"...)
		return nil
	}
	x.b = appendDateTime(x.b, *t)
	return nil
}

func (x *fastExec) boolN(v bool) error {
	x.b = strconv.AppendBool(x.b, v)
	return nil
}

func (x *fastExec) intN(v int) error {
	x.b = strconv.AppendInt(x.b, int64(v), 10)
	return nil
}

func (x *fastExec) intO(v *int) error {
	if v == nil {
		x.b = append(x.b, "null"...)
		return nil
	}
	x.b = strconv.AppendInt(x.b, int64(*v), 10)
	return nil
}

func (x *fastExec) floatN(v float64) error {
	var ok bool
	if x.b, ok = appendFloat(x.b, v); !ok {
		return errFastFloat
	}
	return nil
}

func (x *fastExec) floatO(v *float64) error {
	if v == nil {
		x.b = append(x.b, "null"...)
		return nil
	}
	return x.floatN(*v)
}

// jsonO writes a JSON scalar with model.MarshalJSON itself (rare, and its
// encoding is encoding/json's), rewritten as json.Marshal rewrites it.
func (x *fastExec) jsonO(v any) error {
	if v == nil {
		x.b = append(x.b, "null"...)
		return nil
	}
	x.scratch.b = x.scratch.b[:0]
	model.MarshalJSON(v).MarshalGQL(&x.scratch)
	x.b = tracegraph.AppendMarshaledJSON(x.b, x.scratch.b)
	return nil
}

// scratchWriter is an io.Writer appending to b.
type scratchWriter struct{ b []byte }

func (w *scratchWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// enum writes an enum value as the model enums' MarshalGQL do.
func (x *fastExec) enum(v string) error {
	x.b, x.scratch.b = appendEnum(x.b, x.scratch.b, v)
	return nil
}

func objN[T, U any](typ string, get func(*T) *U) fieldWriter {
	return func(x *fastExec, f *fastField, obj any) error {
		v := get(obj.(*T))
		if v == nil {
			return errFastNull
		}
		return x.object(f, typ, v)
	}
}

func objO[T, U any](typ string, get func(*T) *U) fieldWriter {
	return func(x *fastExec, f *fastField, obj any) error {
		v := get(obj.(*T))
		if v == nil {
			x.b = append(x.b, "null"...)
			return nil
		}
		return x.object(f, typ, v)
	}
}

func objListN[T, U any](typ string, get func(*T) []*U) fieldWriter {
	return func(x *fastExec, f *fastField, obj any) error {
		x.b = append(x.b, '[')
		for i, v := range get(obj.(*T)) {
			if i > 0 {
				x.b = append(x.b, ',')
			}
			if v == nil {
				return errFastNull
			}
			if err := x.object(f, typ, v); err != nil {
				return err
			}
		}
		x.b = append(x.b, ']')
		return nil
	}
}
