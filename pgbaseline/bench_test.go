package pgbaseline_test

import (
	"context"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/pgbaseline"
)

// benchUnitsEnv overrides the size of the benchmark factory.
const benchUnitsEnv = "TRACEGRAPH_PG_BENCH_UNITS"

// benchDataEnv, when set, names a directory that keeps the benchmark's
// embedded store across runs (built on the first, reused after), so that
// two builds can be compared on the same data without importing twice.
const benchDataEnv = "TRACEGRAPH_PG_BENCH_DATA"

// defaultBenchUnits is the size of the benchmark factory by default.
const defaultBenchUnits = 20_000

// genealogyDepth is the depth bound of PERFORMANCE.md's genealogy target.
const genealogyDepth = 8

// shared is the benchmark factory, built once per test binary for both
// benchmarks and every -count, and removed by TestMain.
var shared struct {
	once sync.Once
	f    *fixture
	db   *pgbaseline.DB
	err  error
}

// TestMain removes the benchmark factory after the run; the test binary exits
// with m.Run's code when it returns.
func TestMain(m *testing.M) {
	m.Run()
	if shared.db != nil {
		shared.db.Close()
	}
	if shared.f != nil {
		shared.f.close()
	}
}

// benchFixture returns the benchmark factory, loaded into an embedded store
// and into PostgreSQL.
func benchFixture(b *testing.B) (*fixture, *pgbaseline.DB) {
	b.Helper()
	dsn := pgDSN(b)
	shared.once.Do(func() {
		units := defaultBenchUnits
		if v := os.Getenv(benchUnitsEnv); v != "" {
			if units, shared.err = strconv.Atoi(v); shared.err != nil {
				return
			}
		}
		ctx := context.Background()
		if shared.f, shared.err = newFixtureIn(ctx, os.Getenv(benchDataEnv), units, 1); shared.err != nil {
			return
		}
		var took time.Duration
		if shared.db, took, shared.err = openLoaded(ctx, dsn, shared.f); shared.err != nil {
			return
		}
		st, err := shared.f.store.Stats(ctx)
		if err != nil {
			shared.err = err
			return
		}
		nodes, edges := 0, 0
		for _, n := range st.Nodes {
			nodes += n
		}
		for _, n := range st.Edges {
			edges += n
		}
		b.Logf("factory: %d units (%d products), %d events, %d nodes, %d edges; embedded import %s, postgres load %s",
			units, len(shared.f.products), shared.f.sum.Events, nodes, edges,
			shared.f.load.Round(time.Millisecond), took.Round(time.Millisecond))
	})
	if shared.err != nil {
		b.Fatalf("benchmark factory: %v", shared.err)
	}
	return shared.f, shared.db
}

// latencies records the time of each operation for percentiles.
type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	at := func(q float64) float64 { return float64(l[int(q*float64(len(l)-1))].Nanoseconds()) }
	b.ReportMetric(at(0.50), "p50-ns")
	b.ReportMetric(at(0.99), "p99-ns")
}

// BenchmarkGenealogy times the upstream genealogy of finished products,
// depth ≤ 8, in the embedded store (Trace without edges) and as a PostgreSQL
// recursive CTE, on the same factory, cycling through up to 1,000 products.
func BenchmarkGenealogy(b *testing.B) {
	f, db := benchFixture(b)
	ctx := context.Background()
	step := max(1, len(f.products)/1000)
	var ids []tracegraph.ID
	for i := 0; i < len(f.products); i += step {
		ids = append(ids, f.products[i])
	}
	b.Run("tracegraph", func(b *testing.B) {
		b.ReportAllocs()
		lat := make(latencies, 0, 1<<16)
		n, nodes := 0, 0
		for b.Loop() {
			id := ids[n%len(ids)]
			n++
			t0 := time.Now()
			r, err := f.trace(ctx, id, genealogyDepth)
			lat = append(lat, time.Since(t0))
			if err != nil {
				b.Fatalf("Trace(%q): %v", id, err)
			}
			nodes += len(r.Nodes)
		}
		b.ReportMetric(float64(nodes)/float64(n), "nodes/op")
		lat.report(b)
	})
	b.Run("postgres", func(b *testing.B) {
		b.ReportAllocs()
		lat := make(latencies, 0, 1<<12)
		n, nodes := 0, 0
		for b.Loop() {
			id := ids[n%len(ids)]
			n++
			t0 := time.Now()
			rows, err := db.Genealogy(ctx, id, genealogyDepth)
			lat = append(lat, time.Since(t0))
			if err != nil {
				b.Fatalf("Genealogy(%q): %v", id, err)
			}
			nodes += len(rows)
		}
		b.ReportMetric(float64(nodes)/float64(n), "nodes/op")
		lat.report(b)
	})
}

// BenchmarkRecall times a recall with rollups in the embedded store
// (RecallImpact) and as PostgreSQL recursive CTEs, on the same factory: from
// the first wafer batch (which reaches about half of the units) and from one
// reel (a few hundred).
func BenchmarkRecall(b *testing.B) {
	f, db := benchFixture(b)
	ctx := context.Background()
	facts := f.sum.Facts
	for _, c := range []struct {
		name    string
		suspect tracegraph.ID
	}{
		{"wafer", tracegraph.NewID(tracegraph.LabelWaferBatch, facts.WaferBatch)},
		{"reel", tracegraph.NewID(tracegraph.LabelMaterialLot, facts.SpliceLots[0])},
	} {
		suspects := []tracegraph.ID{c.suspect}
		b.Run(c.name+"/tracegraph", func(b *testing.B) {
			b.ReportAllocs()
			lat := make(latencies, 0, 1<<14)
			units := 0
			for b.Loop() {
				t0 := time.Now()
				r, err := f.recall(ctx, suspects)
				lat = append(lat, time.Since(t0))
				if err != nil {
					b.Fatalf("RecallImpact(%v): %v", suspects, err)
				}
				units = len(r.Confirmed) + len(r.Possible)
			}
			b.ReportMetric(float64(units), "units")
			lat.report(b)
		})
		b.Run(c.name+"/postgres", func(b *testing.B) {
			b.ReportAllocs()
			lat := make(latencies, 0, 1<<10)
			units := 0
			for b.Loop() {
				t0 := time.Now()
				r, err := db.Recall(ctx, suspects)
				lat = append(lat, time.Since(t0))
				if err != nil {
					b.Fatalf("Recall(%v): %v", suspects, err)
				}
				units = len(r.Confirmed) + len(r.Possible)
			}
			b.ReportMetric(float64(units), "units")
			lat.report(b)
		})
	}
}
