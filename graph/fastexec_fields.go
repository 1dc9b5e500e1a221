package graph

import (
	"context"
	"strconv"
	"time"

	"github.com/99designs/gqlgen/graphql"
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
			"id":          {write: strN((*model.Unit).ID)},
			"serial":      {write: strN((*model.Unit).Serial)},
			"partNumber":  {write: strN((*model.Unit).PartNumber)},
			"revision":    {write: strO((*model.Unit).Revision)},
			"workOrder":   {write: strO((*model.Unit).WorkOrder)},
			"kind":        {write: strO((*model.Unit).Kind)},
			"origin":      {write: strN((*model.Unit).Origin)},
			"status":      {write: strN((*model.Unit).Status)},
			"createdAt":   {write: timeO((*model.Unit).CreatedAt)},
			"completedAt": {write: timeO((*model.Unit).CompletedAt)},
			"shippedAt":   {write: timeO((*model.Unit).ShippedAt)},
			"scrappedAt":  {write: timeO((*model.Unit).ScrappedAt)},
			"shipment":    {write: strO((*model.Unit).Shipment)},
			"customer":    {write: strO((*model.Unit).Customer)},
			"identifiers": {write: objListN("Identifier", (*model.Unit).Identifiers)},
			"onHold":      {write: boolN((*model.Unit).OnHold)},
			"holds":       {write: objListN("Hold", (*model.Unit).Holds)},
		},
		"Component": {
			"id":           {write: strN((*model.Component).ID)},
			"serial":       {write: strN((*model.Component).Serial)},
			"partNumber":   {write: strN((*model.Component).PartNumber)},
			"mpn":          {write: strO((*model.Component).Mpn)},
			"manufacturer": {write: strO((*model.Component).Manufacturer)},
			"supplier":     {write: strO((*model.Component).Supplier)},
			"dateCode":     {write: strO((*model.Component).DateCode)},
			"lot":          {write: strO((*model.Component).Lot)},
			"receivedAt":   {write: timeO((*model.Component).ReceivedAt)},
			"status":       {write: strO((*model.Component).Status)},
			"onHold":       {write: boolN((*model.Component).OnHold)},
			"holds":        {write: objListN("Hold", (*model.Component).Holds)},
		},
		"MaterialLot": {
			"id":              {write: strN((*model.MaterialLot).ID)},
			"lot":             {write: strN((*model.MaterialLot).Lot)},
			"partNumber":      {write: strN((*model.MaterialLot).PartNumber)},
			"mpn":             {write: strO((*model.MaterialLot).Mpn)},
			"manufacturer":    {write: strO((*model.MaterialLot).Manufacturer)},
			"supplier":        {write: strO((*model.MaterialLot).Supplier)},
			"dateCode":        {write: strO((*model.MaterialLot).DateCode)},
			"quantity":        {write: floatO((*model.MaterialLot).Quantity)},
			"countryOfOrigin": {write: strO((*model.MaterialLot).CountryOfOrigin)},
			"expiresAt":       {write: timeO((*model.MaterialLot).ExpiresAt)},
			"msl":             {write: strO((*model.MaterialLot).Msl)},
			"floorLifeHours":  {write: floatO((*model.MaterialLot).FloorLifeHours)},
			"floorSince":      {write: timeO((*model.MaterialLot).FloorSince)},
			"bakedAt":         {write: timeO((*model.MaterialLot).BakedAt)},
			"receivedAt":      {write: timeO((*model.MaterialLot).ReceivedAt)},
			"onHold":          {write: boolN((*model.MaterialLot).OnHold)},
			"holds":           {write: objListN("Hold", (*model.MaterialLot).Holds)},
		},
		"WaferBatch": {
			"id":           {write: strN((*model.WaferBatch).ID)},
			"waferBatch":   {write: strN((*model.WaferBatch).WaferBatch)},
			"manufacturer": {write: strO((*model.WaferBatch).Manufacturer)},
			"fab":          {write: strO((*model.WaferBatch).Fab)},
			"waferCount":   {write: intO((*model.WaferBatch).WaferCount)},
			"registeredAt": {write: timeO((*model.WaferBatch).RegisteredAt)},
			"onHold":       {write: boolN((*model.WaferBatch).OnHold)},
			"holds":        {write: objListN("Hold", (*model.WaferBatch).Holds)},
		},
		"Box": {
			"id":        {write: strN((*model.Box).ID)},
			"sscc":      {write: strO((*model.Box).Sscc)},
			"createdAt": {write: timeO((*model.Box).CreatedAt)},
		},
		"Pallet": {
			"id":        {write: strN((*model.Pallet).ID)},
			"sscc":      {write: strO((*model.Pallet).Sscc)},
			"createdAt": {write: timeO((*model.Pallet).CreatedAt)},
		},
		"Shipment": {
			"id":          {write: strN((*model.Shipment).ID)},
			"shipment":    {write: strN((*model.Shipment).Shipment)},
			"destination": {write: strO((*model.Shipment).Destination)},
			"shippedAt":   {write: timeO((*model.Shipment).ShippedAt)},
		},
		"Customer": {
			"id":       {write: strN((*model.Customer).ID)},
			"customer": {write: strN((*model.Customer).Customer)},
		},
		"TestRun": {
			"id":           {write: strN((*model.TestRun).ID)},
			"testType":     {write: strN((*model.TestRun).TestType)},
			"result":       {write: strN((*model.TestRun).Result)},
			"program":      {write: strO((*model.TestRun).Program)},
			"fixture":      {write: strO((*model.TestRun).Fixture)},
			"station":      {write: strO((*model.TestRun).Station)},
			"operator":     {write: strO((*model.TestRun).Operator)},
			"at":           {write: timeO((*model.TestRun).At)},
			"measurements": {write: objListN("Measurement", (*model.TestRun).Measurements)},
			"firmware":     {write: objO("Firmware", (*model.TestRun).Firmware)},
		},
		"ProcessStep": {
			"id":         {write: strN((*model.ProcessStep).ID)},
			"step":       {write: strN((*model.ProcessStep).Step)},
			"recipe":     {write: strO((*model.ProcessStep).Recipe)},
			"parameters": {write: jsonO((*model.ProcessStep).Parameters)},
			"result":     {write: strO((*model.ProcessStep).Result)},
			"station":    {write: strO((*model.ProcessStep).Station)},
			"operator":   {write: strO((*model.ProcessStep).Operator)},
			"at":         {write: timeO((*model.ProcessStep).At)},
			"unitCount":  {write: intO((*model.ProcessStep).UnitCount)},
		},
		"WorkOrder": {
			"id":         {write: strN((*model.WorkOrder).ID)},
			"workOrder":  {write: strN((*model.WorkOrder).WorkOrder)},
			"partNumber": {write: strO((*model.WorkOrder).PartNumber)},
		},
		"Supplier": {
			"id":       {write: strN((*model.Supplier).ID)},
			"supplier": {write: strN((*model.Supplier).Supplier)},
		},
		"Station": {
			"id":           {write: strN((*model.Station).ID)},
			"station":      {write: strN((*model.Station).Station)},
			"lastReadings": {write: jsonO((*model.Station).LastReadings)},
			"activeSetup":  {write: strO((*model.Station).ActiveSetup)},
			"setups":       {write: jsonO((*model.Station).Setups)},
			"activations":  {write: jsonO((*model.Station).Activations)},
			"feeders":      {write: jsonO((*model.Station).Feeders)},
		},
		"Route": {
			"id":         {write: strN((*model.Route).ID)},
			"partNumber": {write: strN((*model.Route).PartNumber)},
			"requires":   {write: strListN((*model.Route).Requires)},
			"definedBy":  {write: strN((*model.Route).DefinedBy)},
			"definedAt":  {write: timeN((*model.Route).DefinedAt)},
		},
		"Product": {
			"id":          {write: strN((*model.Product).ID)},
			"partNumber":  {write: strN((*model.Product).PartNumber)},
			"gtin":        {write: strO((*model.Product).Gtin)},
			"name":        {write: strN((*model.Product).Name)},
			"description": {write: strO((*model.Product).Description)},
			"revision":    {write: strO((*model.Product).Revision)},
			"definedAt":   {write: timeO((*model.Product).DefinedAt)},
			"definedBy":   {write: strO((*model.Product).DefinedBy)},
		},
		"Trace": {
			"nodes":     {write: objN("TraceNodeConnection", func(o *model.Trace) *model.TraceNodeConnection { return o.Nodes })},
			"edges":     {write: objListN("Edge", func(o *model.Trace) []*model.Edge { return o.Edges })},
			"truncated": {write: boolN(func(o *model.Trace) bool { return o.Truncated })},
		},
		"TraceNodeConnection": {
			"edges":      {write: objListN("TraceNodeEdge", func(o *model.TraceNodeConnection) []*model.TraceNodeEdge { return o.Edges })},
			"pageInfo":   {write: objN("PageInfo", func(o *model.TraceNodeConnection) *model.PageInfo { return o.PageInfo })},
			"totalCount": {write: intN(func(o *model.TraceNodeConnection) int { return o.TotalCount })},
		},
		"TraceNodeEdge": {
			"cursor":    {write: strN(func(o *model.TraceNodeEdge) string { return o.Cursor })},
			"depth":     {write: intN((*model.TraceNodeEdge).Depth)},
			"precision": {write: enumN((*model.TraceNodeEdge).Precision)},
			"direction": {write: enumN((*model.TraceNodeEdge).Direction)},
		},
		"PageInfo": {
			"hasNextPage":     {write: boolN(func(o *model.PageInfo) bool { return o.HasNextPage })},
			"hasPreviousPage": {write: boolN(func(o *model.PageInfo) bool { return o.HasPreviousPage })},
			"startCursor":     {write: strO(func(o *model.PageInfo) *string { return o.StartCursor })},
			"endCursor":       {write: strO(func(o *model.PageInfo) *string { return o.EndCursor })},
		},
		"Edge": {
			"type":       {write: enumN((*model.Edge).Type)},
			"validFrom":  {write: timeN((*model.Edge).ValidFrom)},
			"validTo":    {write: timeO((*model.Edge).ValidTo)},
			"precision":  {write: enumN((*model.Edge).Precision)},
			"refDes":     {write: strListN((*model.Edge).RefDes)},
			"position":   {write: strO((*model.Edge).Position)},
			"quantity":   {write: floatO((*model.Edge).Quantity)},
			"station":    {write: strO((*model.Edge).Station)},
			"slot":       {write: strO((*model.Edge).Slot)},
			"derivedBy":  {write: strO((*model.Edge).DerivedBy)},
			"windowFrom": {write: timeO((*model.Edge).WindowFrom)},
			"windowTo":   {write: timeO((*model.Edge).WindowTo)},
			"event":      {write: strO((*model.Edge).Event)},
			"closedBy":   {write: strO((*model.Edge).ClosedBy)},
			"props":      {write: jsonO((*model.Edge).Props)},
		},
		"Identifier": {
			"scheme": {write: strN(func(o *model.Identifier) string { return o.Scheme })},
			"value":  {write: strN(func(o *model.Identifier) string { return o.Value })},
		},
		"Hold": {
			"id":       {write: strN(func(o *model.Hold) string { return o.ID })},
			"source":   {write: strN(func(o *model.Hold) string { return o.Source })},
			"node":     {write: strN(func(o *model.Hold) string { return o.Node })},
			"reason":   {write: strN(func(o *model.Hold) string { return o.Reason })},
			"placedBy": {write: strO(func(o *model.Hold) *string { return o.PlacedBy })},
			"event":    {write: strN(func(o *model.Hold) string { return o.Event })},
			"since":    {write: timeN(func(o *model.Hold) time.Time { return o.Since })},
		},
		"Measurement": {
			"name":   {write: strN(func(o *model.Measurement) string { return o.Name })},
			"value":  {write: floatN(func(o *model.Measurement) float64 { return o.Value })},
			"unit":   {write: strO(func(o *model.Measurement) *string { return o.Unit })},
			"low":    {write: floatO(func(o *model.Measurement) *float64 { return o.Low })},
			"high":   {write: floatO(func(o *model.Measurement) *float64 { return o.High })},
			"result": {write: strO(func(o *model.Measurement) *string { return o.Result })},
		},
		"Firmware": {
			"version":  {write: strN(func(o *model.Firmware) string { return o.Version })},
			"checksum": {write: strO(func(o *model.Firmware) *string { return o.Checksum })},
		},
	}
	t["TraceNodeEdge"]["node"] = fastSpec{write: nodeResolver(func(r ResolverRoot, ctx context.Context, o *model.TraceNodeEdge) (model.Node, error) {
		return r.TraceNodeEdge().Node(ctx, o)
	}), fieldContext: (*executionContext).fieldContext_TraceNodeEdge_node}
	t["Edge"]["source"] = fastSpec{write: nodeResolver(func(r ResolverRoot, ctx context.Context, o *model.Edge) (model.Node, error) {
		return r.Edge().Source(ctx, o)
	}), fieldContext: (*executionContext).fieldContext_Edge_source}
	t["Edge"]["target"] = fastSpec{write: nodeResolver(func(r ResolverRoot, ctx context.Context, o *model.Edge) (model.Node, error) {
		return r.Edge().Target(ctx, o)
	}), fieldContext: (*executionContext).fieldContext_Edge_target}
	return t
}

