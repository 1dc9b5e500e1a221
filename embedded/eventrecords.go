package embedded

import (
	"context"

	"github.com/cockroachdb/pebble/v2"
)

// EventRecords calls fn with the record of each event after seq, in order
// (as tracegraph.Event.MarshalRecord wrote it), at most limit (1000 when
// limit <= 0) and only up to the head, as Events gives them: a reader that
// needs a few fields of each (tracegraph.HeadReader) reads them without
// decoding the events. The record is valid only during the call; an error
// of fn stops the reading and is returned.
func (s *Store) EventRecords(ctx context.Context, after uint64, limit int, fn func(rec []byte) error) error {
	if limit <= 0 {
		limit = 1000
	}
	// Only up to the head: a commit is in Pebble a moment before it is
	// published to the topology, and an event given out must have its
	// effects in the graph already (a follower reads the graph next).
	s.mu.RLock()
	head := s.headSeq
	s.mu.RUnlock()
	if after >= head {
		return nil
	}
	it, err := s.db.NewIter(&pebble.IterOptions{LowerBound: seqKey(pEvent, after+1), UpperBound: seqKey(pEvent, head+1)})
	if err != nil {
		return err
	}
	defer it.Close()
	n := 0
	for it.First(); it.Valid() && n < limit; it.Next() {
		if err := fn(it.Value()); err != nil {
			return err
		}
		n++
	}
	return it.Error()
}
