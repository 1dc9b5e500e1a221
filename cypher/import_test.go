package cypher

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/tracegraph/tracegraph"
	"github.com/tracegraph/tracegraph/cypher/internal/testserver"
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
	rep, err := s.Verify(ctx, tracegraph.VerifyOptions{})
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

// TestImportTransactionMemory: when the server refuses a transaction for
// its memory, Import says so (ErrTransactionMemory, with the server's code)
// without the driver retrying it, and writes nothing; fewer
// events per transaction then go in. It starts a server of its own that
// allows a transaction 4 MB (scripts/neo4j.sh with NEO4J_TX_MEMORY=4m).
func TestImportTransactionMemory(t *testing.T) {
	neo4jConfig(t) // the suite's server must be there (or the test skips with the rest)
	ctx := context.Background()
	srv := testserver.Start(t, "", "NEO4J_TX_MEMORY=4m")
	s, err := Open(ctx, Config{URI: srv.URI})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	evs, err := factoryStream(ctx, 2000)
	if err != nil {
		t.Fatal(err)
	}
	prev := ""
	for i, ev := range evs {
		ev.Seal(uint64(i+1), storetest.At(0), prev)
		prev = ev.Hash
	}
	n, err := s.Import(ctx, evs)
	if err == nil {
		t.Fatalf("a server with 4 MB of transaction memory took %d events in one transaction", n)
	}
	if !errors.Is(err, ErrTransactionMemory) || !strings.Contains(err.Error(), "Neo.") {
		t.Fatalf("Import(%d events) = %d, %v; want ErrTransactionMemory with the server's code", len(evs), n, err)
	}
	t.Logf("Import(%d events): %v", len(evs), err)
	// The driver retries a transaction function's error when it is a
	// retriable *neo4j.Neo4jError, as this one (a TransientError) is.
	var ne *neo4j.Neo4jError
	if errors.As(err, &ne) {
		t.Errorf("Import's error wraps the server's %s: the driver retries a write that cannot fit", ne.Code)
	}
	if seq, _, err := s.Head(ctx); err != nil || seq != 0 {
		t.Errorf("Head() after the refusal = %d, %v; want 0", seq, err)
	}
	for i := 0; i < 100; i += 20 {
		if n, err := s.Import(ctx, evs[i:i+20]); err != nil || n != 20 {
			t.Fatalf("Import(events %d-%d) = %d, %v; want 20 imported", i+1, i+20, n, err)
		}
	}
}