// nodeResolver answers a non-null Node field with a resolver.
func nodeResolver[T any](resolve func(ResolverRoot, context.Context, *T) (model.Node, error)) fieldWriter {
	return func(x *fastExec, f *fastField, obj any) error {
		n, err := resolve(x.q.resolvers, f.ctx, obj.(*T))
		if err != nil {
			return err
		}
		return x.node(f, n, false)
	}
}

func strN[T any](get func(*T) string) fieldWriter {
	return func(x *fastExec, _ *fastField, obj any) error {
		x.b = appendQuoted(x.b, get(obj.(*T)))
		return nil
	}
}

func strO[T any](get func(*T) *string) fieldWriter {
	return func(x *fastExec, _ *fastField, obj any) error {
		if s := get(obj.(*T)); s != nil {
			x.b = appendQuoted(x.b, *s)
		} else {
			x.b = append(x.b, "null"...)
		}
		return nil
	}
}

func strListN[T any](get func(*T) []string) fieldWriter {
	return func(x *fastExec, _ *fastField, obj any) error {
		x.b = append(x.b, '[')
		for i, s := range get(obj.(*T)) {
			if i > 0 {
				x.b = append(x.b, ',')
			}
			x.b = appendQuoted(x.b, s)
		}
		x.b = append(x.b, ']')
		return nil
	}
}

