package embedded

import (
	"context"
	"runtime"
	"strings"
	"sync/atomic"
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

// openSignalled opens a store with clock, closed when the test ends, and
// a context whose batches signal on projected when the writer projects them.
func openSignalled(t *testing.T, clock func() time.Time) (*Store, signalCtx, <-chan struct{}) {
	t.Helper()
	s, err := Open(t.TempDir(), Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	projected := make(chan struct{}, 1)
	return s, signalCtx{Context: context.Background(), errCalled: projected}, projected
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
	s, ctx, projected := openSignalled(t, clock)
	first := lotEvents(t, "a", "LA", 0)
	gone := weak.Make(first[0])
	waits := []func() ([]tracegraph.Outcome, error){s.Submit(ctx, first, tracegraph.ApplyOptions{})}
	first = nil
	<-projected
	<-entered // the first group is in its commit
	waits = append(waits, s.Submit(ctx, lotEvents(t, "b", "LB", 1), tracegraph.ApplyOptions{}))
	<-projected        // the second, on top of the first
	tick <- struct{}{} // the first commits
	<-entered          // the second is in its commit
	waits = append(waits, s.Submit(ctx, lotEvents(t, "c", "LC", 2), tracegraph.ApplyOptions{}))
	<-projected // the third, on top of the second
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
	mustApply(t, s, lotEvents(t, "d", "LD", 3)...)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	close(entered)
}

// lotEvents is one batch: the receipt of a lot.
func lotEvents(t *testing.T, id, lot string, minute int) []*tracegraph.Event {
	return []*tracegraph.Event{ev(t, id, tracegraph.EventLotReceived, minute, map[string]any{"lot": lot, "partNumber": "P-1"})}
}

// TestWriterGroupsWhileCommitting: the batches that arrive while a group is
// in its commit are each projected at once, into one group, committed (one
// fsync) as soon as the commit before it is done. The writer used to project
// only the batches waiting when it took the first of them, then wait for the
// commit before it: the rest made groups of their own, one fsync each, and
// were projected only once that commit was done.
func TestWriterGroupsWhileCommitting(t *testing.T) {
	entered, tick, release := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var commits atomic.Int32
	clock := func() time.Time {
		commits.Add(1)
		select {
		case entered <- struct{}{}:
		case <-release:
			return t0
		}
		select {
		case <-tick:
		case <-release:
		}
		return t0
	}
	s, ctx, projected := openSignalled(t, clock)
	t.Cleanup(func() { close(release) }) // before the store's Close: a failed test leaves no commit held
	waits := []func() ([]tracegraph.Outcome, error){s.Submit(ctx, lotEvents(t, "a", "LA", 0), tracegraph.ApplyOptions{})}
	<-projected
	<-entered // a's group is in its commit
	for i, id := range []string{"b", "c", "d"} {
		waits = append(waits, s.Submit(ctx, lotEvents(t, id, "L"+id, i+1), tracegraph.ApplyOptions{}))
		select {
		case <-projected:
		case <-time.After(5 * time.Second):
			t.Fatalf("batch %s not projected while the group before it was in its commit", id)
		}
	}
	tick <- struct{}{} // a's group commits
	<-entered          // b, c and d's
	tick <- struct{}{}
	for i, wait := range waits {
		outs, err := wait()
		if err != nil || len(outs) != 1 || outs[0].Status != tracegraph.OutcomeAccepted {
			t.Fatalf("batch %d: %+v, %v; want accepted", i, outs, err)
		}
	}
	if n := commits.Load(); n != 2 {
		t.Errorf("%d commits for a batch and three that arrived during its commit; want 2", n)
	}
	if seq, _, _ := s.Head(context.Background()); seq != 4 {
		t.Errorf("head at %d; want 4", seq)
	}
}

// TestWriterFailedCommit: when a group's commit fails, the group projected
// on top of it fails with it (its outcomes assumed the first group's), and
// the batches after them are projected on the store and accepted.
func TestWriterFailedCommit(t *testing.T) {
	entered, tick := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	clock := func() time.Time {
		if calls.Add(1) > 1 {
			return t0
		}
		entered <- struct{}{}
		<-tick
		return time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) // no record holds it: the commit fails
	}
	s, ctx, projected := openSignalled(t, clock)
	first := s.Submit(ctx, lotEvents(t, "a", "LA", 0), tracegraph.ApplyOptions{})
	<-projected
	<-entered // a's group is in its commit
	second := s.Submit(ctx, lotEvents(t, "b", "LB", 1), tracegraph.ApplyOptions{})
	<-projected // b's, on top of a's
	tick <- struct{}{}
	if _, err := first(); err == nil || !strings.Contains(err.Error(), "commit 1 events") {
		t.Fatalf("a: %v; want its commit's failure", err)
	}
	if _, err := second(); err == nil || !strings.Contains(err.Error(), "an earlier commit this batch depended on failed") {
		t.Fatalf("b: %v; want the failure of the commit it depended on", err)
	}
	outs, err := s.Apply(ctx, lotEvents(t, "c", "LC", 2), tracegraph.ApplyOptions{})
	if err != nil || len(outs) != 1 || outs[0].Status != tracegraph.OutcomeAccepted || outs[0].Seq != 1 {
		t.Errorf("c after the failed commits: %+v, %v; want accepted at seq 1", outs, err)
	}
}
