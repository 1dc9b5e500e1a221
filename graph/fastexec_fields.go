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
			"id":         {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Unit); return x.strN(o.ID()) }},
			"serial":     {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Unit); return x.strN(o.Serial()) }},
			"partNumber": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Unit); return x.strN(o.PartNumber()) }},
			"revision":   {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Unit); return x.strO(o.Revision()) }},
			"workOrder":  {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Unit); return x.strO(o.WorkOrder()) }},
			"kind":       {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Unit); return x.strO(o.Kind()) }},
			"origin":     {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Unit); return x.strN(o.Origin()) }},
			"status":     {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Unit); return x.strN(o.Status()) }},
			"createdAt":  {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Unit); return x.timeO(o.CreatedAt()) }},
			"completedAt": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Unit)
				return x.timeO(o.CompletedAt())
			}},
			"shippedAt":   {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Unit); return x.timeO(o.ShippedAt()) }},
			"scrappedAt":  {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Unit); return x.timeO(o.ScrappedAt()) }},
			"shipment":    {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Unit); return x.strO(o.Shipment()) }},
			"customer":    {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Unit); return x.strO(o.Customer()) }},
			"identifiers": {write: objListN("Identifier", (*model.Unit).Identifiers)},
			"onHold":      {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Unit); return x.boolN(o.OnHold()) }},
			"holds":       {write: objListN("Hold", (*model.Unit).Holds)},
		},
		"Component": {
			"id":     {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Component); return x.strN(o.ID()) }},
			"serial": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Component); return x.strN(o.Serial()) }},
			"partNumber": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Component)
				return x.strN(o.PartNumber())
			}},
			"mpn": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Component); return x.strO(o.Mpn()) }},
			"manufacturer": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Component)
				return x.strO(o.Manufacturer())
			}},
			"supplier": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Component)
				return x.strO(o.Supplier())
			}},
			"dateCode": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Component)
				return x.strO(o.DateCode())
			}},
			"lot": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Component); return x.strO(o.Lot()) }},
			"receivedAt": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Component)
				return x.timeO(o.ReceivedAt())
			}},
			"status": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Component); return x.strO(o.Status()) }},
			"onHold": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Component)
				return x.boolN(o.OnHold())
			}},
			"holds": {write: objListN("Hold", (*model.Component).Holds)},
		},
		"MaterialLot": {
			"id":  {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.MaterialLot); return x.strN(o.ID()) }},
			"lot": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.MaterialLot); return x.strN(o.Lot()) }},
			"partNumber": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.MaterialLot)
				return x.strN(o.PartNumber())
			}},
			"mpn": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.MaterialLot); return x.strO(o.Mpn()) }},
			"manufacturer": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.MaterialLot)
				return x.strO(o.Manufacturer())
			}},
			"supplier": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.MaterialLot)
				return x.strO(o.Supplier())
			}},
			"dateCode": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.MaterialLot)
				return x.strO(o.DateCode())
			}},
			"quantity": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.MaterialLot)
				return x.floatO(o.Quantity())
			}},
			"countryOfOrigin": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.MaterialLot)
				return x.strO(o.CountryOfOrigin())
			}},
			"expiresAt": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.MaterialLot)
				return x.timeO(o.ExpiresAt())
			}},
			"msl": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.MaterialLot); return x.strO(o.Msl()) }},
			"floorLifeHours": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.MaterialLot)
				return x.floatO(o.FloorLifeHours())
			}},
			"floorSince": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.MaterialLot)
				return x.timeO(o.FloorSince())
			}},
			"bakedAt": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.MaterialLot)
				return x.timeO(o.BakedAt())
			}},
			"receivedAt": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.MaterialLot)
				return x.timeO(o.ReceivedAt())
			}},
			"onHold": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.MaterialLot)
				return x.boolN(o.OnHold())
			}},
			"holds": {write: objListN("Hold", (*model.MaterialLot).Holds)},
		},
		"WaferBatch": {
			"id": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.WaferBatch); return x.strN(o.ID()) }},
			"waferBatch": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.WaferBatch)
				return x.strN(o.WaferBatch())
			}},
			"manufacturer": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.WaferBatch)
				return x.strO(o.Manufacturer())
			}},
			"fab": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.WaferBatch); return x.strO(o.Fab()) }},
			"waferCount": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.WaferBatch)
				return x.intO(o.WaferCount())
			}},
			"registeredAt": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.WaferBatch)
				return x.timeO(o.RegisteredAt())
			}},
			"onHold": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.WaferBatch)
				return x.boolN(o.OnHold())
			}},
			"holds": {write: objListN("Hold", (*model.WaferBatch).Holds)},
		},
		"Box": {
			"id":        {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Box); return x.strN(o.ID()) }},
			"sscc":      {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Box); return x.strO(o.Sscc()) }},
			"createdAt": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Box); return x.timeO(o.CreatedAt()) }},
		},
		"Pallet": {
			"id":   {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Pallet); return x.strN(o.ID()) }},
			"sscc": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Pallet); return x.strO(o.Sscc()) }},
			"createdAt": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Pallet)
				return x.timeO(o.CreatedAt())
			}},
		},
		"Shipment": {
			"id": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Shipment); return x.strN(o.ID()) }},
			"shipment": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Shipment)
				return x.strN(o.Shipment())
			}},
			"destination": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Shipment)
				return x.strO(o.Destination())
			}},
			"shippedAt": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Shipment)
				return x.timeO(o.ShippedAt())
			}},
		},
		"Customer": {
			"id": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Customer); return x.strN(o.ID()) }},
			"customer": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Customer)
				return x.strN(o.Customer())
			}},
		},
		"TestRun": {
			"id":           {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.TestRun); return x.strN(o.ID()) }},
			"testType":     {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.TestRun); return x.strN(o.TestType()) }},
			"result":       {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.TestRun); return x.strN(o.Result()) }},
			"program":      {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.TestRun); return x.strO(o.Program()) }},
			"fixture":      {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.TestRun); return x.strO(o.Fixture()) }},
			"station":      {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.TestRun); return x.strO(o.Station()) }},
			"operator":     {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.TestRun); return x.strO(o.Operator()) }},
			"at":           {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.TestRun); return x.timeO(o.At()) }},
			"measurements": {write: objListN("Measurement", (*model.TestRun).Measurements)},
			"firmware":     {write: objO("Firmware", (*model.TestRun).Firmware)},
		},
		"ProcessStep": {
			"id":   {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.ProcessStep); return x.strN(o.ID()) }},
			"step": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.ProcessStep); return x.strN(o.Step()) }},
			"recipe": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.ProcessStep)
				return x.strO(o.Recipe())
			}},
			"parameters": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.ProcessStep)
				return x.jsonO(o.Parameters())
			}},
			"result": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.ProcessStep)
				return x.strO(o.Result())
			}},
			"station": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.ProcessStep)
				return x.strO(o.Station())
			}},
			"operator": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.ProcessStep)
				return x.strO(o.Operator())
			}},
			"at": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.ProcessStep); return x.timeO(o.At()) }},
			"unitCount": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.ProcessStep)
				return x.intO(o.UnitCount())
			}},
		},
		"WorkOrder": {
			"id": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.WorkOrder); return x.strN(o.ID()) }},
			"workOrder": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.WorkOrder)
				return x.strN(o.WorkOrder())
			}},
			"partNumber": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.WorkOrder)
				return x.strO(o.PartNumber())
			}},
		},
		"Supplier": {
			"id": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Supplier); return x.strN(o.ID()) }},
			"supplier": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Supplier)
				return x.strN(o.Supplier())
			}},
		},
		"Station": {
			"id":      {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Station); return x.strN(o.ID()) }},
			"station": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Station); return x.strN(o.Station()) }},
			"lastReadings": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Station)
				return x.jsonO(o.LastReadings())
			}},
			"activeSetup": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Station)
				return x.strO(o.ActiveSetup())
			}},
			"setups": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Station); return x.jsonO(o.Setups()) }},
			"activations": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Station)
				return x.jsonO(o.Activations())
			}},
			"feeders": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Station); return x.jsonO(o.Feeders()) }},
		},
		"Route": {
			"id":         {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Route); return x.strN(o.ID()) }},
			"partNumber": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Route); return x.strN(o.PartNumber()) }},
			"requires": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Route)
				return x.strListN(o.Requires())
			}},
			"definedBy": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Route); return x.strN(o.DefinedBy()) }},
			"definedAt": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Route); return x.timeN(o.DefinedAt()) }},
		},
		"Product": {
			"id": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Product); return x.strN(o.ID()) }},
			"partNumber": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Product)
				return x.strN(o.PartNumber())
			}},
			"gtin": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Product); return x.strO(o.Gtin()) }},
			"name": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Product); return x.strN(o.Name()) }},
			"description": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Product)
				return x.strO(o.Description())
			}},
			"revision": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Product); return x.strO(o.Revision()) }},
			"definedAt": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Product)
				return x.timeO(o.DefinedAt())
			}},
			"definedBy": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Product)
				return x.strO(o.DefinedBy())
			}},
		},
		"Trace": {
			"nodes":     {write: objN("TraceNodeConnection", func(o *model.Trace) *model.TraceNodeConnection { return o.Nodes })},
			"edges":     {write: objListN("Edge", func(o *model.Trace) []*model.Edge { return o.Edges })},
			"truncated": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Trace); return x.boolN(o.Truncated) }},
		},
		"TraceNodeConnection": {
			"edges":    {write: objListN("TraceNodeEdge", func(o *model.TraceNodeConnection) []*model.TraceNodeEdge { return o.Edges })},
			"pageInfo": {write: objN("PageInfo", func(o *model.TraceNodeConnection) *model.PageInfo { return o.PageInfo })},
			"totalCount": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.TraceNodeConnection)
				return x.intN(o.TotalCount)
			}},
		},
		"TraceNodeEdge": {
			"cursor": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.TraceNodeEdge)
				return x.strN(o.Cursor)
			}},
			"depth": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.TraceNodeEdge)
				return x.intN(o.Depth())
			}},
			"precision": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.TraceNodeEdge)
				return x.enum(string(o.Precision()))
			}},
			"direction": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.TraceNodeEdge)
				return x.enum(string(o.Direction()))
			}},
		},
		"PageInfo": {
			"hasNextPage": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.PageInfo)
				return x.boolN(o.HasNextPage)
			}},
			"hasPreviousPage": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.PageInfo)
				return x.boolN(o.HasPreviousPage)
			}},
			"startCursor": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.PageInfo)
				return x.strO(o.StartCursor)
			}},
			"endCursor": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.PageInfo); return x.strO(o.EndCursor) }},
		},
		"Edge": {
			"type": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Edge)
				return x.enum(string(o.Type()))
			}},
			"validFrom": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Edge); return x.timeN(o.ValidFrom()) }},
			"validTo":   {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Edge); return x.timeO(o.ValidTo()) }},
			"precision": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Edge)
				return x.enum(string(o.Precision()))
			}},
			"refDes":     {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Edge); return x.strListN(o.RefDes()) }},
			"position":   {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Edge); return x.strO(o.Position()) }},
			"quantity":   {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Edge); return x.floatO(o.Quantity()) }},
			"station":    {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Edge); return x.strO(o.Station()) }},
			"slot":       {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Edge); return x.strO(o.Slot()) }},
			"derivedBy":  {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Edge); return x.strO(o.DerivedBy()) }},
			"windowFrom": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Edge); return x.timeO(o.WindowFrom()) }},
			"windowTo":   {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Edge); return x.timeO(o.WindowTo()) }},
			"event":      {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Edge); return x.strO(o.Event()) }},
			"closedBy":   {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Edge); return x.strO(o.ClosedBy()) }},
			"props":      {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Edge); return x.jsonO(o.Props()) }},
		},
		"Identifier": {
			"scheme": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Identifier); return x.strN(o.Scheme) }},
			"value":  {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Identifier); return x.strN(o.Value) }},
		},
		"Hold": {
			"id":       {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Hold); return x.strN(o.ID) }},
			"source":   {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Hold); return x.strN(o.Source) }},
			"node":     {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Hold); return x.strN(o.Node) }},
			"reason":   {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Hold); return x.strN(o.Reason) }},
			"placedBy": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Hold); return x.strO(o.PlacedBy) }},
			"event":    {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Hold); return x.strN(o.Event) }},
			"since":    {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Hold); return x.timeN(o.Since) }},
		},
		"Measurement": {
			"name": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Measurement); return x.strN(o.Name) }},
			"value": {write: func(x *fastExec, _ *fastField, obj any) error {
				o := obj.(*model.Measurement)
				return x.floatN(o.Value)
			}},
			"unit":   {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Measurement); return x.strO(o.Unit) }},
			"low":    {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Measurement); return x.floatO(o.Low) }},
			"high":   {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Measurement); return x.floatO(o.High) }},
			"result": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Measurement); return x.strO(o.Result) }},
		},
		"Firmware": {
			"version":  {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Firmware); return x.strN(o.Version) }},
			"checksum": {write: func(x *fastExec, _ *fastField, obj any) error { o := obj.(*model.Firmware); return x.strO(o.Checksum) }},
		},
	}
	t["TraceNodeEdge"]["node"] = fastSpec{write: nodeResolver(func(r *fastResolvers, ctx context.Context, o *model.TraceNodeEdge) (model.Node, error) {
		return r.traceNodeEdge.Node(ctx, o)
	}), fieldContext: (*executionContext).fieldContext_TraceNodeEdge_node}
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
	w := scratchWriter{x.scratch[:0]}
	model.MarshalJSON(v).MarshalGQL(&w)
	x.scratch = w.b
	x.b = tracegraph.AppendMarshaledJSON(x.b, w.b)
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
	x.b, x.scratch = appendEnum(x.b, x.scratch, v)
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