func timeN[T any](get func(*T) time.Time) fieldWriter {
	return func(x *fastExec, _ *fastField, obj any) error {
		x.b = appendDateTime(x.b, get(obj.(*T)))
		return nil
	}
}

func timeO[T any](get func(*T) *time.Time) fieldWriter {
	return func(x *fastExec, _ *fastField, obj any) error {
		if t := get(obj.(*T)); t != nil {
			x.b = appendDateTime(x.b, *t)
		} else {
			x.b = append(x.b, "null"...)
		}
		return nil
	}
}

func boolN[T any](get func(*T) bool) fieldWriter {
	return func(x *fastExec, _ *fastField, obj any) error {
		x.b = strconv.AppendBool(x.b, get(obj.(*T)))
		return nil
	}
}

func intN[T any](get func(*T) int) fieldWriter {
	return func(x *fastExec, _ *fastField, obj any) error {
		x.b = strconv.AppendInt(x.b, int64(get(obj.(*T))), 10)
		return nil
	}
}

func intO[T any](get func(*T) *int) fieldWriter {
	return func(x *fastExec, _ *fastField, obj any) error {
		if v := get(obj.(*T)); v != nil {
			x.b = strconv.AppendInt(x.b, int64(*v), 10)
		} else {
			x.b = append(x.b, "null"...)
		}
		return nil
	}
}

