package cypher

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/storetest"
)

// TestSnapshotReads reads while writers commit: a page of units and its
// total count are two statements, and must come from one committed state.
// Each writer batch creates a unit in one commit; every page holds all
// units, so in any one state the units listed and the total counted are the
// same number.
func TestSnapshotReads(t *testing.T) {
	s := openEmpty(t)
	ctx := context.Background()
	lot, err := storetest.NewEvent("lot", tracegraph.EventLotReceived, storetest.At(0),
		map[string]any{"lot": "L1", "partNumber": "R-10K", "supplier": "ACME"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, []*tracegraph.Event{lot}, tracegraph.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	const writers, batches = 2, 60
	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				sn := fmt.Sprintf("U%d-%03d", w, b)
				mk, err1 := storetest.NewEvent("mk-"+sn, tracegraph.EventUnitCreated, storetest.At(1),
					map[string]any{"serial": sn, "partNumber": "PCBA-1"})
				use, err2 := storetest.NewEvent("use-"+sn, tracegraph.EventMaterialConsumed, storetest.At(2),
					map[string]any{"unit": sn, "lot": "L1"})
				if err1 != nil || err2 != nil {
					t.Error(err1, err2)
					return
				}
				if _, err := s.Apply(ctx, []*tracegraph.Event{mk, use}, tracegraph.ApplyOptions{Atomic: true}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	reads := 0
	for stop := false; !stop; reads++ {
		select {
		case <-done:
			stop = true // one last read after every write
		default:
		}
		page, err := s.Units(ctx, tracegraph.UnitFilter{}, tracegraph.Page{First: 1000})
		if err != nil {
			t.Error(err)
			break
		}
		if page.TotalCount != len(page.Units) {
			t.Errorf("read %d: Units lists %d units but counts %d: a commit tore the answer", reads, len(page.Units), page.TotalCount)
			break
		}
	}
	<-done // the writers end before the store closes
	if t.Failed() {
		return
	}
	if page, err := s.Units(ctx, tracegraph.UnitFilter{}, tracegraph.Page{First: 1000}); err != nil || page.TotalCount != writers*batches {
		t.Fatalf("after the writers: %d units, %v; want %d", page.TotalCount, err, writers*batches)
	}
	t.Logf("%d consistent reads while %d writers committed %d batches", reads, writers, writers*batches)
}
