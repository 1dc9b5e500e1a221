package embedded

import (
	"context"
	"testing"
)

// TestSettleLeavesNothingRunning: after a load Settle returns with the
// memtable flushed and no flush or compaction running, and a cancelled
// context stops it with the context's error.
func TestSettleLeavesNothingRunning(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	mustApply(t, s, smallFactory(t)...)
	if n := s.db.Metrics().Levels[0].TablesCount; n != 0 {
		t.Fatalf("%d tables in L0 before Settle: the test needs the load in the memtable", n)
	}
	if err := s.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	m := s.db.Metrics()
	if m.Compact.NumInProgress != 0 || m.Flush.NumInProgress != 0 {
		t.Errorf("after Settle: %d compactions, %d flushes running", m.Compact.NumInProgress, m.Flush.NumInProgress)
	}
	if m.MemTable.Count != 1 || m.Levels[0].TablesCount == 0 {
		t.Errorf("after Settle: %d memtables, %d tables in L0: the load was not flushed", m.MemTable.Count, m.Levels[0].TablesCount)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Settle(cancelled); err != context.Canceled {
		t.Errorf("Settle with a cancelled context = %v, want context.Canceled", err)
	}
}
