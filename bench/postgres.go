package bench

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/pgbaseline"
)

// genealogyDepth is the depth bound of PERFORMANCE.md's genealogy target.
const genealogyDepth = 8

// versusPostgres measures the upstream genealogy of the sample products in
// the store and in the PostgreSQL recursive-CTE baseline (package
// pgbaseline, loaded with the store's topology), the queries strictly
// alternating, and compares p50 and p99. Without a PostgreSQL to reach the
// row says so.
func versusPostgres(ctx context.Context, s tracegraph.Store, facts *Facts, cfg *Config) (*Figure, error) {
	const name, target = "genealogy vs PostgreSQL recursive CTEs, queries strictly alternating", "≥ 10× at p99"
	if cfg.PostgresDSN == "" {
		return notMeasured(name, "no PostgreSQL (no --pg-dsn or TRACEGRAPH_PG_DSN; scripts/pg-baseline-up.sh starts one)", target), nil
	}
	src, ok := s.(pgbaseline.Source)
	if !ok {
		return notMeasured(name, "the store cannot export its topology (pgbaseline.Source)", target), nil
	}
	db, err := pgbaseline.Open(ctx, cfg.PostgresDSN)
	if err != nil {
		return notMeasured(name, fmt.Sprintf("no PostgreSQL (%v)", err), target), nil
	}
	defer db.Close()
	cfg.logf("loading the topology into PostgreSQL…")
	t0 := time.Now()
	if err := db.Load(ctx, src); err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	took := time.Since(t0)
	products := facts.Products
	if len(products) == 0 {
		products = facts.SampleUnits
	}
	// The baseline answers about the current structure: the store's
	// answer at an asOf after the last event, without edges.
	asOf := facts.Summary.End.Add(time.Minute)
	var ours, theirs []time.Duration
	differ := 0
	for round := range 4 { // a warm-up round, then three measured
		for _, id := range products {
			t0 := time.Now()
			r, err := s.Trace(ctx, tracegraph.TraceRequest{From: []tracegraph.ID{id}, Direction: tracegraph.Upstream,
				MaxDepth: genealogyDepth, AsOf: asOf, Limit: tracegraph.MaxTraceLimit, SkipEdges: true})
			d := time.Since(t0)
			if err != nil {
				return nil, fmt.Errorf("genealogy of %s: %w", id, err)
			}
			t1 := time.Now()
			rows, err := db.Genealogy(ctx, id, genealogyDepth)
			d1 := time.Since(t1)
			if err != nil {
				return nil, fmt.Errorf("postgres genealogy of %s: %w", id, err)
			}
			if round > 0 {
				ours, theirs = append(ours, d), append(theirs, d1)
				if len(rows) != len(r.Nodes) {
					differ++
				}
			}
		}
	}
	slices.Sort(ours)
	slices.Sort(theirs)
	p50, p99 := ratio(percentile(theirs, 0.5), percentile(ours, 0.5)), ratio(percentile(theirs, 0.99), percentile(ours, 0.99))
	f := &Figure{Name: name,
		Value: fmt.Sprintf("tracegraph p50 %s, p99 %s (%d products × 3)", roundDur(percentile(ours, 0.5)), roundDur(percentile(ours, 0.99)), len(products)),
		Floor: fmt.Sprintf("PostgreSQL recursive CTE (pgbaseline, loaded in %s): p50 %s, p99 %s",
			roundDur(took), roundDur(percentile(theirs, 0.5)), roundDur(percentile(theirs, 0.99))),
		Ratio:  fmt.Sprintf("p50 %.1f×, p99 %.1f× faster", p50, p99),
		Target: target, Met: p99 >= 10 && differ == 0}
	if differ > 0 {
		f.Note = fmt.Sprintf("%d of %d answers differ in size", differ, len(ours))
	}
	return f, nil
}
