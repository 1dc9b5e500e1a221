package resolvers

import (
	"context"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/graph"
	"github.com/tracegraph/tracegraph/graph/model"
)

func (q *queryResolver) TraceabilityLevel(ctx context.Context, unit *string, workOrder *string, partNumber *string) (*model.TraceabilityLevelReport, error) {
	rep, err := tracegraph.TraceabilityLevel(ctx, q.store(), tracegraph.LevelRequest{
		Unit: tracegraph.ID(deref(unit)), WorkOrder: deref(workOrder), PartNumber: deref(partNumber)})
	if err != nil {
		return nil, err
	}
	return model.NewTraceabilityLevelReport(rep), nil
}

// Typical lengths of the level report's lists, for the complexity estimate:
// a product with two or three sub-assemblies, about 60 BOM lines and 15
// process steps each, a gap on a third of them.
const (
	nAssemblies   = 4
	nMatLines     = nConsumed
	nProcLines    = 15
	nLevelGaps    = 30
	nLevelCounts  = 5
	nLevelRefDes  = 10
	levelUnitCost = traversalCost // every selected unit and sub-assembly is read before the answer
)

// setLevelComplexity fills the estimates of the level report's fields.
func setLevelComplexity(c *graph.ComplexityRoot) {
	c.Query.TraceabilityLevel = func(child int, _, _, _ *string) int { return levelUnitCost + child }
	c.TraceabilityLevelReport.Assemblies = list(nAssemblies)
	c.TraceabilityLevelReport.Gaps = list(nLevelGaps)
	c.AssemblyLevel.MaterialLines = list(nMatLines)
	c.AssemblyLevel.ProcessLines = list(nProcLines)
	c.AssemblyLevel.MaterialUnits = list(nLevelCounts)
	c.AssemblyLevel.ProcessUnits = list(nLevelCounts)
	c.MaterialLine.Units = list(nLevelCounts)
	c.MaterialLine.RefDes = list(nLevelRefDes)
	c.ProcessLine.Units = list(nLevelCounts)
}
