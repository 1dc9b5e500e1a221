package embedded

import (
	"context"
	"fmt"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
)

// TestIDFilter: every id added is "maybe" (across segments that grew), and
// few others are.
func TestIDFilter(t *testing.T) {
	for _, n := range []int{0, 1, idFilterFirstCap, idFilterFirstCap + 1, 5 * idFilterFirstCap} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			f := newIDFilter()
			for i := range n {
				f.add(fmt.Sprintf("ev-%d", i))
			}
			for i := range n {
				if id := fmt.Sprintf("ev-%d", i); !f.mayHave(id) {
					t.Fatalf("%s was added but is not in the filter", id)
				}
			}
			const others = 100_000
			fp := 0
			for i := range others {
				if f.mayHave(fmt.Sprintf("other-%d", i)) {
					fp++
				}
			}
			if n == 0 && fp > 0 || float64(fp)/others > 0.03 {
				t.Fatalf("%d of %d ids never added are in the filter", fp, others)
			}
		})
	}
}

// TestIDFilterFilledAtOpen: a store opened with events fills its filter of
// event ids from the id index once it is first written to (a store only
// read does not); once full, every id the store holds is in it (those
// committed before the Open and those committed during the fill), and each
// of them sent again is a duplicate. A store closed during its fill closes
// cleanly, and one whose filter is not full yet still finds its duplicates
// (through Pebble).
func TestIDFilterFilledAtOpen(t *testing.T) {
	ctx := context.Background()
	var evs []*tracegraph.Event
	if _, err := factory.Generate(ctx, factory.Config{Units: 700, Seed: 3}, func(e *tracegraph.Event) error {
		evs = append(evs, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(evs) < 3*idFillChunk {
		t.Fatalf("%d events: too few to fill in several chunks", len(evs))
	}
	before, during := evs[:2*len(evs)/3], evs[2*len(evs)/3:]
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(before); i += 1000 {
		mustApply(t, s, before[i:min(i+1000, len(before))]...)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Only read: no fill.
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stats(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s.idStop != nil {
		t.Fatal("a store only read filled its filter")
	}

	// Closed during its fill (started by the first write).
	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if outs, err := s.Apply(ctx, []*tracegraph.Event{before[0]}, tracegraph.ApplyOptions{}); err != nil || outs[0].Status != tracegraph.OutcomeDuplicate {
		t.Fatalf("event %q sent again: %+v, %v; want a duplicate", before[0].ID, outs, err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("close during the fill: %v", err)
	}
	if s.idStop == nil {
		t.Fatal("the first write did not start the fill")
	}

	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dup := func(e *tracegraph.Event) {
		t.Helper()
		again := *e
		outs, err := s.Apply(ctx, []*tracegraph.Event{&again}, tracegraph.ApplyOptions{})
		if err != nil || len(outs) != 1 || outs[0].Status != tracegraph.OutcomeDuplicate {
			t.Fatalf("event %q sent again: %+v, %v; want a duplicate", e.ID, outs, err)
		}
	}
	dup(before[0]) // maybe before the filter is full
	for i := 0; i < len(during); i += 1000 {
		mustApply(t, s, during[i:min(i+1000, len(during))]...)
	}
	<-s.idFill
	s.mu.RLock()
	full := s.idsFull
	s.mu.RUnlock()
	if !full {
		t.Fatal("the filter is not full after its fill")
	}
	for _, e := range evs {
		if !s.mayHaveEvent(e.ID) {
			t.Fatalf("event %q is in the store but not in its filter", e.ID)
		}
	}
	for _, e := range []*tracegraph.Event{before[1], before[len(before)-1], during[0], during[len(during)-1]} {
		dup(e)
	}
	fp := 0
	for i := range 10_000 {
		if s.mayHaveEvent(fmt.Sprintf("never-%d", i)) {
			fp++
		}
	}
	if fp > 300 {
		t.Fatalf("%d of 10000 ids never added are in the filter", fp)
	}
}
