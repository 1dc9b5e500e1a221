package embedded

import (
	"context"
	"fmt"
	"testing"

	"github.com/tracegraph/tracegraph"
)

// TestEventsNeverAheadOfGraph: an event the log gives out has its effects in
// the graph already. A follower that reads the log and then the graph (the
// business metrics count units after reading unit events) must never see an
// event whose unit is not there yet; before the fix, Events read Pebble,
// where a commit is visible a moment before it is published to the
// topology, and the metrics kept stale unit counts for good.
func TestEventsNeverAheadOfGraph(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	const n = 1500
	done := make(chan error, 1)
	go func() {
		for i := range n {
			e := ev(t, fmt.Sprintf("u%d", i), tracegraph.EventUnitCreated, 0, map[string]any{"serial": fmt.Sprintf("S%d", i), "partNumber": "P"})
			if _, err := s.Apply(ctx, []*tracegraph.Event{e}, tracegraph.ApplyOptions{}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	var after uint64
	for seen := 0; seen < n; {
		evs, err := s.Events(ctx, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			p, err := e.Payload()
			if err != nil {
				t.Fatal(err)
			}
			id := tracegraph.NewID(tracegraph.LabelUnit, p.(*tracegraph.UnitCreated).Serial)
			nodes, err := s.Nodes(ctx, []tracegraph.ID{id})
			if err != nil {
				t.Fatal(err)
			}
			if nodes[0] == nil {
				t.Fatalf("the log gave out event %d (%s) before the graph had %s", e.Seq, e.ID, id)
			}
			if head, _, err := s.Head(ctx); err != nil || head < e.Seq {
				t.Fatalf("the log gave out event %d beyond the head %d (%v)", e.Seq, head, err)
			}
			after = e.Seq
			seen++
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
