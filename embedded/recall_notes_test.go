package embedded

import (
	"context"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// TestRecallWalkNotesHolders checks the notes a recall walk leaves in the
// rollup's slots against the holders the rollup rules would read: for
// every unit the walk reached from every lot, at a moment, on one
// goroutine and on three, the note is the one its Holders give, or none
// (a node whose edges were split among goroutines), for few units.
func TestRecallWalkNotesHolders(t *testing.T) {
	ctx := context.Background()
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	events, sum := factoryEvents(t, 300, 2)
	applyAll(t, s, events)
	_, lots := factoryLots(events, "")
	kinds := map[uint32]int{}
	unnoted, noted := 0, 0
	for _, workers := range []int{1, 3} {
		s.par = parallelism{workers: workers, minPart: 4, minEdges: 2} // few nodes' edges split too
		for _, lot := range lots {
			req := tracegraph.RecallRequest{Suspects: []tracegraph.ID{lot}, AsOf: sum.End}
			s.mu.RLock()
			slots := getMarks(s.t.nodeCount())
			im, err := s.walkImpactOn(ctx, req, nil, workers, slots)
			if err != nil {
				s.mu.RUnlock()
				t.Fatal(err)
			}
			if !im.noted {
				t.Fatal("the walk noted nothing")
			}
			for _, i := range im.order {
				if s.t.label[i] != unitCode {
					continue
				}
				var units, conts int
				var unit, cont uint32
				for _, h := range im.x.Holders(i, nil) {
					switch {
					case h.Label == tracegraph.LabelUnit:
						units, unit = units+1, h.Holder
					case h.Label.IsContainer():
						conts, cont = conts+1, h.Holder
					}
				}
				want, _ := tracegraph.HeldNote(true, units, unit, conts, cont, s.t.labelOf(cont))
				got := slots.Get(i)
				if got == 0 {
					unnoted++
					continue
				}
				if got != want {
					t.Fatalf("%s, %d workers: unit %s noted %#x, want %#x (%d unit and %d container holders)",
						lot, workers, s.t.name(i), got, want, units, conts)
				}
				kinds[want>>27]++
				noted++
			}
			slots.ClearOn(im.order, 1)
			im.release()
			putMarks(slots)
			s.mu.RUnlock()
		}
	}
	t.Logf("notes by kind: %v; %d units not noted", kinds, unnoted)
	if unnoted*20 > noted {
		t.Fatalf("%d units not noted, %d noted", unnoted, noted)
	}
	if len(kinds) < 3 {
		t.Fatalf("notes of %d kinds only (%v): the factory holds too little", len(kinds), kinds)
	}
}
