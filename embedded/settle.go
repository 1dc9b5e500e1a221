package embedded

import (
	"context"
	"time"
)

// settleQuiet is how many checks in a row, settlePoll apart, must find
// Pebble running no flush and no compaction before Settle returns: Pebble
// schedules the next compaction as the one before finishes, so one quiet
// look could fall between two.
const (
	settleQuiet = 3
	settlePoll  = 20 * time.Millisecond
)

// Settle flushes the memtable and waits until Pebble runs no flush and no
// compaction: the work that a load of writes leaves behind it and that a
// store under a steady load would pay as it goes. A benchmark measures it
// beside the load (bench's durable ingest rows).
func (s *Store) Settle(ctx context.Context) error {
	if err := s.db.Flush(); err != nil {
		return err
	}
	for quiet := 0; quiet < settleQuiet; {
		m := s.db.Metrics()
		if m.Compact.NumInProgress == 0 && m.Flush.NumInProgress == 0 {
			quiet++
		} else {
			quiet = 0
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(settlePoll):
		}
	}
	return nil
}