func floatN[T any](get func(*T) float64) fieldWriter {
	return func(x *fastExec, _ *fastField, obj any) error {
		var ok bool
		if x.b, ok = appendFloat(x.b, get(obj.(*T))); !ok {
			return errFastFloat
		}
		return nil
	}
}

func floatO[T any](get func(*T) *float64) fieldWriter {
	return func(x *fastExec, _ *fastField, obj any) error {
		v := get(obj.(*T))
		if v == nil {
			x.b = append(x.b, "null"...)
			return nil
		}
		var ok bool
		if x.b, ok = appendFloat(x.b, *v); !ok {
			return errFastFloat
		}
		return nil
	}
}

// jsonO writes a JSON scalar with model.MarshalJSON itself: rare, and its
// encoding is encoding/json's.
func jsonO[T any](get func(*T) any) fieldWriter {
	return func(x *fastExec, _ *fastField, obj any) error {
		v := get(obj.(*T))
		if v == nil {
			x.b = append(x.b, "null"...)
			return nil
		}
		model.MarshalJSON(v).MarshalGQL(x)
		return nil
	}
}

func enumN[T any, E ~string](get func(*T) E) fieldWriter {
	return func(x *fastExec, _ *fastField, obj any) error {
		x.b = appendEnum(x.b, get(obj.(*T)))
		return nil
	}
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
