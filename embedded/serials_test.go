package embedded

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

// TestSerialsAcrossRestart: concurrent allocations, a restart, more
// allocations: the sequence continues where it was, a request repeated
// after the restart answers its serials, and Verify replays the log (with
// the serials the rules recorded) to the same graph.
func TestSerialsAcrossRestart(t *testing.T) {
	ctx := context.Background()
	s, dir := openTemp(t)
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	mustApply(t, s,
		ev(t, "def", tracegraph.EventProductDefined, 0, map[string]any{"partNumber": "MT-100", "name": "Meter"}),
		ev(t, "sch", tracegraph.EventSerialScheme, 0, map[string]any{"partNumber": "MT-100", "pattern": "MT{yy}{ww}{seq:6}{luhn}"}))
	alloc := func(s *Store, req string, n int) *tracegraph.Allocation {
		t.Helper()
		a, err := tracegraph.AllocateSerials(ctx, s, tracegraph.AllocationRequest{PartNumber: "MT-100", Count: n, Request: req, Time: at})
		if err != nil {
			t.Fatalf("AllocateSerials(%s) error: %v", req, err)
		}
		return a
	}
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() { defer wg.Done(); alloc(s, fmt.Sprintf("rq-%d", i), 2) }()
	}
	wg.Wait()
	first := alloc(s, "rq-0", 2)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if again := alloc(s2, "rq-0", 2); !again.Repeated || again.Serials[0] != first.Serials[0] {
		t.Errorf("rq-0 after the restart = %+v, want the serials it was given, %v", again, first.Serials)
	}
	next := alloc(s2, "rq-after", 3)
	if next.First != 201 || next.Repeated {
		t.Errorf("AllocateSerials after the restart = %+v, want first 201 (100 × 2 issued before)", next)
	}
	n, err := s2.Node(ctx, tracegraph.ProductID("MT-100"))
	if err != nil {
		t.Fatal(err)
	}
	if issued, nx := tracegraph.SerialsIssued(n); issued != 203 || nx != 204 {
		t.Errorf("SerialsIssued = %d, %d; want 203, 204", issued, nx)
	}
	vr, err := s2.Verify(ctx, tracegraph.VerifyOptions{})
	if err != nil || !vr.OK() {
		t.Fatalf("Verify = %+v, %v", vr, err)
	}
}
