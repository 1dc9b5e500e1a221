package embedded

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/factory"
	"github.com/tracegraph/tracegraph/storetest"
)

// renumbering is a store whose nodes are placed in traversal order again
// after every write, as an open places them, so that the conformance suite
// runs over renumbered positions with writes on top of them.
type renumbering struct {
	*Store
	writes sync.RWMutex // held shared by each write; exclusively to renumber
}

func (r *renumbering) renumber() {
	r.writes.Lock() // no write in flight: the writer is idle
	defer r.writes.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.t.renumber()
}

func (r *renumbering) Apply(ctx context.Context, events []*tracegraph.Event, opts tracegraph.ApplyOptions) ([]tracegraph.Outcome, error) {
	r.writes.RLock()
	out, err := r.Store.Apply(ctx, events, opts)
	r.writes.RUnlock()
	r.renumber()
	return out, err
}

func (r *renumbering) Import(ctx context.Context, events []*tracegraph.Event) (int, error) {
	r.writes.RLock()
	n, err := r.Store.Import(ctx, events)
	r.writes.RUnlock()
	r.renumber()
	return n, err
}

// TestConformanceRenumbered runs the conformance suite with the topology
// renumbered after every write.
func TestConformanceRenumbered(t *testing.T) {
	if testing.Short() {
		t.Skip("the conformance suite again")
	}
	storetest.Run(t, func(t *testing.T) tracegraph.Store {
		s, err := Open(t.TempDir(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return &renumbering{Store: s}
	})
}

// TestRenumberAnswersAlike checks that a store reopened (its nodes placed in
// traversal order) and written to afterwards answers byte for byte as a
// store that was never reopened (positions in creation order): traces both
// ways, explodes, recalls with their rollups, unit pages and their cursors,
// and the exported topology with its indexes.
func TestRenumberAnswersAlike(t *testing.T) {
	events, sum := factoryEvents(t, 150, 5)
	apply := func(s *Store, evs []*tracegraph.Event) { applyAll(t, s, evs) }
	fresh, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	apply(fresh, events)

	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cut := len(events) * 2 / 3
	apply(s, events[:cut])
	s.Close()
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	moved := 0
	for i, d := range s.t.disk {
		if uint32(i) != d {
			moved++
		}
	}
	if moved == 0 {
		t.Fatalf("reopening left all %d nodes in creation order", len(s.t.disk))
	}
	apply(s, events[cut:])         // new nodes and edges onto renumbered ones
	at := sum.End.Add(time.Minute) // a fixed moment: answers carry it
	want := numberingAnswers(t, fresh, at)
	for round := range 2 {
		got := numberingAnswers(t, s, at)
		if len(got) != len(want) {
			t.Fatalf("round %d: %d answers, want %d", round, len(got), len(want))
		}
		for k := range want {
			if got[k] != want[k] {
				t.Fatalf("round %d: answer %d differs\n got %.600s\nwant %.600s", round, k, got[k], want[k])
			}
		}
		s.Close() // and once more, renumbered over nodes added after the last open
		if s, err = Open(dir, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
}

// numberingAnswers asks s every question whose answer depends on how nodes are
// numbered, each answer as JSON.
func numberingAnswers(t *testing.T, s *Store, at time.Time) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	add := func(v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	var ids []tracegraph.ID
	var exported []string
	err := s.ExportTopology(ctx, func(i uint32, id tracegraph.ID, l tracegraph.Label, st string) error {
		ids = append(ids, id)
		exported = append(exported, fmt.Sprint(i, id, l, st))
		return nil
	}, func(src, dst uint32, et tracegraph.EdgeType, p tracegraph.Precision, from, to time.Time, voided bool) error {
		exported = append(exported, fmt.Sprint(src, dst, et, p, from, to, voided))
		return nil
	})
	add(exported, err)
	for _, id := range ids {
		switch id.Label() {
		case tracegraph.LabelUnit:
			add(s.Trace(ctx, tracegraph.TraceRequest{From: []tracegraph.ID{id}, Direction: tracegraph.Both, AsOf: at}))
		case tracegraph.LabelPallet, tracegraph.LabelBox:
			add(s.Explode(ctx, id, at))
		case tracegraph.LabelMaterialLot, tracegraph.LabelWaferBatch:
			add(s.RecallImpact(ctx, tracegraph.RecallRequest{Suspects: []tracegraph.ID{id}, AsOf: at}))
			rep, err := s.RecallImpact(ctx, tracegraph.RecallRequest{Suspects: []tracegraph.ID{id}, History: true})
			if rep != nil {
				rep.AsOf = time.Time{} // the moment asked: now
			}
			add(rep, err)
		case tracegraph.LabelWorkOrder:
			add(s.Units(ctx, tracegraph.UnitFilter{WorkOrder: string(id.Key())}, tracegraph.Page{First: 7}))
		}
	}
	for page := (tracegraph.Page{First: 40}); ; {
		p, err := s.Units(ctx, tracegraph.UnitFilter{}, page)
		add(p, err)
		if !p.HasNextPage {
			break
		}
		page.After = p.Cursors[len(p.Cursors)-1]
	}
	return out
}

// TestRecallInPartsAnswersAlike checks that a recall whose unit list and
// rollups are built on several goroutines, with or without the walk's notes
// of holders, answers byte for byte as one built on one without notes, for
// every lot and wafer batch, at a moment and over history.
func TestRecallInPartsAnswersAlike(t *testing.T) {
	ctx := context.Background()
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	events, sum := factoryEvents(t, 150, 6)
	applyAll(t, s, events)
	at := sum.End.Add(time.Minute)
	var suspects []tracegraph.ID
	err = s.ExportTopology(ctx, func(_ uint32, id tracegraph.ID, l tracegraph.Label, _ string) error {
		if l == tracegraph.LabelMaterialLot || l == tracegraph.LabelWaferBatch {
			suspects = append(suspects, id)
		}
		return nil
	}, func(uint32, uint32, tracegraph.EdgeType, tracegraph.Precision, time.Time, time.Time, bool) error {
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	recall := func(id tracegraph.ID, history bool, par parallelism) string {
		s.par = par
		req := tracegraph.RecallRequest{Suspects: []tracegraph.ID{id}, AsOf: at}
		if history {
			req.AsOf, req.History = time.Time{}, true
		}
		rep, err := s.RecallImpact(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if history {
			rep.AsOf = time.Time{}
		}
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	parted := 0
	for _, id := range suspects {
		for _, history := range []bool{false, true} {
			want := recall(id, history, parallelism{workers: 1, noNotes: true})
			for _, par := range []parallelism{{workers: 1}, {workers: 2, minPart: 1}, {workers: 3, minPart: 7, minEdges: 3},
				{workers: 2, minPart: 50, minEdges: 1}, {workers: 2, minPart: 1, noNotes: true}} {
				if got := recall(id, history, par); got != want {
					t.Fatalf("recall of %s (history %v) in parts %+v:\n got %.600s\nwant %.600s", id, history, par, got, want)
				}
			}
			if strings.Count(want, `"precision"`) >= 14 {
				parted++
			}
		}
	}
	if parted == 0 {
		t.Fatal("no recall reached units enough to be split")
	}
}

// factoryEvents generates a factory of units units.
func factoryEvents(t *testing.T, units int, seed uint64) ([]*tracegraph.Event, *factory.Summary) {
	t.Helper()
	var events []*tracegraph.Event
	sum, err := factory.Generate(context.Background(), factory.Config{Units: units, Seed: seed}, func(e *tracegraph.Event) error {
		events = append(events, e)
		return e.Normalize()
	})
	if err != nil {
		t.Fatal(err)
	}
	return events, sum
}

// applyAll applies events to s in batches of 500, every one accepted.
func applyAll(t *testing.T, s *Store, events []*tracegraph.Event) {
	t.Helper()
	for len(events) > 0 {
		n := min(len(events), 500)
		applyAccepted(t, s, events[:n])
		events = events[n:]
	}
}
