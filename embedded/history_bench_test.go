package embedded

import (
	"context"
	"slices"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// BenchmarkNodeEvents reads one node's history (Graph.NodeEvents: the
// interactive read of GraphQL's Node.events and EPCIS by EPC) for each node
// of a generated 300-unit factory (historyFactory) in turn, units first then the rest (one
// op: one node). It is the read the history entries left out (history.go)
// make derive part of the answer from the topology.
func BenchmarkNodeEvents(b *testing.B) {
	s, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	applyInBatches(b, s, historyFactory(b, 300))
	if err := s.Flush(); err != nil {
		b.Fatal(err)
	}
	ids := nodeIDs(s)
	for _, sub := range []struct {
		name string
		keep func(tracegraph.ID) bool
	}{
		{"units", func(id tracegraph.ID) bool { return id.Label() == tracegraph.LabelUnit }},
		{"all", func(tracegraph.ID) bool { return true }},
	} {
		b.Run(sub.name, func(b *testing.B) {
			some := slices.DeleteFunc(slices.Clone(ids), func(id tracegraph.ID) bool { return !sub.keep(id) })
			ctx, n := context.Background(), 0
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime()
			for i := range b.N {
				got, err := s.NodeEvents(ctx, some[i%len(some)])
				if err != nil {
					b.Fatal(err)
				}
				n += len(got)
			}
			// CPU time, not the wall's: the machine is shared.
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e3, "cpu-µs/op")
			b.ReportMetric(float64(n)/float64(b.N), "events/op")
		})
	}
}
