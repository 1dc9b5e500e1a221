package resolvers

import (
	"math"
	"time"

	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/model"
)

// Typical lengths of the unpaged lists, for the complexity estimate: a
// finished PCBA consumes about 60 part numbers, has 3 to 5 tests and about 8
// process records; a pallet holds 40 boxes of 20 units.
const (
	nLookup      = 2
	nTests       = 5
	nSteps       = 10
	nConsumed    = 60
	nChildren    = 5
	nEvents      = 20
	nContents    = 40
	nExplode     = 2000
	nDerived     = 20
	nRollup      = 100
	nShipments   = 20
	nStepUnits   = 10
	eventsCost   = 50 // one store call per node
	nEvidence    = 6  // links from a suspect to a unit: wafer, lot, reel, board, product
	evidenceCost = 50 // one store call per unit
	defaultFirst = 100
)

// Costs of the fields whose work does not follow from the size of their
// answer. stats counts every node and edge of the store: about 1 ms per
// 100,000 (10,000 aliased stats ran 12 s on the demo store), so at the
// default MaxComplexity a query may ask for it ten times. recallImpact,
// whereUsed and trace walk every node they reach before the first is
// answered, whatever page is asked for.
const (
	statsCost     = 20_000
	traversalCost = 1_000
)

// mul multiplies without overflowing.
func mul(n, c int) int {
	if n > 0 && c > math.MaxInt/n {
		return math.MaxInt
	}
	return n * c
}

func firstOr(first *int, def int) int {
	if first == nil || *first <= 0 {
		return def
	}
	return *first
}

func list(n int) func(int) int { return func(c int) int { return mul(n, c+1) } }

// setComplexity fills the estimates of the fields whose cost depends on the
// length of a list.
func setComplexity(c *graph.ComplexityRoot) {
	c.Query.Stats = func(int) int { return statsCost }
	c.Query.Trace = func(child int, _ []string, _ model.TraceDirection, _ *int, _ []model.EdgeType, _ *time.Time, _ *bool, _ *model.Precision, first *int, _ *string) int {
		return traversalCost + mul(firstOr(first, defaultTracePage), child+1)
	}
	c.Query.RecallImpact = func(child int, _ []string, _ *model.MaterialFilter, _ *time.Time, _ *bool) int {
		return traversalCost + child
	}
	c.Query.WhereUsed = func(child int, _ model.MaterialFilter, _, _, _ *time.Time, _ *bool) int {
		return traversalCost + child
	}
	c.Query.Units = func(child int, _ *model.UnitFilter, first *int, _ *string) int {
		return mul(firstOr(first, defaultFirst), child+1)
	}
	c.Query.Lookup = func(child int, _ string) int { return mul(nLookup, child+1) }
	c.RecallReport.Confirmed = func(child int, first *int, _ *string) int { return mul(firstOr(first, defaultListPage), child+1) }
	c.RecallReport.Possible = func(child int, first *int, _ *string) int { return mul(firstOr(first, defaultListPage), child+1) }
	c.RecallReport.MatchedMaterial = func(child int, first *int, _ *string) int { return mul(firstOr(first, defaultListPage), child+1) }
	c.RecallUnitEdge.Evidence = func(child int) int { return mul(nEvidence, child+1) + evidenceCost }
	c.WhereUsedReport.Units = func(child int, first *int, _ *string) int { return mul(firstOr(first, defaultListPage), child+1) }
	c.Query.Material = func(child int, _ model.MaterialFilter, first *int, _ *string) int {
		return mul(firstOr(first, defaultListPage), child+1)
	}
	c.Query.ProcessUnits = func(child int, _ model.ProcessFilter, first *int, _ *string) int {
		return mul(firstOr(first, defaultFirst), child+1)
	}
	c.Query.TestUnits = func(child int, _ model.TestFilter, first *int, _ *string) int {
		return mul(firstOr(first, defaultFirst), child+1)
	}
	setLevelComplexity(c)
	c.WhereUsedReport.Products = list(nRollup)
	c.WhereUsedReport.WorkOrders = list(nRollup)
	c.WhereUsedReport.Customers = list(nRollup)
	c.RecallReport.Products = list(nRollup)
	c.RecallReport.WorkOrders = list(nRollup)
	c.RecallReport.Boxes = list(nRollup)
	c.RecallReport.Pallets = list(nRollup)
	c.RecallReport.Shipments = list(nRollup)
	c.RecallReport.Customers = list(nRollup)

	events := func(child int) int { return mul(nEvents, child+1) + eventsCost }
	explode := func(child int, _ *time.Time) int { return mul(nExplode, child+1) }
	contents := func(child int, _ *bool) int { return mul(nContents, child+1) }

	c.Unit.Tests = list(nTests)
	c.Unit.ProcessSteps = list(nSteps)
	c.Unit.Consumed = func(child int, _ *bool, _ *model.Precision) int { return mul(nConsumed, child+1) }
	c.Unit.Children = func(child int, _ *bool) int { return mul(nChildren, child+1) }
	c.Unit.Events = events
	c.Component.DerivedFrom = list(nDerived)
	c.Component.Events = events
	c.MaterialLot.DerivedFrom = list(nDerived)
	c.MaterialLot.Derivatives = list(nDerived)
	c.MaterialLot.Events = events
	c.WaferBatch.Derivatives = list(nDerived)
	c.WaferBatch.Events = events
	c.Box.Contents = contents
	c.Box.Explode = explode
	c.Box.Events = events
	c.Pallet.Contents = contents
	c.Pallet.Explode = explode
	c.Pallet.Events = events
	c.Shipment.Contents = list(nContents)
	c.Shipment.Explode = explode
	c.Shipment.Events = events
	c.Customer.Shipments = list(nShipments)
	c.ProcessStep.Units = list(nStepUnits)
}
