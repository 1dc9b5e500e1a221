package tracegraph_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
)

// BenchmarkProjectBatch projects a generated factory (400 units, about
// 8,000 events, normalized first as DecodeEvent leaves them) through the
// rules alone, in batches of 50 as durable ingest's clients send them,
// layered as the embedded writer layers them (a group's Tx over the graph,
// merged every third batch) over an empty in-memory graph: the rules'
// CPU (of the process, the collector's included) and allocations without a
// store's reads. The graph is a Tx here, so merging a group into it is
// counted too, where a store would commit it; rules-cpu-µs/event counts
// the CPU of the process while the rules project a batch and it is merged
// into its group (as the embedded writer does), the rest left out.
//
//	go test -run '^$' -bench ProjectBatch -benchmem .
func BenchmarkProjectBatch(b *testing.B) {
	ctx := context.Background()
	var evs []*tracegraph.Event
	if _, err := factory.Generate(ctx, factory.Config{Units: 400, Seed: 1}, func(e *tracegraph.Event) error {
		evs = append(evs, e)
		return e.Normalize()
	}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	cpu0 := processCPU(b)
	var rules time.Duration // in ProjectBatch and merging a batch into its group
	for b.Loop() {
		graph := tracegraph.NewTx(ctx, tracegraph.EmptyGraph{})
		group := tracegraph.NewTx(ctx, graph)
		seq := uint64(1)
		for i := 0; i*50 < len(evs); i++ {
			batch := evs[i*50 : min((i+1)*50, len(evs))]
			c0 := processCPU(b)
			res, err := tracegraph.ProjectBatch(ctx, group, batch, tracegraph.ApplyOptions{}, seq)
			if err != nil {
				b.Fatal(err)
			}
			res.Tx.MergeInto(group)
			rules += processCPU(b) - c0
			seq += uint64(len(res.Accepted))
			if i%3 == 2 {
				group.MergeInto(graph)
				group = tracegraph.NewTx(ctx, graph)
			}
		}
	}
	// CPU time, not wall time: the machines this is run on are shared.
	b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/float64(b.N*len(evs)), "cpu-µs/event")
	b.ReportMetric(float64(rules.Microseconds())/float64(b.N*len(evs)), "rules-cpu-µs/event")
	b.ReportMetric(float64(len(evs)), "events/op")
}

// processCPU returns the CPU time (user and system) the process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
