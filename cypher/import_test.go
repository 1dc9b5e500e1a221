package cypher

import (
	"context"
	"fmt"
	"testing"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/embedded"
	"github.com/tracegraph/tracegraph/storetest"
)

// TestImportKeepsChain copies an embedded store's log into Neo4j the way
// `tracegraph migrate` does: seqs, recordedAt and hashes are kept, a second
// run imports nothing, and Verify finds the graph equal to the log.
func TestImportKeepsChain(t *testing.T) {
	s := openEmpty(t)
	ctx := context.Background()
	src, err := embedded.Open(t.TempDir(), embedded.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var evs []*tracegraph.Event
	add := func(id string, typ tracegraph.EventType, m int, data any) {
		ev, err := storetest.NewEvent(id, typ, storetest.At(m), data)
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	add("lot", tracegraph.EventLotReceived, 1, map[string]any{"lot": "L1", "partNumber": "R-10K", "supplier": "ACME"})
	for i := range 5 {
		sn := fmt.Sprint("U", i)
		add("mk-"+sn, tracegraph.EventUnitCreated, 2, map[string]any{"serial": sn, "partNumber": "PCBA-1", "workOrder": "WO-1"})
		add("use-"+sn, tracegraph.EventMaterialConsumed, 3, map[string]any{"unit": sn, "lot": "L1", "refDes": []string{"R1"}})
	}
	add("hold", tracegraph.EventHoldPlaced, 4, map[string]any{"target": "MaterialLot:L1", "reason": "supplier notice"})
	add("void", tracegraph.EventVoided, 5, map[string]any{"event": "use-U3", "reason": "wrong reel"})
	outs, err := src.Apply(ctx, evs, tracegraph.ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		if o.Status != tracegraph.OutcomeAccepted {
			t.Fatalf("embedded Apply: %+v", o)
		}
	}
	sealed, err := src.Events(ctx, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range [][]*tracegraph.Event{sealed[:4], sealed} { // the second call resumes
		if _, err := s.Import(ctx, part); err != nil {
			t.Fatalf("Import: %v", err)
		}
	}
	if n, err := s.Import(ctx, sealed); err != nil || n != 0 {
		t.Errorf("Import again = %d, %v; want 0, nil", n, err)
	}
	wantSeq, wantHash, _ := src.Head(ctx)
	if seq, hash, err := s.Head(ctx); err != nil || seq != wantSeq || hash != wantHash {
		t.Errorf("Head() = %d %s %v, want the embedded head %d %s", seq, hash, err, wantSeq, wantHash)
	}
	rep, err := s.Verify(ctx, nil)
	if err != nil || !rep.OK() {
		t.Errorf("Verify() = %+v, %v; want no problems", rep, err)
	}
	// A log with another history is refused.
	other := *sealed[0]
	other.Hash = "0000"
	if _, err := s.Import(ctx, []*tracegraph.Event{&other}); tracegraph.ErrorCode(err) != tracegraph.CodeConflict {
		t.Errorf("Import(altered event 1) error = %v, want CONFLICT", err)
	}
}
