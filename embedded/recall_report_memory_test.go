package embedded

import (
	"context"
	"slices"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// TestRecallImpactHeapBound checks what a full recall report allocates in
// parts (its unit lists and rollups built on two goroutines), counted as if
// the collector never ran, with no marks pooled: within 250 bytes per unit
// reached plus 15 bytes per node of the store (the walk's and the rollup's
// marks). The report's own lists take 56 bytes a unit; a RecallUnit built
// per unit and copied into them, ID keys to order them, or every product's
// containers held at once break the bound (576 bytes a unit before, 393 after).
func TestRecallImpactHeapBound(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a factory")
	}
	ctx := context.Background()
	events, _ := factoryEvents(t, 2000, 1)
	_, lots := factoryLots(events, "")
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	applyAll(t, s, events)
	s.par = parallelism{workers: 2, minPart: 64}
	nodes := s.t.nodeCount()
	req := tracegraph.RecallRequest{Suspects: slices.Sorted(slices.Values(lots))}
	units := 0
	grew := leastAlloc(t, func() error {
		rep, err := s.RecallImpact(ctx, req)
		if err == nil {
			units = len(rep.Confirmed) + len(rep.Possible)
		}
		return err
	})
	bound := uint64(250*units + 15*nodes)
	t.Logf("%d lots reach %d units of %d nodes: RecallImpact allocated %d bytes (%.0f per unit), bound %d",
		len(req.Suspects), units, nodes, grew, float64(grew)/float64(max(units, 1)), bound)
	if units < 1000 {
		t.Fatalf("the recall reached %d units, too few to be built in parts", units)
	}
	if grew > bound {
		t.Errorf("RecallImpact allocated %d bytes for %d units in a store of %d nodes, above its bound of %d", grew, units, nodes, bound)
	}
}
