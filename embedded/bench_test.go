package embedded

import (
	"context"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
)

// benchStore loads a generated factory of n units into a fresh store and
// returns it with its finished products and its first pallet.
func benchStore(b *testing.B, n int) (*Store, []tracegraph.ID, tracegraph.ID) {
	b.Helper()
	s, err := Open(b.TempDir(), Options{Bulk: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	var batch []*tracegraph.Event
	var products []tracegraph.ID
	var pallet tracegraph.ID
	flush := func() {
		applyAccepted(b, s, batch)
		batch = batch[:0]
	}
	_, err = factory.Generate(context.Background(), factory.Config{Units: n, Seed: 1}, func(e *tracegraph.Event) error {
		if err := e.Normalize(); err != nil {
			return err
		}
		switch p, _ := e.Payload(); d := p.(type) {
		case *tracegraph.UnitCreated:
			if d.Kind == "product" {
				products = append(products, tracegraph.NewID(tracegraph.LabelUnit, d.Serial))
			}
		case *tracegraph.Packed:
			if pallet == "" && d.ContainerType == "pallet" {
				pallet = tracegraph.ID(d.Container)
				if !tracegraph.LooksLikeID(d.Container) {
					pallet = tracegraph.NewID(tracegraph.LabelPallet, d.Container)
				}
			}
		}
		batch = append(batch, e)
		if len(batch) == 2000 {
			flush()
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	flush()
	return s, products, pallet
}

// BenchmarkTrace: the upstream genealogy of a finished product (depth ≤ 8,
// with edges), in the store.
//
//	go test ./embedded/ -run '^$' -bench 'Trace|Explode' -benchmem
func BenchmarkTrace(b *testing.B) {
	s, products, _ := benchStore(b, 4000)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	nodes := 0
	for i := 0; b.Loop(); i++ {
		tr, err := s.Trace(ctx, tracegraph.TraceRequest{From: []tracegraph.ID{products[i%len(products)]}, Direction: tracegraph.Upstream, MaxDepth: 8})
		if err != nil {
			b.Fatal(err)
		}
		nodes += len(tr.Nodes)
	}
	b.ReportMetric(float64(nodes)/float64(b.N), "nodes/op")
}

// BenchmarkExplode: every unit and component on a pallet, in the store.
func BenchmarkExplode(b *testing.B) {
	s, _, pallet := benchStore(b, 4000)
	if pallet == "" {
		b.Skip("the factory packed no pallet")
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	serials := 0
	for b.Loop() {
		items, err := s.Explode(ctx, pallet, time.Time{})
		if err != nil {
			b.Fatal(err)
		}
		serials += items.Len()
	}
	b.ReportMetric(float64(serials)/float64(b.N), "serials/op")
}

// BenchmarkRecall: the recall of a wafer batch of the first product, rolled
// up to products, boxes, pallets, shipments and customers, in the store.
func BenchmarkRecall(b *testing.B) {
	s, products, _ := benchStore(b, 4000)
	ctx := context.Background()
	tr, err := s.Trace(ctx, tracegraph.TraceRequest{From: products[:1], Direction: tracegraph.Upstream, SkipEdges: true})
	if err != nil {
		b.Fatal(err)
	}
	var wafer tracegraph.ID
	for _, n := range tr.Nodes {
		if n.Label == tracegraph.LabelWaferBatch {
			wafer = n.ID
			break
		}
	}
	if wafer == "" {
		b.Skip("the first product holds no wafer batch")
	}
	b.ReportAllocs()
	b.ResetTimer()
	units := 0
	for b.Loop() {
		rep, err := s.RecallImpact(ctx, tracegraph.RecallRequest{Suspects: []tracegraph.ID{wafer}})
		if err != nil {
			b.Fatal(err)
		}
		units += len(rep.Confirmed) + len(rep.Possible)
	}
	b.ReportMetric(float64(units)/float64(b.N), "units/op")
}
