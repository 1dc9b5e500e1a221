package embedded

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

// holdApplies makes every commit of s signal on staged once its group is
// staged, then signal on applying and wait for proceed before Pebble takes
// its batch. The commits go on unheld once the test ends (before the
// store's Close, which must be registered before).
func holdApplies(t *testing.T, s *Store) (staged, applying <-chan struct{}, proceed chan<- struct{}) {
	st, ap, pr, release := make(chan struct{}, 16), make(chan struct{}, 16), make(chan struct{}), make(chan struct{})
	t.Cleanup(func() { close(release) })
	s.persister.setHooks(&commitHooks{
		staged: func() { st <- struct{}{} },
		applying: func() {
			ap <- struct{}{}
			select {
			case <-pr:
			case <-release:
			}
		},
	})
	return st, ap, pr
}

// within waits for c, failing the test with what after 5 s.
func within(t *testing.T, c <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(5 * time.Second):
		t.Fatal(what)
	}
}

// TestWriterStagesWhileCommitting: the group after a group in its Pebble
// commit is staged (sealed: the clock read, encoded, sorted into its batch)
// while that commit is still held, before it is answered; it is answered
// only after. The writer used to stage a group only once the commit before
// it was done (on main, with the hold at its Pebble commit, b's clock is
// not read while a's commit is held).
func TestWriterStagesWhileCommitting(t *testing.T) {
	clocked := make(chan struct{}, 16)
	s, ctx, projected := openSignalled(t, func() time.Time { clocked <- struct{}{}; return t0 })
	staged, applying, proceed := holdApplies(t, s)
	waitA := s.Submit(ctx, lotEvents(t, "a", "LA", 0), tracegraph.ApplyOptions{})
	<-projected
	within(t, clocked, "a's group not staged")
	within(t, staged, "a's group not staged")
	within(t, applying, "a's group not applied")
	answeredA := make(chan struct{})
	go func() {
		outs, err := waitA()
		if err != nil || outs[0].Status != tracegraph.OutcomeAccepted || outs[0].Seq != 1 {
			t.Errorf("a: %+v, %v; want accepted at seq 1", outs, err)
		}
		close(answeredA)
	}()
	waitB := s.Submit(ctx, lotEvents(t, "b", "LB", 1), tracegraph.ApplyOptions{})
	<-projected
	within(t, clocked, "b's group not sealed while a's commit was held")
	within(t, staged, "b's group not staged while a's commit was held")
	select {
	case <-answeredA:
		t.Fatal("a answered before its commit")
	default:
	}
	if seq, _, _ := s.Head(context.Background()); seq != 0 {
		t.Fatalf("head at %d while the first commit is held; want 0", seq)
	}
	proceed <- struct{}{} // a commits
	within(t, answeredA, "a not answered after its commit")
	within(t, applying, "b's group not applied after a's")
	proceed <- struct{}{}
	outs, err := waitB()
	if err != nil || outs[0].Status != tracegraph.OutcomeAccepted || outs[0].Seq != 2 {
		t.Fatalf("b: %+v, %v; want accepted at seq 2", outs, err)
	}
	if rep, err := s.Verify(context.Background(), tracegraph.VerifyOptions{}); err != nil || !rep.OK() {
		t.Fatalf("Verify: %+v, %v", rep, err)
	}
}

