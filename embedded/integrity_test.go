package embedded

import (
	"context"
	"testing"
	"time"

	"github.com/tracegraph/tracegraph"
)

// TestUnreadableRecordIsNeverWritten: a record that would not read back (here
// a clock past year 9999 gives a recordedAt RFC 3339 cannot carry) fails the
// batch and writes nothing, and the store goes on serving.
func TestUnreadableRecordIsNeverWritten(t *testing.T) {
	ctx := context.Background()
	far := time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("", -5*3600))
	s, err := Open(t.TempDir(), Options{Clock: func() time.Time { return far }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	evs := smallFactory(t)[:2]
	if _, err := s.Apply(ctx, evs, tracegraph.ApplyOptions{}); err == nil {
		t.Fatal("Apply with a recordedAt past 9999 = nil error, want the write refused")
	}
	if seq, _, _ := s.Head(ctx); seq != 0 {
		t.Fatalf("Head() = %d after a refused write, want 0", seq)
	}
	if got, err := s.Events(ctx, 0, 10); err != nil || len(got) != 0 {
		t.Fatalf("Events() = %d events, %v; want none and no error", len(got), err)
	}
	if _, err := s.Event(ctx, "w1"); !tracegraph.IsNotFound(err) {
		t.Fatalf("Event(w1) = %v, want NOT_FOUND", err)
	}
}
