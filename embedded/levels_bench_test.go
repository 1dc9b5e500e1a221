package embedded

import (
	"context"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// BenchmarkTraceabilityLevel: the IPC-1782 level report of the demo's
// factory (10,000 units): by the part number of a finished product (its
// units and every sub-assembly inside them), and by the work order of one
// of them.
//
//	go test ./embedded/ -run '^$' -bench TraceabilityLevel -benchtime 5x
func BenchmarkTraceabilityLevel(b *testing.B) {
	s, products, _ := benchStore(b, 10_000)
	ctx := context.Background()
	n, err := s.Node(ctx, products[0])
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		req  tracegraph.LevelRequest
	}{
		{"partNumber", tracegraph.LevelRequest{PartNumber: n.Str("partNumber")}},
		{"workOrder", tracegraph.LevelRequest{WorkOrder: n.Str("workOrder")}},
		{"unit", tracegraph.LevelRequest{Unit: n.ID}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var rep *tracegraph.LevelReport
			for b.Loop() {
				if rep, err = tracegraph.TraceabilityLevel(ctx, s, bc.req); err != nil {
					b.Fatal(err)
				}
			}
			units := 0
			for _, a := range rep.Assemblies {
				units += a.Units
			}
			b.ReportMetric(float64(units), "units")
			b.Logf("%+v: %d units in %d assemblies, %s %s, %d gaps", bc.req, units, len(rep.Assemblies),
				rep.MaterialLevel.Material(), rep.ProcessLevel.Process(), len(rep.Gaps))
			for i, g := range rep.Gaps {
				if i < 12 {
					b.Log(g.Message)
				}
			}
		})
	}
}