// TestStagedOnGroupInCommit: batches whose events read back what the batch
// before wrote (a void of its event, of a node and an edge it made, a node
// it voided made again, a hold it placed released), each staged while the
// group before it is held before its Pebble commit, store exactly the bytes
// that the same batches applied one at a time store, with the same
// outcomes. (Nothing puts RM1 after it is made again: a later put would
// write the index entries a wrong revival left out, hiding the fault.)
func TestStagedOnGroupInCommit(t *testing.T) {
	f := smallFactory(t)
	batches := [][]*tracegraph.Event{
		append(f[:7:7], f[7], f[9], f[12]), // w1 … u3, m1, m3, t1
		{
			ev(t, "v-m3", tracegraph.EventVoided, 20, map[string]any{"event": "m3", "reason": "wrong lot"}),
			ev(t, "v-u2", tracegraph.EventVoided, 20, map[string]any{"event": "u2", "reason": "never built"}),
			ev(t, "v-c1", tracegraph.EventVoided, 20, map[string]any{"event": "c1", "reason": "wrong reel"}),
			f[11], // a1
			ev(t, "h1", tracegraph.EventHoldPlaced, 21, map[string]any{"target": "L1", "hold": "QA-1", "reason": "x-ray"}),
		},
		{
			ev(t, "c1b", tracegraph.EventComponentReceived, 22, map[string]any{"serials": []string{"RM1"}, "partNumber": "RADIO"}),
			ev(t, "u2b", tracegraph.EventUnitCreated, 22, map[string]any{"serial": "PCB3", "partNumber": "PCBA-1", "workOrder": "WO1"}),
			ev(t, "r1", tracegraph.EventHoldReleased, 23, map[string]any{"target": "L1", "hold": "QA-1", "reason": "ok"}),
			ev(t, "v-t1", tracegraph.EventVoided, 23, map[string]any{"event": "t1", "reason": "wrong fixture"}),
		},
		{
			ev(t, "m5", tracegraph.EventMaterialConsumed, 24, map[string]any{"unit": "PCB3", "lot": "L1"}),
			ev(t, "v-a1", tracegraph.EventVoided, 25, map[string]any{"event": "a1", "reason": "wrong board"}),
			f[13], f[14], f[15], // b1, p1, s1
		},
	}
	clock := func() time.Time { return t0.Add(time.Hour) }
	seq, err := Open(t.TempDir(), Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { seq.Close() })
	var want [][]tracegraph.Outcome
	for _, b := range batches {
		outs, err := seq.Apply(context.Background(), cloneEvents(b), tracegraph.ApplyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range outs {
			if o.Status != tracegraph.OutcomeAccepted {
				t.Fatalf("event %q: %s %v", o.ID, o.Status, o.Error)
			}
		}
		want = append(want, outs)
	}

	pip, err := Open(t.TempDir(), Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pip.Close() })
	staged, applying, proceed := holdApplies(t, pip)
	var waits []func() ([]tracegraph.Outcome, error)
	for i, b := range batches {
		waits = append(waits, pip.Submit(context.Background(), cloneEvents(b), tracegraph.ApplyOptions{}))
		within(t, staged, "a group not staged")
		if i > 0 {
			proceed <- struct{}{} // the group before commits; this one was staged on it
		}
		within(t, applying, "a group not applied")
	}
	proceed <- struct{}{}
	for i, wait := range waits {
		outs, err := wait()
		if err != nil {
			t.Fatalf("batch %d: %v", i, err)
		}
		if len(outs) != len(want[i]) {
			t.Fatalf("batch %d: %d outcomes, want %d", i, len(outs), len(want[i]))
		}
		for k := range outs {
			if outs[k].Status != want[i][k].Status || outs[k].Seq != want[i][k].Seq {
				t.Errorf("batch %d event %q: %s at %d, want %s at %d", i, outs[k].ID, outs[k].Status, outs[k].Seq, want[i][k].Status, want[i][k].Seq)
			}
		}
	}
	got, exp := dumpKV(t, pip.db), dumpKV(t, seq.db)
	if len(got) != len(exp) {
		t.Errorf("%d keys stored, want %d", len(got), len(exp))
	}
	for i := range min(len(got), len(exp)) {
		if !bytes.Equal(got[i].k, exp[i].k) || !bytes.Equal(got[i].v, exp[i].v) {
			t.Fatalf("key %d: %q = %q, want %q = %q", i, got[i].k, got[i].v, exp[i].k, exp[i].v)
		}
	}
	for _, s := range []*Store{seq, pip} {
		if rep, err := s.Verify(context.Background(), tracegraph.VerifyOptions{}); err != nil || !rep.OK() {
			t.Fatalf("Verify: %+v, %v", rep, err)
		}
	}
}

// cloneEvents copies unsealed events, so two stores can seal them.
func cloneEvents(evs []*tracegraph.Event) []*tracegraph.Event {
	out := make([]*tracegraph.Event, len(evs))
	for i, e := range evs {
		out[i] = e.Unsealed()
	}
	return out
}
