package embedded

import (
	"context"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/tracegraph/tracegraph"
)

// signalCtx is a context that reports each call of Err on errCalled: the
// writer calls it when it projects the batch submitted with it, so a test
// knows that the batch was projected as a group of its own.
type signalCtx struct {
	context.Context
	errCalled chan<- struct{}
}

func (c signalCtx) Err() error {
	select {
	case c.errCalled <- struct{}{}:
	default:
	}
	return c.Context.Err()
}

// TestWriterDropsCommittedFlights: a group projected on top of a group still
// in flight keeps that group only until it is committed. Each flight used to
// keep its parent for good, so a long pipelined load (serve --demo, import)
// kept every batch it had applied, events and projections, until it ended:
// 1 GB of live heap at 150,000 events of the demo. Three groups, each
// projected while the one before is held in its commit by the clock: once
// all are committed, the first group's events are garbage.
func TestWriterDropsCommittedFlights(t *testing.T) {
	entered, tick := make(chan struct{}), make(chan struct{})
	clock := func() time.Time {
		entered <- struct{}{}
		<-tick
		return t0
	}
	s, err := Open(t.TempDir(), Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	projected := make(chan struct{}, 1)
	ctx := signalCtx{Context: context.Background(), errCalled: projected}
	lot := func(id, lot string, minute int) []*tracegraph.Event {
		return []*tracegraph.Event{ev(t, id, tracegraph.EventLotReceived, minute, map[string]any{"lot": lot, "partNumber": "P-1"})}
	}
	first := lot("a", "LA", 0)
	gone := weak.Make(first[0])
	waits := []func() ([]tracegraph.Outcome, error){s.Submit(ctx, first, tracegraph.ApplyOptions{})}
	first = nil
	<-projected
	<-entered // the first group is in its commit
	waits = append(waits, s.Submit(ctx, lot("b", "LB", 1), tracegraph.ApplyOptions{}))
	<-projected // the second, on top of the first
	waits = append(waits, s.Submit(ctx, lot("c", "LC", 2), tracegraph.ApplyOptions{}))
	tick <- struct{}{} // the first commits
	<-entered          // the second is in its commit
	<-projected        // the third, on top of the second
	tick <- struct{}{}
	<-entered
	tick <- struct{}{}
	for i, wait := range waits {
		outs, err := wait()
		if err != nil || len(outs) != 1 || outs[0].Status != tracegraph.OutcomeAccepted {
			t.Fatalf("batch %d: %+v, %v; want accepted", i, outs, err)
		}
	}
	waits = nil
	runtime.GC()
	if gone.Value() != nil {
		t.Errorf("the first group's event is still reachable after three commits: the writer keeps committed groups")
	}
	// The writer is idle with the third group as its last: the store goes on.
	go func() {
		for range entered {
			tick <- struct{}{}
		}
	}()
	mustApply(t, s, lot("d", "LD", 3)...)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	close(entered)
}
