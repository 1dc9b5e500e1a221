package embedded

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"unsafe"

	"github.com/tracegraph/tracegraph"
)

// TestRecallUnitsHeapBound checks the streamed serial list's stated memory
// bound (bench's recall export row, docs/bench-scale.md) on a generated
// factory, reopened so that its nodes are renumbered as a store at M is:
// everything RecallUnits allocates, counted as if the collector never ran
// (at M the loaded store's heap is 2 GB, so it does not run during a
// recall), with no marks pooled, stays within 96 bytes per unit reached
// plus 5 bytes per node of the store plus one chunk of units. A recall from
// many suspects is the test's edge: its first level holds the hops of every
// suspect at once unless the walk takes them a few at a time.
func TestRecallUnitsHeapBound(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a factory")
	}
	ctx := context.Background()
	events, sum := factoryEvents(t, 2000, 1)
	shared, every := factoryLots(events, sum.Facts.SharedPartNumber)
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	applyAll(t, s, events)
	s.Close()
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nodes := 0
	for _, n := range st.Nodes {
		nodes += n
	}
	for _, tt := range []struct {
		name     string
		suspects []tracegraph.ID
	}{
		{"the shared part's lots", shared},
		{"every lot", every},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := tracegraph.RecallRequest{Suspects: slices.Sorted(slices.Values(tt.suspects))}
			units := 0
			grew := leastAlloc(t, func() error {
				units = 0
				return s.RecallUnits(ctx, req, func(tracegraph.RecallUnit) error { units++; return nil })
			})
			bound := uint64(96*units + 5*nodes + chunkSize*int(unsafe.Sizeof(tracegraph.RecallUnit{})))
			t.Logf("%d suspect lots reach %d units of %d nodes: RecallUnits allocated %d bytes (%.0f per unit), bound %d",
				len(req.Suspects), units, nodes, grew, float64(grew)/float64(max(units, 1)), bound)
			if units == 0 {
				t.Fatal("the recall reached no unit")
			}
			if grew > bound {
				t.Errorf("RecallUnits allocated %d bytes for %d units in a store of %d nodes, above its bound of %d", grew, units, nodes, bound)
			}
		})
	}
}

// factoryLots returns the IDs of the lots events receive: those of part
// number shared, and every one.
func factoryLots(events []*tracegraph.Event, shared string) (ofShared, every []tracegraph.ID) {
	for _, e := range events {
		if p, _ := e.Payload(); p != nil {
			if d, ok := p.(*tracegraph.LotReceived); ok {
				id := tracegraph.NewID(tracegraph.LabelMaterialLot, d.Lot)
				every = append(every, id)
				if d.PartNumber == shared {
					ofShared = append(ofShared, id)
				}
			}
		}
	}
	return ofShared, every
}

// leastAlloc runs op three times and returns the fewest bytes it allocated
// (another goroutine may allocate meanwhile), counted as if the collector
// never ran, each run after two collections have emptied the pools (so the
// marks are allocated).
func leastAlloc(t *testing.T, op func() error) uint64 {
	t.Helper()
	var least uint64
	for run := range 3 {
		runtime.GC()
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		if err := op(); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&m1)
		if g := m1.TotalAlloc - m0.TotalAlloc; run == 0 || g < least {
			least = g
		}
	}
	return least
}
