package server

import (
	"context"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
)

// ApplyFactory applies a generated factory of units (seed 1, as the demo)
// to st, shows each event to seen (when set) and returns its summary. It
// is defined in package server, and exported to its external tests
// (server_test), so that both test packages load factories one way.
func ApplyFactory(t testing.TB, st tracegraph.Store, units int, seen func(*tracegraph.Event)) *factory.Summary {
	t.Helper()
	ctx := context.Background()
	var batch []*tracegraph.Event
	flush := func() error {
		outs, err := st.Apply(ctx, batch, tracegraph.ApplyOptions{})
		if err != nil {
			return err
		}
		for _, o := range outs {
			if o.Status != tracegraph.OutcomeAccepted {
				t.Fatalf("factory event %s: %s %v", o.ID, o.Status, o.Error)
			}
		}
		batch = batch[:0]
		return nil
	}
	sum, err := factory.Generate(ctx, factory.Config{Units: units, Seed: 1}, func(ev *tracegraph.Event) error {
		if seen != nil {
			seen(ev)
		}
		batch = append(batch, ev)
		if len(batch) == 2000 {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		t.Fatalf("load factory: %v", err)
	}
	return sum
}
