package pgbaseline_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/factory"
	"github.com/tracegraph/tracegraph/pgbaseline"
)

// dsnEnv names the PostgreSQL database the tests and benchmarks use.
const dsnEnv = "TRACEGRAPH_PG_DSN"

// pgDSN returns the database to test against, or skips: CI does not install
// PostgreSQL.
func pgDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(dsnEnv)
	if dsn == "" {
		tb.Skipf("%s is not set: these tests need a PostgreSQL database, which CI does not install "+
			"(export %s=$(scripts/pg-baseline-up.sh /tmp/tracegraph-pg) starts a throwaway one)", dsnEnv, dsnEnv)
	}
	return dsn
}

// fixture is a generated factory loaded into an embedded store.
type fixture struct {
	dir   string
	store *embedded.Store
	sum   *factory.Summary
	// products are the finished products, units every unit, in creation order.
	products, units []tracegraph.ID
	// asOf is just after the last event: the store's answers at asOf are about
	// the current structure, as the baseline's are.
	asOf time.Time
	// load is how long the embedded import took.
	load time.Duration
	// keep leaves dir in place when closed (a store reused across runs).
	keep bool
}

// applyBatch is the number of events per Apply, as `tracegraph import` sends.
const applyBatch = 1000

// newFixture generates a factory of units units and applies its events to a
// new embedded store opened in bulk mode (it is thrown away), in batches of
// applyBatch. The caller closes it.
func newFixture(ctx context.Context, units int, seed uint64) (_ *fixture, err error) {
	return newFixtureIn(ctx, "", units, seed)
}

// newFixtureIn is newFixture with the store kept in dir (empty: a temporary
// directory, removed by close). A dir that already holds the events (a
// previous run's, the same units and seed) is reused: the factory is only
// generated again, for its facts, and nothing is applied.
func newFixtureIn(ctx context.Context, dir string, units int, seed uint64) (_ *fixture, err error) {
	keep := dir != ""
	if !keep {
		if dir, err = os.MkdirTemp("", "pgbaseline-embedded-"); err != nil {
			return nil, err
		}
	}
	s, err := embedded.Open(dir, embedded.Options{Bulk: true})
	if err != nil {
		if !keep {
			os.RemoveAll(dir)
		}
		return nil, err
	}
	f := &fixture{dir: dir, store: s, keep: keep}
	defer func() {
		if err != nil {
			f.close()
		}
	}()
	st, err := s.Stats(ctx)
	if err != nil {
		return nil, err
	}
	loaded := st.Events
	var batch []*tracegraph.Event
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		outs, err := s.Apply(ctx, batch, tracegraph.ApplyOptions{})
		if err != nil {
			return fmt.Errorf("apply: %w", err)
		}
		for _, o := range outs {
			if o.Status != tracegraph.OutcomeAccepted {
				return fmt.Errorf("event %q: %s %v", o.ID, o.Status, o.Error)
			}
		}
		batch = batch[:0]
		return nil
	}
	began := time.Now()
	f.sum, err = factory.Generate(ctx, factory.Config{Units: units, Seed: seed}, func(ev *tracegraph.Event) error {
		if err := ev.Normalize(); err != nil {
			return fmt.Errorf("event %s: %w", ev.ID, err)
		}
		if ev.Type == tracegraph.EventUnitCreated {
			p, err := ev.Payload()
			if err != nil {
				return err
			}
			if uc, ok := p.(*tracegraph.UnitCreated); ok {
				id := tracegraph.NewID(tracegraph.LabelUnit, uc.Serial)
				f.units = append(f.units, id)
				if uc.Kind == "product" {
					f.products = append(f.products, id)
				}
			}
		}
		if loaded > 0 {
			return nil
		}
		batch = append(batch, ev)
		if len(batch) == applyBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return nil, fmt.Errorf("load the factory: %w", err)
	}
	f.load = time.Since(began)
	if loaded > 0 && loaded != uint64(f.sum.Events) {
		return nil, fmt.Errorf("%s holds %d events, the factory of %d units (seed %d) %d", dir, loaded, units, seed, f.sum.Events)
	}
	if len(f.products) == 0 {
		return nil, fmt.Errorf("the factory of %d units made no products", units)
	}
	f.asOf = f.sum.End.Add(time.Minute)
	return f, nil
}

func (f *fixture) close() {
	f.store.Close()
	if !f.keep {
		os.RemoveAll(f.dir)
	}
}

// trace is the store's answer that Genealogy matches.
func (f *fixture) trace(ctx context.Context, id tracegraph.ID, maxDepth int) (*tracegraph.TraceResult, error) {
	return f.store.Trace(ctx, tracegraph.TraceRequest{From: []tracegraph.ID{id}, Direction: tracegraph.Upstream,
		MaxDepth: maxDepth, AsOf: f.asOf, Limit: tracegraph.MaxTraceLimit, SkipEdges: true})
}

// recall is the store's answer that Recall matches.
func (f *fixture) recall(ctx context.Context, suspects []tracegraph.ID) (*tracegraph.RecallReport, error) {
	return f.store.RecallImpact(ctx, tracegraph.RecallRequest{Suspects: suspects, AsOf: f.asOf})
}

// openLoaded opens the baseline and loads the fixture's topology into it.
func openLoaded(ctx context.Context, dsn string, f *fixture) (*pgbaseline.DB, time.Duration, error) {
	db, err := pgbaseline.Open(ctx, dsn)
	if err != nil {
		return nil, 0, err
	}
	began := time.Now()
	if err := db.Load(ctx, f.store); err != nil {
		db.Close()
		return nil, 0, err
	}
	return db, time.Since(began), nil
}
