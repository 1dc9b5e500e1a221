package embedded

import (
	"fmt"

	"github.com/cockroachdb/pebble/v2"
)

// BeginLoad makes the store's commits skip the fsync of the write-ahead log
// until EndLoad, for a loader that can load its data again after a crash
// (serve --demo marks its load in the data directory). Commits still go
// through the log: a process killed keeps every commit it made, a machine
// that loses power may lose the last ones. Unlike Options.Bulk, the store
// that loaded is the one that serves: there is nothing to close, flush and
// open again.
func (s *Store) BeginLoad() { s.loading.Store(true) }

// EndLoad makes every commit made so far durable (one fsync of the
// write-ahead log) and commits sync again; call it once the loader's
// batches are applied. It then starts flushing the memtables to table
// files in the background: the store answers from them meanwhile, and a
// crash before the flush ends replays the log.
func (s *Store) EndLoad() error {
	if err := s.db.LogData(nil, pebble.Sync); err != nil {
		return fmt.Errorf("end load: sync the write-ahead log: %w", err)
	}
	s.loading.Store(false)
	if _, err := s.db.AsyncFlush(); err != nil {
		return fmt.Errorf("end load: flush: %w", err)
	}
	return nil
}
